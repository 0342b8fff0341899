#include "theory/reference/gcsr.hpp"

#include <boost/math/special_functions/erf.hpp>

#include <cmath>

namespace regcheck::theory::reference {

std::optional<Real50> soft_threshold(double y, double t) {
  if (!std::isfinite(y) || !std::isfinite(t) || !(t >= 0)) return std::nullopt;
  const Real50 Y = Real50(y), T = Real50(t);
  return Y > T ? Y - T : (Y < -T ? Y + T : Real50(0));
}

std::optional<Real50> coherence_l2(double lambda, double sg, double sw) {
  if (!std::isfinite(lambda) || !std::isfinite(sg) || !std::isfinite(sw) || !(lambda >= 0) || !(sg > 0) || !(sw >= 0))
    return std::nullopt;
  return 1 - atan(2 * Real50(lambda) * Real50(sw) / Real50(sg)) / pi50();
}

std::optional<Real50> coherence_l1(double lambda, double sg) {
  if (!std::isfinite(lambda) || !std::isfinite(sg) || !(lambda >= 0) || !(sg > 0)) return std::nullopt;
  return 1 - boost::math::erf(Real50(lambda) / (Real50(sg) * sqrt(Real50(2)))) / 2;
}

}  // namespace regcheck::theory::reference
