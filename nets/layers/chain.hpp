#pragma once
// A chain of layers applied in order: the engine of Sequential and of a residual block's branch.
// Owns the per-layer output and gradient buffers (reused across steps: no per-step allocation
// once the batch size is fixed). The input of forward must stay alive until backward.
#include "nets/layers/layer.hpp"
#include "nets/profile.hpp"

#include <utility>

namespace regcheck::nets {

template <class T>
class Chain {
 public:
  void add(LayerPtr<T> layer) { layers_.push_back(std::move(layer)); }
  std::size_t size() const { return layers_.size(); }
  Layer<T>& layer(std::size_t i) { return *layers_.at(i); }
  const std::vector<LayerPtr<T>>& layers() const { return layers_; }

  int assign_indices(int next) {
    for (auto& l : layers_) next = l->assign_indices(next);
    return next;
  }
  Shape setup(Shape s) {
    for (auto& l : layers_) s = l->setup(s);
    out_.assign(layers_.size(), Act<T>());
    grad_.assign(layers_.size(), Act<T>());
    return s;
  }
  void init(std::uint64_t seed) {
    for (auto& l : layers_) l->init(seed);
  }
  const Act<T>& forward(const Act<T>& x, const RunContext& ctx) {
    input_ = &x;
    const Act<T>* in = &x;
    for (std::size_t i = 0; i < layers_.size(); ++i) {
      timed(prof_ ? &prof_->forward[i] : nullptr, [&] { layers_[i]->forward(*in, out_[i], ctx); });
      in = &out_[i];
    }
    return *in;
  }
  // Returns dL/dx of the chain's input (a buffer owned by the chain) when need_dx, else dy.
  const Act<T>& backward(const Act<T>& dy, bool need_dx) {
    const Act<T>* d = &dy;
    for (std::size_t k = layers_.size(); k-- > 0;) {
      const Act<T>& in = k == 0 ? *input_ : out_[k - 1];
      const bool want = k > 0 || need_dx;
      timed(prof_ ? &prof_->backward[k] : nullptr, [&] { layers_[k]->backward(in, out_[k], *d, grad_[k], want); });
      if (want) d = &grad_[k];
    }
    return *d;
  }
  std::vector<Param<T>*> params() {
    std::vector<Param<T>*> ps;
    for (auto& l : layers_)
      for (Param<T>* p : l->params()) ps.push_back(p);
    return ps;
  }
  const Act<T>& output(std::size_t i) const { return out_.at(i); }
  // Times every layer's forward and backward into p (resized to the layer count); null: off.
  void set_profile(Profile* p) {
    prof_ = p;
    if (p) p->resize(layers_.size());
  }

 private:
  std::vector<LayerPtr<T>> layers_;
  std::vector<Act<T>> out_, grad_;
  const Act<T>* input_ = nullptr;
  Profile* prof_ = nullptr;
};

}  // namespace regcheck::nets
