// Tests of the dlbook noise group (Deep Learning ch. 7, sections 7.6-7.13): theory/dlbook_noise.hpp
// against 50-digit references (Boost.Multiprecision), Armadillo (LAPACK) as the matrix oracle,
// finite differences for the network derivatives, RapidCheck properties; every claim of the group
// run through the registry with a fixed seed; and, at the end, the errors misuse must raise.
#include "claims/core/registry.hpp"
#include "claims/dlbook/noise_slope_mc.hpp"
#include "sim/mean_test.hpp"
#include "theory/dlbook_noise.hpp"

#include <armadillo>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

using namespace regcheck;
namespace dl = regcheck::theory::dlbook;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using big = boost::multiprecision::cpp_bin_float_50;

namespace {
constexpr double eps = std::numeric_limits<double>::epsilon();

claims::ClaimResult run_claim(const std::string& id, std::uint64_t seed = 20261123) {
  const claims::Registry& reg = claims::all_claims();
  const claims::Claim* c = reg.find(id);
  if (!c) throw std::runtime_error("claim not registered: " + id);
  claims::CheckContext ctx;
  ctx.seed = seed;
  ctx.threads = 2;
  ctx.alpha_per_test = ctx.alpha_total / std::max(1, reg.total_mc_tests());
  return reg.run(*c, ctx);
}

int count_mc_tests(const claims::ClaimResult& r) {
  int n = 0;
  for (const auto& c : r.checks) n += c.method == "monte-carlo";
  return n;
}

// Runs a claim and asserts the verdict fixed here (not the registry's own `expected`, which a wrong
// expectation would make agree with itself), the Monte Carlo test count and the power self-tests.
claims::ClaimResult expect_claim(const std::string& id, sim::Verdict verdict) {
  const claims::Claim* c = claims::all_claims().find(id);
  if (!c) {
    ADD_FAILURE() << "claim not registered: " << id;
    return {};
  }
  const claims::ClaimResult r = run_claim(id);
  EXPECT_EQ(r.verdict, verdict) << id << " got " << sim::to_string(r.verdict) << "\n" << claims::to_json(r).dump(1);
  EXPECT_EQ(c->expected, verdict) << id << ": the registry's expectation disagrees with the fixed verdict";
  EXPECT_EQ(count_mc_tests(r), c->mc_tests) << id << ": registered mc_tests must equal the tests performed";
  EXPECT_FALSE(r.checks.empty()) << id;
  for (const auto& rec : r.checks)
    if (rec.method == "power-self-test") {
      EXPECT_EQ(rec.verdict, sim::Verdict::Holds) << id << ": " << rec.name << " not detected";
    }
  if (r.verdict == sim::Verdict::Fails) {
    EXPECT_FALSE(r.counterexample.empty()) << id;
    EXPECT_FALSE(c->finding.empty()) << id;
  }
  return r;
}

double rel_err(double x, const big& ref) { return static_cast<double>(abs((big(x) - ref) / ref)); }

big big_pow_int(big b, long long e) {
  big r = 1;
  while (e > 0) {
    if (e & 1) r *= b;
    b *= b;
    e >>= 1;
  }
  return r;
}

dl::TanhNet random_net(int d, int h, unsigned seed) {
  sim::Stream rng(seed, sim::stream_id("test_dlbook_noise/net"), 0);
  dl::TanhNet n;
  n.W = MatrixXd(h, d);
  for (int j = 0; j < h * d; ++j) n.W.data()[j] = rng.normal();
  n.b = VectorXd(h);
  n.a = VectorXd(h);
  for (int j = 0; j < h; ++j) {
    n.b[j] = rng.normal();
    n.a[j] = rng.normal();
  }
  n.c = 0.3;
  return n;
}
}  // namespace

// ---- every claim of the group through the registry ------------------------------------------------

using sim::Verdict;

TEST(DlbookNoiseClaims, EarlyStopping) { expect_claim("dlbook.7_7.early-stopping", Verdict::Holds); }
TEST(DlbookNoiseClaims, EnsembleMse) { expect_claim("dlbook.7_10.ensemble-mse", Verdict::Holds); }
TEST(DlbookNoiseClaims, Bootstrap) { expect_claim("dlbook.7_10.bootstrap", Verdict::Holds); }
TEST(DlbookNoiseClaims, WeightScaling) { expect_claim("dlbook.7_11.weight-scaling", Verdict::Holds); }
TEST(DlbookNoiseClaims, LinearAdversarial) { expect_claim("dlbook.7_13.linear-adversarial", Verdict::Holds); }

// 7.17 as printed (Hessian term kept) holds: every sub-check holds, and the Monte Carlo slope of the
// tanh net agrees with the full first-order term and rejects the gradient term alone (the Hessian
// term is bounded away from 0 by construction of the targets).
TEST(DlbookNoiseClaims, InputNoiseHoldsAsPrinted) {
  const auto r = expect_claim("dlbook.7_6_1.input-noise", Verdict::Holds);
  for (const auto& c : r.checks) EXPECT_EQ(c.verdict, Verdict::Holds) << c.name << ": " << c.detail;
  const double full = r.extra["tanh_instance"]["slope_with_hessian_term"];
  const double grad_only = r.extra["tanh_instance"]["slope_gradient_term_only"];
  const double lo = r.extra["tanh_instance"]["mc_ci"][0], hi = r.extra["tanh_instance"]["mc_ci"][1];
  EXPECT_LE(lo, full);
  EXPECT_GE(hi, full);
  EXPECT_TRUE(grad_only < lo || grad_only > hi) << "the reduced form should be rejected: " << grad_only;
  // Hand example y^ = x^2 at (1, 0): E(1 + e)^4 = 1 + 6 nu + 3 nu^2, slope 6 = 4 + 2.
  EXPECT_NEAR(double(r.extra["quartic_example"]["slope"]), 6.0, 1e-11);
}

TEST(DlbookNoiseClaims, WeightNoiseHoldsAsPrintedForGaussianNoise) {
  const auto r = expect_claim("dlbook.7_6_2.weight-noise", Verdict::Holds);
  for (const auto& c : r.checks) EXPECT_EQ(c.verdict, Verdict::Holds) << c.name << ": " << c.detail;
  // Skewed two-point noise: the hand instance y^ = w^2 x at w = 1, (x, y) = (1, 0) has remainder
  // 6 eta^{3/2} + (13/4) eta^2 (hand expansion of E(1 + e)^4 with E e^3 = (3/2) eta^{3/2}, E e^4 = (13/4) eta^2):
  // exact coefficient 6, measured slope in [1.5, 1.51] (log(1 + 13/24 * 1e-2) / log(100) = 0.00117 above 3/2).
  const auto& tab = r.extra["skewed_noise"];
  ASSERT_FALSE(tab.empty());
  EXPECT_NEAR(double(tab[0]["C3"]), 6.0, 8 * eps);
  EXPECT_NEAR(double(tab[0]["C3_exact"]), 6.0, 1e-9);
  EXPECT_NEAR(double(tab[0]["slope_skewed"]), 1.5 + std::log1p(13.0 / 24.0 * 1e-2) / std::log(100.0) -
                                                   std::log1p(13.0 / 24.0 * 1e-3) / std::log(100.0), 1e-6);
  EXPECT_NEAR(double(tab[0]["slope_gaussian"]), 2.0, 1e-6);
  // Every row of the table: C3 from the formula against the exact eta^{3/2} coefficient (the
  // sub-check's own tolerance is ~1e-13 relative here; 1e-9 relative asserts the printed values);
  // the Gaussian log-log slope between eta = 1e-2 and 1e-3 is 2 up to the eta^3 term (measured
  // 2.0007..2.0155 at this seed: 0.05 leaves room); where the eta^{3/2} term dominates
  // (asymptotic_at_1e-4, the sub-check's criterion) the skewed slope is 3/2 within 0.05. 6 of the 7
  // rows are in that regime at this seed.
  int asymptotic = 0;
  for (const auto& row : tab) {
    const std::string name = row["instance"];
    EXPECT_NEAR(double(row["C3"]), double(row["C3_exact"]), 1e-9 * std::abs(double(row["C3_exact"]))) << name;
    EXPECT_NEAR(double(row["slope_gaussian"]), 2.0, 0.05) << name;
    if (bool(row["asymptotic_at_1e-4"])) {
      ++asymptotic;
      EXPECT_NEAR(double(row["slope_skewed"]), 1.5, 0.05) << name;
    }
  }
  EXPECT_EQ(tab.size(), 7u);
  EXPECT_EQ(asymptotic, 6);
  const claims::Claim* c = claims::all_claims().find("dlbook.7_6_2.weight-noise");
  EXPECT_NE(c->finding.find("writes nu"), std::string::npos) << "the 7.22 typo must be reported";
  EXPECT_NE(c->finding.find("eta^{3/2}"), std::string::npos);
}

