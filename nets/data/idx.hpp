#pragma once
// IDX files (LeCun's MNIST format, also Fashion-MNIST), gzip-compressed or plain.
//
// Layout: big-endian 32-bit magic = 0x00000800 | (type << 8) | ndim with type 0x08 (unsigned
// byte), so 2051 = images (ndim 3: count, rows, cols) and 2049 = labels (ndim 1: count); then
// the dimensions as big-endian 32-bit integers; then the bytes, row-major.
#include <array>
#include <string>
#include <vector>
#include <cstdint>

#include "nets/data/dataset.hpp"
#include "nets/data/image_options.hpp"

namespace regcheck::nets::data {

inline constexpr std::uint32_t kIdxImagesMagic = 2051;
inline constexpr std::uint32_t kIdxLabelsMagic = 2049;
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";
// The four IDX files load_fashion_mnist reads from its folder (train, then test; images, labels).
inline constexpr std::array<const char*, 4> kFashionMnistFiles = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                                                                   "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};

struct IdxImages {
  std::size_t count = 0, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;  // count * rows * cols
};

// Each throws std::runtime_error naming the file and what was expected vs found: unreadable
// file, wrong magic, header shorter than its dimensions, or a body whose size is not exactly
// the product of the dimensions (truncated or with trailing bytes).
IdxImages read_idx_images(const std::string& path);
std::vector<std::uint8_t> read_idx_labels(const std::string& path);

// Images and labels as a classification Dataset (x scaled to [0,1], then normalized per opt).
// Throws std::runtime_error on a count mismatch between the two files or a label >= classes.
Dataset load_idx_dataset(const std::string& images_path, const std::string& labels_path, int classes,
                         const ImageOptions& opt = {}, const std::string& name = "idx");

enum class Split { Train, Test };

// Fashion-MNIST from `dir` (train-*: 60000 examples, t10k-*: 10000; 28x28; 10 classes).
Dataset load_fashion_mnist(Split split, const ImageOptions& opt = {}, const std::string& dir = kFashionMnistDir);

}  // namespace regcheck::nets::data
