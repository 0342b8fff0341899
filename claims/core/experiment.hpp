#pragma once
// An empirical claim of the catalog (claims/CATALOG.md, "Empirical claims") as an experiment that
// `regcheck reproduce` runs: arms (JSON Patch overrides of a shipped base config under
// nets/configs/), seeds and sizes per scale, the metrics read from the training history, and the
// paper's qualitative claim as stated hypothesis tests (claims/core/experiment_stats.hpp).
//
// Adding an experiment is one file claims/<source>/<name>_experiment.cpp defining
// `void register_<...>(ExperimentRegistry&)` plus its declaration and call in claims/experiments.cpp.
#include "claims/core/experiment_stats.hpp"
#include "sim/mean_test.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace regcheck::claims {

enum class Scale { Smoke, Quick, Paper };
std::string to_string(Scale s);
// "smoke" | "quick" | "paper"; throws std::invalid_argument naming the value otherwise.
Scale parse_scale(const std::string& s);

// What one scale runs.
struct ScalePlan {
  int seeds = 3;                                         // seeds 1..seeds
  nlohmann::json patch = nlohmann::json::array();        // RFC 6902 JSON Patch after the arm's (epochs, sizes)
  // The claim's verdict measured at this scale in the full run (every registered ID, `seeds`
  // seeds; exit code); std::nullopt when it has not been measured at this scale (never guessed).
  std::optional<sim::Verdict> expected = sim::Verdict::Inconclusive;
  double seconds_per_run = 1.0;                          // measured on 2 shared cores, for the ETA
};

struct Arm {
  std::string name;         // e.g. "drop-activation", "dropout"
  std::string description;  // one line, printed by --list and in the JSON
  nlohmann::json patch = nlohmann::json::array();  // RFC 6902 JSON Patch applied to the base config
  // Optional: this arm's own base config (file name in nets/configs/) instead of the experiment's,
  // for an arm of a different model or data (e.g. a linear model on a quadratic beside an MLP). Its
  // size is fixed: the scale's patch (written for the experiment's base config) is not applied;
  // the scale still sets the seeds.
  std::string base_config{};
};

// One finished training run (what the results store holds).
struct RunRecord {
  std::string arm;
  std::uint64_t seed = 0;
  nlohmann::json final = nlohmann::json::object();    // flat numeric metrics of the last epoch
  nlohmann::json history = nlohmann::json::array();   // per epoch, flat numeric metrics (no timing)
  double seconds = 0;                                  // training time (machine-dependent)
};

// Flat numeric scalars of one epoch record of the training history ("test_loss",
// "variance_probe.shift_ratio_mean", ...): nested objects become dotted keys, arrays, timing
// (seconds, samples_per_s) and nulls are left out.
nlohmann::json flatten_metrics(const nlohmann::json& epoch);
// A metric of a flat record; NaN when missing.
double metric(const nlohmann::json& flat, const std::string& key);

struct Experiment;
// The runs of one experiment, per arm in the experiment's order, each in seed order.
struct ExperimentRuns {
  const Experiment* experiment = nullptr;
  std::vector<std::vector<RunRecord>> by_arm;
  const std::vector<RunRecord>& arm(const std::string& name) const;  // throws std::out_of_range
  // Final metric `key` of every run of an arm, in seed order.
  std::vector<double> finals(const std::string& arm, const std::string& key) const;
};

struct Experiment {
  std::string id, source;  // catalog ID, source paper (dropact | gcsr | tl1 | dlbook)
  std::string claim;       // the paper's claim, one line
  std::string hypothesis;  // the claim as stated tests
  std::string test;        // e.g. "TOST band + Welch t"
  std::string base_config; // file name in nets/configs/
  std::vector<Arm> arms;
  std::string metric;               // the final metric printed per run
  std::vector<std::string> curves;  // per-epoch metrics reported with 95% CI bands
  std::array<ScalePlan, 3> plans;   // indexed by Scale
  std::string finding;              // documented note on the result
  // The tests of the claim from the runs. Rows with in_family take part in Holm's family and
  // decide the claim's verdict; the framework fills p_adjusted, detectable and verdict.
  std::function<std::vector<TestRow>(const ExperimentRuns&)> analyze;