TEST(DlbookNoiseClaims, OldCorrectedNoiseClaimsAreGone) {
  EXPECT_EQ(claims::all_claims().find("dlbook.7_6_1.input-noise.corrected"), nullptr);
  EXPECT_EQ(claims::all_claims().find("dlbook.7_6_2.weight-noise.corrected"), nullptr);
}

// Reading (b) fails with the smallest counterexample y = x^2, x ~ N(0, 1), y^ = w x^2. Hand values:
// noisy w*(nu) = (3 + nu)/(3 (1 + nu)^2), slope -5/3; Tikhonov 3/(3 + 4 nu), slope -4/3; 7.17 in full
// (3 + nu)/(3 + 6 nu), slope -5/3.
TEST(DlbookNoiseClaims, InputTikhonovEquivalenceFailsWithSmallestCounterexample) {
  const auto r = expect_claim("dlbook.7_6_1.tikhonov-equivalence", Verdict::Fails);
  const auto& ce = r.extra["smallest_counterexample"];
  EXPECT_NEAR(double(ce["slope_noisy"]), -5.0 / 3.0, 8 * eps);
  EXPECT_NEAR(double(ce["slope_tikhonov"]), -4.0 / 3.0, 8 * eps);
  EXPECT_NEAR(double(ce["slope_full_7_17"]), -5.0 / 3.0, 8 * eps);
  EXPECT_NEAR(double(ce["w_noisy_nu_0.01"]), 3.01 / (3 * 1.01 * 1.01), 8 * eps);
  EXPECT_NEAR(double(ce["w_tikhonov_nu_0.01"]), 3.0 / 3.04, 8 * eps);
  EXPECT_NEAR(double(ce["w_full_nu_0.01"]), 3.01 / 3.06, 8 * eps);
  // Reading (a) holds, reading (b) fails.
  ASSERT_EQ(r.checks.size(), 3u);
  EXPECT_EQ(r.checks[0].verdict, Verdict::Fails) << r.checks[0].name;
  EXPECT_EQ(r.checks[1].verdict, Verdict::Fails) << r.checks[1].name;
  EXPECT_EQ(r.checks[2].verdict, Verdict::Holds) << r.checks[2].name << ": " << r.checks[2].detail;
  EXPECT_NE(r.counterexample.find("-5/3"), std::string::npos) << r.counterexample;
}

TEST(DlbookNoiseClaims, InputTikhonovCorrectedHolds) {
  expect_claim("dlbook.7_6_1.tikhonov-equivalence.corrected", Verdict::Holds);
}

// y^ = w^2 x, y = x: noisy minimizer sqrt(1 - 3 eta) (slope -3/2), Tikhonov sqrt(1 - 2 eta) (slope -1).
TEST(DlbookNoiseClaims, WeightTikhonovEquivalenceFailsWithSmallestCounterexample) {
  const auto r = expect_claim("dlbook.7_6_2.tikhonov-equivalence", Verdict::Fails);
  int fails = 0;
  for (const auto& c : r.checks) {
    if (c.verdict == Verdict::Fails) {
      ++fails;
      EXPECT_NE(c.name.find("reading (b)"), std::string::npos) << "only reading (b) may fail: " << c.name;
      EXPECT_NEAR(*c.max_error, 0.5, 2e-6);  // |-3/2 - (-1)|, Newton slope at eta = 1e-6
    }
  }
  EXPECT_EQ(fails, 1);
}

TEST(DlbookNoiseClaims, WeightTikhonovCorrectedHolds) {
  expect_claim("dlbook.7_6_2.tikhonov-equivalence.corrected", Verdict::Holds);
}

TEST(DlbookNoiseClaims, ResultsDoNotDependOnThreads) {
  const claims::Registry& reg = claims::all_claims();
  claims::CheckContext a, b;
  a.threads = 1;
  b.threads = 2;
  a.alpha_per_test = b.alpha_per_test = a.alpha_total / reg.total_mc_tests();
  const auto ra = reg.run(*reg.find("dlbook.7_10.ensemble-mse"), a);
  const auto rb = reg.run(*reg.find("dlbook.7_10.ensemble-mse"), b);
  ASSERT_EQ(ra.checks.size(), rb.checks.size());
  for (std::size_t i = 0; i < ra.checks.size(); ++i)
    if (ra.checks[i].estimate) {
      EXPECT_EQ(*ra.checks[i].estimate, *rb.checks[i].estimate) << ra.checks[i].name;
    }
}

// Same for the other Monte Carlo claims of this file's scope (RQMC replicates one per block; the
// bootstrap's per-thread table is stamped per sample).
TEST(DlbookNoiseClaims, NoiseAndBootstrapResultsDoNotDependOnThreads) {
  const claims::Registry& reg = claims::all_claims();
  for (const char* id : {"dlbook.7_6_1.input-noise", "dlbook.7_6_2.weight-noise", "dlbook.7_10.bootstrap"}) {
    claims::CheckContext a, b;
    a.threads = 1;
    b.threads = 2;
    a.alpha_per_test = b.alpha_per_test = a.alpha_total / reg.total_mc_tests();
    const auto ra = reg.run(*reg.find(id), a);
    const auto rb = reg.run(*reg.find(id), b);
    ASSERT_EQ(ra.checks.size(), rb.checks.size()) << id;
    for (std::size_t i = 0; i < ra.checks.size(); ++i)
      if (ra.checks[i].estimate) {
        EXPECT_EQ(*ra.checks[i].estimate, *rb.checks[i].estimate) << id << ": " << ra.checks[i].name;
      }
  }
}

// --power high (slow: run with --gtest_also_run_disabled_tests): every Monte Carlo sub-check of the
// ensemble and bootstrap claims resolves 1e-4 of its theory value and the claims still hold.
TEST(DlbookNoiseClaims, DISABLED_MonteCarloChecksResolveTenthPerMilleAtHighPower) {
  const claims::Registry& reg = claims::all_claims();
  for (const char* id : {"dlbook.7_10.ensemble-mse", "dlbook.7_10.bootstrap"}) {
    claims::CheckContext ctx;
    ctx.threads = 2;
    ctx.alpha_per_test = ctx.alpha_total / std::max(1, reg.total_mc_tests());
    ctx.power = claims::CheckContext::Power::High;
    const auto r = reg.run(*reg.find(id), ctx);
    EXPECT_EQ(r.verdict, Verdict::Holds) << id;
    double worst = 0;
    for (const auto& rec : r.checks)
      if (rec.method == "monte-carlo") worst = std::max(worst, *rec.detectable_deviation / std::abs(*rec.theory));
    EXPECT_LE(worst, 1e-4) << id;
    std::printf("%s: worst detectable/|theory| %.3g, %.2f s\n", id, worst, r.seconds);
  }
}

