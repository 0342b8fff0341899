#pragma once
// CIFAR-10 binary version (data_batch_1.bin .. data_batch_5.bin, test_batch.bin): records of
// 1 label byte (0..9) then 3072 pixel bytes, 1024 per channel in R, G, B order, each channel a
// row-major 32x32 plane: already channel-major (c, h, w) as Dataset wants.
#include <string>
#include <vector>

#include "nets/data/dataset.hpp"
#include "nets/data/image_options.hpp"

namespace regcheck::nets::data {

inline constexpr std::size_t kCifarRecordBytes = 3073;

// Concatenates the records of `paths` in order (gzip or plain). Throws std::runtime_error naming
// the file: size not a positive multiple of 3073 bytes, or a label >= 10 (with record index).
Dataset load_cifar10(const std::vector<std::string>& paths, const ImageOptions& opt = {});

}  // namespace regcheck::nets::data
