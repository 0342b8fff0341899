#include "app/cli_support.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <fcntl.h>
#include <unistd.h>

namespace regcheck::app {

void require_range(const std::string& flag, double v, double lo, double hi, const std::string& allowed) {
  if (!(v >= lo && v <= hi))  // also rejects NaN
    throw UsageError(fmt::format("{}: value {} is out of range (allowed: {})", flag, v, allowed));
}

namespace {
constexpr const char* kNumbersAllowed =
    "allowed: finite numbers within +-1.7976931348623157e308, subnormals down to 4.9e-324 included";

// One number; `where` says where the item came from (for the message). strtod sets ERANGE both
// for overflow (returns +-HUGE_VAL) and for results below DBL_MIN: a nonzero subnormal result is
// the right value (accepted); a nonzero literal that underflows to 0 or overflows is refused
// with the range named.
double parse_number(const std::string& flag, const std::string& item, const std::string& where) {
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(item.c_str(), &end);
  const int err = errno;
  if (item.empty() || end == item.c_str() || *end != '\0' || std::isnan(v) ||
      (std::isinf(v) && err != ERANGE))
    throw UsageError(fmt::format("{}: {}'{}' is not a finite number ({})", flag, where, item, kNumbersAllowed));
  if (err == ERANGE && std::isinf(v))
    throw UsageError(fmt::format("{}: {}'{}' is out of the double range: its magnitude exceeds 1.7976931348623157e308 ({})", flag,
                                 where, item, kNumbersAllowed));
  if (err == ERANGE && v == 0)
    throw UsageError(fmt::format("{}: {}'{}' underflows to 0: its magnitude is below the smallest subnormal double 4.9e-324 ({})",
                                 flag, where, item, kNumbersAllowed));
  return v;
}
}  // namespace

std::vector<double> parse_number_list(const std::string& flag, const std::string& text) {
  if (text == "-" || (!text.empty() && text[0] == '@')) return read_number_file(flag, text == "-" ? "-" : text.substr(1));
  std::vector<double> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(parse_number(flag, item, ""));
  if (out.empty()) throw UsageError(fmt::format("{}: empty list (allowed: comma-separated finite numbers, e.g. 1,2,3)", flag));
  return out;
}

std::vector<double> read_number_file(const std::string& flag, const std::string& path) {
  std::string content;
  const std::string name = path == "-" ? std::string("standard input") : fmt::format("file '{}'", path);
  if (path == "-") {
    std::stringstream ss;
    ss << std::cin.rdbuf();
    content = ss.str();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError(fmt::format("{}: cannot read {}: {} (allowed: @FILE naming a readable file, or - for standard input)",
                                          flag, name, std::strerror(errno)));
    std::stringstream ss;
    ss << in.rdbuf();
    content = ss.str();
  }
  // Items are separated by commas and/or whitespace (spaces, tabs, newlines); an empty item
  // between two commas is an error, as on the command line.
  std::vector<double> out;
  std::size_t i = 0, line = 1;
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  bool need_item = false;  // after a comma
  while (i < content.size()) {
    if (blank(content[i])) {
      line += content[i] == '\n';
      ++i;
      continue;
    }
    if (content[i] == ',') {
      if (need_item || out.empty())
        throw UsageError(fmt::format("{}: {} line {}: empty item (allowed: numbers separated by commas, spaces or newlines)", flag,
                                     name, line));
      need_item = true;
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < content.size() && !blank(content[j]) && content[j] != ',') ++j;
    out.push_back(parse_number(flag, content.substr(i, j - i), fmt::format("{} line {} item {}: ", name, line, out.size() + 1)));
    need_item = false;
    i = j;
  }
  if (out.empty() || need_item)
    throw UsageError(fmt::format("{}: {} {} (allowed: numbers separated by commas, spaces or newlines)", flag, name,
                                 out.empty() ? "holds no numbers" : "ends with a comma"));
  return out;
}

namespace {
std::filesystem::path folder_of(const std::string& path) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  return dir.empty() ? std::filesystem::path(".") : dir;
}
}  // namespace

void check_writable(const std::string& flag, const std::string& path) {
  if (path.empty()) throw UsageError(flag + ": empty path (allowed: a file path in a writable folder)");
  const auto dir = folder_of(path);
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw UsageError(fmt::format("{}: folder '{}' of '{}' does not exist (allowed: a file path in an existing writable folder)", flag, dir.string(), path));
  if (std::filesystem::is_directory(path, ec))
    throw UsageError(fmt::format("{}: '{}' is a folder (allowed: a file path)", flag, path));
  // Probe by creating a file: access(W_OK) says yes to root even on read-only or virtual file
  // systems, where the final write would fail after the whole run.
  const std::string probe = (dir / fmt::format(".regcheck-probe.{}", ::getpid())).string();
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0)
    throw UsageError(fmt::format("{}: cannot create files in folder '{}': {} (allowed: a file path in a writable folder)", flag,
                                 dir.string(), std::strerror(errno)));
  ::close(fd);
  ::unlink(probe.c_str());
}

void write_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + fmt::format(".tmp.{}", ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw UsageError(fmt::format("cannot write '{}': {}", tmp, std::strerror(errno)));
    out << content;
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw UsageError(fmt::format("cannot write '{}': {}", tmp, std::strerror(errno)));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    throw UsageError(fmt::format("cannot move '{}' to '{}': {}", tmp, path, why));
  }
}

CLI::Validator seed_validator() {
  return CLI::Validator(
      [](const std::string& v) {
        const bool digits = !v.empty() && v.find_first_not_of("0123456789") == std::string::npos;
        const bool fits = v.size() < 20 || (v.size() == 20 && v <= "18446744073709551615");
        return digits && fits ? std::string() : "value '" + v + "' is not allowed (allowed: an integer 0..18446744073709551615)";
      },
      "UINT64");
}

}  // namespace regcheck::app
