#include "app/cli_support.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <fcntl.h>
#include <unistd.h>

namespace regcheck::app {

void require_range(const std::string& flag, double v, double lo, double hi, const std::string& allowed) {
  if (!(v >= lo && v <= hi))  // also rejects NaN
    throw UsageError(fmt::format("{}: value {} is out of range (allowed: {})", flag, v, allowed));
}

std::vector<double> parse_number_list(const std::string& flag, const std::string& text) {
  std::vector<double> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(item.c_str(), &end);
    if (item.empty() || end == item.c_str() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
      throw UsageError(fmt::format("{}: '{}' is not a finite number (allowed: comma-separated finite numbers, e.g. 1,2,3)", flag, item));
    out.push_back(v);
  }
  if (out.empty()) throw UsageError(fmt::format("{}: empty list (allowed: comma-separated finite numbers, e.g. 1,2,3)", flag));
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
