// Regularizers of the trainer (nets/regularize/): gradient terms, prox steps, values, per-layer mu,
// and the gradient-coherent schedules of gcsr.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "nets/regularize/gcsr.hpp"
#include "nets/regularize/regularizer.hpp"
#include "sim/rng.hpp"
#include "theory/prox.hpp"

using namespace regcheck;
using namespace regcheck::nets;
using namespace regcheck::nets::regularize;

namespace {

Mat<double> random_mat(int r, int c, std::uint64_t i, double scale = 1.0) {
  sim::Stream s(2024, sim::stream_id("test_nets_regularize"), i);
  Mat<double> m(r, c);
  for (int a = 0; a < r; ++a)
    for (int b = 0; b < c; ++b) m(a, b) = scale * s.normal();
  return m;
}

Param<double> weight(Mat<double> v, int layer) {
  Param<double> p;
  p.name = "w" + std::to_string(layer);
  p.value = std::move(v);
  p.grad = Mat<double>::Zero(p.value.rows(), p.value.cols());
  p.is_weight = true;
  p.layer = layer;
  return p;
}

Param<double> bias(int n, int layer) {
  Param<double> p;
  p.name = "b" + std::to_string(layer);
  p.value = Mat<double>::Constant(n, 1, 0.3);
  p.grad = Mat<double>::Constant(n, 1, 0.1);
  p.layer = layer;
  return p;
}

// Prox objective F(x) = 0.5 ||x - y||^2 + t Omega(x) for one weight matrix (Omega from the
// regularizer's value function).
double prox_objective(const Regularizer<double>& reg, const Mat<double>& x, const Mat<double>& y, double t) {
  auto p = weight(x, 0);
  return 0.5 * (x - y).squaredNorm() + t * reg.omega({&p});
}

// x is the global minimizer of a convex F iff no perturbation decreases F; we probe random
// directions at scales 1e-6..1, coordinate moves, and zeroing each entry and each row. The
// tolerance 1e-12 covers rounding of F (values O(10), ~1e3 ulps).
void expect_prox_optimal(const Regularizer<double>& reg, const Mat<double>& x, const Mat<double>& y, double t,
                         std::uint64_t seed) {
  const double f0 = prox_objective(reg, x, y, t);
  auto probe = [&](const Mat<double>& z, const std::string& what) {
    EXPECT_GE(prox_objective(reg, z, y, t), f0 - 1e-12) << what << "\nx =\n" << x << "\ny =\n" << y;
  };
  for (int k = 0; k < 200; ++k) {
    const double scale = std::pow(10.0, -6.0 + 6.0 * (k % 7) / 6.0);
    probe(x + random_mat(x.rows(), x.cols(), seed * 1000 + k, scale), "random direction " + std::to_string(k));
  }
  for (Eigen::Index i = 0; i < x.size(); ++i)
    for (double h : {1e-5, -1e-5, 1e-2, -1e-2}) {
      Mat<double> z = x;
      z.data()[i] += h;
      probe(z, "coordinate " + std::to_string(i));
    }
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    Mat<double> z = x;
    z.data()[i] = 0;
    probe(z, "zero entry " + std::to_string(i));
  }
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    Mat<double> z = x;
    z.row(r).setZero();
    probe(z, "zero row " + std::to_string(r));
  }
}

}  // namespace

// ---- Values (lambda Omega) by hand -----------------------------------------------------------------

