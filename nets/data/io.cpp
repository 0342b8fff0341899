#include "nets/data/io.hpp"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace regcheck::nets::data {

std::vector<std::uint8_t> read_file_bytes(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr)
    throw std::runtime_error("cannot open data file '" + path + "': " + std::strerror(errno));
  std::unique_ptr<gzFile_s, int (*)(gzFile)> guard(f, gzclose);
  gzbuffer(f, 1 << 17);
  std::vector<std::uint8_t> out;
  constexpr unsigned kChunk = 1u << 20;
  for (;;) {
    const std::size_t old = out.size();
    out.resize(old + kChunk);
    const int got = gzread(f, out.data() + old, kChunk);
    if (got < 0) {
      int code = 0;
      const char* msg = gzerror(f, &code);
      throw std::runtime_error("corrupt or truncated gzip data in '" + path + "': " + (msg ? msg : "unknown zlib error"));
    }
    out.resize(old + static_cast<std::size_t>(got));
    if (got == 0) break;
  }
  // gzread returns 0 both at a clean end and, for some truncations, before reporting the error:
  // check the stream state once more so a cut-off gzip member is never taken as a short file.
  int code = 0;
  const char* msg = gzerror(f, &code);
  if (code != Z_OK && code != Z_STREAM_END)
    throw std::runtime_error("corrupt or truncated gzip data in '" + path + "': " + (msg ? msg : "unknown zlib error"));
  return out;
}

std::uint32_t read_be32(const std::vector<std::uint8_t>& b, std::size_t o) {
  if (o + 4 > b.size()) throw std::out_of_range("read_be32: offset past the end");
  return (std::uint32_t{b[o]} << 24) | (std::uint32_t{b[o + 1]} << 16) | (std::uint32_t{b[o + 2]} << 8) | std::uint32_t{b[o + 3]};
}

}  // namespace regcheck::nets::data
