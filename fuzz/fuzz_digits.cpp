// Fuzz harness: the UCI digits CSV reader (nets/data/digits.hpp load_digits, gzip or plain, as the
// trainer calls it for data.kind "digits"). Documented errors: std::runtime_error naming the file
// and line.
#include "fuzz/fuzz_support.hpp"
#include "nets/data/digits.hpp"

#include <stdexcept>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const regcheck::fuzz::ScratchFile file(".csv");
  try {
    (void)regcheck::nets::data::load_digits({}, file.write(data, size));
  } catch (const std::runtime_error&) {
  }
  return 0;
}