// Resolution (issue 8): at the default level every Monte Carlo sub-check of the ensemble, bootstrap
// and noise-slope claims resolves 1e-3 of its theory value, and a theory value off by 2e-3 relative
// (either way) would be rejected: it lies outside the level-(1 - alpha) interval, which is the
// test's acceptance region (for the noise slopes the interval includes the stated bias bound).
TEST(DlbookNoiseClaims, MonteCarloChecksDetectATwoPerMilleError) {
  for (const char* id : {"dlbook.7_10.ensemble-mse", "dlbook.7_10.bootstrap", "dlbook.7_6_1.input-noise", "dlbook.7_6_2.weight-noise"}) {
    const auto r = run_claim(id);
    int mc = 0;
    for (const auto& rec : r.checks) {
      if (rec.method != "monte-carlo") continue;
      ++mc;
      const double t = *rec.theory, lo = t * (1 - 2e-3), hi = t * (1 + 2e-3);
      EXPECT_LE(*rec.detectable_deviation, 1e-3 * std::abs(t)) << id << ": " << rec.name;
      EXPECT_LT(std::min(lo, hi), *rec.ci_lo) << id << ": " << rec.name;
      EXPECT_GT(std::max(lo, hi), *rec.ci_hi) << id << ": " << rec.name;
    }
    EXPECT_GT(mc, 0) << id;
  }
}

// The noise slopes (issue 8) over 3 seeds, at both power levels: the Monte Carlo sub-check requires
// its resolution (recorded), resolves it with the margin the sizing promises (detectable <= 0.7 x
// target), and a theory value off by 1.5 x the target relative (either way) lies outside the
// acceptance interval (|estimate - theory| > t se + B), i.e. would FAIL. The stated bias bound B
// and its parts, put in the JSON extra table, are checked too: B = Taylor + rounding, Taylor =
// nu^2 / 108 x the sixth-derivative bound at nu = 2^-20, and the estimate lies within B + (a
// sampling margin) of the theory value. Measured (2026-12-05, seeds 20261123, 1, 2): detectable /
// |theory| 2.3e-7..5.8e-7 (input), 2.3e-7..5.8e-7 (weight) at both levels; |estimate - theory| <=
// 2.6e-9 absolute; B 5e-7..5e-6 absolute, mostly its (generous) rounding part.
TEST(DlbookNoiseClaims, NoiseSlopesResolveTheTargetOverSeedsAndLevels) {
  const claims::Registry& reg = claims::all_claims();
  for (const auto power : {claims::CheckContext::Power::Default, claims::CheckContext::Power::High}) {
    for (const std::uint64_t seed : {20261123ULL, 1ULL, 2ULL}) {
      for (const char* id : {"dlbook.7_6_1.input-noise", "dlbook.7_6_2.weight-noise"}) {
        claims::CheckContext ctx;
        ctx.seed = seed;
        ctx.threads = 2;
        ctx.power = power;
        ctx.alpha_per_test = ctx.alpha_total / std::max(1, reg.total_mc_tests());
        const double target = ctx.target_relative_resolution();
        const auto r = reg.run(*reg.find(id), ctx);
        const std::string at = std::string(id) + " seed " + std::to_string(seed) + " target " + std::to_string(target);
        EXPECT_EQ(r.verdict, Verdict::Holds) << at;
        int mc = 0;
        for (const auto& rec : r.checks) {
          if (rec.method == "power-self-test") {
            EXPECT_EQ(rec.verdict, Verdict::Holds) << at << ": " << rec.name;
          }
          if (rec.method != "monte-carlo") continue;
          ++mc;
          const double t = *rec.theory;
          ASSERT_TRUE(rec.resolution.has_value()) << at << ": the resolution must be required";
          EXPECT_DOUBLE_EQ(*rec.resolution, target * std::abs(t)) << at;
          EXPECT_LE(*rec.detectable_deviation, 0.7 * target * std::abs(t)) << at;
          const double lo = t * (1 - 1.5 * target), hi = t * (1 + 1.5 * target);
          EXPECT_LT(std::min(lo, hi), *rec.ci_lo) << at;
          EXPECT_GT(std::max(lo, hi), *rec.ci_hi) << at;
        }
        EXPECT_EQ(mc, 1) << at;
        const auto& tab = r.extra["tanh_instance"];
        const double B = tab["bias_bound"], taylor = tab["bias_bound_taylor"], rounding = tab["bias_bound_rounding"];
        const double nu = tab["nu"], six = tab["sixth_derivative_bound"];
        EXPECT_EQ(nu, std::ldexp(1.0, -20)) << at;
        EXPECT_EQ(int(tab["pilot_draws"]), 1024) << at;
        EXPECT_GT(taylor, 0) << at;
        EXPECT_GT(rounding, 0) << at;
        EXPECT_NEAR(B, taylor + rounding, 4 * eps * B) << at;            // two roundings
        EXPECT_NEAR(taylor, nu * nu / 108 * six, 4 * eps * taylor) << at;
        // The bound must leave room for the target: below a tenth of it at the high level.
        EXPECT_LT(B, 0.1 * 1e-4 * std::abs(double(tab["slope_with_hessian_term"]))) << at;
        // The estimate against the slope: within B plus 1e-3 B of sampling spread (se ~1e-11 here,
        // B >= 5e-7), and the interval around it.
        const double est = tab["mc_slope"], full = tab["slope_with_hessian_term"];
        EXPECT_LE(std::abs(est - full), 1.001 * B) << at;
        EXPECT_LE(double(tab["mc_ci"][0]), full) << at;
        EXPECT_GE(double(tab["mc_ci"][1]), full) << at;
        // hessian_term is the difference of the two slopes, and the gradient term alone (the reduced
        // form) lies outside the interval: the Hessian term is bounded away from 0 by construction.
        const double grad_only = tab["slope_gradient_term_only"];
        EXPECT_NEAR(double(tab["hessian_term"]), full - grad_only, 4 * eps * std::abs(full)) << at;
        EXPECT_TRUE(grad_only < double(tab["mc_ci"][0]) || grad_only > double(tab["mc_ci"][1])) << at;
        // Hand example y^ = x^2 (or (w x)^2) at (1, 0): J~(nu) = 1 + 6 nu + 3 nu^2, so J~(1) = 10,
        // J~(2) = 25, slope = formula = 6 (3-point Gauss-Hermite: a few roundings of values <= 150).
        const auto& qe = r.extra["quartic_example"];
        EXPECT_NEAR(double(qe["J_tilde_1"]), 10.0, 64 * eps * 150) << at;
        EXPECT_NEAR(double(qe["J_tilde_2"]), 25.0, 64 * eps * 150) << at;
        EXPECT_EQ(double(qe["formula"]), 6.0) << at;
        EXPECT_NEAR(double(qe["slope"]), 6.0, 64 * eps * 150) << at;
      }
    }
  }
}