TEST(RegularizerValue, EachKindByHand) {
  Mat<double> W(2, 2);
  W << 3, -4, 0, 1;  // rows: ||(3,-4)||_2 = 5, ||(0,1)||_2 = 1; ||W||_1 = 8; ||W||_F^2 = 26
  auto w = weight(W, 0);
  auto b = bias(2, 0);
  std::vector<Param<double>*> ps{&w, &b};  // the bias (0.3, 0.3) must never count
  const double s2 = std::sqrt(2.0);
  auto val = [&](RegularizerOptions o) { return Regularizer<double>(o).value(ps); };
  EXPECT_DOUBLE_EQ(val({.kind = Kind::None, .lambda = 2}), 0.0);
  EXPECT_DOUBLE_EQ(val({.kind = Kind::L2, .lambda = 2}), 52.0);
  EXPECT_DOUBLE_EQ(val({.kind = Kind::L1, .lambda = 2}), 16.0);
  // rho_1(x) = 2|x| / (1 + |x|): 6/4 + 8/5 + 0 + 2/2.
  EXPECT_DOUBLE_EQ(val({.kind = Kind::TL1, .lambda = 2, .a = 1}), 2 * (1.5 + 1.6 + 1.0));
  EXPECT_DOUBLE_EQ(val({.kind = Kind::GroupLasso, .lambda = 2}), 2 * s2 * 6);
  EXPECT_DOUBLE_EQ(val({.kind = Kind::SparseGroupLasso, .lambda = 2, .mu = {0.25}}), 2 * (0.25 * 8 + 0.75 * s2 * 6));
  // CGES: (1 - mu) (5 + 1) + (mu / 2) (7^2 + 1^2).
  EXPECT_DOUBLE_EQ(val({.kind = Kind::CGES, .lambda = 2, .mu = {0.25}}), 2 * (0.75 * 6 + 0.125 * 50));
  EXPECT_DOUBLE_EQ(val({.kind = Kind::IntegratedTL1, .lambda = 2, .a = 1, .mu = {0.25}}), 2 * (0.25 * 4.1 + 0.75 * s2 * 6));
}

// ---- L2 gradient term ------------------------------------------------------------------------------

TEST(L2, AddsTwoLambdaWToWeightGradientsOnly) {
  auto w = weight(random_mat(3, 4, 1), 0);
  w.grad = random_mat(3, 4, 2);
  const Mat<double> g0 = w.grad;
  auto b = bias(3, 0);
  Regularizer<double> reg({.kind = Kind::L2, .lambda = 0.05});
  reg.add_gradient({&w, &b});
  EXPECT_TRUE(w.grad.isApprox(g0 + 0.1 * w.value, 1e-15));  // d(lambda ||w||^2)/dw = 2 lambda w
  EXPECT_EQ(b.grad, Mat<double>::Constant(3, 1, 0.1));
  // Matches the finite difference of value(): central difference, error O(h^2) = 0 for a quadratic.
  const double h = 1e-4;
  auto wp = w, wm = w;
  wp.value(1, 2) += h;
  wm.value(1, 2) -= h;
  const double fd = (reg.value({&wp}) - reg.value({&wm})) / (2 * h);
  EXPECT_NEAR(fd, 2 * 0.05 * w.value(1, 2), 1e-10);
  reg.prox({&w, &b}, 0.1);  // L2 has no prox step
  EXPECT_EQ(b.value, Mat<double>::Constant(3, 1, 0.3));
}

// ---- Prox steps: exact prox of lr lambda Omega (convex kinds), eq. 22 composition (TL1 kinds) ------

TEST(Prox, ConvexKindsReachTheExactProx) {
  const double lr = 0.5, lambda = 0.6, t = lr * lambda;
  struct Case {
    RegularizerOptions opt;
    const char* name;
  };
  const std::vector<Case> cases{{{.kind = Kind::L1, .lambda = lambda}, "L1"},
                                {{.kind = Kind::GroupLasso, .lambda = lambda}, "group lasso"},
                                {{.kind = Kind::SparseGroupLasso, .lambda = lambda, .mu = {0.4}}, "sparse group lasso"},
                                {{.kind = Kind::CGES, .lambda = lambda, .mu = {1.0}, .exact_exclusive_prox = true}, "exclusive (exact)"},
                                {{.kind = Kind::CGES, .lambda = lambda, .mu = {0.0}}, "CGES group part"}};
  for (std::size_t c = 0; c < cases.size(); ++c)
    for (std::uint64_t trial = 0; trial < 4; ++trial) {
      SCOPED_TRACE(cases[c].name);
      const Mat<double> y = random_mat(3, 5, 100 + 10 * c + trial);
      auto w = weight(y, 0);
      Regularizer<double> reg(cases[c].opt);
      reg.prox({&w}, lr);
      expect_prox_optimal(reg, w.value, y, t, 7 + trial);
    }
}

