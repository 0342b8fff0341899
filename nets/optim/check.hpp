#pragma once
// Argument checks shared by the optimizers (messages name the offending value).
#include <cmath>
#include <string>
#include <vector>

#include "nets/param.hpp"
#include "theory/prox.hpp"

namespace regcheck::nets::optim {

namespace detail = regcheck::theory::detail;

inline void check_finite_nonneg(double v, const std::string& what) {
  REGCHECK_REQUIRE(std::isfinite(v) && v >= 0, what + " must be finite and >= 0, got " + detail::num(v));
}

template <class T>
void check_params(const std::vector<Param<T>*>& ps, const std::string& who) {
  for (std::size_t i = 0; i < ps.size(); ++i)
    REGCHECK_REQUIRE(ps[i] != nullptr, who + ": parameter " + std::to_string(i) + " is null");
}

template <class T>
void check_grad_shape(const Param<T>& p, const std::string& who) {
  REGCHECK_REQUIRE(p.grad.rows() == p.value.rows() && p.grad.cols() == p.value.cols(),
                  who + ": grad of '" + p.name + "' is " + std::to_string(p.grad.rows()) + "x" +
                      std::to_string(p.grad.cols()) + " but value is " + std::to_string(p.value.rows()) + "x" +
                      std::to_string(p.value.cols()));
}

}  // namespace regcheck::nets::optim
