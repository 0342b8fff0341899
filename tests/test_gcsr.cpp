// Tests of the gcsr theory (theory/gcsr.hpp) and claims (claims/gcsr/*_claims.cpp): every claim's
// verdict at a fixed seed, power self-tests, properties of pi (eq. 9), the prox (eq. 10) and the
// update (eq. 2), 50-digit reference values of the Gaussian closed forms, the MLP backward pass,
// and at the end the errors that bad inputs must raise.
#include "claims/core/registry.hpp"
#include "claims/gcsr/rqmc_points.hpp"
#include "theory/gcsr.hpp"
#include "theory/prox.hpp"

#include <armadillo>
#include <boost/math/special_functions/erf.hpp>
#include <boost/math/special_functions/next.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

using namespace regcheck;
namespace tg = regcheck::theory::gcsr;
using claims::Verdict;

namespace {

claims::CheckContext fixed_context() {
  claims::CheckContext ctx;
  ctx.seed = 20261123;
  ctx.threads = 2;
  ctx.alpha_per_test = ctx.alpha_total / std::max(1, claims::all_claims().total_mc_tests());
  return ctx;
}

claims::ClaimResult run(const std::string& id) {
  const claims::Claim* c = claims::all_claims().find(id);
  EXPECT_NE(c, nullptr) << id;
  if (!c) return {};
  return claims::all_claims().run(*c, fixed_context());
}

void expect_verdict(const std::string& id, Verdict expected, int mc_tests) {
  const claims::Claim* c = claims::all_claims().find(id);
  ASSERT_NE(c, nullptr) << id;
  EXPECT_EQ(c->expected, expected) << id;
  EXPECT_EQ(c->mc_tests, mc_tests) << id;
  const claims::ClaimResult r = run(id);
  EXPECT_EQ(r.verdict, expected) << id << ": " << claims::to_json(r).dump(1);
  ASSERT_FALSE(r.checks.empty()) << id;
  // mc_tests must equal the Monte Carlo tests the check performs; every one has a detected power
  // self-test at this seed.
  int mc = 0, power = 0;
  for (const claims::CheckRecord& rec : r.checks) {
    if (rec.method == "monte-carlo") {
      ++mc;
      ASSERT_TRUE(rec.detectable_deviation.has_value());
      EXPECT_LE(*rec.detectable_deviation, 0.01) << rec.name;
    }
    if (rec.method == "power-self-test") {
      ++power;
      EXPECT_EQ(rec.verdict, Verdict::Holds) << id << " power self-test not detected: " << rec.name;
    }
  }
  EXPECT_EQ(mc, mc_tests) << id;
  EXPECT_EQ(power, mc_tests) << id;
}

using f50 = boost::multiprecision::cpp_bin_float_50;

}  // namespace

// ---- every claim at the fixed seed ----------------------------------------------------------------
TEST(GcsrClaims, Eq2UpdateHolds) { expect_verdict("gcsr.eq2.update", Verdict::Holds, 0); }
TEST(GcsrClaims, Eq9CoherenceRateHolds) { expect_verdict("gcsr.eq9.coherence-rate", Verdict::Holds, 0); }
TEST(GcsrClaims, Eq9RandomHalfHolds) { expect_verdict("gcsr.eq9.random-half", Verdict::Holds, 7); }
TEST(GcsrClaims, Eq9ClosedFormHolds) { expect_verdict("gcsr.eq9.coherence-closed-form", Verdict::Holds, 18); }
TEST(GcsrClaims, Eq10L1ProxHolds) { expect_verdict("gcsr.eq10.l1-prox", Verdict::Holds, 0); }
TEST(GcsrClaims, Sec22SuppressionHolds) { expect_verdict("gcsr.sec2_2.suppression", Verdict::Holds, 0); }

