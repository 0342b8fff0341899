#pragma once
// PyTorch's default initialization of Linear and Conv2d, drawn from sim::Stream so that the
// initial weights are a function of (seed, layer index) alone.
//
// torch.nn.Linear/Conv2d.reset_parameters: kaiming_uniform_(W, a = sqrt(5)) gives
// bound = gain * sqrt(3 / fan_in) with gain = sqrt(2 / (1 + a^2)) = sqrt(1/3), so
// W ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)); the bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) too.
// fan_in = in_features (dense) or in_channels * kh * kw (conv).
#include "nets/param.hpp"
#include "sim/rng.hpp"

#include <cmath>
#include <cstdint>

namespace regcheck::nets {

template <class T>
void init_uniform_fan_in(Param<T>& weight, Param<T>* bias, double fan_in, std::uint64_t seed, int layer) {
  const double bound = 1.0 / std::sqrt(fan_in);
  sim::Stream s(seed, sim::stream_id("nets/init"), static_cast<std::uint64_t>(layer));
  // Row-major order (one output neuron / filter after another), then the bias.
  for (Eigen::Index r = 0; r < weight.value.rows(); ++r)
    for (Eigen::Index c = 0; c < weight.value.cols(); ++c)
      weight.value(r, c) = static_cast<T>(bound * (2.0 * s.uniform() - 1.0));
  if (bias)
    for (Eigen::Index r = 0; r < bias->value.size(); ++r)
      bias->value(r) = static_cast<T>(bound * (2.0 * s.uniform() - 1.0));
}

}  // namespace regcheck::nets
