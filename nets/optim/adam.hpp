#pragma once
// Adam with PyTorch 1.13's exact semantics (torch.optim.Adam, amsgrad = false, single-tensor
// path), per parameter p with gradient g at step t = 1, 2, ...:
//   g   = g + weight_decay * p            (L2 added to the gradient, not decoupled as in AdamW)
//   m   = beta1 m + (1 - beta1) g
//   v   = beta2 v + (1 - beta2) g^2
//   bc1 = 1 - beta1^t,  bc2 = 1 - beta2^t (in double, as Python computes them)
//   p  -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps)
// Defaults lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0 as in PyTorch.
#include <algorithm>
#include <cmath>
#include <vector>

#include "nets/optim/check.hpp"
#include "nets/profile.hpp"
#include "nets/param.hpp"

namespace regcheck::nets::optim {

struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9, beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  bool decay_non_weights = true;  // PyTorch default: decay every parameter
};

template <class T>
class Adam {
 public:
  Adam(std::vector<Param<T>*> params, AdamOptions opt) : params_(std::move(params)), opt_(opt) {
    check_finite_nonneg(opt.lr, "AdamOptions.lr");
    REGCHECK_REQUIRE(opt.beta1 >= 0 && opt.beta1 < 1, "AdamOptions.beta1 must be in [0, 1), got " + detail::num(opt.beta1));
    REGCHECK_REQUIRE(opt.beta2 >= 0 && opt.beta2 < 1, "AdamOptions.beta2 must be in [0, 1), got " + detail::num(opt.beta2));
    REGCHECK_REQUIRE(std::isfinite(opt.eps) && opt.eps > 0, "AdamOptions.eps must be finite and > 0, got " + detail::num(opt.eps));
    check_finite_nonneg(opt.weight_decay, "AdamOptions.weight_decay");
    check_params(params_, "Adam");
    m_.resize(params_.size());
    v_.resize(params_.size());
  }

  // param_seconds (optional, size = number of parameters): adds each parameter's update time.
  void step(std::vector<double>* param_seconds = nullptr) {
    ++t_;
    const double bc1 = 1.0 - std::pow(opt_.beta1, static_cast<double>(t_));
    const double bc2 = 1.0 - std::pow(opt_.beta2, static_cast<double>(t_));
    const T step_size = static_cast<T>(opt_.lr / bc1);
    const T bc2_sqrt = static_cast<T>(std::sqrt(bc2));
    const T b1 = static_cast<T>(opt_.beta1), b2 = static_cast<T>(opt_.beta2);
    const T one_b1 = static_cast<T>(1.0 - opt_.beta1), one_b2 = static_cast<T>(1.0 - opt_.beta2);
    const T eps = static_cast<T>(opt_.eps);
    // Blocked: the Eigen expressions below run on blocks of kBlock entries whose temporaries stay
    // in L1, so each weight's (p, g, m, v) is streamed from memory once per step (over the whole
    // tensor they were five passes and two tensor-sized temporaries: 1.4 ms of a 4.5 ms x sin x
    // step, issue 13 profile). Blocks start at multiples of 16 floats on Eigen's aligned storage,
    // so every entry goes through the same vector or scalar code as in the whole-tensor
    // expressions and the result is bit-identical to them (a hand-fused loop was not: the
    // compiler contracts its multiply-adds differently). Elementwise, so the blocks are split
    // across threads without changing the result.
    constexpr long kBlock = 2048;
    using Block = Eigen::Array<T, Eigen::Dynamic, 1, 0, kBlock, 1>;
    using Seg = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;
    using CSeg = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;
    for (std::size_t i = 0; i < params_.size(); ++i) {
      const auto t0 = ProfileClock::now();
      Param<T>& p = *params_[i];
      check_grad_shape(p, "Adam::step");
      if (m_[i].size() == 0) {
        m_[i] = Mat<T>::Zero(p.grad.rows(), p.grad.cols());
        v_[i] = Mat<T>::Zero(p.grad.rows(), p.grad.cols());
      }
      const bool decay = opt_.weight_decay != 0 && (p.is_weight || opt_.decay_non_weights);
      const T wd = static_cast<T>(opt_.weight_decay);
      const long n = static_cast<long>(p.value.size()), blocks = (n + kBlock - 1) / kBlock;
#pragma omp parallel for schedule(static) if (n >= (1L << 16))
      for (long b = 0; b < blocks; ++b) {
        const long k0 = b * kBlock, len = std::min(kBlock, n - k0);
        Seg w(p.value.data() + k0, len), m(m_[i].data() + k0, len), v(v_[i].data() + k0, len);
        Block g = CSeg(p.grad.data() + k0, len);
        if (decay) g += wd * w;
        m = b1 * m + one_b1 * g;
        v = b2 * v + one_b2 * (g * g);
        const Block denom = (v.sqrt() / bc2_sqrt) + eps;
        w -= step_size * (m / denom);
      }
      if (param_seconds) (*param_seconds)[i] += seconds_since(t0);
    }
  }

  double lr() const { return opt_.lr; }
  void set_lr(double lr) {
    check_finite_nonneg(lr, "Adam::set_lr lr");
    opt_.lr = lr;
  }
  long steps() const { return t_; }
  const AdamOptions& options() const { return opt_; }

 private:
  std::vector<Param<T>*> params_;
  AdamOptions opt_;
  std::vector<Mat<T>> m_, v_;
  long t_ = 0;
};

}  // namespace regcheck::nets::optim
