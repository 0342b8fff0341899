// Tests of the tl1 theory (theory/prox.hpp TL1 and group prox, theory/tl1.hpp) and of the tl1
// claims: verdicts through the registry, properties (RapidCheck), 50-digit reference values in
// ULPs, Armadillo as the independent oracle for the group norms, and the errors that must be raised.
#include "claims/core/registry.hpp"
#include "claims/tl1/numerics.hpp"
#include "theory/tl1.hpp"

#include <armadillo>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <limits>
#include <string>

using namespace regcheck;
using regcheck::claims::tl1num::mp;

namespace {
constexpr double eps = std::numeric_limits<double>::epsilon();

claims::ClaimResult run_claim(const std::string& id, std::uint64_t seed = 12345) {
  const auto& reg = claims::all_claims();
  const claims::Claim* c = reg.find(id);
  EXPECT_NE(c, nullptr) << id;
  claims::CheckContext ctx;
  ctx.seed = seed;
  ctx.threads = 2;
  return reg.run(*c, ctx);
}

// The verdict is fixed here per ID (not read from the registry, whose `expected` field could be
// wrong), and the registry must agree with it.
void expect_verdict(const std::string& id, claims::Verdict verdict) {
  const auto r = run_claim(id);
  const claims::Claim* c = claims::all_claims().find(id);
  ASSERT_NE(c, nullptr) << id;
  EXPECT_EQ(r.verdict, verdict) << id << ": " << claims::to_json(r).dump(1).substr(0, 4000);
  EXPECT_EQ(c->expected, verdict) << "registered expected verdict of " << id;
  EXPECT_FALSE(r.checks.empty());
  EXPECT_EQ(c->mc_tests, 0) << "tl1 checks are exact/property checks: no hypothesis tests";
}

// Random parameters spanning both regimes: a in [1e-2, 1e2], lambda / lambda_crit in [1e-2, 1e2].
struct P {
  double y, lambda, a;
};
rc::Gen<P> gen_params() {
  return rc::gen::map(rc::gen::tuple(rc::gen::inRange(0, 1000000), rc::gen::inRange(0, 1000000), rc::gen::inRange(0, 1000000),
                                     rc::gen::arbitrary<bool>()),
                      [](std::tuple<int, int, int, bool> t) {
                        const double ua = std::get<0>(t) / 1e6, ul = std::get<1>(t) / 1e6, uy = std::get<2>(t) / 1e6;
                        const double a = std::pow(10.0, -2.0 + 4.0 * ua);
                        const double lambda = a * a / (2 * (a + 1)) * std::pow(10.0, -2.0 + 4.0 * ul);
                        const double y = 3.0 * theory::tl1_threshold(lambda, a) * uy;
                        return P{std::get<3>(t) ? -y : y, lambda, a};
                      });
}
}  // namespace

// ---- claim verdicts -------------------------------------------------------------------------
// The brute-force searches must reach the global minimum for any seed, not only the default:
// these seeds once made eq22 INCONCLUSIVE (a compass search trapped on a TL1 kink at x_i = 0 or
// in the wrong basin of an orthant) and are kept as regressions.
TEST(Tl1Claims, BruteForceResolvesFormerlyTrappedSeeds) {
  for (std::uint64_t seed : {57u, 105u, 113u}) {
    for (const char* id : {"tl1.eq22.composition", "tl1.eq23.group-prox"}) {
      const auto r = run_claim(id, seed);
      EXPECT_EQ(r.verdict, claims::Verdict::Holds) << id << " seed " << seed << ": " << claims::to_json(r).dump(1).substr(0, 3000);
    }
  }
}

