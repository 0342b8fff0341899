// Tests of the Monte Carlo engine and statistics (sim/): streams, Welford, the parallel engine's
// thread invariance, and the error rates of the mean test (false-FAIL rate and power), each
// checked by a binomial count with a stated false-failure probability.
#include "sim/calibration.hpp"
#include "sim/mean_test.hpp"
#include "sim/monte_carlo.hpp"
#include "sim/rng.hpp"
#include "sim/welford.hpp"

#include <boost/math/distributions/binomial.hpp>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

using namespace regcheck::sim;

namespace {
constexpr double eps = std::numeric_limits<double>::epsilon();

// Two-pass reference: mean first, then squared deviations (exact to O(n eps) relative).
std::pair<double, double> two_pass(const std::vector<double>& x) {
  double m = 0;
  for (double v : x) m += v;
  m /= static_cast<double>(x.size());
  double ss = 0;
  for (double v : x) ss += (v - m) * (v - m);
  return {m, ss / static_cast<double>(x.size() - 1)};
}

// Upper bound k such that P(Binomial(n, p) > k) <= q: a count above it is a test failure with
// probability at most q when the rate is p.
double binomial_upper(double n, double p, double q) {
  return boost::math::quantile(boost::math::complement(boost::math::binomial_distribution<double>(n, p), q));
}
}  // namespace

TEST(Stream, SameKeyAndIndexGiveSameNumbers) {
  Stream a(7, stream_id("x"), 123), b(7, stream_id("x"), 123), c(7, stream_id("x"), 124), d(8, stream_id("x"), 123);
  for (int i = 0; i < 10; ++i) {
    const double ua = a.uniform(), ub = b.uniform(), uc = c.uniform(), ud = d.uniform();
    EXPECT_EQ(ua, ub);
    EXPECT_NE(ua, uc);
    EXPECT_NE(ua, ud);
  }
}

TEST(Stream, UniformIsInOpenUnitInterval) {
  Stream s(1, 2, 3);
  for (int i = 0; i < 100000; ++i) {
    const double u = s.uniform();
    ASSERT_GT(u, 0.0);
    ASSERT_LE(u, 1.0);
  }
}

TEST(Stream, BelowIsInRange) {
  Stream s(1, 2, 3);
  for (int i = 0; i < 10000; ++i) ASSERT_LT(s.below(7), 7u);
}

TEST(Stream, StreamIdsOfDifferentNamesDiffer) {
  EXPECT_NE(stream_id("dropact.eq5.test-activation"), stream_id("dropact.eq5.test-activation#power"));
  EXPECT_EQ(stream_id(""), 1469598103934665603ull);  // FNV-1a offset basis
}

// Normal sampler: mean 0 and variance 1 within a 1e-9 false-failure test (z = 6.1).
TEST(Stream, NormalHasUnitMomentsAtCalibratedLevel) {
  McOptions opt{11, 2, 4096};
  const std::uint64_t n = 400000;
  Welford m = run_mean("normal-mean", n, opt, [](Stream& s, std::uint64_t) { return s.normal(); });
  EXPECT_EQ(test_mean(m, 0.0, {1e-9}).verdict, Verdict::Holds);
  Welford v = run_mean("normal-var", n, opt, [](Stream& s, std::uint64_t) { double z = s.normal(); return z * z; });
  EXPECT_EQ(test_mean(v, 1.0, {1e-9}).verdict, Verdict::Holds);
  // The same test flags a variance of 1.01: detectable deviation at this n is ~0.0155 * ... check it.
  const auto r = test_mean(v, 1.0, {1e-9});
  EXPECT_LT(r.detectable_deviation, 0.03);
  EXPECT_EQ(test_mean(v, 1.0 + 2 * r.detectable_deviation, {1e-9}).verdict, Verdict::Fails);
}

// Welford against the two-pass formula on data with a large offset, where E[x^2] - E[x]^2 loses
// all digits (offset 1e8, spread <= 1: the naive form cancels 16 digits). Tolerance: the running
// mean carries an absolute rounding error e <= n eps |offset| (so does the two-pass mean: the
// two may differ by 2e; seen: 6 ulps of 1e8 at n = 113); the squared deviations then err by
// about 2 e sqrt(var) + e^2 each, so we allow 8 n eps |offset| (sqrt(var) + n eps |offset|).
RC_GTEST_PROP(Welford, MatchesTwoPassWithLargeOffset, ()) {
  const auto raw = *rc::gen::container<std::vector<int>>(*rc::gen::inRange<std::size_t>(2, 300), rc::gen::inRange(-1000000, 1000000));
  std::vector<double> x;
  for (int r : raw) x.push_back(1e8 + r * 1e-6);
  Welford w;
  for (double v : x) w.add(v);
  const auto [m, var] = two_pass(x);
  const double e = static_cast<double>(x.size()) * eps * 1e8;
  RC_ASSERT(std::abs(w.mean() - m) <= 2 * e);  // both means carry <= n eps |offset|
  RC_ASSERT(std::abs(w.variance() - var) <= 8 * e * (std::sqrt(var) + e));
}

