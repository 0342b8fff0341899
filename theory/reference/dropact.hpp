#pragma once
// 50-digit references of the Drop-Activation closed forms (theory/dropact.hpp).
#include "theory/reference/real50.hpp"

namespace regcheck::theory::reference {

// Drop-Activation eq. (15): shift_ratio(p) = ((1/2 - 1/(2 pi)) p^2 - p + 1) / (1 - p/2 - p^2/(2 pi)),
// p in [0, 1] (nullopt outside).
std::optional<Real50> shift_ratio(double p);
// Dropout after ReLU (Li et al. [12], as cited in Drop-Activation): v / ((c^2 + v)/p - c^2) with
// c^2 = 1/(2 pi), v = 1/2 - c^2; p in (0, 1] (nullopt outside).
std::optional<Real50> dropout_shift_ratio(double p);

}  // namespace regcheck::theory::reference
