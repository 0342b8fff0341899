// Tests of the Drop-Activation theory (theory/dropact.*) and claims (claims/dropact/*.cpp):
// every claim's verdict for a fixed seed, power self-tests, RapidCheck properties of eqs. (3)-(5)
// and of the corrected Property 5.1 (Armadillo as the independent oracle), 50-digit reference
// values of eqs. (15) and the dropout ratio, and, at the end, the errors misuse must raise.
#include "claims/core/registry.hpp"
#include "claims/dropact/checks.hpp"
#include "claims/dropact/mc_kernel.hpp"
#include "theory/dropact.hpp"

#include <armadillo>
#include <boost/math/constants/constants.hpp>
#include <boost/math/special_functions/next.hpp>
#include <boost/math/special_functions/ulp.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <bit>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

namespace td = regcheck::theory::dropact;
namespace rc_ = regcheck::claims;
using regcheck::sim::Verdict;
using Mask = Eigen::Matrix<bool, Eigen::Dynamic, 1>;

namespace {
constexpr double eps = std::numeric_limits<double>::epsilon();

rc_::ClaimResult run_claim(const std::string& id) {
  const auto& reg = rc_::all_claims();
  const rc_::Claim* c = reg.find(id);
  EXPECT_NE(c, nullptr) << id;
  rc_::CheckContext ctx;  // fixed default seed 20261123
  ctx.threads = 2;
  ctx.alpha_per_test = 1e-6 / std::max(1, reg.total_mc_tests());
  return reg.run(*c, ctx);
}

// Checks the verdict, the power self-tests (all detected for this seed) and that mc_tests equals
// the number of Monte Carlo hypothesis tests the check performed.
// `expected` is the verdict fixed in the test per ID; the registry's own `expected` must agree (a
// wrong registry expectation would otherwise pass unnoticed).
void expect_claim(const std::string& id, Verdict expected) {
  const rc_::ClaimResult r = run_claim(id);
  ASSERT_NE(rc_::all_claims().find(id), nullptr) << id;
  EXPECT_EQ(rc_::all_claims().find(id)->expected, expected) << "registered expected verdict of " << id;
  EXPECT_EQ(r.verdict, expected) << id << ": " << regcheck::sim::to_string(r.verdict) << " " << rc_::to_json(r).dump(1);
  int mc = 0, power = 0;
  for (const auto& c : r.checks) {
    if (c.method == "monte-carlo") ++mc;
    if (c.method == "power-self-test") {
      ++power;
      EXPECT_EQ(c.verdict, Verdict::Holds) << id << " power self-test not detected: " << c.name;
    }
  }
  EXPECT_EQ(mc, rc_::all_claims().find(id)->mc_tests) << id;
  EXPECT_EQ(power, mc) << id;
  EXPECT_FALSE(r.checks.empty());
}

using BigReal = boost::multiprecision::cpp_bin_float_50;
double ulp_distance(double computed, const BigReal& ref) {
  return static_cast<double>(abs(BigReal(computed) - ref) / BigReal(boost::math::ulp(static_cast<double>(ref))));
}
}  // namespace

// ---- every claim through the registry ----
TEST(DropactClaims, Eq4TrainActivationHolds) { expect_claim("dropact.eq4.train-activation", Verdict::Holds); }
TEST(DropactClaims, Eq5TestActivationHolds) { expect_claim("dropact.eq5.test-activation", Verdict::Holds); }
TEST(DropactClaims, Prop51PenaltyAsPrintedFails) {
  expect_claim("dropact.prop5_1.penalty", Verdict::Fails);
  const auto r = run_claim("dropact.prop5_1.penalty");
  EXPECT_NE(r.counterexample.find("d=2"), std::string::npos);
}
TEST(DropactClaims, Prop51PenaltyCorrectedHolds) { expect_claim("dropact.prop5_1.penalty.corrected", Verdict::Holds); }
TEST(DropactClaims, Prop52MeanHolds) { expect_claim("dropact.prop5_2.mean", Verdict::Holds); }
TEST(DropactClaims, Prop52ShiftRatioHolds) { expect_claim("dropact.prop5_2.shift-ratio", Verdict::Holds); }
TEST(DropactClaims, Prop52Value095Holds) { expect_claim("dropact.prop5_2.value-095", Verdict::Holds); }
TEST(DropactClaims, Prop52RangeHolds) {
  expect_claim("dropact.prop5_2.range", Verdict::Holds);
  const auto r = run_claim("dropact.prop5_2.range");
  const double argmin = r.extra.at("argmin"), mn = r.extra.at("min");
  EXPECT_GT(mn, 0.8);
  EXPECT_LT(mn, 0.82);
  EXPECT_GT(argmin, 0.5);
  EXPECT_LT(argmin, 0.75);
}
TEST(DropactClaims, VsDropoutHolds) { expect_claim("dropact.sec5_2.vs-dropout", Verdict::Holds); }