RC_GTEST_PROP(Welford, MergeEqualsSequential, ()) {
  const auto a = *rc::gen::container<std::vector<int>>(*rc::gen::inRange<std::size_t>(1, 100), rc::gen::inRange(-1000, 1000));
  const auto b = *rc::gen::container<std::vector<int>>(*rc::gen::inRange<std::size_t>(1, 100), rc::gen::inRange(-1000, 1000));
  Welford wa, wb, all;
  for (int v : a) { wa.add(v); all.add(v); }
  for (int v : b) { wb.add(v); all.add(v); }
  wa.merge(wb);
  RC_ASSERT(wa.count() == all.count());
  RC_ASSERT(std::abs(wa.mean() - all.mean()) <= 64 * eps * 1000);
  if (all.count() > 1) RC_ASSERT(std::abs(wa.variance() - all.variance()) <= 1e-9 * std::max(1.0, all.variance()));
}

TEST(MultiWelford, CovarianceMatchesTwoPass) {
  MultiWelford<2> mw;
  std::vector<double> xs, ys;
  Stream s(3, 4, 5);
  for (int i = 0; i < 5000; ++i) {
    const double x = s.normal(), y = 0.5 * x + s.normal();
    xs.push_back(x);
    ys.push_back(y);
    mw.add(Eigen::Vector2d(x, y));
  }
  const auto [mx, vx] = two_pass(xs);
  const auto [my, vy] = two_pass(ys);
  double cxy = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) cxy += (xs[i] - mx) * (ys[i] - my);
  cxy /= static_cast<double>(xs.size() - 1);
  const Eigen::Matrix2d c = mw.covariance();
  EXPECT_NEAR(c(0, 0), vx, 1e-12);
  EXPECT_NEAR(c(1, 1), vy, 1e-12);
  EXPECT_NEAR(c(0, 1), cxy, 1e-12);
  EXPECT_NEAR(mw.component(1).variance(), vy, 1e-12);
}

// Results are a function of the seed alone: 1, 2 and 3 threads give bit-identical accumulators.
TEST(MonteCarlo, ThreadCountInvariance) {
  auto f = [](Stream& s, std::uint64_t) { return std::exp(s.normal()); };
  std::vector<Welford> r;
  for (int t : {1, 2, 3}) r.push_back(run_mean("inv", 100003, McOptions{5, t, 4096}, f));
  for (const Welford& w : r) {
    EXPECT_EQ(w.count(), 100003u);
    EXPECT_EQ(w.mean(), r[0].mean());
    EXPECT_EQ(w.variance(), r[0].variance());
  }
}

TEST(Quantiles, KnownValues) {
  // Reference: Phi^{-1}(0.975) = 1.959963984540054 (Abramowitz & Stegun table, 16 digits);
  // t_{0.975, 10} = 2.228138851986274. Boost.Math is accurate to a few ulp: tolerance 8 ulp.
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 8 * eps * 2);
  EXPECT_NEAR(student_t_quantile(0.975, 10), 2.228138851986274, 8 * eps * 3);
}

// Upper-tail quantiles at tiny tail probabilities, where quantile(1 - q) is impossible (1 - 5e-17
// rounds to 1). References: 50-digit mpmath 1.3.0 roots of erfc(z/sqrt 2)/2 = q and of
// I_{nu/(nu+t^2)}(nu/2, 1/2)/2 = q (regularized incomplete beta), solved in log space, printed
// to 18 digits. Boost.Math's complemented quantiles are accurate to a few ulp; the Student-t
// inverse goes through an iterative incomplete-beta inversion whose stopping rule allows more:
// tolerance 64 ulp of the value.
TEST(Quantiles, UpperTailAtTinyAlpha) {
  EXPECT_NEAR(normal_upper_quantile(5e-17), 8.30478542519411362, 64 * eps * 8.3);
  EXPECT_NEAR(normal_upper_quantile(5e-301), 37.0657878807721304, 64 * eps * 37.1);
  EXPECT_NEAR(normal_upper_quantile(0.025), 1.95996398454005424, 8 * eps * 2);
  EXPECT_NEAR(student_t_upper_quantile(5e-17, 10), 109.381470047873085, 64 * eps * 109.4);
  EXPECT_NEAR(student_t_upper_quantile(5e-17, 9999), 8.31933547190075896, 64 * eps * 8.3);
  EXPECT_NEAR(student_t_upper_quantile(5e-301, 9999), 38.3772309596946633, 64 * eps * 38.4);
}

