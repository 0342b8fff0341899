// Speed of the Monte Carlo kernel behind dropact.prop5_2.shift-ratio: samples per second of the
// shift-ratio estimate Var(X_test)/Var(X_train) (eqs. 13-15), d = 64, p = 0.95, random w.
//
//   BM_ShiftRatioKernel/d:64       : kernel only (draw x, mask, X_train, X_test), 1 thread
//   BM_ShiftRatioEstimate/d:64     : the full estimate as the claim computes it (kernel + Welford
//                                    moments + delta method) through sim::run_samples, 1 thread
//   BM_ShiftRatioEstimate1e7       : 10^7 samples once (the former bench/mc-vs-numpy figure)
//   BM_ShiftRatioKernelLanes/d     : kernel on the lanes generator (sim/rng_lanes.hpp)
//   BM_ShiftRatioLanes/d, BM_ShiftRatioScalar/d : the full plain-MC estimate, 2^21 samples once,
//                                    lanes generator / ziggurat on sim::Stream: the samples/s
//                                    figures bench/mc-vs-numpy compares with NumPy
// Counter "samples_per_s" is the rate (benchmark::Counter::kIsRate).
#include "claims/dropact/mc_estimate.hpp"
#include "claims/dropact/mc_kernel.hpp"
#include "theory/dropact.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

namespace {
using namespace regcheck;
using namespace regcheck::claims::dropact_mc;

constexpr double kP = 0.95;
constexpr std::uint64_t kSeed = 20261123;

std::vector<double> weights(int d) {
  sim::Stream s(kSeed, sim::stream_id("bench_mc/w"), 0);
  std::vector<double> w(static_cast<std::size_t>(d));
  for (double& v : w) v = s.normal();
  return w;
}

void BM_ShiftRatioKernel(benchmark::State& state) {
  const int d = static_cast<int>(state.range(0));
  const std::vector<double> w = weights(d);
  const std::uint64_t keep = bernoulli_threshold(kP);
  const std::uint64_t stream = sim::stream_id("bench_mc/kernel");
  std::uint64_t i = 0;
  double sink = 0;
  for (auto _ : state) {
    sim::Stream s(kSeed, stream, i++);
    const TrainTest t = dropact_sample(s, w.data(), d, kP, keep);
    sink += t.train + t.test;
    benchmark::DoNotOptimize(sink);
  }
  state.counters["samples_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ShiftRatioKernel)->ArgName("d")->Arg(16)->Arg(64);

void BM_ShiftRatioKernelLanes(benchmark::State& state) {
  const int d = static_cast<int>(state.range(0));
  const std::vector<double> w = weights(d);
  const std::uint64_t keep = bernoulli_threshold(kP);
  const std::uint64_t stream = sim::stream_id("bench_mc/kernel");
  std::uint64_t i = 0;
  double sink = 0;
  for (auto _ : state) {
    sim::LaneStream s(kSeed, stream, i++);
    const TrainTest t = dropact_sample_lanes(s, w.data(), d, kP, keep);
    sink += t.train + t.test;
    benchmark::DoNotOptimize(sink);
  }
  state.counters["samples_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ShiftRatioKernelLanes)->ArgName("d")->Arg(16)->Arg(64);

void run_estimate(benchmark::State& state, int d, std::uint64_t n, Generator gen = Generator::Scalar) {
  const std::vector<double> w = weights(d);
  double sum_w = 0;
  for (double v : w) sum_w += v;
  const double mu = theory::dropact::mean_x(kP, sum_w);
  const sim::McOptions opt{kSeed, 1, 4096};
  for (auto _ : state) {
    const auto acc = ratio_moments(Method::DropActivation, w, kP, mu, mu, sim::stream_id("bench_mc/estimate"), 0, n, opt, gen);
    const RatioEstimate e = ratio_from(acc);
    benchmark::DoNotOptimize(e);
    state.counters["ratio"] = e.ratio;
    state.counters["se"] = e.se;
  }
  state.counters["samples_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(n), benchmark::Counter::kIsRate);
  state.counters["theory"] = theory::dropact::shift_ratio(kP);
}

void BM_ShiftRatioEstimate(benchmark::State& state) { run_estimate(state, static_cast<int>(state.range(0)), 1 << 18); }
BENCHMARK(BM_ShiftRatioEstimate)->ArgName("d")->Arg(64)->Unit(benchmark::kMillisecond);

void BM_ShiftRatioEstimate1e7(benchmark::State& state) { run_estimate(state, 64, 10'000'000); }
BENCHMARK(BM_ShiftRatioEstimate1e7)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// The plain-MC estimate on the lanes generator (sim/rng_lanes.hpp), d = 16 (the claim's instance
// size at p = 0.95) and d = 64, 2^21 samples once: the figures bench/mc-vs-numpy compares.
void BM_ShiftRatioLanes(benchmark::State& state) {
  run_estimate(state, static_cast<int>(state.range(0)), 1 << 21, Generator::Lanes);
}
BENCHMARK(BM_ShiftRatioLanes)->ArgName("d")->Arg(16)->Arg(64)->Iterations(1)->Unit(benchmark::kMillisecond);
void BM_ShiftRatioScalar(benchmark::State& state) { run_estimate(state, static_cast<int>(state.range(0)), 1 << 21); }
BENCHMARK(BM_ShiftRatioScalar)->ArgName("d")->Arg(16)->Arg(64)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