// Power at the default level (target resolution 1e-3): every kind of Monte Carlo sub-check,
// run against its theory value times (1 + 2e-3), reports FAILS. The detectable deviation is
// <= 0.7e-3 |theory| by design, so a 2e-3 error is ~3 detectable deviations away: missed with
// probability far below 1e-6 (deterministic for the fixed seed).
TEST(DropactPower, DetectsRelativeError2e3AtDefaultLevel) {
  namespace dc = rc_::dropact_checks;
  rc_::CheckContext ctx;
  ctx.threads = 2;
  ctx.alpha_per_test = 1e-6 / std::max(1, rc_::all_claims().total_mc_tests());
  const double scale = 1 + 2e-3;
  EXPECT_EQ(dc::eq5_mc_point(ctx, "relu x=-1.3 p=0.95", -1.3, 0.95, true, scale).front().verdict, Verdict::Fails);
  EXPECT_EQ(dc::eq5_mc_point(ctx, "relu x=-0.7 p=0.5", -0.7, 0.5, true, scale).front().verdict, Verdict::Fails);
  EXPECT_EQ(dc::eq5_mc_point(ctx, "tanh x=0.8 p=0.3", 0.8, 0.3, false, scale).front().verdict, Verdict::Fails);
  EXPECT_EQ(dc::penalty_mc(ctx, true, scale).front().verdict, Verdict::Fails);
  // Means: w of sum 4.9, theory p 4.9 / sqrt(2 pi) by hand.
  const std::vector<double> w = {0.5, -1.0, 2.0, 0.3, 1.1, -0.4, 0.9, 1.5};
  const double mu = 0.3 * 4.9 / std::sqrt(2 * std::numbers::pi);
  const auto m = dc::mean_rqmc(ctx, "power-test", w, 0.3, mu * scale, dc::rqmc_size(ctx, 14, 17));
  EXPECT_EQ(m.records[0].verdict, Verdict::Fails);
  EXPECT_EQ(m.records[2].verdict, Verdict::Fails);
  // Ratios: eq. (15) at p = 0.65 (the worst-resolved grid point) and the dropout ratio at p = 0.5.
  const auto r = dc::ratio_rqmc(ctx, "power-test", "test_dropact/power-test", regcheck::claims::dropact_mc::Method::DropActivation, w, 0.65,
                                td::shift_ratio(0.65) * scale, 0.0, dc::rqmc_size(ctx, 13, 16));
  EXPECT_EQ(r.records[0].verdict, Verdict::Fails);
  const auto rd = dc::ratio_rqmc(ctx, "power-test", "test_dropact/power-test-dropout", regcheck::claims::dropact_mc::Method::Dropout, w, 0.5,
                                 td::dropout_shift_ratio(0.5) * scale, 0.0, dc::rqmc_size(ctx, 13, 16));
  EXPECT_EQ(rd.records[0].verdict, Verdict::Fails);
  // ... and at the true value they hold (the same calls with scale 1).
  EXPECT_EQ(dc::mean_rqmc(ctx, "power-test", w, 0.3, mu, dc::rqmc_size(ctx, 14, 17)).records[0].verdict, Verdict::Holds);
}

