#include "theory/dlbook_noise.hpp"

#include "theory/prox.hpp"

#include <cmath>
#include <string>

namespace regcheck::theory::dlbook {

namespace {

void require_finite(const Eigen::MatrixXd& m, const char* what) {
  REGCHECK_REQUIRE(m.allFinite(), std::string(what) + " must be finite (found NaN or inf)");
}

// tau is a step count: a finite integer >= 0.
void require_steps(double tau, const char* fn) {
  REGCHECK_REQUIRE(std::isfinite(tau) && tau >= 0 && std::floor(tau) == tau,
                  std::string(fn) + ": tau must be an integer >= 0, got " + detail::num(tau));
}

void require_rate(double lambda, double eta, const char* fn) {
  REGCHECK_REQUIRE(std::isfinite(lambda) && lambda >= 0,
                  std::string(fn) + ": lambda must be finite and >= 0 (H is PSD), got " + detail::num(lambda));
  REGCHECK_REQUIRE(std::isfinite(eta) && eta > 0, std::string(fn) + ": eta must be finite and > 0, got " + detail::num(eta));
  const double x = eta * lambda;
  REGCHECK_REQUIRE(x < 2.0, std::string(fn) + ": eta lambda must be < 2 (|1 - eta lambda| < 1, eq. 7.26), got eta=" +
                               detail::num(eta) + " lambda=" + detail::num(lambda));
}

}  // namespace

// ---- 7.6 --------------------------------------------------------------------------------------

double linear_input_noise_excess(const Eigen::VectorXd& w, double nu) {
  REGCHECK_REQUIRE(std::isfinite(nu) && nu >= 0, "linear_input_noise_excess: nu must be finite and >= 0, got " + detail::num(nu));
  require_finite(w, "linear_input_noise_excess: w");
  return nu * w.squaredNorm();
}

double linear_weight_noise_excess(const Eigen::VectorXd& x, double eta) {
  REGCHECK_REQUIRE(std::isfinite(eta) && eta >= 0, "linear_weight_noise_excess: eta must be finite and >= 0, got " + detail::num(eta));
  require_finite(x, "linear_weight_noise_excess: x");
  return eta * x.squaredNorm();
}

double noise_slope_printed(double grad_sq_norm) {
  REGCHECK_REQUIRE(std::isfinite(grad_sq_norm) && grad_sq_norm >= 0,
                  "noise_slope_printed: ||grad||^2 must be finite and >= 0, got " + detail::num(grad_sq_norm));
  return grad_sq_norm;
}

double noise_slope_exact(double grad_sq_norm, double residual, double hessian_trace) {
  REGCHECK_REQUIRE(std::isfinite(grad_sq_norm) && grad_sq_norm >= 0,
                  "noise_slope_exact: ||grad||^2 must be finite and >= 0, got " + detail::num(grad_sq_norm));
  REGCHECK_REQUIRE(std::isfinite(residual), "noise_slope_exact: residual must be finite, got " + detail::num(residual));
  REGCHECK_REQUIRE(std::isfinite(hessian_trace), "noise_slope_exact: Hessian trace must be finite, got " + detail::num(hessian_trace));
  return grad_sq_norm + residual * hessian_trace;
}

double noise_third_order_coefficient(const Eigen::VectorXd& grad, const Eigen::VectorXd& hess_diag, double residual,
                                     const Eigen::VectorXd& third_diag, double mu3) {
  REGCHECK_REQUIRE(hess_diag.size() == grad.size() && third_diag.size() == grad.size(),
                   "noise_third_order_coefficient: grad has " + std::to_string(grad.size()) + " entries, hess_diag " +
                       std::to_string(hess_diag.size()) + ", third_diag " + std::to_string(third_diag.size()));
  require_finite(grad, "noise_third_order_coefficient: grad");
  require_finite(hess_diag, "noise_third_order_coefficient: hess_diag");
  require_finite(third_diag, "noise_third_order_coefficient: third_diag");
  REGCHECK_REQUIRE(std::isfinite(residual), "noise_third_order_coefficient: residual must be finite, got " + detail::num(residual));
  REGCHECK_REQUIRE(std::isfinite(mu3), "noise_third_order_coefficient: mu3 must be finite, got " + detail::num(mu3));
  return mu3 * (grad.dot(hess_diag) + residual / 3.0 * third_diag.sum());
}

namespace {
// E x^k for x ~ N(0, 1): (k - 1)!! for even k, 0 for odd k (an integer, exact in double for k <= 30).
double gaussian_moment(int k) {
  if (k < 0 || k % 2 != 0) return 0.0;
  double m = 1;
  for (int j = k - 1; j > 1; j -= 2) m *= j;
  return m;
}
}  // namespace

MinimizerSlopes input_noise_minimizer_slopes(const std::vector<int>& powers, const Eigen::VectorXd& c) {
  const int n = static_cast<int>(powers.size());
  REGCHECK_REQUIRE(n >= 1 && c.size() == n, "input_noise_minimizer_slopes: " + std::to_string(n) + " powers but c has " +
                                                std::to_string(c.size()) + " entries (need one per feature, at least one)");
  require_finite(c, "input_noise_minimizer_slopes: c");
  for (int i = 0; i < n; ++i) {
    const int p = powers[static_cast<std::size_t>(i)];
    REGCHECK_REQUIRE(p >= 0 && p <= 7, "input_noise_minimizer_slopes: powers must be in [0, 7] (moments exact), got " + std::to_string(p));
    for (int j = 0; j < i; ++j)
      REGCHECK_REQUIRE(powers[static_cast<std::size_t>(j)] != p, "input_noise_minimizer_slopes: repeated power " + std::to_string(p));
  }
  Eigen::MatrixXd A0(n, n), G(n, n), S(n, n);
  Eigen::VectorXd f2(n);  // E[f phi_j'']
  for (int i = 0; i < n; ++i) {
    const int a = powers[static_cast<std::size_t>(i)];
    for (int j = 0; j < n; ++j) {
      const int b = powers[static_cast<std::size_t>(j)];
      A0(i, j) = gaussian_moment(a + b);
      G(i, j) = a * b * gaussian_moment(a + b - 2);                                   // E[phi_i' phi_j']
      S(i, j) = 0.5 * (b * (b - 1) + a * (a - 1)) * gaussian_moment(a + b - 2);       // sym E[phi_i phi_j'']
    }
  }
  for (int j = 0; j < n; ++j) {
    const int b = powers[static_cast<std::size_t>(j)];
    double s = 0;
    for (int k = 0; k < n; ++k) s += c[k] * b * (b - 1) * gaussian_moment(powers[static_cast<std::size_t>(k)] + b - 2);
    f2[j] = s;
  }
  // A0 is a Gram matrix of distinct monomials under a Gaussian: positive definite. LDLT (pivoted)
  // keeps the solve backward stable for its moderate condition number (<= ~1e4 for powers <= 7).
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(A0);
  MinimizerSlopes out;
  out.tikhonov = -ldlt.solve(G * c);
  out.full = -ldlt.solve(G * c + S * c - 0.5 * f2);
  return out;
}

ScalarSlopes weight_noise_minimizer_slopes(double dp, double d2p) {
  REGCHECK_REQUIRE(std::isfinite(dp) && dp != 0,
                   "weight_noise_minimizer_slopes: p'(w0) must be finite and nonzero (else J is flat at w0), got " + detail::num(dp));
  REGCHECK_REQUIRE(std::isfinite(d2p), "weight_noise_minimizer_slopes: p''(w0) must be finite, got " + detail::num(d2p));
  return {-d2p / dp, -1.5 * d2p / dp};
}

double TanhNet::value(const Eigen::VectorXd& x) const {
  REGCHECK_REQUIRE(x.size() == W.cols(), "TanhNet: x has " + std::to_string(x.size()) + " entries, W has " +
                                            std::to_string(W.cols()) + " columns");
  return a.dot((W * x + b).array().tanh().matrix()) + c;
}

Eigen::VectorXd TanhNet::grad_x(const Eigen::VectorXd& x) const {
  const Eigen::ArrayXd t = (W * x + b).array().tanh();
  return W.transpose() * (a.array() * (1.0 - t * t)).matrix();
}

double TanhNet::laplacian_x(const Eigen::VectorXd& x) const {
  const Eigen::ArrayXd t = (W * x + b).array().tanh();
  const Eigen::ArrayXd tanh2 = -2.0 * t * (1.0 - t * t);  // tanh''(h)
  return (a.array() * tanh2 * W.rowwise().squaredNorm().array()).sum();
}

double TanhNet::grad_weights_sq_norm(const Eigen::VectorXd& x) const {
  const Eigen::ArrayXd t = (W * x + b).array().tanh();
  const Eigen::ArrayXd da = a.array() * (1.0 - t * t);
  return x.squaredNorm() * da.square().sum() + t.square().sum();
}

double TanhNet::hessian_trace_weights(const Eigen::VectorXd& x) const {
  const Eigen::ArrayXd t = (W * x + b).array().tanh();
  return x.squaredNorm() * (a.array() * (-2.0 * t * (1.0 - t * t))).sum();
}

TanhNet TanhNet::perturbed(const Eigen::VectorXd& delta) const {
  REGCHECK_REQUIRE(delta.size() == weight_count(), "TanhNet::perturbed: delta has " + std::to_string(delta.size()) +
                                                      " entries, expected " + std::to_string(weight_count()));
  TanhNet out = *this;
  out.W += Eigen::Map<const Eigen::MatrixXd>(delta.data(), W.rows(), W.cols());
  out.a += delta.tail(a.size());
  return out;
}

// ---- 7.7 --------------------------------------------------------------------------------------

double early_stopping_decay(double lambda, double eta, double tau) {
  require_rate(lambda, eta, "early_stopping_decay");
  require_steps(tau, "early_stopping_decay");
  const double x = eta * lambda;
  if (tau == 0) return 1.0;
  if (x < 1.0) return std::exp(tau * std::log1p(-x));
  if (x == 1.0) return 0.0;
  // Negative base 1 - x in (-1, 0): |base| = x - 1 is exact (Sterbenz), sign (-1)^tau.
  const double mag = std::exp(tau * std::log(x - 1.0));
  return std::fmod(tau, 2.0) == 0.0 ? mag : -mag;
}

double early_stopping_fraction(double lambda, double eta, double tau) {
  require_rate(lambda, eta, "early_stopping_fraction");
  require_steps(tau, "early_stopping_fraction");
  const double x = eta * lambda;
  if (x < 1.0) return -std::expm1(tau * std::log1p(-x));
  return 1.0 - early_stopping_decay(lambda, eta, tau);  // |decay| < 1 well away from 1: no cancellation issue
}

double early_stopping_alpha(double lambda, double eta, double tau) {
  REGCHECK_REQUIRE(std::isfinite(lambda) && lambda > 0,
                  "early_stopping_alpha: lambda must be finite and > 0 (lambda = 0: any alpha matches), got " + detail::num(lambda));
  require_rate(lambda, eta, "early_stopping_alpha");
  require_steps(tau, "early_stopping_alpha");
  REGCHECK_REQUIRE(tau >= 1, "early_stopping_alpha: tau must be >= 1 (tau = 0 matches alpha = infinity), got " + detail::num(tau));
  // alpha = lambda q / (1 - q): numerator and denominator each from the careful forms above.
  return lambda * early_stopping_decay(lambda, eta, tau) / early_stopping_fraction(lambda, eta, tau);
}

double early_stopping_alpha_approx(double eta, double tau) {
  REGCHECK_REQUIRE(std::isfinite(eta) && eta > 0, "early_stopping_alpha_approx: eta must be finite and > 0, got " + detail::num(eta));
  require_steps(tau, "early_stopping_alpha_approx");
  REGCHECK_REQUIRE(tau >= 1, "early_stopping_alpha_approx: tau must be >= 1, got " + detail::num(tau));
  return 1.0 / (tau * eta);
}

double early_stopping_approx_error_bound(double lambda, double eta, double tau) {
  require_rate(lambda, eta, "early_stopping_approx_error_bound");
  require_steps(tau, "early_stopping_approx_error_bound");
  const double x = eta * lambda;
  REGCHECK_REQUIRE(x < 1.0, "early_stopping_approx_error_bound: needs eta lambda < 1, got " + detail::num(x));
  const double u = tau * x;
  return x + u / (2.0 * (1.0 - x));
}

// ---- 7.10 -------------------------------------------------------------------------------------

double ensemble_mse(double k, double v, double c) {
  REGCHECK_REQUIRE(std::isfinite(k) && k >= 1 && std::floor(k) == k, "ensemble_mse: k must be an integer >= 1, got " + detail::num(k));
  REGCHECK_REQUIRE(std::isfinite(v) && v >= 0, "ensemble_mse: v must be finite and >= 0, got " + detail::num(v));
  REGCHECK_REQUIRE(std::isfinite(c), "ensemble_mse: c must be finite, got " + detail::num(c));
  if (k == 1) return v;
  REGCHECK_REQUIRE(c <= v && c >= -v / (k - 1),
                  "ensemble_mse: c must be in [-v/(k-1), v] = [" + detail::num(-v / (k - 1)) + ", " + detail::num(v) +
                      "] for a PSD covariance, got " + detail::num(c));
  return v / k + (k - 1) * c / k;
}

double bootstrap_unique_fraction(double n) {
  REGCHECK_REQUIRE(std::isfinite(n) && n >= 1 && std::floor(n) == n,
                  "bootstrap_unique_fraction: n must be an integer >= 1, got " + detail::num(n));
  return -std::expm1(n * std::log1p(-1.0 / n));
}

double bootstrap_unique_limit() { return -std::expm1(-1.0); }

// ---- 7.11 -------------------------------------------------------------------------------------

Eigen::VectorXd log_softmax(const Eigen::VectorXd& z) {
  REGCHECK_REQUIRE(z.size() >= 1, "log_softmax: z must have at least one entry");
  require_finite(z, "log_softmax: z");
  const double m = z.maxCoeff();
  const double lse = std::log((z.array() - m).exp().sum());
  return (z.array() - m - lse).matrix();
}

Eigen::VectorXd weight_scaled_log_probs(const Eigen::MatrixXd& W, const Eigen::VectorXd& b, const Eigen::VectorXd& v,
                                        double p) {
  REGCHECK_REQUIRE(std::isfinite(p) && p >= 0 && p <= 1, "weight_scaled_log_probs: p must be in [0, 1], got " + detail::num(p));
  REGCHECK_REQUIRE(W.rows() == v.size() && W.cols() == b.size(),
                  "weight_scaled_log_probs: W is " + std::to_string(W.rows()) + "x" + std::to_string(W.cols()) +
                      " but v has " + std::to_string(v.size()) + " and b " + std::to_string(b.size()) + " entries");
  require_finite(W, "weight_scaled_log_probs: W");
  require_finite(v, "weight_scaled_log_probs: v");
  require_finite(b, "weight_scaled_log_probs: b");
  return log_softmax(p * (W.transpose() * v) + b);
}

// ---- 7.13 -------------------------------------------------------------------------------------

double linear_adversarial_max(const Eigen::VectorXd& w, double eps) {
  REGCHECK_REQUIRE(std::isfinite(eps) && eps >= 0, "linear_adversarial_max: eps must be finite and >= 0, got " + detail::num(eps));
  require_finite(w, "linear_adversarial_max: w");
  return eps * w.lpNorm<1>();
}

Eigen::VectorXd linear_adversarial_delta(const Eigen::VectorXd& w, double eps) {
  REGCHECK_REQUIRE(std::isfinite(eps) && eps >= 0, "linear_adversarial_delta: eps must be finite and >= 0, got " + detail::num(eps));
  require_finite(w, "linear_adversarial_delta: w");
  return (eps * w.array().sign()).matrix();
}

}  // namespace regcheck::theory::dlbook