// The bias-bound rule of the mean test (sim::MeanTestOptions::bias_bound), with fixed values: known
// se = 1, alpha = 0.05 (z = 1.959963984540054), power 0.99 (z = 2.326347874040841, scipy.stats.norm),
// B = 2: interval 10 -+ 3.959963984540054, detectable 4.286311858580895 + 4 = 8.286311858580895;
// theory 6.5 (|d| = 3.5 <= 3.96) passes, where without B it fails (3.5 > 1.96); theory 6 (|d| = 4)
// fails; the statistic is the excess over B in se units, signed: (4 - 2) / 1 = 2 for theory 6.
// B = 0 gives exactly the plain rule.
TEST(DlbookNoiseTheory, MeanTestBiasBoundRule) {
  sim::MeanTestOptions o;
  o.alpha = 0.05;
  o.power = 0.99;
  o.bias_bound = 2;
  const auto a = sim::test_estimate(10.0, 1.0, 1000, 6.5, o);
  EXPECT_NEAR(a.ci.lo, 10 - 3.959963984540054, 1e-13);
  EXPECT_NEAR(a.ci.hi, 10 + 3.959963984540054, 1e-13);
  EXPECT_NEAR(a.detectable_deviation, 8.286311858580895, 1e-13);
  EXPECT_EQ(a.verdict, Verdict::Holds);
  EXPECT_NEAR(a.statistic, 1.5, 1e-15);
  const auto b = sim::test_estimate(10.0, 1.0, 1000, 6.0, o);
  EXPECT_EQ(b.verdict, Verdict::Fails);
  EXPECT_NEAR(b.statistic, 2.0, 1e-15);
  const auto c = sim::test_estimate(10.0, 1.0, 1000, 14.0, o);  // below the estimate: negative statistic
  EXPECT_EQ(c.verdict, Verdict::Fails);
  EXPECT_NEAR(c.statistic, -2.0, 1e-15);
  const auto d = sim::test_estimate(10.0, 0.0, 1000, 11.5, o);  // se = 0: |d| = 1.5 <= B passes
  EXPECT_EQ(d.verdict, Verdict::Holds);
  EXPECT_EQ(d.statistic, 0.0);
  o.bias_bound = 0;
  const auto e = sim::test_estimate(10.0, 1.0, 1000, 6.5, o);
  EXPECT_EQ(e.verdict, Verdict::Fails);
  EXPECT_EQ(e.statistic, 3.5);
  EXPECT_NEAR(e.ci.lo, 10 - 1.959963984540054, 1e-13);
  EXPECT_NEAR(e.detectable_deviation, 4.286311858580895, 1e-13);
}

// max |tanh^(j)| against a scan of the derivative polynomials P_{j+1}(tau) = P_j'(tau) (1 - tau^2)
// (integer coefficients built here) on 2^20 + 1 points of [-1, 1]: each bound is >= the scanned
// maximum and within 1e-9 relative of it (the grid misses the true maximum by O(h^2) relative).
TEST(DlbookNoiseTheory, TanhDerivativeSupsMatchPolynomialScan) {
  std::vector<double> P = {0, 1};  // tanh = tau, coefficients by increasing power
  for (int j = 0; j <= 6; ++j) {
    double mx = 0;
    const int K = 1 << 20;
    for (int k = 0; k <= K; ++k) {
      const double t = -1.0 + 2.0 * k / K;
      double v = 0;
      for (std::size_t e = P.size(); e-- > 0;) v = v * t + P[e];
      mx = std::max(mx, std::abs(v));
    }
    const double sup = claims::dlbook::tanh_derivative_sup(j);
    EXPECT_GE(sup, mx) << "order " << j;
    EXPECT_LE(sup, mx * (1 + 1e-9)) << "order " << j;
    std::vector<double> D(P.size() + 1, 0.0);  // P' (1 - tau^2)
    for (std::size_t e = 1; e < P.size(); ++e) {
      D[e - 1] += e * P[e];
      D[e + 1] -= e * P[e];
    }
    P = D;
  }
}

// The sixth-derivative bound on hand instances. One unit, a = 1, sigma = 1, offset 0, input noise:
// U_0 = 1, ||U_j||_2 = T_j sqrt((2j - 1)!!), sum_j C(6, j) ||U_j|| ||U_{6-j}|| = 19434.6000842495
// (Python with the 40-digit T_j: 19434.600084249287; the rounded-up T_j move it by < 1e-13 relative). Weight noise
// with a = 0 and S = 0: only the alpha terms j T_{j-1} sigma_i^(j-1) sqrt((2j-3)!!) remain; sigma =
// (1, 0, 0, 0), offset 0: U_0 = 0, ||U_1|| = 4 (each unit's alpha_i tanh(u_i), ||alpha_i||_2 = 1),
// ||U_j|| = j T_{j-1} sqrt((2j - 3)!!) for j >= 2 (unit 0 only); the sum is 12227.320226406315 (Python).
TEST(DlbookNoiseTheory, SixthDerivativeBoundHandInstances) {
  claims::dlbook::ResidualLaw law;
  law.a[0] = 1;
  law.sigma[0] = 1;
  EXPECT_NEAR(claims::dlbook::sixth_derivative_bound(law, 0.5), 19434.600084249287, 1e-9 * 19434.6);
  EXPECT_EQ(claims::dlbook::residual_l2_bound(law, 0.5), 1.0);
  claims::dlbook::ResidualLaw w;
  w.sigma[0] = 1;
  w.perturbed_a = true;
  EXPECT_NEAR(claims::dlbook::sixth_derivative_bound(w, 0.0), 12227.320226406315, 1e-9 * 12227.3);
  // Scaling: sigma -> 2 sigma multiplies every term of the input-noise bound by 2^6.
  law.sigma[0] = 2;
  EXPECT_NEAR(claims::dlbook::sixth_derivative_bound(law, 0.5), 64 * 19434.600084249287, 1e-9 * 64 * 19434.6);
}

// The Richardson statistic and its Taylor bias bound on a one-unit instance where both sides are
// integrals over one Gaussian: r(t) = a tanh(u + t v) + o, v ~ N(0, sigma^2), g(t) = r(t)^2. The
// slope E g''(0)/2 = sigma^2 (r'^2 + r r'')(u) with r' = a (1 - tau^2), r'' = -2 a tau (1 - tau^2),
// tau = tanh(u) (hand derivatives); E R by the trapezoid rule in w = v / sigma against the normal
// density on [-12, 12], step 1/32 (exponentially accurate for this entire integrand, tails < 1e-30),
// in long double. For s = 2^-1 .. 2^-9: |E R - slope| <= nu^2/108 x sixth_derivative_bound (the
// bound holds; measured 80..480 times the actual bias, 80 as s -> 0), and the actual bias falls
// like nu^2 (ratio 16 per halving of s, within [12, 20] for s <= 2^-7; 15.6 from 2^-6 to 2^-7, and
// erratic above, where the nu^3 term competes): the Richardson step removed the nu term. At s = 2^-9
// the long double rounding (~u / nu ~ 1e-14) is far below the bias (8e-10).
TEST(DlbookNoiseTheory, RichardsonBiasWithinTaylorBoundOnOneUnit) {
  const long double a = 1.3L, u = 0.4L, o = -0.7L, sigma = 1.5L;
  const long double tau = std::tanh(u), r0 = a * tau + o, r1 = a * (1 - tau * tau), r2 = -2 * a * tau * (1 - tau * tau);
  const double slope = static_cast<double>(sigma * sigma * (r1 * r1 + r0 * r2));
  claims::dlbook::ResidualLaw law;
  law.a[0] = static_cast<double>(a);
  law.sigma[0] = static_cast<double>(sigma);
  law.offset = static_cast<double>(o);
  const double sixth = claims::dlbook::sixth_derivative_bound(law, 1.0);  // S = 2s <= 1 for every s below
  double previous = 0;
  for (int e = 1; e <= 9; ++e) {
    const long double s = std::ldexp(1.0L, -e);
    long double mean = 0;
    const long double h = 1.0L / 32;
    for (int k = -12 * 32; k <= 12 * 32; ++k) {
      const long double w = k * h, v = sigma * w;
      const long double R = claims::dlbook::richardson_slope(
          [&](long double t) {
            const long double r = a * std::tanh(u + t * v) + o;
            return r * r;
          },
          s);
      mean += h * std::exp(-w * w / 2) / std::sqrt(2 * std::numbers::pi_v<long double>) * R;
    }
    const double bias = std::abs(static_cast<double>(mean) - slope);
    const double bound = claims::dlbook::richardson_taylor_bound(static_cast<double>(s * s), sixth);
    EXPECT_LE(bias, bound) << "s = 2^-" << e;
    if (e >= 7) {
      EXPECT_GE(previous / bias, 12.0) << "s = 2^-" << e;
      EXPECT_LE(previous / bias, 20.0) << "s = 2^-" << e;
    }
    std::printf("s = 2^-%d: |E R - slope| = %.3e, Taylor bound %.3e (ratio %.0f)\n", e, bias, bound, bound / bias);
    previous = bias;
  }
}

