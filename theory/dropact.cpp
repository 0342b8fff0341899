#include "theory/dropact.hpp"

#include "theory/prox.hpp"

#include <bit>
#include <cmath>
#include <numbers>
#include <string>

namespace regcheck::theory::dropact {

namespace {
constexpr double inv_2pi = 1.0 / (2.0 * std::numbers::pi);

void require_p(double p, const char* fn) {
  REGCHECK_REQUIRE(p >= 0.0 && p <= 1.0, std::string(fn) + ": p must be in [0, 1], got " + detail::num(p));
}
void require_p_positive(double p, const char* fn) {
  REGCHECK_REQUIRE(p > 0.0 && p <= 1.0, std::string(fn) + ": p must be in (0, 1], got " + detail::num(p));
}
void require_d(Eigen::Index d, const char* fn) {
  REGCHECK_REQUIRE(d >= 1 && d <= 20, std::string(fn) + ": exact enumeration needs 1 <= d <= 20, got d = " +
                                         std::to_string(d));
}
// Probability of a mask with k ones among d: p^k (1 - p)^(d - k).
long double mask_weight(double p, int k, int d) {
  return std::pow(static_cast<long double>(p), k) * std::pow(1.0L - static_cast<long double>(p), d - k);
}
}  // namespace

double relu(double x) {
  REGCHECK_REQUIRE(!std::isnan(x), "relu: x is NaN");
  return x > 0.0 ? x : 0.0;
}

double leaky_relu(double x, double p) {
  require_p(p, "leaky_relu");
  REGCHECK_REQUIRE(!std::isnan(x), "leaky_relu: x is NaN");
  return x >= 0.0 ? x : (1.0 - p) * x;
}

Eigen::VectorXd train_activation(const Eigen::VectorXd& x, const Eigen::Matrix<bool, Eigen::Dynamic, 1>& mask,
                                 const Activation& f) {
  REGCHECK_REQUIRE(x.size() == mask.size(), "train_activation: x has " + std::to_string(x.size()) +
                                               " entries but the mask has " + std::to_string(mask.size()));
  // (I - P) x + P f(x), P = diag(mask): the literal eq. (3).
  const Eigen::VectorXd P = mask.cast<double>();
  Eigen::VectorXd fx(x.size());
  for (Eigen::Index j = 0; j < x.size(); ++j) fx[j] = f(x[j]);
  return ((Eigen::VectorXd::Ones(x.size()) - P).asDiagonal() * x + P.asDiagonal() * fx).eval();
}

double train_relu_component(double x, bool P) {
  REGCHECK_REQUIRE(!std::isnan(x), "train_relu_component: x is NaN");
  return x >= 0.0 ? x : (1.0 - (P ? 1.0 : 0.0)) * x;
}

Eigen::VectorXd test_activation(const Eigen::VectorXd& x, double p, const Activation& f) {
  require_p(p, "test_activation");
  Eigen::VectorXd out(x.size());
  for (Eigen::Index j = 0; j < x.size(); ++j) out[j] = (1.0 - p) * x[j] + p * f(x[j]);
  return out;
}

Eigen::VectorXd expected_train_activation_exact(const Eigen::VectorXd& x, double p, const Activation& f) {
  require_p(p, "expected_train_activation_exact");
  require_d(x.size(), "expected_train_activation_exact");
  const int d = static_cast<int>(x.size());
  Eigen::Matrix<long double, Eigen::Dynamic, 1> acc = Eigen::Matrix<long double, Eigen::Dynamic, 1>::Zero(d);
  Eigen::Matrix<bool, Eigen::Dynamic, 1> mask(d);
  for (std::uint32_t m = 0; m < (1u << d); ++m) {
    for (int j = 0; j < d; ++j) mask[j] = (m >> j) & 1u;
    const long double w = mask_weight(p, std::popcount(m), d);
    acc += w * train_activation(x, mask, f).cast<long double>();
  }
  return acc.cast<double>();
}

void validate(const OneHidden& net) {
  const auto shape = [](const Eigen::MatrixXd& M) {
    return std::to_string(M.rows()) + "x" + std::to_string(M.cols());
  };
  REGCHECK_REQUIRE(net.W1.rows() >= 1 && net.W1.cols() >= 1, "OneHidden: W1 is empty (" + shape(net.W1) + ")");
  REGCHECK_REQUIRE(net.W1.cols() == net.x.size(), "OneHidden: W1 is " + shape(net.W1) + " but x has " +
                                                     std::to_string(net.x.size()) + " entries");
  REGCHECK_REQUIRE(net.W2.cols() == net.W1.rows(), "OneHidden: W2 is " + shape(net.W2) + " but W1 is " + shape(net.W1));
  REGCHECK_REQUIRE(net.W2.rows() == net.y.size(), "OneHidden: W2 is " + shape(net.W2) + " but y has " +
                                                     std::to_string(net.y.size()) + " entries");
  REGCHECK_REQUIRE(net.W1.allFinite() && net.W2.allFinite() && net.x.allFinite() && net.y.allFinite(),
                  "OneHidden: W1, W2, x, y must be finite");
}

double train_loss(const OneHidden& net, const Eigen::Matrix<bool, Eigen::Dynamic, 1>& mask) {
  validate(net);
  const Eigen::VectorXd v = net.W1 * net.x;
  REGCHECK_REQUIRE(mask.size() == v.size(), "train_loss: mask has " + std::to_string(mask.size()) +
                                               " entries, hidden width is " + std::to_string(v.size()));
  return (net.W2 * train_activation(v, mask, relu) - net.y).squaredNorm();
}

double expected_train_loss_exact(const OneHidden& net, double p, double* abs_scale) {
  validate(net);
  require_p(p, "expected_train_loss_exact");
  require_d(net.W1.rows(), "expected_train_loss_exact");
  const int d = static_cast<int>(net.W1.rows());
  const Eigen::VectorXd v = net.W1 * net.x;
  // |W2| |S v| + |y| bounds every intermediate of one loss evaluation (for the error bound).
  const Eigen::MatrixXd absW2 = net.W2.cwiseAbs();
  Eigen::Matrix<bool, Eigen::Dynamic, 1> mask(d);
  long double acc = 0, scale = 0;
  for (std::uint32_t m = 0; m < (1u << d); ++m) {
    for (int j = 0; j < d; ++j) mask[j] = (m >> j) & 1u;
    const long double w = mask_weight(p, std::popcount(m), d);
    const Eigen::VectorXd Sv = train_activation(v, mask, relu);
    acc += w * (net.W2 * Sv - net.y).squaredNorm();
    scale += w * (absW2 * Sv.cwiseAbs() + net.y.cwiseAbs()).squaredNorm();
  }
  if (abs_scale) *abs_scale = static_cast<double>(scale);
  return static_cast<double>(acc);
}

namespace {
Eigen::VectorXd leaky_vec(const Eigen::VectorXd& v, double p) {
  Eigen::VectorXd out(v.size());
  for (Eigen::Index j = 0; j < v.size(); ++j) out[j] = leaky_relu(v[j], p);
  return out;
}
}  // namespace

double penalty_rhs_printed(const OneHidden& net, double p) {
  validate(net);
  require_p_positive(p, "penalty_rhs_printed");
  const Eigen::VectorXd v = net.W1 * net.x;
  const Eigen::VectorXd rp = leaky_vec(v, p);
  const double loss = (net.W2 * rp - net.y).squaredNorm();
  const double pen = (net.W2 * v - net.W2 * rp).squaredNorm();  // ||W2 W1 x - W2 r_p(W1 x)||^2
  return loss + (1.0 - p) / p * pen;
}

double penalty_rhs_corrected(const OneHidden& net, double p) {
  validate(net);
  require_p_positive(p, "penalty_rhs_corrected");
  const Eigen::VectorXd v = net.W1 * net.x;
  const Eigen::VectorXd rp = leaky_vec(v, p);
  const double loss = (net.W2 * rp - net.y).squaredNorm();
  // sum_j ||W2[:, j]||^2 (v_j - r_p(v_j))^2 = ||W2 diag(v - r_p(v))||_F^2: the diagonal of the
  // mask covariance p(1-p)(I - D)^2 leaves no cross terms between hidden units.
  const Eigen::VectorXd u = v - rp;
  const double pen = (net.W2 * u.asDiagonal()).squaredNorm();
  return loss + (1.0 - p) / p * pen;
}

double mean_x(double p, double sum_w) {
  require_p(p, "mean_x");
  REGCHECK_REQUIRE(std::isfinite(sum_w), "mean_x: sum_w must be finite, got " + detail::num(sum_w));
  return p * sum_w / std::sqrt(2.0 * std::numbers::pi);
}

double var_train(double p, double sum_w2) {
  require_p(p, "var_train");
  REGCHECK_REQUIRE(std::isfinite(sum_w2) && sum_w2 >= 0, "var_train: sum_w2 must be finite and >= 0, got " + detail::num(sum_w2));
  return sum_w2 * (1.0 - 0.5 * p - inv_2pi * p * p);
}

double var_test(double p, double sum_w2) {
  require_p(p, "var_test");
  REGCHECK_REQUIRE(std::isfinite(sum_w2) && sum_w2 >= 0, "var_test: sum_w2 must be finite and >= 0, got " + detail::num(sum_w2));
  return sum_w2 * ((0.5 - inv_2pi) * p * p - p + 1.0);
}

double shift_ratio(double p) {
  REGCHECK_REQUIRE(p >= 0.0 && p <= 1.0, "shift_ratio: p must be in [0, 1], got " + detail::num(p));
  const double num = (0.5 - inv_2pi) * p * p - p + 1.0;
  const double den = 1.0 - 0.5 * p - inv_2pi * p * p;
  return num / den;
}

double dropout_shift_ratio(double p) {
  require_p_positive(p, "dropout_shift_ratio");
  // With c^2 = 1/(2 pi) and v = 1/2 - 1/(2 pi), v / ((c^2 + v)/p - c^2) = v / (1/(2p) - 1/(2 pi))
  // = p (pi - 1) / (pi - p). Multiplied through by p because (c^2 + v)/p overflows for subnormal
  // p < 2.8e-309 (the ratio came out 0 instead of ~0.68 p). pi - p >= pi - 1 does not cancel;
  // pi - 1 is one rounded constant. Error <= 3 ulps.
  constexpr double pi_minus_1 = std::numbers::pi - 1.0;
  return p * pi_minus_1 / (std::numbers::pi - p);
}

}  // namespace regcheck::theory::dropact