TEST(Tl1Claims, Eq14Limits) { expect_verdict("tl1.eq14.limits", claims::Verdict::Holds); }
TEST(Tl1Claims, Eq36Prox) { expect_verdict("tl1.eq36.prox", claims::Verdict::Holds); }
TEST(Tl1Claims, Eq36Regimes) { expect_verdict("tl1.eq36.regimes", claims::Verdict::Holds); }
TEST(Tl1Claims, Eq23GroupProx) { expect_verdict("tl1.eq23.group-prox", claims::Verdict::Holds); }
TEST(Tl1Claims, Eq22CompositionReportsAllFourOrders) {
  expect_verdict("tl1.eq22.composition", claims::Verdict::Holds);
  const auto r = run_claim("tl1.eq22.composition");
  const auto& c = r.extra.at("compositions");
  ASSERT_EQ(c.size(), 4u);
  EXPECT_TRUE(c.at("A").at("exact").get<bool>());  // L1 then group (sparse group lasso order): exact
  // group then L1, TL1 then group, group then TL1: not exact, each with a counterexample.
  for (const char* k : {"B", "C", "D"}) {
    EXPECT_FALSE(c.at(k).at("exact").get<bool>()) << k;
    EXPECT_GT(c.at(k).at("max_gap").get<double>(), 1e-6) << k;
    EXPECT_TRUE(c.at(k).contains("smallest_counterexample")) << k;
  }
}
// Hand case in 2-D, v = (4, 5), alpha = beta = 1, F(x) = 0.5||x - v||^2 + ||x||_1 + ||x||_2.
// L1 then group: soft(v, 1) = (3, 4), norm 5, times 1 - 1/5: (2.4, 3.2), F = 0.5 (1.6^2 + 1.8^2) + 5.6
// + 4 = 12.5 (the minimum: the sparse-group-lasso prox is exact). Group then L1: c = 1 - 1/sqrt(41),
// (4c - 1, 5c - 1), F - 12.5 = 6.09858400242932...e-4 (50-digit decimal arithmetic by hand script).
TEST(Tl1Composition, HandCaseL1GroupOrders) {
  Eigen::VectorXd v(2);
  v << 4.0, 5.0;
  const auto soft = [](const Eigen::VectorXd& x, double t) {
    Eigen::VectorXd o(x.size());
    for (Eigen::Index i = 0; i < x.size(); ++i) o[i] = theory::soft_threshold(x[i], t);
    return o;
  };
  const auto F = [&](const Eigen::VectorXd& x) { return 0.5 * (x - v).squaredNorm() + x.lpNorm<1>() + x.norm(); };
  const Eigen::VectorXd xa = theory::group_prox(soft(v, 1.0), 1.0), xb = soft(theory::group_prox(v, 1.0), 1.0);
  // A few roundings of O(1) values (a norm, a division, a product): 4 ulps of the entries.
  EXPECT_NEAR(xa[0], 2.4, 4 * eps * 2.4);
  EXPECT_NEAR(xa[1], 3.2, 4 * eps * 3.2);
  EXPECT_NEAR(xb[0], 2.3753049524455757379, 8 * eps * 2.4);
  EXPECT_NEAR(xb[1], 3.2191311905569696724, 8 * eps * 3.2);
  // F sums terms <= 16: 32 eps of absolute rounding on F; the gap keeps ~1e-11 relative accuracy.
  EXPECT_NEAR(F(xa), 12.5, 32 * eps * 16);
  EXPECT_NEAR(F(xb) - F(xa), 6.09858400242932e-4, 64 * eps * 16);
}
TEST(Tl1Claims, ResultsDoNotDependOnThreads) {
  const auto& reg = claims::all_claims();
  claims::CheckContext c1, c2;
  c1.seed = c2.seed = 99;
  c1.threads = 1;
  c2.threads = 2;
  const auto r1 = reg.run(*reg.find("tl1.eq36.prox"), c1), r2 = reg.run(*reg.find("tl1.eq36.prox"), c2);
  ASSERT_EQ(r1.checks.size(), r2.checks.size());
  for (std::size_t i = 0; i < r1.checks.size(); ++i) EXPECT_EQ(r1.checks[i].max_error, r2.checks[i].max_error);
}

