#pragma once
// Statistics and verdicts of `regcheck reproduce`, built on sim/stats (Welch t, paired t, Holm,
// Student-t summaries, two-sample power) plus the one-sample power of the noncentral t.
//
// A row is one stated test of a claim:
//   welch  two arms over seeds, H1: direction * (mean x - mean y) > 0, one-sided p (Welch t);
//   paired differences d over shared seeds, H1: direction * mean d > 0, one-sided p (paired t);
//   band   a measured quantity against a tolerance band [lo, hi] (around a theory value or a
//          claimed value): equivalence by TOST, p = max of the two one-sided p-values.
// Verdicts, with alpha the family-wise level (0.05) over the in-family rows (Holm):
//   HOLDS         Holm-adjusted p <= alpha;
//   FAILS         welch/paired: the two-sided 95% CI of the effect lies entirely on the wrong
//                 side of 0; band: the 95% CI of the measured mean lies entirely outside the band;
//   INCONCLUSIVE  otherwise, with the smallest effect (welch/paired) or band half-width (band) the
//                 test detects with power >= 0.8 at Holm's first-step level alpha / m.
// Error rates: with equal arms (true effect 0) a welch/paired row is a one-sided level-alpha test,
// so P(HOLDS) <= alpha per row, and Holm keeps the probability of ANY false HOLDS in the family
// <= alpha; P(FAILS) <= 0.025 (two-sided 95% CI). For a band row whose true mean lies outside
// the band, P(HOLDS) <= alpha (TOST is a level-alpha test).
#include "sim/mean_test.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace regcheck::claims {

struct MetricSummary {
  std::size_t n = 0;
  double mean = 0, sd = 0, ci_lo = 0, ci_hi = 0;  // 95% Student-t CI (degenerate when sd = 0 or n = 1)
};
// Mean, sd and 95% Student-t CI of x (sim::stats::summarize; NaN entries are an error).
MetricSummary summarize_metric(std::span<const double> x);
nlohmann::json to_json(const MetricSummary& s);

struct TestRow {
  std::string name;        // short label, e.g. "ratio(drop-activation) in [0.95, 1.05]"
  std::string hypothesis;  // H1 in words
  std::string kind;        // welch | paired | band | descriptive
  bool in_family = true;   // in Holm's family and deciding the claim's verdict
  int direction = +1;      // welch/paired: the claimed sign of the effect
  std::optional<double> statistic, df, p_value, p_adjusted;
  std::optional<double> effect, effect_ci_lo, effect_ci_hi, effect_size;  // effect size: Hedges' g / d_z
  std::optional<double> detectable;  // smallest effect / band half-width detected with power 0.8
  std::optional<double> theory, band_lo, band_hi;
  std::optional<double> measured, measured_ci_lo, measured_ci_hi;
  std::string tolerance;  // band rows: the tolerance and why
  sim::Verdict verdict = sim::Verdict::Inconclusive;
  std::string detail;
  // For the detectable effect: sd and sample size(s) of the test.
  double power_sd = 0, power_n = 0;
};
nlohmann::json to_json(const TestRow& r);

// Welch t of x against y, H1: direction * (mean x - mean y) > 0.
TestRow welch_row(std::string name, std::string hypothesis, std::span<const double> x, std::span<const double> y, int direction);
// a[i] - b[i] per seed, the differences of a paired row; throws std::invalid_argument when the lengths differ.
std::vector<double> differences(std::span<const double> a, std::span<const double> b);
// Paired t over shared seeds on the differences d, H1: direction * mean d > 0.
TestRow paired_row(std::string name, std::string hypothesis, std::span<const double> d, int direction);
// TOST equivalence of mean x with the band [lo, hi]; `theory` (optional) is the value the band is built around.
TestRow band_row(std::string name, std::string hypothesis, std::span<const double> x, double lo, double hi,
                 std::optional<double> theory, std::string tolerance);

// A row the experiment decides itself (verdict, measured, detail), outside Holm's family. With
// in_family set by the experiment it is an exact check that decides the claim (e.g. a count that
// must be 0 on every seed: FAILS on one counterexample) without entering Holm's family (no p).
TestRow descriptive_row(std::string name, std::string hypothesis);

// Smallest mean shift delta > 0 that the one-sided one-sample t test at level `alpha` with n
// values of sd `sd` detects with probability `power`: P(T' > t_{1-alpha, n-1}) = power with T'
// noncentral t(n - 1, delta sqrt(n) / sd).
double one_sample_detectable(double n, double sd, double alpha, double power);

// Holm over the in-family rows (adjusted p in row order), detectable effects at level
// alpha / m (m = family size; power 0.8), then each row's verdict by the rules above (rows
// outside the family are decided on their unadjusted p at alpha).
void decide_rows(std::vector<TestRow*>& rows, double alpha);
// A claim's verdict from its in-family rows: any FAILS -> FAILS, all HOLDS -> HOLDS, else INCONCLUSIVE.
sim::Verdict combine(const std::vector<TestRow>& rows);

}  // namespace regcheck::claims
