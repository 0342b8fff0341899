#pragma once
// SGD with PyTorch's exact semantics (torch.optim.SGD, 1.13), per parameter p with gradient g:
//   d_p = g + weight_decay * p                      (if weight_decay != 0 and p is decayed)
//   if momentum != 0:
//     buf = d_p                                     (first step: torch.clone(d_p))
//     buf = momentum * buf + (1 - dampening) * d_p  (later steps)
//     d_p = nesterov ? d_p + momentum * buf : buf
//   p -= lr * d_p
// Weight decay applies to every parameter, as PyTorch does, unless decay_non_weights = false,
// which exempts parameters with is_weight = false (biases, batch-norm scales and shifts).
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "nets/param.hpp"
#include "nets/optim/check.hpp"
#include "nets/profile.hpp"

namespace regcheck::nets::optim {

struct SgdOptions {
  double lr = 0.01;
  double momentum = 0.0;
  double dampening = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;
  bool decay_non_weights = true;  // PyTorch default: decay every parameter
};

template <class T>
class Sgd {
 public:
  Sgd(std::vector<Param<T>*> params, SgdOptions opt) : params_(std::move(params)), opt_(opt) {
    check_finite_nonneg(opt.lr, "SgdOptions.lr");
    check_finite_nonneg(opt.momentum, "SgdOptions.momentum");
    check_finite_nonneg(opt.dampening, "SgdOptions.dampening");
    check_finite_nonneg(opt.weight_decay, "SgdOptions.weight_decay");
    REGCHECK_REQUIRE(!opt.nesterov || (opt.momentum > 0 && opt.dampening == 0),
                    "SgdOptions.nesterov needs momentum > 0 and dampening = 0, got momentum = " +
                        detail::num(opt.momentum) + ", dampening = " + detail::num(opt.dampening));
    check_params(params_, "Sgd");
    buf_.resize(params_.size());
  }

  // One update of every parameter from its current grad.
  // Fused: one pass over (p, g, buf) per parameter, no temporaries. The step is memory bound
  // (5 float streams per weight; the x sin x net has ~1e6 weights and 20 samples per step), so
  // PyTorch's formula above is evaluated per element in registers; large tensors are split
  // across OpenMP threads (elementwise: the result does not depend on the thread count).
  // param_seconds (optional, size = number of parameters): adds each parameter's update time.
  void step(std::vector<double>* param_seconds = nullptr) {
    for (std::size_t i = 0; i < params_.size(); ++i) {
      const auto t0 = ProfileClock::now();
      Param<T>& p = *params_[i];
      check_grad_shape(p, "Sgd::step");
      const bool first = buf_[i].size() == 0;
      if (opt_.momentum != 0 && first) buf_[i].resize(p.value.rows(), p.value.cols());
      const T wd = (opt_.weight_decay != 0 && (p.is_weight || opt_.decay_non_weights)) ? static_cast<T>(opt_.weight_decay)
                                                                                        : T(0);
      const T lr = static_cast<T>(opt_.lr), m = static_cast<T>(opt_.momentum),
              damp = static_cast<T>(1.0 - opt_.dampening);
      const bool momentum = opt_.momentum != 0, nesterov = opt_.nesterov;
      T* __restrict w = p.value.data();
      const T* __restrict g = p.grad.data();
      T* __restrict b = momentum ? buf_[i].data() : nullptr;
      const long n = static_cast<long>(p.value.size());
#pragma omp parallel for simd schedule(static) if (n >= (1L << 16))
      for (long k = 0; k < n; ++k) {
        const T d_p = wd != T(0) ? g[k] + wd * w[k] : g[k];
        if (!momentum) {
          w[k] -= lr * d_p;
          continue;
        }
        const T buf = first ? d_p : m * b[k] + damp * d_p;  // torch.clone(d_p) on the first step
        b[k] = buf;
        w[k] -= lr * (nesterov ? d_p + m * buf : buf);
      }
      if (param_seconds) (*param_seconds)[i] += seconds_since(t0);
    }
  }

  double lr() const { return opt_.lr; }
  void set_lr(double lr) {
    check_finite_nonneg(lr, "Sgd::set_lr lr");
    opt_.lr = lr;
  }
  const SgdOptions& options() const { return opt_; }
  // The momentum buffer of parameter i (empty before the first step).
  const Mat<T>& momentum_buffer(std::size_t i) const { return buf_.at(i); }

 private:
  std::vector<Param<T>*> params_;
  SgdOptions opt_;
  std::vector<Mat<T>> buf_;
};

}  // namespace regcheck::nets::optim
