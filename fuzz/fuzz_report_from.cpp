// Fuzz harness: the `regcheck report --from` reader (reports/src/report_inputs.hpp add_input, as
// app/report_command.cpp calls it, for this build's version). Documented errors:
// std::invalid_argument naming the file and the offending value.
#include "fuzz/fuzz_support.hpp"
#include "reports/src/report_inputs.hpp"

#include <stdexcept>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const regcheck::fuzz::ScratchFile file(".json");
  try {
    regcheck::report::ReportInputs in;
    regcheck::report::add_input(in, file.write(data, size), REGCHECK_VERSION);
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
