#pragma once
// The Monte Carlo engine: n samples of a statistic, split into fixed blocks of consecutive sample
// indices. Each block is accumulated sequentially; blocks run in parallel (OpenMP) and are merged
// in block order. Because the split does not depend on the thread count and each sample draws
// from its own counter-based stream, the result is bit-identical for any number of threads.
#include "sim/rng.hpp"
#include "sim/welford.hpp"

#include <omp.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace regcheck::sim {

struct McOptions {
  std::uint64_t seed = 1;
  int threads = 1;                  // OpenMP threads; results do not depend on it
  std::uint64_t block_size = 4096;  // samples per sequential block (fixed: part of the result)
};

// Samples [first, first + n) of stream `stream`. sample(Stream&, index) returns the statistic:
// a double (accumulated in a Welford) or an Eigen fixed vector of size K (MultiWelford<K>).
template <class Acc, class Sampler>
Acc run_samples(std::uint64_t stream, std::uint64_t first, std::uint64_t n, const McOptions& opt,
                Sampler&& sample) {
  if (opt.threads < 1) throw std::invalid_argument("McOptions.threads must be >= 1, got " + std::to_string(opt.threads));
  if (opt.block_size < 1) throw std::invalid_argument("McOptions.block_size must be >= 1");
  const std::uint64_t blocks = (n + opt.block_size - 1) / opt.block_size;
  std::vector<Acc> partial(blocks);
#pragma omp parallel for schedule(dynamic, 1) num_threads(opt.threads)
  for (std::int64_t b = 0; b < static_cast<std::int64_t>(blocks); ++b) {
    const std::uint64_t lo = first + static_cast<std::uint64_t>(b) * opt.block_size;
    const std::uint64_t hi = std::min(first + n, lo + opt.block_size);
    Acc acc;
    for (std::uint64_t i = lo; i < hi; ++i) {
      Stream rng(opt.seed, stream, i);
      acc.add(sample(rng, i));
    }
    partial[static_cast<std::size_t>(b)] = acc;
  }
  Acc total;
  for (const Acc& a : partial) total.merge(a);
  return total;
}

template <class Sampler>
Welford run_mean(std::string_view stream_name, std::uint64_t n, const McOptions& opt, Sampler&& sample) {
  return run_samples<Welford>(stream_id(stream_name), 0, n, opt, sample);
}

}  // namespace regcheck::sim
