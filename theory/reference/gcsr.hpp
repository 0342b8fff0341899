#pragma once
// 50-digit references of the gcsr closed forms (theory/gcsr.hpp, theory/prox.hpp soft_threshold).
#include "theory/reference/real50.hpp"

namespace regcheck::theory::reference {

// gcsr eq. (10): S(y, t) = y - t (y > t), y + t (y < -t), 0 otherwise; t >= 0 (nullopt outside or
// for non-finite input).
std::optional<Real50> soft_threshold(double y, double t);
// gcsr eq. (9) for L2 with g ~ N(0, sg^2), w ~ N(0, sw^2): 1 - arctan(2 lambda sw / sg) / pi;
// lambda >= 0, sg > 0, sw >= 0.
std::optional<Real50> coherence_l2(double lambda, double sg, double sw);
// gcsr eq. (9) for L1 with g ~ N(0, sg^2): 1 - erf(lambda / (sg sqrt 2)) / 2; lambda >= 0, sg > 0.
std::optional<Real50> coherence_l1(double lambda, double sg);

}  // namespace regcheck::theory::reference