// The high level (ctx.power = High) resolves 1e-4 of the theory value: HOLDS (not INCONCLUSIVE)
// for the mean and ratio sub-checks at the true value, and 2e-4 errors are detected.
TEST(DropactPower, HighLevelResolves1e4) {
  namespace dc = rc_::dropact_checks;
  rc_::CheckContext ctx;
  ctx.threads = 2;
  ctx.power = rc_::CheckContext::Power::High;
  ctx.alpha_per_test = 1e-6 / std::max(1, rc_::all_claims().total_mc_tests());
  const std::vector<double> w = {0.5, -1.0, 2.0, 0.3, 1.1, -0.4, 0.9, 1.5};
  const double mu = 0.3 * 4.9 / std::sqrt(2 * std::numbers::pi);
  const auto m = dc::mean_rqmc(ctx, "power-test", w, 0.3, mu, dc::rqmc_size(ctx, 14, 17));
  EXPECT_EQ(m.records[0].verdict, Verdict::Holds) << m.records[0].detail;
  EXPECT_LE(*m.records[0].detectable_deviation, 1e-4 * mu);
  const auto mf = dc::mean_rqmc(ctx, "power-test", w, 0.3, mu * (1 + 2e-4), dc::rqmc_size(ctx, 14, 17));
  EXPECT_EQ(mf.records[0].verdict, Verdict::Fails);
  const auto r = dc::ratio_rqmc(ctx, "high", "test_dropact/high", regcheck::claims::dropact_mc::Method::DropActivation, w, 0.65,
                                td::shift_ratio(0.65), 0.0, dc::rqmc_size(ctx, 13, 16));
  EXPECT_EQ(r.records[0].verdict, Verdict::Holds) << r.records[0].detail;
  const auto e = dc::eq5_mc_point(ctx, "relu x=-1.3 p=0.95", -1.3, 0.95, true);
  EXPECT_EQ(e.front().verdict, Verdict::Holds) << e.front().detail;
}

// The whole high level (ctx.power = High, as `verify --power high`): every Monte Carlo sub-check
// of the six claims HOLDS or FAILS as registered with detectable deviation <= 1e-4 |theory|.
// Minutes on 2 cores: disabled by default, run with --gtest_also_run_disabled_tests.
TEST(DropactPower, DISABLED_HighLevelAllClaims) {
  for (const char* id : {"dropact.eq5.test-activation", "dropact.prop5_1.penalty", "dropact.prop5_1.penalty.corrected",
                         "dropact.prop5_2.mean", "dropact.prop5_2.shift-ratio", "dropact.sec5_2.vs-dropout"}) {
    const auto& reg = rc_::all_claims();
    rc_::CheckContext ctx;
    ctx.threads = 2;
    ctx.power = rc_::CheckContext::Power::High;
    ctx.alpha_per_test = 1e-6 / std::max(1, reg.total_mc_tests());
    const auto r = reg.run(*reg.find(id), ctx);
    EXPECT_EQ(r.verdict, reg.find(id)->expected) << id;
    for (const auto& c : r.checks)
      if (c.method == "monte-carlo") {
        const double rel = *c.detectable_deviation / std::abs(*c.theory);
        std::printf("%s | %s | %s | rel %.3g | %.1f s\n", id, c.name.c_str(), regcheck::sim::to_string(c.verdict).c_str(), rel,
                    r.seconds);
        EXPECT_LE(rel, 1e-4) << id << " " << c.name;
      }
  }
}

// Results are a pure function of (seed, claim, sample index): bit-identical for 1 and 2 threads.
TEST(DropactPower, BitIdenticalForOneAndTwoThreads) {
  namespace dc = rc_::dropact_checks;
  rc_::CheckContext c1, c2;
  c1.threads = 1;
  c2.threads = 2;
  const std::vector<double> w = {0.5, -1.0, 2.0, 0.3, 1.1, -0.4, 0.9, 1.5};
  const auto a = dc::ratio_rqmc(c1, "t", "test_dropact/threads", regcheck::claims::dropact_mc::Method::DropActivation, w, 0.8, 0.9, 0.0, {12, 32});
  const auto b = dc::ratio_rqmc(c2, "t", "test_dropact/threads", regcheck::claims::dropact_mc::Method::DropActivation, w, 0.8, 0.9, 0.0, {12, 32});
  EXPECT_EQ(*a.records[0].estimate, *b.records[0].estimate);
  EXPECT_EQ(*a.records[1].estimate, *b.records[1].estimate);
  const auto pa = dc::penalty_mc(c1, true, 1.0), pb = dc::penalty_mc(c2, true, 1.0);
  EXPECT_EQ(*pa.front().estimate, *pb.front().estimate);
  const auto ea = dc::eq5_mc_point(c1, "x", -1.3, 0.95, true), eb = dc::eq5_mc_point(c2, "x", -1.3, 0.95, true);
  EXPECT_EQ(*ea.front().estimate, *eb.front().estimate);
}