// ---- 7.6: the network derivatives against central finite differences --------------------------

// Central differences with step h: truncation error <= h^2 |f'''| / 6 (first derivative) and
// h^2 |f''''| / 12 (second); with tanh-net derivatives of O(10) and h = 1e-4 that is ~1e-7, and the
// rounding error eps |f| / h^2 of the second difference is ~1e-8. Tolerance 1e-5: both with margin.
TEST(DlbookNoiseTheory, TanhNetDerivativesMatchFiniteDifferences) {
  const double h = 1e-4;
  for (unsigned s = 0; s < 10; ++s) {
    const dl::TanhNet net = random_net(3, 4, s);
    sim::Stream rng(s, sim::stream_id("test_dlbook_noise/x"), 0);
    VectorXd x(3);
    for (int j = 0; j < 3; ++j) x[j] = rng.normal();
    const double f0 = net.value(x);
    const VectorXd g = net.grad_x(x);
    double lap = 0;
    for (int j = 0; j < 3; ++j) {
      VectorXd e = VectorXd::Zero(3);
      e[j] = h;
      const double fp = net.value(x + e), fm = net.value(x - e);
      EXPECT_NEAR(g[j], (fp - fm) / (2 * h), 1e-5);
      lap += (fp - 2 * f0 + fm) / (h * h);
    }
    EXPECT_NEAR(net.laplacian_x(x), lap, 1e-5 * std::max(1.0, std::abs(lap)));
    // Weights (W, a).
    double g2 = 0, tr = 0;
    for (int j = 0; j < net.weight_count(); ++j) {
      VectorXd e = VectorXd::Zero(net.weight_count());
      e[j] = h;
      const double fp = net.perturbed(e).value(x), fm = net.perturbed(-e).value(x);
      const double gj = (fp - fm) / (2 * h);
      g2 += gj * gj;
      tr += (fp - 2 * f0 + fm) / (h * h);
    }
    EXPECT_NEAR(net.grad_weights_sq_norm(x), g2, 1e-5 * std::max(1.0, g2));
    EXPECT_NEAR(net.hessian_trace_weights(x), tr, 1e-5 * std::max(1.0, std::abs(tr)));
  }
}

TEST(DlbookNoiseTheory, NoiseSlopes) {
  EXPECT_EQ(dl::noise_slope_printed(4.0), 4.0);
  EXPECT_EQ(dl::noise_slope_exact(4.0, 1.0, 2.0), 6.0);  // y^ = x^2 at (1, 0)
  EXPECT_EQ(dl::noise_slope_exact(4.0, 0.0, 2.0), 4.0);  // residual 0: reduced form exact to first order
}

// Third-order coefficient against hand expansions: (1 + e)^4 has e^3 coefficient 4 = C3 / mu3 for
// y^ = w^2 at w = 1, y = 0 (g = 2, H = 2, T = 0, residual 1: 2 * 2 = 4); (1 + e)^6 has 20 for y^ = w^3
// (g = 3, H = 6, T = 6: 18 + 6/3 = 20).
TEST(DlbookNoiseTheory, ThirdOrderCoefficientByHand) {
  const Eigen::VectorXd z = Eigen::VectorXd::Zero(1);
  EXPECT_EQ(dl::noise_third_order_coefficient(Eigen::VectorXd::Constant(1, 2), Eigen::VectorXd::Constant(1, 2), 1.0, z, 1.5), 6.0);
  EXPECT_NEAR(dl::noise_third_order_coefficient(Eigen::VectorXd::Constant(1, 3), Eigen::VectorXd::Constant(1, 6), 1.0,
                                                Eigen::VectorXd::Constant(1, 6), 1.0),
              20.0, 4 * 20 * eps);
  EXPECT_EQ(dl::noise_third_order_coefficient(Eigen::VectorXd::Constant(1, 3), Eigen::VectorXd::Constant(1, 6), 1.0,
                                              Eigen::VectorXd::Constant(1, 6), 0.0), 0.0);  // symmetric noise
}

// Minimizer slopes by hand. Features {x^2}, f = x^2: Tikhonov -4/3, 7.17 in full -5/3 (see the claim).
// Features {1, x^2}, f = x^2: A0 = [[1, 1], [1, 3]], G = diag(0, 4), S = [[0, 1], [1, 2]], E[f phi''] = (0, 2):
// Tikhonov -A0^-1 (0, 4) = (2, -2); full -A0^-1 (1, 5) = (1, -2); the noisy minimizer
// A(nu)^-1 b(nu), A = [[1, 1 + nu], [1 + nu, 3 (1 + nu)^2]], b = (1, 3 + nu), has slope (1, -2) (sympy).
// Weight noise y^ = p(w) x: p = w^2 at 1 gives (-1, -3/2); p linear gives (0, 0).
TEST(DlbookNoiseTheory, MinimizerSlopesByHand) {
  const auto a = dl::input_noise_minimizer_slopes({2}, Eigen::VectorXd::Ones(1));
  EXPECT_NEAR(a.tikhonov[0], -4.0 / 3.0, 4 * eps);
  EXPECT_NEAR(a.full[0], -5.0 / 3.0, 4 * eps);
  const auto b = dl::input_noise_minimizer_slopes({0, 2}, Eigen::Vector2d(0, 1));
  EXPECT_NEAR(b.tikhonov[0], 2.0, 16 * eps);
  EXPECT_NEAR(b.tikhonov[1], -2.0, 16 * eps);
  EXPECT_NEAR(b.full[0], 1.0, 16 * eps);
  EXPECT_NEAR(b.full[1], -2.0, 16 * eps);
  const auto c = dl::weight_noise_minimizer_slopes(2.0, 2.0);
  EXPECT_EQ(c.tikhonov, -1.0);
  EXPECT_EQ(c.full, -1.5);
  const auto d = dl::weight_noise_minimizer_slopes(3.0, 0.0);
  EXPECT_EQ(d.tikhonov, 0.0);
  EXPECT_EQ(d.full, 0.0);
}

