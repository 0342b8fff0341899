#pragma once
// Max and average pooling over k x k windows with stride s (no padding), as torch.nn.MaxPool2d /
// AvgPool2d with padding 0 (PyTorch's default stride is the kernel size).
//
// Shapes: x_n (C, H, W) -> y_n (C, Ho, Wo), Ho = (H - k)/s + 1, Wo = (W - k)/s + 1.
// Max:  y[c,oy,ox] = x[c, a*] where a* = argmax over the window (first maximum on ties, as
//       PyTorch); dL/dx[c, a*] += dy[c,oy,ox], all other window entries get nothing. The
//       argmax index is stored in forward for backward. "+=" because windows overlap when s < k.
// Avg:  y = (1/k^2) sum over the window; dL/dx[c,iy,ix] += dy[c,oy,ox] / k^2 for every window
//       containing (iy, ix).
#include "nets/layers/layer.hpp"
#include "nets/parallel.hpp"

namespace regcheck::nets {

template <class T>
class Pool2dBase : public Layer<T> {
 public:
  Pool2dBase(int kernel, int stride) : k_(kernel), s_(stride > 0 ? stride : kernel), stride_arg_(stride) {}
  Shape setup(const Shape& in) override {
    if (k_ <= 0) this->fail(fmt::format("kernel must be positive, got {}", k_));
    if (stride_arg_ < 0) this->fail(fmt::format("stride must be positive (0 = kernel), got {}", stride_arg_));
    if (in.c <= 0 || in.h < k_ || in.w < k_)
      this->fail(fmt::format("kernel {}x{} does not fit input shape {}", k_, k_, in.str()));
    this->in_ = in;
    this->out_ = Shape{in.c, (in.h - k_) / s_ + 1, (in.w - k_) / s_ + 1};
    return this->out_;
  }

 protected:
  int k_, s_, stride_arg_;
};

template <class T>
class MaxPool2d final : public Pool2dBase<T> {
 public:
  explicit MaxPool2d(int kernel, int stride = 0) : Pool2dBase<T>(kernel, stride) {}
  std::string kind() const override { return "maxpool2d"; }

  void forward(const Act<T>& x, Act<T>& y, const RunContext&) override {
    const Shape in = this->in_, out = this->out_;
    const Eigen::Index N = x.rows();
    y.resize(N, out.size());
    arg_.resize(N, out.size());
    for_rows(N, in.size(), [&](Eigen::Index n) {
      const T* xn = x.row(n).data();
      for (int c = 0; c < in.c; ++c)
        for (int oy = 0; oy < out.h; ++oy)
          for (int ox = 0; ox < out.w; ++ox) {
            int best = (c * in.h + oy * this->s_) * in.w + ox * this->s_;
            for (int i = 0; i < this->k_; ++i)
              for (int j = 0; j < this->k_; ++j) {
                const int a = (c * in.h + oy * this->s_ + i) * in.w + ox * this->s_ + j;
                if (xn[a] > xn[best]) best = a;
              }
            const Eigen::Index o = (static_cast<Eigen::Index>(c) * out.h + oy) * out.w + ox;
            y(n, o) = xn[best];
            arg_(n, o) = best;
          }
    });
  }
  void backward(const Act<T>& x, const Act<T>&, const Act<T>& dy, Act<T>& dx, bool need_dx) override {
    if (!need_dx) return;
    dx.setZero(x.rows(), x.cols());
    for_rows(x.rows(), x.cols(), [&](Eigen::Index n) {
      for (Eigen::Index o = 0; o < dy.cols(); ++o) dx(n, arg_(n, o)) += dy(n, o);
    });
  }

 private:
  Eigen::Matrix<int, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> arg_;
};

template <class T>
class AvgPool2d final : public Pool2dBase<T> {
 public:
  explicit AvgPool2d(int kernel, int stride = 0) : Pool2dBase<T>(kernel, stride) {}
  std::string kind() const override { return "avgpool2d"; }

  void forward(const Act<T>& x, Act<T>& y, const RunContext&) override {
    const Shape in = this->in_, out = this->out_;
    const T inv = T(1) / static_cast<T>(this->k_ * this->k_);
    y.resize(x.rows(), out.size());
    for_rows(x.rows(), in.size(), [&](Eigen::Index n) {
      const T* xn = x.row(n).data();
      for (int c = 0; c < in.c; ++c)
        for (int oy = 0; oy < out.h; ++oy)
          for (int ox = 0; ox < out.w; ++ox) {
            T acc = 0;
            for (int i = 0; i < this->k_; ++i)
              for (int j = 0; j < this->k_; ++j) acc += xn[(c * in.h + oy * this->s_ + i) * in.w + ox * this->s_ + j];
            y(n, (static_cast<Eigen::Index>(c) * out.h + oy) * out.w + ox) = acc * inv;
          }
    });
  }
  void backward(const Act<T>& x, const Act<T>&, const Act<T>& dy, Act<T>& dx, bool need_dx) override {
    if (!need_dx) return;
    const Shape in = this->in_, out = this->out_;
    const T inv = T(1) / static_cast<T>(this->k_ * this->k_);
    dx.setZero(x.rows(), x.cols());
    for_rows(x.rows(), x.cols(), [&](Eigen::Index n) {
      T* dxn = dx.row(n).data();
      for (int c = 0; c < in.c; ++c)
        for (int oy = 0; oy < out.h; ++oy)
          for (int ox = 0; ox < out.w; ++ox) {
            const T g = dy(n, (static_cast<Eigen::Index>(c) * out.h + oy) * out.w + ox) * inv;
            for (int i = 0; i < this->k_; ++i)
              for (int j = 0; j < this->k_; ++j) dxn[(c * in.h + oy * this->s_ + i) * in.w + ox * this->s_ + j] += g;
          }
    });
  }
};

// Flatten: (C, H, W) -> (C*H*W); the row-major layout is already flat, so data is copied as is.
template <class T>
class Flatten final : public Layer<T> {
 public:
  std::string kind() const override { return "flatten"; }
  Shape setup(const Shape& in) override {
    if (in.size() <= 0) this->fail(fmt::format("empty input shape {}", in.str()));
    this->in_ = in;
    this->out_ = Shape{static_cast<int>(in.size()), 1, 1};
    return this->out_;
  }
  void forward(const Act<T>& x, Act<T>& y, const RunContext&) override { y = x; }
  void backward(const Act<T>&, const Act<T>&, const Act<T>& dy, Act<T>& dx, bool need_dx) override {
    if (need_dx) dx = dy;
  }
};

}  // namespace regcheck::nets