// The general form E pi = mean_i [q r + (1-q)(1-r)] is what the Monte Carlo tests compare with:
// hand values for the non-symmetric pairs (q = r = 1/e: e^-2 + (1 - e^-1)^2; q = Phi(1/2) =
// 0.69146246127401310, r = 4/5: 0.8 q + 0.2 (1 - q)), and the both-positive pair gives 1 exactly.
TEST(GcsrClaims, RandomHalfGeneralFormAndBothPositive) {
  const auto r = run("gcsr.eq9.random-half");
  ASSERT_EQ(r.extra.at("pairs").size(), 7u);
  const double e1 = std::exp(-1.0), q = 0.69146246127401310;
  const double want[7] = {0.5, 0.5, 0.5, 0.5, e1 * e1 + (1 - e1) * (1 - e1), 0.8 * q + 0.2 * (1 - q), 0.47911131728418066};
  for (std::size_t k = 0; k < 7; ++k) {
    const auto& row = r.extra.at("pairs")[k];
    // Means of 32 terms each rounded once: 64 eps; the last value is a 17-digit double-precision sum
    // of normal cdfs (erfc, < 2 ulp each): 1e-15.
    EXPECT_NEAR(row.at("theory").get<double>(), want[k], 1e-15) << row.dump();
    EXPECT_LE(row.at("ci")[0].get<double>(), want[k]) << row.dump();
    EXPECT_GE(row.at("ci")[1].get<double>(), want[k]) << row.dump();
  }
  EXPECT_NEAR(r.extra.at("both_exp_minus_1").get<double>(), 0.53491168413034, 1e-13);
  bool both_positive = false;
  for (const claims::CheckRecord& c : r.checks)
    if (c.name.rfind("both positive", 0) == 0) {
      both_positive = true;
      EXPECT_EQ(c.verdict, Verdict::Holds);
      EXPECT_EQ(*c.max_error, 0.0);
    }
  EXPECT_TRUE(both_positive);
}

// Depth 2: the gradient-to-weight ratio is scale-free (slope 0, no "far more" suppression); from
// depth 3 on its slope is L - 2 >= 1. The fitted slopes are exact up to the claim's bounds (< 1e-6).
TEST(GcsrClaims, SuppressionRatioSlopeIsDepthMinusTwo) {
  const auto r = run("gcsr.sec2_2.suppression");
  const auto& rows = r.extra.at("by_depth");
  ASSERT_EQ(rows.size(), 7u);
  for (const auto& row : rows) {
    const int L = row.at("depth").get<int>();
    EXPECT_NEAR(row.at("min_ratio_slope").get<double>(), L - 2, 1e-6) << row.dump();
    EXPECT_NEAR(row.at("max_ratio_slope").get<double>(), L - 2, 1e-6) << row.dump();
    EXPECT_EQ(row.at("gradients_suppressed_far_more_than_weights").get<bool>(), L >= 3);
  }
  // Both losses with a nonzero gradient at output 0 are checked: squared loss (y != 0) and cross-entropy.
  int slope_records = 0;
  for (const claims::CheckRecord& c : r.checks)
    if (c.name.find("slope of ||dL/dW_l|| vs s equals L - 1") != std::string::npos) {
      ++slope_records;
      EXPECT_EQ(c.verdict, Verdict::Holds) << c.name;
    }
  EXPECT_EQ(slope_records, 2);
}

// The coherence claim carries the exact hand cases with zeros as a sub-check of its own.
TEST(GcsrClaims, CoherenceRateHasExactHandCases) {
  const auto r = run("gcsr.eq9.coherence-rate");
  bool found = false;
  for (const claims::CheckRecord& c : r.checks)
    if (c.name.rfind("hand-computed vectors with zeros", 0) == 0) {
      found = true;
      EXPECT_EQ(c.verdict, Verdict::Holds) << c.detail;
      EXPECT_EQ(*c.n, 6u);
    }
  EXPECT_TRUE(found);
}

// Runs claim `id` with 1 and 2 threads: every Monte Carlo estimate must be bit-identical.
void expect_thread_invariant(const char* id) {
  claims::CheckContext one = fixed_context(), two = fixed_context();
  one.threads = 1;
  const claims::Claim* c = claims::all_claims().find(id);
  ASSERT_NE(c, nullptr);
  const auto r1 = claims::all_claims().run(*c, one), r2 = claims::all_claims().run(*c, two);
  ASSERT_EQ(r1.checks.size(), r2.checks.size());
  for (std::size_t i = 0; i < r1.checks.size(); ++i)
    if (r1.checks[i].estimate) {
      EXPECT_EQ(*r1.checks[i].estimate, *r2.checks[i].estimate) << r1.checks[i].name;
    }
}

TEST(GcsrClaims, MonteCarloResultsDoNotDependOnThreads) { expect_thread_invariant("gcsr.eq9.random-half"); }

// Same for the closed-form grid (RQMC replicates spread over the threads one per block).
TEST(GcsrClaims, ClosedFormResultsDoNotDependOnThreads) { expect_thread_invariant("gcsr.eq9.coherence-closed-form"); }

