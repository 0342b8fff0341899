// Fuzz harness: the `regcheck regress --against` CSV reader (regress/tables.hpp read_against, as
// app/regress_command.cpp calls it). The first input byte picks the function (modulo the number
// of functions), the rest is the CSV. Documented errors: std::invalid_argument naming the file,
// row and column.
#include "fuzz/fuzz_support.hpp"
#include "regress/functions.hpp"
#include "regress/tables.hpp"

#include <stdexcept>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace rg = regcheck::regress;
  static const regcheck::fuzz::ScratchFile file(".csv");
  if (size == 0) return 0;
  const auto& fns = rg::functions();
  const rg::FunctionSpec& spec = fns[data[0] % fns.size()];
  try {
    (void)rg::read_against(spec, file.write(data + 1, size - 1));
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