// The claims' Monte Carlo tables (JSON extra) are checked, not only printed: each estimate lies
// within 10 standard errors of its theory value (the t critical value at the per-test alpha with
// 31 dof is 7.5), and each theory value equals the closed form written here by hand.
TEST(DropactPower, ExtraTablesChecked) {
  const double c = 1 / std::sqrt(2 * std::numbers::pi), v = 0.5 - 1 / (2 * std::numbers::pi);
  const auto eq15 = [&](double p) { return (v * p * p - p + 1) / (1 - p / 2 - p * p / (2 * std::numbers::pi)); };
  const auto mean = run_claim("dropact.prop5_2.mean");
  ASSERT_EQ(mean.extra.at("grid").size(), 3u);
  for (const auto& row : mean.extra.at("grid")) {
    const double p = row.at("p"), th = row.at("theory"), sw = row.at("sum_w");
    EXPECT_NEAR(th, p * sw * c, 4 * eps * std::abs(sw));
    EXPECT_LE(std::abs(double(row.at("mean_train")) - th), 10 * double(row.at("se_train")));
    EXPECT_LE(std::abs(double(row.at("mean_test")) - th), 10 * double(row.at("se_test")));
  }
  const auto ratio = run_claim("dropact.prop5_2.shift-ratio");
  for (const auto& row : ratio.extra.at("monte_carlo")) {
    const double p = row.at("p"), th = row.at("theory");
    EXPECT_NEAR(th, eq15(p), 32 * eps);
    EXPECT_LE(std::abs(double(row.at("estimate")) - th), 10 * double(row.at("se")));
    EXPECT_LE(10 * double(row.at("se")), 1e-3 * th);
  }
  const auto vs = run_claim("dropact.sec5_2.vs-dropout");
  for (const auto& row : vs.extra.at("monte_carlo")) {
    const double p = row.at("p"), th = row.at("theory");
    const double closed = row.at("method") == "dropout" ? v / ((c * c + v) / p - c * c) : eq15(p);
    EXPECT_NEAR(th, closed, 32 * eps);
    EXPECT_LE(std::abs(double(row.at("estimate")) - th), 10 * double(row.at("se")));
  }
}

TEST(DropactEval, FunctionsRegistered) {
  const auto& ev = rc_::all_eval_functions();
  ASSERT_NE(ev.find("shift-ratio"), nullptr);
  ASSERT_NE(ev.find("dropout-shift-ratio"), nullptr);
  EXPECT_DOUBLE_EQ(ev.find("dropout-shift-ratio")->eval({{"p", {0.5}}}).get<double>(), td::dropout_shift_ratio(0.5));
  EXPECT_DOUBLE_EQ(ev.find("shift-ratio")->eval({{"p", {0.95}}}).get<double>(), td::shift_ratio(0.95));
}

// ---- properties (RapidCheck) ----
// eq. (4): the matrix form of eq. (3) with ReLU equals the componentwise form exactly (products
// by 0/1 and sums with zero are exact in IEEE arithmetic).
RC_GTEST_PROP(DropactProperty, Eq4ComponentwiseEqualsMatrixForm, ()) {
  const int d = *rc::gen::inRange(1, 20);
  const auto xs = *rc::gen::container<std::vector<double>>(static_cast<std::size_t>(d), rc::gen::map(rc::gen::inRange(-2000, 2000), [](int k) { return k / 100.0; }));
  const auto ps = *rc::gen::container<std::vector<bool>>(static_cast<std::size_t>(d), rc::gen::arbitrary<bool>());
  Eigen::VectorXd x(d);
  Mask P(d);
  for (int j = 0; j < d; ++j) x[j] = xs[static_cast<std::size_t>(j)], P[j] = ps[static_cast<std::size_t>(j)];
  const Eigen::VectorXd out = td::train_activation(x, P, td::relu);
  for (int j = 0; j < d; ++j) {
    RC_ASSERT(out[j] == td::train_relu_component(x[j], P[j]));
    RC_ASSERT(out[j] == (x[j] >= 0 ? x[j] : (P[j] ? 0.0 : x[j])));
  }
}