// Resolution (issue 8): at the default level every Monte Carlo sub-check of both coherence claims
// resolves 1e-3 of its theory value, and a theory value off by 2e-3 relative (either way) would be
// rejected: it lies outside the level-(1 - alpha) interval, which is the test's acceptance region.
TEST(GcsrClaims, CoherenceChecksDetectATwoPerMilleError) {
  for (const char* id : {"gcsr.eq9.random-half", "gcsr.eq9.coherence-closed-form"}) {
    const auto r = run(id);
    int mc = 0;
    for (const claims::CheckRecord& rec : r.checks) {
      if (rec.method != "monte-carlo") continue;
      ++mc;
      const double t = *rec.theory;
      EXPECT_LE(*rec.detectable_deviation, 1e-3 * std::abs(t)) << id << ": " << rec.name;
      EXPECT_LT(t * (1 - 2e-3), *rec.ci_lo) << id << ": " << rec.name;
      EXPECT_GT(t * (1 + 2e-3), *rec.ci_hi) << id << ": " << rec.name;
    }
    EXPECT_GT(mc, 0) << id;
  }
}

// --power high (slow, ~1 min: run with --gtest_also_run_disabled_tests): every Monte Carlo
// sub-check resolves 1e-4 of its theory value and both claims still hold.
TEST(GcsrClaims, DISABLED_CoherenceChecksResolveTenthPerMilleAtHighPower) {
  claims::CheckContext ctx = fixed_context();
  ctx.power = claims::CheckContext::Power::High;
  for (const char* id : {"gcsr.eq9.random-half", "gcsr.eq9.coherence-closed-form"}) {
    const auto r = claims::all_claims().run(*claims::all_claims().find(id), ctx);
    EXPECT_EQ(r.verdict, Verdict::Holds) << id;
    double worst = 0;
    for (const claims::CheckRecord& rec : r.checks)
      if (rec.method == "monte-carlo") worst = std::max(worst, *rec.detectable_deviation / std::abs(*rec.theory));
    EXPECT_LE(worst, 1e-4) << id;
    std::printf("%s: worst detectable/|theory| %.3g, %.2f s\n", id, worst, r.seconds);
  }
}

// The checks can fail: a wrong closed form is rejected by the same Monte Carlo machinery
// (halving the arctan argument, a plausible slip, moves E pi by > 0.05 at lambda = 0.5).
TEST(GcsrClaims, ClosedFormCheckWouldRejectAWrongFormula) {
  const double right = tg::expected_coherence_l2(0.5, 1.0, 1.0);
  const double wrong = 1.0 - std::atan(0.5 * 1.0 / 1.0) / M_PI;
  ASSERT_GT(std::abs(right - wrong), 0.05);
  const auto r = run("gcsr.eq9.coherence-closed-form");
  for (const claims::CheckRecord& rec : r.checks)
    if (rec.method == "monte-carlo" && rec.name == "L2 lambda=0.5 sg=1 sw=1") {
      EXPECT_GT(std::abs(*rec.estimate - wrong), 10 * *rec.detectable_deviation);
      return;
    }
  FAIL() << "grid point L2 lambda=0.5 sg=1 sw=1 not found";
}

// The RQMC normal quantile (Acklam + one Halley step, claims/gcsr/rqmc_points.hpp) against
// Boost's erfc_inv: -sqrt(2) erfc_inv(2u), itself within a few ulp. Tolerance 16 eps |x| + 4 eps:
// after the Halley step the error is the rounding of erfc, exp and the update (a few ulp each,
// relative) plus, near u = 1/2, the absolute rounding of the residual Phi(x) - u (<= eps/2, times
// sqrt(2 pi) in the step: < 2 eps absolute).
// Its sign is exact (that of u - 1/2), which the coherence indicators rely on.
TEST(GcsrTheory, RqmcNormalQuantileMatchesErfcInv) {
  for (double u : {1e-300, 1e-20, 1e-10, 1e-5, 0.001, 0.02425, 0.1, 0.3, 0.4999999, 0.5, 0.5000001, 0.7, 0.97575,
                   0.999, 1 - 1e-10}) {
    const double want = -std::sqrt(2.0) * boost::math::erfc_inv(2.0 * u);
    const double got = claims::rqmc_normal(u);
    EXPECT_LE(std::abs(got - want), 16 * std::numeric_limits<double>::epsilon() * std::abs(want) + 4 * std::numeric_limits<double>::epsilon())
        << "u=" << u;
    EXPECT_EQ(got > 0, u > 0.5) << "u=" << u;
  }
}

