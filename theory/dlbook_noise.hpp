#pragma once
// Closed forms of Deep Learning ch. 7, noise group (Goodfellow, Bengio, Courville 2016,
// sections 7.6-7.13; catalog rows in claims/CATALOG.md): noise injection at the
// input and at the weights (7.6), early stopping on a quadratic (7.7), ensembles and the bootstrap
// (7.10), the weight scaling rule of dropout (7.11) and the linear adversarial perturbation (7.13).
//
// Notation as in the book: nu the input-noise variance, eta the weight-noise variance (7.6) or the
// learning rate (7.7), lambda an eigenvalue of the Hessian H, tau the number of gradient steps,
// alpha a weight-decay coefficient, k the ensemble size, v and c the error variance and
// covariance, n the dataset (or input) size, p the retain probability of dropout. Misuse
// (non-finite input, out-of-range parameters, mismatched sizes) throws std::invalid_argument
// naming the offending value and what is allowed.
#include <Eigen/Dense>

#include <cstdint>
#include <vector>

namespace regcheck::theory::dlbook {

// ---- 7.6 noise robustness -----------------------------------------------------------------------

// Eq. 7.17, linear model y^(x) = w^T x + b, input noise eps ~ N(0, nu I):
//   E_eps[(w^T (x + eps) + b - y)^2] = (w^T x + b - y)^2 + nu ||w||^2   exactly
// (the model is linear, so the Taylor series 7.16 stops at first order and the Hessian term of
// 7.17 is zero). Returns the excess nu ||w||^2, i.e. weight decay. Goodfellow et al. 2016,
// eq. 7.17 and the closing remark of 7.6.1. nu >= 0, w finite.
double linear_input_noise_excess(const Eigen::VectorXd& w, double nu);

// Section 7.6.2, linear regression y^(x) = w^T x + b with weight noise eps_w ~ (0, eta I) on w:
//   E[((w + eps_w)^T x + b - y)^2] = (w^T x + b - y)^2 + eta ||x||^2   exactly,
// independent of (w, b). Returns eta ||x||^2 for one input x (average it over the data for
// eta E||x||^2). If the bias b is perturbed too, add eta. Goodfellow et al. 2016, end of 7.6.2.
double linear_weight_noise_excess(const Eigen::VectorXd& x, double eta);

// First-order coefficient of the noise-smoothed squared error of a smooth model g at one example,
// d/dnu E[(g(x + sqrt(nu) z) - y)^2] at nu = 0, z with E z = 0, E z z^T = I:
//   reduced form (after the book drops the Hessian term):  ||grad g||^2
//   7.17 / 7.22 as printed (second-order Taylor):           ||grad g||^2 + (g - y) tr(Hessian g)
// The book keeps the second term (written without the trace) and drops it because (g - y) averages
// to O(nu) at the minimizer over all functions (g = E[y|x] + O(nu)); for a given model it does not
// vanish. The same formulas hold for weight noise (7.22) with gradient and Hessian taken in the
// weights. Goodfellow et al. 2016, eqs. 7.17 and 7.22 (after Bishop 1995).
double noise_slope_printed(double grad_sq_norm);
double noise_slope_exact(double grad_sq_norm, double residual, double hessian_trace);

// Third-order term of 7.21 for noise that is not symmetric (section 7.6.2 only assumes
// eps_W ~ (0, eta I)). With independent coordinates eps_i = sqrt(eta) z_i, E z_i = 0, E z_i^2 = 1,
// E z_i^3 = mu3, expanding (g + eps^T grad g + eps^T H eps / 2 + T[eps, eps, eps] / 6 - y)^2:
//   E[...] = J + eta (||grad g||^2 + (g - y) tr H) + eta^{3/2} C3 + O(eta^2),
//   C3 = mu3 (sum_i (grad g)_i H_ii + (g - y) / 3 sum_i T_iii)
// (only E z_i^3 survives among third moments of independent zero-mean coordinates). C3 != 0 makes
// the remainder of 7.22 O(eta^{3/2}); symmetric noise (Gaussian: mu3 = 0) gives O(eta^2).
// grad, hess_diag (H_ii) and third_diag (T_iii = d^3 g / dw_i^3) have one entry per perturbed
// coordinate. Goodfellow et al. 2016, eqs. 7.20-7.22 (the O(eps_W^3) of 7.21).
double noise_third_order_coefficient(const Eigen::VectorXd& grad, const Eigen::VectorXd& hess_diag, double residual,
                                     const Eigen::VectorXd& third_diag, double mu3);

// First-order shift in nu of the minimizer of two small-noise objectives (the "equivalence" after
// 7.17), for y^(x) = sum_k w_k phi_k(x), phi_k(x) = x^{p_k} (distinct powers p_k >= 0), x ~ N(0, 1),
// and E[y|x] = f(x) = sum_k c_k phi_k(x) in the model class (the minimizer of J is w0 = c). With
//   A0 = E[phi phi^T], G = E[phi' phi'^T], S = (E[phi phi''^T] + E[phi'' phi^T]) / 2,
//   J + nu E[y^'^2]                               (Tikhonov):   dw/dnu = -A0^{-1} G c
//   J + nu E[(y^ - y) y^''] + nu E[y^'^2]         (7.17 in full): dw/dnu = -A0^{-1} (G c + S c - E[f phi''] / 2)
// (implicit function theorem: dw/dnu = -(grad^2 J)^{-1} grad F1 at w0, grad^2 J = 2 A0). They
// differ by A0^{-1} E[phi f''] / 2, zero iff f'' is orthogonal to every feature: a model class
// containing a nonlinear f moves the minimizer at first order. Gaussian moments E x^k = (k - 1)!!
// are integers, exact in double up to k = 30. Goodfellow et al. 2016, eq. 7.17 and the text after.
struct MinimizerSlopes {
  Eigen::VectorXd tikhonov, full;
};
MinimizerSlopes input_noise_minimizer_slopes(const std::vector<int>& powers, const Eigen::VectorXd& c);

// The same for weight noise on y^(x; w) = p(w) x with one weight, y = p(w0) x (any x law with
// E x^2 > 0; it factors out): with p' = p'(w0) != 0, p'' = p''(w0),
//   Tikhonov J + eta E||grad_w y^||^2:   dw/deta = -p'' / p'
//   7.22 in full (Hessian term kept):    dw/deta = -3 p'' / (2 p')
// (F0'' = 2 p'^2 E x^2; grad of p'^2 is 2 p' p''; grad of (p - p0) p'' at w0 is p' p''). Models
// linear in w (p'' = 0) agree. Goodfellow et al. 2016, eq. 7.22 and the text after.
struct ScalarSlopes {
  double tikhonov = 0, full = 0;
};
ScalarSlopes weight_noise_minimizer_slopes(double dp, double d2p);

// A one-hidden-layer tanh network y^(x) = a^T tanh(W x + b) + c, the nonlinear model of the
// Monte Carlo checks of 7.6, with the derivatives that eqs. 7.17 and 7.22 need, in closed form:
//   grad_x y^ = W^T (a .* (1 - t^2)),                t = tanh(W x + b)
//   tr grad_x^2 y^ = sum_j a_j tanh''(h_j) ||W_j,:||^2,   tanh''(h) = -2 t (1 - t^2)
// and in the weights theta = (W, a) (biases are not perturbed):
//   ||grad_theta y^||^2 = ||x||^2 sum_j a_j^2 (1 - t_j^2)^2 + ||t||^2
//   tr grad_theta^2 y^ = ||x||^2 sum_j a_j tanh''(h_j)     (y^ is linear in a: no a-a terms).
struct TanhNet {
  Eigen::MatrixXd W;  // h x d
  Eigen::VectorXd b;  // h
  Eigen::VectorXd a;  // h
  double c = 0;