// The whole mean test at alpha = 1e-16 (the case that used to throw "p must be in (0, 1), got
// 1.000000"): critical value t_{1-alpha/2} with 9 degrees of freedom (> 0), a true null HOLDS
// at infinite resolution, a far-off theory FAILS.
TEST(MeanTest, WorksAtTinyAlpha) {
  Welford w;
  for (int i = 0; i < 10; ++i) w.add(i);
  const MeanTestResult r = test_mean(w, 4.5, {1e-16});
  EXPECT_EQ(r.verdict, Verdict::Holds);
  EXPECT_GT(r.critical, 8.0);
  // At 1e-300 with 9 degrees of freedom the critical value is 5.56170398247461957e33 (mpmath, 50
  // digits, as above; the heavy t tail): 1e6 away is within it, 1e40 is not.
  EXPECT_NEAR(test_mean(w, 0, {1e-300}).critical / 5.56170398247461957e33, 1.0, 64 * eps);
  EXPECT_EQ(test_mean(w, 1e6, {1e-300}).verdict, Verdict::Holds);
  EXPECT_EQ(test_mean(w, 1e40, {1e-300}).verdict, Verdict::Fails);
  EXPECT_EQ(test_estimate(0.0, 1.0, 100, 0.5, {1e-300}).verdict, Verdict::Holds);
  const Interval ci = t_interval(w, 1e-16);
  EXPECT_LT(ci.lo, 4.5);
  EXPECT_GT(ci.hi, 4.5);
}

// False-FAIL rate of the mean test: 2000 independent tests at alpha = 0.05 on a true null.
// The rejection count is Binomial(2000, <= 0.05); exceeding its 1e-7 upper quantile would mean
// the test is anti-conservative (false failure of this check: 1e-7).
TEST(MeanTest, FalseFailRateIsAtMostAlpha) {
  const int trials = 2000;
  int rejected = 0;
  for (int k = 0; k < trials; ++k) {
    Welford w = run_samples<Welford>(stream_id("null"), static_cast<std::uint64_t>(k) * 200, 200, McOptions{9, 1, 4096},
                                     [](Stream& s, std::uint64_t) { return s.uniform(); });
    rejected += test_mean(w, 0.5, {0.05}).verdict == Verdict::Fails;
  }
  EXPECT_LE(rejected, binomial_upper(trials, 0.05, 1e-7));
  EXPECT_GT(rejected, 0);  // a test that never rejects at alpha = 0.05 is broken too (P < 1e-40)
}

// Power at the reported detectable deviation: with the truth moved by delta, the test must reject
// in >= 99% of trials; we require the count of misses to stay below the 1e-7 upper quantile of
// Binomial(1000, 0.01) (plus the tiny bias of using the sample's own delta).
TEST(MeanTest, DetectsTheReportedDeviationWithPower099) {
  const int trials = 1000;
  int missed = 0;
  for (int k = 0; k < trials; ++k) {
    auto f = [](Stream& s, std::uint64_t) { return s.normal(); };
    Welford w = run_samples<Welford>(stream_id("power"), static_cast<std::uint64_t>(k) * 500, 500, McOptions{9, 1, 4096}, f);
    const MeanTestResult r = test_mean(w, 0.0, {1e-4});
    // Truth is 0; theory placed at +delta computed from an independent run of equal size.
    Welford w2 = run_samples<Welford>(stream_id("power2"), static_cast<std::uint64_t>(k) * 500, 500, McOptions{9, 1, 4096}, f);
    missed += test_mean(w2, r.detectable_deviation, {1e-4}).verdict != Verdict::Fails;
  }
  EXPECT_LE(missed, binomial_upper(trials, 0.015, 1e-7));
}