// ---- 50-digit reference values of the closed forms --------------------------------------------------
// The double forms round a division, a product, atan/erf (< 1 ulp in glibc for these arguments, up to
// 2 ulp allowed) and a subtraction from 1 of a value in [0, 1/2]: the result in [1/2, 1] is within
// 4 ulp of the exact value.
TEST(GcsrTheory, ClosedFormsMatch50DigitReference) {
  for (double lambda : {0.0, 1e-6, 0.01, 0.3, 1.0, 2.5, 10.0, 1e4}) {
    for (double sg : {0.05, 1.0, 3.0}) {
      for (double sw : {0.0, 0.2, 1.0}) {
        const f50 ratio = f50(2) * f50(lambda) * f50(sw) / f50(sg);
        const f50 ref2 = 1 - atan(ratio) / boost::math::constants::pi<f50>();
        const double got2 = tg::expected_coherence_l2(lambda, sg, sw);
        EXPECT_LE(std::abs(boost::math::float_distance(got2, static_cast<double>(ref2))), 4.0)
            << "L2 lambda=" << lambda << " sg=" << sg << " sw=" << sw;
      }
      const f50 ref1 = 1 - erf(f50(lambda) / (f50(sg) * sqrt(f50(2)))) / 2;
      const double got1 = tg::expected_coherence_l1(lambda, sg);
      EXPECT_LE(std::abs(boost::math::float_distance(got1, static_cast<double>(ref1))), 4.0)
          << "L1 lambda=" << lambda << " sg=" << sg;
    }
  }
}

TEST(GcsrTheory, ClosedFormLimits) {
  EXPECT_EQ(tg::expected_coherence_l2(0.0, 1.0, 1.0), 1.0);
  EXPECT_EQ(tg::expected_coherence_l1(0.0, 1.0), 1.0);
  EXPECT_NEAR(tg::expected_coherence_l2(1e12, 1.0, 1.0), 0.5, 1e-12);
  EXPECT_EQ(tg::expected_coherence_l1(100.0, 1.0), 0.5);
  EXPECT_EQ(tg::expected_coherence_l2(1.0, 1e-300, 1e300), 0.5);  // ratio overflows to inf: limit 1/2
}

// ---- eq. 9 properties ------------------------------------------------------------------------------
RC_GTEST_PROP(GcsrCoherence, InUnitIntervalAndOneAtLambdaZero, (std::vector<double> g, std::vector<double> w, bool l1)) {
  const std::size_t n = std::min(g.size(), w.size());
  Eigen::ArrayXd G(n), W(n);
  for (std::size_t i = 0; i < n; ++i) G(i) = std::isfinite(g[i]) ? g[i] : 0.0, W(i) = std::isfinite(w[i]) ? w[i] : 1.0;
  const auto kind = l1 ? tg::Penalty::L1 : tg::Penalty::L2;
  const double lambda = *rc::gen::inRange(0, 1000) / 10.0;
  const tg::Coherence c = tg::coherence_rate(G, W, lambda, kind);
  RC_ASSERT(c.pi >= 0.0);
  RC_ASSERT(c.pi <= 1.0);
  RC_ASSERT(c.n_used == static_cast<std::size_t>((G != 0).count()));
  const tg::Coherence c0 = tg::coherence_rate(G, W, 0.0, kind);
  if (c0.n_used > 0) RC_ASSERT(c0.pi == 1.0);
  else RC_ASSERT(c0.status == tg::CoherenceStatus::NoGradient && c0.pi == 0.0);
}

// Per entry, incoherence needs dOmega opposing g with lambda |dOmega| >= |g|, which stays true as
// lambda grows: pi is non-increasing in lambda.
RC_GTEST_PROP(GcsrCoherence, NonIncreasingInLambda, (bool l1)) {
  const auto kind = l1 ? tg::Penalty::L1 : tg::Penalty::L2;
  const int n = *rc::gen::inRange(1, 20);
  Eigen::ArrayXd G(n), W(n);
  for (int i = 0; i < n; ++i) G(i) = *rc::gen::inRange(-1000, 1000) / 100.0, W(i) = *rc::gen::inRange(-1000, 1000) / 100.0;
  const double l1v = *rc::gen::inRange(0, 500) / 50.0;
  const double l2v = l1v + *rc::gen::inRange(0, 500) / 50.0;
  const tg::Coherence a = tg::coherence_rate(G, W, l1v, kind), b = tg::coherence_rate(G, W, l2v, kind);
  RC_ASSERT(b.pi <= a.pi);
}

