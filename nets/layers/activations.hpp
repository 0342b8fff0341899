#pragma once
// Elementwise activations. Shapes: y has the shape of x (N, F); any per-example shape passes.
//
//   identity:   y = x,                          dx = dy
//   ReLU:       y = max(x, 0),                  dx = dy * [x > 0]   (0 at x = 0, as PyTorch)
//   leaky ReLU: y = x if x >= 0 else a x,       dx = dy * (x > 0 ? 1 : a)  (PyTorch: slope a at 0)
//   Random-slope family (Drop-Activation, RReLU): y = x if x >= 0 else s x with a per-element
//   slope s; dx = dy * (x >= 0 ? 1 : s). Dropout: y = m x, dx = m dy with the same mask m.
#include "nets/layers/layer.hpp"
#include "nets/parallel.hpp"
#include "sim/rng.hpp"

namespace regcheck::nets {

template <class T>
class ElementwiseLayer : public Layer<T> {
 public:
  Shape setup(const Shape& in) override {
    if (in.size() <= 0) this->fail(fmt::format("empty input shape {}", in.str()));
    this->in_ = this->out_ = in;
    return in;
  }
};

template <class T>
class Identity final : public ElementwiseLayer<T> {
 public:
  std::string kind() const override { return "identity"; }
  void forward(const Act<T>& x, Act<T>& y, const RunContext&) override { y = x; }
  void backward(const Act<T>&, const Act<T>&, const Act<T>& dy, Act<T>& dx, bool need_dx) override {
    if (need_dx) dx = dy;
  }
};

template <class T>
class ReLU final : public ElementwiseLayer<T> {
 public:
  std::string kind() const override { return "relu"; }
  void forward(const Act<T>& x, Act<T>& y, const RunContext&) override {
    y.resize(x.rows(), x.cols());
    for_rows(x.rows(), x.cols(), [&](Eigen::Index n) { y.row(n) = x.row(n).cwiseMax(T(0)); });
  }
  void backward(const Act<T>& x, const Act<T>&, const Act<T>& dy, Act<T>& dx, bool need_dx) override {
    if (!need_dx) return;
    dx.resize(x.rows(), x.cols());
    for_rows(x.rows(), x.cols(), [&](Eigen::Index n) {
      dx.row(n) = (x.row(n).array() > T(0)).select(dy.row(n), T(0));
    });
  }
};

template <class T>
class LeakyReLU final : public ElementwiseLayer<T> {
 public:
  explicit LeakyReLU(double slope = 0.01) : a_(static_cast<T>(slope)), slope_(slope) {}
  std::string kind() const override { return "leaky_relu"; }
  Shape setup(const Shape& in) override {
    if (!(slope_ >= 0.0 && slope_ <= 1.0)) this->fail(fmt::format("slope must be in [0, 1], got {}", slope_));
    return ElementwiseLayer<T>::setup(in);
  }
  void forward(const Act<T>& x, Act<T>& y, const RunContext&) override {
    y.resize(x.rows(), x.cols());
    for_rows(x.rows(), x.cols(), [&](Eigen::Index n) {
      y.row(n) = (x.row(n).array() >= T(0)).select(x.row(n), a_ * x.row(n));
    });
  }
  void backward(const Act<T>& x, const Act<T>&, const Act<T>& dy, Act<T>& dx, bool need_dx) override {
    if (!need_dx) return;
    dx.resize(x.rows(), x.cols());
    for_rows(x.rows(), x.cols(), [&](Eigen::Index n) {
      dx.row(n) = (x.row(n).array() > T(0)).select(dy.row(n), a_ * dy.row(n));
    });
  }

 private:
  T a_;
  double slope_;
};

// Per-layer, per-step, per-example random stream for masks: a function of the seed alone.
inline sim::Stream mask_stream(const RunContext& ctx, int layer, Eigen::Index example) {
  return sim::Stream(ctx.seed, sim::stream_id("nets/mask") + static_cast<std::uint64_t>(layer), ctx.step,
                     static_cast<std::uint64_t>(example));
}

// y = x for x >= 0, s x for x < 0, with slope s drawn per element in training (draw_slope) and
// the fixed eval_slope() in evaluation. The slopes are stored for backward.
template <class T>
class RandomSlopeLayer : public ElementwiseLayer<T> {
 public:
  void forward(const Act<T>& x, Act<T>& y, const RunContext& ctx) override {
    y.resize(x.rows(), x.cols());
    slope_.resize(x.rows(), x.cols());
    if (!ctx.train) {
      slope_.setConstant(static_cast<T>(eval_slope()));
    } else {
      for_rows(x.rows(), x.cols(), [&](Eigen::Index n) {
        sim::Stream s = mask_stream(ctx, this->index_, n);
        for (Eigen::Index f = 0; f < x.cols(); ++f) slope_(n, f) = static_cast<T>(draw_slope(s));
      });
    }
    for_rows(x.rows(), x.cols(), [&](Eigen::Index n) {
      y.row(n) = (x.row(n).array() >= T(0)).select(x.row(n), slope_.row(n).cwiseProduct(x.row(n)));
    });
  }
  void backward(const Act<T>& x, const Act<T>&, const Act<T>& dy, Act<T>& dx, bool need_dx) override {
    if (!need_dx) return;
    dx.resize(x.rows(), x.cols());
    for_rows(x.rows(), x.cols(), [&](Eigen::Index n) {
      dx.row(n) = (x.row(n).array() >= T(0)).select(dy.row(n), slope_.row(n).cwiseProduct(dy.row(n)));
    });
  }
  const Act<T>& slopes() const { return slope_; }

