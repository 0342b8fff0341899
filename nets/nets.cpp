// Explicit instantiations: compiles every layer once for float (training) and double (gradient
// checking) inside regcheck_nets, so template errors surface in the library build.
#include "nets/nets.hpp"

namespace regcheck::nets {

#define REGCHECK_NETS_INSTANTIATE(T)  \
  template class Dense<T>;            \
  template class Conv2d<T>;           \
  template class MaxPool2d<T>;        \
  template class AvgPool2d<T>;        \
  template class Flatten<T>;          \
  template class BatchNorm<T>;        \
  template class Dropout<T>;          \
  template class ReLU<T>;             \
  template class LeakyReLU<T>;        \
  template class DropActivation<T>;   \
  template class RReLU<T>;            \
  template class Identity<T>;         \
  template class Residual<T>;         \
  template class Chain<T>;            \
  template class Sequential<T>;

REGCHECK_NETS_INSTANTIATE(float)
REGCHECK_NETS_INSTANTIATE(double)

}  // namespace regcheck::nets
