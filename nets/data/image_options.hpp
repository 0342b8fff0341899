#pragma once
// Pixel scaling shared by the image loaders.
#include <vector>

#include "nets/data/dataset.hpp"

namespace regcheck::nets::data {

// Bytes are always scaled to [0, 1] (x = byte / 255). With normalize, each channel c is then
// standardized: x = (x - mean[c]) / stddev[c]; mean and stddev hold one value (all channels) or
// one per channel. Values are those of the [0, 1] pixels (e.g. Fashion-MNIST 0.2860 / 0.3530).
struct ImageOptions {
  bool normalize = false;
  std::vector<float> mean{0.0f};
  std::vector<float> stddev{1.0f};
};

// Applies the normalization of `opt` in place (no-op unless opt.normalize). Throws
// std::invalid_argument if mean/stddev sizes do not match 1 or ds.channels, or stddev <= 0.
void normalize_images(Dataset& ds, const ImageOptions& opt);

}  // namespace regcheck::nets::data
