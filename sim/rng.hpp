#pragma once
// Counter-based random streams (Random123 Philox4x64-10).
//
// A stream is keyed by (seed, stream id) and positioned by (sample index, draw counter), so the
// i-th sample of a check sees the same numbers whichever thread draws it, in whatever order:
// Monte Carlo results are a pure function of (seed, claim, sample index).
#include <Random123/philox.h>
#include <Random123/uniform.hpp>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <string_view>

namespace regcheck::sim {

// FNV-1a 64-bit hash: a stable stream id for a claim ID or any other name.
constexpr std::uint64_t stream_id(std::string_view name) {
  std::uint64_t h = 1469598103934665603ull;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

class Stream {
 public:
  using Rng = r123::Philox4x64;

  Stream(std::uint64_t seed, std::uint64_t stream, std::uint64_t sample_index,
         std::uint64_t substream = 0)
      : key_{{seed, stream}}, ctr_{{sample_index, substream, 0, 0}} {}

  // Next raw 64-bit word; one Philox call yields four.
  std::uint64_t next_u64() {
    if (pos_ == 4) {
      block_ = rng_(ctr_, key_);
      ++ctr_.v[2];
      pos_ = 0;
    }
    return block_.v[pos_++];
  }

  // Uniform on the open interval (0, 1): u01 maps to (0, 1], never 0, so log(u) is finite.
  double uniform() { return r123::u01<double>(next_u64()); }

  // Standard normal by Box-Muller; the second value of each pair is kept for the next call.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = uniform();
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double theta = 2.0 * std::numbers::pi * u2;
    spare_ = r * std::sin(theta);
    has_spare_ = true;
    return r * std::cos(theta);
  }

  bool bernoulli(double p) { return uniform() <= p; }

  // Uniform integer in [0, n), n >= 1 (Lemire's multiply-shift; bias < n / 2^64, negligible).
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next_u64()) * n) >> 64);
  }

 private:
  Rng rng_;
  Rng::key_type key_;
  Rng::ctr_type ctr_;
  Rng::ctr_type block_{};
  int pos_ = 4;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace regcheck::sim
