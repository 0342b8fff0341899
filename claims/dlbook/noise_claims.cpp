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
#include "claims/dlbook/noise_slope_mc.hpp"
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

// Monte Carlo statistic with mean d/dnu E[loss(theta + sqrt(nu) z)] at nu = 0 up to a stated bias
// bound (claims/dlbook/noise_slope_mc.hpp): R = (4 D(nu) - D(4 nu)) / 3, D(nu) = [g(s) + g(-s) -
// 2 g(0)] / (2 nu), g(t) = loss at perturbation t z. The antithetic pair cancels the odd Taylor
// terms exactly and the Richardson step the nu term, so E R = slope + O(nu^2 E sup|g^(6)|).
// s = 2^-10 (nu = 2^-20 ~ 9.5e-7): the steps s, 2 s are exact powers of two (s z exact), the
// Taylor part of the bound is 1e-8..1e-7 of the slope (measured over 3 seeds), and the loss values
// are computed in long double (80-bit, u = 2^-64) so that the rounding of the second differences
// (~u |L| / nu ~ 1e-12) stays far below it; in double it would be ~1e-9 here. The stated rounding
// bound (generous constant: noise_bias_bound) is what dominates B: 5e-7..3e-6 absolute, still
// ~100x below the 1e-4 target of --power high.
constexpr int kStepLog2 = -10;
constexpr long double kStep = 1.0L / (1 << -kStepLog2);

// The instance's net in long double with fixed sizes (d = 3, h = 4): a^T tanh(W x + b) + c as
// dl::TanhNet::value, with W, a perturbed along (zW, za) by the step t (weight noise) or x along z
// (input noise). No heap allocation per evaluation.
struct LongNet {
  long double W[4][3], b[4], a[4], c;
  explicit LongNet(const dl::TanhNet& n) : c(n.c) {
    for (int i = 0; i < 4; ++i) {
      for (int j = 0; j < 3; ++j) W[i][j] = n.W(i, j);
      b[i] = n.b[i];
      a[i] = n.a[i];
    }
  }
  // Input noise: the residual at x + t z.
  long double residual_input(const double* x, const double* z, long double t, double y) const {
    long double out = c - y;
    for (int i = 0; i < 4; ++i) {
      long double h = b[i];
      for (int j = 0; j < 3; ++j) h += W[i][j] * (x[j] + t * z[j]);
      out += a[i] * std::tanh(h);
    }
    return out;
  }
  // Weight noise: the residual with W + t zW, a + t za; zW column-major (as TanhNet::perturbed):
  // zW(i, j) = z[i + 4 j], za_i = z[12 + i].
  long double residual_weights(const double* x, const double* z, long double t, double y) const {
    long double out = c - y;
    for (int i = 0; i < 4; ++i) {
      long double h = b[i];
      for (int j = 0; j < 3; ++j) h += (W[i][j] + t * z[i + 4 * j]) * x[j];
      out += (a[i] + t * z[12 + i]) * std::tanh(h);
    }
    return out;
  }
};

// The statistic R for one draw z: 3 entries per example (input noise, 18 values) or one per weight
// (weight noise, 16 values: the 12 of W, then the 4 of a). Input noise: each example's loss moves
// with its own noise only, so R is the mean of the examples' R; weight noise: one weight draw per
// presentation of the data, R of the mean loss.
long double noise_statistic(const NoiseInstance& in, const LongNet& net, const double* z, bool weights) {
  const std::size_t m = in.x.size();
  if (!weights) {
    long double acc = 0;
    for (std::size_t k = 0; k < m; ++k)
      acc += richardson_slope(
          [&](long double t) {
            const long double r = net.residual_input(in.x[k].data(), z + 3 * k, t, in.y[k]);
            return r * r;
          },
          kStep);
    return acc / static_cast<long double>(m);
  }
  return richardson_slope(
      [&](long double t) {
        long double L = 0;
        for (std::size_t k = 0; k < m; ++k) {
          const long double r = net.residual_weights(in.x[k].data(), z, t, in.y[k]);
          L += r * r;
        }
        return L / static_cast<long double>(m);
      },
      kStep);
}

