#pragma once
// Error measures of `regcheck regress`: ULP distance and LRE per output, gathered per function.
#include "regress/functions.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace regcheck::regress {

// LRE cap (NIST StRD convention: a double carries at most ~15.9 correct decimal digits).
inline constexpr double kLreCap = 15.9;

// Distance in ulps between `got` and the reference rounded to double, counted on the integer
// representation (boost::math::float_distance: the number of doubles between them, so the
// subnormal spacing applies below DBL_MIN and +0/-0 are 0 apart). Infinite when got is not finite.
double ulp_distance(double got, const Real50& ref);
// LRE = -log10(|got - ref| / |ref|) in 50 digits (for ref = 0: -log10 |got|), clamped to
// [0, kLreCap]; kLreCap when got == ref, 0 when got is not finite.
double lre(double got, const Real50& ref);

// One evaluated input: the reference (nullopt: the build must refuse the input) and what the
// build gave (nullopt: it threw std::invalid_argument).
struct Observation {
  std::string input;       // describe(spec, args)
  std::size_t row = 0;     // data row in its CSV (1 = first row after the header)
  std::size_t line = 0;    // file line of that row
  Reference ref;
  std::optional<std::vector<double>> got;
  std::string error;       // the build's message when it threw
};

// The worst row of a function (largest ULP distance over its outputs).
struct RowError {
  std::size_t row = 0, line = 0;
  std::string input;
  double ulps = 0, lre = kLreCap;
  std::string got, ref;  // printed (17 / 20 significant digits), lists joined by ';'
};

struct Stats {
  std::string function;
  long rows = 0, points = 0;  // points = compared outputs (group-prox: one per component)
  long error_rows = 0;        // rows where the build correctly refused the input
  long mismatches = 0;        // a value where an error was expected, or an error where a value was
  std::string first_mismatch;
  double max_ulps = 0, mean_ulps = 0, lre_min = kLreCap, lre_mean = kLreCap;
  std::string worst_input;
  std::vector<RowError> worst;  // up to 5 rows, worst first
  std::vector<RowError> all;    // every compared row (for per-row budgets), in input order
  std::vector<double> row_ulps;  // per row of the table: its error in ulps, NaN where not compared
  std::vector<std::string> row_inputs;  // per row of the table: its inputs
};

Stats measure(const std::string& function, const std::vector<Observation>& obs);

// Evaluates the build on every input (the evaluator's std::invalid_argument counts as a refusal).
Observation observe(const FunctionSpec& spec, const Args& args, const Reference& ref, const Evaluator& eval);

}  // namespace regcheck::regress
