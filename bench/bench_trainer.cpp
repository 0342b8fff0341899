// The trainer's three speed workloads, the C++ side of bench/vs-pytorch (the PyTorch side is
// bench/pytorch_workloads.py, same shapes): one training step per iteration (zero_grad, forward,
// loss, backward, SGD with momentum 0.9, weight decay 5e-4, lr 0.01), float32, counter
// samples_per_s. Threads: $REGCHECK_BENCH_THREADS (default 2).
// bench_trainer --profile [STEPS] instead times each workload's layers over STEPS steps (default
// 50, after 5 warm-up steps) and prints regcheck train --profile's table per workload.
//   mlp:     784-512-512-10 ReLU MLP, softmax cross-entropy, batch 128
//   xsinx:   1-1000-800-200-1 ReLU MLP, mean squared error, full batch of 20 points
//   convnet: 3 x [conv3x3 pad 1, batch norm, ReLU, avgpool 2] (16-32-64 channels), FC 576-128,
//            ReLU, FC 128-10, softmax cross-entropy, batch 128 of 28x28x1
#include "nets/nets.hpp"
#include "nets/optim/sgd.hpp"
#include "nets/train/trainer.hpp"
#include "sim/rng.hpp"

#include <benchmark/benchmark.h>
#include <omp.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

using namespace regcheck::nets;

namespace {

int bench_threads() {
  const char* v = std::getenv("REGCHECK_BENCH_THREADS");
  const int t = v ? std::atoi(v) : 2;
  return t >= 1 ? t : 2;
}

std::unique_ptr<Sequential<float>> mlp() {
  auto m = std::make_unique<Sequential<float>>(Shape{784, 1, 1});
  m->emplace<Dense<float>>(512).emplace<ReLU<float>>().emplace<Dense<float>>(512).emplace<ReLU<float>>().emplace<Dense<float>>(10);
  return m;
}

std::unique_ptr<Sequential<float>> xsinx() {
  auto m = std::make_unique<Sequential<float>>(Shape{1, 1, 1});
  m->emplace<Dense<float>>(1000).emplace<ReLU<float>>().emplace<Dense<float>>(800).emplace<ReLU<float>>();
  m->emplace<Dense<float>>(200).emplace<ReLU<float>>().emplace<Dense<float>>(1);
  return m;
}

std::unique_ptr<Sequential<float>> convnet() {
  auto m = std::make_unique<Sequential<float>>(Shape{1, 28, 28});
  for (int c : {16, 32, 64}) {
    m->emplace<Conv2d<float>>(Conv2dOptions{.out_channels = c, .kernel_h = 3, .kernel_w = 3, .stride = 1, .padding = 1});
    m->emplace<BatchNorm<float>>().emplace<ReLU<float>>().emplace<AvgPool2d<float>>(2);
  }
  m->emplace<Flatten<float>>().emplace<Dense<float>>(128).emplace<ReLU<float>>().emplace<Dense<float>>(10);
  return m;
}

// Inputs U(0, 1) (x U(0, 10) for xsinx), labels uniform in 0..9, regression targets N(0, 1).
struct Workload {
  std::unique_ptr<Sequential<float>> m;
  bool classify;
  Act<float> x, t, dz;
  std::vector<int> labels;
  std::unique_ptr<optim::Sgd<float>> opt;
  std::uint64_t step = 0;

