#include "theory/dlbook_linear.hpp"

#include "theory/prox.hpp"

#include <boost/math/tools/toms748_solve.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>

namespace regcheck::theory::dlbook {

namespace {

using detail::num;

std::string dims(const MatrixXd& M) { return std::to_string(M.rows()) + "x" + std::to_string(M.cols()); }

void require_finite(const MatrixXd& M, const char* fn, const char* name) {
  REGCHECK_REQUIRE(M.allFinite(), std::string(fn) + ": " + name + " must be finite (" + dims(M) + " matrix has a NaN or inf)");
}

void require_alpha_positive(double alpha, const char* fn) {
  REGCHECK_REQUIRE(std::isfinite(alpha) && alpha > 0, std::string(fn) + ": alpha must be finite and > 0, got " + num(alpha));
}

// H must be square, finite, symmetric (to 1e-12 relative: callers build H = B B^T, whose computed
// asymmetry is O(eps)), and match w*.
void require_hessian(const MatrixXd& H, const VectorXd& w_star, const char* fn) {
  REGCHECK_REQUIRE(H.rows() == H.cols() && H.rows() > 0, std::string(fn) + ": H must be square and non-empty, got " + dims(H));
  REGCHECK_REQUIRE(w_star.size() == H.rows(), std::string(fn) + ": w* has size " + std::to_string(w_star.size()) +
                                         ", H is " + dims(H));
  require_finite(H, fn, "H");
  REGCHECK_REQUIRE(w_star.allFinite(), std::string(fn) + ": w* must be finite");
  const double asym = (H - H.transpose()).cwiseAbs().maxCoeff();
  REGCHECK_REQUIRE(asym <= 1e-12 * std::max(1.0, H.cwiseAbs().maxCoeff()),
          std::string(fn) + ": H must be symmetric, max |H - H^T| = " + num(asym));
}

void require_design(const MatrixXd& X, const VectorXd& y, const char* fn) {
  REGCHECK_REQUIRE(X.rows() > 0 && X.cols() > 0, std::string(fn) + ": X must be non-empty, got " + dims(X));
  REGCHECK_REQUIRE(y.size() == X.rows(), std::string(fn) + ": y has size " + std::to_string(y.size()) + ", X is " + dims(X));
  require_finite(X, fn, "X");
  REGCHECK_REQUIRE(y.allFinite(), std::string(fn) + ": y must be finite");
}

// Cholesky solve of an SPD matrix; a failed factorization (not SPD in floating point) is a misuse
// by construction here (H PSD + alpha I with alpha > 0), reported as such.
MatrixXd spd_solve(const MatrixXd& A, const MatrixXd& B, const char* fn) {
  Eigen::LLT<MatrixXd> llt(A);
  REGCHECK_REQUIRE(llt.info() == Eigen::Success, std::string(fn) + ": matrix is not positive definite (is H PSD?)");
  return llt.solve(B);
}

// log(1 + exp(-z)) without overflow and without losing small values.
double softplus_neg(double z) { return z >= 0 ? std::log1p(std::exp(-z)) : -z + std::log1p(std::exp(z)); }
// sigmoid(-z) = 1 / (1 + exp(z)), evaluated on the side where exp does not overflow.
double sigmoid_neg(double z) {
  if (z >= 0) {
    const double e = std::exp(-z);
    return e / (1.0 + e);
  }
  return 1.0 / (1.0 + std::exp(z));
}

void require_labels(const MatrixXd& X, const VectorXd& y, const char* fn) {
  require_design(X, y, fn);
  for (Eigen::Index i = 0; i < y.size(); ++i)
    REGCHECK_REQUIRE(y[i] == 1.0 || y[i] == -1.0, std::string(fn) + ": labels must be -1 or +1, got y[" + std::to_string(i) +
                                             "] = " + num(y[i]));
}

}  // namespace

// ---- 7.2.1 ----

VectorXd l2_minimizer(const MatrixXd& H, const VectorXd& w_star, double alpha) {
  require_hessian(H, w_star, "l2_minimizer");
  require_alpha_positive(alpha, "l2_minimizer");
  const MatrixXd A = H + alpha * MatrixXd::Identity(H.rows(), H.cols());
  return spd_solve(A, H * w_star, "l2_minimizer");
}

VectorXd l2_minimizer_eigen(const MatrixXd& H, const VectorXd& w_star, double alpha) {
  require_hessian(H, w_star, "l2_minimizer_eigen");
  require_alpha_positive(alpha, "l2_minimizer_eigen");
  Eigen::SelfAdjointEigenSolver<MatrixXd> es(H);
  REGCHECK_REQUIRE(es.info() == Eigen::Success, "l2_minimizer_eigen: eigendecomposition did not converge");
  const VectorXd lambda = es.eigenvalues().cwiseMax(0.0);  // PSD: -O(eps) values are rounding
  const MatrixXd& Q = es.eigenvectors();
  const VectorXd c = Q.transpose() * w_star;  // Q^T w*
  return Q * (l2_rescaling_factors(lambda, alpha).cwiseProduct(c));
}

VectorXd l2_rescaling_factors(const VectorXd& lambda, double alpha) {
  require_alpha_positive(alpha, "l2_rescaling_factors");
  VectorXd f(lambda.size());
  for (Eigen::Index i = 0; i < lambda.size(); ++i) {
    REGCHECK_REQUIRE(std::isfinite(lambda[i]) && lambda[i] >= 0,
            "l2_rescaling_factors: eigenvalues must be finite and >= 0 (H is PSD), got lambda[" + std::to_string(i) +
                "] = " + num(lambda[i]));
    f[i] = lambda[i] / (lambda[i] + alpha);
  }
  return f;
}

double effective_params(const std::vector<double>& lambda, double alpha) {
  REGCHECK_REQUIRE(std::isfinite(alpha) && alpha >= 0, "effective_params: alpha must be finite and >= 0, got " + num(alpha));
  double gamma = 0;
  for (std::size_t i = 0; i < lambda.size(); ++i) {
    const double l = lambda[i];
    REGCHECK_REQUIRE(std::isfinite(l) && l >= 0, "effective_params: eigenvalues must be finite and >= 0 (H is PSD), got lambda[" +
                                            std::to_string(i) + "] = " + num(l));
    if (l == 0) continue;  // term 0 for every alpha >= 0 (limit alpha -> 0+ at alpha = 0)
    // l / (l + alpha) as 1 / (1 + alpha / l) or r / (1 + r), r = l / alpha, whichever ratio is
    // <= 1: l + alpha overflows for l, alpha near DBL_MAX (1e308 / inf = 0 instead of 1/2).
    // Three roundings per term, relative error <= 2 eps as before.
    if (l >= alpha) {
      gamma += 1.0 / (1.0 + alpha / l);
    } else {
      const double r = l / alpha;
      gamma += r / (1.0 + r);
    }
  }
  return gamma;
}

// ---- ridge ----

double ridge_objective(const MatrixXd& X, const VectorXd& y, const VectorXd& w, double alpha) {
  require_design(X, y, "ridge_objective");
  REGCHECK_REQUIRE(w.size() == X.cols(), "ridge_objective: w has size " + std::to_string(w.size()) + ", X is " + dims(X));
  REGCHECK_REQUIRE(std::isfinite(alpha) && alpha >= 0, "ridge_objective: alpha must be finite and >= 0, got " + num(alpha));
  const VectorXd r = X * w - y;
  return r.squaredNorm() + 0.5 * alpha * w.squaredNorm();
}

VectorXd ridge_objective_gradient(const MatrixXd& X, const VectorXd& y, const VectorXd& w, double alpha) {
  require_design(X, y, "ridge_objective_gradient");
  REGCHECK_REQUIRE(w.size() == X.cols(), "ridge_objective_gradient: w has size " + std::to_string(w.size()) + ", X is " + dims(X));
  REGCHECK_REQUIRE(std::isfinite(alpha) && alpha >= 0,
          "ridge_objective_gradient: alpha must be finite and >= 0, got " + num(alpha));
  return 2.0 * (X.transpose() * (X * w - y)) + alpha * w;
}

VectorXd ridge_printed(const MatrixXd& X, const VectorXd& y, double alpha) {
  require_design(X, y, "ridge_printed");
  require_alpha_positive(alpha, "ridge_printed");
  const MatrixXd A = X.transpose() * X + alpha * MatrixXd::Identity(X.cols(), X.cols());
  return spd_solve(A, X.transpose() * y, "ridge_printed");
}

VectorXd ridge_corrected(const MatrixXd& X, const VectorXd& y, double alpha) {
  require_design(X, y, "ridge_corrected");
  require_alpha_positive(alpha, "ridge_corrected");
  const MatrixXd A = X.transpose() * X + 0.5 * alpha * MatrixXd::Identity(X.cols(), X.cols());
  return spd_solve(A, X.transpose() * y, "ridge_corrected");
}

// ---- 7.2.2 ----

VectorXd l1_diagonal_solution(const VectorXd& gamma, const VectorXd& w_star, double beta) {
  REGCHECK_REQUIRE(gamma.size() == w_star.size(), "l1_diagonal_solution: gamma has size " + std::to_string(gamma.size()) +
                                             ", w* has size " + std::to_string(w_star.size()));
  REGCHECK_REQUIRE(std::isfinite(beta) && beta >= 0, "l1_diagonal_solution: beta must be finite and >= 0, got " + num(beta));
  VectorXd w(w_star.size());
  for (Eigen::Index i = 0; i < w.size(); ++i) {
    REGCHECK_REQUIRE(std::isfinite(gamma[i]) && gamma[i] > 0, "l1_diagonal_solution: gamma_i must be finite and > 0, got gamma[" +
                                                         std::to_string(i) + "] = " + num(gamma[i]));
    REGCHECK_REQUIRE(std::isfinite(w_star[i]), "l1_diagonal_solution: w* must be finite, got w*[" + std::to_string(i) +
                                          "] = " + num(w_star[i]));
    const double shrunk = std::max(std::abs(w_star[i]) - beta / gamma[i], 0.0);
    w[i] = w_star[i] > 0 ? shrunk : (w_star[i] < 0 ? -shrunk : 0.0);
  }
  return w;
}

double l1_quadratic_objective(const MatrixXd& H, const VectorXd& w_star, const VectorXd& w, double beta) {
  require_hessian(H, w_star, "l1_quadratic_objective");
  REGCHECK_REQUIRE(w.size() == w_star.size(), "l1_quadratic_objective: w has size " + std::to_string(w.size()) +
                                         ", w* has size " + std::to_string(w_star.size()));
  REGCHECK_REQUIRE(std::isfinite(beta) && beta >= 0, "l1_quadratic_objective: beta must be finite and >= 0, got " + num(beta));
  const VectorXd d = w - w_star;
  return 0.5 * d.dot(H * d) + beta * w.lpNorm<1>();
}

VectorXd l1_quadratic_minimizer_exact(const MatrixXd& H, const VectorXd& w_star, double beta) {
  require_hessian(H, w_star, "l1_quadratic_minimizer_exact");
  REGCHECK_REQUIRE(std::isfinite(beta) && beta >= 0,
          "l1_quadratic_minimizer_exact: beta must be finite and >= 0, got " + num(beta));
  const int n = static_cast<int>(H.rows());
  REGCHECK_REQUIRE(n <= 10, "l1_quadratic_minimizer_exact: dimension must be <= 10 (3^n enumeration), got " + std::to_string(n));
  Eigen::LLT<MatrixXd> full(H);
  REGCHECK_REQUIRE(full.info() == Eigen::Success, "l1_quadratic_minimizer_exact: H must be positive definite");
  const VectorXd b = H * w_star;
  std::int64_t patterns = 1;
  for (int i = 0; i < n; ++i) patterns *= 3;
  VectorXd best = VectorXd::Zero(n);
  double best_f = l1_quadratic_objective(H, w_star, best, beta);
  std::vector<int> s(n);
  // Digit i of `code` in base 3 is s_i + 1; the empty support (all digits 1) is the w = 0 start.
  for (std::int64_t code = 0; code < patterns; ++code) {
    std::int64_t c = code;
    std::vector<int> S;
    for (int i = 0; i < n; ++i) {
      s[i] = static_cast<int>(c % 3) - 1;  // -1, 0, +1
      c /= 3;
      if (s[i] != 0) S.push_back(i);
    }
    if (S.empty()) continue;
    const int k = static_cast<int>(S.size());
    MatrixXd HSS(k, k);
    VectorXd rhs(k);
    for (int a = 0; a < k; ++a) {
      rhs[a] = b[S[a]] - beta * s[S[a]];
      for (int bb = 0; bb < k; ++bb) HSS(a, bb) = H(S[a], S[bb]);
    }
    const VectorXd wS = HSS.llt().solve(rhs);  // principal submatrix of an SPD matrix is SPD
    bool consistent = true;
    for (int a = 0; a < k && consistent; ++a) consistent = (s[S[a]] > 0 ? wS[a] > 0 : wS[a] < 0);
    if (!consistent) continue;
    VectorXd w = VectorXd::Zero(n);
    for (int a = 0; a < k; ++a) w[S[a]] = wS[a];
    const double f = l1_quadratic_objective(H, w_star, w, beta);
    if (f < best_f) {
      best_f = f;
      best = w;
    }
  }
  return best;
}

// ---- 7.3 ----

double l2_solution_norm(const MatrixXd& H, const VectorXd& w_star, double alpha) {
  return l2_minimizer(H, w_star, alpha).norm();
}

AlphaForNormResult alpha_for_norm(const MatrixXd& H, const VectorXd& w_star, double k) {
  require_hessian(H, w_star, "alpha_for_norm");
  Eigen::LLT<MatrixXd> llt(H);
  REGCHECK_REQUIRE(llt.info() == Eigen::Success, "alpha_for_norm: H must be positive definite");
  const double norm_star = w_star.norm();
  REGCHECK_REQUIRE(std::isfinite(k) && k > 0 && k < norm_star,
          "alpha_for_norm: k must be in (0, ||w*|| = " + num(norm_star) + "), got " + num(k));
  // ||w~(alpha)|| <= ||H|| ||w*|| / (lambda_min + alpha) < ||H|| ||w*|| / alpha, so g(alpha_hi) < 0 at
  // alpha_hi = ||H||_F ||w*|| / k (Frobenius >= spectral norm).
  const double alpha_hi = H.norm() * norm_star / k;
  auto g = [&](double alpha) { return alpha == 0 ? norm_star - k : l2_solution_norm(H, w_star, alpha) - k; };
  boost::uintmax_t iters = 200;
  const auto [lo, hi] = boost::math::tools::toms748_solve(g, 0.0, alpha_hi, norm_star - k, g(alpha_hi),
                                                          boost::math::tools::eps_tolerance<double>(48), iters);
  AlphaForNormResult r;
  r.alpha = 0.5 * (lo + hi);
  r.iterations = static_cast<std::size_t>(iters);
  r.bracket_lo = lo;
  r.bracket_hi = hi;
  return r;
}

VectorXd project_l1_ball(const VectorXd& v, double k) {
  REGCHECK_REQUIRE(std::isfinite(k) && k > 0, "project_l1_ball: k must be finite and > 0, got " + num(k));
  REGCHECK_REQUIRE(v.allFinite(), "project_l1_ball: v must be finite");
  if (v.lpNorm<1>() <= k) return v;
  std::vector<double> u(v.size());
  for (Eigen::Index i = 0; i < v.size(); ++i) u[i] = std::abs(v[i]);
  std::sort(u.begin(), u.end(), std::greater<>());
  double cum = 0, theta = 0;
  for (std::size_t j = 0; j < u.size(); ++j) {
    cum += u[j];
    const double t = (cum - k) / static_cast<double>(j + 1);
    if (u[j] - t > 0) theta = t;  // rho = the last j with u_j > (sum_{i<=j} u_i - k) / j
  }
  VectorXd w(v.size());
  for (Eigen::Index i = 0; i < v.size(); ++i) w[i] = std::copysign(std::max(std::abs(v[i]) - theta, 0.0), v[i]);
  return w;
}

namespace {
template <class Project>
ProjectedGdResult projected_gd(const MatrixXd& H, const VectorXd& w_star, double k, double tol, std::size_t max_iter,
                               const char* fn, Project project) {
  require_hessian(H, w_star, fn);
  REGCHECK_REQUIRE(std::isfinite(k) && k > 0, std::string(fn) + ": k must be finite and > 0, got " + num(k));
  REGCHECK_REQUIRE(std::isfinite(tol) && tol >= 0, std::string(fn) + ": tol must be finite and >= 0, got " + num(tol));
  Eigen::SelfAdjointEigenSolver<MatrixXd> es(H, Eigen::EigenvaluesOnly);
  const double lmin = es.eigenvalues().minCoeff(), lmax = es.eigenvalues().maxCoeff();
  REGCHECK_REQUIRE(lmin > 0, std::string(fn) + ": H must be positive definite, smallest eigenvalue " + num(lmin));
  ProjectedGdResult r;
  r.contraction = 1.0 - lmin / lmax;
  const double eta = 1.0 / lmax;
  VectorXd w = VectorXd::Zero(w_star.size());
  for (std::size_t t = 0; t < max_iter; ++t) {
    VectorXd next = project(VectorXd(w - eta * (H * (w - w_star))));
    r.last_step = (next - w).norm();
    w = std::move(next);
    r.iterations = t + 1;
    if (r.last_step <= tol) break;
  }
  r.w = w;
  return r;
}
}  // namespace

ProjectedGdResult projected_gd_l1_ball(const MatrixXd& H, const VectorXd& w_star, double k, double tol,
                                       std::size_t max_iter) {
  return projected_gd(H, w_star, k, tol, max_iter, "projected_gd_l1_ball",
                      [k](const VectorXd& v) { return project_l1_ball(v, k); });
}

ProjectedGdResult projected_gd_l2_ball(const MatrixXd& H, const VectorXd& w_star, double k, double tol,
                                       std::size_t max_iter) {
  return projected_gd(H, w_star, k, tol, max_iter, "projected_gd_l2_ball", [k](const VectorXd& v) {
    const double nn = v.norm();
    return nn > k ? VectorXd(v * (k / nn)) : v;  // Euclidean projection onto the ball
  });
}

// ---- 7.4 pseudoinverse ----

MatrixXd ridge_pseudoinverse(const MatrixXd& X, double alpha) {
  REGCHECK_REQUIRE(X.rows() > 0 && X.cols() > 0, "ridge_pseudoinverse: X must be non-empty, got " + dims(X));
  require_finite(X, "ridge_pseudoinverse", "X");
  require_alpha_positive(alpha, "ridge_pseudoinverse");
  const MatrixXd A = X.transpose() * X + alpha * MatrixXd::Identity(X.cols(), X.cols());
  return spd_solve(A, X.transpose(), "ridge_pseudoinverse");
}

double ridge_pseudoinverse_error(const std::vector<double>& sigma, double alpha) {
  REGCHECK_REQUIRE(std::isfinite(alpha) && alpha >= 0, "ridge_pseudoinverse_error: alpha must be finite and >= 0, got " + num(alpha));
  double e = 0;
  for (std::size_t i = 0; i < sigma.size(); ++i) {
    REGCHECK_REQUIRE(std::isfinite(sigma[i]) && sigma[i] >= 0, "ridge_pseudoinverse_error: singular values must be finite and >= 0, got sigma[" +
                                                          std::to_string(i) + "] = " + num(sigma[i]));
    if (sigma[i] > 0) e = std::max(e, alpha / (sigma[i] * (sigma[i] * sigma[i] + alpha)));
  }
  return e;
}

// ---- 7.4 logistic ----

double logistic_loss(const MatrixXd& X, const VectorXd& y, const VectorXd& w) {
  require_labels(X, y, "logistic_loss");
  REGCHECK_REQUIRE(w.size() == X.cols(), "logistic_loss: w has size " + std::to_string(w.size()) + ", X is " + dims(X));
  const VectorXd z = (X * w).cwiseProduct(y);
  double s = 0;
  for (Eigen::Index i = 0; i < z.size(); ++i) s += softplus_neg(z[i]);
  return s / static_cast<double>(z.size());
}

VectorXd logistic_gradient(const MatrixXd& X, const VectorXd& y, const VectorXd& w, double lambda) {
  require_labels(X, y, "logistic_gradient");
  REGCHECK_REQUIRE(w.size() == X.cols(), "logistic_gradient: w has size " + std::to_string(w.size()) + ", X is " + dims(X));
  REGCHECK_REQUIRE(std::isfinite(lambda) && lambda >= 0, "logistic_gradient: lambda must be finite and >= 0, got " + num(lambda));
  const VectorXd z = (X * w).cwiseProduct(y);
  VectorXd coef(z.size());
  for (Eigen::Index i = 0; i < z.size(); ++i) coef[i] = -sigmoid_neg(z[i]) * y[i] / static_cast<double>(z.size());
  return X.transpose() * coef + lambda * w;
}

LogisticGdTrace logistic_gd(const MatrixXd& X, const VectorXd& y, double eta, double lambda, std::size_t steps) {
  require_labels(X, y, "logistic_gd");
  REGCHECK_REQUIRE(std::isfinite(eta) && eta > 0, "logistic_gd: eta must be finite and > 0, got " + num(eta));
  REGCHECK_REQUIRE(std::isfinite(lambda) && lambda >= 0, "logistic_gd: lambda must be finite and >= 0, got " + num(lambda));
  const Eigen::Index m = X.rows(), n = X.cols();
  // Rows pre-multiplied by their labels: margins are Z w.
  constexpr double eps = std::numeric_limits<double>::epsilon();
  const MatrixXd Z = y.asDiagonal() * X;
  const MatrixXd Zt = Z.transpose();
  LogisticGdTrace tr;
  VectorXd w = VectorXd::Zero(n), z(m), coef(m), g(n);
  auto objective = [&](const VectorXd& zz, const VectorXd& ww) {
    double s = 0;
    for (Eigen::Index i = 0; i < m; ++i) s += softplus_neg(zz[i]);
    return s / static_cast<double>(m) + 0.5 * lambda * ww.squaredNorm();
  };
  z.setZero();
  double F = objective(z, w);
  double norm = 0;
  std::size_t next_record = 1;
  auto record = [&](std::size_t t) {
    tr.t.push_back(t);
    tr.norm.push_back(norm);
    tr.loss.push_back(F - 0.5 * lambda * w.squaredNorm());
  };
  record(0);
  for (std::size_t t = 0; t < steps; ++t) {
    for (Eigen::Index i = 0; i < m; ++i) coef[i] = -sigmoid_neg(z[i]) / static_cast<double>(m);
    g.noalias() = Zt * coef;
    g += lambda * w;
    w -= eta * g;
    z.noalias() = Z * w;
    const double new_norm = w.norm();
    const double newF = objective(z, w);
    // An increase beyond rounding: F is a sum of m + 1 nonnegative terms, each with a few eps relative
    // error, so once converged F fluctuates by ~m eps F; only larger increases violate descent.
    if (newF > F * (1.0 + 4.0 * static_cast<double>(m + 1) * eps)) ++tr.loss_increases;
    if (tr.first_all_correct != 0 && new_norm <= norm) ++tr.norm_decreases_after;
    if (tr.first_all_correct == 0 && z.minCoeff() > 0) tr.first_all_correct = t + 1;
    norm = new_norm;
    F = newF;
    if (t + 1 == next_record || t + 1 == steps) {
      record(t + 1);
      if (t + 1 == next_record) next_record *= 2;
    }
  }
  tr.w = w;
  tr.final_grad_norm = logistic_gradient(X, y, w, lambda).norm();
  return tr;
}

VectorXd logistic_newton(const MatrixXd& X, const VectorXd& y, double lambda) {
  require_labels(X, y, "logistic_newton");
  REGCHECK_REQUIRE(std::isfinite(lambda) && lambda > 0, "logistic_newton: lambda must be finite and > 0, got " + num(lambda));
  const Eigen::Index m = X.rows(), n = X.cols();
  auto F = [&](const VectorXd& w) { return logistic_loss(X, y, w) + 0.5 * lambda * w.squaredNorm(); };
  VectorXd w = VectorXd::Zero(n);
  double gnorm = std::numeric_limits<double>::infinity();
  for (int it = 0; it < 100; ++it) {
    const VectorXd g = logistic_gradient(X, y, w, lambda);
    const double gn = g.norm();
    if (!(gn < gnorm)) break;  // no more progress: rounding floor reached
    gnorm = gn;
    const VectorXd z = (X * w).cwiseProduct(y);
    MatrixXd Hs = lambda * MatrixXd::Identity(n, n);
    for (Eigen::Index i = 0; i < m; ++i) {
      const double s = sigmoid_neg(z[i]);
      Hs += (s * (1.0 - s) / static_cast<double>(m)) * X.row(i).transpose() * X.row(i);
    }
    const VectorXd step = Hs.llt().solve(g);
    // Backtracking (Armijo) keeps the damped phase monotone; near the optimum the full step is taken.
    double tstep = 1.0;
    const double F0 = F(w), slope = g.dot(step);
    while (tstep > 1e-12 && F(w - tstep * step) > F0 - 0.25 * tstep * slope) tstep *= 0.5;
    w -= tstep * step;
  }
  return w;
}

}  // namespace regcheck::theory::dlbook
