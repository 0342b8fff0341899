#pragma once
// The stored baseline (regress/baseline.json) and the regression rule.
//
// Rule (README, section regress). The baseline stores, besides the per-function figures, the
// error in ulps of every table row. With `old` a row's stored error and `new` this build's, the
// function REGRESSED when
//   - some row has new > max(2 old, old + 2) ulps (the per-row budget), or
//   - a row that had a value is now refused, or the build returns a value on more rows where an
//     error is expected than the baseline records (mismatches grow), or
//   - the table's row count differs from the baseline's (tables regenerated: bless again), or the
//     function has no baseline entry.
// Identical results give identical errors and always pass (the evaluation is deterministic, so
// there is no noise to absorb); a factor 2 or 2 ulps is the smallest change that is not one
// reordering of a rounding, while a real regression (a lost digit, a wrong branch, a dropped
// log1p) costs 10x or more at some row. Per row rather than per function: a table holds a few
// ill-posed rows (output far below the inputs' rounding, e.g. tl1-prox at |y| = t(1 + 1e-13)),
// whose error of ~1e18 ulps would otherwise hide any regression elsewhere in the max and mean.
#include "regress/measure.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace regcheck::regress {

// The per-row budget max(2 old, old + 2) ulps.
double ulps_budget(double old_ulps);

struct Verdict {
  std::string function;
  bool regressed = false;
  bool has_baseline = false;
  double old_max = 0, old_mean = 0, budget_max = 0;  // budget_max: the budget of the row named in `line`
  long rows_over_budget = 0;
  std::string line;  // for a regression: function, input, old and new error
};

// Baseline JSON of these figures: {"format": 1, "rule": ..., "functions": {name: {...}}}.
nlohmann::json baseline_json(const std::vector<Stats>& stats);
// Per function verdicts against a baseline (throws std::invalid_argument for a malformed one).
std::vector<Verdict> compare(const nlohmann::json& baseline, const std::vector<Stats>& stats);

// The per-function table (text), the JSON report and the markdown report.
std::string text_report(const std::vector<Stats>& stats, const std::vector<Verdict>& verdicts);
nlohmann::json json_report(const std::vector<Stats>& stats, const std::vector<Verdict>& verdicts);
std::string markdown_report(const std::vector<Stats>& stats, const std::vector<Verdict>& verdicts);

// A number for JSON: non-finite values as the strings "inf", "-inf", "nan" (as `regcheck eval`).
nlohmann::json json_number(double v);

}  // namespace regcheck::regress
