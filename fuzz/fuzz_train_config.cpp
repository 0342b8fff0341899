// Fuzz harness: the `regcheck train --config` JSON reader (nets/train/config.hpp load_config,
// then validate_run_fields, as app/train_command.cpp calls them). Documented errors:
// std::invalid_argument naming the file and field.
#include "fuzz/fuzz_support.hpp"
#include "nets/train/config.hpp"

#include <stdexcept>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const regcheck::fuzz::ScratchFile file(".json");
  try {
    const auto cfg = regcheck::nets::train::load_config(file.write(data, size));
    regcheck::nets::train::validate_run_fields(cfg);
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
