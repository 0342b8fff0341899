#include "theory/reference/dropact.hpp"

#include <boost/math/constants/constants.hpp>

namespace regcheck::theory::reference {

const Real50& pi50() {
  static const Real50 v = boost::math::constants::pi<Real50>();
  return v;
}

std::optional<Real50> shift_ratio(double p) {
  if (!(p >= 0 && p <= 1)) return std::nullopt;
  const Real50 half = Real50(1) / 2, c2 = 1 / (2 * pi50()), P = Real50(p);
  return ((half - c2) * P * P - P + 1) / (1 - P / 2 - c2 * P * P);
}

std::optional<Real50> dropout_shift_ratio(double p) {
  if (!(p > 0 && p <= 1)) return std::nullopt;
  // c^2 + v = 1/2; exact in 50 digits apart from the division by p (in range for p > 0).
  const Real50 half = Real50(1) / 2, c2 = 1 / (2 * pi50()), P = Real50(p);
  return (half - c2) / (half / P - c2);
}

}  // namespace regcheck::theory::reference