RC_GTEST_PROP(DlbookNoiseTheory, LinearNoiseExcessIsWeightDecay, ()) {
  const int d = *rc::gen::inRange(1, 10);
  const auto wv = *rc::gen::container<std::vector<double>>(static_cast<std::size_t>(d), rc::gen::map(rc::gen::inRange(-1000, 1000), [](int v) { return v / 100.0; }));
  const double nu = *rc::gen::map(rc::gen::inRange(0, 1000), [](int v) { return v / 100.0; });
  const VectorXd w = Eigen::Map<const VectorXd>(wv.data(), d);
  double ref = 0;
  for (double v : wv) ref += v * v;
  RC_ASSERT(std::abs(dl::linear_input_noise_excess(w, nu) - nu * ref) <= 4 * d * eps * nu * ref);
  RC_ASSERT(std::abs(dl::linear_weight_noise_excess(w, nu) - nu * ref) <= 4 * d * eps * nu * ref);
}

// ---- 7.7: early stopping ---------------------------------------------------------------------------

// 50-digit reference of (1 - x)^tau and alpha = lambda q / (1 - q). The double forms use log1p and
// expm1 (error <= 1 ulp each) and one exp; the exponent tau log1p(-x) has relative error <= 2 eps,
// i.e. absolute 2 eps u', so q has relative error <= (2 u' + 3) eps; 1 - q has (2 u' q/(1-q) + 3) eps
// and alpha their sum plus 2: tolerance (4 u'/(1 - q) + 8) eps.
TEST(DlbookNoiseTheory, EarlyStoppingMatches50DigitReference) {
  for (double x : {1e-12, 1e-8, 1e-4, 0.01, 0.3, 0.9, 1.3, 1.9}) {
    for (double tau : {1.0, 2.0, 7.0, 100.0, 1e4, 1e8}) {
      const double eta = 0.5, lambda = x / eta;
      const double xd = eta * lambda;  // the double the functions see
      const big q = big_pow_int(1 - big(xd), static_cast<long long>(tau));
      if (abs(q) < big(1e-280)) continue;  // underflows to 0 in double: nothing to compare
      const double up = std::abs(tau * std::log1p(-std::min(xd, 0.999)));
      const double qd = dl::early_stopping_decay(lambda, eta, tau);
      EXPECT_LE(rel_err(qd, q), (2 * up + 3) * eps * 2) << "x=" << x << " tau=" << tau;
      const double fd = dl::early_stopping_fraction(lambda, eta, tau);
      const double tolf = (2 * up * static_cast<double>(abs(q / (1 - q))) + 3) * eps * 2;
      EXPECT_LE(rel_err(fd, 1 - q), tolf) << "x=" << x << " tau=" << tau;
      const big alpha = big(lambda) * q / (1 - q);
      if (alpha != 0) {
        EXPECT_LE(rel_err(dl::early_stopping_alpha(lambda, eta, tau), alpha), tolf + (2 * up + 8) * eps * 2)
            << "x=" << x << " tau=" << tau;
      }
    }
  }
}

// Why log1p/expm1: the naive 1 - pow(1 - x, tau) at x = 1e-12, tau = 1e4 loses about 4 digits to
// cancellation (the result is ~1e-8, while pow carries absolute error ~eps), the careful form keeps
// them. The test asserts the naive form is at least 100x worse, documenting the need.
TEST(DlbookNoiseTheory, CarefulFormBeatsNaivePow) {
  const double lambda = 2e-12, eta = 0.5, tau = 1e4;
  const big ref = 1 - big_pow_int(1 - big(eta * lambda), 10000);
  const double naive = 1.0 - std::pow(1.0 - eta * lambda, tau);
  const double careful = dl::early_stopping_fraction(lambda, eta, tau);
  EXPECT_LE(rel_err(careful, ref), 8 * eps);
  EXPECT_GE(rel_err(naive, ref), 100 * rel_err(careful, ref) + 100 * eps);
}

// Armadillo oracle: eig_sym of H (LAPACK), eq. 7.26 in that basis vs simulated GD.
TEST(DlbookNoiseTheory, EarlyStoppingTrajectoryAgainstArmadillo) {
  arma::arma_rng::set_seed(7);
  for (int t = 0; t < 10; ++t) {
    const int d = 2 + t % 5;
    arma::mat G = arma::randn<arma::mat>(d, d);
    arma::mat H = G.t() * G;
    arma::vec lam;
    arma::mat Q;
    arma::eig_sym(lam, Q, H);
    lam = arma::clamp(lam, 0.0, arma::datum::inf);
    const double eta = 1.5 / lam.max();
    const arma::vec ws = arma::randn<arma::vec>(d);
    arma::vec w(d, arma::fill::zeros);
    const int tau = 37;
    for (int s = 0; s < tau; ++s) w -= eta * H * (w - ws);
    const arma::vec qs = Q.t() * ws;
    arma::vec pred(d);
    for (int j = 0; j < d; ++j) pred[j] = dl::early_stopping_fraction(lam[j], eta, tau) * qs[j];
    // eig_sym is backward stable (eigenvectors accurate to eps ||H|| / gap; random gaps are O(1));
    // GD accumulates <= tau (4 d + 2) eps ||w*||: 1e4 eps ||w*|| * (tau + 1) is ample.
    EXPECT_LE(arma::abs(Q.t() * w - pred).max(), 1e4 * eps * (tau + 1) * arma::norm(ws)) << "d=" << d;
  }
}

RC_GTEST_PROP(DlbookNoiseTheory, AlphaApproximationErrorWithinBound, ()) {
  const double x = *rc::gen::map(rc::gen::inRange(1, 900), [](int v) { return v / 1000.0; });
  const double tau = *rc::gen::inRange(1, 5000);
  const double eta = 0.25, lambda = x / eta;
  const double rel = dl::early_stopping_alpha(lambda, eta, tau) * tau * eta - 1.0;
  RC_ASSERT(rel <= 1e-12);  // alpha_i <= 1/(tau eta) for eta lambda < 1
  RC_ASSERT(std::abs(rel) <= dl::early_stopping_approx_error_bound(lambda, eta, tau) + 1e-12);
}

// The eq. 7.28 bound in its stated form x + u / (2 (1 - x)), x = eta lambda, u = tau x, at hand-
// computed points with exact inputs: x = 0.5, u = 1.5 gives 0.5 + 1.5 = 2; x = 0.25, u = 1 gives
// 0.25 + 1/1.5 = 11/12 (one rounding of 2/3 and one of the sum: 2 ulps).
TEST(DlbookNoiseTheory, AlphaApproximationBoundHandValues) {
  EXPECT_EQ(dl::early_stopping_approx_error_bound(1.0, 0.5, 3), 2.0);
  EXPECT_NEAR(dl::early_stopping_approx_error_bound(0.5, 0.5, 4), 11.0 / 12.0, 2 * eps * 11.0 / 12.0);
}

RC_GTEST_PROP(DlbookNoiseTheory, AlphaDecreasesWithSteps, ()) {
  const double x = *rc::gen::map(rc::gen::inRange(1, 990), [](int v) { return v / 1000.0; });
  const double tau = *rc::gen::inRange(1, 1000);
  // Keep q = (1 - x)^(tau + 1) a normal double (>~ 1e-260): below that alpha underflows to a
  // denormal or 0, correctly rounded but no longer strictly ordered.
  RC_PRE(-(tau + 1) * std::log1p(-x) < 600.0);
  // More steps = less regularization: alpha(tau + 1) < alpha(tau).
  RC_ASSERT(dl::early_stopping_alpha(x, 1.0, tau + 1) < dl::early_stopping_alpha(x, 1.0, tau));
}

