#pragma once
// SHA-256 (FIPS 180-4), for the data files' digests and the config hashes of `regcheck reproduce`.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace regcheck::claims {

// Lower-case hex digest of `data`.
std::string sha256_hex(std::string_view data);
// Digest of a file's bytes; throws std::invalid_argument naming the path when it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace regcheck::claims