TEST(GcsrCoherence, HandComputedExamples) {
  Eigen::ArrayXd g(5), w(5);
  g << 1.0, -1.0, 0.0, 0.5, -2.0;
  w << -1.0, 1.0, 7.0, 1.0, 0.0;
  // L1, lambda = 1: entry 0: 1 - 1 = 0 -> tie, incoherent (Theta(0) = 0); entry 1: -1 + 1 = 0 -> tie;
  // entry 2 excluded (g = 0); entry 3: 0.5 + 1 > 0 coherent; entry 4: w = 0 -> dOmega = 0, coherent.
  const tg::Coherence c = tg::coherence_rate(g, w, 1.0, tg::Penalty::L1);
  EXPECT_EQ(c.n_used, 4u);
  EXPECT_EQ(c.pi, 0.5);
  // L2, lambda = 1: 1 - 2 < 0 no; -1 + 2 > 0 no; 0.5 + 2 yes; -2 + 0 yes.
  EXPECT_EQ(tg::coherence_rate(g, w, 1.0, tg::Penalty::L2).pi, 0.5);
  EXPECT_EQ(tg::coherence_rate(g, w, 0.1, tg::Penalty::L2).pi, 1.0);
  // Float arrays (the trainer's parameters) give the same answer.
  EXPECT_EQ(tg::coherence_rate(g.cast<float>(), w.cast<float>(), 1.0, tg::Penalty::L1).pi, 0.5);
  // The catalog's example with zeros: g = [0, 1, -2], w = [5, -1, 0], lambda = 1. g_0 = 0 is excluded;
  // L1: 1 + sign(-1) = 0 has sign 0 != sign(1): incoherent; w_2 = 0 has dOmega = 0: -2 coherent. 1/2.
  // L2: 1 + 2(-1) = -1 flips; -2 + 0 coherent: 1/2. lambda = 0: 2/2.
  Eigen::ArrayXd g3(3), w3(3);
  g3 << 0.0, 1.0, -2.0;
  w3 << 5.0, -1.0, 0.0;
  for (tg::Penalty k : {tg::Penalty::L1, tg::Penalty::L2}) {
    const tg::Coherence h = tg::coherence_rate(g3, w3, 1.0, k);
    EXPECT_EQ(h.n_used, 2u);
    EXPECT_EQ(h.pi, 0.5);
    EXPECT_EQ(tg::coherence_rate(g3, w3, 0.0, k).pi, 1.0);
  }
  // g = [0, 0, 3, -1, 2], w = [1, -4, 0, 2, -0.5]: L2 lambda = 0.5: 3, -1 + 2 = 1 (flip), 2 - 0.5: 2/3;
  // L1 lambda = 2: 3, -1 + 2 (flip), 2 - 2 = 0 (tie, incoherent): 1/3.
  Eigen::ArrayXd g5(5), w5(5);
  g5 << 0.0, 0.0, 3.0, -1.0, 2.0;
  w5 << 1.0, -4.0, 0.0, 2.0, -0.5;
  EXPECT_EQ(tg::coherence_rate(g5, w5, 0.5, tg::Penalty::L2).pi, 2.0 / 3.0);
  EXPECT_EQ(tg::coherence_rate(g5, w5, 2.0, tg::Penalty::L1).pi, 1.0 / 3.0);
  // No nonzero gradient: a status, not NaN.
  const tg::Coherence z = tg::coherence_rate(Eigen::ArrayXd::Zero(3), w.head(3), 1.0, tg::Penalty::L2);
  EXPECT_EQ(z.status, tg::CoherenceStatus::NoGradient);
  EXPECT_EQ(z.n_used, 0u);
  EXPECT_EQ(z.pi, 0.0);
  EXPECT_EQ(tg::coherence_rate(Eigen::ArrayXd(0), Eigen::ArrayXd(0), 1.0, tg::Penalty::L1).status,
            tg::CoherenceStatus::NoGradient);
}

