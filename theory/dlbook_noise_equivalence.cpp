// Third-order noise coefficient and the first-order minimizer shifts of Deep Learning 7.6 (the
// "equivalence" after eqs. 7.17 and 7.22); declarations and formulas in theory/dlbook_noise.hpp.
// A separate translation unit from theory/dlbook_noise.cpp: with these solves inlined there, GCC 12
// raised its spurious AVX-512 -Wuninitialized warning inside Eigen's vectorized exp.
#include "theory/dlbook_noise.hpp"

#include "theory/prox.hpp"

#include <cmath>
#include <string>

namespace regcheck::theory::dlbook {

namespace {
void require_finite_vec(const Eigen::VectorXd& v, const char* what) {
  REGCHECK_REQUIRE(v.allFinite(), std::string(what) + " must be finite (found NaN or inf)");
}
}  // namespace

double noise_third_order_coefficient(const Eigen::VectorXd& grad, const Eigen::VectorXd& hess_diag, double residual,
                                     const Eigen::VectorXd& third_diag, double mu3) {
  REGCHECK_REQUIRE(hess_diag.size() == grad.size() && third_diag.size() == grad.size(),
                   "noise_third_order_coefficient: grad has " + std::to_string(grad.size()) + " entries, hess_diag " +
                       std::to_string(hess_diag.size()) + ", third_diag " + std::to_string(third_diag.size()));
  require_finite_vec(grad, "noise_third_order_coefficient: grad");
  require_finite_vec(hess_diag, "noise_third_order_coefficient: hess_diag");
  require_finite_vec(third_diag, "noise_third_order_coefficient: third_diag");
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
  require_finite_vec(c, "input_noise_minimizer_slopes: c");
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
  // A0 is a Gram matrix of distinct monomials under a Gaussian: positive definite. LDLT (pivoted) is
  // backward stable; the forward error grows with cond(A0): 41 for powers 0..3, 345 for 0..4, 4.9e3
  // for 0..5, 1.3e6 for 0..7 (eigenvalues in 40-digit arithmetic).
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

}  // namespace regcheck::theory::dlbook