// ---- the variants a mutant would swap (fixed values from an independent source) ----
// References: 50-digit mpmath 1.2.1 (Student t: root of 1 - I_{nu/(nu+t^2)}(nu/2, 1/2)/2 = p;
// normal: sqrt(2) erfinv(2p - 1)), printed to 20 digits; they agree with textbook t tables
// (t_{0.975,4} = 2.776, t_{0.975,9} = 2.262, t_{0.975,19} = 2.093). Tolerance 64 ulp of the
// value: Boost's t inverse stops its incomplete-beta iteration at a few ulp.
TEST(MeanTestVariants, StudentTNotNormalAtSmallN) {
  EXPECT_NEAR(student_t_upper_quantile(0.025, 4), 2.7764451051977943578, 64 * eps * 2.8);
  EXPECT_NEAR(student_t_upper_quantile(0.025, 9), 2.2621571627982055426, 64 * eps * 2.3);
  EXPECT_NEAR(student_t_upper_quantile(0.025, 19), 2.0930240544083097692, 64 * eps * 2.1);
  EXPECT_NEAR(student_t_upper_quantile(0.005, 4), 4.6040948713499932254, 64 * eps * 4.6);
  // n = 5 values 1..5: mean 3, s^2 = 10/4, se = sqrt(1/2). The test's critical value and CI are
  // Student t with n - 1 = 4 dof (normal would be 1.95996, dof n would be 2.5706).
  Welford w;
  for (int i = 1; i <= 5; ++i) w.add(i);
  const MeanTestResult r = test_mean(w, 3.0, {0.05, 0.99});
  EXPECT_NEAR(r.critical, 2.7764451051977943578, 64 * eps * 2.8);
  const Interval ci = t_interval(w, 0.05);
  EXPECT_NEAR(ci.hi - 3.0, 1.9632431614775576977, 64 * eps * 2);  // t_{0.975,4} sqrt(1/2)
  EXPECT_NEAR(3.0 - ci.lo, 1.9632431614775576977, 64 * eps * 2);
  // Detectable deviation c se, with c solving P(|Z - c U1| > t U2) = 0.99 (sim/mean_test.hpp):
  // c = 12.306374581075424 from scipy 1.10 (adaptive dblquad over the chi densities, epsrel 1e-10,
  // brentq xtol 1e-13; tests/data/detectable_multiplier.py), times se = sqrt(1/2). The classic
  // (t_{0.975,4} + t_{0.99,4}) se = 4.6127 would be detected by a replication only ~80% of the time.
  // Tolerance 1e-8 relative: the root is solved to 2^-30 and the trapezoid rule is far tighter.
  EXPECT_NEAR(r.detectable_deviation, 12.306374581075424 * std::sqrt(0.5), 1e-8 * 8.7);
  // Normal reference (test_estimate): (z_{0.975} + z_{0.99}) se with se = 1.
  EXPECT_NEAR(test_estimate(0.0, 1.0, 1'000'000, 0.0, {0.05, 0.99}).detectable_deviation, 4.2863118585808953364,
              8 * eps * 4.3);
}

// A statistic 2.2 standard errors from theory: two-sided p = erfc(2.2/sqrt 2) = 0.027806895...
// It must FAIL at alpha 0.05 and HOLD at alpha 0.025 (a one-sided test, p = 0.0139, would fail at
// 0.025 too), and HOLD at 0.0278 but FAIL at 0.0279 (the boundary is the two-sided p).
TEST(MeanTestVariants, TwoSidedNotOneSided) {
  const auto verdict = [](double alpha) { return test_estimate(2.2, 1.0, 1'000'000, 0.0, {alpha}).verdict; };
  EXPECT_EQ(verdict(0.05), Verdict::Fails);
  EXPECT_EQ(verdict(0.025), Verdict::Holds);
  EXPECT_EQ(verdict(0.0278), Verdict::Holds);
  EXPECT_EQ(verdict(0.0279), Verdict::Fails);
}

// Welford's variance has the n - 1 denominator: {2, 4, 4, 4, 5, 5, 7, 9} has mean 5 and sum of
// squared deviations 32, so s^2 = 32/7 (32/8 = 4 would be the population variance) and the
// standard error sqrt(32/7/8) = sqrt(4/7) = 0.75592894601845445443. Exact data: 4 ulp.
TEST(MeanTestVariants, WelfordUsesNMinusOne) {
  Welford w;
  for (double x : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0}) w.add(x);
  EXPECT_EQ(w.mean(), 5.0);
  EXPECT_NEAR(w.variance(), 32.0 / 7.0, 4 * eps * 4.6);
  EXPECT_NEAR(w.standard_error(), 0.75592894601845445443, 4 * eps);
}

