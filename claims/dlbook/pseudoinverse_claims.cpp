// dlbook.7_4.pseudoinverse and dlbook.7_4.separable-logistic (Deep Learning 7.4).
// Helpers: claims/dlbook/linear_helpers.hpp. Registered in the order of claims/dlbook/claims.cpp.
#include "claims/core/registry.hpp"
#include "claims/dlbook/linear_helpers.hpp"
#include "sim/rng.hpp"
#include "theory/dlbook_linear.hpp"

#include <boost/math/tools/minima.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <fmt/format.h>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

namespace regcheck::claims::dlbook {

namespace {

// ===================================================================================== 7.4 ======
// dlbook.7_4.pseudoinverse: (X^T X + alpha I)^-1 X^T -> X^+ with error exactly
// max_i alpha / (sigma_i (sigma_i^2 + alpha)) = O(alpha), for tall, wide, square, rank-deficient X.
ClaimResult check_pseudoinverse(const CheckContext& ctx) {
  const std::string id = "dlbook.7_4.pseudoinverse";
  ClaimResult r;
  Worst wref, wexact;
  double slope_min = INFINITY, slope_max = -INFINITY;
  Worst wslope;
  nlohmann::json table = nlohmann::json::array();
  static const char* kinds[] = {"tall full rank", "wide full rank", "square full rank", "tall rank-deficient",
                                "wide rank-deficient", "square rank-deficient"};
  constexpr int N = 36, G = 7;
  for (int i = 0; i < N; ++i) {
    sim::Stream s = instance_stream(ctx, id, i);
    const int kind = i % 6;
    const int small = 2 + static_cast<int>(s.below(4)), extra = 1 + static_cast<int>(s.below(4));
    int m = small, n = small;
    if (kind == 0 || kind == 3) m = small + extra;
    if (kind == 1 || kind == 4) n = small + extra;
    const int full = std::min(m, n);
    const int rank = kind < 3 ? full : 1 + static_cast<int>(s.below(full - 1));
    // X = U diag(sigma) V^T with sigma in [1, 10]: cond of the nonzero part <= 10.
    const MatrixXd U = orthonormal(s, m, rank), V = orthonormal(s, n, rank);
    std::vector<double> sigma(rank);
    for (int j = 0; j < rank; ++j) sigma[j] = log_uniform(s, 0, 1);
    VectorXd sv = Eigen::Map<VectorXd>(sigma.data(), rank);
    const MatrixXd X = U * sv.asDiagonal() * V.transpose();
    const double s1 = sv.maxCoeff(), sr = sv.minCoeff();
    const std::string where = fmt::format("instance {} ({}): {}x{}, rank {}, sigma in [{:.3g}, {:.3g}]", i, kinds[kind], m, n,
                                          rank, sr, s1);

    // Two independent references for X^+: JacobiSVD (rank decided at threshold max(m,n) eps sigma_1)
    // and the complete orthogonal decomposition. Both perturbation bounds are c (m+n) eps cond(X)/sigma_r.
    Eigen::JacobiSVD<MatrixXd> svd(X, Eigen::ComputeThinU | Eigen::ComputeThinV);
    svd.setThreshold(std::max(m, n) * eps * 4.0);
    const Eigen::Index r_svd = svd.rank();
    VectorXd inv = VectorXd::Zero(svd.singularValues().size());
    for (Eigen::Index j = 0; j < r_svd; ++j) inv[j] = 1.0 / svd.singularValues()[j];
    const MatrixXd Xp = svd.matrixV() * inv.asDiagonal() * svd.matrixU().transpose();
    Eigen::CompleteOrthogonalDecomposition<MatrixXd> cod(X);
    cod.setThreshold(std::max(m, n) * eps * 4.0);
    const MatrixXd Xp2 = cod.pseudoInverse();
    const double tol_ref = 16.0 * (m + n) * eps * (s1 / sr) / sr;
    wref.add(r_svd == rank ? (Xp - Xp2).norm() : INFINITY, tol_ref, where + fmt::format(", SVD rank {}", r_svd));

    // Regularized inverse on alpha_j = sigma_r^2 10^(-5 - shift + j/2), j = 0..6, shift in [0, 1). Its distance to X^+ must
    // equal the exact max alpha/(sigma (sigma^2 + alpha)). Rounding: forming X^T X costs
    // c (m+n) eps sigma_1^2, amplified by ||(X^T X + alpha I)^-1|| = 1/(sigma_min(X^T X) + alpha), times
    // ||A|| <= 1/sigma_r; plus the reference error. k = 16.
    std::vector<double> la, le;
    const double gram_min = rank == n ? sr * sr : 0.0;
    const double shift = s.uniform();  // grid start 10^-(5 + shift): the instances probe different alpha ranges
    for (int j = 0; j < G; ++j) {
      const double a = sr * sr * std::pow(10.0, -5.0 - shift + 0.5 * j);
      const MatrixXd A = dl::ridge_pseudoinverse(X, a);
      const double e = Eigen::JacobiSVD<MatrixXd>(A - Xp).singularValues()[0];
      const double e_theory = dl::ridge_pseudoinverse_error(sigma, a);
      const double tol = 16.0 * (m + n) * eps * s1 * s1 / (gram_min + a) / sr + tol_ref;
      wexact.add(std::abs(e - e_theory), tol, where + fmt::format(", alpha={:.3g}: ||A - X^+|| = {:.6g}, exact {:.6g}", a, e, e_theory));
      la.push_back(std::log(a));
      le.push_back(std::log(e));
    }
    // Least-squares slope of log error vs log alpha: O(alpha) means slope 1. The exact local slope is
    // sigma_r^2 / (sigma_r^2 + alpha) in [1 - 1e-2, 1] on this grid; relative errors
    // |e - e_theory| / e_theory <= delta move the fitted slope by at most 2 delta / (spread of log alpha)
    // (<= delta here), so the slope must lie in [0.99 - delta, 1 + delta].
    double mx = 0, my = 0;
    for (int j = 0; j < G; ++j) mx += la[j] / G, my += le[j] / G;
    double sxy = 0, sxx = 0;
    for (int j = 0; j < G; ++j) sxy += (la[j] - mx) * (le[j] - my), sxx += (la[j] - mx) * (la[j] - mx);
    const double slope = sxy / sxx;
    slope_min = std::min(slope_min, slope);
    slope_max = std::max(slope_max, slope);
    const double delta = 1e-6;  // >> measured relative deviations (the exact check bounds them at tol/e ~ 1e-9)
    const double dev = slope > 1.0 ? slope - 1.0 : std::max(0.0, 0.99 - slope);
    wslope.add(dev, delta, where + fmt::format(", slope {:.6f}", slope));
    if (i < 6)
      table.push_back({{"instance", i}, {"kind", kinds[kind]}, {"m", m}, {"n", n}, {"rank", rank}, {"slope", slope},
                       {"error_at_smallest_alpha", std::exp(le.front())}});
  }
  r.checks.push_back(record("SVD pseudoinverse vs complete orthogonal decomposition", "closed-form-vs-numerics", wref,
                            fmt::format("{} random X: tall, wide, square, each full rank and rank-deficient; "
                                        "tolerance 16 (m+n) eps cond / sigma_r",
                                        N)));
  r.checks.push_back(record("||(X^T X + alpha I)^-1 X^T - X^+||_2 = max alpha/(sigma(sigma^2+alpha)) -> 0",
                            "exact", wexact, "alpha = sigma_r^2 10^-(5+shift) .. sigma_r^2 10^-(2+shift), shift in [0,1); tolerance from Gram rounding"));
  r.checks.push_back(record("log-log slope of the error in alpha is 1 (error O(alpha))", "exact", wslope,
                            fmt::format("fitted slopes in [{:.6f}, {:.6f}]; allowed [0.99 - 1e-6, 1 + 1e-6]", slope_min, slope_max)));
  set_worst_ratio(r, {&wref, &wexact, &wslope});
  r.estimate = slope_min;
  r.extra["instances"] = table;
  summarize(r);
  return r;
}

// dlbook.7_4.separable-logistic.
// Max-margin direction of separable data in 2-D (no bias): gamma* = max_theta min_i y_i x_i^T u(theta).
// Each y_i x_i^T u(theta) = r_i cos(theta - phi_i) is concave where positive, so their minimum is
// unimodal on the arc of positive margins: a grid locates it and Brent refines it.
double max_margin_2d(const MatrixXd& X, const VectorXd& y) {
  auto margin = [&](double th) {
    double mn = INFINITY;
    for (Eigen::Index i = 0; i < X.rows(); ++i) mn = std::min(mn, y[i] * (X(i, 0) * std::cos(th) + X(i, 1) * std::sin(th)));
    return mn;
  };
  constexpr int G = 4096;
  int best = 0;
  double bv = -INFINITY;
  for (int j = 0; j < G; ++j) {
    const double v = margin(2 * std::numbers::pi * j / G);
    if (v > bv) bv = v, best = j;
  }
  const double h = 2 * std::numbers::pi / G;
  const auto [th, neg] = boost::math::tools::brent_find_minima([&](double t) { return -margin(t); }, best * h - h,
                                                               best * h + h, 52);
  (void)th;
  return -neg;
}

ClaimResult check_separable_logistic(const CheckContext& ctx) {
  const std::string id = "dlbook.7_4.separable-logistic";
  ClaimResult r;
  constexpr int N = 2, m = 12;
  constexpr std::size_t T = std::size_t{1} << 19;
  constexpr double lambda = 0.05;
  nlohmann::json table = nlohmann::json::array();
  for (int i = 0; i < N; ++i) {
    sim::Stream s = instance_stream(ctx, id, i);
    const double ang = 2 * std::numbers::pi * s.uniform();
    const Eigen::Vector2d u(std::cos(ang), std::sin(ang));
    MatrixXd X(m, 2);
    VectorXd y(m);
    for (int k = 0; k < m; ++k) {  // resample points closer than 0.2 to the separator through 0
      Eigen::Vector2d x;
      do x = Eigen::Vector2d(s.normal(), s.normal());
      while (std::abs(u.dot(x)) < 0.2);
      X.row(k) = x.transpose();
      y[k] = u.dot(x) > 0 ? 1.0 : -1.0;
    }
    const std::string tag = fmt::format("dataset {}", i);
    // Smoothness of the mean logistic loss: Hessian <= ||X||_2^2 / (4 m). Step eta = 1/L.
    const double Ls = std::pow(Eigen::JacobiSVD<MatrixXd>(X).singularValues()[0], 2) / (4.0 * m);
    const double R = X.rowwise().norm().maxCoeff();

    // ---- without weight decay ----
    const auto tr = dl::logistic_gd(X, y, 1.0 / Ls, 0.0, T);
    const double gamma_star = max_margin_2d(X, y);
    const double w_hat_norm = 1.0 / gamma_star;  // ||w^|| of the hard-margin SVM (y_i w^T x_i >= 1)
    r.checks.push_back(boolean_record(tag + ": loss decreasing at every step", "property", tr.loss_increases == 0,
                                      fmt::format("{} increases beyond 4 (m+1) eps relative rounding in {} steps (descent "
                                                  "lemma, eta = 1/L)", tr.loss_increases, T)));
    r.checks.push_back(boolean_record(
        tag + ": ||w_t|| strictly increasing once all examples are classified", "property",
        tr.first_all_correct > 0 && tr.norm_decreases_after == 0,
        fmt::format("all margins > 0 from step {}; {} non-increases of ||w|| after it (||w_t+1||^2 - ||w_t||^2 = "
                    "2 eta (1/m) sum sigmoid(-z_i) z_i + eta^2 ||g||^2 > 0 when all z_i > 0)",
                    tr.first_all_correct, tr.norm_decreases_after)));
    // Unbounded: L(w) >= (1/m) log(1 + exp(-||w|| R)) gives the certified lower bound
    // ||w|| >= -log(expm1(m L(w))) / R, which grows without bound as L -> 0.
    const double Lend = tr.loss.back();
    const double bound = -std::log(std::expm1(m * Lend)) / R;
    const double wend = tr.norm.back();
    CheckRecord cb;
    cb.name = tag + ": ||w_T|| >= certified bound -log(expm1(m L(w_T)))/R, growing";
    cb.method = "property";
    cb.estimate = wend;
    cb.theory = bound;
    // Growth of the bound between t = T/16 and T must be positive (L keeps falling).
    const std::size_t idx16 = tr.t.size() - 5;  // records at powers of two: T/16 is 4 records before T
    const double bound16 = -std::log(std::expm1(m * tr.loss[idx16])) / R;
    cb.verdict = (wend >= bound && bound > bound16) ? Verdict::Holds : Verdict::Fails;
    cb.detail = fmt::format("T = {}: ||w_T|| = {:.6g}, bound {:.6g}; at t = {}: bound {:.6g}; L(w_T) = {:.4g}", T, wend,
                            bound, tr.t[idx16], bound16, Lend);
    r.checks.push_back(cb);
    // ||w_t|| ~ ||w^|| log t (Soudry et al. 2018, Thm. 3: w_t = w^ log t + rho_t, rho_t bounded):
    // the slope of ||w_t|| against ln t over the last 4 doublings approaches ||w^|| with an O(1/ln t)
    // correction (ln T ~ 13); asymptotic tolerance 15 %.
    const double slope = (wend - tr.norm[idx16]) / std::log(static_cast<double>(T) / tr.t[idx16]);
    CheckRecord cs;
    cs.name = tag + ": d||w_t|| / d ln t -> ||w^|| (max-margin), i.e. ||w_t|| ~ log t";
    cs.method = "property";
    cs.theory = w_hat_norm;
    cs.estimate = slope;
    cs.max_error = std::abs(slope / w_hat_norm - 1.0);
    cs.tolerance = 0.15;
    cs.verdict = *cs.max_error <= *cs.tolerance ? Verdict::Holds : Verdict::Fails;
    cs.detail = fmt::format("slope over t in [{}, {}] = {:.6g}; ||w^|| = 1/gamma* = {:.6g} (gamma* = {:.6g})", tr.t[idx16], T,
                            slope, w_hat_norm, gamma_star);
    r.checks.push_back(cs);

    // ---- with weight decay lambda ----
    const double eta_wd = 1.0 / (Ls + lambda);
    const auto wd = dl::logistic_gd(X, y, eta_wd, lambda, 4000);
    const VectorXd w_newton = dl::logistic_newton(X, y, lambda);
    const double g_newton = dl::logistic_gradient(X, y, w_newton, lambda).norm();
    // Gradient rounding floor: m terms of size <= R / m plus lambda ||w||: 16 m eps (R + lambda ||w||).
    const double g_tol = 16.0 * m * eps * (R + lambda * wd.w.norm());
    CheckRecord cg;
    cg.name = tag + ": with weight decay, gradient norm -> 0 (converged)";
    cg.method = "property";
    cg.max_error = wd.final_grad_norm;
    cg.tolerance = g_tol;
    cg.verdict = wd.final_grad_norm <= g_tol && wd.loss_increases == 0 ? Verdict::Holds : Verdict::Fails;
    cg.detail = fmt::format("lambda = {}, 4000 steps, eta = 1/(L + lambda): ||grad|| = {:.3g}, {} objective increases",
                            lambda, wd.final_grad_norm, wd.loss_increases);
    r.checks.push_back(cg);
    // Strong convexity: ||w - w_opt|| <= ||grad F(w)|| / lambda, for both iterates.
    CheckRecord cu;
    cu.name = tag + ": with weight decay, GD limit = unique minimizer (Newton), finite norm";
    cu.method = "closed-form-vs-numerics";
    cu.max_error = (wd.w - w_newton).norm();
    cu.tolerance = (wd.final_grad_norm + g_newton + 2 * g_tol) / lambda;
    const double norm_cap = std::sqrt(2.0 * std::log(2.0) / lambda);  // F(w) <= F(0) = log 2
    cu.verdict = *cu.max_error <= *cu.tolerance && wd.w.norm() <= norm_cap ? Verdict::Holds : Verdict::Fails;
    cu.detail = fmt::format("||w_GD|| = {:.10g} <= sqrt(2 log 2 / lambda) = {:.4g}; Newton gradient {:.3g}", wd.w.norm(),
                            norm_cap, g_newton);
    r.checks.push_back(cu);

    // The mean logistic loss that both runs descend (theory::dlbook::logistic_loss), against its
    // definition (1/m) sum log(1 + exp(-y_i x_i^T w)) in 50 digits (Boost cpp_bin_float_50, with the
    // margins formed in 50 digits from the same doubles), at w = 0 (log 2), the weight-decay limit,
    // its negative and 40 times it (margins up to ~100: the exp(-z) tail). The function forms z_i with
    // <= 2 eps sum_j |x_ij w_j| absolute error, and softplus(-z) moves by at most that relative
    // (sigmoid <= softplus), plus 4 eps per term and m eps for the sum: tolerance
    // (1/m) sum_i t_i (4 + 4 sum_j |x_ij w_j|) eps + m eps L, <= 1e-12 relative here.
    {
      using mp = boost::multiprecision::cpp_bin_float_50;
      Worst wl;
      for (const double scale : {0.0, 1.0, -1.0, 40.0}) {
        const VectorXd w = scale * wd.w;
        mp sum = 0;
        double tol = 0;
        for (int k = 0; k < m; ++k) {
          const mp z = mp(y[k]) * (mp(X(k, 0)) * mp(w[0]) + mp(X(k, 1)) * mp(w[1]));
          const mp t = log1p(exp(-z));
          sum += t;
          tol += static_cast<double>(t) * (4.0 + 4.0 * (std::abs(X(k, 0) * w[0]) + std::abs(X(k, 1) * w[1]))) * eps / m;
        }
        const mp ref = sum / m;
        const double got = dl::logistic_loss(X, y, w);
        tol += m * eps * static_cast<double>(ref);
        wl.add(static_cast<double>(abs(mp(got) - ref)), tol,
               fmt::format("w = {} w_decay: got {:.17g}, 50-digit {:.17g}", scale, got, static_cast<double>(ref)));
      }
      r.checks.push_back(record(tag + ": mean logistic loss vs its definition in 50 digits", "exact", wl,
                                "w = 0 (log 2), w_decay, -w_decay, 40 w_decay"));
    }

    nlohmann::json growth = nlohmann::json::array();
    for (std::size_t j = 0; j < tr.t.size(); j += 2) growth.push_back({{"t", tr.t[j]}, {"norm", tr.norm[j]}, {"loss", tr.loss[j]}});
    table.push_back({{"dataset", i}, {"max_margin_norm", w_hat_norm}, {"log_slope", slope}, {"no_decay_growth", growth},
                     {"weight_decay_norm", wd.w.norm()}});
    if (i == 0) {
      r.estimate = slope;
      r.theory = w_hat_norm;
    }
  }
  r.extra["datasets"] = table;
  summarize(r);
  return r;
}

}  // namespace

void register_pseudoinverse(Registry& reg) {
  reg.add({.id = "dlbook.7_4.pseudoinverse",
           .source = "dlbook",
           .method = "closed form vs SVD pseudoinverse; error O(alpha)",
           .statement = "X^+ = lim_{alpha -> 0+} (X^T X + alpha I)^-1 X^T, also for rank-deficient and wide X.",
           .expected = Verdict::Holds,
           .finding = "",
           .mc_tests = 0,
           .check = check_pseudoinverse});
  reg.add({.id = "dlbook.7_4.separable-logistic",
           .source = "dlbook",
           .method = "exact dynamics, property",
           .statement = "On linearly separable data, gradient descent on the logistic loss grows ||w|| without bound; "
                        "with weight decay it converges to a finite w.",
           .expected = Verdict::Holds,
           .finding = "",
           .mc_tests = 0,
           .check = check_separable_logistic});
}

}  // namespace regcheck::claims::dlbook
