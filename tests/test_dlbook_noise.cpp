// Tests of the dlbook noise group (Deep Learning ch. 7, sections 7.6-7.13): theory/dlbook_noise.hpp
// against 50-digit references (Boost.Multiprecision), Armadillo (LAPACK) as the matrix oracle,
// finite differences for the network derivatives, RapidCheck properties; every claim of the group
// run through the registry with a fixed seed; and, at the end, the errors misuse must raise.
#include "claims/core/registry.hpp"
#include "theory/dlbook_noise.hpp"

#include <armadillo>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <limits>
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

void expect_claim(const std::string& id) {
  const claims::Claim* c = claims::all_claims().find(id);
  ASSERT_NE(c, nullptr) << id;
  const claims::ClaimResult r = run_claim(id);
  EXPECT_EQ(r.verdict, c->expected) << id << " got " << sim::to_string(r.verdict) << "\n" << claims::to_json(r).dump(1);
  EXPECT_EQ(count_mc_tests(r), c->mc_tests) << id << ": registered mc_tests must equal the tests performed";
  ASSERT_FALSE(r.checks.empty());
  for (const auto& rec : r.checks)
    if (rec.method == "power-self-test") {
      EXPECT_EQ(rec.verdict, sim::Verdict::Holds) << id << ": " << rec.name << " not detected";
    }
  if (r.verdict == sim::Verdict::Fails) {
    EXPECT_FALSE(r.counterexample.empty()) << id;
    EXPECT_FALSE(c->finding.empty()) << id;
  }
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

TEST(DlbookNoiseClaims, InputNoiseFailsAsPrinted) { expect_claim("dlbook.7_6_1.input-noise"); }
TEST(DlbookNoiseClaims, InputNoiseCorrectedHolds) { expect_claim("dlbook.7_6_1.input-noise.corrected"); }
TEST(DlbookNoiseClaims, WeightNoiseFailsAsPrinted) { expect_claim("dlbook.7_6_2.weight-noise"); }
TEST(DlbookNoiseClaims, WeightNoiseCorrectedHolds) { expect_claim("dlbook.7_6_2.weight-noise.corrected"); }
TEST(DlbookNoiseClaims, EarlyStopping) { expect_claim("dlbook.7_7.early-stopping"); }
TEST(DlbookNoiseClaims, EnsembleMse) { expect_claim("dlbook.7_10.ensemble-mse"); }
TEST(DlbookNoiseClaims, Bootstrap) { expect_claim("dlbook.7_10.bootstrap"); }
TEST(DlbookNoiseClaims, WeightScaling) { expect_claim("dlbook.7_11.weight-scaling"); }
TEST(DlbookNoiseClaims, LinearAdversarial) { expect_claim("dlbook.7_13.linear-adversarial"); }

// The printed noise claims fail for the stated reason: the exact linear part holds, the quartic
// counterexample and the Monte Carlo slope both reject the printed first-order term, and the
// Monte Carlo estimate agrees with the corrected term.
TEST(DlbookNoiseClaims, InputNoiseFailureIsTheMissingResidualTerm) {
  const auto r = run_claim("dlbook.7_6_1.input-noise");
  ASSERT_GE(r.checks.size(), 3u);
  EXPECT_EQ(r.checks[0].verdict, sim::Verdict::Holds) << r.checks[0].name;  // linear: nu ||w||^2 exactly
  EXPECT_EQ(r.checks[1].verdict, sim::Verdict::Fails) << r.checks[1].name;  // quartic: slope 6, printed 4
  EXPECT_NEAR(*r.checks[1].estimate, 6.0, 1e-11);
  EXPECT_EQ(r.checks[2].verdict, sim::Verdict::Fails) << r.checks[2].name;
  const double exact = r.extra["tanh_instance"]["slope_exact"];
  const double lo = r.extra["tanh_instance"]["mc_ci"][0], hi = r.extra["tanh_instance"]["mc_ci"][1];
  EXPECT_LE(lo, exact);
  EXPECT_GE(hi, exact);
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
  EXPECT_EQ(dl::noise_slope_exact(4.0, 0.0, 2.0), 4.0);  // residual 0: printed form exact to first order
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
}
