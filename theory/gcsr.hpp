#pragma once
// Closed forms and small reference computations of the gcsr source (Park, Ho, Chang, Zhang,
// "Gradient-Coherent Strong Regularization for Deep Neural Networks"; claims in
// claims/CATALOG.md, section "gcsr"). The coherence rate (eq. 9) is shared with the trainer: call it, do not copy.
// The L1 prox of eq. (10) is theory::soft_threshold in theory/prox.hpp.
#include "theory/prox.hpp"

#include <Eigen/Dense>

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace regcheck::theory::gcsr {

// The regularizer Omega of eq. (1)-(2).
enum class Penalty { L1, L2 };
std::string to_string(Penalty kind);

// Omega(w) = ||w||_2^2 (L2) or ||w||_1 (L1), eq. (2).
double penalty(const Eigen::Ref<const Eigen::ArrayXd>& w, Penalty kind);

// dOmega/dw of eq. (2), elementwise:
//   L2: 2 w;   L1: sign(w) for w != 0.
// At w = 0 the L1 penalty is not differentiable (eq. 2 leaves it undefined); this returns 0, the
// element of the subdifferential [-1, 1] of minimal norm (and what torch.sign gives), so the
// regularizer does not push a zero weight either way. Throws std::invalid_argument for NaN/inf w.
double penalty_gradient(double w, Penalty kind);

// One gradient-descent step of eq. (2):
//   w <- w - alpha (dL/dw + lambda dOmega/dw),   alpha > 0 (learning rate), lambda >= 0.
// dL_dw is the loss gradient at w (same size). Throws std::invalid_argument for a size mismatch,
// alpha <= 0, lambda < 0, or non-finite inputs.
Eigen::ArrayXd gd_update(const Eigen::Ref<const Eigen::ArrayXd>& w, const Eigen::Ref<const Eigen::ArrayXd>& dL_dw,
                         double alpha, double lambda, Penalty kind);

// ---- Gradient sign coherence rate, eq. (9) -------------------------------------------------------
//
//   pi = || Theta( sign(g) .* sign(g + lambda dOmega/dw) ) ||_1 / n,   g = dL/dw,
// Theta the Heaviside step. Conventions (documented choices where the paper is silent):
// - footnote 2: entries with g = 0 are excluded, so n counts only entries with g != 0;
// - Theta(0) = 0: an entry whose combined gradient g + lambda dOmega/dw is exactly 0 has lost its
//   direction, so it is not coherent (it "keeps the same sign" only if the sign is kept strictly);
// - dOmega/dw at w = 0 for L1 is 0 (see penalty_gradient), so such an entry is coherent;
// - no entry with g != 0 (all gradients zero, or empty input): status NoGradient, n_used = 0 and
//   pi = 0. pi is then not a rate; 0 is returned (never NaN) so that a gate of eq. (8),
//   lambda^(t) = lambda only if pi > mu, that ignores the status does not regularize a network
//   that is not learning. Callers should test the status.
// Regimes: pi in [0, 1]; pi = 1 when lambda = 0 (sign(g)^2 = 1); pi -> fraction of entries where
// sign(dOmega) = sign(g) (about 1/2) as lambda -> infinity.
enum class CoherenceStatus { Ok, NoGradient };
struct Coherence {
  double pi = 0;           // coherence rate over the entries used
  std::size_t n_used = 0;  // entries with g != 0 (the n of eq. 9 after footnote 2)
  CoherenceStatus status = CoherenceStatus::NoGradient;
};

// Sign coherence of b against a: fraction of entries with a != 0 where sign(a) sign(b) > 0.
// Works for float and double Eigen arrays (the trainer may hold float parameters).
template <class DA, class DB>
Coherence sign_coherence(const Eigen::ArrayBase<DA>& a, const Eigen::ArrayBase<DB>& b) {
  if (a.size() != b.size())
    throw std::invalid_argument("sign_coherence: sizes differ, got " + std::to_string(a.size()) + " and " +
                                std::to_string(b.size()));
  Coherence c;
  std::size_t coherent = 0;
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    const double ai = static_cast<double>(a(i)), bi = static_cast<double>(b(i));
    // Test first, build the message only on failure: this loop is hot (trainer, Monte Carlo).
    if (std::isnan(ai) || std::isnan(bi))
      throw std::invalid_argument("sign_coherence: NaN at entry " + std::to_string(i) + " (a=" + detail::num(ai) +
                                  ", b=" + detail::num(bi) + ")");
    if (ai == 0) continue;  // footnote 2
    ++c.n_used;
    if ((ai > 0 && bi > 0) || (ai < 0 && bi < 0)) ++coherent;  // Theta(0) = 0
  }
  if (c.n_used == 0) return c;  // NoGradient, pi = 0 (see above)
  c.status = CoherenceStatus::Ok;
  c.pi = static_cast<double>(coherent) / static_cast<double>(c.n_used);
  return c;
}

