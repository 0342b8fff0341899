#pragma once
// 50-significant-digit arithmetic for the reference values of every `regcheck eval` function
// (theory/reference/<source>.hpp). Boost.Multiprecision cpp_bin_float_50: 166-bit significand
// and a binary exponent range far beyond double's, so every double input, and every intermediate
// product or quotient of the closed forms below, is represented without overflow or underflow.
// These references are written straightforwardly from the sources' formulas (no cancellation
// tricks are needed with 50 digits except where noted) and never call the double code of theory/:
// they are the independent side of tests/test_eval_sweep.cpp and of `regcheck regress`.
#include <boost/multiprecision/cpp_bin_float.hpp>

#include <optional>

namespace regcheck::theory::reference {

using Real50 = boost::multiprecision::cpp_bin_float_50;

// pi to 50 digits.
const Real50& pi50();

}  // namespace regcheck::theory::reference
