#pragma once
// Internal to the dropact claims: the check functions (one per claim, defined in
// claims/dropact/{activation,penalty,variance}_claims.cpp and registered in claims/dropact/claims.cpp)
// and the Monte Carlo helpers they share.
#include "claims/core/claim.hpp"
#include "claims/core/mc_check.hpp"
#include "claims/dropact/mc_estimate.hpp"
#include "sim/rqmc.hpp"
#include "theory/dropact.hpp"

#include <fmt/format.h>

#include <array>
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

// The power self-test record: the independent sample tested against theory + detectable deviation
// must report FAILS (probability 0.99 by design).
inline CheckRecord power_record(const std::string& name, const sim::MeanTestResult& power, double alpha) {
  CheckRecord pw = record_from(name + " power self-test", power, alpha);
  pw.method = "power-self-test";
  pw.detail = power.verdict == Verdict::Fails ? "detected theory + delta (as required)"
                                              : "did not detect theory + delta (a 1% event by design of power 0.99)";
  pw.verdict = power.verdict == Verdict::Fails ? Verdict::Holds : Verdict::Inconclusive;
  return pw;
}

// An RQMC sub-check family (sim/rqmc.hpp): R independent scramblings of 2^m Sobol' points in
// dimension `dim`; per replicate, `reduce` maps the replicate means of the K per-point components
// to J statistics, each tested against its theory value with the Student t test on the R
// replicate values (R - 1 degrees of freedom), then its power self-test: an independent set of R
// randomizations (stream + "#power") tested against theory + detectable deviation.
// HOLDS needs detectable deviation <= resolution[j] (the run's target relative resolution times
// |theory|), so a run that cannot resolve it is INCONCLUSIVE.
template <int J>
struct RqmcSpec {
  std::string stream;  // starts with the claim ID
  int dim = 1;
  sim::RqmcOptions ro;
  std::array<std::string, J> names;
  std::array<double, J> theory{};
  std::array<double, J> resolution{};
  std::string detail;  // the variance-reduction devices, for the record
};

template <int J>
struct RqmcResult {
  std::vector<CheckRecord> records;
  std::array<double, J> estimate{}, se{};
};

template <int K, int J, class Point, class Reduce>
RqmcResult<J> rqmc_check(const CheckContext& ctx, const RqmcSpec<J>& s, Point&& point, Reduce&& reduce) {
  const auto stats = [&](const std::string& stream) {
    const auto reps = sim::rqmc_replicates<K>(sim::stream_id(stream), s.dim, s.ro, ctx.mc(), point);
    std::array<sim::Welford, J> w;
    for (const auto& m : reps) {
      const Eigen::Matrix<double, J, 1> v = reduce(m);
      for (int j = 0; j < J; ++j) w[static_cast<std::size_t>(j)].add(v(j));
    }
    return w;
  };
  const auto main = stats(s.stream);
  const auto power = stats(s.stream + "#power");
  RqmcResult<J> out;
  const std::string how = fmt::format("RQMC: {} scramblings x 2^{} Sobol' points (dim {}), t test on the replicates; {}",
                                      s.ro.replicates, s.ro.log2_points, s.dim, s.detail);
  for (std::size_t j = 0; j < static_cast<std::size_t>(J); ++j) {
    const sim::MeanTestOptions opt = ctx.mean_test(s.resolution[j]);
    const sim::MeanTestResult r = sim::test_mean(main[j], s.theory[j], opt);
    CheckRecord c = record_from(s.names[j], r, opt.alpha);
    c.detail = fmt::format("{}; detectable/|theory| = {:.3g}", how, r.detectable_deviation / std::abs(s.theory[j]));
    out.records.push_back(c);
    out.estimate[j] = r.estimate;
    out.se[j] = r.standard_error;
    CheckRecord pw =
        power_record(s.names[j], sim::test_mean(power[j], s.theory[j] + r.detectable_deviation, opt), opt.alpha);
    // With R - 1 = 63 degrees of freedom the estimated se is itself random (+-9%): the detection
    // rate at theory + delta is 0.99 by the choice of the multiplier (sim::detectable_multiplier).
    if (pw.verdict != Verdict::Holds) pw.detail = "did not detect theory + delta (an event of probability 0.01 by design)";
    out.records.push_back(pw);
  }
  return out;
}

// The Monte Carlo sub-checks, exposed so the tests can run them against a perturbed theory value
// (theory_scale, or `theory`) to show each detects a 2e-3 relative error at the default level.
std::vector<CheckRecord> eq5_mc_point(const CheckContext& ctx, const std::string& name, double x, double p, bool relu,
                                      double theory_scale = 1.0);
std::vector<CheckRecord> penalty_mc(const CheckContext& ctx, bool corrected, double theory_scale, double* rhs = nullptr,
                                    double* magnitude = nullptr);
sim::RqmcOptions rqmc_size(const CheckContext& ctx, int log2_default, int log2_high);
RqmcResult<2> mean_rqmc(const CheckContext& ctx, const std::string& tag, const std::vector<double>& w, double p,
                        double theory, const sim::RqmcOptions& ro);
RqmcResult<1> ratio_rqmc(const CheckContext& ctx, const std::string& name, const std::string& stream,
                         dropact_mc::Method method, const std::vector<double>& w, double p, double theory, double shift,
                         const sim::RqmcOptions& ro);

// The Monte Carlo instances of the claims, exposed so bench/bench_mc_efficiency.cpp times the
// claims' own estimators on the claims' own instances: the random weights w of grid point k of
// dropact.prop5_2.shift-ratio (the last point's w made all positive, as the claim does), and the
// d = 64, m = 8, n_in = 16 net of the Property 5.1 Monte Carlo sub-check of claim `claim_id`.
inline constexpr int kShiftRatioBenchPoint = 5;  // p = 0.95, d = 16
std::vector<double> shift_ratio_mc_w(const CheckContext& ctx, int k, int d);
theory::dropact::OneHidden penalty_mc_net(const CheckContext& ctx, const std::string& claim_id);

// Fills the top-level Monte Carlo summary of a claim from its records: the largest detectable
// deviation among its main tests (the claim resolves deviations at least that large).
inline void mc_summary(ClaimResult& r) {
  double dd = 0;
  for (const CheckRecord& c : r.checks)
    if (c.method == "monte-carlo" && c.detectable_deviation) dd = std::max(dd, *c.detectable_deviation);
  if (dd > 0) r.detectable_deviation = dd;
}

}  // namespace regcheck::claims::dropact_checks
