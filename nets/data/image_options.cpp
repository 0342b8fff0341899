#include "nets/data/image_options.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace regcheck::nets::data {

void normalize_images(Dataset& ds, const ImageOptions& opt) {
  if (!opt.normalize) return;
  const int c = ds.channels;
  auto check_size = [&](const std::vector<float>& v, const char* what) {
    if (v.size() != 1 && v.size() != static_cast<std::size_t>(c))
      throw std::invalid_argument(std::string("ImageOptions.") + what + " must have 1 or " + std::to_string(c) +
                                  " (channels) values, got " + std::to_string(v.size()));
  };
  check_size(opt.mean, "mean");
  check_size(opt.stddev, "stddev");
  for (float s : opt.stddev)
    if (!(s > 0.0f) || !std::isfinite(s))
      throw std::invalid_argument("ImageOptions.stddev must be finite and > 0, got " + std::to_string(s));
  const Eigen::Index plane = ds.x.cols() / c;
  for (int ch = 0; ch < c; ++ch) {
    const float m = opt.mean.size() == 1 ? opt.mean[0] : opt.mean[ch];
    const float s = opt.stddev.size() == 1 ? opt.stddev[0] : opt.stddev[ch];
    auto block = ds.x.middleCols(ch * plane, plane);
    block = (block.array() - m) / s;
  }
}

}  // namespace regcheck::nets::data