// The stated bound B on |E R - slope| (sim::MeanTestOptions::bias_bound), from the network's
// parameters, max|tanh^(j)| and Gaussian moments only (nothing of the slope formula):
//  - Taylor: nu^2 / 108 times the mean over the examples of E sup_{|t| <= 2s} |d^6/dt^6 r_k(t)^2|
//    (claims/dlbook/noise_slope_mc.hpp). Input noise: v_i = W_i . z_k ~ N(0, ||W_i||^2); weight
//    noise: v_i = (zW)_i . x_k ~ N(0, ||x_k||^2) and alpha = za.
//  - rounding: each long double loss value is within eps_L = 2^-50 Q^2 of the exact one, Q = sum_i
//    (|a_i| + 2s)(1 + A_i) + |c - y| + 1, A_i = sum_j |W_ij x_j| + |b_i| (the residual's scale: ~8
//    roundings of relative u = 2^-64 in r, ~17 u Q^2 in r^2; 2^-50 leaves a factor ~500 for tanhl's
//    few-ulp error and the perturbation's 2s |w . z| share of the arguments); R combines the 5 loss
//    values with weights summing to 68 / (24 nu), so |rounding of R| <= 17 eps_L / (6 nu).
struct BiasBound {
  double taylor = 0, rounding = 0, sixth = 0;
  double total() const { return taylor + rounding; }
};
BiasBound noise_bias_bound(const NoiseInstance& in, bool weights) {
  const double s = std::ldexp(1.0, kStepLog2), nu = s * s, S = 2 * s;
  const std::size_t m = in.x.size();
  BiasBound B;
  double eps_L = 0;
  for (std::size_t k = 0; k < m; ++k) {
    ResidualLaw law;
    law.a = in.net.a;
    law.offset = in.net.c - in.y[k];
    law.perturbed_a = weights;
    double Q = std::abs(law.offset) + 1;
    for (int i = 0; i < 4; ++i) {
      law.sigma[i] = weights ? in.x[k].norm() : in.net.W.row(i).norm();
      const double A = in.net.W.row(i).cwiseAbs().dot(in.x[k].cwiseAbs()) + std::abs(in.net.b[i]);
      Q += (std::abs(in.net.a[i]) + S) * (1 + A);
    }
    B.sixth += sixth_derivative_bound(law, S) / static_cast<double>(m);
    eps_L += std::ldexp(Q * Q, -50) / static_cast<double>(m);
  }
  B.taylor = richardson_taylor_bound(nu, B.sixth);
  B.rounding = 17 * eps_L / (6 * nu);
  return B;
}

// Control variate (claims/dlbook/noise_slope_mc.hpp): R is, up to the O(nu^2) remainder, the
// quadratic form z^T H z / 2 (H the loss Hessian in the noise directions), so the quadratic features
// z_j z_k - [j = k] (mean 0 under N(0, I): a fact about the Gaussian, not the slope formula) with
// least-squares coefficients from an independent pilot sample remove nearly all of its spread; the
// controlled mean stays unbiased because the coefficients do not depend on the tested draws. What is
// left is the remainder and the rounding, so the detectable deviation is set by the stated bias
// bound B (2 B + c se, se <= 1.3e-10 here): the sub-check is nearly exact, but it still evaluates the
// sampled definition (losses at random perturbations) and nothing else.
constexpr std::uint64_t kPilotDraws = 1024;  // > 171 features + 1 (input noise, 18 dimensions)

