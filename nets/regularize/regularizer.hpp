#pragma once
// Regularizers of the trainer, applied to weights only (Param::is_weight; never biases), layer by
// layer. lambda is always the coefficient of Omega in the objective  L(w) + lambda Omega(w).
//
//   kind             Omega (per weight layer l; rows g of W_l are the groups: one neuron's
//                    incoming weights or one conv filter)                       how applied
//   L2               ||W_l||_F^2 (gcsr eq. 1-2, so dOmega/dw = 2w)              grad += 2 lambda w
//   L1               ||W_l||_1                                                  w <- S(w, lr lambda) (gcsr eq. 10)
//   TL1              sum_ij rho_a(w_ij) (tl1 eq. 12, 15)                        w <- tl1_prox(w, lr lambda, a)
//   GroupLasso       sum_g sqrt(|g|) ||w_g||_2                                  w_g <- group_prox(w_g, lr lambda sqrt|g|)
//   SparseGroupLasso mu_l ||W_l||_1 + (1 - mu_l) sum_g sqrt|g| ||w_g||_2        soft threshold at lr lambda mu_l, then
//                                                                               group prox at lr lambda (1-mu_l) sqrt|g|:
//                                                                               this order is the exact prox of the sum
//   CGES             (1 - mu_l) sum_g ||w_g||_2 + (mu_l / 2) sum_g ||w_g||_1^2  group prox at lr lambda (1-mu_l), then
//                    (Yoon & Hwang 2017: group + exclusive sparsity, no         exclusive prox at lr lambda mu_l (CGES
//                    sqrt|g| factor)                                            one-step rule or exact, see prox_arrays.hpp)
//   IntegratedTL1    mu_l TL1_a(W_l) + (1 - mu_l) sum_g sqrt|g| ||w_g||_2       group prox at lr lambda (1-mu_l) sqrt|g|,
//                    (tl1 eq. 16)                                               then tl1_prox at lr lambda mu_l (eq. 22)
//
// The prox kinds act after the optimizer's gradient step with its learning rate lr (proximal SGD,
// tl1 eq. 21-22); L2 adds its gradient before the step. mu holds one value (all layers) or one per
// weight layer, in increasing order of Param::layer (the k-th distinct layer index among the
// weights gets mu[k]); mu_linear makes the tl1 paper's choice of group sparsity dominant in lower
// layers and TL1 in upper ones (mu increasing with depth).
#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "nets/param.hpp"
#include "nets/regularize/prox_arrays.hpp"

namespace regcheck::nets::regularize {

enum class Kind { None, L2, L1, TL1, GroupLasso, SparseGroupLasso, CGES, IntegratedTL1 };
std::string to_string(Kind k);
Kind kind_from_string(const std::string& s);  // "none", "l2", "l1", "tl1", "group-lasso",
                                              // "sparse-group-lasso", "cges", "integrated-tl1"

struct RegularizerOptions {
  Kind kind = Kind::None;
  double lambda = 0.0;              // >= 0
  double a = 1.0;                   // TL1 parameter a > 0 (TL1, IntegratedTL1)
  std::vector<double> mu{0.5};      // per weight layer, each in [0, 1] (SGL, CGES, IntegratedTL1)
  bool exact_exclusive_prox = false;  // CGES: exact prox of the exclusive term instead of CGES's rule
};

// mu_l = mu_first + (mu_last - mu_first) l / (L - 1), l = 0..L-1 (mu_first for L = 1).
std::vector<double> mu_linear(int layers, double mu_first, double mu_last);

template <class T>
class Regularizer {
 public:
  explicit Regularizer(RegularizerOptions opt) : opt_(std::move(opt)) { validate(); }

  const RegularizerOptions& options() const { return opt_; }
  double lambda() const { return opt_.lambda; }
  // True for the kinds applied by a prox step after the gradient step (all but None and L2).
  bool is_proximal() const { return opt_.kind != Kind::None && opt_.kind != Kind::L2; }

  // The mu of each weight param's layer (index into params; non-weights get NaN).
  std::vector<double> layer_mu(const std::vector<Param<T>*>& params) const {
    std::set<int> layers;
    for (auto* p : params)
      if (p->is_weight) layers.insert(p->layer);
    REGCHECK_REQUIRE(opt_.mu.size() == 1 || opt_.mu.size() == layers.size(),
                    "RegularizerOptions.mu must have 1 value or one per weight layer (" + std::to_string(layers.size()) +
                        "), got " + std::to_string(opt_.mu.size()));
    std::vector<double> out(params.size(), NAN);
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (!params[i]->is_weight) continue;
      const auto k = static_cast<std::size_t>(std::distance(layers.begin(), layers.find(params[i]->layer)));
      out[i] = opt_.mu.size() == 1 ? opt_.mu[0] : opt_.mu[k];
    }
    return out;
  }

  // Omega (without lambda), summed over the weights.
  double omega(const std::vector<Param<T>*>& params) const {
    const auto mu = layer_mu(params);
    double s = 0;
    for (std::size_t i = 0; i < params.size(); ++i)
      if (params[i]->is_weight) s += omega_one(params[i]->value, mu[i]);
    return s;
  }
  // lambda * Omega at the given strength (the regularization term of the logged objective).
  double value(const std::vector<Param<T>*>& params, double lambda) const { return lambda * omega(params); }
  double value(const std::vector<Param<T>*>& params) const { return value(params, opt_.lambda); }

