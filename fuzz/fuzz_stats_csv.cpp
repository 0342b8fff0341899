// Fuzz harness: the `regcheck stats` CSV reader (sim/stats/table.hpp read_csv, then the exact
// decimal reading of every column, as app/stats_command.cpp's load does for its value column).
// Documented errors: std::invalid_argument naming the file, row and column.
#include "fuzz/fuzz_support.hpp"
#include "sim/stats/table.hpp"

#include <stdexcept>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace st = regcheck::sim::stats;
  static const regcheck::fuzz::ScratchFile file(".csv");
  try {
    const st::Csv csv = st::read_csv(file.write(data, size));
    for (std::size_t c = 0; c < csv.header.size(); ++c) {
      try {
        (void)st::column_index(csv, csv.header[c]);
        (void)st::read_centered(csv, c);
      } catch (const std::invalid_argument&) {
      }
    }
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
