#pragma once
// Small pieces every regcheck command uses: the usage error (exit 2), value validation, and
// file output (regular files atomically: temporary file + rename, so no half-written file is
// ever left behind; devices and FIFOs written directly; symbolic links written through).
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
// A duration for progress lines and ETAs: "42s", "3m05s", "1h07m"; "?" when unknown (NaN or < 0).
std::string format_duration(double seconds);
// Records what `opt` allows ("1..256"), for the parse-error messages of explain_parse_error.
CLI::Option* allowed(CLI::Option* opt, const std::string& text);
// One line naming the value and what is allowed, for a CLI11 parse error (conversion, repeated
// option, missing value, unknown option, missing option or command). `app` is the top-level
// parser; argv is scanned for the command in use.
std::string explain_parse_error(CLI::App& app, const CLI::ParseError& e, int argc, char** argv);
// Parses "1,2,3" into finite numbers (decimal or hex, subnormals included); "@FILE" or "-" reads
// them from a file or standard input (read_number_file). Throws UsageError naming the flag and
// the bad item (and the file), with the allowed range.
std::vector<double> parse_number_list(const std::string& flag, const std::string& text);
// Numbers separated by commas and/or whitespace (spaces, tabs, newlines) from `path`, or from
// standard input when path is "-"; errors name the file, the line and the item.
std::vector<double> read_number_file(const std::string& flag, const std::string& path);

// Fails early (UsageError) when `path` cannot be written: its folder is missing or not
// writable, it is a folder, or a device that cannot be opened for writing. Called before a long
// run so that the run is not wasted. Creates nothing beside devices and FIFOs (a FIFO is not
// opened: that would block until a reader comes); a symbolic link is checked at its target.
void check_writable(const std::string& flag, const std::string& path);
// Fails (UsageError naming both flags) when the output `out` is the same file as the input `in`
// (same inode when both exist, else the same normalized path), e.g. `--config X --json X`, which
// would destroy the input. Devices (/dev/null as both) are not files and are allowed.
void check_not_input(const std::string& out_flag, const std::string& out, const std::string& in_label,
                     const std::string& in);
// True when `path` (through symbolic links) is a device or FIFO: written in place, so a stream
// that should get one document, not a rewrite per epoch (a FIFO's reader stops at the first EOF).
bool is_stream_output(const std::string& path);
// Writes `content` to `path`:
//  - regular file or missing: a temporary file in the same folder, fsync, then rename(2) over
//    the target, keeping an existing file's permission bits (and, as root, its owner);
//  - symbolic link: the same at the link's final target (the link stays a link);
//  - character/block device or FIFO: opened O_WRONLY and written directly (no temporary file, so
//    /dev/null stays /dev/null and a FIFO's reader receives the content).
// Any failure (e.g. /dev/full: "No space left on device") is a UsageError naming the path.
void write_atomically(const std::string& path, const std::string& content);

// Re-executes the program with OMP_WAIT_POLICY=passive unless the user set OMP_WAIT_POLICY or
// GOMP_SPINCOUNT (or REGCHECK_NO_REEXEC): libgomp's default spinning makes multi-threaded
// training many times slower on a loaded machine (measurements in cli_support.cpp).
void reexec_with_passive_wait();

}  // namespace regcheck::app