TEST(Prox, SparseGroupLassoOrderMattersOnlyOneWayIsExact) {
  // The exact SGL prox is soft threshold then group prox. The reverse order is not the prox: find
  // an instance where it leaves a higher prox objective (shows the test above can fail).
  const double t = 0.5, mu = 0.5;
  Regularizer<double> reg({.kind = Kind::SparseGroupLasso, .lambda = 1.0, .mu = {mu}});
  bool found = false;
  for (std::uint64_t i = 0; i < 50 && !found; ++i) {
    const Mat<double> y = random_mat(1, 4, 300 + i);
    auto w = weight(y, 0);
    reg.prox({&w}, t);
    Mat<double> rev = y;
    group_prox_rows_inplace(rev, t * (1 - mu) * 2.0);  // sqrt(|g|) = 2
    soft_threshold_inplace(rev, t * mu);
    found = prox_objective(reg, rev, y, t) > prox_objective(reg, w.value, y, t) + 1e-9;
  }
  EXPECT_TRUE(found);
}

TEST(Prox, ElementwiseTl1ProxIsTheGlobalMinimizer) {
  // rho_a is nonconvex but separable: per entry, compare with a brute-force grid minimum of
  // 0.5 (x - y)^2 + t rho_a(x) (grid step 1e-4 on [-|y|-1, |y|+1]; the grid minimum exceeds the
  // true one by at most ~0.5 * 1e-8 * max curvature, so 1e-7 slack).
  for (double a : {0.5, 1.0, 3.0}) {
    const double lr = 0.1, lambda = 5.0, t = lr * lambda;
    const Mat<double> y = random_mat(4, 4, 500 + static_cast<int>(a * 10), 1.5);
    auto w = weight(y, 0);
    Regularizer<double> reg({.kind = Kind::TL1, .lambda = lambda, .a = a});
    reg.prox({&w}, lr);
    for (Eigen::Index i = 0; i < y.size(); ++i) {
      const double yi = y.data()[i], xi = w.value.data()[i];
      // rho_a written out here (not theory::tl1_penalty) so the oracle is independent and fast.
      auto F = [&](double x) { return 0.5 * (x - yi) * (x - yi) + t * (a + 1) * std::abs(x) / (a + std::abs(x)); };
      double best = INFINITY;
      for (double x = -std::abs(yi) - 1; x <= std::abs(yi) + 1; x += 1e-4) best = std::min(best, F(x));
      best = std::min(best, F(0.0));
      EXPECT_LE(F(xi), best + 1e-7) << "a = " << a << ", y = " << yi << ", x = " << xi;
    }
  }
}

TEST(Prox, IntegratedTl1IsGroupProxThenTl1ProxEq22) {
  const double lr = 0.2, lambda = 0.5, a = 1.0, mu = 0.3, t = lr * lambda;
  const Mat<double> y = random_mat(4, 9, 600);
  auto w = weight(y, 0);
  Regularizer<double> reg({.kind = Kind::IntegratedTL1, .lambda = lambda, .a = a, .mu = {mu}});
  reg.prox({&w}, lr);
  // By hand from theory/prox.hpp: row g -> max(0, 1 - tau/||g||) g with tau = t (1 - mu) sqrt(9),
  // then each entry -> tl1_prox(., t mu, a).
  for (Eigen::Index r = 0; r < 4; ++r) {
    const double n = y.row(r).norm(), tau = t * (1 - mu) * 3.0;
    for (Eigen::Index c = 0; c < 9; ++c) {
      const double g = n <= tau ? 0.0 : y(r, c) * (1 - tau / n);
      EXPECT_NEAR(w.value(r, c), theory::tl1_prox(g, t * mu, a), 1e-15);
    }
  }
}