  // L2: grad += 2 lambda w on weights (dOmega/dw = 2w). No-op for the other kinds.
  void add_gradient(const std::vector<Param<T>*>& params, double lambda) const {
    check_lambda(lambda);
    if (opt_.kind != Kind::L2 || lambda == 0) return;
    for (auto* p : params)
      if (p->is_weight) p->grad += static_cast<T>(2.0 * lambda) * p->value;
  }
  void add_gradient(const std::vector<Param<T>*>& params) const { add_gradient(params, opt_.lambda); }

  // Prox kinds: w <- prox_{lr lambda Omega}(w) (composition as tabled above) on weights. No-op for
  // None, L2 and lambda = 0.
  void prox(const std::vector<Param<T>*>& params, double lr, double lambda) const {
    check_lambda(lambda);
    REGCHECK_REQUIRE(std::isfinite(lr) && lr >= 0, "Regularizer::prox: lr must be finite and >= 0, got " + detail::num(lr));
    if (!is_proximal() || lambda == 0 || lr == 0) return;
    const auto mu = layer_mu(params);
    for (std::size_t i = 0; i < params.size(); ++i)
      if (params[i]->is_weight) prox_one(params[i]->value, lr * lambda, mu[i]);
  }
  void prox(const std::vector<Param<T>*>& params, double lr) const { prox(params, lr, opt_.lambda); }

 private:
  RegularizerOptions opt_;

  void validate() const {
    check_lambda(opt_.lambda);
    REGCHECK_REQUIRE(std::isfinite(opt_.a) && opt_.a > 0, "RegularizerOptions.a must be finite and > 0, got " + detail::num(opt_.a));
    REGCHECK_REQUIRE(!opt_.mu.empty(), "RegularizerOptions.mu must not be empty");
    for (double m : opt_.mu)
      REGCHECK_REQUIRE(m >= 0 && m <= 1, "RegularizerOptions.mu values must be in [0, 1], got " + detail::num(m));
  }
  static void check_lambda(double lambda) {
    REGCHECK_REQUIRE(std::isfinite(lambda) && lambda >= 0, "Regularizer: lambda must be finite and >= 0, got " + detail::num(lambda));
  }

  static double group_sum(const Mat<T>& W, bool sqrt_size) {
    const double f = sqrt_size ? std::sqrt(static_cast<double>(W.cols())) : 1.0;
    double s = 0;
    for (Eigen::Index r = 0; r < W.rows(); ++r) s += f * static_cast<double>(W.row(r).norm());
    return s;
  }
  double tl1_sum(const Mat<T>& W) const {
    double s = 0;
    for (Eigen::Index i = 0; i < W.size(); ++i) s += theory::tl1_penalty(static_cast<double>(W.data()[i]), opt_.a);
    return s;
  }

  double omega_one(const Mat<T>& W, double mu) const {
    switch (opt_.kind) {
      case Kind::None: return 0;
      case Kind::L2: return W.template cast<double>().squaredNorm();
      case Kind::L1: return W.template cast<double>().template lpNorm<1>();
      case Kind::TL1: return tl1_sum(W);
      case Kind::GroupLasso: return group_sum(W, true);
      case Kind::SparseGroupLasso: return mu * W.template cast<double>().template lpNorm<1>() + (1 - mu) * group_sum(W, true);
      case Kind::CGES: {
        double excl = 0;
        for (Eigen::Index r = 0; r < W.rows(); ++r) {
          const double l1 = W.row(r).template cast<double>().template lpNorm<1>();
          excl += l1 * l1;
        }
        return (1 - mu) * group_sum(W, false) + 0.5 * mu * excl;
      }
      case Kind::IntegratedTL1: return mu * tl1_sum(W) + (1 - mu) * group_sum(W, true);
    }
    return 0;
  }

  // t = lr * lambda.
  void prox_one(Mat<T>& W, double t, double mu) const {
    const double sq = std::sqrt(static_cast<double>(W.cols()));
    switch (opt_.kind) {
      case Kind::None:
      case Kind::L2: return;
      case Kind::L1: soft_threshold_inplace(W, t); return;
      case Kind::TL1: tl1_prox_inplace(W, t, opt_.a); return;
      case Kind::GroupLasso: group_prox_rows_inplace(W, t * sq); return;
      case Kind::SparseGroupLasso:
        soft_threshold_inplace(W, t * mu);
        group_prox_rows_inplace(W, t * (1 - mu) * sq);
        return;
      case Kind::CGES:
        group_prox_rows_inplace(W, t * (1 - mu));
        exclusive_prox_rows_inplace(W, t * mu, opt_.exact_exclusive_prox);
        return;
      case Kind::IntegratedTL1:
        group_prox_rows_inplace(W, t * (1 - mu) * sq);
        tl1_prox_inplace(W, t * mu, opt_.a);
        return;
    }
  }
};

}  // namespace regcheck::nets::regularize
