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
  void step() {
    for (std::size_t i = 0; i < params_.size(); ++i) {
      Param<T>& p = *params_[i];
      check_grad_shape(p, "Sgd::step");
      Mat<T> d_p = p.grad;
      if (opt_.weight_decay != 0 && (p.is_weight || opt_.decay_non_weights))
        d_p += static_cast<T>(opt_.weight_decay) * p.value;
      if (opt_.momentum != 0) {
        if (buf_[i].size() == 0) {
          buf_[i] = d_p;
        } else {
          buf_[i] = static_cast<T>(opt_.momentum) * buf_[i] + static_cast<T>(1.0 - opt_.dampening) * d_p;
        }
        if (opt_.nesterov)
          d_p += static_cast<T>(opt_.momentum) * buf_[i];
        else
          d_p = buf_[i];
      }
      p.value -= static_cast<T>(opt_.lr) * d_p;
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
