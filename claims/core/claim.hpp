#pragma once
// A claim of the catalog (claims/CATALOG.md) and the record of checking it.
//
// Each source paper registers its claims with a Registry (claims/<paper>/claims.cpp). A claim's
// check returns a ClaimResult: the row `regcheck verify` prints and the JSON it writes.
#include "sim/mean_test.hpp"
#include "sim/monte_carlo.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace regcheck::claims {

using sim::Verdict;

// What a check may use: the seed, the threads, and its share of the false-FAIL budget.
struct CheckContext {
  std::uint64_t seed = 20261123;
  int threads = 1;
  // Family-wise false-FAIL budget of a full run, and this claim's share of it per Monte Carlo
  // test (Bonferroni over every Monte Carlo test in the registry, whichever claims are selected,
  // so a claim's result does not depend on which other claims run).
  double alpha_total = 1e-6;
  double alpha_per_test = 1e-8;

  // Power level of the run (`verify --power`). Each Monte Carlo sub-check sizes its sample (and
  // chooses its variance reduction) so that its detectable deviation at power 0.99 is at most
  // target_relative_resolution() times |theory value| (an absolute bound, stated in the check,
  // where the theory value is 0); HOLDS needs that resolution, so a run that misses it says
  // INCONCLUSIVE instead of passing a formula it could not have caught.
  enum class Power { Default, High };
  Power power = Power::Default;
  double target_relative_resolution() const { return power == Power::High ? 1e-4 : 1e-3; }
  // Sample size of a Monte Carlo sub-check at this run's power level: n_default for the default
  // run, n_high for --power high.
  // Scaled by sample_fraction (below).
  std::uint64_t mc_n(std::uint64_t n_default, std::uint64_t n_high) const;

  // Power at which detectable deviations are computed and the power self-tests run (0.99; the
  // calibration of `verify --calibrate` lowers it to measure the self-tests' detection rate).
  double power_level = 0.99;
  // `verify --calibrate` only: every mc_n sample size is multiplied by this fraction, with a floor
  // of kMinCalibrationSamples (never above the unscaled size), so that many seeds are
  // affordable. The calibrated rates are then those of the smaller samples: the t/normal test's
  // level and power are asymptotic (CLT), so a rate measured at 1024 samples is, if anything,
  // further from nominal than at the full size. 1024: the RQMC checks size their points per replicate
  // through mc_n (R = 64 replicates of n points), so a replicate mean of 1024 points is still a mean
  // of many values; plain Monte Carlo sub-checks pass sizes of 1e5 and more (1000+ after scaling).
  double sample_fraction = 1;
  static constexpr std::uint64_t kMinCalibrationSamples = 1024;

  sim::McOptions mc() const { return {seed, threads, 4096}; }
  sim::MeanTestOptions mean_test(double resolution = INFINITY) const {
    sim::MeanTestOptions o;
    o.alpha = alpha_per_test;
    o.power = power_level;
    o.resolution = resolution;
    return o;
  }
};

// One sub-check of a claim (a grid point, an exact identity, a property...).
struct CheckRecord {
  std::string name;    // e.g. "p=0.95", "exact 2^10 masks"
  std::string method;  // exact | closed-form-vs-numerics | monte-carlo | property | power-self-test
  std::optional<double> theory, estimate, ci_lo, ci_hi, max_error, tolerance, detectable_deviation;
  std::optional<double> alpha;  // the false-FAIL probability of this sub-check (Monte Carlo)
  std::optional<double> resolution;  // Monte Carlo: the detectable deviation HOLDS needed (if finite)
  // Monte Carlo: a stated bound on the statistic's systematic error (sim::MeanTestOptions::bias_bound),
  // set only when > 0. Its test rejects at most at rate alpha (less when the true bias is below it).
  std::optional<double> bias_bound;
  std::optional<std::uint64_t> n;
  Verdict verdict = Verdict::Inconclusive;
  std::string detail;
};

struct ClaimResult {
  std::string id, source, method, statement;
  std::optional<double> theory, estimate, ci_lo, ci_hi, max_error, detectable_deviation;
  // Largest max_error / tolerance over the exact, closed-form and property sub-checks (set by
  // summarize): <= 1 means every such sub-check passed its stated tolerance. A sub-check with
  // tolerance 0 (a count of violations) contributes 0 or +inf.
  std::optional<double> error_to_tolerance;
  std::string theory_text;  // printable theory value when not a single number
  Verdict verdict = Verdict::Inconclusive;
  Verdict expected = Verdict::Holds;
  double alpha = 0;  // total false-FAIL probability spent by this claim's Monte Carlo tests
  double seconds = 0;
  std::string counterexample;  // smallest counterexample, for FAILS
  std::string finding;         // documented note (why FAILS is expected, corrected claim...)
  std::vector<CheckRecord> checks;
  nlohmann::json extra = nlohmann::json::object();  // tables (e.g. ratio side by side over p)
};

struct Claim {
  std::string id;         // stable ID from CLAIMS.md
  std::string source;     // dropact | gcsr | tl1 | dlbook, or one of a user Registry(sources)
  std::string method;     // as CLAIMS.md names it, e.g. "exact + monte-carlo"
  std::string statement;  // one line: the claim as printed
  Verdict expected = Verdict::Holds;
  std::string finding;    // when expected != HOLDS, or a note on the claim
  int mc_tests = 0;       // number of Monte Carlo hypothesis tests its check performs
  std::function<ClaimResult(const CheckContext&)> check;
};

// A deterministic sub-check: its largest error against its tolerance. HOLDS iff
// max_error <= tolerance (a NaN error fails).
CheckRecord tolerance_record(std::string name, std::string method, double max_error, double tolerance,
                             std::string detail = {}, std::optional<std::uint64_t> n = {});

// Combines sub-checks into the claim verdict: any FAILS (or ERROR) fails the claim; otherwise any
// INCONCLUSIVE makes it inconclusive; otherwise it holds. Also sums the alpha spent.
void summarize(ClaimResult& r);

// Detectable deviation of a Monte Carlo record relative to its theory value: detectable / |theory|,
// or, where the theory value is 0 (or not finite), the absolute detectable deviation, marked.
// `target` is what the run requires: target_relative_resolution() (relative), or the record's
// stated absolute resolution (absolute; +inf when the check states none). Empty for records
// without a detectable deviation.
struct RelativeDetectable {
  double value = 0;
  bool absolute = false;
  double target = INFINITY;
  double score() const { return value / target; }  // > 1: the check misses the run's target
};
std::optional<RelativeDetectable> relative_detectable(const CheckRecord& c, double target_relative);
// The Monte Carlo sub-check (method "monte-carlo") of a claim with the largest score, and its name.
struct WorstDetectable {
  RelativeDetectable d;
  std::string check;
};
std::optional<WorstDetectable> worst_detectable(const ClaimResult& r, double target_relative);

nlohmann::json to_json(const CheckRecord& c);
nlohmann::json to_json(const ClaimResult& r);

}  // namespace regcheck::claims