// ---- binomial statistics of the checker (sim/calibration.hpp) ----
// Limits from exact rational sums (Python fractions): for Binomial(k, 0.01), P(X > c) <= 1e-6
// first at c = 7 for k = 54 (P(X > 6) = 1.17e-6), c = 8 for k = 100 (P(X > 7) = 8.2e-6),
// c = 19 for k = 500 (P(X > 18) = 1.16e-6).
TEST(Calibration, BinomialUpperLimitExact) {
  EXPECT_EQ(binomial_upper_limit(54, 0.01, 1e-6), 7u);
  EXPECT_EQ(binomial_upper_limit(100, 0.01, 1e-6), 8u);
  EXPECT_EQ(binomial_upper_limit(500, 0.01, 1e-6), 19u);
  EXPECT_EQ(binomial_upper_limit(0, 0.01, 1e-6), 0u);
}

// Clopper-Pearson bounds are beta quantiles: lo = B^{-1}(a/2; x, n-x+1), hi = B^{-1}(1-a/2; x+1,
// n-x). References from SciPy 1.10 beta.ppf (double; agrees with published tables, e.g. 5/10 at
// 95%: [0.1871, 0.8129]); 0 events: hi = 1 - (a/2)^(1/n). Tolerance 1e-12 relative: both sides
// invert the incomplete beta iteratively.
TEST(Calibration, ClopperPearsonKnownValues) {
  const RateInterval a = clopper_pearson(5, 10, 0.05);
  EXPECT_NEAR(a.lo, 0.18708602844739855, 1e-12);
  EXPECT_NEAR(a.hi, 0.8129139715526015, 1e-12);
  const RateInterval b = clopper_pearson(0, 10, 0.05);
  EXPECT_EQ(b.lo, 0.0);
  EXPECT_NEAR(b.hi, 1 - std::pow(0.025, 0.1), 1e-12);
  const RateInterval c = clopper_pearson(60, 800, 1e-3);
  EXPECT_NEAR(c.lo, 0.04781170952858876, 1e-12);
  EXPECT_NEAR(c.hi, 0.11039226466318347, 1e-12);
}

// Sizes to catch a 2x error at level 1e-3 with power 0.99. An independent SciPy/NumPy
// implementation (exact binomial sum over the outcomes whose Clopper-Pearson interval, from
// beta.ppf, excludes p0; same search grid: step max(1, n/64), kept up to 2n in steps n/32) gives
// n = 853 for 0.05 vs 0.10 and n = 387 for 0.10 vs 0.20; the probability at 800 is 0.98299 (too
// few) and at 400 for the 0.10 case 0.99121.
TEST(Calibration, TrialsToCatchADoubledRate) {
  EXPECT_NEAR(prob_excludes(800, 0.10, 0.05, 1e-3), 0.9829929840300681, 1e-9);
  EXPECT_NEAR(prob_excludes(400, 0.20, 0.10, 1e-3), 0.9912108549953391, 1e-9);
  const std::uint64_t na = trials_to_detect(0.05, 2, 1e-3, 0.99), np = trials_to_detect(0.10, 2, 1e-3, 0.99);
  EXPECT_EQ(na, 853u);
  EXPECT_EQ(np, 387u);
  EXPECT_GE(prob_excludes(na, 0.10, 0.05, 1e-3), 0.99);
}

TEST(MeanTest, ResolutionMakesUnderpoweredChecksInconclusive) {
  Welford w;
  for (int i = 0; i < 10; ++i) w.add(i);
  EXPECT_EQ(test_mean(w, 4.5, {1e-6, 0.99, 1e-3}).verdict, Verdict::Inconclusive);
  EXPECT_EQ(test_mean(w, 4.5, {1e-6, 0.99, 1e3}).verdict, Verdict::Holds);
}