TEST(Prox, CgesOneStepRuleShrinksAtLeastAsMuchAsTheExactExclusiveProx) {
  const double lr = 0.1, lambda = 1.0;
  const Mat<double> y = random_mat(3, 6, 700);
  auto paper = weight(y, 0), exact = weight(y, 0);
  Regularizer<double>({.kind = Kind::CGES, .lambda = lambda, .mu = {1.0}}).prox({&paper}, lr);
  Regularizer<double>({.kind = Kind::CGES, .lambda = lambda, .mu = {1.0}, .exact_exclusive_prox = true}).prox({&exact}, lr);
  for (Eigen::Index r = 0; r < 3; ++r) {
    const double th = lr * lambda * y.row(r).lpNorm<1>();  // CGES: tau ||w_g||_1 before the update
    for (Eigen::Index c = 0; c < 6; ++c) {
      EXPECT_EQ(paper.value(r, c), theory::soft_threshold(y(r, c), th));
      EXPECT_LE(std::abs(paper.value(r, c)), std::abs(exact.value(r, c)));
    }
    EXPECT_GT(exact.value.row(r).lpNorm<1>(), 0.0);  // the exclusive lasso never empties a group
  }
  EXPECT_NE(paper.value, exact.value);
}

TEST(Prox, BiasesAreNeverTouchedAndLambdaZeroIsIdentity) {
  for (Kind k : {Kind::L1, Kind::TL1, Kind::GroupLasso, Kind::SparseGroupLasso, Kind::CGES, Kind::IntegratedTL1}) {
    auto w = weight(random_mat(3, 3, 800), 0);
    auto b = bias(3, 0);
    b.value = Mat<double>::Constant(3, 1, 1e-3);  // tiny: any threshold would zero it
    const Mat<double> w0 = w.value;
    Regularizer<double> reg({.kind = k, .lambda = 1.0});
    reg.prox({&w, &b}, 1.0, 0.0);
    EXPECT_EQ(w.value, w0) << to_string(k);
    reg.prox({&w, &b}, 1.0);
    EXPECT_EQ(b.value, Mat<double>::Constant(3, 1, 1e-3)) << to_string(k);
    EXPECT_NE(w.value, w0) << to_string(k);
  }
}

TEST(Prox, FloatParamsMatchDoubleToFloatRounding) {
  const Mat<double> y = random_mat(4, 5, 900);
  auto wd = weight(y, 0);
  Param<float> wf;
  wf.value = y.cast<float>();
  wf.grad = Mat<float>::Zero(4, 5);
  wf.is_weight = true;
  wf.layer = 0;
  RegularizerOptions o{.kind = Kind::IntegratedTL1, .lambda = 0.3, .mu = {0.5}};
  Regularizer<double>(o).prox({&wd}, 1.0);
  Regularizer<float>(o).prox({&wf}, 1.0);
  // Inputs differ by float rounding (2^-24 relative) and the group norm is taken in float; the
  // prox maps are Lipschitz with constant <= 1 away from the TL1 jump, so a few float ulps.
  for (Eigen::Index i = 0; i < y.size(); ++i) EXPECT_NEAR(wf.value.data()[i], wd.value.data()[i], 1e-6);
}

// ---- Per-layer mu ---------------------------------------------------------------------------------

TEST(PerLayerMu, KthWeightLayerGetsMuK) {
  const double lr = 0.5, lambda = 0.4, t = lr * lambda;
  auto w0 = weight(random_mat(3, 4, 1000), 0), w2 = weight(random_mat(2, 3, 1001), 2);
  auto b0 = bias(3, 0);
  const Mat<double> y0 = w0.value, y2 = w2.value;
  const std::vector<double> mu = mu_linear(2, 0.2, 0.8);
  ASSERT_EQ(mu, (std::vector<double>{0.2, 0.8}));
  Regularizer<double> reg({.kind = Kind::SparseGroupLasso, .lambda = lambda, .mu = mu});
  EXPECT_TRUE(std::isnan(reg.layer_mu({&w0, &b0, &w2})[1]));
  EXPECT_EQ(reg.layer_mu({&w0, &b0, &w2})[2], 0.8);
  reg.prox({&w0, &b0, &w2}, lr);
  auto manual = [&](Mat<double> y, double m) {
    soft_threshold_inplace(y, t * m);
    group_prox_rows_inplace(y, t * (1 - m) * std::sqrt(static_cast<double>(y.cols())));
    return y;
  };
  EXPECT_TRUE(w0.value.isApprox(manual(y0, 0.2), 1e-15));
  EXPECT_TRUE(w2.value.isApprox(manual(y2, 0.8), 1e-15));
  EXPECT_FALSE(w2.value.isApprox(manual(y2, 0.2), 1e-6));  // the test distinguishes the layers
  // Value: lambda (sum over layers of that layer's mu-weighted Omega).
  Regularizer<double> one0({.kind = Kind::SparseGroupLasso, .lambda = lambda, .mu = {0.2}});
  Regularizer<double> one2({.kind = Kind::SparseGroupLasso, .lambda = lambda, .mu = {0.8}});
  auto a0 = weight(y0, 0), a2 = weight(y2, 2);
  EXPECT_NEAR(reg.value({&a0, &a2}), one0.value({&a0}) + one2.value({&a2}), 1e-13);
  const auto m4 = mu_linear(4, 0.0, 0.6);
  ASSERT_EQ(m4.size(), 4u);
  for (int l = 0; l < 4; ++l) EXPECT_NEAR(m4[l], 0.2 * l, 1e-15);  // one rounding of 0.6 * l / 3
}

