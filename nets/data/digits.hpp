#pragma once
// The UCI optical-recognition 8x8 digits (1797 examples) as shipped by Debian's python3-sklearn:
// digits.csv.gz, one example per line, 65 comma-separated integers: 64 pixel counts in 0..16
// (row-major 8x8) then the label 0..9 (format verified against the installed file).
#include <string>

#include "nets/data/dataset.hpp"

namespace regcheck::nets::data {

inline constexpr const char* kDigitsPath = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";

struct DigitsOptions {
  bool scale = true;  // x = count / 16 in [0, 1]; false keeps the raw counts 0..16
};

// Throws std::runtime_error naming the file, line and what was expected vs found: a line
// without 65 fields, a non-integer field, a pixel outside 0..16, a label outside 0..9, or no rows.
Dataset load_digits(const DigitsOptions& opt = {}, const std::string& path = kDigitsPath);

}  // namespace regcheck::nets::data
