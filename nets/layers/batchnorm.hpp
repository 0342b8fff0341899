#pragma once
// Batch normalization, as torch.nn.BatchNorm1d on (N, C) and BatchNorm2d on (N, C, H, W).
//
// Shapes: x (N, C*S) with S = H*W (S = 1 for dense inputs); statistics per channel c over the
// m = N*S values x[n, c*S + q]. gamma, beta, running_mean, running_var: (C).
// Training:  mu = (1/m) sum x,  var = (1/m) sum (x - mu)^2 (biased, used to normalize),
//            xhat = (x - mu) / sqrt(var + eps),  y = gamma xhat + beta,
//            running_mean <- (1 - momentum) running_mean + momentum mu
//            running_var  <- (1 - momentum) running_var + momentum var m/(m-1)  (unbiased, PyTorch)
// Eval:      xhat = (x - running_mean) / sqrt(running_var + eps).
// Gradient (training; sums over the m values of channel c; invstd = 1/sqrt(var + eps)):
//   dgamma = sum dy xhat,  dbeta = sum dy,  dxhat = gamma dy
//   xhat depends on x directly and through mu and var:
//   dx = invstd/m (m dxhat - sum dxhat - xhat sum(dxhat xhat))
//      = gamma invstd/m (m dy - dbeta - xhat dgamma).
// Eval: mu and var are constants, so dx = gamma invstd_running dy.
// Statistics are accumulated in double in a fixed order (channels in parallel, each channel
// serially, in 8 interleaved partial sums: lane_sum), so they do not depend on the thread count
// and lose little to cancellation.
#include "nets/layers/layer.hpp"
#include "nets/parallel.hpp"

#include <cmath>

namespace regcheck::nets {

// sum_i term(i) over i < n in double, as 8 partial sums s_l = sum over i = l (mod 8) added in
// lane order at the end: a fixed order, so the result does not depend on threads, and one the
// compiler can vectorize (a single serial double accumulator cannot be reordered, which made the
// statistics passes run at one value per add latency: issue 13 profile, 30% of the convnet step).
// Kept a function of its own per use: written inline in backward with two accumulator arrays the
// loop stayed scalar (13% of the convnet step; perf, issue 13).
template <class Term>
double lane_accumulate(Eigen::Index n, Term&& term) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  Eigen::Index i = 0;
  for (; i + 8 <= n; i += 8)
    for (int l = 0; l < 8; ++l) acc[l] += term(i + l);
  for (; i < n; ++i) acc[i % 8] += term(i);
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

// sum_i f(p[i]), f applied in double.
template <class T, class F>
double lane_sum(const T* p, Eigen::Index n, F&& f) {
  return lane_accumulate(n, [&](Eigen::Index i) { return f(static_cast<double>(p[i])); });
}

// sum_i a[i] f(b[i]) in double.
template <class T, class F>
double lane_dot(const T* a, const T* b, Eigen::Index n, F&& f) {
  return lane_accumulate(n, [&](Eigen::Index i) { return static_cast<double>(a[i]) * static_cast<double>(f(b[i])); });
}

template <class T>
class BatchNorm final : public Layer<T> {
 public:
  explicit BatchNorm(double momentum = 0.1, double eps = 1e-5) : momentum_(momentum), eps_(eps) {}
  std::string kind() const override { return "batchnorm"; }

  Shape setup(const Shape& in) override {
    if (!(momentum_ >= 0.0 && momentum_ <= 1.0)) this->fail(fmt::format("momentum must be in [0, 1], got {}", momentum_));
    if (!(eps_ > 0.0)) this->fail(fmt::format("eps must be > 0, got {}", eps_));
    if (in.size() <= 0) this->fail(fmt::format("empty input shape {}", in.str()));
    this->in_ = this->out_ = in;
    C_ = in.c;
    S_ = static_cast<Eigen::Index>(in.h) * in.w;
    gamma_ = {fmt::format("{}.weight", this->label()), Mat<T>::Ones(C_, 1), Mat<T>::Zero(C_, 1), false, this->index_};
    beta_ = {fmt::format("{}.bias", this->label()), Mat<T>::Zero(C_, 1), Mat<T>::Zero(C_, 1), false, this->index_};
    running_mean_ = Vec<T>::Zero(C_);
    running_var_ = Vec<T>::Ones(C_);
    mean_.resize(C_);
    invstd_.resize(C_);
    return in;
  }
  void init(std::uint64_t) override {
    gamma_.value.setOnes();
    beta_.value.setZero();
    running_mean_.setZero();
    running_var_.setOnes();
  }

