#pragma once
// Fully connected layer, as torch.nn.Linear: y = x W^T + b.
//
// Shapes: x (N, I), W (O, I) (row o = incoming weights of neuron o), b (O), y (N, O).
// Gradient (L scalar, dy = dL/dy):
//   y[n,o] = sum_i x[n,i] W[o,i] + b[o]
//   dL/dW[o,i] = sum_n dy[n,o] x[n,i]     ->  dW = dy^T x   (O, I)
//   dL/db[o]   = sum_n dy[n,o]            ->  db = column sums of dy
//   dL/dx[n,i] = sum_o dy[n,o] W[o,i]     ->  dx = dy W     (N, I)
#include "nets/init.hpp"
#include "nets/layers/layer.hpp"
#include "nets/parallel.hpp"

namespace regcheck::nets {

template <class T>
class Dense final : public Layer<T> {
 public:
  explicit Dense(int out_features, bool bias = true) : out_features_(out_features), has_bias_(bias) {}
  std::string kind() const override { return "dense"; }

  Shape setup(const Shape& in) override {
    if (!in.flat())
      this->fail(fmt::format("input shape {} is not flat; add a flatten layer before it", in.str()));
    if (in.c <= 0) this->fail(fmt::format("input features must be positive, got {}", in.c));
    if (out_features_ <= 0) this->fail(fmt::format("out_features must be positive, got {}", out_features_));
    this->in_ = in;
    this->out_ = Shape{out_features_, 1, 1};
    W_ = {fmt::format("{}.weight", this->label()), Mat<T>::Zero(out_features_, in.c), Mat<T>::Zero(out_features_, in.c),
          true, this->index_};
    b_ = {fmt::format("{}.bias", this->label()), Mat<T>::Zero(out_features_, 1), Mat<T>::Zero(out_features_, 1), false,
          this->index_};
    return this->out_;
  }
  void init(std::uint64_t seed) override {
    init_uniform_fan_in(W_, has_bias_ ? &b_ : nullptr, this->in_.c, seed, this->index_);
  }

  void forward(const Act<T>& x, Act<T>& y, const RunContext&) override {
    const Eigen::Index N = x.rows(), O = out_features_;
    y.resize(N, O);
    for_tiles(N, O, x.cols(), [&](Eigen::Index r0, Eigen::Index rn, Eigen::Index c0, Eigen::Index cn) {
      auto yt = y.block(r0, c0, rn, cn);
      yt.noalias() = x.middleRows(r0, rn) * W_.value.middleRows(c0, cn).transpose();
      if (has_bias_) yt.rowwise() += b_.value.col(0).segment(c0, cn).transpose();
    });
  }

  void backward(const Act<T>& x, const Act<T>&, const Act<T>& dy, Act<T>& dx, bool need_dx) override {
    const Eigen::Index N = x.rows(), I = this->in_.c, O = out_features_;
    for_tiles(O, I, N, [&](Eigen::Index r0, Eigen::Index rn, Eigen::Index c0, Eigen::Index cn) {
      W_.grad.block(r0, c0, rn, cn).noalias() += dy.middleCols(r0, rn).transpose() * x.middleCols(c0, cn);
    });
    if (has_bias_) b_.grad.col(0) += dy.colwise().sum().transpose();
    if (!need_dx) return;
    dx.resize(N, I);
    for_tiles(N, I, O, [&](Eigen::Index r0, Eigen::Index rn, Eigen::Index c0, Eigen::Index cn) {
      dx.block(r0, c0, rn, cn).noalias() = dy.middleRows(r0, rn) * W_.value.middleCols(c0, cn);
    });
  }

  std::vector<Param<T>*> params() override {
    if (has_bias_) return {&W_, &b_};
    return {&W_};
  }
  LayerCost cost() const override {
    const double O = out_features_, I = this->in_.c;
    const double nnz = static_cast<double>((W_.value.array() != T(0)).count());
    const double alive = static_cast<double>((W_.value.array() != T(0)).rowwise().any().count());
    return {O * I + (has_bias_ ? O : 0), nnz + (has_bias_ ? alive : 0), 2 * O * I, 2 * nnz};
  }
  Param<T>& weight() { return W_; }
  Param<T>& bias() { return b_; }

 private:
  int out_features_;
  bool has_bias_;
  Param<T> W_, b_;
};

}  // namespace regcheck::nets