// ---- the checks can fail: a wrong threshold is caught by the brute-force comparison --------------
TEST(Tl1Power, WrongThresholdIsCaughtByBruteForce) {
  // Use t' = 1.05 t (a plausible misprint). At y just above t the 0 it returns is not optimal.
  const double lambda = 0.05, a = 1.0;  // subcritical: lambda_crit = 0.25
  const double t = theory::tl1_threshold(lambda, a);
  const double y = 1.04 * t;  // wrongly thresholded to 0 by t'
  auto f = [&](double x) { return theory::tl1::prox_objective(x, y, lambda, a); };
  const auto b = claims::tl1num::brute_min_1d(f, -y - 1, y + 1, 2000, 3, {0.0});
  EXPECT_GT(f(0.0) - b.f, 1e3 * 8 * eps * 0.5 * y * y);
  EXPECT_NEAR(f(theory::tl1_prox(y, lambda, a)), b.f, 8 * eps * y * y);
}

// ---- 50-digit reference values ----------------------------------------------------------------
// Tolerance: the stable form's error budget, 24 (1 + kappa) ulps (see claims/tl1/prox_claims.cpp);
// kappa is the root's condition number.
TEST(Tl1Reference, ProxAgainst50Digits) {
  for (double a : {1e-3, 0.5, 2.0, 1e4, 1e7}) {
    for (double fl : {0.3, 0.99, 1.01, 7.0}) {
      const double lambda = fl * a * a / (2 * (a + 1));
      const double t = theory::tl1_threshold(lambda, a);
      for (double r : {1e-9, 1e-3, 0.5, 3.0}) {
        const double y = t * (1 + r);
        const auto ref = claims::tl1num::prox_ref(y, lambda, a);
        const double x = theory::tl1_prox(y, lambda, a);
        const double kappa = theory::tl1::prox_condition(static_cast<double>(ref.x), y, lambda, a);
        EXPECT_LE(claims::tl1num::ulp_error(x, ref.x), 24 * (1 + kappa))
            << "y=" << y << " lambda=" << lambda << " a=" << a << " ref=" << ref.x.str(20);
      }
    }
  }
}
TEST(Tl1Reference, WellConditionedPointsWithinFewUlps) {
  // Far from the threshold (kappa ~ 1-3) the error is a few ulps, even for a = 1e6, where the
  // printed arccos form loses ~a/|x| ulps.
  const double a = 1e6, lambda = 1.0, y = 2.5;
  const auto ref = claims::tl1num::prox_ref(y, lambda, a);
  const double kappa = theory::tl1::prox_condition(static_cast<double>(ref.x), y, lambda, a);
  ASSERT_LT(kappa, 5.0);
  EXPECT_LE(claims::tl1num::ulp_error(theory::tl1_prox(y, lambda, a), ref.x), 24 * (1 + kappa));
  EXPECT_GT(claims::tl1num::ulp_error(theory::tl1::prox_branch_printed(y, lambda, a), ref.x), 24 * (1 + kappa))
      << "the printed form is expected to lose accuracy here (documents the fix)";
}
TEST(Tl1Reference, ThresholdValues) {
  // lambda = 1, a = 1: supercritical (lambda_crit = 1/4), t = sqrt(4) - 1/2 = 1.5 exactly.
  EXPECT_EQ(theory::tl1_threshold(1.0, 1.0), 1.5);
  // lambda = 0.1, a = 1: subcritical, t = 0.2 (two roundings: <= 1 ulp).
  EXPECT_NEAR(theory::tl1_threshold(0.1, 1.0), 0.2, 2 * eps * 0.2);
  // lambda = 0.2, a = 1: still subcritical (0.2 <= 1/4) but above a^2/(2(a + 2)) = 1/6, the band
  // where a boundary misplaced to a + 2 would give sqrt(0.8) - 1/2 = 0.3944: t = 0.2 * 2 = 0.4.
  EXPECT_NEAR(theory::tl1_threshold(0.2, 1.0), 0.4, 2 * eps * 0.4);
  // Jump at lambda = 1, a = 1: sqrt(2 * 1 * 2) - 1 = 1 exactly; 50-digit check of the branch.
  const double g = theory::tl1_prox_branch(1.5, 1.0, 1.0);
  const double kappa = theory::tl1::prox_condition(g, 1.5, 1.0, 1.0);
  EXPECT_LE(claims::tl1num::ulp_error(g, mp(1)), 27 * (1 + kappa));
}
TEST(Tl1Reference, PenaltyAgainst50Digits) {
  for (double a : {1e-6, 0.3, 1.0, 50.0, 1e9})
    for (double x : {-7.5, -1e-5, 0.25, 1.0, 3e4}) {
      const mp ref = claims::tl1num::rho_mp(mp(x), mp(a));
      // 4 roundings: relative <= 4u / (1 - 4u) ~ 2 eps.
      EXPECT_LE(static_cast<double>(abs(mp(theory::tl1_penalty(x, a)) - ref) / ref), 2.0000001 * eps) << x << " " << a;
    }
}

