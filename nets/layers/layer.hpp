#pragma once
// The layer interface: a forward/backward pair on a batch (one example per row).
//
// Lifecycle: the model calls assign_indices (layer numbers, used for parameter names,
// Param::layer and the random-mask keys), then setup(input shape) which validates the shape,
// allocates parameters and returns the output shape, then init(seed) for PyTorch's default
// initialization. forward(x, y) writes y (resized only when the batch size changes, so training
// does not allocate per step); backward(x, y, dy, dx) ACCUMULATES parameter gradients into
// Param::grad (the model zeroes them) and writes dx = dL/dx when need_dx is true.
#include "nets/tensor.hpp"

#include <fmt/format.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace regcheck::nets {

// Parameter and FLOP counts of one layer, dense and after pruning (exact zeros removed).
struct LayerCost {
  double params = 0, params_pruned = 0;  // pruned: nonzero weights + parameters of surviving neurons
  double flops = 0, flops_pruned = 0;    // per example; a multiply-add counts as 2
};

template <class T>
class Layer {
 public:
  virtual ~Layer() = default;
  virtual std::string kind() const = 0;  // "dense", "conv2d", ...

  // Numbers this layer (and its children) from `next`; returns the next free number.
  virtual int assign_indices(int next) {
    index_ = next;
    return next + 1;
  }
  int index() const { return index_; }
  std::string label() const { return fmt::format("{}.{}", index_, kind()); }

  virtual Shape setup(const Shape& in) = 0;
  virtual void init(std::uint64_t seed) {}
  virtual void forward(const Act<T>& x, Act<T>& y, const RunContext& ctx) = 0;
  virtual void backward(const Act<T>& x, const Act<T>& y, const Act<T>& dy, Act<T>& dx, bool need_dx) = 0;

  virtual std::vector<Param<T>*> params() { return {}; }
  // Children of a container layer (residual block), for metrics and hooks; empty for leaves.
  virtual std::vector<Layer<T>*> children() { return {}; }
  virtual LayerCost cost() const { return {}; }

  Shape in_shape() const { return in_; }
  Shape out_shape() const { return out_; }

 protected:
  // A clear error for a misconfigured layer: names the layer and the offending shape/value.
  [[noreturn]] void fail(const std::string& what) const {
    throw std::invalid_argument(fmt::format("layer {} ({}): {}", index_, kind(), what));
  }
  int index_ = -1;
  Shape in_, out_;
};

template <class T>
using LayerPtr = std::unique_ptr<Layer<T>>;

}  // namespace regcheck::nets