// ---- gcsr: delayed and gated schedules ------------------------------------------------------------

TEST(Gcsr, DelayedScheduleEq11) {
  const GcsrOptions o{.mode = GcsrMode::Delayed, .gamma = 5};
  const theory::gcsr::Coherence none;
  for (int e = 0; e < 5; ++e) EXPECT_EQ(gcsr_lambda(o, 0.01, e, none), 0.0) << e;
  for (int e : {5, 6, 100}) EXPECT_EQ(gcsr_lambda(o, 0.01, e, none), 0.01) << e;
  EXPECT_EQ(gcsr_lambda({.mode = GcsrMode::Always}, 0.01, 0, none), 0.01);
}

TEST(Gcsr, CoherenceOnWeightGradientsAndGateEq8) {
  // Weights w = (1, -1, 0.5, 2), g = (0.1, 0.3, 0, -1); lambda = 0.1, L2 (dOmega = 2w):
  // g + lambda 2w = (0.3, 0.1, -, -0.6): all 3 used entries keep their sign -> pi = 1.
  // lambda = 1: (2.1, -1.7, -, 3): entries 2 and 4 flip -> pi = 1/3.
  Mat<double> W(2, 2), G(2, 2);
  W << 1, 0.5, -1, 2;  // column-major storage: (1, -1, 0.5, 2)
  G << 0.1, 0, 0.3, -1;
  auto w = weight(W, 0);
  w.grad = G;
  auto b = bias(2, 0);
  b.grad << -5, 5;  // bias gradients would change n and pi if counted
  b.value << 100, -100;
  std::vector<Param<double>*> ps{&w, &b};
  const auto c1 = coherence_rate(ps, 0.1, theory::gcsr::Penalty::L2);
  EXPECT_EQ(c1.n_used, 3u);
  EXPECT_EQ(c1.pi, 1.0);
  const auto c2 = coherence_rate(ps, 1.0, theory::gcsr::Penalty::L2);
  EXPECT_DOUBLE_EQ(c2.pi, 1.0 / 3.0);
  // L1 (dOmega = sign w), lambda = 0.2: (0.3, 0.1, -, -0.8) -> coherent; lambda = 0.5:
  // (0.6, -0.2, -, -0.5): entry 2 flips -> 2/3.
  EXPECT_EQ(coherence_rate(ps, 0.2, theory::gcsr::Penalty::L1).pi, 1.0);
  EXPECT_DOUBLE_EQ(coherence_rate(ps, 0.5, theory::gcsr::Penalty::L1).pi, 2.0 / 3.0);
  const GcsrOptions gate{.mode = GcsrMode::Gated, .mu = 0.5};
  EXPECT_EQ(gcsr_lambda(gate, 1.0, 0, c1), 1.0);
  EXPECT_EQ(gcsr_lambda(gate, 1.0, 0, c2), 0.0);  // pi = 1/3 <= mu
  theory::gcsr::Coherence at_mu{.pi = 0.5, .n_used = 4, .status = theory::gcsr::CoherenceStatus::Ok};
  EXPECT_EQ(gcsr_lambda(gate, 1.0, 0, at_mu), 0.0);  // strict: pi > mu
  // No nonzero gradient: not regularized.
  w.grad.setZero();
  const auto c0 = coherence_rate(ps, 1.0, theory::gcsr::Penalty::L2);
  EXPECT_EQ(c0.status, theory::gcsr::CoherenceStatus::NoGradient);
  EXPECT_EQ(gcsr_lambda({.mode = GcsrMode::Gated, .mu = 0.0}, 1.0, 0, c0), 0.0);
}

