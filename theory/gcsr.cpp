// Closed forms of the gcsr claims: see theory/gcsr.hpp.
#include "theory/gcsr.hpp"

#include <numbers>

namespace regcheck::theory::gcsr {

std::string to_string(Penalty kind) { return kind == Penalty::L1 ? "L1" : "L2"; }

double penalty(const Eigen::Ref<const Eigen::ArrayXd>& w, Penalty kind) {
  REGCHECK_REQUIRE(w.allFinite(), "penalty: w must be finite");
  return kind == Penalty::L2 ? w.square().sum() : w.abs().sum();
}

double penalty_gradient(double w, Penalty kind) {
  if (!std::isfinite(w))  // (message built only on failure: called per entry in hot loops)
    throw std::invalid_argument("penalty_gradient: w must be finite, got " + detail::num(w));
  if (kind == Penalty::L2) return 2.0 * w;
  if (w > 0) return 1.0;
  if (w < 0) return -1.0;
  return 0.0;  // w = 0: minimal-norm subgradient (eq. 2 defines sign(w) only for w != 0)
}

Eigen::ArrayXd gd_update(const Eigen::Ref<const Eigen::ArrayXd>& w, const Eigen::Ref<const Eigen::ArrayXd>& dL_dw,
                         double alpha, double lambda, Penalty kind) {
  REGCHECK_REQUIRE(w.size() == dL_dw.size(), "gd_update: w and dL/dw sizes differ, got " + std::to_string(w.size()) +
                                                " and " + std::to_string(dL_dw.size()));
  REGCHECK_REQUIRE(std::isfinite(alpha) && alpha > 0, "gd_update: alpha must be finite and > 0, got " + detail::num(alpha));
  REGCHECK_REQUIRE(std::isfinite(lambda) && lambda >= 0,
                  "gd_update: lambda must be finite and >= 0, got " + detail::num(lambda));
  REGCHECK_REQUIRE(dL_dw.allFinite(), "gd_update: dL/dw must be finite");
  Eigen::ArrayXd out(w.size());
  for (Eigen::Index i = 0; i < w.size(); ++i)
    out(i) = w(i) - alpha * (dL_dw(i) + lambda * penalty_gradient(w(i), kind));
  return out;
}

namespace {
void require_gauss_params(const char* fn, double lambda, double sg) {
  REGCHECK_REQUIRE(std::isfinite(lambda) && lambda >= 0,
                  std::string(fn) + ": lambda must be finite and >= 0, got " + detail::num(lambda));
  REGCHECK_REQUIRE(std::isfinite(sg) && sg > 0, std::string(fn) + ": sg must be finite and > 0, got " + detail::num(sg));
}
}  // namespace

double expected_coherence_l2(double lambda, double sg, double sw) {
  require_gauss_params("expected_coherence_l2", lambda, sg);
  REGCHECK_REQUIRE(std::isfinite(sw) && sw >= 0, "expected_coherence_l2: sw must be finite and >= 0, got " + detail::num(sw));
  // ratio = 2 lambda sw / sg by exponent scaling (detail::scaled_mul_div): left to right, 2 lambda
  // overflowed at lambda = 1e308 and then 0 * inf = NaN at sw = 0 (printed as null), and lambda sw
  // or lambda / sg can leave the range while the ratio does not. The ratio overflows to +inf only
  // when it really exceeds DBL_MAX, where atan(+inf) = pi/2 gives the limit 1/2 within an ulp;
  // result in [1/2, 1], so 1 - atan/pi does not cancel.
  const double ratio = 2.0 * detail::scaled_mul_div(lambda, sw, sg);
  return 1.0 - std::atan(ratio) / std::numbers::pi;
}

double expected_coherence_l1(double lambda, double sg) {
  require_gauss_params("expected_coherence_l1", lambda, sg);
  // Phi(t) - 1/2 = erf(t / sqrt 2) / 2: erf keeps full relative accuracy of the incoherent
  // fraction at small lambda, where Phi(t) - 1/2 would cancel. (lambda / sg) / sqrt 2, not
  // lambda / (sg sqrt 2): sg sqrt 2 overflows for sg > 1.27e308 (giving 1 instead of e.g. 0.75).
  return 1.0 - 0.5 * std::erf(lambda / sg / std::numbers::sqrt2);
}

ReluMlp ReluMlp::scaled(double s) const {
  REGCHECK_REQUIRE(std::isfinite(s), "ReluMlp::scaled: s must be finite, got " + detail::num(s));
  ReluMlp out;
  for (const Eigen::MatrixXd& w : W) out.W.push_back(s * w);
  return out;
}

namespace {
void require_net(const ReluMlp& net, const Eigen::MatrixXd& X, const char* fn) {
  REGCHECK_REQUIRE(net.depth() >= 1, std::string(fn) + ": the net needs at least one layer");
  Eigen::Index cols = X.rows();
  for (int l = 0; l < net.depth(); ++l) {
    REGCHECK_REQUIRE(net.W[l].cols() == cols, std::string(fn) + ": W_" + std::to_string(l + 1) + " has " +
                                                 std::to_string(net.W[l].cols()) + " columns, expected " +
                                                 std::to_string(cols));
    REGCHECK_REQUIRE(net.W[l].allFinite(), std::string(fn) + ": W_" + std::to_string(l + 1) + " must be finite");
    cols = net.W[l].rows();
  }
  REGCHECK_REQUIRE(X.allFinite(), std::string(fn) + ": X must be finite");
}
}  // namespace

MlpPass mlp_forward(const ReluMlp& net, const Eigen::MatrixXd& X) {
  require_net(net, X, "mlp_forward");
  MlpPass p;
  p.a.push_back(X);
  for (int l = 0; l < net.depth(); ++l) {
    p.z.push_back(net.W[l] * p.a.back());
    if (l + 1 < net.depth())
      p.a.push_back(p.z.back().cwiseMax(0.0));  // eq. (6): ReLU(x) = x Theta(x)
    else
      p.a.push_back(p.z.back());  // linear output layer
  }
  return p;
}

double mlp_squared_loss(const ReluMlp& net, const Eigen::MatrixXd& X, const Eigen::MatrixXd& Y) {
  const MlpPass p = mlp_forward(net, X);
  REGCHECK_REQUIRE(Y.rows() == p.a.back().rows() && Y.cols() == X.cols(), "mlp_squared_loss: Y has the wrong shape");
  return 0.5 * (p.a.back() - Y).squaredNorm();
}

std::vector<Eigen::MatrixXd> mlp_backward(const ReluMlp& net, const MlpPass& pass, const Eigen::MatrixXd& R) {
  const int L = net.depth();
  REGCHECK_REQUIRE(static_cast<int>(pass.z.size()) == L && R.rows() == pass.z.back().rows() &&
                      R.cols() == pass.z.back().cols(),
                  "mlp_backward: residual R has the wrong shape");
  std::vector<Eigen::MatrixXd> grad(static_cast<std::size_t>(L));
  Eigen::MatrixXd delta = R;  // delta_L = dLoss/dyhat
  for (int l = L - 1; l >= 0; --l) {
    grad[static_cast<std::size_t>(l)] = delta * pass.a[static_cast<std::size_t>(l)].transpose();  // eq. (3)
    if (l == 0) break;
    // eq. (4): delta_{l} = W_{l+1}^T delta_{l+1} .* Theta(z_l), Theta(0) = 0.
    const Eigen::MatrixXd theta = (pass.z[static_cast<std::size_t>(l - 1)].array() > 0.0).cast<double>().matrix();
    delta = (net.W[static_cast<std::size_t>(l)].transpose() * delta).cwiseProduct(theta);
  }
  return grad;
}

std::vector<Eigen::MatrixXd> mlp_squared_loss_gradients(const ReluMlp& net, const Eigen::MatrixXd& X,
                                                        const Eigen::MatrixXd& Y) {
  const MlpPass p = mlp_forward(net, X);
  REGCHECK_REQUIRE(Y.rows() == p.a.back().rows() && Y.cols() == X.cols(),
                  "mlp_squared_loss_gradients: Y has the wrong shape");
  return mlp_backward(net, p, p.a.back() - Y);
}

}  // namespace regcheck::theory::gcsr