  void forward(const Act<T>& x, Act<T>& y, const RunContext& ctx) override {
    const Eigen::Index N = x.rows(), m = N * S_;
    train_ = ctx.train;
    y.resize(N, x.cols());
    if (ctx.train && m <= 1)
      this->fail(fmt::format("training needs more than 1 value per channel, got batch {} x spatial {}", N, S_));
    for_each_index(C_, [&](Eigen::Index c) {
      double mu, var;
      if (ctx.train) {
        double s = 0;
        for (Eigen::Index n = 0; n < N; ++n) s += lane_sum(&x(n, c * S_), S_, [](double v) { return v; });
        mu = s / static_cast<double>(m);
        double ss = 0;
        for (Eigen::Index n = 0; n < N; ++n)
          ss += lane_sum(&x(n, c * S_), S_, [mu](double v) { return (v - mu) * (v - mu); });
        var = ss / static_cast<double>(m);
        if (ctx.update_running_stats) {
          running_mean_(c) = static_cast<T>((1 - momentum_) * running_mean_(c) + momentum_ * mu);
          running_var_(c) = static_cast<T>((1 - momentum_) * running_var_(c) +
                                           momentum_ * var * static_cast<double>(m) / static_cast<double>(m - 1));
        }
      } else {
        mu = running_mean_(c);
        var = running_var_(c);
      }
      const double inv = 1.0 / std::sqrt(var + eps_);
      mean_(c) = static_cast<T>(mu);
      invstd_(c) = static_cast<T>(inv);
      const T g = gamma_.value(c, 0), b = beta_.value(c, 0), tm = static_cast<T>(mu), ti = static_cast<T>(inv);
      for (Eigen::Index n = 0; n < N; ++n) {
        const T* xr = &x(n, c * S_);
        T* yr = &y(n, c * S_);
        for (Eigen::Index q = 0; q < S_; ++q) yr[q] = g * xhat(xr[q], tm, ti) + b;
      }
    });
  }

  void backward(const Act<T>& x, const Act<T>&, const Act<T>& dy, Act<T>& dx, bool need_dx) override {
    const Eigen::Index N = x.rows(), m = N * S_;
    if (need_dx) dx.resize(N, x.cols());
    for_each_index(C_, [&](Eigen::Index c) {
      double dg = 0, db = 0;
      const T tm = mean_(c), ti = invstd_(c);
      for (Eigen::Index n = 0; n < N; ++n) {
        const T* dr = &dy(n, c * S_);
        const T* xr = &x(n, c * S_);
        dg += lane_dot(dr, xr, S_, [tm, ti](T v) { return xhat(v, tm, ti); });
        db += lane_sum(dr, S_, [](double v) { return v; });
      }
      gamma_.grad(c, 0) += static_cast<T>(dg);
      beta_.grad(c, 0) += static_cast<T>(db);
      if (!need_dx) return;
      const T g = gamma_.value(c, 0), inv = invstd_(c);
      if (!train_) {
        for (Eigen::Index n = 0; n < N; ++n)
          for (Eigen::Index q = 0; q < S_; ++q) dx(n, c * S_ + q) = g * inv * dy(n, c * S_ + q);
        return;
      }
      const T k = g * inv / static_cast<T>(m), tmm = static_cast<T>(m), tdb = static_cast<T>(db),
              tdg = static_cast<T>(dg);
      for (Eigen::Index n = 0; n < N; ++n) {
        const T* xr = &x(n, c * S_);
        const T* dr = &dy(n, c * S_);
        T* dxr = &dx(n, c * S_);
        for (Eigen::Index q = 0; q < S_; ++q) dxr[q] = k * (tmm * dr[q] - tdb - xhat(xr[q], tm, ti) * tdg);
      }
    });
  }

  std::vector<Param<T>*> params() override { return {&gamma_, &beta_}; }

  // xhat = (x - mu) * invstd with mu and invstd rounded to T, exactly as forward formed it:
  // backward recomputes it from x instead of reading a stored copy (one fewer full-size write
  // in forward and the same number of reads in backward: the layer is memory-bound, issue 13).
  static T xhat(T x, T mu, T invstd) { return (x - mu) * invstd; }
  LayerCost cost() const override {
    const double C = static_cast<double>(C_), n = static_cast<double>(this->in_.size());
    return {2 * C, 2 * C, 2 * n, 2 * n};  // scale and shift per value (running stats folded)
  }
  Vec<T>& running_mean() { return running_mean_; }
  Vec<T>& running_var() { return running_var_; }
  Param<T>& gamma() { return gamma_; }
  Param<T>& beta() { return beta_; }

 private:
  double momentum_, eps_;
  Eigen::Index C_ = 0, S_ = 1;
  bool train_ = false;
  Param<T> gamma_, beta_;
  Vec<T> running_mean_, running_var_, mean_, invstd_;
};

}  // namespace regcheck::nets
