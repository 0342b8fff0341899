#pragma once
// Internal to the dropact claims: the check functions (one per claim, defined in
// claims/dropact/{activation,penalty,variance}_claims.cpp and registered in claims/dropact/claims.cpp)
// and the Monte Carlo helpers they share.
#include "claims/core/claim.hpp"
#include "claims/core/mc_check.hpp"
#include "claims/dropact/mc_estimate.hpp"

#include <fmt/format.h>

#include <limits>
#include <string>
#include <vector>

namespace regcheck::claims::dropact_checks {

ClaimResult eq4_train_activation(const CheckContext&);
ClaimResult eq5_test_activation(const CheckContext&);
ClaimResult prop5_1_penalty(const CheckContext&);
ClaimResult prop5_1_penalty_corrected(const CheckContext&);
ClaimResult prop5_2_mean(const CheckContext&);
ClaimResult prop5_2_shift_ratio(const CheckContext&);
ClaimResult prop5_2_range(const CheckContext&);
ClaimResult sec5_2_vs_dropout(const CheckContext&);

// Monte Carlo tests each check performs (the Claim's mc_tests must equal them; the unit tests
// count the non-power-self-test Monte Carlo records against these).
inline constexpr int kEq5McTests = 3;
inline constexpr int kPenaltyMcTests = 1;
inline constexpr int kPenaltyCorrectedMcTests = 1;
inline constexpr int kMeanMcTests = 6;         // 3 grid points x (X_train, X_test)
inline constexpr int kShiftRatioMcTests = 6;   // 6 grid points
inline constexpr int kVsDropoutMcTests = 4;    // dropout at 3 p + Drop-Activation at 0.95

inline constexpr double kEps = std::numeric_limits<double>::epsilon();

// A shift-ratio Monte Carlo test: estimate Var(X_test)/Var(X_train) by the delta method
// (claims/dropact/mc_estimate.hpp), test it against `theory` at ctx.alpha_per_test (normal
// reference), then the power self-test on an independent stream against theory + delta.
struct RatioCheckSpec {
  std::string name;
  std::string stream;  // starts with the claim ID
  dropact_mc::Method method = dropact_mc::Method::DropActivation;
  std::vector<double> w;
  double p = 0.5;
  std::uint64_t n = 1'000'000;
  double theory = 0;
  double shift = 0;  // centring constant for X_train and X_test (their common theoretical mean)
  double resolution = INFINITY;
};

inline std::vector<CheckRecord> ratio_check(const CheckContext& ctx, const RatioCheckSpec& s,
                                            dropact_mc::RatioEstimate* estimate = nullptr) {
  const sim::MeanTestOptions opt = ctx.mean_test(s.resolution);
  const auto run = [&](const std::string& stream) {
    return dropact_mc::ratio_from(
        dropact_mc::ratio_moments(s.method, s.w, s.p, s.shift, s.shift, sim::stream_id(stream), 0, s.n, ctx.mc()));
  };
  const dropact_mc::RatioEstimate e = run(s.stream);
  if (estimate) *estimate = e;
  std::vector<CheckRecord> out;
  if (!(std::isfinite(e.ratio) && std::isfinite(e.se) && e.se > 0)) {
    // A degenerate estimate (e.g. zero variance) is a numerical failure: report, never crash.
    CheckRecord c;
    c.name = s.name;
    c.method = "monte-carlo";
    c.theory = s.theory;
    c.estimate = e.ratio;
    c.alpha = opt.alpha;
    c.n = e.n;
    c.verdict = Verdict::Inconclusive;
    c.detail = fmt::format("degenerate delta-method estimate: ratio={}, se={}", e.ratio, e.se);
    out.push_back(c);
    return out;
  }
  const sim::MeanTestResult main = sim::test_estimate(e.ratio, e.se, e.n, s.theory, opt);
  CheckRecord c = record_from(s.name, main, opt.alpha);
  c.detail = fmt::format("delta method on MultiWelford<4> moments; Var_train={:.6g}, Var_test={:.6g}, se={:.3g}",
                         e.var_train, e.var_test, e.se);
  out.push_back(c);
  const dropact_mc::RatioEstimate e2 = run(s.stream + "#power");
  const sim::MeanTestResult power =
      sim::test_estimate(e2.ratio, e2.se, e2.n, s.theory + main.detectable_deviation, opt);
  CheckRecord pw = record_from(s.name + " power self-test", power, opt.alpha);
  pw.method = "power-self-test";
  pw.detail = power.verdict == Verdict::Fails ? "detected theory + delta (as required)"
                                              : "did not detect theory + delta (a 1% event by design of power 0.99)";
  pw.verdict = power.verdict == Verdict::Fails ? Verdict::Holds : Verdict::Inconclusive;
  out.push_back(pw);
  return out;
}

// Tests of K means from one MultiWelford<K> sample (K hypothesis tests), each with its power
// self-test on an independent stream. sample(Stream&, index) returns Eigen::Matrix<double, K, 1>.
template <int K, class Sampler>
std::vector<CheckRecord> multi_mean_check(const CheckContext& ctx, const std::string& stream, std::uint64_t n,
                                          const std::array<std::string, K>& names,
                                          const std::array<double, K>& theory, double resolution, Sampler&& sample) {
  const sim::MeanTestOptions opt = ctx.mean_test(resolution);
  const auto main = sim::run_samples<sim::MultiWelford<K>>(sim::stream_id(stream), 0, n, ctx.mc(), sample);
  const auto power = sim::run_samples<sim::MultiWelford<K>>(sim::stream_id(stream + "#power"), 0, n, ctx.mc(), sample);
  std::vector<CheckRecord> out;
  for (int k = 0; k < K; ++k) {
    const sim::MeanTestResult r = sim::test_mean(main.component(k), theory[k], opt);
    out.push_back(record_from(names[k], r, opt.alpha));
    const sim::MeanTestResult pr = sim::test_mean(power.component(k), theory[k] + r.detectable_deviation, opt);
    CheckRecord pw = record_from(names[k] + " power self-test", pr, opt.alpha);
    pw.method = "power-self-test";
    pw.detail = pr.verdict == Verdict::Fails ? "detected theory + delta (as required)"
                                             : "did not detect theory + delta (a 1% event by design of power 0.99)";
    pw.verdict = pr.verdict == Verdict::Fails ? Verdict::Holds : Verdict::Inconclusive;
    out.push_back(pw);
  }
  return out;
}

// Fills the top-level Monte Carlo summary of a claim from its records: the largest detectable
// deviation among its main tests (the claim resolves deviations at least that large).
inline void mc_summary(ClaimResult& r) {
  double dd = 0;
  for (const CheckRecord& c : r.checks)
    if (c.method == "monte-carlo" && c.detectable_deviation) dd = std::max(dd, *c.detectable_deviation);
  if (dd > 0) r.detectable_deviation = dd;
}

}  // namespace regcheck::claims::dropact_checks
