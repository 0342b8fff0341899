// dlbook.7_2_1.l2-rescaling, dlbook.7_2_1.ridge and dlbook.7_2_1.ridge.corrected (Deep Learning 7.2.1).
// Helpers: claims/dlbook/linear_helpers.hpp. Registered in the order of claims/dlbook/claims.cpp.
#include "claims/core/registry.hpp"
#include "claims/dlbook/linear_helpers.hpp"
#include "sim/rng.hpp"
#include "theory/dlbook_linear.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace regcheck::claims::dlbook {

namespace {

// ===================================================================================== 7.2.1 ====
// dlbook.7_2_1.l2-rescaling: eqs. 7.6, 7.7, 7.8 on random PSD H, including singular ones.
ClaimResult check_l2_rescaling(const CheckContext& ctx) {
  const std::string id = "dlbook.7_2_1.l2-rescaling";
  ClaimResult r;
  Worst w76, w77, wstat, wgamma;
  std::size_t monotone_bad = 0, monotone_pairs = 0, singular = 0;
  std::string monotone_where;
  nlohmann::json table = nlohmann::json::array();
  constexpr int N = 300;
  for (int i = 0; i < N; ++i) {
    sim::Stream s = instance_stream(ctx, id, i);
    const int d = 1 + static_cast<int>(s.below(10));
    const int rank = static_cast<int>(s.below(d + 1));  // 0..d: rank-deficient (singular) H included
    MatrixXd B = gaussian(s, d, rank);
    for (int j = 0; j < rank; ++j) B.col(j) *= log_uniform(s, -2, 2);  // spread the eigenvalues
    MatrixXd H = B * B.transpose();
    H = 0.5 * (H + H.transpose());
    const VectorXd w_star = gaussian(s, d, 1);
    const double scale = rank > 0 ? H.trace() / d : 1.0;
    const double alpha = scale * log_uniform(s, -3, 3);
    if (rank < d) ++singular;

    Eigen::SelfAdjointEigenSolver<MatrixXd> es(H);
    const VectorXd lambda = es.eigenvalues().cwiseMax(0.0);
    const MatrixXd& Q = es.eigenvectors();
    const double cond = cond_spd(lambda, alpha);
    const double wn = std::max(w_star.norm(), 1e-300);
    const std::string where = fmt::format("instance {}: d={}, rank={}, alpha={:.4g}, cond(H+aI)={:.3g}", i, d, rank, alpha, cond);

    // Forward errors of both routes are <= c d eps cond(H + alpha I) ||w*|| (Cholesky solve;
    // backward-stable eigendecomposition perturbs f(H) = H (H + alpha I)^-1 by
    // alpha ||(H + alpha I)^-1||^2 ||E|| <= cond c d eps). k = 16 covers both constants.
    const double tol_fwd = 16.0 * d * eps * cond * wn;
    const VectorXd wa = dl::l2_minimizer(H, w_star, alpha);        // eq. 7.6 (Cholesky)
    const VectorXd wb = dl::l2_minimizer_eigen(H, w_star, alpha);  // eq. 7.7 (eigenvectors)
    w76.add((wa - wb).norm(), tol_fwd, where);
    // Eq. 7.7 literally, in the eigenbasis: Q^T w~ vs (Lambda + alpha I)^-1 Lambda Q^T w*.
    const VectorXd lhs = Q.transpose() * wa;
    const VectorXd rhs = dl::l2_rescaling_factors(lambda, alpha).cwiseProduct(Q.transpose() * w_star);
    w77.add((lhs - rhs).norm(), tol_fwd, where);
    // First line of eq. 7.6, alpha w + H (w - w*) = 0: a backward-stable solve leaves a residual
    // <= c d eps (||H + alpha I|| ||w|| + ||H w*||), independent of the conditioning; k = 8.
    const double Hn = H.norm();
    const double res = (alpha * wa + H * (wa - w_star)).norm();
    wstat.add(res, 8.0 * d * eps * ((Hn + alpha) * wa.norm() + Hn * wn) + 1e-300, where);
    // Eq. 7.8 against an independent expression: gamma = tr(H (H + alpha I)^-1) = tr((H + alpha I)^-1 H)
    // (Cholesky solve, no eigenvalues). Each of the d diagonal entries has error <= c d eps cond.
    std::vector<double> lv(lambda.data(), lambda.data() + d);
    const double gamma = dl::effective_params(lv, alpha);
    const MatrixXd Ai = (H + alpha * MatrixXd::Identity(d, d)).llt().solve(H);
    wgamma.add(std::abs(gamma - Ai.trace()), 16.0 * d * d * eps * cond, where);
    // gamma strictly decreasing in alpha (d gamma/d alpha = -sum lambda/(lambda+alpha)^2 < 0 when
    // H != 0): on a grid alpha_j = scale 10^(-3 + j/4) the step changes gamma by far more than its
    // (d+1) eps relative rounding. For H = 0, gamma must be exactly 0.
    double prev = INFINITY;
    for (int j = 0; j <= 24; ++j) {
      const double a = scale * std::pow(10.0, -3.0 + j / 4.0);
      const double g = dl::effective_params(lv, a);
      const bool bad = rank > 0 ? !(g < prev) : g != 0.0;
      if (j > 0 || rank == 0) ++monotone_pairs;
      if (bad && (j > 0 || rank == 0)) {
        ++monotone_bad;
        if (monotone_where.empty()) monotone_where = fmt::format("{}, alpha={:.4g}: gamma={:.17g} after {:.17g}", where, a, g, prev);
      }
      prev = g;
    }
    if (i < 5)
      table.push_back({{"instance", i}, {"d", d}, {"rank", rank}, {"alpha", alpha}, {"gamma", gamma},
                       {"trace_check", Ai.trace()}, {"w_tilde", std::vector<double>(wa.data(), wa.data() + d)}});
  }
  const std::string inst = fmt::format("{} random PSD H (d = 1..10, {} singular)", N, singular);
  r.checks.push_back(record("eq. 7.6 (Cholesky) vs eq. 7.7 (eigendecomposition)", "closed-form-vs-numerics", w76,
                            inst + ", tolerance 16 d eps cond(H + alpha I) ||w*||"));
  r.checks.push_back(record("eq. 7.7 in the eigenbasis: Q^T w~ = (Lambda + alpha I)^-1 Lambda Q^T w*", "exact", w77,
                            inst + ", tolerance 16 d eps cond(H + alpha I) ||w*||"));
  r.checks.push_back(record("eq. 7.6 stationarity alpha w~ + H (w~ - w*) = 0", "exact", wstat,
                            inst + ", residual tolerance 8 d eps (||H + alpha I|| ||w~|| + ||H|| ||w*||)"));
  r.checks.push_back(record("eq. 7.8 gamma = sum lambda/(lambda + alpha) vs tr((H + alpha I)^-1 H)", "closed-form-vs-numerics",
                            wgamma, inst + ", tolerance 16 d^2 eps cond(H + alpha I)"));
  r.checks.push_back(boolean_record("gamma strictly decreasing in alpha (25-point grid per instance)", "property",
                                    monotone_bad == 0,
                                    fmt::format("{} violations in {} grid steps{}", monotone_bad, monotone_pairs,
                                                monotone_where.empty() ? "" : "; first: " + monotone_where)));
  set_worst_ratio(r, {&w76, &w77, &wstat, &wgamma});
  r.extra["instances"] = table;
  summarize(r);
  return r;
}

// dlbook.7_2_1.ridge: the printed normal equations vs the printed objective.
// Objective as printed: f(w) = (X w - y)^T (X w - y) + (1/2) alpha w^T w, gradient
// 2 X^T (X w - y) + alpha w. At the printed w_p = (X^T X + alpha I)^-1 X^T y the gradient is exactly
// 2 (X^T X + alpha I) w_p - alpha w_p - 2 X^T y = -alpha w_p, nonzero whenever X^T y != 0.
struct RidgeInstance {
  MatrixXd X;
  VectorXd y;
  double alpha;
  int m, n;
};
RidgeInstance ridge_instance(const CheckContext& ctx, const std::string& stream_name, int i) {
  sim::Stream s = instance_stream(ctx, stream_name, i);
  RidgeInstance in;
  in.m = 1 + static_cast<int>(s.below(8));
  in.n = 1 + static_cast<int>(s.below(6));
  in.X = gaussian(s, in.m, in.n);
  in.y = gaussian(s, in.m, 1);
  in.alpha = log_uniform(s, -2, 2);
  return in;
}

// Scale of the gradient 2 X^T (X w - y) + alpha w: a backward-stable solve of the normal
// equations leaves a residual <= c (m + n) eps (2 ||X^T X|| ||w|| + 2 ||X^T y|| + alpha ||w||),
// and evaluating the gradient adds the rounding of X w - y (eps ||y|| when w is small) carried
// through X^T, i.e. eps ||X|| (||X|| ||w|| + ||y||). The second term matters when X^T y cancels
// (seen: m = 4, n = 1, ||X^T y|| ~ 1e-3 ||X|| ||y||, residual 4 x the first bound alone). No
// condition number: a residual test.
double ridge_gradient_scale(const RidgeInstance& in, const VectorXd& w) {
  const double nX = in.X.norm();
  return 2.0 * (in.X.transpose() * in.X).norm() * w.norm() + 2.0 * (in.X.transpose() * in.y).norm() + in.alpha * w.norm() +
         2.0 * nX * (nX * w.norm() + in.y.norm());
}

ClaimResult check_ridge(const CheckContext& ctx) {
  const std::string id = "dlbook.7_2_1.ridge";
  ClaimResult r;
  Worst wgrad;
  double max_gap_rel = 0;
  constexpr int N = 100;
  for (int i = 0; i < N; ++i) {
    const RidgeInstance in = ridge_instance(ctx, id, i);
    const VectorXd wp = dl::ridge_printed(in.X, in.y, in.alpha);
    const VectorXd g = dl::ridge_objective_gradient(in.X, in.y, wp, in.alpha);
    const double scale = ridge_gradient_scale(in, wp) + 1e-300;
    wgrad.add(g.norm(), 16.0 * (in.m + in.n) * eps * scale,
              fmt::format("instance {}: m={}, n={}, alpha={:.4g}, ||grad f(w_printed)||={:.4g}, alpha ||w_printed||={:.4g}",
                          i, in.m, in.n, in.alpha, g.norm(), in.alpha * wp.norm()));
    const VectorXd wc = dl::ridge_corrected(in.X, in.y, in.alpha);
    const double fp = dl::ridge_objective(in.X, in.y, wp, in.alpha), fc = dl::ridge_objective(in.X, in.y, wc, in.alpha);
    max_gap_rel = std::max(max_gap_rel, (fp - fc) / std::max(fc, 1e-300));
  }
  r.checks.push_back(record("printed w = (X^T X + alpha I)^-1 X^T y has zero gradient of the printed objective",
                            "exact", wgrad,
                            fmt::format("{} random (X, y, alpha), m = 1..8, n = 1..6; residual tolerance 16 (m+n) eps "
                                        "(2||X^T X|| ||w|| + 2||X^T y|| + alpha ||w||); objective gap f(w_printed) - "
                                        "f(w_min) up to {:.3g} relative",
                                        N, max_gap_rel)));
  // The smallest counterexample: X = [1], y = [1], alpha = 1. f(w) = (w - 1)^2 + w^2 / 2 is minimized
  // at w = 2/3 (f = 1/3); the printed formula gives w = 1/2 (f = 3/8, f'(1/2) = -1/2).
  MatrixXd X1(1, 1);
  X1(0, 0) = 1;
  VectorXd y1(1);
  y1[0] = 1;
  const VectorXd wp1 = dl::ridge_printed(X1, y1, 1.0), wc1 = dl::ridge_corrected(X1, y1, 1.0);
  const double fp1 = dl::ridge_objective(X1, y1, wp1, 1.0), fc1 = dl::ridge_objective(X1, y1, wc1, 1.0);
  const double g1 = dl::ridge_objective_gradient(X1, y1, wp1, 1.0)[0];
  CheckRecord c1;
  c1.name = "1x1 counterexample X = [1], y = [1], alpha = 1";
  c1.method = "exact";
  c1.theory = wc1[0];
  c1.estimate = wp1[0];
  c1.max_error = std::abs(g1);
  c1.tolerance = 4 * eps;  // the gradient at the true minimizer is a few roundings of O(1) terms
  c1.verdict = std::abs(g1) <= *c1.tolerance ? Verdict::Holds : Verdict::Fails;
  c1.detail = fmt::format("printed w = {:.17g} with f = {:.17g} and f'(w) = {:.17g}; minimizer w = {:.17g} with f = {:.17g}",
                          wp1[0], fp1, g1, wc1[0], fc1);
  r.checks.push_back(c1);
  if (c1.verdict == Verdict::Fails)
    r.counterexample = fmt::format(
        "X = [1], y = [1], alpha = 1: printed normal equations give w = {:.6g}, but the printed objective "
        "(Xw - y)^T(Xw - y) + (1/2) alpha w^T w = (w-1)^2 + w^2/2 has gradient {:.6g} there; its minimizer is "
        "w = {:.17g} (= 2/3), objective {:.6g} vs {:.6g} (difference {:.6g})",
        wp1[0], g1, wc1[0], fp1, fc1, fp1 - fc1);
  r.theory = wc1[0];
  r.estimate = wp1[0];
  r.max_error = std::abs(wp1[0] - wc1[0]);
  summarize(r);
  return r;
}

// dlbook.7_2_1.ridge.corrected: (a) w = (X^T X + (alpha/2) I)^-1 X^T y minimizes the printed
// objective; (b) the printed w = (X^T X + alpha I)^-1 X^T y minimizes (1/2)||Xw - y||^2 + (alpha/2)||w||^2.
ClaimResult check_ridge_corrected(const CheckContext& ctx) {
  const std::string id = "dlbook.7_2_1.ridge.corrected";
  ClaimResult r;
  Worst wgrad_c, wqr, wgrad_half;
  constexpr int N = 100;
  for (int i = 0; i < N; ++i) {
    const RidgeInstance in = ridge_instance(ctx, id, i);
    const std::string where = fmt::format("instance {}: m={}, n={}, alpha={:.4g}", i, in.m, in.n, in.alpha);
    const VectorXd wc = dl::ridge_corrected(in.X, in.y, in.alpha);
    const VectorXd g = dl::ridge_objective_gradient(in.X, in.y, wc, in.alpha);
    wgrad_c.add(g.norm(), 16.0 * (in.m + in.n) * eps * (ridge_gradient_scale(in, wc) + 1e-300), where);
    // Independent route: the printed objective is ||[X; sqrt(alpha/2) I] w - [y; 0]||^2, solved by a
    // column-pivoting QR least-squares solve (never forms X^T X). Forward error of the normal
    // equations: <= c (m+n) eps cond(X^T X + (alpha/2) I) ||w||; of least squares (Golub & Van
    // Loan, thm. 5.3.1): c (m+n) eps (kappa ||w|| + kappa^2 ||r|| / ||A||) with A = [X; sqrt(alpha/2) I],
    // kappa^2 = cond(A^T A) = the cond above, r the least-squares residual. The residual term
    // dominates when w is small and y is mostly unexplained (seen: m = n = 1, alpha = 80). k = 16.
    MatrixXd Aug(in.m + in.n, in.n);
    Aug << in.X, std::sqrt(0.5 * in.alpha) * MatrixXd::Identity(in.n, in.n);
    VectorXd rhs = VectorXd::Zero(in.m + in.n);
    rhs.head(in.m) = in.y;
    const VectorXd wq = Aug.colPivHouseholderQr().solve(rhs);
    Eigen::SelfAdjointEigenSolver<MatrixXd> es(in.X.transpose() * in.X, Eigen::EigenvaluesOnly);
    const double cond = cond_spd(es.eigenvalues(), 0.5 * in.alpha);
    const double ls_residual = (Aug * wq - rhs).norm() / Aug.norm();
    wqr.add((wc - wq).norm(), 16.0 * (in.m + in.n) * eps * cond * (wc.norm() + ls_residual + 1e-300), where);
    // (b): gradient of (1/2)||Xw - y||^2 + (alpha/2)||w||^2 is X^T (Xw - y) + alpha w = half of the
    // printed objective's gradient with alpha doubled.
    const VectorXd wp = dl::ridge_printed(in.X, in.y, in.alpha);
    const VectorXd gh = 0.5 * dl::ridge_objective_gradient(in.X, in.y, wp, 2.0 * in.alpha);
    RidgeInstance in2 = in;
    in2.alpha = 2.0 * in.alpha;
    wgrad_half.add(gh.norm(), 8.0 * (in.m + in.n) * eps * (ridge_gradient_scale(in2, wp) + 1e-300), where);
  }
  const std::string inst = fmt::format("{} random (X, y, alpha), m = 1..8, n = 1..6", N);
  r.checks.push_back(record("(X^T X + (alpha/2) I)^-1 X^T y: zero gradient of the printed objective", "exact", wgrad_c,
                            inst + "; residual tolerance 16 (m+n) eps (gradient scale)"));
  r.checks.push_back(record("(X^T X + (alpha/2) I)^-1 X^T y vs QR least squares of [X; sqrt(alpha/2) I]",
                            "closed-form-vs-numerics", wqr, inst + "; tolerance 16 (m+n) eps cond (||w|| + ||r||/||A||)"));
  r.checks.push_back(record("printed (X^T X + alpha I)^-1 X^T y: zero gradient of (1/2)||Xw-y||^2 + (alpha/2)||w||^2",
                            "exact", wgrad_half, inst + "; residual tolerance 8 (m+n) eps (gradient scale)"));
  set_worst_ratio(r, {&wgrad_c, &wqr, &wgrad_half});
  summarize(r);
  return r;
}

}  // namespace