// ---- 7.10 ---------------------------------------------------------------------------------------

// Armadillo oracle: 1^T Sigma 1 / k^2 for the explicit covariance; exact cases c = v, c = 0 and
// c = -v/(k-1); never worse than one member (c <= v). k^2 terms of size <= v: 4 (k^2 + 4) eps v.
RC_GTEST_PROP(DlbookNoiseTheory, EnsembleMseProperties, ()) {
  const int k = *rc::gen::inRange(1, 30);
  const double v = *rc::gen::map(rc::gen::inRange(0, 10000), [](int x) { return x / 1000.0; });
  const double t = *rc::gen::map(rc::gen::inRange(0, 1001), [](int x) { return x / 1000.0; });
  const double lo = k > 1 ? -v / (k - 1) : 0.0;
  const double c = lo + (v - lo) * t;
  arma::mat S(k, k);
  S.fill(c);
  S.diag().fill(v);
  const arma::vec one(k, arma::fill::ones);
  const double oracle = arma::as_scalar(one.t() * S * one) / (double(k) * k);
  const double got = dl::ensemble_mse(k, v, c);
  const double tol = 4.0 * (k * k + 4) * eps * std::max(v, 1e-300);
  RC_ASSERT(std::abs(got - oracle) <= tol);
  RC_ASSERT(got <= v + tol);
  RC_ASSERT(std::abs(dl::ensemble_mse(k, v, v) - v) <= tol);
  RC_ASSERT(std::abs(dl::ensemble_mse(k, v, 0.0) - v / k) <= tol);
  if (k > 1) RC_ASSERT(std::abs(dl::ensemble_mse(k, v, lo)) <= tol);
}

// 50-digit reference of 1 - (1 - 1/n)^n. The careful form: log1p and expm1 within 1 ulp, the product
// n log1p(-1/n) one rounding, exp's argument error ~2 eps absolute (argument ~ -1): <= 8 eps relative.
TEST(DlbookNoiseTheory, BootstrapFractionMatches50DigitReference) {
  for (long long n : {1LL, 2LL, 3LL, 7LL, 10LL, 1000LL, 123457LL, 1000000000LL, 1000000000000LL}) {
    const big ref = 1 - big_pow_int(1 - big(1) / n, n);
    EXPECT_LE(rel_err(dl::bootstrap_unique_fraction(static_cast<double>(n)), ref), 8 * eps) << "n=" << n;
  }
  const big lim = 1 - exp(big(-1));
  EXPECT_LE(rel_err(dl::bootstrap_unique_limit(), lim), 2 * eps);
  // Naive pow at n = 1e12 loses ~4 digits (relative error ~ n eps/2 / e): documents the log1p form.
  const double n = 1e12;
  const double naive = 1.0 - std::pow(1.0 - 1.0 / n, n);
  EXPECT_GT(rel_err(naive, 1 - big_pow_int(1 - big(1) / 1000000000000LL, 1000000000000LL)), 1e-8);
}

TEST(DlbookNoiseTheory, BootstrapFractionDecreasesToLimit) {
  double prev = 2;
  for (double n = 1; n <= 2000; ++n) {
    const double f = dl::bootstrap_unique_fraction(n);
    EXPECT_LT(f, prev) << "n=" << n;
    EXPECT_GT(f, dl::bootstrap_unique_limit()) << "n=" << n;
    prev = f;
  }
  EXPECT_EQ(dl::bootstrap_unique_fraction(1), 1.0);
  EXPECT_NEAR(dl::bootstrap_unique_fraction(2), 0.75, 2 * eps);
  EXPECT_GT(dl::bootstrap_unique_fraction(5), 2.0 / 3.0);  // 2101/3125
  EXPECT_LT(dl::bootstrap_unique_fraction(6), 2.0 / 3.0);  // 31031/46656
}

// ---- 7.11 -----------------------------------------------------------------------------------------

TEST(DlbookNoiseTheory, LogSoftmaxIsNormalizedAndStable) {
  VectorXd z(4);
  z << 1000.0, -1000.0, 999.0, 0.0;  // naive exp overflows
  const VectorXd l = dl::log_softmax(z);
  ASSERT_TRUE(l.allFinite());
  EXPECT_NEAR(l.array().exp().sum(), 1.0, 4 * eps);
  EXPECT_NEAR(l[0] - l[2], 1.0, 1e-12);
  EXPECT_NEAR(l[0], -std::log1p(std::exp(-1.0)), 4 * eps);
}

TEST(DlbookNoiseTheory, WeightScaledEndpoints) {
  MatrixXd W(3, 2);
  W << 1, -2, 0.5, 3, -1, 1;
  VectorXd b(2), v(3);
  b << 0.1, -0.2;
  v << 1, 2, -1;
  EXPECT_LE((dl::weight_scaled_log_probs(W, b, v, 1.0) - dl::log_softmax(W.transpose() * v + b)).cwiseAbs().maxCoeff(), 8 * eps * 10);
  EXPECT_LE((dl::weight_scaled_log_probs(W, b, v, 0.0) - dl::log_softmax(b)).cwiseAbs().maxCoeff(), 8 * eps);
}

// The book's p = 1/2 case by brute force on a 2-input example, written out by hand: the geometric
// mean of the four sub-model probabilities, renormalized, equals softmax(W^T v / 2 + b).
TEST(DlbookNoiseTheory, WeightScalingByHandTwoInputs) {
  MatrixXd W(2, 2);
  W << 0.7, -1.1, 2.0, 0.4;
  VectorXd b(2), v(2);
  b << 0.3, -0.5;
  v << 1.5, -0.8;
  VectorXd acc = VectorXd::Zero(2);
  for (int m = 0; m < 4; ++m) {
    VectorXd d(2);
    d << (m & 1), (m >> 1) & 1;
    acc += dl::log_softmax(W.transpose() * d.cwiseProduct(v) + b) / 4.0;
  }
  EXPECT_LE((dl::log_softmax(acc) - dl::weight_scaled_log_probs(W, b, v, 0.5)).cwiseAbs().maxCoeff(), 64 * eps);
}

// ---- 7.13 -----------------------------------------------------------------------------------------

RC_GTEST_PROP(DlbookNoiseTheory, AdversarialMaxIsL1Norm, ()) {
  const int n = *rc::gen::inRange(1, 50);
  const auto wv = *rc::gen::container<std::vector<int>>(static_cast<std::size_t>(n), rc::gen::inRange(-100, 100));
  const auto dv = *rc::gen::container<std::vector<int>>(static_cast<std::size_t>(n), rc::gen::inRange(-100, 101));
  const double e = 0.25;
  VectorXd w(n), delta(n);
  double l1 = 0;
  for (int i = 0; i < n; ++i) {
    w[i] = wv[static_cast<std::size_t>(i)];
    delta[i] = e * dv[static_cast<std::size_t>(i)] / 100.0;  // a point of the box
    l1 += std::abs(w[i]);
  }
  // Integer weights times e = 1/4: every product and sum below is exact in double.
  RC_ASSERT(dl::linear_adversarial_max(w, e) == e * l1);
  RC_ASSERT(w.dot(dl::linear_adversarial_delta(w, e)) == e * l1);
  RC_ASSERT(dl::linear_adversarial_delta(w, e).cwiseAbs().maxCoeff() <= e);
  RC_ASSERT(w.dot(delta) <= e * l1 + 1e-12 * (1 + l1));
}

