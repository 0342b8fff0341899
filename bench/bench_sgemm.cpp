// GFLOP/s of the dense layers' GEMMs: Eigen exactly as nets/layers/dense.hpp runs them (fixed
// output tiles, single-threaded Eigen per tile, OpenMP over tiles; see nets/parallel.hpp) against
// OpenBLAS's cblas_sgemm on the same memory layouts, at 1 and 2 threads.
//
// OpenBLAS is loaded at run time with dlopen("libopenblas.so.0") (the build does not link a BLAS),
// so the OpenBLAS rows are skipped with a message when the library is absent.
//
// Shapes, for a dense layer with batch B, I inputs, O outputs (x row-major B x I, W column-major
// O x I, as the layer stores them):
//   fwd: y  = x W^T    (B x O, k = I)
//   dW:  dW = dy^T x   (O x I, k = B)
//   dx:  dx = dy W     (B x I, k = O)
// for the MLP's layers 784->512, 512->512, 512->10 at B = 128 and the x sin x net's 1000->800 at
// B = 20. Counter GFLOPs = 2 M N K per iteration / second / 1e9.
// Also OpenBLAS alone on a square 1024^3 product at 1 and 2 threads: the machine's sgemm peak,
// the denominator of bench/vs-pytorch's roofline fractions.
#include "nets/parallel.hpp"
#include "nets/tensor.hpp"

#include <benchmark/benchmark.h>
#include <dlfcn.h>
#include <fmt/format.h>
#include <omp.h>

#include <cstdio>

namespace {

using namespace regcheck::nets;
using RowMat = Act<float>;
using ColMat = Mat<float>;

// CBLAS enums (values fixed by the CBLAS standard).
enum { kRowMajor = 101, kNoTrans = 111, kTrans = 112 };
using SgemmFn = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*, int);
using SetThreadsFn = void (*)(int);

struct OpenBlas {
  SgemmFn sgemm = nullptr;
  SetThreadsFn set_threads = nullptr;
  OpenBlas() {
    void* h = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      std::fprintf(stderr, "bench_sgemm: libopenblas.so.0 not loadable (%s); OpenBLAS rows skipped\n", dlerror());
      return;
    }
    sgemm = reinterpret_cast<SgemmFn>(dlsym(h, "cblas_sgemm"));
    set_threads = reinterpret_cast<SetThreadsFn>(dlsym(h, "openblas_set_num_threads"));
  }
};
const OpenBlas& openblas() {
  static const OpenBlas b;
  return b;
}

enum Op { Fwd = 0, DW = 1, DX = 2 };
const char* op_name(int op) { return op == Fwd ? "fwd" : op == DW ? "dW" : "dx"; }

struct Operands {
  RowMat x, dy, y, dx;
  ColMat W, dW;
  Operands(Eigen::Index B, Eigen::Index I, Eigen::Index O)
      : x(RowMat::Random(B, I)), dy(RowMat::Random(B, O)), y(B, O), dx(B, I), W(ColMat::Random(O, I)), dW(ColMat::Zero(O, I)) {}
};

double flops(int op, Eigen::Index B, Eigen::Index I, Eigen::Index O) { return 2.0 * B * I * O; }

void eigen_tiled(benchmark::State& st) {
  const Eigen::Index B = st.range(0), I = st.range(1), O = st.range(2);
  const int op = static_cast<int>(st.range(3)), threads = static_cast<int>(st.range(4));
  omp_set_num_threads(threads);
  Operands m(B, I, O);
  for (auto _ : st) {
    if (op == Fwd) {
      for_tiles(B, O, I, [&](Eigen::Index r0, Eigen::Index rn, Eigen::Index c0, Eigen::Index cn) {
        m.y.block(r0, c0, rn, cn).noalias() = m.x.middleRows(r0, rn) * m.W.middleRows(c0, cn).transpose();
      });
    } else if (op == DW) {
      for_tiles(O, I, B, [&](Eigen::Index r0, Eigen::Index rn, Eigen::Index c0, Eigen::Index cn) {
        m.dW.block(r0, c0, rn, cn).noalias() = m.dy.middleCols(r0, rn).transpose() * m.x.middleCols(c0, cn);
      });
    } else {
      for_tiles(B, I, O, [&](Eigen::Index r0, Eigen::Index rn, Eigen::Index c0, Eigen::Index cn) {
        m.dx.block(r0, c0, rn, cn).noalias() = m.dy.middleRows(r0, rn) * m.W.middleCols(c0, cn);
      });
    }
    benchmark::ClobberMemory();
  }
  st.counters["GFLOPs"] = benchmark::Counter(flops(op, B, I, O) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  st.SetLabel(fmt::format("{} B={} I={} O={} threads={}", op_name(op), B, I, O, threads));
}

void openblas_sgemm(benchmark::State& st) {
  const Eigen::Index B = st.range(0), I = st.range(1), O = st.range(2);
  const int op = static_cast<int>(st.range(3)), threads = static_cast<int>(st.range(4));
  const OpenBlas& ob = openblas();
  if (!ob.sgemm) {
    st.SkipWithError("libopenblas.so.0 not available");
    return;
  }
  if (ob.set_threads) ob.set_threads(threads);
  Operands m(B, I, O);
  const int b = static_cast<int>(B), i = static_cast<int>(I), o = static_cast<int>(O);
  // W column-major O x I is the same memory as the row-major I x O matrix W^T (leading dim O);
  // dW column-major O x I is the row-major I x O matrix dW^T.
  for (auto _ : st) {
    if (op == Fwd)  // y (B x O) = x (B x I) * W^T (I x O)
      ob.sgemm(kRowMajor, kNoTrans, kNoTrans, b, o, i, 1.0f, m.x.data(), i, m.W.data(), o, 0.0f, m.y.data(), o);
    else if (op == DW)  // dW^T (I x O) = x^T (I x B) * dy (B x O)
      ob.sgemm(kRowMajor, kTrans, kNoTrans, i, o, b, 1.0f, m.x.data(), i, m.dy.data(), o, 0.0f, m.dW.data(), o);
    else  // dx (B x I) = dy (B x O) * W (O x I) = dy * (W^T)^T
      ob.sgemm(kRowMajor, kNoTrans, kTrans, b, i, o, 1.0f, m.dy.data(), o, m.W.data(), o, 0.0f, m.dx.data(), i);
    benchmark::ClobberMemory();
  }
  st.counters["GFLOPs"] = benchmark::Counter(flops(op, B, I, O) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  st.SetLabel(fmt::format("{} B={} I={} O={} threads={}", op_name(op), B, I, O, threads));
}

void shapes(benchmark::internal::Benchmark* b) {
  for (auto [B, I, O] : {std::tuple{128, 784, 512}, std::tuple{128, 512, 512}, std::tuple{128, 512, 10}, std::tuple{20, 1000, 800}})
    for (int op : {Fwd, DW, DX})
      for (int t : {1, 2}) b->Args({B, I, O, op, t});
  b->ArgNames({"B", "I", "O", "op", "threads"})->UseRealTime()->MinTime(0.3);
}

}  // namespace

BENCHMARK(eigen_tiled)->Apply(shapes);
BENCHMARK(openblas_sgemm)->Apply(shapes);
BENCHMARK(openblas_sgemm)
    ->Name("openblas_sgemm_square")
    ->Args({1024, 1024, 1024, Fwd, 1})
    ->Args({1024, 1024, 1024, Fwd, 2})
    ->ArgNames({"B", "I", "O", "op", "threads"})
    ->UseRealTime()
    ->MinTime(0.5);
BENCHMARK_MAIN();