// eq. (5): exact enumeration of the masks equals the convex combination, for ReLU and tanh, within
// 4 eps (|x| + |f(x)|) (3 roundings in the closed form, long double accumulation in the sum).
RC_GTEST_PROP(DropactProperty, Eq5ExactExpectation, ()) {
  const int d = *rc::gen::inRange(1, 9);
  const double p = *rc::gen::inRange(0, 1001) / 1000.0;
  Eigen::VectorXd x(d);
  for (int j = 0; j < d; ++j) x[j] = *rc::gen::inRange(-5000, 5000) / 1000.0;
  for (const td::Activation& f : {td::Activation(td::relu), td::Activation([](double t) { return std::tanh(t); })}) {
    const Eigen::VectorXd e = td::expected_train_activation_exact(x, p, f);
    const Eigen::VectorXd c = td::test_activation(x, p, f);
    for (int j = 0; j < d; ++j) RC_ASSERT(std::abs(e[j] - c[j]) <= 4 * eps * (std::abs(x[j]) + std::abs(f(x[j]))));
  }
  for (int j = 0; j < d; ++j)
    RC_ASSERT(std::abs(td::leaky_relu(x[j], p) - td::test_activation(x, p, td::relu)[j]) <= 4 * eps * std::abs(x[j]));
}

// Corrected Property 5.1 against an Armadillo oracle: E_P loss computed by Armadillo over all masks
// equals ||W2 r_p(v) - y||^2 + ((1-p)/p) sum_j ||W2[:,j]||^2 (v_j - r_p(v_j))^2; tolerance
// 8 (n+d+m) eps (|W2||W1||x| + |y|)^2 (1 + (1-p)/p) as in claims/dropact/penalty_claims.cpp.
RC_GTEST_PROP(DropactProperty, CorrectedPenaltyMatchesArmadilloEnumeration, ()) {
  const int d = *rc::gen::inRange(1, 9), m = *rc::gen::inRange(1, 4), n = *rc::gen::inRange(1, 4);
  const double p = *rc::gen::inRange(5, 100) / 100.0;
  const auto gen = rc::gen::map(rc::gen::inRange(-300, 300), [](int k) { return k / 100.0; });
  td::OneHidden net;
  net.W1.resize(d, n);
  net.W2.resize(m, d);
  net.x.resize(n);
  net.y.resize(m);
  for (double& v : net.W1.reshaped()) v = *gen;
  for (double& v : net.W2.reshaped()) v = *gen;
  for (double& v : net.x) v = *gen;
  for (double& v : net.y) v = *gen;
  arma::mat W1(net.W1.data(), d, n), W2(net.W2.data(), m, d);
  arma::vec x(net.x.data(), n), y(net.y.data(), m);
  const arma::vec v = W1 * x;
  double lhs = 0;
  for (unsigned mask = 0; mask < (1u << d); ++mask) {
    arma::vec s(d);
    for (int j = 0; j < d; ++j) s(j) = ((mask >> j) & 1u) ? (v(j) > 0 ? v(j) : 0.0) : v(j);
    const int k = std::popcount(mask);
    lhs += std::pow(p, k) * std::pow(1 - p, d - k) * arma::accu(arma::square(W2 * s - y));
  }
  const double scale = arma::accu(arma::square(arma::abs(W2) * (arma::abs(W1) * arma::abs(x)) + arma::abs(y))) * (1 + (1 - p) / p);
  const double tol = 8.0 * (n + d + m) * eps * scale + 1e-300;
  RC_ASSERT(std::abs(lhs - td::penalty_rhs_corrected(net, p)) <= tol);
  RC_ASSERT(std::abs(lhs - td::expected_train_loss_exact(net, p)) <= tol);
  // The printed form holds whenever at most one hidden unit is negative (no cross terms).
  int negatives = 0;
  for (int j = 0; j < d; ++j) negatives += v(j) < 0;
  if (negatives <= 1) RC_ASSERT(std::abs(lhs - td::penalty_rhs_printed(net, p)) <= tol);
}

