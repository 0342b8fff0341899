#pragma once
// A trainable parameter: its value, its gradient, and whether regularizers apply to it.
//
// Shapes: a dense layer's weight is out x in; a conv layer's weight is out_channels x
// (in_channels * kh * kw). In both, row g holds the incoming weights of one output neuron / one
// filter: the group of group lasso (tl1 "groups = the weights of one neuron"; one conv filter).
// Biases and batch-norm scales/shifts have is_weight = false: regularizers never touch them.
#include <Eigen/Dense>

#include <string>

namespace regcheck::nets {

template <class T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;

template <class T>
struct Param {
  std::string name;  // e.g. "fc1.weight", "conv2.bias"
  Mat<T> value;
  Mat<T> grad;       // same shape as value; zeroed by the model before each backward pass
  bool is_weight = false;
  int layer = -1;    // index of the owning layer (for per-layer regularization, e.g. mu_l)
};

}  // namespace regcheck::nets
