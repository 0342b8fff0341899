#pragma once
// Gradient-coherent strong regularization (Park et al., gcsr): when to impose lambda.
//   Always:  lambda^(t) = lambda.
//   Delayed: lambda^(t) = lambda if epoch(t) >= gamma, else 0                      (eq. 11)
//   Gated:   lambda^(t) = lambda if pi^(t) > mu, else 0                            (eq. 8)
// with pi^(t) the gradient sign coherence rate of eq. 9 on the real loss gradients of the weights
// (theory::gcsr::coherence_rate; entries with g = 0 excluded, footnote 2). A step without any
// nonzero weight gradient (status NoGradient) is not regularized by the gate.
#include <string>
#include <vector>

#include "nets/param.hpp"
#include "theory/gcsr.hpp"

namespace regcheck::nets::regularize {

enum class GcsrMode { Always, Delayed, Gated };

struct GcsrOptions {
  GcsrMode mode = GcsrMode::Always;
  int gamma = 5;     // Delayed: first regularized epoch (paper: gamma = 5)
  double mu = 0.5;   // Gated: coherence threshold in [0, 1)
};

// pi of eq. 9 over all weight entries of params (concatenated; is_weight only, biases excluded),
// dOmega = 2w (L2) or sign(w) (L1; 0 at w = 0). Computed on p->grad, which must hold dL/dw alone:
// call it before Regularizer::add_gradient.
template <class T>
theory::gcsr::Coherence coherence_rate(const std::vector<Param<T>*>& params, double lambda, theory::gcsr::Penalty kind) {
  Eigen::Index n = 0;
  for (auto* p : params)
    if (p->is_weight) n += p->value.size();
  Eigen::Array<T, Eigen::Dynamic, 1> g(n), w(n);
  Eigen::Index at = 0;
  for (auto* p : params) {
    if (!p->is_weight) continue;
    REGCHECK_REQUIRE(p->grad.size() == p->value.size(), "coherence_rate: grad of '" + p->name + "' has " +
                                                                   std::to_string(p->grad.size()) + " entries, value " +
                                                                   std::to_string(p->value.size()));
    g.segment(at, p->value.size()) = p->grad.reshaped().array();
    w.segment(at, p->value.size()) = p->value.reshaped().array();
    at += p->value.size();
  }
  return theory::gcsr::coherence_rate(g, w, lambda, kind);
}

// lambda^(t) for this step under opt (pi is ignored unless Gated).
double gcsr_lambda(const GcsrOptions& opt, double lambda, int epoch, const theory::gcsr::Coherence& pi);

GcsrMode gcsr_mode_from_string(const std::string& s);  // "always", "delayed", "gated"

}  // namespace regcheck::nets::regularize