// The kernel's two draws agree with eqs. (13)-(14) computed from the same stream by hand:
// determinism per sample index (same index, same result) and the formula itself.
TEST(DropactKernel, DeterministicPerSampleIndex) {
  const std::vector<double> w = {0.3, -1.2, 2.0, 0.7, 1.1};
  const auto keep = regcheck::claims::dropact_mc::bernoulli_threshold(0.6);
  regcheck::sim::Stream a(5, 6, 42), b(5, 6, 42), c(5, 6, 43);
  const auto ta = regcheck::claims::dropact_mc::dropact_sample(a, w.data(), 5, 0.6, keep);
  const auto tb = regcheck::claims::dropact_mc::dropact_sample(b, w.data(), 5, 0.6, keep);
  const auto tc = regcheck::claims::dropact_mc::dropact_sample(c, w.data(), 5, 0.6, keep);
  EXPECT_EQ(ta.train, tb.train);
  EXPECT_EQ(ta.test, tb.test);
  EXPECT_NE(ta.test, tc.test);
}

TEST(DropactKernel, BernoulliThresholdWithin2toMinus33) {
  for (double p : {0.0, 0.05, 0.5, 0.95, 1.0}) {
    const double q = static_cast<double>(regcheck::claims::dropact_mc::bernoulli_threshold(p)) / 4294967296.0;
    EXPECT_LE(std::abs(q - p), std::ldexp(1.0, -33)) << p;
  }
  EXPECT_EQ(regcheck::claims::dropact_mc::bernoulli_threshold(1.0), 4294967296ull);  // p = 1: always kept
}

// ---- closed forms vs 50-digit references (written here independently) ----
// eq. (15): <= 28 ulp (condition-factor bound derived in claims/dropact/variance_claims.cpp).
TEST(DropactReference, ShiftRatio50Digits) {
  const BigReal pi = boost::math::constants::pi<BigReal>();
  for (int k = 0; k <= 100; ++k) {
    const double p = k / 100.0;
    const BigReal P(p);
    const BigReal num = (BigReal(1) / 2 - 1 / (2 * pi)) * P * P - P + 1;
    const BigReal den = 1 - P / 2 - P * P / (2 * pi);
    EXPECT_LE(ulp_distance(td::shift_ratio(p), num / den), 28.0) << "p=" << p;
  }
  // The printed value: 0.9377 at p = 0.95 (4 digits).
  EXPECT_NEAR(td::shift_ratio(0.95), 0.9377, 5e-5);
  EXPECT_EQ(td::shift_ratio(0.0), 1.0);
  EXPECT_NEAR(td::shift_ratio(1.0), 1.0, 4 * eps);
}

// Dropout ratio v / ((c^2 + v)/p - c^2): <= 8 ulp; and it is 1 at p = 1 and 0.4054 at p = 0.5.
TEST(DropactReference, DropoutRatio50Digits) {
  const BigReal pi = boost::math::constants::pi<BigReal>();
  const BigReal c2 = 1 / (2 * pi), v = BigReal(1) / 2 - c2;
  for (int k = 1; k <= 100; ++k) {
    const double p = k / 100.0;
    EXPECT_LE(ulp_distance(td::dropout_shift_ratio(p), v / ((c2 + v) / BigReal(p) - c2)), 8.0) << "p=" << p;
  }
  EXPECT_NEAR(td::dropout_shift_ratio(1.0), 1.0, 4 * eps);
  EXPECT_NEAR(td::dropout_shift_ratio(0.5), 0.4054, 5e-5);  // 0.405360...
}

// Var formulas of appendix 7.1 against 50-digit evaluation of E X^2 - (E X)^2 from the moments
// E x = 0, E r = 1/sqrt(2pi), E x^2 = 1, E r^2 = 1/2, E x r(x) = 1/2 (one coordinate, w = 1).
TEST(DropactReference, VariancesFromMoments) {
  const BigReal pi = boost::math::constants::pi<BigReal>();
  const BigReal Er = 1 / sqrt(2 * pi), Er2 = BigReal(1) / 2, Exr = BigReal(1) / 2;
  for (double p : {0.0, 0.25, 0.5, 0.95, 1.0}) {
    const BigReal P(p);
    // train: (1-P)x + P r with P ~ B(p): E = p Er; E^2 = (1-p) E x^2 + p E r^2 (P(1-P) = 0).
    const BigReal vtr = (1 - P) + P * Er2 - (P * Er) * (P * Er);
    const BigReal vte = (1 - P) * (1 - P) + 2 * (1 - P) * P * Exr + P * P * Er2 - (P * Er) * (P * Er);
    EXPECT_LE(std::abs(td::var_train(p, 1.0) - static_cast<double>(vtr)), 8 * eps) << p;
    EXPECT_LE(std::abs(td::var_test(p, 1.0) - static_cast<double>(vte)), 8 * eps) << p;
    EXPECT_NEAR(td::mean_x(p, 1.0), static_cast<double>(P * Er), 4 * eps);
  }
}