  Workload(std::unique_ptr<Sequential<float>> model, Eigen::Index batch, bool cls, float x_scale)
      : m(std::move(model)), classify(cls) {
    omp_set_num_threads(bench_threads());
    m->build(0);
    const Eigen::Index d = m->input_shape().size();
    x.resize(batch, d), t.resize(batch, 1), labels.resize(static_cast<std::size_t>(batch));
    regcheck::sim::Stream s(1, regcheck::sim::stream_id("bench/trainer"), 0);
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = x_scale * static_cast<float>(s.uniform());
    for (auto& l : labels) l = static_cast<int>(s.below(10));
    for (Eigen::Index i = 0; i < t.size(); ++i) t.data()[i] = static_cast<float>(s.normal());
    opt = std::make_unique<optim::Sgd<float>>(m->params(), optim::SgdOptions{.lr = 0.01, .momentum = 0.9, .weight_decay = 5e-4});
  }
  // One training step; with a profile, the parts outside the layers go to o and the optimizer's
  // per-parameter times to param_seconds.
  double train_step(train::StepOverhead* o = nullptr, std::vector<double>* param_seconds = nullptr) {
    timed(o ? &o->zero_grad : nullptr, [&] { m->zero_grad(); });
    const Act<float>& z = m->forward(x, {.train = true, .seed = 0, .step = step++});
    double loss = 0;
    timed(o ? &o->loss : nullptr, [&] { loss = classify ? softmax_cross_entropy(z, labels, dz) : mean_squared_error(z, t, dz); });
    m->backward(dz);
    opt->step(param_seconds);
    return loss;
  }
};

void run(benchmark::State& state, std::unique_ptr<Sequential<float>> m, Eigen::Index batch, bool classify, float x_scale) {
  Workload w(std::move(m), batch, classify, x_scale);
  for (auto _ : state) benchmark::DoNotOptimize(w.train_step());
  state.counters["samples_per_s"] = benchmark::Counter(static_cast<double>(batch), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = bench_threads();
}

// CPU seconds of the process (all threads, user + system): on a machine shared with other jobs
// the wall clock also counts time the threads waited for a core, CPU time does not.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// --profile: the per-layer table of one workload over `steps` steps (after 5 warm-up steps).
void profile(const char* name, std::unique_ptr<Sequential<float>> m, Eigen::Index batch, bool classify, float x_scale, long steps) {
  Workload w(std::move(m), batch, classify, x_scale);
  for (int i = 0; i < 5; ++i) w.train_step();
  Profile p;
  w.m->set_profile(&p);
  p.clear();
  train::StepOverhead o;
  std::vector<double> param_seconds(w.m->params().size(), 0.0);
  const auto t0 = ProfileClock::now();
  const double c0 = cpu_seconds();
  for (long i = 0; i < steps; ++i) benchmark::DoNotOptimize(w.train_step(&o, &param_seconds));
  const double seconds = seconds_since(t0), cpu = cpu_seconds() - c0;
  std::size_t k = 0;  // parameters are listed layer by layer (Sequential::params)
  for (std::size_t i = 0; i < w.m->size(); ++i)
    for (std::size_t j = 0; j < w.m->layer(i).params().size(); ++j) p.update[i] += param_seconds[k++];
  const double samples = static_cast<double>(batch) * static_cast<double>(steps);
  std::printf("%s (batch %ld, %d threads): %.0f samples/s, %.3f CPU ms/step\n%s", name, static_cast<long>(batch), bench_threads(),
              samples / seconds, 1e3 * cpu / static_cast<double>(steps),
              train::profile_table(train::profile_json(*w.m, p, o, steps, samples, seconds)).c_str());
}

// Forward + backward only (no optimizer step) of the 784-512-512-10 MLP at batch 128, at
// state.range(0) threads (1 and 2): the per-thread-count view of the same kernels (formerly a
// speed report inside the test suite, tests/test_nets_threads.cpp).
void BM_mlp_forward_backward(benchmark::State& state) {
  omp_set_num_threads(static_cast<int>(state.range(0)));
  auto m = mlp();
  m->build(1);
  const Eigen::Index batch = 128;
  Act<float> x(batch, 784), dz;
  regcheck::sim::Stream s(2, regcheck::sim::stream_id("bench/mlp-forward-backward"), 0);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(s.normal());
  std::vector<int> labels(static_cast<std::size_t>(batch), 3);
  std::uint64_t step = 0;
  for (auto _ : state) {
    m->zero_grad();
    const double loss = softmax_cross_entropy(m->forward(x, {.train = true, .seed = 1, .step = step++}), labels, dz);
    m->backward(dz);
    benchmark::DoNotOptimize(loss);
  }
  state.counters["samples_per_s"] = benchmark::Counter(static_cast<double>(batch), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = static_cast<double>(state.range(0));
}

void BM_mlp(benchmark::State& s) { run(s, mlp(), 128, true, 1.0f); }
void BM_xsinx(benchmark::State& s) { run(s, xsinx(), 20, false, 10.0f); }
void BM_convnet(benchmark::State& s) { run(s, convnet(), 128, true, 1.0f); }

}  // namespace

// Wall-clock time: the work runs on OpenMP threads, so CPU time of the main thread would
// overstate the speed.
BENCHMARK(BM_mlp)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_xsinx)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_mlp_forward_backward)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_convnet)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(2.0);

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "--profile") {
    const long steps = argc >= 3 ? std::atol(argv[2]) : 50;
    if (steps < 1) {
      std::fprintf(stderr, "bench_trainer --profile STEPS: STEPS must be a positive integer, got %s\n", argv[2]);
      return 2;
    }
    profile("mlp", mlp(), 128, true, 1.0f, steps);
    profile("xsinx", xsinx(), 20, false, 10.0f, steps);
    profile("convnet", convnet(), 128, true, 1.0f, steps);
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
