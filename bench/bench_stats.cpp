// Speed of `regcheck stats` kernels (sim/stats/), 1 thread:
//   BM_BootstrapMean/n:100000     : 100 BCa resamples of the mean of 10^5 values (Philox indices,
//                                   gather, sum); counter "indices_per_s" (kIsRate)
//   BM_ReadCenteredColumn         : exact decimal reading of a 10^5-row CSV column
// bench/stats-vs-scipy times the whole command against scipy.stats.bootstrap.
#include "sim/stats/table.hpp"
#include "sim/stats/tests.hpp"

#include <benchmark/benchmark.h>

#include <cmath>
#include <string>
#include <vector>

namespace {
namespace st = regcheck::sim::stats;

std::vector<double> data(std::size_t n) {
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = 0.01 * std::sin(0.731 * static_cast<double>(i)) + 1e-4 * static_cast<double>(i % 97);
  return x;
}

void BM_BootstrapMean(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const std::vector<double> x = data(n);
  constexpr std::size_t kResamples = 100;
  for (auto _ : state) benchmark::DoNotOptimize(st::bootstrap_mean_ci(x, 0.9, 0.95, kResamples, 1, true, 1));
  state.counters["indices_per_s"] = benchmark::Counter(static_cast<double>(n * kResamples), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_BootstrapMean)->ArgName("n")->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_ReadCenteredColumn(benchmark::State& state) {
  std::string text = "acc\n";
  for (double v : data(100000)) text += std::to_string(0.9 + v) + "\n";
  for (auto _ : state) {
    const st::Csv csv = st::parse_csv(text, "bench.csv");
    benchmark::DoNotOptimize(st::read_centered(csv, 0));
  }
}
BENCHMARK(BM_ReadCenteredColumn)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
