#include "theory/reference/tl1.hpp"

#include <cmath>

namespace regcheck::theory::reference {

namespace {
bool tl1_domain(double lambda, double a) { return std::isfinite(lambda) && std::isfinite(a) && lambda >= 0 && a > 0; }
}  // namespace

std::optional<Real50> tl1_threshold(double lambda, double a) {
  if (!tl1_domain(lambda, a)) return std::nullopt;
  const Real50 L = Real50(lambda), A = Real50(a);
  if (L <= A * A / (2 * (A + 1))) return L * (A + 1) / A;
  return sqrt(2 * L * (A + 1)) - A / 2;
}

std::optional<Real50> tl1_prox(double y, double lambda, double a) {
  if (!std::isfinite(y) || !tl1_domain(lambda, a)) return std::nullopt;
  const Real50 ay = abs(Real50(y)), L = Real50(lambda), A = Real50(a);
  const Real50 c = L * A * (A + 1);
  Real50 x = ay;
  bool root = false;
  for (int it = 0; it < 3000; ++it) {
    const Real50 u = A + x;
    const Real50 g = x - ay + c / (u * u);
    const Real50 gp = 1 - 2 * c / (u * u * u);
    if (gp <= 0) break;
    const Real50 step = g / gp;
    x -= step;
    if (x <= 0) break;
    // 50 digits of |y|-sized terms leave ~50 - log10(|y|/x) digits in x: stop at 1e-40 relative
    // or at the absolute noise floor 1e-46 |y| (far below an ulp of the double result either way).
    if (abs(step) <= x * Real50(1e-40) || abs(step) <= ay * Real50(1e-46)) {
      root = true;
      break;
    }
  }
  if (!root) return Real50(0);
  // f(x) - f(0) = x (x/2 - |y| + lambda (a+1) / (a+x)): the root wins only when this is < 0.
  if (x / 2 - ay + L * (A + 1) / (A + x) >= 0) return Real50(0);
  return y < 0 ? Real50(-x) : x;
}

Real50 tl1_prox_condition(const Real50& x, double y, double lambda, double a) {
  const Real50 ax = abs(x), A = Real50(a), L = Real50(lambda);
  const Real50 u = A + ax;
  const Real50 D = L * A * (A + 1) / (u * u);
  const Real50 da = abs(L * A * (2 * A * ax + ax - A)) / (u * u * u);
  return (abs(Real50(y)) + D + da) / (ax * abs(1 - 2 * D / u));
}

std::optional<std::vector<Real50>> group_prox(const std::vector<double>& v, double tau) {
  if (!std::isfinite(tau) || !(tau >= 0)) return std::nullopt;
  Real50 n2 = 0;
  for (double x : v) {
    if (!std::isfinite(x)) return std::nullopt;
    n2 += Real50(x) * Real50(x);
  }
  const Real50 norm = sqrt(n2);
  std::vector<Real50> out;
  out.reserve(v.size());
  for (double x : v) out.push_back(norm <= Real50(tau) ? Real50(0) : Real50(x) * (1 - Real50(tau) / norm));
  return out;
}

}  // namespace regcheck::theory::reference
