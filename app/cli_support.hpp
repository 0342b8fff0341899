#pragma once
// Small pieces every regcheck command uses: the usage error (exit 2), value validation, and
// atomic file output (temporary file + rename, so no half-written file is ever left behind).
#include <CLI/CLI.hpp>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace regcheck::app {

// Bad usage: printed as one line "regcheck: error: <message>", exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws UsageError("--name: value V is not allowed (allowed: ...)") unless lo <= v <= hi.
void require_range(const std::string& flag, double v, double lo, double hi, const std::string& allowed);
// CLI11 check for --seed: decimal digits only, 0..2^64-1 (a sign, exponent or overflow is
// refused with the value and the allowed range named).
CLI::Validator seed_validator();
// Parses "1,2,3" into finite numbers (decimal or hex, subnormals included); "@FILE" or "-" reads
// them from a file or standard input (read_number_file). Throws UsageError naming the flag and
// the bad item (and the file), with the allowed range.
std::vector<double> parse_number_list(const std::string& flag, const std::string& text);
// Numbers separated by commas and/or whitespace (spaces, tabs, newlines) from `path`, or from
// standard input when path is "-"; errors name the file, the line and the item.
std::vector<double> read_number_file(const std::string& flag, const std::string& path);

// Fails early (UsageError) when `path` cannot be written: its folder is missing or not
// writable. Called before a long run so that the run is not wasted.
void check_writable(const std::string& flag, const std::string& path);
// Writes `content` to `path` atomically: a temporary file beside it, then rename(2).
void write_atomically(const std::string& path, const std::string& content);

}  // namespace regcheck::app