// ---- properties ------------------------------------------------------------------------------
RC_GTEST_PROP(Tl1Prop, ProxOddShrinkingSameSign, ()) {
  const P p = *gen_params();
  const double x = theory::tl1_prox(p.y, p.lambda, p.a);
  RC_ASSERT(theory::tl1_prox(-p.y, p.lambda, p.a) == -x);
  RC_ASSERT(std::abs(x) <= std::abs(p.y));
  RC_ASSERT(x == 0 || std::signbit(x) == std::signbit(p.y));
  RC_ASSERT((x == 0) == (std::abs(p.y) <= theory::tl1_threshold(p.lambda, p.a)));
}
RC_GTEST_PROP(Tl1Prop, ProxStationary, ()) {
  // y beyond the threshold by construction (a generated y is mostly inside it, where x = 0).
  P p = *gen_params();
  p.y = std::copysign(theory::tl1_threshold(p.lambda, p.a) * (1 + 1e-9) + std::abs(p.y), p.y);
  const double x = theory::tl1_prox(p.y, p.lambda, p.a);
  RC_ASSERT(x != 0.0);
  const double u = p.a + std::abs(x);
  const double D = p.lambda * p.a * (p.a + 1) / (u * u);
  const double da = std::abs(p.lambda * p.a * (2 * p.a * std::abs(x) + std::abs(x) - p.a)) / (u * u * u);
  // Root error 24 (1 + kappa) ulps times |h'|, plus the residual's own ~3 roundings.
  RC_ASSERT(std::abs(x - p.y + std::copysign(D, x)) <= 32 * eps * (std::abs(x) + std::abs(p.y) + D + da));
}
RC_GTEST_PROP(Tl1Prop, ProxIsGlobalMinimizer, ()) {
  const P p = *gen_params();
  const double x = theory::tl1_prox(p.y, p.lambda, p.a);
  auto f = [&](double z) { return theory::tl1::prox_objective(z, p.y, p.lambda, p.a); };
  const double ay = std::abs(p.y);
  const auto b = claims::tl1num::brute_min_1d(f, -2 * ay - 1e-300, 2 * ay + 1e-300, 1000, 3, {0.0});
  const double scale = 0.5 * p.y * p.y + 0.5 * (x - p.y) * (x - p.y) + p.lambda * theory::tl1_penalty(x, p.a);
  RC_ASSERT(f(x) - b.f <= 8 * eps * scale);
}
RC_GTEST_PROP(Tl1Prop, ProxMonotone, ()) {
  const P p = *gen_params();
  const P q = *gen_params();
  // Same (lambda, a), two points.
  const double y1 = std::min(p.y, q.y * p.lambda / q.lambda), y2 = std::max(p.y, q.y * p.lambda / q.lambda);
  const double x1 = theory::tl1_prox(y1, p.lambda, p.a), x2 = theory::tl1_prox(y2, p.lambda, p.a);
  auto tol = [&](double y, double x) {
    return x == 0 ? 0.0 : 24 * (1 + theory::tl1::prox_condition(x, y, p.lambda, p.a)) * eps * std::abs(x);
  };
  RC_ASSERT(x1 <= x2 + tol(y1, x1) + tol(y2, x2));
}
RC_GTEST_PROP(Tl1Prop, PenaltyLimits, ()) {
  const double x = *rc::gen::inRange(-100000, 100000) / 1000.0;
  const int k = *rc::gen::inRange(1, 12);
  const double big = std::pow(10.0, k), small = std::pow(10.0, -k);
  const double ax = std::abs(x);
  // a -> inf: |rho - |x|| = |x||1-|x||/(a+|x|) <= |x||1-|x||/a; double rounding ~2 eps rho.
  RC_ASSERT(std::abs(theory::tl1_penalty(x, big) - ax) <= ax * std::abs(1 - ax) / big + 4 * eps * (ax + 1));
  // a -> 0: |rho - 1{x != 0}| <= a ||x|-1| / |x|.
  if (x != 0)
    RC_ASSERT(std::abs(theory::tl1_penalty(x, small) - 1.0) <= small * std::abs(ax - 1) / ax + 4 * eps);
  else
    RC_ASSERT(theory::tl1_penalty(x, small) == 0.0);
}
RC_GTEST_PROP(Tl1Prop, GroupProxOptimality, ()) {
  const int d = *rc::gen::inRange(1, 30);
  const auto raw = *rc::gen::container<std::vector<int>>(d, rc::gen::inRange(-100000, 100000));
  Eigen::VectorXd v(d);
  for (int i = 0; i < d; ++i) v[i] = raw[i] / 1e4;
  const double tau = *rc::gen::inRange(0, 200000) / 1e4;
  const Eigen::VectorXd x = theory::group_prox(v, tau);
  if (v.norm() <= tau) {
    RC_ASSERT(x.norm() == 0.0);
  } else {
    RC_ASSERT(x.norm() > 0.0);
    RC_ASSERT((x - v + tau * x / x.norm()).norm() <= (d + 8) * eps * (v.norm() + tau));
  }
}
RC_GTEST_PROP(Tl1Prop, IntegratedRegularizerMatchesArmadillo, ()) {
  const int m = *rc::gen::inRange(1, 8), n = *rc::gen::inRange(1, 8);
  const auto raw = *rc::gen::container<std::vector<int>>(m * n, rc::gen::inRange(-30000, 30000));
  Eigen::MatrixXd W(m, n);
  arma::mat A(m, n);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) W(i, j) = A(i, j) = raw[i * n + j] / 1e4;
  const double lambda = *rc::gen::inRange(0, 1000) / 100.0, mu = *rc::gen::inRange(0, 100) / 100.0;
  const double a = std::pow(10.0, *rc::gen::inRange(-20, 20) / 10.0);
  // Oracle: Armadillo row norms (LAPACK-style scaled 2-norm) and an elementwise TL1 sum.
  double tl1 = 0, group = 0;
  for (int i = 0; i < m; ++i) {
    group += arma::norm(A.row(i), 2);
    for (int j = 0; j < n; ++j) tl1 += (a + 1) * std::abs(A(i, j)) / (a + std::abs(A(i, j)));
  }
  const double expected = lambda * (mu * tl1 + (1 - mu) * std::sqrt(double(n)) * group);
  // Sums of m n positive terms: relative error <= (m n + 8) eps.
  RC_ASSERT(std::abs(theory::tl1::integrated_regularizer(W, lambda, mu, a) - expected) <= (m * n + 8) * eps * expected + 1e-300);
}
TEST(Tl1Theory, IntegratedRegularizerSpecialCases) {
  Eigen::MatrixXd W(2, 3);
  W << 3, 4, 0, 0, 0, 0;  // row 1 norm 5, row 2 zero
  // mu = 0: lambda sqrt(3) * 5.
  EXPECT_NEAR(theory::tl1::integrated_regularizer(W, 2.0, 0.0, 1.0), 2.0 * std::sqrt(3.0) * 5.0, 4 * eps * 20);
  // mu = 1, a = 1: rho_1(3) = 6/4, rho_1(4) = 8/5.
  EXPECT_NEAR(theory::tl1::integrated_regularizer(W, 1.0, 1.0, 1.0), 1.5 + 1.6, 4 * eps * 4);
}
TEST(Tl1Eval, FunctionsAreRegistered) {
  const auto& ev = claims::all_eval_functions();
  ASSERT_NE(ev.find("tl1-prox"), nullptr);
  ASSERT_NE(ev.find("tl1-threshold"), nullptr);
  ASSERT_NE(ev.find("group-prox"), nullptr);
  EXPECT_EQ(ev.find("tl1-threshold")->eval({{"lambda", {1.0}}, {"a", {1.0}}}).get<double>(), 1.5);
  EXPECT_EQ(ev.find("tl1-prox")->eval({{"y", {1.0}}, {"lambda", {1.0}}, {"a", {1.0}}}).get<double>(), 0.0);
  const auto g = ev.find("group-prox")->eval({{"v", {3.0, 4.0}}, {"tau", {2.5}}}).get<std::vector<double>>();
  ASSERT_EQ(g.size(), 2u);
  EXPECT_NEAR(g[0], 1.5, 4 * eps);
  EXPECT_NEAR(g[1], 2.0, 4 * eps);
}

