// dlbook claims, noise group (Deep Learning ch. 7, sections 7.6-7.13): see claims/dlbook/claims.cpp
// and claims/CATALOG.md. Closed forms live in theory/dlbook_noise.hpp; this file holds the
// independent numerics they are checked against (Gauss-Hermite quadrature, simulated gradient
// descent, mask enumeration, vertex enumeration, Monte Carlo).
// The exact polynomial-model checks are in claims/dlbook/noise_polynomial.cpp; helpers:
// claims/dlbook/noise_helpers.hpp. Registered in the order of claims/dlbook/claims.cpp.
#include "claims/core/mc_check.hpp"
#include "claims/core/registry.hpp"
#include "claims/dlbook/noise_helpers.hpp"
#include "claims/dlbook/noise_polynomial.hpp"
#include "claims/gcsr/rqmc_points.hpp"
#include "sim/rng.hpp"
#include "theory/dlbook_noise.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace regcheck::claims::dlbook {

namespace {

// ---- 7.6: noise at the input and at the weights -------------------------------------------------

// A hand example of the first-order term of 7.17 / 7.22 with its Hessian term: y^(x) = x^2 (input
// noise) or y^(x; w) = (w x)^2 (weight noise), one example x = 1, y = 0, w = 1. Both give
// E(1 + e)^4 = 1 + 6 nu + 3 nu^2 for e ~ N(0, nu): slope 6 = ||grad y^||^2 + (y^ - y) tr Hessian
// = 4 + 1 * 2 (the reduced form ||grad y^||^2 = 4 alone would miss 2). The exact slope is read off
// the quadratic J~(nu) = J + A nu + B nu^2 through its values at nu = 1 and nu = 2 (computed by the
// exact 3-point rule): A = 2 (J~(1) - J) - (J~(2) - J) / 2.
struct QuarticCase {
  double J = 1, Jt1 = 0, Jt2 = 0, slope = 0;
  double formula = 0;  // dl::noise_slope_exact(4, 1, 2) = 6
};
QuarticCase quartic_case() {
  QuarticCase q;
  auto loss = [](double e) { return std::pow(1.0 + e, 4); };  // (y^(1 + e) - 0)^2 = (1 + e)^4
  q.Jt1 = gauss3_expectation(1.0, loss);
  q.Jt2 = gauss3_expectation(2.0, loss);
  q.slope = 2.0 * (q.Jt1 - q.J) - (q.Jt2 - q.J) / 2.0;
  q.formula = dl::noise_slope_exact(4.0, 1.0, 2.0);
  return q;
}
// Tolerance of the quartic slope: the nodes 1 +- sqrt(3 nu) (nu <= 2) are < 3.5, their 4th powers
// < 150, each with relative error <= 6 eps (sqrt, add, pow); the combination multiplies by <= 2.
// 64 eps * 150 covers it with a factor > 3 to spare.
constexpr double kQuarticTol = 64 * kEps * 150;

// Exact check of the linear case of 7.17: E_eps (w^T (x + eps) + b - y)^2 = J + nu ||w||^2,
// LHS by the exact 2-point tensor rule over 2^d nodes (the integrand is quadratic in eps).
CheckRecord linear_input_noise_exact(const CheckContext& ctx, const std::string& id) {
  WorstError worst;
  for (int i = 0; i < 24; ++i) {
    sim::Stream rng(ctx.seed, sim::stream_id(id + "/instances"), static_cast<std::uint64_t>(i));
    const int d = 1 + i % 8, m = 5;
    const double nu = std::array<double, 3>{1e-3, 0.1, 1.0}[static_cast<std::size_t>(i % 3)];
    const VectorXd w = normals(rng, d);
    const double b = rng.normal();
    double lhs = 0, clean = 0, scale = 0;
    for (int k = 0; k < m; ++k) {
      const VectorXd x = normals(rng, d);
      const double y = rng.normal();
      lhs += gauss2_expectation(d, nu, [&](const VectorXd& e) {
        const double r = w.dot(x + e) + b - y;
        return r * r;
      });
      const double r0 = w.dot(x) + b - y;
      clean += r0 * r0;
      const double s = w.cwiseAbs().dot(x.cwiseAbs()) + std::abs(b) + std::abs(y) + std::sqrt(nu) * w.lpNorm<1>();
      scale = std::max(scale, s * s);
    }
    lhs /= m;
    clean /= m;
    const double rhs = clean + dl::linear_input_noise_excess(w, nu);
    // Each residual sums d + 3 terms bounded by sqrt(scale): relative error (d + 3) eps, doubled by
    // squaring; the 2^d-term node sum and the m-term data sum add (2^d + m) eps relative (positive
    // terms). Factor 4 for the right-hand side's own roundings.
    const double tol = 4.0 * (2.0 * (d + 3) + std::ldexp(1.0, d) + m) * kEps * scale;
    worst.add(std::abs(lhs - rhs), tol, fmt::format("d={} nu={} lhs={:.17g} rhs={:.17g}", d, nu, lhs, rhs));
  }
  return worst.record("linear model: E(w^T(x+eps)+b-y)^2 = J + nu||w||^2 (2-point Gauss-Hermite, 2^d nodes, 24 instances)");
}

// Same for weight noise on linear regression: E ((w + e)^T x + b - y)^2 = J + eta ||x||^2 for every
// (w, b): the excess does not depend on the parameters (checked at 3 parameter vectors per dataset).
CheckRecord linear_weight_noise_exact(const CheckContext& ctx, const std::string& id) {
  WorstError worst;
  for (int i = 0; i < 24; ++i) {
    sim::Stream rng(ctx.seed, sim::stream_id(id + "/instances"), static_cast<std::uint64_t>(i));
    const int d = 1 + i % 8, m = 5;
    const double eta = std::array<double, 3>{1e-3, 0.1, 1.0}[static_cast<std::size_t>(i % 3)];
    std::vector<VectorXd> xs;
    std::vector<double> ys;
    double mean_sq_x = 0;
    for (int k = 0; k < m; ++k) {
      xs.push_back(normals(rng, d));
      ys.push_back(rng.normal());
      mean_sq_x += dl::linear_weight_noise_excess(xs.back(), eta) / m;
    }
    for (int rep = 0; rep < 3; ++rep) {
      const VectorXd w = 3.0 * normals(rng, d);
      const double b = rng.normal();
      double lhs = 0, clean = 0, scale = 0;
      for (int k = 0; k < m; ++k) {
        const VectorXd& x = xs[static_cast<std::size_t>(k)];
        const double y = ys[static_cast<std::size_t>(k)];
        lhs += gauss2_expectation(d, eta, [&](const VectorXd& e) {
          const double r = (w + e).dot(x) + b - y;
          return r * r;
        });
        const double r0 = w.dot(x) + b - y;
        clean += r0 * r0;
        const double s = (w.cwiseAbs() + VectorXd::Constant(d, std::sqrt(eta))).dot(x.cwiseAbs()) + std::abs(b) + std::abs(y);
        scale = std::max(scale, s * s);
      }
      lhs /= m;
      clean /= m;
      const double excess = lhs - clean;
      // Same error budget as the input-noise case; the excess is a difference of two such sums.
      const double tol = 8.0 * (2.0 * (d + 3) + std::ldexp(1.0, d) + m) * kEps * scale;
      worst.add(std::abs(excess - mean_sq_x), tol,
                fmt::format("d={} eta={} params#{} excess={:.17g} eta E||x||^2={:.17g}", d, eta, rep, excess, mean_sq_x));
    }
  }
  return worst.record("linear regression: excess = eta E||x||^2 at 3 parameter vectors per dataset (2-point Gauss-Hermite, 24 datasets)");
}

// The nonlinear instance of the Monte Carlo checks: a tanh net (d = 3 inputs, h = 4 hidden units)
// and m = 6 examples. The targets are y_i = y^(x_i) - s_i u_i, u_i ~ U(0.5, 1.5), with s_i the sign of
// the relevant Hessian trace, so (y^ - y) tr(Hessian) = |tr| u_i > 0 at every example: a model
// away from E[y|x] (as during training) whose extra term is bounded away from 0 whatever the seed.
struct NoiseInstance {
  dl::TanhNet net;
  std::vector<VectorXd> x;
  std::vector<double> y;
  double slope_printed = 0, slope_exact = 0;
};
NoiseInstance make_noise_instance(const CheckContext& ctx, const std::string& stream, bool weights) {
  sim::Stream rng(ctx.seed, sim::stream_id(stream), 0);
  const int d = 3, h = 4, m = 6;
  NoiseInstance in;
  in.net.W = MatrixXd(h, d);
  for (int j = 0; j < h * d; ++j) in.net.W.data()[j] = rng.normal();
  in.net.b = normals(rng, h);
  in.net.a = normals(rng, h);
  in.net.c = 0;
  for (int k = 0; k < m; ++k) {
    const VectorXd x = normals(rng, d);
    const double tr = weights ? in.net.hessian_trace_weights(x) : in.net.laplacian_x(x);
    const double u = 0.5 + rng.uniform();
    const double y = in.net.value(x) - (tr >= 0 ? 1.0 : -1.0) * u;
    const double g2 = weights ? in.net.grad_weights_sq_norm(x) : in.net.grad_x(x).squaredNorm();
    in.slope_printed += dl::noise_slope_printed(g2) / m;
    in.slope_exact += dl::noise_slope_exact(g2, in.net.value(x) - y, tr) / m;
    in.x.push_back(x);
    in.y.push_back(y);
  }
  return in;
}

// Monte Carlo statistic with mean d/dnu E[loss(theta + sqrt(nu) z)] at nu = 0, up to O(nu^2):
// D(nu) = [L(s z) + L(-s z) - 2 L(0)] / (2 nu), s = sqrt(nu), has mean (J~(nu) - J) / nu = S1 + a nu
// + O(nu^2) and finite variance as nu -> 0 (antithetic pair: the O(s) terms cancel exactly);
// R = 2 D(nu) - D(2 nu) (Richardson) removes the a nu term. At nu = 1e-3 the remainder is
// O(1e-6) times 6th derivatives of O(10) here, far below the detectable deviation (~1e-2), and the
// rounding of the second difference (~4 eps |L| / nu ~ 1e-12) is negligible.
constexpr double kNu = 1e-3;
// loss(s) is the loss at perturbation s z for the sample's direction z.
template <class Loss>
double richardson_slope(Loss&& loss) {
  const double L0 = loss(0.0);
  auto D = [&](double nu) {
    const double s = std::sqrt(nu);
    return (loss(s) + loss(-s) - 2.0 * L0) / (2.0 * nu);
  };
  return 2.0 * D(kNu) - D(2.0 * kNu);
}

// The instance's net with fixed sizes (d = 3, h = 4) for the sampling loop: no heap allocation per
// evaluation (the dynamic-size TanhNet allocates temporaries, which dominated the run time). It
// computes the same a^T tanh(W x + b) + c as dl::TanhNet::value.
struct FixedNet {
  Eigen::Matrix<double, 4, 3> W;
  Eigen::Vector4d b, a;
  double c = 0;
  explicit FixedNet(const dl::TanhNet& n) : W(n.W), b(n.b), a(n.a), c(n.c) {}
  double value(const Eigen::Vector3d& x, const Eigen::Matrix<double, 4, 3>& dW, const Eigen::Vector4d& da,
               double s) const {
    const Eigen::Vector4d h = (W + s * dW) * x + b;
    return (a + s * da).dot(h.array().tanh().matrix()) + c;
  }
};

// z: the sample's standard normal noise directions, 3 per example (input noise, 18 values) or one
// per weight (weight noise: 12 entries of W column-major, as TanhNet::perturbed, then 4 of a).
double input_noise_sample(const NoiseInstance& in, const FixedNet& net, const double* z_all) {
  const Eigen::Matrix<double, 4, 3> zW = Eigen::Matrix<double, 4, 3>::Zero();
  const Eigen::Vector4d za = Eigen::Vector4d::Zero();
  double acc = 0;
  for (std::size_t k = 0; k < in.x.size(); ++k) {
    const Eigen::Vector3d x = in.x[k];
    const Eigen::Vector3d z(z_all[3 * k], z_all[3 * k + 1], z_all[3 * k + 2]);
    const double y = in.y[k];
    auto loss = [&](double s) {
      const double r = net.value(x + s * z, zW, za, 0.0) - y;
      return r * r;
    };
    acc += richardson_slope(loss);
  }
  return acc / static_cast<double>(in.x.size());
}

double weight_noise_sample(const NoiseInstance& in, const FixedNet& net, const double* z) {
  // One weight draw per presentation of the data (its expectation is the per-example one).
  Eigen::Matrix<double, 4, 3> zW;
  for (int j = 0; j < 12; ++j) zW.data()[j] = z[j];
  Eigen::Vector4d za;
  for (int j = 0; j < 4; ++j) za[j] = z[12 + j];
  auto loss = [&](double s) {
    double L = 0;
    for (std::size_t k = 0; k < in.x.size(); ++k) {
      const double r = net.value(in.x[k], zW, za, s) - in.y[k];
      L += r * r;
    }
    return L / static_cast<double>(in.x.size());
  };
  return richardson_slope(loss);
}

// RQMC (claims/gcsr/rqmc_points.hpp): R replicates of n rotated Sobol' points in 18 (input) or 16
// (weight) dimensions, z = Phi^{-1}(u) coordinatewise (an exact N(0, I) sampler). The statistic is
// a smooth function of z, close to the quadratic form z^T A z / 2, which rotated Sobol' points
// integrate far better than independent draws. Nothing of the slope formula (gradient norm,
// Hessian trace) enters the estimator: only losses at perturbed inputs / weights.
constexpr std::uint64_t kNoiseReplicates = 64;

// Eq. 7.17 (input noise) or 7.22 (weight noise) as printed, Hessian term kept:
// E[(y^(perturbed) - y)^2] = J + nu E[(y^ - y) tr H] + nu E||grad y^||^2 + O(nu^2).
ClaimResult check_noise(const CheckContext& ctx, bool weights) {
  const std::string id = weights ? "dlbook.7_6_2.weight-noise" : "dlbook.7_6_1.input-noise";
  const char* sym = weights ? "eta" : "nu";
  ClaimResult r;
  r.checks.push_back(weights ? linear_weight_noise_exact(ctx, id) : linear_input_noise_exact(ctx, id));

  const QuarticCase q = quartic_case();
  r.checks.push_back(exact_record(
      fmt::format("hand example {}, (x, y) = (1, 0): slope of J~({}) = ||grad y^||^2 + (y^ - y) tr Hessian = 4 + 2 (exact "
                  "3-point Gauss-Hermite)",
                  weights ? "y^ = (w x)^2 at w = 1" : "y^ = x^2", sym),
      q.formula, q.slope, kQuarticTol,
      fmt::format("J~({0}) = 1 + 6 {0} + 3 {0}^2: J~(1) = {1:.17g}, J~(2) = {2:.17g}", sym, q.Jt1, q.Jt2)));
  auto [coef, rem] = polynomial_noise_exact(ctx, id, weights);
  r.checks.push_back(coef);
  r.checks.push_back(rem);

  const NoiseInstance in = make_noise_instance(ctx, id + "/instances", weights);
  McCheckSpec spec;
  spec.name = fmt::format("tanh net (d=3, h=4, m=6): slope at {}={} (Richardson) vs E[||grad||^2 + (y^-y) tr Hessian]", sym, kNu);
  spec.stream = id + "/mc";
  spec.n = kNoiseReplicates;
  spec.block_size = 1;
  spec.theory = in.slope_exact;
  // Resolution not yet required here (issue 8 open for this sub-check): RQMC brings the detectable
  // deviation to ~3.4e-3 (input) / ~4.3e-3 (weight) of the slope at the default level, not 1e-3. A
  // pilot-fitted control variate on the quadratic features z_j z_k - [j = k] removes the quadratic
  // form entirely, but what remains is the O(nu^2) Richardson remainder, whose mean (the bias) is of
  // the order of its spread, so the t test then rejects on the finite-difference bias: it needs an
  // explicit remainder bound first.
  const FixedNet fixed(in.net);
  const int dim = weights ? 16 : 18;
  const SobolPoints pts(dim, ctx.mc_n(1u << 12, 1u << 15));
  auto sampler = [&](sim::Stream& rng, std::uint64_t) {
    const std::vector<double> shift = rqmc_shift(rng, dim);
    std::array<double, 18> z{};
    double sum = 0;
    for (std::uint64_t j = 0; j < pts.size(); ++j) {
      for (int d = 0; d < dim; ++d) z[static_cast<std::size_t>(d)] = rqmc_normal(pts.at(j, d, shift.data()));
      sum += weights ? weight_noise_sample(in, fixed, z.data()) : input_noise_sample(in, fixed, z.data());
    }
    return sum / static_cast<double>(pts.size());
  };
  const std::size_t mc_at = r.checks.size();
  for (CheckRecord& c : mc_mean_check(ctx, spec, sampler)) r.checks.push_back(c);
  const CheckRecord& mc = r.checks[mc_at];
  r.theory = spec.theory;
  r.estimate = mc.estimate;
  r.ci_lo = mc.ci_lo;
  r.ci_hi = mc.ci_hi;
  r.detectable_deviation = mc.detectable_deviation;
  r.extra["tanh_instance"] = {{"slope_with_hessian_term", in.slope_exact},
                              {"slope_gradient_term_only", in.slope_printed},
                              {"hessian_term", in.slope_exact - in.slope_printed},
                              {"mc_slope", *mc.estimate},
                              {"mc_ci", {*mc.ci_lo, *mc.ci_hi}}};
  r.extra["quartic_example"] = {{"J_tilde_1", q.Jt1}, {"J_tilde_2", q.Jt2}, {"slope", q.slope}, {"formula", q.formula}};
  if (weights) {
    SkewSlopes sk = skewed_weight_noise(ctx, id);
    r.checks.push_back(sk.hand);
    r.checks.push_back(sk.coefficient);
    r.checks.push_back(sk.slope);
    r.extra["skewed_noise"] = sk.table;
  }
  summarize(r);
  return r;
}

}  // namespace