// The printed Property 5.1 fails on the d = 2 instance by exactly -2 p (1 - p) (cross term).
TEST(DropactPenalty, SmallestCounterexampleValues) {
  td::OneHidden net;
  net.W1 = Eigen::MatrixXd::Ones(2, 1);
  net.x = Eigen::VectorXd::Constant(1, -1.0);
  net.W2 = Eigen::MatrixXd::Ones(1, 2);
  net.y = Eigen::VectorXd::Zero(1);
  for (double p : {0.25, 0.5, 0.9}) {
    const double lhs = td::expected_train_loss_exact(net, p);
    EXPECT_NEAR(lhs, 2 * (1 - p) * (2 - p), 8 * eps);
    EXPECT_NEAR(td::penalty_rhs_printed(net, p), 4 * (1 - p), 8 * eps);
    EXPECT_NEAR(lhs - td::penalty_rhs_printed(net, p), -2 * p * (1 - p), 16 * eps);
    EXPECT_NEAR(td::penalty_rhs_corrected(net, p), lhs, 16 * eps);
  }
}

// ---- errors misuse must raise (std::invalid_argument naming the value) ----
namespace {
template <class F>
void expect_throw_mentioning(F&& f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "no exception; expected one mentioning " << needle;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}
}  // namespace

TEST(DropactErrors, ProbabilityOutOfRange) {
  expect_throw_mentioning([] { td::shift_ratio(1.5); }, "1.5");
  expect_throw_mentioning([] { td::shift_ratio(-0.25); }, "-0.25");
  expect_throw_mentioning([] { td::shift_ratio(std::nan("")); }, "nan");
  expect_throw_mentioning([] { td::dropout_shift_ratio(0.0); }, "(0, 1]");
  expect_throw_mentioning([] { td::dropout_shift_ratio(2.0); }, "2");
  expect_throw_mentioning([] { td::leaky_relu(1.0, 1.25); }, "1.25");
  expect_throw_mentioning([] { td::var_train(0.5, -1.0); }, "-1");
  expect_throw_mentioning([] { td::mean_x(0.5, INFINITY); }, "inf");
  expect_throw_mentioning([] { td::test_activation(Eigen::VectorXd::Ones(2), -0.5, td::relu); }, "-0.5");
}

TEST(DropactErrors, ShapesAndSizes) {
  expect_throw_mentioning([] { td::train_activation(Eigen::VectorXd::Ones(3), Mask::Constant(2, true), td::relu); }, "3");
  expect_throw_mentioning([] { td::expected_train_activation_exact(Eigen::VectorXd::Ones(21), 0.5, td::relu); }, "21");
  td::OneHidden net;
  net.W1 = Eigen::MatrixXd::Ones(3, 2);
  net.W2 = Eigen::MatrixXd::Ones(1, 4);
  net.x = Eigen::VectorXd::Ones(2);
  net.y = Eigen::VectorXd::Ones(1);
  expect_throw_mentioning([&] { td::penalty_rhs_printed(net, 0.5); }, "1x4");
  net.W2 = Eigen::MatrixXd::Ones(1, 3);
  expect_throw_mentioning([&] { td::penalty_rhs_corrected(net, 0.0); }, "(0, 1]");
  net.x[0] = std::nan("");
  expect_throw_mentioning([&] { td::expected_train_loss_exact(net, 0.5); }, "finite");
}

TEST(DropactErrors, RqmcChecksRejectBadWeights) {
  rc_::CheckContext ctx;
  const std::vector<double> none, many(65, 1.0);
  namespace dc = rc_::dropact_checks;
  EXPECT_THROW(dc::mean_rqmc(ctx, "e", none, 0.5, 0.0, {10, 8}), std::invalid_argument);
  EXPECT_THROW(dc::ratio_rqmc(ctx, "e", "e", regcheck::claims::dropact_mc::Method::Dropout, many, 0.5, 1.0, 0.0, {10, 8}),
               std::invalid_argument);
  try {
    dc::mean_rqmc(ctx, "e", many, 0.5, 0.0, {10, 8});
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("65"), std::string::npos);
  }
}
