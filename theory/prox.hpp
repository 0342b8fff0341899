#pragma once
// Proximal operators shared by the claim checks and the trainer (nets/ calls these; no copies).
//
// prox_{f}(y) = argmin_x 0.5 ||x - y||^2 + f(x).
#include "theory/require.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace regcheck::theory {

namespace detail {
inline std::string num(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}
}  // namespace detail

// Soft thresholding, the prox of z|.| (gcsr eq. 10; Beck & Teboulle ISTA):
//   S(a, z) = a - z if a > z;  a + z if a < -z;  0 otherwise.   z >= 0.
inline double soft_threshold(double a, double z) {
  REGCHECK_REQUIRE(std::isfinite(a), "soft_threshold: y must be finite, got " + detail::num(a));
  REGCHECK_REQUIRE(std::isfinite(z) && z >= 0, "soft_threshold: t must be finite and >= 0, got " + detail::num(z));
  if (a > z) return a - z;
  if (a < -z) return a + z;
  return 0.0;
}

// Group soft thresholding, the prox of tau ||.||_2 on one group (tl1 eq. 23):
//   prox(v) = max(0, 1 - tau / ||v||) v,   tau >= 0;  prox(0) = 0.
template <class Derived>
Eigen::Matrix<typename Derived::Scalar, Eigen::Dynamic, 1> group_prox(const Eigen::MatrixBase<Derived>& v, double tau) {
  REGCHECK_REQUIRE(std::isfinite(tau) && tau >= 0, "group_prox: tau must be finite and >= 0, got " + detail::num(tau));
  REGCHECK_REQUIRE(v.allFinite(), "group_prox: v must be finite");
  const double norm = static_cast<double>(v.norm());
  if (norm <= tau) return Eigen::Matrix<typename Derived::Scalar, Eigen::Dynamic, 1>::Zero(v.size());
  return (v * static_cast<typename Derived::Scalar>(1.0 - tau / norm)).eval();
}

// Transformed L1 penalty rho_a(x) = (a + 1)|x| / (a + |x|), a > 0 (tl1 eq. 12; Zhang & Xin).
inline double tl1_penalty(double x, double a) {
  REGCHECK_REQUIRE(std::isfinite(x), "tl1_penalty: x must be finite, got " + detail::num(x));
  REGCHECK_REQUIRE(std::isfinite(a) && a > 0, "tl1_penalty: a must be finite and > 0, got " + detail::num(a));
  const double ax = std::abs(x);
  return (a + 1.0) * ax / (a + ax);
}

// Threshold of the TL1 prox (tl1 eq. 36, Zhang & Xin Thm. 3.1):
//   t = lambda (a + 1) / a                 if lambda <= a^2 / (2 (a + 1))   (subcritical)
//   t = sqrt(2 lambda (a + 1)) - a / 2     otherwise                        (supercritical)
inline double tl1_threshold(double lambda, double a) {
  REGCHECK_REQUIRE(std::isfinite(lambda) && lambda >= 0, "tl1_threshold: lambda must be finite and >= 0, got " + detail::num(lambda));
  REGCHECK_REQUIRE(std::isfinite(a) && a > 0, "tl1_threshold: a must be finite and > 0, got " + detail::num(a));
  if (lambda <= a * a / (2.0 * (a + 1.0))) return lambda * (a + 1.0) / a;
  return std::sqrt(2.0 * lambda * (a + 1.0)) - a / 2.0;
}

// The nonzero branch of the TL1 prox (tl1 eq. 36; Zhang & Xin, Thm. 3.1): the largest root of
// the stationarity cubic x - y + lambda a (a + 1) sgn(x) / (a + |x|)^2 = 0, printed as
//   phi(y) = arccos(1 - 27 lambda a (a + 1) / (2 (a + |y|)^3)),
//   g(y)   = sgn(y) [ (2/3)(a + |y|) cos(phi / 3) - 2a/3 + |y|/3 ].
// Evaluated here in an algebraically identical, numerically stable form. With s = a + |y| and
// delta = 27 lambda a (a + 1) / (2 s^3) (so cos phi = 1 - delta):
//   phi = 2 asin(sqrt(delta / 2))               (1 - cos phi = 2 sin^2(phi / 2))
//   |g| = |y| - (4/3) s sin^2(phi / 6)          (1 - cos(phi / 3) = 2 sin^2(phi / 6))
// Why: the printed form cancels two O(a) terms (-2a/3 against (2/3) s cos(phi/3)) and takes
// arccos of 1 - delta, whose rounding (eps absolute) swamps a small delta; both cost ~a eps
// absolute, i.e. ~a/|g| ulps, unbounded as a grows (soft-thresholding limit) or near the
// threshold. The stable form has only products, a well-conditioned asin (delta <= 2 for |y| >= t;
// near delta = 2 the two largest roots coalesce and the problem itself is ill-conditioned), and
// one final subtraction |y| - D with D = lambda a (a+1) / (a + |g|)^2 exactly at the root, whose
// error ~eps (|y| + D) is the conditioning of the root itself (see tl1::prox_condition).
// delta is formed from ratios lambda/s, a/s, (a+1)/s so nothing overflows for large inputs.
// Called only for |y| >= t (tl1_prox), where the real root exists; sqrt(delta / 2) is clamped to
// 1 against rounding there.
inline double tl1_prox_branch(double y, double lambda, double a) {
  const double ay = std::abs(y);
  const double s = a + ay;
  const double delta = 13.5 * (lambda / s) * (a / s) * ((a + 1.0) / s);
  const double phi = 2.0 * std::asin(std::min(1.0, std::sqrt(0.5 * delta)));
  const double sn = std::sin(phi / 6.0);
  const double mag = ay - (4.0 / 3.0) * s * sn * sn;
  return std::copysign(std::max(mag, 0.0), y);  // mag >= 0 for |y| >= t; max() only absorbs rounding
}

// prox of lambda rho_a: 0 if |y| <= t, else g(y). At |y| = t in the supercritical regime both 0
// and g(t) are global minimizers; this returns 0 (the sparser one).
inline double tl1_prox(double y, double lambda, double a) {
  REGCHECK_REQUIRE(std::isfinite(y), "tl1_prox: y must be finite, got " + detail::num(y));
  const double t = tl1_threshold(lambda, a);
  if (std::abs(y) <= t) return 0.0;
  return tl1_prox_branch(y, lambda, a);
}

}  // namespace regcheck::theory
