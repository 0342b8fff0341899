#pragma once
// Activations and shapes shared by every layer.
//
// A batch of activations is a row-major matrix, one example per row (batch x features), so an
// example is contiguous and images are stored flattened channel-major (C, H, W) as in PyTorch
// (and as nets/data/dataset.hpp stores them). A Shape describes one example: dense features are
// Shape{features, 1, 1}.
#include "nets/param.hpp"

#include <Eigen/Dense>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace regcheck::nets {

template <class T>
using Act = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct Shape {
  int c = 0, h = 1, w = 1;
  Eigen::Index size() const { return static_cast<Eigen::Index>(c) * h * w; }
  bool flat() const { return h == 1 && w == 1; }
  bool operator==(const Shape&) const = default;
  std::string str() const {
    return flat() ? "(" + std::to_string(c) + ")"
                  : "(" + std::to_string(c) + "," + std::to_string(h) + "," + std::to_string(w) + ")";
  }
};

// What a forward pass needs to know besides its input. Random masks (dropout, Drop-Activation,
// RReLU) are drawn from sim::Stream keyed by (seed, layer index, step, example), so a training
// run is a function of the seed alone, whatever the thread count.
struct RunContext {
  bool train = false;
  std::uint64_t seed = 0;
  std::uint64_t step = 0;
  // Batch norm: update the running averages during a training forward pass. Off for
  // measurement passes (e.g. the train-mode variance hook) that must not change the model.
  bool update_running_stats = true;
};

}  // namespace regcheck::nets
