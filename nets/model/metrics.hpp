#pragma once
// Model metrics for the regularization experiments: exact-zero sparsity, neurons removed,
// parameters and FLOPs of the pruned network, mean |dL/dw| per layer, and the per-channel
// output variance of a layer in train and eval mode (the batch-norm "variance shift").
//
// Pruned network: a weight counts only when it is exactly 0 (what prox operators produce); a
// neuron (row of a dense weight, one conv filter) is removed when all its incoming weights are
// 0, and then its bias is not counted either. FLOPs are per example, multiply-add = 2: dense
// 2 nnz(W), conv 2 nnz(W) Ho Wo, batch norm 2 per value; activations and pooling are not counted.
#include "nets/model/sequential.hpp"

#include <cmath>
#include <string>
#include <vector>

namespace regcheck::nets {

// Fraction of entries of the weight parameters (is_weight) that are exactly zero.
template <class T>
double weight_sparsity(const std::vector<Param<T>*>& ps) {
  double zeros = 0, total = 0;
  for (const Param<T>* p : ps)
    if (p->is_weight) {
      zeros += static_cast<double>((p->value.array() == T(0)).count());
      total += static_cast<double>(p->value.size());
    }
  return total > 0 ? zeros / total : 0.0;
}

// Number of rows (neurons / filters) of weight parameters whose entries are all zero.
template <class T>
long neurons_removed(const std::vector<Param<T>*>& ps) {
  long removed = 0;
  for (const Param<T>* p : ps)
    if (p->is_weight)
      for (Eigen::Index r = 0; r < p->value.rows(); ++r) removed += (p->value.row(r).array() == T(0)).all();
  return removed;
}

// Per weight layer (connections are the weight entries, neurons the rows: dense outputs, conv
// filters): exact-zero fraction over all entries, neurons removed (all-zero rows) and the
// exact-zero fraction over the entries of the SURVIVING rows, which tells connection-level
// sparsity (TL1, L1) from neuron-level sparsity (group lasso zeroes whole rows, the rest dense;
// tl1 paper sec. 4.5, Table 3). 0 when every row is removed.
struct LayerSparsity {
  int layer;
  long neurons = 0, neurons_removed = 0;
  double sparsity = 0, surviving_sparsity = 0;
};

template <class T>
std::vector<LayerSparsity> layer_sparsity(const std::vector<Param<T>*>& ps) {
  std::vector<LayerSparsity> out;
  for (const Param<T>* p : ps) {
    if (!p->is_weight || p->value.size() == 0) continue;
    LayerSparsity s{p->layer, static_cast<long>(p->value.rows())};
    // Zeros per row counted in one sweep down the columns (the weights are column-major: a
    // row-by-row count strides through memory; it was 9% of an x sin x epoch, issue 13 perf).
    const Eigen::Index R = p->value.rows(), C = p->value.cols();
    std::vector<long> row_zeros(static_cast<std::size_t>(R), 0);
    for (Eigen::Index c = 0; c < C; ++c) {
      const T* col = p->value.data() + c * R;
      for (Eigen::Index r = 0; r < R; ++r) row_zeros[static_cast<std::size_t>(r)] += col[r] == T(0);
    }
    double zeros = 0, surviving_zeros = 0;
    for (Eigen::Index r = 0; r < R; ++r) {
      const auto z = static_cast<double>(row_zeros[static_cast<std::size_t>(r)]);
      zeros += z;
      if (z == static_cast<double>(p->value.cols())) ++s.neurons_removed;
      else surviving_zeros += z;
    }
    s.sparsity = zeros / static_cast<double>(p->value.size());
    const double surviving = static_cast<double>(s.neurons - s.neurons_removed) * static_cast<double>(p->value.cols());
    s.surviving_sparsity = surviving > 0 ? surviving_zeros / surviving : 0.0;
    out.push_back(s);
  }
  return out;
}

template <class T>
LayerCost network_cost(Sequential<T>& m) {
  LayerCost t;
  for (std::size_t i = 0; i < m.size(); ++i) {
    const LayerCost c = m.layer(i).cost();
    t.params += c.params, t.params_pruned += c.params_pruned, t.flops += c.flops, t.flops_pruned += c.flops_pruned;
  }
  return t;
}

struct LayerGradStat {
  int layer;
  std::string name;  // the weight parameter's name
  double mean_abs_grad;
};

// Sum of |dL/dw| over each weight parameter, in double, and its entry count: the one pass over
// the gradients that both statistics below are formed from (the trainer records both every step;
// computing them in two passes was 30% of an x sin x step with Adam, issue 13 profile).
struct GradAbsSum {
  int layer;
  std::string name;
  double sum, count;
};
template <class T>
std::vector<GradAbsSum> grad_abs_sums(const std::vector<Param<T>*>& ps) {
  std::vector<GradAbsSum> out;
  for (const Param<T>* p : ps)
    if (p->is_weight && p->grad.size() > 0)
      out.push_back({p->layer, p->name, p->grad.cwiseAbs().template cast<double>().sum(), static_cast<double>(p->grad.size())});
  return out;
}

// Mean |dL/dw| over each weight parameter (one entry per layer that has weights): sum / count,
// what Eigen's mean() computes (the same reduction divided by the size).
inline std::vector<LayerGradStat> mean_abs_grad(const std::vector<GradAbsSum>& sums) {
  std::vector<LayerGradStat> out;
  for (const GradAbsSum& g : sums) out.push_back({g.layer, g.name, g.sum / g.count});
  return out;
}
// From the gradients currently stored (call after backward).
template <class T>
std::vector<LayerGradStat> mean_abs_grad(const std::vector<Param<T>*>& ps) {
  return mean_abs_grad(grad_abs_sums(ps));
}

// Mean |dL/dw| over all weight entries together (sum of |g| over every weight parameter / their
// total count; each layer counts by its size, unlike a mean of the per-layer means); NaN without
// weights. Sums in double so the millions of float terms do not lose digits.
inline double mean_abs_grad_all(const std::vector<GradAbsSum>& sums) {
  double s = 0, n = 0;
  for (const GradAbsSum& g : sums) s += g.sum, n += g.count;
  return n > 0 ? s / n : NAN;
}
template <class T>
double mean_abs_grad_all(const std::vector<Param<T>*>& ps) {
  return mean_abs_grad_all(grad_abs_sums(ps));
}

// Per-channel variance of top-level layer `layer`'s output on the batch x, over the N*H*W values
// of each channel (population variance, 1/m). ctx.train selects the train or eval behaviour;
// batch-norm running averages are left untouched so measuring does not change the model.
template <class T>
Eigen::VectorXd channel_output_variance(Sequential<T>& m, std::size_t layer, const Act<T>& x, RunContext ctx) {
  if (layer >= m.size())
    throw std::invalid_argument(fmt::format("channel_output_variance: layer {} but the model has {}", layer, m.size()));
  ctx.update_running_stats = false;
  m.forward(x, ctx);
  const Act<T>& y = m.output(layer);
  const Shape s = m.layer(layer).out_shape();
  const Eigen::Index S = static_cast<Eigen::Index>(s.h) * s.w;
  Eigen::VectorXd var(s.c);
  for (int c = 0; c < s.c; ++c) {
    double mean = 0, m2 = 0, k = 0;  // Welford: stable when the mean is large against the spread
    for (Eigen::Index n = 0; n < y.rows(); ++n)
      for (Eigen::Index q = 0; q < S; ++q) {
        const double v = y(n, c * S + q);
        k += 1;
        const double d = v - mean;
        mean += d / k;
        m2 += d * (v - mean);
      }
    var(c) = m2 / k;
  }
  return var;
}

}  // namespace regcheck::nets