QuadraticControl fit_noise_control(const CheckContext& ctx, const std::string& stream, const NoiseInstance& in,
                                   const LongNet& net, bool weights, int dim) {
  Eigen::MatrixXd Z(dim, static_cast<Eigen::Index>(kPilotDraws));
  Eigen::VectorXd v(static_cast<Eigen::Index>(kPilotDraws));
  for (std::uint64_t i = 0; i < kPilotDraws; ++i) {
    sim::Stream rng(ctx.seed, sim::stream_id(stream), i);
    const auto col = static_cast<Eigen::Index>(i);
    for (int d = 0; d < dim; ++d) Z(d, col) = rng.normal();
    v[col] = static_cast<double>(noise_statistic(in, net, Z.col(col).data(), weights));
  }
  return QuadraticControl(Z, v);
}

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
  const double nu = std::ldexp(1.0, 2 * kStepLog2);
  McCheckSpec spec;
  spec.name = fmt::format("tanh net (d=3, h=4, m=6): slope at {}=2^{} (Richardson, quadratic control variate) vs "
                          "E[||grad||^2 + (y^-y) tr Hessian]",
                          sym, 2 * kStepLog2);
  spec.stream = id + "/mc";
  // Measured over seeds 20261123, 1, 2: se 7e-12..1.3e-10 absolute at n = 4096 after the control
  // variate, B 5e-7..5e-6, so the detectable deviation c se + 2 B is ~2 B: 2.3e-7..5.8e-7 of the
  // slope at both levels (targets 1e-3 and 1e-4: margin > 100, no seed near INCONCLUSIVE);
  // |estimate - theory| <= 2.6e-9. A larger n would not lower it (B does not depend on n); n is
  // moderate and well above the 1e3 or so the t test's normal reference needs.
  spec.n = ctx.mc_n(4096, 16384);
  spec.block_size = 256;
  spec.theory = in.slope_exact;
  spec.resolution = ctx.target_relative_resolution() * std::abs(spec.theory);
  const BiasBound bias = noise_bias_bound(in, weights);
  spec.bias_bound = bias.total();
  const LongNet net(in.net);
  const int dim = weights ? 16 : 18;
  const QuadraticControl cv = fit_noise_control(ctx, id + "/mc/pilot", in, net, weights, dim);
  auto sampler = [&](sim::Stream& rng, std::uint64_t) {
    std::array<double, 18> z{};
    for (int d = 0; d < dim; ++d) z[static_cast<std::size_t>(d)] = rng.normal();
    return static_cast<double>(noise_statistic(in, net, z.data(), weights) - cv.apply(z.data()));
  };
  const std::size_t mc_at = r.checks.size();
  for (CheckRecord& c : mc_mean_check(ctx, spec, sampler)) r.checks.push_back(c);
  for (std::size_t i = mc_at; i < r.checks.size(); ++i)
    r.checks[i].detail += fmt::format(
        "{}statistic R(z) - beta^T h(z), beta from {} independent pilot draws; stated bias bound B = {:.3g} (Taylor {:.3g} "
        "with E sup|d^6 loss/dt^6| <= {:.4g}, rounding {:.3g}): FAILS when |estimate - theory| > t se + B, detectable "
        "deviation c se + 2 B",
        r.checks[i].detail.empty() ? "" : "; ", kPilotDraws, bias.total(), bias.taylor, bias.sixth, bias.rounding);
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
                              {"mc_ci", {*mc.ci_lo, *mc.ci_hi}},
                              {"nu", nu},
                              {"pilot_draws", kPilotDraws},
                              {"bias_bound", bias.total()},
                              {"bias_bound_taylor", bias.taylor},
                              {"bias_bound_rounding", bias.rounding},
                              {"sixth_derivative_bound", bias.sixth}};
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
           .method = "exact (linear, polynomial models) + monte-carlo (tanh net: Richardson slope in nu with a stated bias bound, quadratic control variate)",
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
           .method = "exact (linear, polynomial models, skewed-noise remainder) + monte-carlo (tanh net: Richardson slope with a stated bias bound, quadratic control variate)",
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