// ---- errors that must be raised ----------------------------------------------------------------
template <class F>
void expect_invalid(F f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "no exception; expected one naming " << needle;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}
TEST(Tl1Errors, BadInputsThrow) {
  expect_invalid([] { theory::tl1_penalty(1.0, 0.0); }, "a must be finite and > 0, got 0");
  expect_invalid([] { theory::tl1_penalty(1.0, -2.0); }, "got -2");
  expect_invalid([] { theory::tl1_penalty(NAN, 1.0); }, "x must be finite");
  expect_invalid([] { theory::tl1_threshold(-1.0, 1.0); }, "lambda must be finite and >= 0, got -1");
  expect_invalid([] { theory::tl1_threshold(1.0, NAN); }, "a must be finite");
  expect_invalid([] { theory::tl1_prox(NAN, 1.0, 1.0); }, "y must be finite");
  expect_invalid([] { theory::tl1_prox(1.0, -0.5, 1.0); }, "got -0.5");
  expect_invalid([] { theory::tl1_prox(1.0, 1.0, 0.0); }, "a must be finite and > 0");
  expect_invalid([] { theory::group_prox(Eigen::Vector2d(1, 2), -1.0); }, "tau must be finite and >= 0, got -1");
  expect_invalid([] { theory::group_prox(Eigen::Vector2d(1, NAN), 1.0); }, "v must be finite");
  expect_invalid([] { theory::tl1::integrated_regularizer(Eigen::MatrixXd::Ones(2, 2), 1.0, 1.5, 1.0); }, "mu must be in [0, 1], got 1.5");
  expect_invalid([] { theory::tl1::integrated_regularizer(Eigen::MatrixXd::Ones(2, 2), -1.0, 0.5, 1.0); }, "lambda");
  expect_invalid([] { theory::tl1::integrated_regularizer(Eigen::MatrixXd::Ones(2, 2), 1.0, 0.5, 0.0); }, "a must be");
  expect_invalid([] { theory::tl1::prox_objective(0.0, NAN, 1.0, 1.0); }, "y must be finite");
  const auto* f = claims::all_eval_functions().find("tl1-prox");
  ASSERT_NE(f, nullptr);
  expect_invalid([&] { f->eval({{"y", {1.0}}, {"lambda", {1.0}}, {"a", {-1.0}}}); }, "got -1");
}