// pi of eq. (9) for loss gradient g and weights w (same size), strength lambda >= 0 and penalty
// kind. The combined gradient g + lambda dOmega/dw is formed in double. Throws
// std::invalid_argument for a size mismatch, lambda < 0 or non-finite, or NaN/inf in g or w.
template <class DG, class DW>
Coherence coherence_rate(const Eigen::ArrayBase<DG>& g, const Eigen::ArrayBase<DW>& w, double lambda, Penalty kind) {
  if (g.size() != w.size())
    throw std::invalid_argument("coherence_rate: g and w sizes differ, got " + std::to_string(g.size()) + " and " +
                                std::to_string(w.size()));
  if (!(std::isfinite(lambda) && lambda >= 0))
    throw std::invalid_argument("coherence_rate: lambda must be finite and >= 0, got " + detail::num(lambda));
  Eigen::ArrayXd gd(g.size()), combined(g.size());
  for (Eigen::Index i = 0; i < g.size(); ++i) {
    gd(i) = static_cast<double>(g(i));
    if (!std::isfinite(gd(i)))  // (message built only on failure: hot loop)
      throw std::invalid_argument("coherence_rate: g must be finite, got " + detail::num(gd(i)) + " at entry " +
                                  std::to_string(i));
    // lambda = 0 adds nothing (and avoids 0 * inf = NaN when 2 w overflows for |w| > DBL_MAX / 2).
    const double d = penalty_gradient(static_cast<double>(w(i)), kind);
    combined(i) = lambda == 0 ? gd(i) : gd(i) + lambda * d;
  }
  return sign_coherence(gd, combined);
}

// ---- Expected coherence for Gaussian g and w ("beyond the paper", CLAIMS.md) ------------------
//
// g ~ N(0, sg^2), w ~ N(0, sw^2) independent, per entry (= E pi, since g != 0 a.s.):
// L2: an entry is incoherent iff u = 2 lambda w opposes g with |u| > |g|. (g/sg, u/(2 lambda sw))
//     is isotropic, and that set is two wedges of total angle 2 arctan(2 lambda sw / sg), so
//       E pi = 1 - (1/pi) arctan(2 lambda sw / sg).
// L1: incoherent iff sign(w) = -sign(g) and |g| < lambda: probability P(|g| < lambda) / 2, so
//       E pi = 1 - (Phi(lambda / sg) - 1/2) = 1 - erf(lambda / (sg sqrt 2)) / 2.
// Both are 1 at lambda = 0 and tend to 1/2 as lambda -> infinity.
// Requires lambda >= 0, sg > 0, sw >= 0, all finite (std::invalid_argument otherwise).
double expected_coherence_l2(double lambda, double sg, double sw);
double expected_coherence_l1(double lambda, double sg);

// ---- A tiny bias-free ReLU MLP for the suppression claim (sec. 2.2, eq. 3-7) --------------------
//
// yhat = W_L r(W_{L-1} ... r(W_1 x)), r = ReLU, no biases; W[l] is (n_{l+1} x n_l), so W.size() = L.
// Inputs X are columns (d x B); squared loss Loss = (1/2) sum_b ||yhat_b - y_b||^2.
// Backprop as eq. (3)-(4): dL/dW_l = delta_l a_{l-1}^T, delta_L = yhat - y,
// delta_l = (W_{l+1}^T delta_{l+1}) .* Theta(z_l), with r'(0) = Theta(0) = 0.
struct ReluMlp {
  std::vector<Eigen::MatrixXd> W;
  int depth() const { return static_cast<int>(W.size()); }
  ReluMlp scaled(double s) const;  // every W_l multiplied by s
};

struct MlpPass {
  std::vector<Eigen::MatrixXd> a;  // a[0] = X, a[l] = output of layer l (a[L] = yhat, no ReLU)
  std::vector<Eigen::MatrixXd> z;  // z[l-1] = W_l a[l-1], pre-activations of layers 1..L
};
MlpPass mlp_forward(const ReluMlp& net, const Eigen::MatrixXd& X);
double mlp_squared_loss(const ReluMlp& net, const Eigen::MatrixXd& X, const Eigen::MatrixXd& Y);
// dL/dW_l for l = 1..L (index l-1) for an arbitrary output residual R = dLoss/dyhat (c x B); for the
// squared loss R = yhat - Y. Backprop is linear in R, which the suppression check uses.
std::vector<Eigen::MatrixXd> mlp_backward(const ReluMlp& net, const MlpPass& pass, const Eigen::MatrixXd& R);
std::vector<Eigen::MatrixXd> mlp_squared_loss_gradients(const ReluMlp& net, const Eigen::MatrixXd& X,
                                                        const Eigen::MatrixXd& Y);

}  // namespace regcheck::theory::gcsr
