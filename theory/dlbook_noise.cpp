#include "theory/dlbook_noise.hpp"

#include "theory/prox.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
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
  // alpha = lambda q / (1 - q), q = b^tau, b = 1 - eta lambda; with u = -tau log|b| >= 0,
  // |q| = e^-u and 1 - q = -expm1(-u) (q > 0) or 1 + e^-u (q < 0: b < 0 and tau odd).
  // b = fma(-eta, lambda, 1) is rounded once: 1 - fl(eta lambda) adds the rounding of the product,
  // eps x / |1 - x| relative (6.6e-4 at x = eta lambda = 1 - 3.4e-13).
  const double x = eta * lambda;  // regime tests only (an underflow to 0 keeps x < 1 right)
  const double b = std::fma(-eta, lambda, 1.0);
  if (b == 0) return 0.0;  // q = 0: w* is reached in one step
  const bool negative = b < 0 && std::fmod(tau, 2.0) != 0.0;
  double u = 0;    // -log|q|
  double mag = 0;      // |alpha|
  bool done = false;   // set on the tiny-u path
  double qm = -1;      // |q| when computed directly (|b| <= 1/2)
  if (b > 0 && x < 0x1p-30) {
    // Tiny x (possibly subnormal or underflowed to 0): u = tau eta lambda r, r = -log1p(-x)/x
    // = 1 + x/2 + O(x^2) (the O(x^2) term is below eps here). The product is formed from
    // mantissas and exponents so that it neither under- nor overflows on the way.
    int et = 0, ee = 0, el = 0;
    const double mt = std::frexp(tau, &et), me = std::frexp(eta, &ee), ml = std::frexp(lambda, &el);
    const double r = 1.0 + 0.5 * x;
    u = std::ldexp(mt * me * ml * r, et + ee + el);
    if (u < 0.5) {
      // 1 - q = u E(u), E(u) = -expm1(-u)/u, so alpha = e^-u / (tau eta r E(u)): lambda cancels
      // exactly; u may be subnormal here while alpha ~ 1/(tau eta) is not.
      const double e = u < std::numeric_limits<double>::min() ? 1.0 : -std::expm1(-u) / u;
      mag = std::ldexp(std::exp(-u) / (mt * me * r * e), -(et + ee));
      done = true;
    }
  } else if (b > 0 && x <= 0.5) {
    u = -tau * std::log1p(-x);  // the rounding of x costs <= 1.44 eps here
  } else if (b < 0 && x > 1.5) {
    // |b| = x - 1 in (1/2, 1): log1p(-(2 - x)), 2 - x = fma(-eta, lambda, 2) rounded once.
    u = -tau * std::log1p(-std::fma(-eta, lambda, 2.0));
  } else {
    // |b| <= 1/2: |q| = pow(|b|, tau) within an ulp of the once-rounded b; exp(tau log|b|) would
    // add the rounding of log|b| times tau (14 ulps at eta lambda = 1 - 7e-14, tau = 1).
    u = -tau * std::log(std::abs(b));
    qm = std::pow(std::abs(b), tau);
  }
  if (!done) {
    const double qmag = qm >= 0 ? qm : std::exp(-u);
    const double one_minus_q = negative ? 1.0 + qmag : (qm >= 0 ? 1.0 - qmag : -std::expm1(-u));
    // For u > 600, |q| nears the underflow while lambda |q| may not (lambda up to 1.8e308):
    // exp(log lambda - u), whose error eps (u + 709) is within the conditioning ~u eps of q.
    mag = u > 600 ? std::exp(std::log(lambda) - u) / one_minus_q : lambda * (qmag / one_minus_q);
  }
  REGCHECK_REQUIRE(std::isfinite(mag), "early_stopping_alpha: alpha ~ 1/(tau eta) exceeds the double range (1.8e308) for eta=" +
                                           detail::num(eta) + " tau=" + detail::num(tau));
  return negative ? -mag : mag;
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
  // v + (k - 1) c >= 0 is the PSD condition c >= -v/(k-1); fma gives its sign exactly (k - 1 is
  // exact for k <= 2^53). A c equal to the rounded bound fl(-v/(k-1)) (what callers compute for the
  // boundary) is accepted as well and, if rounding put it just outside, counts as the boundary:
  // the value is clamped at 0 there.
  const double psd = std::fma(k - 1.0, c, v);
  if (k == 1) {
    // c is unused in the value but must still be a covariance of two errors of variance v.
    REGCHECK_REQUIRE(c <= v && c >= -v, "ensemble_mse: c must be in [-v, v] = [" + detail::num(-v) + ", " + detail::num(v) +
                                            "] (|c| <= v, Cauchy-Schwarz), got " + detail::num(c));
    return v;
  }
  REGCHECK_REQUIRE(c <= v && (psd >= 0 || c >= -v / (k - 1)),
                  "ensemble_mse: c must be in [-v/(k-1), v] = [" + detail::num(-v / (k - 1)) + ", " + detail::num(v) +
                      "] for a PSD covariance, got " + detail::num(c));
  // (v + (k - 1) c) / k from the once-rounded fma: two roundings, and the near-cancellation at
  // c ~ -v/(k-1) costs only the problem's own conditioning. When v + (k - 1) c overflows (k v >
  // DBL_MAX while the mean is <= v), v / k + c ((k - 1) / k) instead (no term exceeds v).
  if (std::isfinite(psd)) return std::max(psd, 0.0) / k;
  return v / k + c * ((k - 1.0) / k);
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