 protected:
  virtual double draw_slope(sim::Stream& s) const = 0;
  virtual double eval_slope() const = 0;
  Act<T> slope_;
};

// Drop-Activation (Liang et al., eq. 3-5) with f = ReLU: in training each element keeps the
// nonlinearity with probability p (P_j ~ B(p)): y = x for x >= 0, (1 - P_j) x for x < 0 (eq. 4),
// i.e. slope 0 (ReLU kept) or 1 (identity). In evaluation E_P gives (1-p) I + p ReLU (eq. 5):
// the leaky ReLU with slope 1 - p.
template <class T>
class DropActivation final : public RandomSlopeLayer<T> {
 public:
  explicit DropActivation(double p = 0.95) : p_(p) {}
  std::string kind() const override { return "drop_activation"; }
  Shape setup(const Shape& in) override {
    if (!(p_ >= 0.0 && p_ <= 1.0)) this->fail(fmt::format("p (keep probability) must be in [0, 1], got {}", p_));
    return ElementwiseLayer<T>::setup(in);
  }
  double p() const { return p_; }

 private:
  double draw_slope(sim::Stream& s) const override { return s.bernoulli(p_) ? 0.0 : 1.0; }
  double eval_slope() const override { return 1.0 - p_; }
  double p_;
};

// RReLU (Xu et al. 2015; torch.nn.RReLU): slope ~ U(lower, upper) per element in training
// (defaults 1/8, 1/3 as in Drop-Activation's comparison), the mean (lower + upper)/2 in eval.
template <class T>
class RReLU final : public RandomSlopeLayer<T> {
 public:
  explicit RReLU(double lower = 1.0 / 8.0, double upper = 1.0 / 3.0) : lo_(lower), hi_(upper) {}
  std::string kind() const override { return "rrelu"; }
  Shape setup(const Shape& in) override {
    if (!(lo_ >= 0.0 && lo_ <= hi_ && hi_ <= 1.0))
      this->fail(fmt::format("need 0 <= lower <= upper <= 1, got lower {} upper {}", lo_, hi_));
    return ElementwiseLayer<T>::setup(in);
  }

 private:
  double draw_slope(sim::Stream& s) const override { return lo_ + (hi_ - lo_) * s.uniform(); }
  double eval_slope() const override { return 0.5 * (lo_ + hi_); }
  double lo_, hi_;
};

// Inverted dropout (torch.nn.Dropout): in training each element is zeroed with probability p and
// the survivors are scaled by 1/(1-p), so E[y] = x and evaluation is the identity.
template <class T>
class Dropout final : public ElementwiseLayer<T> {
 public:
  explicit Dropout(double p = 0.5) : p_(p) {}
  std::string kind() const override { return "dropout"; }
  Shape setup(const Shape& in) override {
    if (!(p_ >= 0.0 && p_ < 1.0)) this->fail(fmt::format("p (drop probability) must be in [0, 1), got {}", p_));
    return ElementwiseLayer<T>::setup(in);
  }
  void forward(const Act<T>& x, Act<T>& y, const RunContext& ctx) override {
    train_ = ctx.train;
    if (!ctx.train) {
      y = x;
      return;
    }
    const T scale = static_cast<T>(1.0 / (1.0 - p_));
    mask_.resize(x.rows(), x.cols());
    y.resize(x.rows(), x.cols());
    for_rows(x.rows(), x.cols(), [&](Eigen::Index n) {
      sim::Stream s = mask_stream(ctx, this->index_, n);
      for (Eigen::Index f = 0; f < x.cols(); ++f) mask_(n, f) = s.bernoulli(p_) ? T(0) : scale;
      y.row(n) = x.row(n).cwiseProduct(mask_.row(n));
    });
  }
  void backward(const Act<T>&, const Act<T>&, const Act<T>& dy, Act<T>& dx, bool need_dx) override {
    if (!need_dx) return;
    if (!train_) {
      dx = dy;
      return;
    }
    dx = dy.cwiseProduct(mask_);
  }
  const Act<T>& mask() const { return mask_; }

 private:
  double p_;
  bool train_ = false;
  Act<T> mask_;
};

}  // namespace regcheck::nets