void register_ridge(Registry& reg) {
  reg.add({.id = "dlbook.7_2_1.l2-rescaling",
           .source = "dlbook",
           .method = "closed form vs independent solve",
           .statement = "Quadratic J with PSD H = Q Lambda Q^T: w~ = (H + alpha I)^-1 H w* (7.6); Q^T w~ = (Lambda + "
                        "alpha I)^-1 Lambda Q^T w* (7.7); gamma = sum lambda_i/(lambda_i + alpha) (7.8), decreasing in alpha.",
           .expected = Verdict::Holds,
           .finding = "",
           .mc_tests = 0,
           .check = check_l2_rescaling});
  reg.add({.id = "dlbook.7_2_1.ridge",
           .source = "dlbook",
           .method = "closed form vs gradient = 0",
           .statement = "As printed in 7.2.1 (after Fig. 7.1): the objective (Xw - y)^T(Xw - y) + (1/2) alpha w^T w (no "
                        "1/2 on the squared error) changes the normal equations to w = (X^T X + alpha I)^-1 X^T y.",
           .expected = Verdict::Fails,
           .finding = "Factor mismatch: the printed objective (Xw-y)^T(Xw-y) + (1/2) alpha w^T w has gradient "
                      "2 X^T(Xw - y) + alpha w, so its minimizer is (X^T X + (alpha/2) I)^-1 X^T y. The printed normal "
                      "equations (X^T X + alpha I)^-1 X^T y minimize (1/2)||Xw - y||^2 + (1/2) alpha ||w||^2 (or "
                      "||Xw - y||^2 + alpha ||w||^2). At the printed w the gradient of the printed objective is exactly "
                      "-alpha w, nonzero whenever X^T y != 0. See dlbook.7_2_1.ridge.corrected.",
           .mc_tests = 0,
           .check = check_ridge});
  reg.add({.id = "dlbook.7_2_1.ridge.corrected",
           .source = "dlbook",
           .method = "closed form vs gradient = 0 + QR least squares",
           .statement = "(corrected) The printed objective (Xw - y)^T(Xw - y) + (1/2) alpha w^T w is minimized by "
                        "w = (X^T X + (alpha/2) I)^-1 X^T y; the printed w = (X^T X + alpha I)^-1 X^T y minimizes "
                        "(1/2)||Xw - y||^2 + (1/2) alpha w^T w.",
           .expected = Verdict::Holds,
           .finding = "Corrected form of dlbook.7_2_1.ridge (either halve alpha in the normal equations or halve the "
                      "squared error in the objective).",
           .mc_tests = 0,
           .check = check_ridge_corrected});
}

}  // namespace regcheck::claims::dlbook
