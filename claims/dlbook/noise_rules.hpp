#pragma once
// Exact expectation rules for the noise claims of Deep Learning 7.6 (claims/dlbook/noise_polynomial.cpp,
// claims/dlbook/tikhonov_{input,weight}_claims.cpp): E over one standardized noise coordinate z of a function,
// exact for polynomials up to a stated degree (Gaussian) or for every function (a discrete law).
#include <array>
#include <cmath>

namespace regcheck::claims::noise_rules {

// The noise levels (nu, or eta) at which the Tikhonov-equivalence checks measure slopes and
// O(nu^2) remainders: three decades, small enough for the expansions, large enough that the
// remainder stays above rounding.
inline constexpr std::array<double, 3> kNus{1e-2, 1e-3, 1e-4};

struct Rule5 {
  std::array<double, 5> z, w;
};

// 5-point Gauss-Hermite rule for z ~ N(0, 1) (probabilists'): nodes the roots of
// He_5(z) = z^5 - 10 z^3 + 15 z, i.e. 0 and +-sqrt(5 -+ sqrt(10)); weights 5! / (25 He_4(z)^2):
// 8/15 at 0, (7 +- 2 sqrt(10)) / 60 at +-sqrt(5 -+ sqrt(10)). Exact for polynomials of degree <= 9.
inline Rule5 gauss_hermite5() {
  const double r10 = std::sqrt(10.0);
  const double a = std::sqrt(5.0 - r10), b = std::sqrt(5.0 + r10);
  const double wa = (7.0 + 2.0 * r10) / 60.0, wb = (7.0 - 2.0 * r10) / 60.0;
  return {{0.0, a, -a, b, -b}, {8.0 / 15.0, wa, wa, wb, wb}};
}

// A skewed zero-mean, unit-variance two-point law: z = 2 with probability 1/5, z = -1/2 with
// probability 4/5. E z = 2/5 - 2/5 = 0, E z^2 = 4/5 + 1/5 = 1, E z^3 = 8/5 - 1/10 = 3/2,
// E z^4 = 16/5 + 1/20 = 13/4. Its expectation is the 2-node sum: exact for every function.
struct Rule2 {
  std::array<double, 2> z, w;
};
inline Rule2 skewed_two_point() { return {{2.0, -0.5}, {0.2, 0.8}}; }
constexpr double kSkewedMu3 = 1.5;

}  // namespace regcheck::claims::noise_rules
