#pragma once
// Reading whole data files, gzip-compressed or plain (zlib's gzopen reads both transparently).
#include <cstdint>
#include <string>
#include <vector>

namespace regcheck::nets::data {

// The decompressed bytes of `path`. Throws std::runtime_error naming the file when it cannot be
// opened or when the gzip stream is corrupt or truncated (zlib reports "unexpected end of file").
std::vector<std::uint8_t> read_file_bytes(const std::string& path);

// Big-endian 32-bit unsigned integer at bytes[offset..offset+4) (IDX headers are big-endian).
std::uint32_t read_be32(const std::vector<std::uint8_t>& bytes, std::size_t offset);

}  // namespace regcheck::nets::data