// ---- eq. 10 and eq. 2 properties ---------------------------------------------------------------------
RC_GTEST_PROP(GcsrProx, SoftThresholdOptimality, ()) {
  const double a = *rc::gen::inRange(-100000, 100000) / 1000.0;
  const double z = *rc::gen::inRange(0, 100000) / 1000.0;
  const double x = theory::soft_threshold(a, z);
  if (x == 0) RC_ASSERT(std::abs(a) <= z);
  else RC_ASSERT(std::abs(x - a + std::copysign(z, x)) <= 4 * std::numeric_limits<double>::epsilon() * (std::abs(a) + z));
  // Global optimality against a few probes: f(x) <= f(x + d).
  const auto f = [&](double v) { return 0.5 * (v - a) * (v - a) + z * std::abs(v); };
  for (double d : {-1.0, -1e-3, 1e-3, 1.0}) RC_ASSERT(f(x) <= f(x + d) + 1e-12 * (1 + f(x)));
  RC_ASSERT(f(x) <= f(0.0) + 1e-12 * (1 + f(0.0)));
}

TEST(GcsrUpdate, L1StepIsSignedShrinkageAndOvershootsZero) {
  Eigen::ArrayXd w(3), g = Eigen::ArrayXd::Zero(3);
  w << 0.25, -0.25, 0.0;
  // alpha lambda = 0.5 > |w|: the subgradient step jumps across 0 (what the prox of eq. 10 avoids).
  const Eigen::ArrayXd u = tg::gd_update(w, g, 0.5, 1.0, tg::Penalty::L1);
  EXPECT_EQ(u(0), -0.25);
  EXPECT_EQ(u(1), 0.25);
  EXPECT_EQ(u(2), 0.0);
  EXPECT_EQ(theory::soft_threshold(0.25, 0.5), 0.0);
  const Eigen::ArrayXd v = tg::gd_update(w, g, 0.5, 1.0, tg::Penalty::L2);  // w (1 - 2 alpha lambda) = 0
  EXPECT_EQ(v(0), 0.0);
}

// ---- the MLP: backprop against Armadillo-computed finite differences of the loss --------------------
TEST(GcsrMlp, BackwardMatchesArmadilloFiniteDifferences) {
  tg::ReluMlp net;
  net.W = {Eigen::MatrixXd(4, 3), Eigen::MatrixXd(5, 4), Eigen::MatrixXd(2, 5)};
  int k = 0;
  for (auto& W : net.W)
    for (Eigen::Index i = 0; i < W.size(); ++i) W(i) = std::sin(1.7 * ++k) * 0.9;
  Eigen::MatrixXd X(3, 3), Y(2, 3);
  for (Eigen::Index i = 0; i < X.size(); ++i) X(i) = std::cos(0.7 * i + 0.3);
  for (Eigen::Index i = 0; i < Y.size(); ++i) Y(i) = std::sin(1.3 * i + 0.5);
  // Independent loss in Armadillo.
  const auto arma_loss = [&](const tg::ReluMlp& n) {
    arma::mat a(X.data(), X.rows(), X.cols());
    for (int l = 0; l < n.depth(); ++l) {
      arma::mat W(const_cast<double*>(n.W[l].data()), n.W[l].rows(), n.W[l].cols());
      a = W * a;
      if (l + 1 < n.depth()) a = arma::clamp(a, 0.0, arma::datum::inf);
    }
    arma::mat y(const_cast<double*>(Y.data()), Y.rows(), Y.cols());
    return 0.5 * arma::accu(arma::square(a - y));
  };
  EXPECT_NEAR(arma_loss(net), tg::mlp_squared_loss(net, X, Y), 1e-13);
  const auto G = tg::mlp_squared_loss_gradients(net, X, Y);
  // Central difference: the loss is quadratic along one weight while no ReLU flips (none within
  // +-h for these fixed weights), so truncation is 0; rounding is ~ eps |loss| / h ~ 1e-10. The
  // 1e-7 bound leaves 10^3 margin for cancellation in the loss sums.
  const double h = 1e-6;
  for (int l = 0; l < net.depth(); ++l)
    for (Eigen::Index i = 0; i < net.W[l].size(); ++i) {
      tg::ReluMlp p = net, m = net;
      p.W[l](i) += h;
      m.W[l](i) -= h;
      const double fd = (arma_loss(p) - arma_loss(m)) / (2 * h);
      EXPECT_NEAR(G[l](i), fd, 1e-7) << "layer " << l + 1 << " entry " << i;
    }
}

