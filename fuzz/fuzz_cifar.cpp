// Fuzz harness: the CIFAR-10 binary reader (nets/data/cifar.hpp load_cifar10, gzip or plain, as
// the trainer calls it for data.kind "cifar10"). Documented errors: std::runtime_error naming the
// file; std::invalid_argument for bad ImageOptions (not varied here).
#include "fuzz/fuzz_support.hpp"
#include "nets/data/cifar.hpp"

#include <stdexcept>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const regcheck::fuzz::ScratchFile file(".bin");
  try {
    (void)regcheck::nets::data::load_cifar10({file.write(data, size)});
  } catch (const std::runtime_error&) {
  }
  return 0;
}