void register_noise(Registry& reg) {
  reg.add({.id = "dlbook.7_6_1.input-noise",
           .source = "dlbook",
           .method = "exact (linear, polynomial models) + monte-carlo (randomized QMC) slope in nu (tanh net)",
           .statement = "Eq. 7.17 as printed, Hessian term included: input noise eps ~ N(0, nu I) gives E[(y^(x + eps) - y)^2] "
                        "= J + nu E[(y^ - y) tr grad_x^2 y^] + nu E||grad_x y^||^2 + O(nu^2) for smooth y^; for a linear "
                        "model the added term is exactly nu ||w||^2 (weight decay).",
           .expected = Verdict::Holds,
           .finding = "Holds as printed (7.17 writes the Hessian where its trace is meant, footnote 6). The reduced form "
                      "J + nu E||grad y^||^2 + O(nu^2) that follows is not an identity for a given model (y^ = x^2 at "
                      "(x, y) = (1, 0): slope 6, not 4); the book uses it only at the minimizer, see "
                      "dlbook.7_6_1.tikhonov-equivalence. ReLU nets are outside the smooth-y^ scope (kinks add an O(nu) "
                      "term that an autograd Hessian misses).",
           .mc_tests = 1,
           .check = [](const CheckContext& ctx) { return check_noise(ctx, false); }});
  reg.add({.id = "dlbook.7_6_2.weight-noise",
           .source = "dlbook",
           .method = "exact (linear, polynomial models, skewed-noise remainder) + monte-carlo (randomized QMC, tanh net)",
           .statement = "Eq. 7.22 as printed (with eta for its nu): weight noise of covariance eta I gives J + eta E[(y^ - y) "
                        "tr grad_W^2 y^] + eta E||grad_W y^||^2 + O(eta^2); for linear regression the added term is "
                        "eta E||x||^2, independent of the parameters.",
           .expected = Verdict::Holds,
           .finding = "Holds for Gaussian (symmetric) weight noise. Typo: 7.22 writes nu (the input-noise variance) for "
                      "eta. Scope: the text assumes only eps_W ~ (0, eta I); with a skewed law (two-point, E z^3 = 3/2) the "
                      "remainder is C3 eta^{3/2} + O(eta^2), C3 = E z^3 (sum g_i H_ii + (y^-y)/3 sum T_iii): y^ = w^2 x at "
                      "w = 1, (x, y) = (1, 0) gives 1 + 6 eta + 6 eta^{3/2} + (13/4) eta^2 exactly, measured log-log slope "
                      "3/2. Not counted as FAILS: 7.21 itself writes the remainder O(eps_W^3) (third order in the noise "
                      "amplitude, i.e. eta^{3/2}) and 7.22 is stated with '~', so the book does not claim O(eta^2) beyond "
                      "zero third moments; the catalog's O(eta^2) is the Gaussian case. Linear regression: perturbing b "
                      "too adds eta.",
           .mc_tests = 1,
           .check = [](const CheckContext& ctx) { return check_noise(ctx, true); }});
}

}  // namespace regcheck::claims::dlbook
