#include "theory/reference/dlbook.hpp"

#include <boost/math/special_functions/expm1.hpp>
#include <boost/math/special_functions/log1p.hpp>

#include <cmath>

namespace regcheck::theory::reference {

namespace {
bool is_count(double n) { return std::isfinite(n) && n >= 1 && n == std::floor(n); }

// q = (1 - x)^tau and 1 - q for x = eta lambda (exact), tau integer.
struct Power {
  Real50 x, b, logb, q, one_minus_q;
};
Power power(double lambda, double eta, double tau) {
  Power p;
  p.x = Real50(lambda) * Real50(eta);
  p.b = 1 - p.x;
  if (p.b == 0) return p;
  p.logb = p.x < 1 ? boost::math::log1p(-p.x) : log(p.x - 1);
  const bool neg = p.b < 0 && std::fmod(tau, 2.0) == 1;
  const Real50 qmag = exp(Real50(tau) * p.logb);
  p.q = neg ? Real50(-qmag) : qmag;
  p.one_minus_q = neg ? 1 + qmag : Real50(-boost::math::expm1(Real50(tau) * p.logb));
  return p;
}
}  // namespace

std::optional<Real50> effective_params(const std::vector<double>& lambda, double alpha) {
  if (!std::isfinite(alpha) || !(alpha >= 0)) return std::nullopt;
  Real50 sum = 0;
  for (double l : lambda) {
    if (!std::isfinite(l) || !(l >= 0)) return std::nullopt;
    if (l > 0) sum += Real50(l) / (Real50(l) + Real50(alpha));
  }
  return sum;
}

std::optional<Real50> ensemble_mse(double k, double v, double c) {
  if (!is_count(k) || !std::isfinite(v) || !std::isfinite(c) || !(v >= 0)) return std::nullopt;
  const Real50 K = Real50(k), V = Real50(v), C = Real50(c);
  if (k == 1) return C <= V && C >= -V ? std::optional<Real50>(V) : std::nullopt;
  const bool at_bound = c == -v / (k - 1);
  Real50 num = V + (K - 1) * C;
  if (C > V || (num < 0 && !at_bound)) return std::nullopt;
  if (num < 0) num = 0;  // the rounded bound, taken as the boundary
  return num / K;
}

std::optional<Real50> early_stopping_alpha(double lambda, double eta, double tau) {
  if (!std::isfinite(lambda) || !std::isfinite(eta) || !(lambda > 0) || !(eta > 0) || !is_count(tau)) return std::nullopt;
  const Power p = power(lambda, eta, tau);
  if (!(p.x < 2)) return std::nullopt;
  if (p.b == 0) return Real50(0);
  return Real50(lambda) * p.q / p.one_minus_q;
}

Real50 early_stopping_alpha_condition(double lambda, double eta, double tau) {
  const Power p = power(lambda, eta, tau);
  if (p.b == 0) return Real50(1);
  const Real50 T = Real50(tau);
  return 1 + (2 * T * p.x / abs(p.b) + abs(T * p.logb)) / abs(p.one_minus_q);
}

std::optional<Real50> bootstrap_unique(double n) {
  if (!is_count(n)) return std::nullopt;
  if (n == 1) return Real50(1);
  const Real50 N = Real50(n);
  return -boost::math::expm1(N * boost::math::log1p(-1 / N));
}

}  // namespace regcheck::theory::reference
