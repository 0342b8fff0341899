#include "nets/data/cifar.hpp"

#include <stdexcept>

#include "nets/data/io.hpp"

namespace regcheck::nets::data {

Dataset load_cifar10(const std::vector<std::string>& paths, const ImageOptions& opt) {
  if (paths.empty()) throw std::invalid_argument("load_cifar10: no files given");
  std::vector<std::vector<std::uint8_t>> files;
  std::size_t total = 0;
  for (const auto& path : paths) {
    auto b = read_file_bytes(path);
    if (b.empty() || b.size() % kCifarRecordBytes != 0)
      throw std::runtime_error("CIFAR-10 file '" + path + "' has " + std::to_string(b.size()) +
                               " bytes, expected a positive multiple of 3073 (1 label + 3072 pixels per record)");
    total += b.size() / kCifarRecordBytes;
    files.push_back(std::move(b));
  }
  Dataset ds;
  ds.name = "cifar10";
  ds.classes = 10;
  ds.channels = 3;
  ds.height = ds.width = 32;
  ds.x.resize(static_cast<Eigen::Index>(total), 3072);
  ds.labels.resize(total);
  Eigen::Index row = 0;
  for (std::size_t f = 0; f < files.size(); ++f) {
    const auto& b = files[f];
    for (std::size_t r = 0; r < b.size() / kCifarRecordBytes; ++r, ++row) {
      const std::uint8_t* rec = b.data() + r * kCifarRecordBytes;
      if (rec[0] >= 10)
        throw std::runtime_error("CIFAR-10 file '" + paths[f] + "' record " + std::to_string(r) + " has label " +
                                 std::to_string(rec[0]) + ", expected 0..9");
      ds.labels[row] = rec[0];
      for (int j = 0; j < 3072; ++j) ds.x(row, j) = static_cast<float>(rec[1 + j]) / 255.0f;
    }
  }
  normalize_images(ds, opt);
  return ds;
}

}  // namespace regcheck::nets::data
