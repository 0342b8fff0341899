#pragma once
// 50-digit reference forms (Boost.Multiprecision cpp_bin_float_50) of the Section 5.2 closed
// forms, written independently of the double code in theory/dropact.cpp: used to state the
// double implementation's error in ULPs and as the reference minimum of the shift ratio.
#include <boost/math/constants/constants.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>

namespace regcheck::claims::dropact_checks::ref {

using Real = boost::multiprecision::cpp_bin_float_50;

// Eq. (15): ((1/2 - 1/(2 pi)) p^2 - p + 1) / (1 - p/2 - p^2/(2 pi)).
inline Real shift_ratio(const Real& p) {
  const Real pi = boost::math::constants::pi<Real>();
  const Real a = Real(1) / 2 - 1 / (2 * pi);
  return (a * p * p - p + 1) / (1 - p / 2 - p * p / (2 * pi));
}

// Dropout comparator: v / ((c^2 + v)/p - c^2), c^2 = 1/(2 pi), v = 1/2 - 1/(2 pi).
inline Real dropout_shift_ratio(const Real& p) {
  const Real pi = boost::math::constants::pi<Real>();
  const Real c2 = 1 / (2 * pi), v = Real(1) / 2 - c2;
  return v / ((c2 + v) / p - c2);
}

}  // namespace regcheck::claims::dropact_checks::ref