TEST(GcsrMlp, ScalingIsExactlyHomogeneous) {
  tg::ReluMlp net;
  net.W = {Eigen::MatrixXd::Random(4, 3), Eigen::MatrixXd::Random(4, 4), Eigen::MatrixXd::Random(2, 4)};
  const Eigen::MatrixXd X = Eigen::MatrixXd::Random(3, 2);
  const double s = 0.125;  // power of two: exact
  EXPECT_EQ(tg::mlp_forward(net.scaled(s), X).a.back(), std::pow(s, 3) * tg::mlp_forward(net, X).a.back());
  // y = 0: the gradient scales like s^(2L-1), not s^(L-1) (scope note of the claim).
  const Eigen::MatrixXd Y0 = Eigen::MatrixXd::Zero(2, 2);
  const auto g1 = tg::mlp_squared_loss_gradients(net, X, Y0), gs = tg::mlp_squared_loss_gradients(net.scaled(s), X, Y0);
  for (int l = 0; l < 3; ++l) EXPECT_EQ(gs[l], std::pow(s, 5) * g1[l]);
}

// ---- eval functions --------------------------------------------------------------------------------
TEST(GcsrEval, FunctionsRegistered) {
  const auto& ev = claims::all_eval_functions();
  ASSERT_NE(ev.find("soft-threshold"), nullptr);
  EXPECT_EQ(ev.find("soft-threshold")->eval({{"y", {3.0}}, {"t", {1.0}}}).get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(ev.find("coherence-l2")->eval({{"lambda", {0.5}}, {"sg", {1.0}}, {"sw", {1.0}}}).get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(ev.find("coherence-l1")->eval({{"lambda", {0.0}}, {"sg", {1.0}}}).get<double>(), 1.0);
}

// ---- errors that bad inputs must raise (std::invalid_argument naming the value) -----------------------
void expect_throw_mentioning(const std::function<void()>& f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "no exception; expected one mentioning " << needle;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(GcsrErrors, BadInputsThrow) {
  const Eigen::ArrayXd a = Eigen::ArrayXd::Ones(3), b = Eigen::ArrayXd::Ones(2);
  expect_throw_mentioning([&] { tg::coherence_rate(a, a, -0.5, tg::Penalty::L2); }, "-0.5");
  expect_throw_mentioning([&] { tg::coherence_rate(a, b, 1.0, tg::Penalty::L2); }, "sizes differ");
  Eigen::ArrayXd n = a;
  n(1) = NAN;
  expect_throw_mentioning([&] { tg::coherence_rate(n, a, 1.0, tg::Penalty::L1); }, "nan");
  expect_throw_mentioning([&] { tg::coherence_rate(a, n, 1.0, tg::Penalty::L1); }, "nan");
  expect_throw_mentioning([&] { tg::gd_update(a, a, 0.0, 1.0, tg::Penalty::L2); }, "alpha");
  expect_throw_mentioning([&] { tg::gd_update(a, a, 0.1, -2.0, tg::Penalty::L2); }, "-2");
  expect_throw_mentioning([&] { tg::gd_update(a, b, 0.1, 1.0, tg::Penalty::L2); }, "sizes differ");
  expect_throw_mentioning([&] { tg::penalty_gradient(INFINITY, tg::Penalty::L1); }, "inf");
  expect_throw_mentioning([&] { tg::expected_coherence_l2(-1.0, 1.0, 1.0); }, "-1");
  expect_throw_mentioning([&] { tg::expected_coherence_l2(1.0, 0.0, 1.0); }, "sg");
  expect_throw_mentioning([&] { tg::expected_coherence_l2(1.0, 1.0, -3.0); }, "-3");
  expect_throw_mentioning([&] { tg::expected_coherence_l1(NAN, 1.0); }, "nan");
  expect_throw_mentioning([&] { tg::expected_coherence_l1(1.0, -1.0); }, "-1");
  expect_throw_mentioning([&] { theory::soft_threshold(1.0, -0.25); }, "-0.25");
  tg::ReluMlp net;
  net.W = {Eigen::MatrixXd::Ones(2, 3)};
  expect_throw_mentioning([&] { tg::mlp_forward(net, Eigen::MatrixXd::Ones(4, 1)); }, "expected 4");
  expect_throw_mentioning([&] { tg::mlp_forward(tg::ReluMlp{}, Eigen::MatrixXd::Ones(4, 1)); }, "at least one layer");
}
