// Fuzz harness: the IDX readers (nets/data/idx.hpp read_idx_images and read_idx_labels, gzip or
// plain, as load_fashion_mnist / load_idx_dataset call them). Documented errors:
// std::runtime_error naming the file (the trainer turns them into std::invalid_argument).
#include "fuzz/fuzz_support.hpp"
#include "nets/data/idx.hpp"

#include <stdexcept>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const regcheck::fuzz::ScratchFile file(".idx");
  const std::string& path = file.write(data, size);
  try {
    (void)regcheck::nets::data::read_idx_images(path);
  } catch (const std::runtime_error&) {
  }
  try {
    (void)regcheck::nets::data::read_idx_labels(path);
  } catch (const std::runtime_error&) {
  }
  return 0;
}
