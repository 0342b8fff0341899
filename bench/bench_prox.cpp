// Throughput of the proximal operators the trainer applies every step (theory/prox.hpp):
// tl1_prox and soft_threshold elementwise, group_prox per row, over large arrays.
// Reported as items (weights) per second. Inputs: deterministic pseudo-random N(0, 1) weights.
#include "sim/rng.hpp"
#include "theory/prox.hpp"

#include <benchmark/benchmark.h>

#include <Eigen/Dense>

#include <vector>

namespace {

std::vector<double> weights(std::size_t n) {
  std::vector<double> w(n);
  regcheck::sim::Stream s(1, regcheck::sim::stream_id("bench_prox"), 0);
  for (double& x : w) x = s.normal();
  return w;
}

// TL1 prox elementwise. Arg 1 selects the regime: 0 subcritical (a = 1, lambda = 0.1 <= 1/4),
// 1 supercritical (a = 1, lambda = 1); in both a sizable fraction of |y| exceeds t.
void BM_Tl1Prox(benchmark::State& st) {
  const auto w = weights(static_cast<std::size_t>(st.range(0)));
  std::vector<double> out(w.size());
  const double a = 1.0, lambda = st.range(1) == 0 ? 0.1 : 1.0;
  for (auto _ : st) {
    for (std::size_t i = 0; i < w.size(); ++i) out[i] = regcheck::theory::tl1_prox(w[i], lambda, a);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(w.size()));
}
BENCHMARK(BM_Tl1Prox)->Args({1 << 16, 0})->Args({1 << 16, 1})->Args({1 << 20, 0})->Args({1 << 20, 1});

void BM_SoftThreshold(benchmark::State& st) {
  const auto w = weights(static_cast<std::size_t>(st.range(0)));
  std::vector<double> out(w.size());
  for (auto _ : st) {
    for (std::size_t i = 0; i < w.size(); ++i) out[i] = regcheck::theory::soft_threshold(w[i], 0.5);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(w.size()));
}
BENCHMARK(BM_SoftThreshold)->Arg(1 << 16)->Arg(1 << 20);

// Group prox on every row of a (rows x cols) weight matrix (groups = rows, as in eq. 16).
void BM_GroupProxRows(benchmark::State& st) {
  const Eigen::Index rows = st.range(0), cols = st.range(1);
  const auto w = weights(static_cast<std::size_t>(rows * cols));
  const Eigen::MatrixXd W = Eigen::Map<const Eigen::MatrixXd>(w.data(), rows, cols);
  Eigen::MatrixXd out(rows, cols);
  const double tau = 0.9 * std::sqrt(static_cast<double>(cols));  // about half the rows are zeroed
  for (auto _ : st) {
    for (Eigen::Index i = 0; i < rows; ++i) out.row(i) = regcheck::theory::group_prox(W.row(i).transpose(), tau).transpose();
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(rows * cols));
}
BENCHMARK(BM_GroupProxRows)->Args({256, 256})->Args({1024, 1024})->Args({4096, 64});

}  // namespace

BENCHMARK_MAIN();