  double value(const Eigen::VectorXd& x) const;
  Eigen::VectorXd grad_x(const Eigen::VectorXd& x) const;
  double laplacian_x(const Eigen::VectorXd& x) const;
  double grad_weights_sq_norm(const Eigen::VectorXd& x) const;
  double hessian_trace_weights(const Eigen::VectorXd& x) const;
  // Number of perturbed weights (W and a): h d + h.
  int weight_count() const { return static_cast<int>(W.size() + a.size()); }
  // The net with weights (W, a) moved by delta (first h d entries: W column-major, then a).
  TanhNet perturbed(const Eigen::VectorXd& delta) const;
};

// ---- 7.7 early stopping on a quadratic ------------------------------------------------------------

// (1 - eta lambda)^tau, the factor by which tau GD steps shrink the distance to w* in the
// eigendirection of lambda (eq. 7.26). 0 < eta lambda < 2 (|1 - eta lambda| < 1, the book's
// convergence assumption), tau >= 0 an integer step count; lambda = 0 is allowed (factor 1).
// Computed as +-exp(tau log1p(-eta lambda)): for eta lambda << 1 the subtraction 1 - eta lambda
// rounds away the low bits of eta lambda and raising to a large tau multiplies that relative error
// by tau; log1p keeps eta lambda to full precision. For eta lambda > 1 the base is negative:
// |1 - eta lambda| = eta lambda - 1 (exact subtraction by Sterbenz for eta lambda in [1, 2]) and the
// sign is (-1)^tau. Goodfellow et al. 2016, eq. 7.26.
double early_stopping_decay(double lambda, double eta, double tau);

// 1 - (1 - eta lambda)^tau, the fraction of Q^T w* reached after tau steps from w = 0 (eq. 7.26),
// as -expm1(tau log1p(-eta lambda)) when 0 <= eta lambda < 1: no cancellation when
// tau eta lambda is small (the fraction is then ~ tau eta lambda, far below 1).
// Goodfellow et al. 2016, eq. 7.26.
double early_stopping_fraction(double lambda, double eta, double tau);

// The L2 coefficient that makes early stopping and weight decay agree in the direction of lambda,
// from (I - eta Lambda)^tau = (Lambda + alpha I)^-1 alpha (eq. 7.27), solved per direction:
//   alpha_i = lambda_i q / (1 - q),  q = (1 - eta lambda_i)^tau.
// Regimes: lambda > 0, 0 < eta lambda < 2, tau >= 1 integer. For eta lambda < 1, alpha_i > 0 and
// alpha_i <= 1/(tau eta); eta lambda = 1 gives 0 (w* reached in one step); for 1 < eta lambda < 2
// and odd tau, q < 0 and alpha_i < 0 (no weight decay reproduces the overshoot). A single alpha
// reproduces early stopping exactly only if all alpha_i coincide. Goodfellow et al. 2016, eq. 7.27.
// This is the exact alpha_i, not eq. 7.28's 1/(tau eta). Accuracy over the whole double range:
// 1 - eta lambda = fma(-eta, lambda, 1) rounded once (1 - fl(eta lambda) erred by 6.6e-4 relative
// near eta lambda = 1), -log|q| = -tau log|1 - eta lambda| via log1p where |1 - eta lambda| is
// near 1, and the tiny-eta lambda and tiny-q limits by exponent scaling; error <= a few ulps
// times the condition number 1 + (2 tau x/|1 - x| + tau |log|1 - x||) / |1 - q|, x = eta lambda.
// Throws std::invalid_argument when alpha (~1/(tau eta)) exceeds the double range.
double early_stopping_alpha(double lambda, double eta, double tau);

// Eq. 7.28: alpha ~ 1/(tau eta), valid when eta lambda << 1 and lambda / alpha << 1.
// With x = eta lambda < 1 and u = tau x: alpha_i tau eta = u / (e^{u'} - 1), u' = -tau log1p(-x),
// so |alpha_i tau eta - 1| <= x + u / (2 (1 - x)) (derivation in claims/dlbook/early_stopping_claims.cpp).
// Goodfellow et al. 2016, eq. 7.28.
double early_stopping_alpha_approx(double eta, double tau);
double early_stopping_approx_error_bound(double lambda, double eta, double tau);

// ---- 7.10 ensembles and the bootstrap -----------------------------------------------------------

// Expected squared error of the mean of k errors with E eps_i^2 = v and E eps_i eps_j = c:
//   E[((1/k) sum_i eps_i)^2] = v / k + (k - 1) c / k.
// k >= 1 integer, v >= 0, and the covariance (v - c) I + c 1 1^T must be PSD:
// -v / (k - 1) <= c <= v (for k = 1, c is unused). Goodfellow et al. 2016, section 7.10.
double ensemble_mse(double k, double v, double c);

// Expected fraction of distinct examples in a bootstrap resample of size n from n examples:
//   1 - (1 - 1/n)^n  -> 1 - 1/e  (n -> infinity).
// Computed as -expm1(n log1p(-1/n)): 1 - 1/n rounds with absolute error up to eps/2 and raising
// to the n-th power multiplies that relative error by n (n = 1e12 loses 4 digits); log1p keeps
// the exponent to full precision. n >= 1 integer. Goodfellow et al. 2016, section 7.10.
double bootstrap_unique_fraction(double n);
// 1 - 1/e = -expm1(-1).
double bootstrap_unique_limit();

// ---- 7.11 weight scaling rule -------------------------------------------------------------------

// log softmax(z) by log-sum-exp: z - max z - log sum exp(z - max z), finite for any finite z
// (exp never overflows, and the largest term contributes exp(0) = 1, so the log is >= 0).
Eigen::VectorXd log_softmax(const Eigen::VectorXd& z);

// The weight scaling rule for softmax regression P(y | v) = softmax(W^T v + b): dropping input
// units with retain probability p, the renormalized geometric mean over all masks d (weighted by
// p^|d| (1 - p)^(n - |d|); p = 1/2 gives the book's unweighted 2^n-th root) is
//   softmax(p W^T v + b).
// Returns its log-probabilities. W is n x K (inputs x classes), b and the result have K entries,
// p in [0, 1]. Goodfellow et al. 2016, eq. 7.30 and the derivation after it.
Eigen::VectorXd weight_scaled_log_probs(const Eigen::MatrixXd& W, const Eigen::VectorXd& b,
                                        const Eigen::VectorXd& v, double p);

// ---- 7.13 adversarial perturbation of a linear function -----------------------------------------

// max_{||delta||_inf <= eps} w^T delta = eps ||w||_1, attained at delta = eps sign(w) (any value
// in [-eps, eps] where w_i = 0; this returns 0 there). eps >= 0, w finite.
// Goodfellow et al. 2016, section 7.13 (printed there as "eps |w|").
double linear_adversarial_max(const Eigen::VectorXd& w, double eps);
Eigen::VectorXd linear_adversarial_delta(const Eigen::VectorXd& w, double eps);

}  // namespace regcheck::theory::dlbook
