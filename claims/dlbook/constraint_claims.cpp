// dlbook.7_3.constraint (Deep Learning 7.3).
// Helpers: claims/dlbook/linear_helpers.hpp. Registered in the order of claims/dlbook/claims.cpp.
#include "claims/core/registry.hpp"
#include "claims/dlbook/linear_helpers.hpp"
#include "sim/rng.hpp"
#include "theory/dlbook_linear.hpp"

#include <boost/math/tools/roots.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <fmt/format.h>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <string>

namespace regcheck::claims::dlbook {

namespace {

// ===================================================================================== 7.3 ======
// dlbook.7_3.constraint: the L2-penalized minimizer at alpha* solves the problem constrained to
// ||w|| <= k = ||w~(alpha*)||; alpha(k) by toms748 root finding; k(alpha) strictly decreasing.
ClaimResult check_constraint(const CheckContext& ctx) {
  const std::string id = "dlbook.7_3.constraint";
  ClaimResult r;
  Worst walpha, wpgd, wpgd1;
  std::size_t mono_bad = 0, mono_steps = 0;
  std::string mono_where;
  std::size_t pgd_iters_max = 0;
  nlohmann::json table = nlohmann::json::array();
  constexpr int N = 60;
  for (int i = 0; i < N; ++i) {
    sim::Stream s = instance_stream(ctx, id, i);
    const int d = 2 + static_cast<int>(s.below(5));
    const MatrixXd H = spd_matrix(s, d, 0, 2);  // cond(H) <= 100: projected GD contracts by <= 0.99
    const VectorXd w_star = gaussian(s, d, 1);
    Eigen::SelfAdjointEigenSolver<MatrixXd> es(H);
    const VectorXd lambda = es.eigenvalues();
    const VectorXd c = es.eigenvectors().transpose() * w_star;
    const double alpha_star = log_uniform(s, -1, 1) * lambda.mean();
    const VectorXd wt = dl::l2_minimizer(H, w_star, alpha_star);
    const double k = wt.norm();
    const double cond = cond_spd(lambda, alpha_star);
    const std::string where = fmt::format("instance {}: d={}, alpha*={:.6g}, k={:.6g}", i, d, alpha_star, k);

    // (a) toms748: alpha(k) must return alpha*. ||w~(alpha)|| is evaluated with error
    // dk <= 8 d eps cond ||w*||, which moves the root by dk / |k'(alpha*)|, with
    // k'(alpha) = -sum lambda^2 c^2 / (lambda + alpha)^3 / k; toms748 stops at a relative bracket of
    // 2^-47 (48 bits).
    const auto root = dl::alpha_for_norm(H, w_star, k);
    double dk2 = 0;
    for (int j = 0; j < d; ++j) dk2 += lambda[j] * lambda[j] * c[j] * c[j] / std::pow(lambda[j] + alpha_star, 3);
    const double kprime = dk2 / k;
    const double tol_a = 8.0 * d * eps * cond * w_star.norm() / kprime + std::ldexp(alpha_star, -46);
    walpha.add(std::abs(root.alpha - alpha_star), tol_a,
               where + fmt::format(", toms748 alpha={:.17g} in {} iterations", root.alpha, root.iterations));

    // (b) projected GD on the constrained problem converges to w~(alpha*). For a mu-strongly convex,
    // L-smooth objective with step 1/L, ||w_t - w_opt|| <= ||w_{t+1} - w_t|| / (1 - rho), rho = 1 - mu/L;
    // plus the rounding floor of both computations, 8 d eps (cond + 1/(1 - rho)) ||w*||.
    const auto pg = dl::projected_gd_l2_ball(H, w_star, k, 1e-13 * w_star.norm(), 200000);
    pgd_iters_max = std::max(pgd_iters_max, pg.iterations);
    const double tol_b = pg.last_step / (1.0 - pg.contraction) +
                         8.0 * d * eps * (cond + 1.0 / (1.0 - pg.contraction)) * w_star.norm();
    wpgd.add((pg.w - wt).norm(), tol_b, where + fmt::format(", projected GD {} iterations", pg.iterations));

    // (c) larger alpha, smaller region: k(alpha) strictly decreasing on alpha = 10^(-2 + j/4) mean(lambda).
    double prev = INFINITY;
    for (int j = 0; j <= 24; ++j) {
      const double a = lambda.mean() * std::pow(10.0, -2.0 + j / 4.0);
      const double kn = dl::l2_solution_norm(H, w_star, a);
      if (j > 0) {
        ++mono_steps;
        if (!(kn < prev)) {
          ++mono_bad;
          if (mono_where.empty()) mono_where = fmt::format("{}: k({:.4g}) = {:.17g} after {:.17g}", where, a, kn, prev);
        }
      }
      prev = kn;
    }
    // Omega = L1: the exact penalized minimizer (3^d enumeration) at beta* equals projected GD on
    // {||w||_1 <= k1}, k1 = ||w_beta*||_1 (same contraction bound; the enumeration solves an SPD system
    // with error <= 8 d eps cond(H) ||w*||). beta* below ||H w*||_inf keeps the solution nonzero.
    const double beta_star = (0.05 + 0.85 * s.uniform()) * (H * w_star).lpNorm<Eigen::Infinity>();
    const VectorXd w1 = dl::l1_quadratic_minimizer_exact(H, w_star, beta_star);
    const double k1 = w1.lpNorm<1>();
    const auto pg1 = dl::projected_gd_l1_ball(H, w_star, k1, 1e-13 * w_star.norm(), 200000);
    pgd_iters_max = std::max(pgd_iters_max, pg1.iterations);
    const double condH = lambda.maxCoeff() / lambda.minCoeff();
    wpgd1.add((pg1.w - w1).norm(),
              pg1.last_step / (1.0 - pg1.contraction) + 8.0 * d * eps * (condH + 1.0 / (1.0 - pg1.contraction)) * w_star.norm(),
              where + fmt::format(", beta*={:.6g}, k1={:.6g}, projected GD {} iterations", beta_star, k1, pg1.iterations));
    // ||w(beta)||_1 strictly decreasing while nonzero (on a path segment with support S and signs s,
    // d||w||_1/d beta = -s_S^T H_SS^-1 s_S < 0), then 0 for beta >= ||H w*||_inf.
    const double bmax = (H * w_star).lpNorm<Eigen::Infinity>();
    double prev1 = INFINITY;
    for (int j = 0; j <= 20; ++j) {
      const double b = bmax * 1.1 * j / 20.0;
      const double kb = dl::l1_quadratic_minimizer_exact(H, w_star, b).lpNorm<1>();
      if (j > 0) {
        ++mono_steps;
        const bool ok = prev1 > 0 ? kb < prev1 : kb == 0.0;
        if (!ok) {
          ++mono_bad;
          if (mono_where.empty()) mono_where = fmt::format("{} (L1): k({:.4g}) = {:.17g} after {:.17g}", where, b, kb, prev1);
        }
      }
      prev1 = kb;
    }
    if (i < 5)
      table.push_back({{"instance", i}, {"d", d}, {"alpha_star", alpha_star}, {"k", k}, {"alpha_toms748", root.alpha},
                       {"pgd_iterations", pg.iterations}, {"pgd_distance", (pg.w - wt).norm()}});
  }
  // The L1-ball projection inside that projected GD (theory::dlbook::project_l1_ball, sort-based):
  // against its definition, argmin ||x - v|| over ||x||_1 <= k, whose KKT solution is the soft
  // threshold of v at the theta >= 0 with sum max(|v_i| - theta, 0) = k (or v itself when
  // ||v||_1 <= k); theta found here by 200 bisection steps in 50 digits (no sorting, independent of
  // the sort-and-cumulate formula). theta carries <= (d + 2) eps (||v||_1 + k) rounding, each
  // coordinate one more: tolerance 4 (d + 2) eps (||v||_1 + k) absolute, max over coordinates (a
  // threshold off by 1e-3 relative moves coordinates by ~1e-3 theta, far above it).
  Worst wproj;
  std::size_t inside_bad = 0;
  for (int i = 0; i < 200; ++i) {
    using mp = boost::multiprecision::cpp_bin_float_50;
    sim::Stream s(ctx.seed, sim::stream_id(id + "/l1-projection"), static_cast<std::uint64_t>(i));
    const int d = 1 + static_cast<int>(s.below(8));
    VectorXd v = gaussian(s, d, 1);
    if (i % 5 == 0 && d > 1) v[1] = v[0];  // ties in |v|
    const double l1 = v.lpNorm<1>();
    const double k = i % 10 == 3 ? 1.5 * l1 : (0.05 + 0.9 * s.uniform()) * l1;
    const VectorXd x = dl::project_l1_ball(v, k);
    if (l1 <= k) {
      inside_bad += x != v;
      continue;
    }
    mp lo = 0, hi = v.cwiseAbs().maxCoeff();
    for (int it = 0; it < 200; ++it) {
      const mp mid = (lo + hi) / 2;
      mp sum = 0;
      for (int j = 0; j < d; ++j) sum += std::max(mp(abs(mp(v[j])) - mid), mp(0));
      (sum > mp(k) ? lo : hi) = mid;
    }
    double err = 0;
    for (int j = 0; j < d; ++j) {
      const mp ref = std::max(mp(abs(mp(v[j])) - lo), mp(0)) * (v[j] < 0 ? -1 : 1);
      err = std::max(err, static_cast<double>(abs(mp(x[j]) - ref)));
    }
    wproj.add(err, 4.0 * (d + 2) * eps * (l1 + k),
              fmt::format("v={} k={:.17g}: theta(50 digits)={:.17g}", vec_str(v), k, static_cast<double>(lo)));
  }
  const std::string inst = fmt::format("{} random SPD H (d = 2..6, cond <= 100), alpha* in [0.1, 10] mean(lambda)", N);
  r.checks.push_back(record("toms748 root of ||w~(alpha)|| = k returns alpha*", "closed-form-vs-numerics", walpha,
                            inst + "; tolerance dk / |k'(alpha*)| + 2^-46 alpha*"));
  r.checks.push_back(record("projected GD on {||w|| <= k} converges to the penalized w~(alpha*)", "closed-form-vs-numerics",
                            wpgd, inst + fmt::format("; up to {} iterations; tolerance last_step/(1 - rho) + rounding",
                                                     pgd_iters_max)));
  r.checks.push_back(record("L1: projected GD on {||w||_1 <= k} converges to the exact L1-penalized minimizer",
                            "closed-form-vs-numerics", wpgd1,
                            inst + "; exact minimizer by 3^d enumeration; tolerance last_step/(1 - rho) + rounding"));
  r.checks.push_back(boolean_record("k(alpha) = Omega(w~(alpha)) strictly decreasing, L2 and L1 (larger alpha, smaller region)",
                                    "property", mono_bad == 0,
                                    fmt::format("{} violations in {} grid steps{}", mono_bad, mono_steps,
                                                mono_where.empty() ? "" : "; first: " + mono_where)));
  r.checks.push_back(record("L1-ball projection (sort-based) vs the soft threshold at the 50-digit bisection theta",
                            "closed-form-vs-numerics", wproj, "200 random v (d = 1..8, ties), k in [0.05, 0.95] ||v||_1"));
  r.checks.push_back(boolean_record("L1-ball projection returns v itself when ||v||_1 <= k", "property", inside_bad == 0,
                                    fmt::format("{} violations", inside_bad)));
  set_worst_ratio(r, {&walpha, &wpgd, &wpgd1, &wproj});
  r.extra["instances"] = table;
  summarize(r);
  return r;
}

}  // namespace

void register_constraint(Registry& reg) {
  reg.add({.id = "dlbook.7_3.constraint",
           .source = "dlbook",
           .method = "root finding (Boost.Math) + projected GD",
           .statement = "The penalized solution at alpha* equals the solution constrained to Omega(w) <= k with "
                        "k = Omega(w~(alpha*)); larger alpha, smaller constraint region (checked for Omega = L2 norm and L1 norm).",
           .expected = Verdict::Holds,
           .finding = "",
           .mc_tests = 0,
           .check = check_constraint});
}

}  // namespace regcheck::claims::dlbook
