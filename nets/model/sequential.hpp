#pragma once
// Sequential model: layers in order on a batch (one example per row; images flattened (C,H,W)).
//
//   Sequential<float> m(Shape{1, 28, 28});
//   m.add(std::make_unique<Conv2d<float>>(Conv2dOptions{.out_channels = 8}))
//    .add(std::make_unique<ReLU<float>>()) ...;
//   m.build(seed);                 // numbers layers, validates shapes, PyTorch-default init
//   m.zero_grad();
//   const Act<float>& z = m.forward(x, {.train = true, .seed = seed, .step = t});
//   double loss = softmax_cross_entropy(z, labels, dz);
//   m.backward(dz);                // grads in m.params()[i]->grad
// x must stay alive between forward and backward (the first layer reads it in backward).
#include "nets/layers/chain.hpp"

#include <fmt/format.h>

namespace regcheck::nets {

template <class T>
class Sequential {
 public:
  explicit Sequential(Shape input) : input_(input) {}

  Sequential& add(LayerPtr<T> layer) {
    if (built_) throw std::invalid_argument("Sequential::add: the model is already built");
    chain_.add(std::move(layer));
    return *this;
  }
  template <class L, class... A>
  Sequential& emplace(A&&... a) {
    return add(std::make_unique<L>(std::forward<A>(a)...));
  }

  // Validates the shapes layer by layer (std::invalid_argument naming the layer and shapes),
  // allocates the parameters and initializes them from the seed.
  void build(std::uint64_t seed) {
    if (input_.c <= 0 || input_.h <= 0 || input_.w <= 0)
      throw std::invalid_argument(fmt::format("Sequential: input shape {} must be positive", input_.str()));
    if (chain_.size() == 0) throw std::invalid_argument("Sequential: no layers");
    chain_.assign_indices(0);
    output_ = chain_.setup(input_);
    chain_.init(seed);
    built_ = true;
  }
  void reinit(std::uint64_t seed) {
    require_built("reinit");
    chain_.init(seed);
  }

  const Act<T>& forward(const Act<T>& x, const RunContext& ctx) {
    require_built("forward");
    if (x.cols() != input_.size())
      throw std::invalid_argument(fmt::format("Sequential::forward: input has {} features, the model expects {} = {}",
                                              x.cols(), input_.size(), input_.str()));
    if (x.rows() == 0) throw std::invalid_argument("Sequential::forward: empty batch");
    return chain_.forward(x, ctx);
  }
  // Accumulates parameter gradients; returns dL/dx only when need_dx (else a reference to dy).
  const Act<T>& backward(const Act<T>& dy, bool need_dx = false) {
    require_built("backward");
    return chain_.backward(dy, need_dx);
  }
  void zero_grad() {
    for (Param<T>* p : params()) p->grad.setZero();
  }

  std::vector<Param<T>*> params() { return chain_.params(); }
  std::size_t size() const { return chain_.size(); }
  Layer<T>& layer(std::size_t i) { return chain_.layer(i); }
  // Every layer, depth first (a residual block before its branch), for metrics and hooks.
  std::vector<Layer<T>*> all_layers() {
    std::vector<Layer<T>*> out;
    for (auto& l : chain_.layers()) collect(l.get(), out);
    return out;
  }
  // Output of top-level layer i from the last forward pass.
  const Act<T>& output(std::size_t i) const { return chain_.output(i); }
  // Per-layer forward / backward wall-clock times of the top-level layers into p (see
  // nets/profile.hpp); nullptr turns it off. Results are the same either way.
  void set_profile(Profile* p) { chain_.set_profile(p); }
  Shape input_shape() const { return input_; }
  Shape output_shape() const { return output_; }

 private:
  static void collect(Layer<T>* l, std::vector<Layer<T>*>& out) {
    out.push_back(l);
    for (Layer<T>* c : l->children()) collect(c, out);
  }
  void require_built(const char* what) const {
    if (!built_) throw std::invalid_argument(fmt::format("Sequential::{}: call build(seed) first", what));
  }
  Shape input_, output_;
  Chain<T> chain_;
  bool built_ = false;
};

}  // namespace regcheck::nets
