#include "claims/dlbook/noise_slope_mc.hpp"

#include "theory/require.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <numbers>

namespace regcheck::claims::dlbook {

double tanh_derivative_sup(int j) {
  // The 40-digit maxima of the header, rounded up at the 14th significant digit (upper bounds).
  static constexpr std::array<double, 7> kSup = {1.0, 1.0, 0.76980035891951, 2.0, 4.0858855029697, 16.0, 52.265953133356};
  REGCHECK_REQUIRE(j >= 0 && j <= 6, fmt::format("tanh_derivative_sup: order must be in 0..6, got {}", j));
  return kSup[static_cast<std::size_t>(j)];
}

namespace {
void require_law(const ResidualLaw& law, double S) {
  REGCHECK_REQUIRE(S >= 0 && std::isfinite(S), fmt::format("ResidualLaw bound: step bound S must be finite and >= 0, got {}", S));
  for (int i = 0; i < 4; ++i)
    REGCHECK_REQUIRE(law.sigma[i] >= 0 && std::isfinite(law.sigma[i]),
                     fmt::format("ResidualLaw bound: sigma must be finite and >= 0, got {}", law.sigma[i]));
  REGCHECK_REQUIRE(std::isfinite(law.offset) && law.a.allFinite(),
                   fmt::format("ResidualLaw bound: a and offset must be finite, got offset {}", law.offset));
}

// ||(|a| + S |alpha|)||_2 = sqrt(a^2 + 2 S |a| E|alpha| + S^2 E alpha^2), alpha ~ N(0, 1); |a| without alpha.
double coefficient_l2(double a, double S, bool perturbed) {
  if (!perturbed) return std::abs(a);
  return std::sqrt(a * a + 2 * S * std::abs(a) * std::sqrt(2 / std::numbers::pi) + S * S);
}

// (2j - 1)!! for j >= 0 ((-1)!! = 1): E v^{2j} for v ~ N(0, 1).
double double_factorial_odd(int j) {
  double r = 1;
  for (int k = 2 * j - 1; k > 1; k -= 2) r *= k;
  return r;
}

// The bound on ||U_j||_2 of the header.
double u_l2(const ResidualLaw& law, double S, int j) {
  double sum = j == 0 ? std::abs(law.offset) : 0.0;
  for (int i = 0; i < 4; ++i) {
    const double c = coefficient_l2(law.a[i], S, law.perturbed_a);
    if (j == 0) {
      sum += c;
      continue;
    }
    const double s = law.sigma[i];
    sum += c * tanh_derivative_sup(j) * std::pow(s, j) * std::sqrt(double_factorial_odd(j));
    // d^j/dt^j of (a + t alpha) tanh(u + t v) also has j alpha tanh^(j-1) v^(j-1); alpha, v independent.
    if (law.perturbed_a) sum += j * tanh_derivative_sup(j - 1) * std::pow(s, j - 1) * std::sqrt(double_factorial_odd(j - 1));
  }
  return sum;
}
}  // namespace

double residual_l2_bound(const ResidualLaw& law, double S) {
  require_law(law, S);
  return u_l2(law, S, 0);
}

double sixth_derivative_bound(const ResidualLaw& law, double S) {
  require_law(law, S);
  static constexpr std::array<double, 7> kBinom = {1, 6, 15, 20, 15, 6, 1};
  std::array<double, 7> u{};
  for (int j = 0; j <= 6; ++j) u[static_cast<std::size_t>(j)] = u_l2(law, S, j);
  double sum = 0;
  for (std::size_t j = 0; j <= 6; ++j) sum += kBinom[j] * u[j] * u[6 - j];
  return sum;
}

QuadraticControl::QuadraticControl(const Eigen::MatrixXd& pilot_z, const Eigen::VectorXd& values)
    : dim_(static_cast<int>(pilot_z.rows())) {
  const int n = static_cast<int>(pilot_z.cols()), F = features();
  REGCHECK_REQUIRE(values.size() == n, fmt::format("QuadraticControl: {} values for {} pilot draws", values.size(), n));
  REGCHECK_REQUIRE(n > F + 1, fmt::format("QuadraticControl: pilot of {} draws for {} features (needs more than features + 1)", n, F));
  Eigen::MatrixXd X(n, F + 1);
  for (int r = 0; r < n; ++r) {
    const auto z = pilot_z.col(r);
    int f = 0;
    for (int j = 0; j < dim_; ++j)
      for (int k = j + 1; k < dim_; ++k) X(r, f++) = z[j] * z[k];
    for (int j = 0; j < dim_; ++j) X(r, f++) = z[j] * z[j] - 1;
    X(r, F) = 1;  // intercept (not used afterwards: the controlled mean is the sample mean)
  }
  const Eigen::VectorXd coef = X.colPivHouseholderQr().solve(values);
  beta_.assign(coef.data(), coef.data() + F);
}

long double QuadraticControl::apply(const double* z) const {
  long double sum = 0;
  std::size_t f = 0;
  for (int j = 0; j < dim_; ++j)
    for (int k = j + 1; k < dim_; ++k) sum += static_cast<long double>(beta_[f++]) * z[j] * z[k];
  for (int j = 0; j < dim_; ++j) sum += static_cast<long double>(beta_[f++]) * (static_cast<long double>(z[j]) * z[j] - 1);
  return sum;
}

}  // namespace regcheck::claims::dlbook
