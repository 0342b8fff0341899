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

#include <algorithm>

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
  // Tests: run the general window loops even for 2x2 / stride 2, the reference of the fast path.
  void use_general_loops(bool on) { general_ = on; }

  void forward(const Act<T>& x, Act<T>& y, const RunContext&) override {
    const Shape in = this->in_, out = this->out_;
    const T inv = T(1) / static_cast<T>(this->k_ * this->k_);
    y.resize(x.rows(), out.size());
    if (this->k_ == 2 && this->s_ == 2 && !general_) {
      for_rows(x.rows(), in.size(), [&](Eigen::Index n) { forward_2x2(x.row(n).data(), y.row(n).data(), inv); });
      return;
    }
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
    if (this->k_ == 2 && this->s_ == 2 && !general_) {
      dx.resize(x.rows(), x.cols());
      for_rows(x.rows(), x.cols(), [&](Eigen::Index n) { backward_2x2(dy.row(n).data(), dx.row(n).data(), inv); });
      return;
    }
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

 private:
  bool general_ = false;
  // Fast path for the common 2x2 window with stride 2 (non-overlapping): no runtime window
  // loops, so the compiler vectorizes the rows; backward writes each input once instead of
  // zeroing dx and adding (two passes over the largest tensor of the block: issue 13 profile,
  // the first pooling layer was 10% of the convnet step). Bit-identical to the general loops
  // above, which stay as the reference (tests/test_nets_layers.cpp compares the two): the sum
  // is formed in the same order starting from +0 (T(0) + a, not a: -0 + 0 = +0), and each dx
  // entry is T(0) + g, what setZero then += produced. An odd last row or column lies in no
  // window: its gradient is 0, as in the general path.
  void forward_2x2(const T* xn, T* yn, T inv) const {
    const Shape in = this->in_, out = this->out_;
    for (int c = 0; c < in.c; ++c)
      for (int oy = 0; oy < out.h; ++oy) {
        const T* r0 = xn + (static_cast<Eigen::Index>(c) * in.h + 2 * oy) * in.w;
        const T* r1 = r0 + in.w;
        T* yr = yn + (static_cast<Eigen::Index>(c) * out.h + oy) * out.w;
        for (int ox = 0; ox < out.w; ++ox)
          yr[ox] = ((((T(0) + r0[2 * ox]) + r0[2 * ox + 1]) + r1[2 * ox]) + r1[2 * ox + 1]) * inv;
      }
  }
  void backward_2x2(const T* dyn, T* dxn, T inv) const {
    const Shape in = this->in_, out = this->out_;
    for (int c = 0; c < in.c; ++c) {
      T* plane = dxn + static_cast<Eigen::Index>(c) * in.h * in.w;
      for (int oy = 0; oy < out.h; ++oy) {
        const T* dr = dyn + (static_cast<Eigen::Index>(c) * out.h + oy) * out.w;
        T* r0 = plane + static_cast<Eigen::Index>(2 * oy) * in.w;
        T* r1 = r0 + in.w;
        for (int ox = 0; ox < out.w; ++ox) {
          const T g = T(0) + dr[ox] * inv;
          r0[2 * ox] = g, r0[2 * ox + 1] = g, r1[2 * ox] = g, r1[2 * ox + 1] = g;
        }
        if (in.w > 2 * out.w) r0[in.w - 1] = T(0), r1[in.w - 1] = T(0);
      }
      if (in.h > 2 * out.h) std::fill(plane + static_cast<Eigen::Index>(in.h - 1) * in.w, plane + static_cast<Eigen::Index>(in.h) * in.w, T(0));
    }
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