// ---- errors that must be raised ----
TEST(SimErrors, BadArgumentsThrow) {
  EXPECT_THROW(normal_quantile(1.5), std::invalid_argument);
  EXPECT_THROW(normal_quantile(std::nan("")), std::invalid_argument);
  EXPECT_THROW(student_t_quantile(0.5, 0), std::invalid_argument);
  EXPECT_THROW(normal_upper_quantile(0.0), std::invalid_argument);
  EXPECT_THROW(normal_upper_quantile(1.0), std::invalid_argument);
  EXPECT_THROW(student_t_upper_quantile(std::nan(""), 3), std::invalid_argument);
  EXPECT_THROW(student_t_upper_quantile(0.1, -1), std::invalid_argument);
  Welford one;
  one.add(1);
  EXPECT_THROW(test_mean(one, 0, {}), std::invalid_argument);
  Welford two;
  two.add(1);
  two.add(2);
  EXPECT_THROW(test_mean(two, 0, {0.0}), std::invalid_argument);
  EXPECT_THROW(test_mean(two, 0, {1.5}), std::invalid_argument);
  EXPECT_THROW(run_mean("x", 10, McOptions{1, 0, 4096}, [](Stream& s, std::uint64_t) { return 0.0; }), std::invalid_argument);
  EXPECT_THROW(parse_verdict("MAYBE"), std::invalid_argument);
  EXPECT_THROW(test_mean(two, 0, {0.05, 1.0}), std::invalid_argument);  // power must be in (0, 1)
  EXPECT_THROW(binomial_upper_limit(10, 1.5, 1e-6), std::invalid_argument);
  EXPECT_THROW(binomial_upper_limit(10, 0.01, 0.0), std::invalid_argument);
  EXPECT_THROW(clopper_pearson(11, 10, 0.05), std::invalid_argument);
  EXPECT_THROW(clopper_pearson(0, 0, 0.05), std::invalid_argument);
  EXPECT_THROW(clopper_pearson(1, 10, 1.0), std::invalid_argument);
  EXPECT_THROW(trials_to_detect(0.6, 2, 1e-3, 0.99), std::invalid_argument);  // 2 x 0.6 > 1
  EXPECT_THROW(trials_to_detect(0.05, 1, 1e-3, 0.99), std::invalid_argument);
}

// The detectable-deviation multiplier against an independent computation (scipy 1.10: adaptive
// dblquad over the two chi densities, brentq; tests/data/detectable_multiplier.py), and the
// property it is defined by, by simulation: an independent replication of R = 64 normal replicate
// means, tested against theory + c se_hat, misses with probability 0.01. 20000 trials: the miss
// count is Binomial(20000, 0.01) (mean 200, sd 14.1); accepted in [120, 290], whose probability
// under the nominal rate exceeds 1 - 1e-9 (normal tails at 5.7 and 6.4 sd). The classic multiplier
// (t + t_power) misses 4.4% (880 of 20000) and fails it; so does a miss rate of 1.5% (300 expected).
TEST(MeanTestVariants, DetectableMultiplierMatchesScipyAndItsDefinition) {
  EXPECT_NEAR(detectable_multiplier(student_t_upper_quantile(0.025, 4), 0.99, 4), 12.306374581075424, 1e-8 * 12.3);
  EXPECT_NEAR(detectable_multiplier(student_t_upper_quantile(0.5e-8, 63), 0.99, 63), 9.993287960590074, 1e-8 * 10);
  EXPECT_NEAR(detectable_multiplier(student_t_upper_quantile(0.5e-4, 499), 0.99, 499), 6.313168945341589, 1e-8 * 6.3);
  // Large dof: the known-se multiplier z_{1-alpha/2} + z_power.
  EXPECT_NEAR(detectable_multiplier(5.0, 0.99, 2e5), 5.0 + 2.3263478740408408, 1e-12);
  const int R = 64, trials = 20000;
  const double alpha = 1e-8;
  int missed = 0;
  for (int k = 0; k < trials; ++k) {
    auto f = [](Stream& s, std::uint64_t) { return s.normal(); };
    const Welford w1 = run_samples<Welford>(stream_id("mult1"), static_cast<std::uint64_t>(k) * R, R, McOptions{11, 1, 4096}, f);
    const Welford w2 = run_samples<Welford>(stream_id("mult2"), static_cast<std::uint64_t>(k) * R, R, McOptions{11, 1, 4096}, f);
    const MeanTestResult r = test_mean(w1, 0.0, {alpha});
    missed += test_mean(w2, r.detectable_deviation, {alpha}).verdict != Verdict::Fails;
  }
  EXPECT_GE(missed, 120);
  EXPECT_LE(missed, 290);
}

TEST(MeanTestVariants, DetectableMultiplierRejectsMisuse) {
  EXPECT_THROW(detectable_multiplier(0.0, 0.99, 10), std::invalid_argument);
  EXPECT_THROW(detectable_multiplier(2.0, 1.0, 10), std::invalid_argument);
  EXPECT_THROW(detectable_multiplier(2.0, 0.99, 0.5), std::invalid_argument);
}
