#pragma once
// Closed forms of Deep Learning ch. 7, linear group (Goodfellow, Bengio, Courville 2016,
// sections 7.2-7.4), and the small reference
// numerics the checks compare them with (exact active-set enumeration, projected gradient descent,
// gradient descent on logistic regression).
//
// Notation as in the book: H is the (PSD) Hessian of J at the unregularized optimum w*, alpha the
// weight of the norm penalty, lambda_i the eigenvalues of H, X (m x n) the design matrix with one
// example per row, y the targets. Misuse (non-finite input, mismatched sizes, alpha < 0 or
// alpha = 0 where the inverse does not exist, negative eigenvalues) throws std::invalid_argument
// naming the offending value.
#include <Eigen/Dense>

#include <cstddef>
#include <vector>

namespace regcheck::theory::dlbook {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// ---- 7.2.1 L2 regularization of a quadratic J -------------------------------------------------

// Eq. 7.6: minimizer of J^(w) + (alpha/2) w^T w with J^ = J(w*) + (1/2)(w - w*)^T H (w - w*):
//   w~ = (H + alpha I)^-1 H w*.
// Goodfellow et al. 2016, eq. 7.6. H symmetric PSD (symmetry checked to 1e-12 relative), alpha > 0
// (then H + alpha I is SPD; at alpha = 0 with singular H the inverse does not exist). Solved by a
// Cholesky (LLT) factorization of the SPD matrix H + alpha I.
VectorXd l2_minimizer(const MatrixXd& H, const VectorXd& w_star, double alpha);

// Eq. 7.7: the same minimizer through the eigendecomposition H = Q Lambda Q^T:
//   Q^T w~ = (Lambda + alpha I)^-1 Lambda Q^T w*,  i.e. w~ = Q diag(lambda_i / (lambda_i + alpha)) Q^T w*.
// Goodfellow et al. 2016, eq. 7.7. Eigenvalues of a PSD H computed in floating point can come out
// as -O(eps ||H||); they are clamped to 0 (the book's H is PSD, so a tiny negative value is
// rounding, and lambda + alpha must stay > 0).
VectorXd l2_minimizer_eigen(const MatrixXd& H, const VectorXd& w_star, double alpha);

// The rescaling factors of eq. 7.7: lambda_i / (lambda_i + alpha), each in [0, 1).
// lambda_i >= 0 (finite), alpha > 0.
VectorXd l2_rescaling_factors(const VectorXd& lambda, double alpha);

// Eq. 7.8: effective number of parameters gamma = sum_i lambda_i / (lambda_i + alpha).
// Goodfellow et al. 2016, eq. 7.8. lambda_i >= 0 finite, alpha >= 0. Regimes: alpha = 0 is the
// limit alpha -> 0+ (each term is 1 if lambda_i > 0 and 0 if lambda_i = 0, so gamma = rank H);
// gamma is in [0, n] and strictly decreasing in alpha when some lambda_i > 0
// (d gamma / d alpha = -sum lambda_i / (lambda_i + alpha)^2). Each term is computed as
// 1 / (1 + alpha / lambda) or r / (1 + r), r = lambda / alpha (the ratio <= 1, so nothing overflows
// anywhere in the double range): relative error <= 2 eps per term, terms are nonnegative, so the
// sum has relative error <= (n + 2) eps.
double effective_params(const std::vector<double>& lambda, double alpha);

// ---- 7.2.1 ridge regression as printed -------------------------------------------------------

// The book's L2-regularized linear regression objective, as printed in 7.2.1:
//   f(w) = (X w - y)^T (X w - y) + (1/2) alpha w^T w.
double ridge_objective(const MatrixXd& X, const VectorXd& y, const VectorXd& w, double alpha);
// Its gradient 2 X^T (X w - y) + alpha w.
VectorXd ridge_objective_gradient(const MatrixXd& X, const VectorXd& y, const VectorXd& w, double alpha);
// The book's printed normal equations: w = (X^T X + alpha I)^-1 X^T y (alpha > 0, Cholesky).
// This minimizes (1/2)||X w - y||^2 + (1/2) alpha ||w||^2, NOT the printed objective f above.
VectorXd ridge_printed(const MatrixXd& X, const VectorXd& y, double alpha);
// The minimizer of the printed objective f: setting its gradient to zero gives
//   w = (X^T X + (alpha/2) I)^-1 X^T y   (alpha > 0).
VectorXd ridge_corrected(const MatrixXd& X, const VectorXd& y, double alpha);

// ---- 7.2.2 L1 regularization of a quadratic J ------------------------------------------------

// Section 7.2.2 (the unnumbered closed form after eq. 7.11, "eq. 7.23" in the print edition): with
// diagonal H = diag(gamma_1..gamma_N), gamma_i > 0, the minimizer of
//   (1/2) sum_i gamma_i (w_i - w*_i)^2 + beta sum_i |w_i|
// is  w_i = sign(w*_i) max(|w*_i| - beta / gamma_i, 0)  (soft thresholding at beta / gamma_i).
// Goodfellow et al. 2016, sec. 7.2.2. beta >= 0, gamma_i > 0.
VectorXd l1_diagonal_solution(const VectorXd& gamma, const VectorXd& w_star, double beta);

// The quadratic-approximation objective with an L1 penalty, without the constant J(w*):
//   Jt(w) = (1/2)(w - w*)^T H (w - w*) + beta ||w||_1.
double l1_quadratic_objective(const MatrixXd& H, const VectorXd& w_star, const VectorXd& w, double beta);

// Exact global minimizer of l1_quadratic_objective for SPD H of small dimension (n <= 10), by
// enumerating all 3^n sign patterns s in {-1, 0, +1}^n: on the support S the stationarity
// condition H_SS w_S = (H w*)_S - beta s_S is solved (Cholesky of the SPD H_SS), and the candidate
// is kept if sign(w_S) = s_S. The true minimizer has some support and signs, so it is among the
// kept candidates, and every kept candidate is feasible: the smallest objective among them is the
// global minimum (up to rounding). Returns the argmin.
VectorXd l1_quadratic_minimizer_exact(const MatrixXd& H, const VectorXd& w_star, double beta);

// ---- 7.3 penalty vs constraint ----------------------------------------------------------------

// k(alpha) = ||w~(alpha)||_2 with w~ from eq. 7.6: the radius of the L2 ball whose constrained
// problem the penalized one solves (sec. 7.3). Strictly decreasing in alpha when H w* != 0.
double l2_solution_norm(const MatrixXd& H, const VectorXd& w_star, double alpha);

struct AlphaForNormResult {
  double alpha = 0;          // root of ||w~(alpha)|| = k
  std::size_t iterations = 0;
  double bracket_lo = 0, bracket_hi = 0;  // final toms748 bracket
};
// Sec. 7.3: the penalty weight alpha* whose penalized solution has norm k, found by
// Boost.Math toms748 on g(alpha) = ||w~(alpha)|| - k (bracketed in [0, alpha_hi] with
// alpha_hi = ||H|| ||w*|| / k, where ||w~(alpha)|| <= ||H|| ||w*|| / alpha <= k). H must be SPD
// (so k(0) = ||w*||), 0 < k < ||w*||. Termination: bracket width <= 2^-48 relative.
AlphaForNormResult alpha_for_norm(const MatrixXd& H, const VectorXd& w_star, double k);

struct ProjectedGdResult {
  VectorXd w;
  std::size_t iterations = 0;
  double last_step = 0;     // ||w_{t+1} - w_t||
  double contraction = 0;   // rho = 1 - lambda_min / lambda_max: ||w_t - w_opt|| <= last_step / (1 - rho)
};
// Projected gradient descent for  min (1/2)(w - w*)^T H (w - w*)  s.t. ||w||_2 <= k  (sec. 7.3:
// "take a step downhill on J and then project back"), step 1/lambda_max, projection
// w <- w min(1, k/||w||), from w = 0, until ||w_{t+1} - w_t|| <= tol or max_iter. H SPD, k > 0.
ProjectedGdResult projected_gd_l2_ball(const MatrixXd& H, const VectorXd& w_star, double k, double tol,
                                       std::size_t max_iter);

// Euclidean projection onto the L1 ball {||w||_1 <= k}, k > 0 (Duchi, Shalev-Shwartz, Singer,
// Chandra 2008, Fig. 1): w = sign(v) max(|v| - theta, 0) with theta from the sorted magnitudes.
VectorXd project_l1_ball(const VectorXd& v, double k);

// Projected gradient descent for  min (1/2)(w - w*)^T H (w - w*)  s.t. ||w||_1 <= k  (sec. 7.3 with
// Omega = L1), same step, stopping rule and contraction bound as projected_gd_l2_ball (the
// projection onto a convex set is nonexpansive).
ProjectedGdResult projected_gd_l1_ball(const MatrixXd& H, const VectorXd& w_star, double k, double tol,
                                       std::size_t max_iter);

// ---- 7.4 pseudoinverse -------------------------------------------------------------------------

// Sec. 7.4: the regularized inverse (X^T X + alpha I)^-1 X^T, alpha > 0, whose limit alpha -> 0+
// the book gives as the Moore-Penrose pseudoinverse X^+. Cholesky of the SPD X^T X + alpha I.
MatrixXd ridge_pseudoinverse(const MatrixXd& X, double alpha);

// Exact spectral-norm distance ||(X^T X + alpha I)^-1 X^T - X^+||_2 from the singular values
// sigma_i of X: in the SVD basis the difference is diag(sigma/(sigma^2 + alpha) - 1/sigma) =
// diag(-alpha / (sigma (sigma^2 + alpha))) on sigma > 0 (and 0 on sigma = 0), so the distance is
// max_{sigma_i > 0} alpha / (sigma_i (sigma_i^2 + alpha)) = alpha / sigma_r^3 + O(alpha^2).
double ridge_pseudoinverse_error(const std::vector<double>& sigma, double alpha);

// ---- 7.4 logistic regression on separable data -----------------------------------------------

// Mean logistic loss L(w) = (1/m) sum_i log(1 + exp(-y_i x_i^T w)), labels y_i in {-1, +1},
// rows x_i of X. log(1 + exp(-z)) is evaluated as log1p(exp(-z)) for z >= 0 and
// -z + log1p(exp(z)) for z < 0, so it neither overflows nor loses the small values.
double logistic_loss(const MatrixXd& X, const VectorXd& y, const VectorXd& w);
// Gradient of L(w) + (lambda/2) ||w||^2: -(1/m) sum_i sigmoid(-y_i x_i^T w) y_i x_i + lambda w.
VectorXd logistic_gradient(const MatrixXd& X, const VectorXd& y, const VectorXd& w, double lambda);

struct LogisticGdTrace {
  VectorXd w;                          // final iterate
  std::vector<std::size_t> t;          // recorded steps (powers of 2 and the last step)
  std::vector<double> norm;            // ||w_t|| at those steps
  std::vector<double> loss;            // L(w_t) (without the penalty) at those steps
  std::size_t first_all_correct = 0;   // first t with all margins y_i x_i^T w_t > 0 (0 if never)
  std::size_t norm_decreases_after = 0;   // steps t >= first_all_correct with ||w_{t+1}|| <= ||w_t||
  std::size_t loss_increases = 0;      // steps with F(w_{t+1}) > F(w_t) (1 + 4 (m+1) eps), F = loss + penalty
  double final_grad_norm = 0;
};
// Gradient descent w_{t+1} = w_t - eta grad(L + (lambda/2)||w||^2)(w_t), w_0 = 0, for `steps`
// steps (sec. 7.4). lambda >= 0, eta > 0.
LogisticGdTrace logistic_gd(const MatrixXd& X, const VectorXd& y, double eta, double lambda, std::size_t steps);

// Newton's method for the strongly convex L(w) + (lambda/2)||w||^2 (lambda > 0), from w = 0, until
// the gradient norm stops decreasing; an independent reference for the weight-decay limit.
VectorXd logistic_newton(const MatrixXd& X, const VectorXd& y, double lambda);

}  // namespace regcheck::theory::dlbook