  const ScalePlan& plan(Scale s) const { return plans[static_cast<int>(s)]; }
};

class ExperimentRegistry {
 public:
  void add(Experiment e);  // throws std::invalid_argument on a duplicate ID or missing fields
  const std::vector<Experiment>& experiments() const { return experiments_; }
  const Experiment* find(const std::string& id) const;

 private:
  std::vector<Experiment> experiments_;
};

// The registered experiments (claims/experiments.cpp).
const ExperimentRegistry& all_experiments();

// The config of one run: base config (the arm's own when it has one), then the arm's patch, then
// the scale's patch (not for an arm with its own base config), then "seed". Throws std::invalid_argument naming the experiment and arm when a patch does not apply.
nlohmann::json run_config(const Experiment& e, const Arm& arm, Scale s, const nlohmann::json& base, std::uint64_t seed);
// The base config file of an arm: its own when set, else the experiment's.
const std::string& arm_base_config(const Experiment& e, const Arm& arm);
// One RFC 6902 "replace" operation: {"op": "replace", "path": path, "value": value}.
nlohmann::json replace_op(const std::string& path, nlohmann::json value);
// A scale's patch that only sets the number of epochs: [replace_op("/epochs", n)].
nlohmann::json epochs_patch(int n);

// Per arm and metric: mean, sd and 95% Student-t CI over seeds (every final metric but the
// per-example entries of probes, such as "predictions.output.17", which are only counted per
// prefix in "per_example_counts": the analysis reads them from the store), and the per-epoch
// curves of the experiment's curve metrics with their 95% CI bands. Per-example prefixes of at
// most kMaxProfile entries are also summarized per index in "profiles": {prefix: {"n": runs,
// "index": [i...], "mean": [...], "ci_lo": [...], "ci_hi": [...]}} (indices finite in every run).
inline constexpr long kMaxProfile = 1001;
nlohmann::json arm_report(const Experiment& e, const ExperimentRuns& runs, std::size_t arm_index);

struct ClaimReport {
  const Experiment* experiment = nullptr;
  std::vector<TestRow> rows;
  sim::Verdict verdict = sim::Verdict::Inconclusive;
  std::optional<sim::Verdict> expected;  // the plan's, at the run's scale
};

// How a claim's verdict compares with the registry's expectation. Expected verdicts are measured
// in the full run of a scale (every ID, the scale's seeds). A run of a subset has a smaller Holm
// family; Holm-adjusted p-values can only decrease when hypotheses are removed and FAILS does not
// depend on the family, so a subset can only turn an expected INCONCLUSIVE into HOLDS: that is
// reported, not a mismatch. With --seeds other than the scale's, or an unmeasured expectation,
// there is nothing to compare.
enum class Expectation { Met, Mismatch, SmallerFamily, NotMeasured, OtherSeeds };
Expectation check_expectation(const ClaimReport& c, bool full_family, bool scale_seeds);
std::string describe(Expectation x, const ClaimReport& c);  // e.g. "(expected HOLDS)", "(expected HOLDS)  MISMATCH"

// Runs every experiment's analysis, applies Holm over the in-family rows of ALL the claims
// given (the family of this run), sets each row's detectable effect at Holm's first-step level
// alpha / m with power 0.8, decides rows and claims. An analysis that throws (e.g. a metric with
// zero spread over the seeds, for which no t test is defined) makes that claim ERROR with the message.
std::vector<ClaimReport> analyze_claims(const std::vector<ExperimentRuns>& runs, Scale s, double alpha);
// Number of in-family rows over the reports (the size of Holm's family).
std::size_t family_size(const std::vector<ClaimReport>& reports);

}  // namespace regcheck::claims