// ---- eval functions -------------------------------------------------------------------------------

TEST(DlbookNoiseEval, FunctionsAreRegisteredAndEvaluate) {
  const auto& ev = claims::all_eval_functions();
  ASSERT_NE(ev.find("ensemble-mse"), nullptr);
  ASSERT_NE(ev.find("early-stopping-alpha"), nullptr);
  ASSERT_NE(ev.find("bootstrap-unique"), nullptr);
  EXPECT_DOUBLE_EQ(ev.find("ensemble-mse")->eval({{"k", {4}}, {"v", {2}}, {"c", {0.5}}}).get<double>(), 0.5 + 0.375);
  EXPECT_DOUBLE_EQ(ev.find("bootstrap-unique")->eval({{"n", {2}}}).get<double>(), 0.75);
  // tau = 1: q = 1 - eta lambda, alpha = lambda (1 - eta lambda) / (eta lambda) = (1 - x)/eta.
  EXPECT_NEAR(ev.find("early-stopping-alpha")->eval({{"lambda", {0.5}}, {"eta", {0.1}}, {"tau", {1}}}).get<double>(), 9.5, 1e-13);
  EXPECT_THROW(ev.find("bootstrap-unique")->eval({{"n", {0}}}), std::invalid_argument);
}

// ---- errors misuse must raise ---------------------------------------------------------------------

template <class F>
void expect_invalid(F&& f, const std::string& must_contain) {
  try {
    f();
    ADD_FAILURE() << "no exception; expected one mentioning '" << must_contain << "'";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(must_contain), std::string::npos) << e.what();
  }
}

TEST(DlbookNoiseErrors, BadArgumentsThrowNamingTheValue) {
  const VectorXd w = VectorXd::Ones(3);
  expect_invalid([&] { dl::linear_input_noise_excess(w, -0.5); }, "-0.5");
  expect_invalid([&] { dl::linear_weight_noise_excess(w, NAN); }, "nan");
  expect_invalid([&] { dl::noise_slope_printed(-1.0); }, "-1");
  expect_invalid([&] { dl::noise_slope_exact(1.0, INFINITY, 0.0); }, "inf");
  expect_invalid([&] { dl::noise_third_order_coefficient(VectorXd::Ones(2), VectorXd::Ones(3), 0.0, VectorXd::Ones(2), 1.0); },
                 "hess_diag 3");
  expect_invalid([&] { dl::noise_third_order_coefficient(VectorXd::Ones(2), VectorXd::Ones(2), 0.0, VectorXd::Ones(2), NAN); },
                 "mu3 must be finite, got nan");
  expect_invalid([&] { dl::input_noise_minimizer_slopes({0, 2}, VectorXd::Ones(3)); }, "c has 3");
  expect_invalid([&] { dl::input_noise_minimizer_slopes({2, 2}, VectorXd::Ones(2)); }, "repeated power 2");
  expect_invalid([&] { dl::input_noise_minimizer_slopes({8}, VectorXd::Ones(1)); }, "got 8");
  expect_invalid([&] { dl::input_noise_minimizer_slopes({1}, VectorXd::Constant(1, NAN)); }, "finite");
  expect_invalid([&] { dl::weight_noise_minimizer_slopes(0.0, 1.0); }, "p'(w0) must be finite and nonzero");
  expect_invalid([&] { dl::weight_noise_minimizer_slopes(1.0, INFINITY); }, "inf");
  expect_invalid([&] { dl::early_stopping_decay(1.0, 2.5, 3); }, "eta lambda must be < 2");
  expect_invalid([&] { dl::early_stopping_decay(-1.0, 0.1, 3); }, "-1");
  expect_invalid([&] { dl::early_stopping_fraction(1.0, 0.1, 2.5); }, "2.5");
  expect_invalid([&] { dl::early_stopping_alpha(0.0, 0.1, 3); }, "lambda must be finite and > 0");
  expect_invalid([&] { dl::early_stopping_alpha(1.0, 0.1, 0); }, "tau must be >= 1");
  expect_invalid([&] { dl::early_stopping_alpha(1.0, 0.0, 3); }, "eta must be finite and > 0");
  expect_invalid([&] { dl::early_stopping_alpha_approx(0.1, 0); }, "tau");
  expect_invalid([&] { dl::early_stopping_approx_error_bound(15.0, 0.1, 3); }, "1.5");
  expect_invalid([&] { dl::ensemble_mse(0, 1, 0); }, "k must be an integer >= 1, got 0");
  expect_invalid([&] { dl::ensemble_mse(2.5, 1, 0); }, "2.5");
  expect_invalid([&] { dl::ensemble_mse(3, -1, 0); }, "v must be");
  expect_invalid([&] { dl::ensemble_mse(3, 1, 1.5); }, "1.5");
  expect_invalid([&] { dl::ensemble_mse(3, 1, -0.75); }, "-0.75");
  expect_invalid([&] { dl::bootstrap_unique_fraction(0); }, "n must be an integer >= 1, got 0");
  expect_invalid([&] { dl::bootstrap_unique_fraction(3.5); }, "3.5");
  expect_invalid([&] { dl::log_softmax(VectorXd()); }, "at least one");
  expect_invalid([&] { dl::log_softmax(VectorXd::Constant(2, NAN)); }, "finite");
  expect_invalid([&] { dl::weight_scaled_log_probs(MatrixXd::Ones(3, 2), VectorXd::Zero(2), VectorXd::Zero(3), 1.5); }, "1.5");
  expect_invalid([&] { dl::weight_scaled_log_probs(MatrixXd::Ones(3, 2), VectorXd::Zero(2), VectorXd::Zero(4), 0.5); }, "v has 4");
  expect_invalid([&] { dl::linear_adversarial_max(w, -0.1); }, "-0.1");
  expect_invalid([&] { dl::linear_adversarial_delta(VectorXd::Constant(2, INFINITY), 0.1); }, "finite");
  dl::TanhNet net = random_net(3, 4, 1);
  expect_invalid([&] { net.value(VectorXd::Zero(2)); }, "x has 2");
  expect_invalid([&] { net.perturbed(VectorXd::Zero(3)); }, "delta has 3");
  // The noise-slope estimator's helpers and the mean test's bias bound.
  expect_invalid([&] { claims::dlbook::tanh_derivative_sup(7); }, "got 7");
  claims::dlbook::ResidualLaw law;
  expect_invalid([&] { claims::dlbook::sixth_derivative_bound(law, -0.25); }, "-0.25");
  law.sigma[2] = -3;
  expect_invalid([&] { claims::dlbook::sixth_derivative_bound(law, 0.1); }, "-3");
  law.sigma[2] = 1;
  law.offset = NAN;
  expect_invalid([&] { claims::dlbook::residual_l2_bound(law, 0.1); }, "nan");
  expect_invalid([&] { claims::dlbook::QuadraticControl(MatrixXd::Zero(3, 7), VectorXd::Zero(7)); }, "pilot of 7 draws for 6 features");
  expect_invalid([&] { claims::dlbook::QuadraticControl(MatrixXd::Zero(3, 20), VectorXd::Zero(9)); }, "9 values for 20");
  sim::MeanTestOptions o;
  o.bias_bound = -1e-3;
  expect_invalid([&] { sim::test_estimate(1.0, 1.0, 10, 1.0, o); }, "-0.001");
  o.bias_bound = INFINITY;
  expect_invalid([&] { sim::test_estimate(1.0, 1.0, 10, 1.0, o); }, "inf");
}
