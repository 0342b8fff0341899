#pragma once
// The Monte Carlo estimator of the noise slopes of 7.17 / 7.22 (claims/dlbook/noise_claims.cpp,
// claims/CATALOG.md: dlbook.7_6_1.input-noise, dlbook.7_6_2.weight-noise) and the stated bound on
// its systematic error.
//
// Statistic: for a noise direction z ~ N(0, I) and g(t) = loss at perturbation t z,
//   D(nu) = [g(s) + g(-s) - 2 g(0)] / (2 nu), s = sqrt(nu),   R = (4 D(nu) - D(4 nu)) / 3
// (Richardson with the steps s and 2 s, exact powers of two, so the perturbations s z are exact).
// Taylor with Lagrange remainders: D(nu) = g''(0)/2 + g''''(0) nu/24 + [g6(xi1) + g6(xi2)] nu^2/1440,
// so R - g''(0)/2 = [4 (g6(xi1) + g6(xi2)) - 16 (g6(xi3) + g6(xi4))] nu^2 / 4320 and
//   |E R - E g''(0)/2| <= (40 / 4320) nu^2 E sup_{|t| <= 2s} |g^(6)(t)| = nu^2 E M6 / 108,
// where E g''(0)/2 = d/dnu E[loss(theta + sqrt(nu) z)] at nu = 0 is the slope under test.
// Nothing of the slope formula (gradient norm, Hessian trace) enters: only loss values.
#include <Eigen/Dense>

#include <cstdint>
#include <vector>

namespace regcheck::claims::dlbook {

// R for one direction: loss(t) (long double) is the loss at perturbation t z; s the step (a power of
// two keeps t z exact), nu = s^2. R = (4 D(nu) - D(4 nu)) / 3 = (16 e1 - e2) / (24 nu) with
// e1 = g(s) + g(-s) - 2 g(0) = 2 nu D(nu) and e2 = g(2s) + g(-2s) - 2 g(0) = 8 nu D(4 nu).
template <class Loss>
long double richardson_slope(Loss&& loss, long double s) {
  const long double nu = s * s;
  const long double L0 = loss(0.0L);
  const long double e1 = loss(s) + loss(-s) - 2 * L0;
  const long double e2 = loss(2 * s) + loss(-2 * s) - 2 * L0;
  return (16 * e1 - e2) / (24 * nu);
}
// The Taylor part of the bias bound: |E R - E g''(0)/2| <= nu^2 / 108 * E sup_{|t| <= 2s} |g^(6)(t)|
// (`sixth`, an upper bound on that expectation).
inline double richardson_taylor_bound(double nu, double sixth) { return nu * nu / 108 * sixth; }

// sup over the real line of |tanh^(j)|, j = 0..6, rounded up in the last digit kept (tanh^(j) is a
// polynomial in tau = tanh, P_{j+1} = P_j'(tau) (1 - tau^2); its maximum over [-1, 1] by the
// roots of P_j', 40 digits: 1, 1, 0.76980035891950102, 2, 4.0858855029696562, 16,
// 52.265953133355127). Throws std::invalid_argument for j outside 0..6.
double tanh_derivative_sup(int j);

// One example's residual along a noise direction, as a function of the step t:
//   r(t) = sum_i (a_i + t alpha_i) tanh(u_i + t v_i) + offset,   v_i ~ N(0, sigma_i^2),
// alpha_i ~ N(0, 1) independent of v_i when perturbed_a (weight noise: alpha = the noise on a,
// v_i = (noise on row i of W) . x), alpha = 0 otherwise (input noise: v_i = W_i . z). The v_i may be
// dependent across i (the bounds use Minkowski's inequality, not independence across units).
struct ResidualLaw {
  Eigen::Vector4d a = Eigen::Vector4d::Zero(), sigma = Eigen::Vector4d::Zero();
  double offset = 0;
  bool perturbed_a = false;
};

// Upper bound on E sup_{|t| <= S} |d^6/dt^6 r(t)^2|. Leibniz: (r^2)^(6) = sum_j C(6, j) r^(j) r^(6-j);
// |r^(j)(t)| <= U_j := sum_i [(|a_i| + S |alpha_i|) T_j |v_i|^j + j T_{j-1} |alpha_i| |v_i|^(j-1)]
// (j >= 1; T_j = tanh_derivative_sup(j)), |r(t)| <= U_0 := sum_i (|a_i| + S |alpha_i|) + |offset|;
// E U_j U_{6-j} <= ||U_j||_2 ||U_{6-j}||_2 (Cauchy-Schwarz), ||U_j||_2 by Minkowski and the Gaussian
// moments E v^{2j} = (2j - 1)!! sigma^{2j}, E alpha^2 = 1, E|alpha| = sqrt(2/pi). Throws
// std::invalid_argument for S < 0 or a negative / non-finite sigma.
double sixth_derivative_bound(const ResidualLaw& law, double S);
// Upper bound on ||sup_{|t| <= S} |r(t)| ||_2 (the U_0 above).
double residual_l2_bound(const ResidualLaw& law, double S);

// Quadratic control variate: the features h(z) = (z_j z_k for j < k, z_j^2 - 1), mean 0 under
// N(0, I) (a fact about the Gaussian, independent of any formula under test), with coefficients
// fitted by least squares (with intercept) on a pilot sample independent of the samples they are
// then applied to, so the controlled mean stays unbiased.
class QuadraticControl {
 public:
  QuadraticControl() = default;
  // pilot_z: dim x n (one draw per column), values: the statistic at each draw. Needs n > features + 1.
  QuadraticControl(const Eigen::MatrixXd& pilot_z, const Eigen::VectorXd& values);
  int dim() const { return dim_; }
  int features() const { return dim_ * (dim_ + 1) / 2; }
  // beta^T h(z), in long double (the statistic it is subtracted from is a long double).
  long double apply(const double* z) const;

 private:
  int dim_ = 0;
  std::vector<double> beta_;  // off-diagonal (j < k) row by row, then the diagonal
};

}  // namespace regcheck::claims::dlbook
