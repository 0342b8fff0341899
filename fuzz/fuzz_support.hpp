#pragma once
// Shared by the fuzz harnesses (fuzz/fuzz_<parser>.cpp).
//
// Each harness feeds its input to the same library function the CLI calls. The parsers under test
// read paths (as the CLI gives them), so the input is written to a per-process scratch file first.
// Exceptions the parser documents for bad input (std::invalid_argument; std::runtime_error for the
// nets/data readers) are the expected outcome and are caught by the harness; anything else (a
// crash, a sanitizer report, a hang, an exception of another type) is a bug.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace regcheck::fuzz {

// The scratch file of this process ($TMPDIR or /tmp), removed at exit.
class ScratchFile {
 public:
  explicit ScratchFile(const char* suffix) {
    const char* t = std::getenv("TMPDIR");
    path_ = std::string(t && *t ? t : "/tmp") + "/regcheck_fuzz_" + std::to_string(::getpid()) + suffix;
  }
  ~ScratchFile() { std::remove(path_.c_str()); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  // Replaces the file's contents by data[0..size); aborts when it cannot (not an input's fault).
  const std::string& write(const std::uint8_t* data, std::size_t size) const {
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    if (!f || (size > 0 && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) {
      std::perror(path_.c_str());
      std::abort();
    }
    return path_;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace regcheck::fuzz
