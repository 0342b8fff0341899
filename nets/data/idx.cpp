#include "nets/data/idx.hpp"

#include <stdexcept>

#include "nets/data/io.hpp"

namespace regcheck::nets::data {

namespace {

void require_header(const std::vector<std::uint8_t>& b, std::size_t need, const std::string& path) {
  if (b.size() < need)
    throw std::runtime_error("IDX file '" + path + "' is truncated: header needs " + std::to_string(need) +
                             " bytes, file has " + std::to_string(b.size()));
}

void require_magic(std::uint32_t found, std::uint32_t expected, const std::string& path, const char* kind) {
  if (found != expected)
    throw std::runtime_error("IDX file '" + path + "' has wrong magic number: expected " + std::to_string(expected) +
                             " (" + kind + "), found " + std::to_string(found));
}

void require_body(std::size_t have, std::size_t header, std::size_t body, const std::string& path) {
  if (have != header + body)
    throw std::runtime_error("IDX file '" + path + "' size mismatch" + (have < header + body ? " (truncated)" : " (trailing bytes)") +
                             ": header declares " + std::to_string(body) + " data bytes, file has " +
                             std::to_string(have - header));
}

}  // namespace

IdxImages read_idx_images(const std::string& path) {
  auto b = read_file_bytes(path);
  require_header(b, 4, path);
  require_magic(read_be32(b, 0), kIdxImagesMagic, path, "images, unsigned byte, 3 dimensions");
  require_header(b, 16, path);
  IdxImages im;
  im.count = read_be32(b, 4);
  im.rows = read_be32(b, 8);
  im.cols = read_be32(b, 12);
  if (im.rows == 0 || im.cols == 0)
    throw std::runtime_error("IDX file '" + path + "' declares empty images: rows = " + std::to_string(im.rows) +
                             ", cols = " + std::to_string(im.cols));
  require_body(b.size(), 16, im.count * im.rows * im.cols, path);
  im.pixels.assign(b.begin() + 16, b.end());
  return im;
}

std::vector<std::uint8_t> read_idx_labels(const std::string& path) {
  auto b = read_file_bytes(path);
  require_header(b, 4, path);
  require_magic(read_be32(b, 0), kIdxLabelsMagic, path, "labels, unsigned byte, 1 dimension");
  require_header(b, 8, path);
  const std::size_t n = read_be32(b, 4);
  require_body(b.size(), 8, n, path);
  return {b.begin() + 8, b.end()};
}

Dataset load_idx_dataset(const std::string& images_path, const std::string& labels_path, int classes,
                         const ImageOptions& opt, const std::string& name) {
  if (classes < 1 || classes > 256)
    throw std::invalid_argument("load_idx_dataset: classes must be in [1, 256], got " + std::to_string(classes));
  const IdxImages im = read_idx_images(images_path);
  const auto lab = read_idx_labels(labels_path);
  if (lab.size() != im.count)
    throw std::runtime_error("IDX count mismatch: '" + images_path + "' has " + std::to_string(im.count) + " images but '" +
                             labels_path + "' has " + std::to_string(lab.size()) + " labels");
  Dataset ds;
  ds.name = name;
  ds.classes = classes;
  ds.channels = 1;
  ds.height = static_cast<int>(im.rows);
  ds.width = static_cast<int>(im.cols);
  const Eigen::Index n = static_cast<Eigen::Index>(im.count), d = static_cast<Eigen::Index>(im.rows * im.cols);
  ds.x.resize(n, d);
  // Map the bytes and scale once: x = byte / 255 (the division, not a multiply by 1/255, so
  // the result matches torchvision's ToTensor bit for bit).
  Eigen::Map<const Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> px(im.pixels.data(), n, d);
  ds.x = px.cast<float>().array() / 255.0f;
  ds.labels.resize(im.count);
  for (std::size_t i = 0; i < im.count; ++i) {
    if (lab[i] >= classes)
      throw std::runtime_error("IDX label out of range in '" + labels_path + "': label " + std::to_string(lab[i]) +
                               " at index " + std::to_string(i) + ", expected 0.." + std::to_string(classes - 1));
    ds.labels[i] = lab[i];
  }
  normalize_images(ds, opt);
  return ds;
}

Dataset load_fashion_mnist(Split split, const ImageOptions& opt, const std::string& dir) {
  const std::string prefix = dir + "/" + (split == Split::Train ? "train" : "t10k");
  return load_idx_dataset(prefix + "-images-idx3-ubyte.gz", prefix + "-labels-idx1-ubyte.gz", 10, opt,
                          split == Split::Train ? "fashion-mnist-train" : "fashion-mnist-test");
}

}  // namespace regcheck::nets::data
