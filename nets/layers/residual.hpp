#pragma once
// Residual block: y = x + F(x), F a chain of layers that preserves the shape
// (He et al. 2016; the block of the batch-norm variance-shift experiment).
// Shapes: x, F(x), y all (N, D).
// Gradient: dL/dx = dy + J_F(x)^T dy, i.e. the identity path plus the branch's backward pass;
// F's parameters receive their gradients from the branch pass with dy as its output gradient.
#include "nets/layers/chain.hpp"

namespace regcheck::nets {

template <class T>
class Residual final : public Layer<T> {
 public:
  Residual() = default;
  explicit Residual(std::vector<LayerPtr<T>> branch) {
    for (auto& l : branch) branch_.add(std::move(l));
  }
  Residual& add(LayerPtr<T> l) {
    branch_.add(std::move(l));
    return *this;
  }
  std::string kind() const override { return "residual"; }

  int assign_indices(int next) override {
    this->index_ = next;
    return branch_.assign_indices(next + 1);
  }
  Shape setup(const Shape& in) override {
    if (branch_.size() == 0) this->fail("the residual branch is empty");
    this->in_ = in;
    const Shape f = branch_.setup(in);
    if (!(f == in))
      this->fail(fmt::format("the branch maps shape {} to {}; x + F(x) needs equal shapes", in.str(), f.str()));
    this->out_ = in;
    return in;
  }
  void init(std::uint64_t seed) override { branch_.init(seed); }
  void forward(const Act<T>& x, Act<T>& y, const RunContext& ctx) override {
    const Act<T>& f = branch_.forward(x, ctx);
    y.resize(x.rows(), x.cols());
    y.noalias() = x + f;
  }
  void backward(const Act<T>&, const Act<T>&, const Act<T>& dy, Act<T>& dx, bool need_dx) override {
    const Act<T>& df = branch_.backward(dy, need_dx);
    if (need_dx) {
      dx.resize(dy.rows(), dy.cols());
      dx.noalias() = dy + df;
    }
  }
  std::vector<Param<T>*> params() override { return branch_.params(); }
  std::vector<Layer<T>*> children() override {
    std::vector<Layer<T>*> c;
    for (auto& l : branch_.layers()) c.push_back(l.get());
    return c;
  }
  LayerCost cost() const override {
    LayerCost t;
    for (auto& l : branch_.layers()) {
      const LayerCost c = l->cost();
      t.params += c.params, t.params_pruned += c.params_pruned, t.flops += c.flops, t.flops_pruned += c.flops_pruned;
    }
    return t;
  }
  Chain<T>& branch() { return branch_; }

 private:
  Chain<T> branch_;
};

}  // namespace regcheck::nets
