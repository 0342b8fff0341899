// Closed forms of the tl1 claims: see theory/tl1.hpp.
#include "theory/tl1.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace regcheck::theory::tl1 {

double integrated_regularizer(const Eigen::MatrixXd& W, double lambda, double mu, double a) {
  REGCHECK_REQUIRE(std::isfinite(lambda) && lambda >= 0,
                  "integrated_regularizer: lambda must be finite and >= 0, got " + detail::num(lambda));
  REGCHECK_REQUIRE(mu >= 0 && mu <= 1, "integrated_regularizer: mu must be in [0, 1], got " + detail::num(mu));
  REGCHECK_REQUIRE(std::isfinite(a) && a > 0, "integrated_regularizer: a must be finite and > 0, got " + detail::num(a));
  REGCHECK_REQUIRE(W.allFinite(), "integrated_regularizer: W must be finite");
  double tl1 = 0, group = 0;
  for (Eigen::Index i = 0; i < W.rows(); ++i) {
    for (Eigen::Index j = 0; j < W.cols(); ++j) tl1 += tl1_penalty(W(i, j), a);
    group += W.row(i).norm();
  }
  return lambda * (mu * tl1 + (1.0 - mu) * std::sqrt(static_cast<double>(W.cols())) * group);
}

double prox_objective(double x, double y, double lambda, double a) {
  REGCHECK_REQUIRE(std::isfinite(y), "prox_objective: y must be finite, got " + detail::num(y));
  REGCHECK_REQUIRE(std::isfinite(lambda) && lambda >= 0, "prox_objective: lambda must be finite and >= 0, got " + detail::num(lambda));
  return 0.5 * (x - y) * (x - y) + lambda * tl1_penalty(x, a);
}

double prox_branch_printed(double y, double lambda, double a) {
  const double ay = std::abs(y);
  const double s = a + ay;
  const double arg = std::clamp(1.0 - 27.0 * lambda * a * (a + 1.0) / (2.0 * s * s * s), -1.0, 1.0);
  const double phi = std::acos(arg);
  const double mag = (2.0 / 3.0) * s * std::cos(phi / 3.0) - 2.0 * a / 3.0 + ay / 3.0;
  return std::copysign(mag, y);
}

double prox_condition(double x, double y, double lambda, double a) {
  const double ax = std::abs(x), ay = std::abs(y);
  if (ax == 0) return std::numeric_limits<double>::infinity();
  const double u = a + ax;
  const double D = lambda * a * (a + 1.0) / (u * u);
  const double hp = 1.0 - 2.0 * D / u;
  const double da = std::abs(lambda * a * (2.0 * a * ax + ax - a)) / (u * u * u);  // |dG/da| a
  return (ay + D + da) / (ax * std::abs(hp));
}

}  // namespace regcheck::theory::tl1
