#pragma once
// Vectorized wrappers over the scalar prox operators of theory/prox.hpp (called element-wise or
// row-wise; no copies of their formulas), plus the exclusive-lasso prox that prox.hpp lacks.
#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "theory/prox.hpp"

namespace regcheck::nets::regularize {

namespace detail = regcheck::theory::detail;

// W <- S(W, z) element-wise (theory::soft_threshold): the prox of z ||.||_1.
template <class Derived>
void soft_threshold_inplace(Eigen::MatrixBase<Derived>& W, double z) {
  using T = typename Derived::Scalar;
  W.derived() = W.derived().unaryExpr([z](T w) { return static_cast<T>(theory::soft_threshold(static_cast<double>(w), z)); });
}

// W <- prox_{lambda rho_a}(W) element-wise (theory::tl1_prox).
template <class Derived>
void tl1_prox_inplace(Eigen::MatrixBase<Derived>& W, double lambda, double a) {
  using T = typename Derived::Scalar;
  W.derived() = W.derived().unaryExpr([lambda, a](T w) { return static_cast<T>(theory::tl1_prox(static_cast<double>(w), lambda, a)); });
}

// Each row g <- group_prox(row, tau_g) (theory::group_prox): the prox of sum_g tau_g ||w_g||_2.
template <class Derived>
void group_prox_rows_inplace(Eigen::MatrixBase<Derived>& W, double tau) {
  for (Eigen::Index r = 0; r < W.rows(); ++r) W.row(r) = theory::group_prox(W.row(r).transpose(), tau).transpose();
}

// Exact prox of the exclusive lasso on one group, f(x) = (tau / 2) ||x||_1^2, tau >= 0:
//   prox_f(v)_i = S(v_i, theta),  theta = tau * sum_{j <= k} |v|_(j) / (1 + tau k),
// |v|_(1) >= |v|_(2) >= ... sorted magnitudes and k the largest index with |v|_(k) > theta_k
// (theta_k the same formula with k). Derivation: the optimality condition is
// x_i = S(v_i, tau ||x||_1); on the support of size k, ||x||_1 = sum_top_k - k tau ||x||_1.
// (Kowalski 2009, "Sparse regression using mixed norms"; also Lin et al. 2019 for exclusive lasso.)
// Returns theta (0 for v = 0); the soft threshold itself is theory::soft_threshold.
template <class Derived>
double exclusive_threshold(const Eigen::MatrixBase<Derived>& v, double tau) {
  REGCHECK_REQUIRE(std::isfinite(tau) && tau >= 0, "exclusive_threshold: tau must be finite and >= 0, got " + detail::num(tau));
  std::vector<double> m(static_cast<std::size_t>(v.size()));
  for (Eigen::Index i = 0; i < v.size(); ++i) m[static_cast<std::size_t>(i)] = std::abs(static_cast<double>(v(i)));
  std::sort(m.begin(), m.end(), std::greater<>());
  double cum = 0, theta = 0;
  for (std::size_t k = 1; k <= m.size(); ++k) {
    cum += m[k - 1];
    const double th = tau * cum / (1.0 + tau * static_cast<double>(k));
    if (m[k - 1] > th) theta = th;
    else break;  // magnitudes only decrease while theta_k only grows past them: k is final
  }
  return theta;
}

// Each row g <- exclusive-lasso prox with parameter tau.
//   exact = true:  the exact prox above;
//   exact = false: CGES's one-step rule (Yoon & Hwang 2017, the exclusive-sparsity prox as they
//                  apply it): w_{g,i} <- sign(w_{g,i}) (|w_{g,i}| - tau ||w_g||_1)_+ with ||w_g||_1
//                  of the row before the update. It shrinks more than the exact prox (its
//                  threshold tau ||v||_1 >= theta); tests measure the difference.
template <class Derived>
void exclusive_prox_rows_inplace(Eigen::MatrixBase<Derived>& W, double tau, bool exact) {
  REGCHECK_REQUIRE(std::isfinite(tau) && tau >= 0, "exclusive_prox: tau must be finite and >= 0, got " + detail::num(tau));
  for (Eigen::Index r = 0; r < W.rows(); ++r) {
    const double theta = exact ? exclusive_threshold(W.row(r), tau)
                               : tau * static_cast<double>(W.row(r).template lpNorm<1>());
    auto row = W.row(r);
    soft_threshold_inplace(row, theta);
  }
}

}  // namespace regcheck::nets::regularize
