#pragma once
// Proximal operators shared by the claim checks and the trainer (nets/ calls these; no copies).
//
// prox_{f}(y) = argmin_x 0.5 ||x - y||^2 + f(x).
#include "theory/require.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>

namespace regcheck::theory {

namespace detail {
inline std::string num(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}

// sqrt(2 x y) for finite x, y >= 0 with no overflow or underflow of the product 2 x y (which
// overflows for x y > 9e307 and loses bits for x y < 2e-308, e.g. 2 lambda (a + 1) at lambda = 1e308).
// Each factor is brought to [0.5, 4) by an even power of two (exact), so the product is in
// [0.25, 32); the scale returns through ldexp (exact unless the result itself is out of range).
// Error <= 1 ulp (one rounding in the product, one in sqrt).
inline double sqrt_2xy(double x, double y) {
  if (x == 0 || y == 0) return 0.0;
  const int kx = std::ilogb(x) / 2, ky = std::ilogb(y) / 2;
  return std::ldexp(std::sqrt(2.0 * std::ldexp(x, -2 * kx) * std::ldexp(y, -2 * ky)), kx + ky);
}

// x y / z for finite x, y >= 0 and z > 0 without intermediate overflow or underflow (x y or x / z
// may leave the double range while x y / z does not, e.g. lambda sw / sg = 1e300 * 1e-300 / 1e-300).
// Mantissas in [0.5, 1) are combined, the exponents added separately, and ldexp rounds once
// into range (inf or 0 only when x y / z itself is out of range). Error <= 1.5 ulp.
inline double scaled_mul_div(double x, double y, double z) {
  if (x == 0 || y == 0) return 0.0;
  int ex = 0, ey = 0, ez = 0;
  const double mx = std::frexp(x, &ex), my = std::frexp(y, &ey), mz = std::frexp(z, &ez);
  return std::ldexp(mx * my / mz, ex + ey - ez);
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
  // v.norm() squares the entries, which overflows to inf for |v_i| > 1.3e154 (prox(v) = v instead
  // of 0) and underflows to 0 for |v_i| < 1.5e-154 (prox(v) = 0 instead of ~v). Outside the safe
  // range of the sum of squares, stableNorm (scaled sum of squares, like hypot); inside it the
  // plain norm, bit-identical to v.norm() (the claim checks compare ||v|| with tau using it). A sum
  // of squares >= min/eps has lost at most d min to underflowed terms, < d eps/2 relative.
  using Scalar = typename Derived::Scalar;
  const Scalar sq = v.squaredNorm();
  const bool safe = std::isfinite(sq) && sq >= std::numeric_limits<Scalar>::min() / std::numeric_limits<Scalar>::epsilon();
  const double norm = static_cast<double>(safe ? std::sqrt(sq) : v.stableNorm());
  if (norm <= tau) return Eigen::Matrix<typename Derived::Scalar, Eigen::Dynamic, 1>::Zero(v.size());
  // (norm - tau) / norm rather than 1 - tau / norm: the difference of two doubles is exact near
  // norm = tau (Sterbenz), so only the conditioning tau / (norm - tau) of the problem itself
  // amplifies the error of the norm; 1 - tau / norm adds the rounding of tau / norm on top.
  return (v * static_cast<typename Derived::Scalar>((norm - tau) / norm)).eval();
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
// Computed without overflow or underflow over the whole double range (a * a overflows for
// a > 1.3e154, lambda (a + 1) and 2 lambda (a + 1) for large lambda, giving t = inf or NaN):
//  - regime test divided by a: lambda / a <= (a / (a + 1)) / 2 (a quotient overflowing to inf or
//    underflowing to 0 still lands on the right side); at the boundary both forms equal a / 2, so
//    a tie misclassified by rounding changes t by a few ulps only;
//  - subcritical t = lambda + lambda / a (lambda / a < 1/2 here, so nothing overflows);
//  - supercritical sqrt(2 lambda (a + 1)) by power-of-two scaling (detail::sqrt_2xy). It is >= a in
//    this regime, so subtracting a / 2 loses at most one bit. Error <= 4 ulps in both regimes.
inline double tl1_threshold(double lambda, double a) {
  REGCHECK_REQUIRE(std::isfinite(lambda) && lambda >= 0, "tl1_threshold: lambda must be finite and >= 0, got " + detail::num(lambda));
  REGCHECK_REQUIRE(std::isfinite(a) && a > 0, "tl1_threshold: a must be finite and > 0, got " + detail::num(a));
  if (lambda / a <= 0.5 * (a / (a + 1.0))) return lambda + lambda / a;
  // Near DBL_MAX, sqrt(2 lambda (a + 1)) can exceed DBL_MAX while t does not (t <= 0.92 DBL_MAX):
  // there t = 16 (sqrt(2 (lambda / 16) ((a + 1) / 16)) - a / 32), all scalings exact.
  if (lambda > 0x1p1000 || a > 0x1p1000) return 16.0 * (detail::sqrt_2xy(lambda / 16.0, (a + 1.0) / 16.0) - a / 32.0);
  return detail::sqrt_2xy(lambda, a + 1.0) - 0.5 * a;
}

// The nonzero branch of the TL1 prox (tl1 eq. 36; Zhang & Xin, Thm. 3.1): the largest root of
// the stationarity cubic x - y + lambda a (a + 1) sgn(x) / (a + |x|)^2 = 0, printed as
//   phi(y) = arccos(1 - 27 lambda a (a + 1) / (2 (a + |y|)^3)),
//   g(y)   = sgn(y) [ (2/3)(a + |y|) cos(phi / 3) - 2a/3 + |y|/3 ].
// Evaluated here in an algebraically identical, numerically stable form. With s = a + |y| and
// delta = 27 lambda a (a + 1) / (2 s^3) (so cos phi = 1 - delta):
//   phi = 2 asin(sqrt(delta / 2))               (1 - cos phi = 2 sin^2(phi / 2))
//   |g| = |y| - (4/3) s sin^2(phi / 6)          (1 - cos(phi / 3) = 2 sin^2(phi / 6))
//       = |y| - D0 F,  D0 = lambda a (a + 1) / s^2,  F = 18 sin^2(phi / 6) / delta
// (delta = 13.5 D0 / s). F -> 1 as delta -> 0 (F = 1 + O(delta)), so for delta below DBL_MIN,
// where delta is subnormal or 0 and sin^2 / delta would lose bits, F = 1 is exact to the last bit.
// Why: the printed form cancels two O(a) terms (-2a/3 against (2/3) s cos(phi/3)) and takes
// arccos of 1 - delta, whose rounding (eps absolute) swamps a small delta; both cost ~a eps
// absolute, i.e. ~a/|g| ulps, unbounded as a grows (soft-thresholding limit) or near the
// threshold. The stable form has only products, a well-conditioned asin (delta <= 2 for |y| >= t;
// near delta = 2 the two largest roots coalesce and the problem itself is ill-conditioned), and
// one final subtraction |y| - D whose error ~eps (|y| + D) is the conditioning of the root itself
// (see tl1::prox_condition). Range: D0 and delta come from the ratios a / s <= 1 and
// lambda (a + 1) / s (<= ~s for |y| >= t), so no intermediate overflows; a product that
// underflows does so only where its term is below an ulp of |y|. s = a + |y| itself overflows
// near DBL_MAX (and (4/3) s did at |y| = 1.4e308, giving NaN), so above 2^1022 everything is
// computed with s / 2 (h = 1/2, exact). Called only for |y| >= t (tl1_prox), where the real root
// exists; sqrt(delta / 2) is clamped to 1 against rounding there.
inline double tl1_prox_branch(double y, double lambda, double a) {
  const double ay = std::abs(y);
  const double h = (a > 0x1p1022 || ay > 0x1p1022) ? 0.5 : 1.0;
  const double hs = h * a + h * ay;                       // h s
  const double a_s = (h * a) / hs;                        // a / s in (0, 1]
  const double l_s = lambda * ((h * (a + 1.0)) / hs);     // lambda (a + 1) / s
  const double d0 = l_s * a_s;                            // lambda a (a + 1) / s^2
  const double delta = 13.5 * ((h * l_s) / hs) * a_s;     // 27 lambda a (a + 1) / (2 s^3)
  double f = 1.0;
  if (delta >= std::numeric_limits<double>::min()) {
    const double phi = 2.0 * std::asin(std::min(1.0, std::sqrt(0.5 * delta)));
    const double sn = std::sin(phi / 6.0);
    f = 18.0 * sn * sn / delta;
  }
  const double mag = ay - d0 * f;
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
