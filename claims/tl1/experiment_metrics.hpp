#pragma once
// Shared by the tl1 experiments of `regcheck reproduce` (claims/tl1/*_experiment.cpp): the
// pruned-network fractions of tl1 sec. 4 (Table 2, Fig. 7) read from the runs' final metrics,
// and per-seed differences of two arms (both arms of a seed share the data split and the
// initial weights, so the tests pair them).
#include "claims/core/experiment.hpp"

#include <string>
#include <vector>

namespace regcheck::claims::tl1x {

// Final pruned / dense ratio of `what` ("params" or "flops"), in percent, per seed of an arm.
inline std::vector<double> percent_used(const ExperimentRuns& runs, const std::string& arm, const std::string& what) {
  const std::vector<double> pruned = runs.finals(arm, what + "_pruned"), dense = runs.finals(arm, what);
  std::vector<double> v(pruned.size());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = 100.0 * pruned[i] / dense[i];
  return v;
}

// JSON Patch replacing the base config's regularizer (nets/configs/digits-tl1.json).
inline nlohmann::json set_regularizer(const nlohmann::json& reg) {
  return nlohmann::json::array({{{"op", "replace"}, {"path", "/regularizer"}, {"value", reg}}});
}

}  // namespace regcheck::claims::tl1x
