#include "theory/dropact.hpp"

#include "theory/prox.hpp"

#include <numbers>

namespace regcheck::theory::dropact {

double shift_ratio(double p) {
  detail::require(p >= 0.0 && p <= 1.0, "shift_ratio: p must be in [0, 1], got " + detail::num(p));
  constexpr double inv_2pi = 1.0 / (2.0 * std::numbers::pi);
  const double num = (0.5 - inv_2pi) * p * p - p + 1.0;
  const double den = 1.0 - 0.5 * p - inv_2pi * p * p;
  return num / den;
}

}  // namespace regcheck::theory::dropact