TEST(Gcsr, GatedL1ProxStepSkipsIncoherentSteps) {
  // A full step as the trainer does it: pi from the loss gradient, lambda_t from the gate, SGD step,
  // then the L1 prox with lr lambda_t.
  auto w = weight(random_mat(4, 4, 1100), 0);
  w.grad = random_mat(4, 4, 1101, 1e-3);  // tiny gradients: strong L1 flips ~half their signs
  Regularizer<double> reg({.kind = Kind::L1, .lambda = 1.0});
  const auto pi = coherence_rate<double>({&w}, reg.lambda(), theory::gcsr::Penalty::L1);
  ASSERT_LE(pi.pi, 0.9);
  const double lam = gcsr_lambda({.mode = GcsrMode::Gated, .mu = 0.9}, reg.lambda(), 0, pi);
  EXPECT_EQ(lam, 0.0);
  const Mat<double> before = w.value;
  reg.prox({&w}, 0.1, lam);
  EXPECT_EQ(w.value, before);
}

// ---- Errors that must be raised --------------------------------------------------------------------

namespace {
template <class F>
void expect_invalid(F f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "no exception, expected one naming '" << needle << "'";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}
}  // namespace

TEST(RegularizeErrors, BadOptionsAndInputs) {
  expect_invalid([] { Regularizer<double>({.kind = Kind::L1, .lambda = -1}); }, "lambda must be finite and >= 0, got -1");
  expect_invalid([] { Regularizer<double>({.kind = Kind::TL1, .lambda = 1, .a = 0}); }, "a must be finite and > 0, got 0");
  expect_invalid([] { Regularizer<double>({.kind = Kind::CGES, .mu = {1.5}}); }, "mu values must be in [0, 1], got 1.5");
  expect_invalid([] { Regularizer<double>({.kind = Kind::CGES, .mu = {}}); }, "mu must not be empty");
  auto w0 = weight(random_mat(2, 2, 1), 0), w1 = weight(random_mat(2, 2, 2), 1), w2 = weight(random_mat(2, 2, 3), 2);
  Regularizer<double> reg({.kind = Kind::IntegratedTL1, .lambda = 1, .mu = {0.1, 0.9}});
  expect_invalid([&] { reg.prox({&w0, &w1, &w2}, 0.1); }, "one per weight layer (3), got 2");
  expect_invalid([&] { reg.prox({&w0, &w1}, -0.1); }, "lr must be finite and >= 0, got -0.1");
  expect_invalid([&] { reg.add_gradient({&w0}, NAN); }, "lambda must be finite");
  w0.value(0, 0) = NAN;
  expect_invalid([&] { Regularizer<double>({.kind = Kind::L1, .lambda = 1}).prox({&w0}, 0.1); }, "must be finite");
  expect_invalid([] { kind_from_string("l3"); }, "unknown regularizer 'l3'");
  expect_invalid([] { gcsr_mode_from_string("sometimes"); }, "unknown gcsr mode 'sometimes'");
  expect_invalid([] { mu_linear(0, 0, 1); }, "layers must be >= 1, got 0");
  expect_invalid([] { exclusive_threshold(Eigen::VectorXd::Ones(3), -1.0); }, "tau must be finite and >= 0, got -1");
  const theory::gcsr::Coherence c;
  expect_invalid([&] { gcsr_lambda({.mode = GcsrMode::Gated, .mu = 1.0}, 1.0, 0, c); }, "mu must be in [0, 1), got 1");
  expect_invalid([&] { gcsr_lambda({}, -1.0, 0, c); }, "lambda must be finite and >= 0, got -1");
  expect_invalid([&] { gcsr_lambda({}, 1.0, -2, c); }, "epoch must be >= 0, got -2");
  auto bad = weight(random_mat(2, 2, 4), 0);
  bad.grad.resize(1, 1);
  expect_invalid([&] { coherence_rate<double>({&bad}, 1.0, theory::gcsr::Penalty::L2); }, "grad of 'w0' has 1 entries");
}
