#pragma once
// Deterministic parallel loops and GEMM tiling.
//
// Results must be bit-identical for 1 or 2 threads. Eigen's own OpenMP GEMM chooses its cache
// blocking (and so the order of the k-reduction) from the number of threads, so we never let
// Eigen parallelize: every product runs single-threaded on a tile of the output whose bounds
// depend on the matrix shape only, and OpenMP merely distributes the tiles. A tile's result is
// then the same whichever thread computes it. Reductions across the batch (bias and conv
// weight gradients, batch-norm statistics) are done in a fixed order, never per thread.
#include <Eigen/Core>
#include <omp.h>

#include <algorithm>

namespace regcheck::nets {

// Eigen's GEMM must stay single-threaded (see above). Called before every tiled product:
// setNbThreads only stores an int, so this is free.
inline void eigen_single_thread() { Eigen::setNbThreads(1); }

// Split n into ceil(n / target) nearly equal pieces; piece i is [begin(i), begin(i + 1)).
struct Split {
  Eigen::Index n, pieces;
  Split(Eigen::Index n_, Eigen::Index target) : n(n_), pieces(std::max<Eigen::Index>(1, (n_ + target - 1) / target)) {}
  Eigen::Index begin(Eigen::Index i) const { return n * i / pieces; }
  Eigen::Index size(Eigen::Index i) const { return begin(i + 1) - begin(i); }
};

// Runs f(r0, rn, c0, cn) over the tiles of an M x N output of a product with inner dimension
// K. Tile targets (64 rows, 128 cols) keep the packing overhead of the repeated operand small
// (about nt/N + mt/M of the work) while giving two threads enough tiles to balance.
// Products under kParallelMinMNK multiply-adds run on the calling thread: waking the OpenMP team
// costs 40-50 microseconds under OMP_WAIT_POLICY=passive (bench_sgemm: the MLP's 512 -> 10
// product, 0.66 M multiply-adds, took 34 us on one thread and 83 us on two), more than such a
// product takes (the x sin x net's 1 -> 1000 and 200 -> 1 layers spent 0.27 ms of a 2.5 ms step
// there: issue 13 profile). 2^21 multiply-adds take about 40 us on one core here. The tiles and
// so the result are the same either way.
inline constexpr Eigen::Index kParallelMinMNK = Eigen::Index(1) << 21;
template <class F>
void for_tiles(Eigen::Index M, Eigen::Index N, Eigen::Index K, F&& f) {
  eigen_single_thread();
  const Split rs(M, 64), cs(N, 128);
  const Eigen::Index tiles = rs.pieces * cs.pieces;
#pragma omp parallel for schedule(static) if (tiles > 1 && M * N * K >= kParallelMinMNK)
  for (Eigen::Index t = 0; t < tiles; ++t) {
    const Eigen::Index i = t / cs.pieces, j = t % cs.pieces;
    f(rs.begin(i), rs.size(i), cs.begin(j), cs.size(j));
  }
}

// Runs f(i) for i in [0, n) in parallel; f must write disjoint outputs.
template <class F>
void for_each_index(Eigen::Index n, F&& f) {
  eigen_single_thread();
#pragma omp parallel for schedule(static) if (n > 1)
  for (Eigen::Index i = 0; i < n; ++i) f(i);
}

}  // namespace regcheck::nets

namespace regcheck::nets {

// Runs f(n) for every row n of an N x F elementwise operation; in parallel only when the work
// is large enough to pay for waking the threads (the result is the same either way).
template <class F>
void for_rows(Eigen::Index N, Eigen::Index features, F&& f) {
#pragma omp parallel for schedule(static) if (N > 1 && N * features >= 32768)
  for (Eigen::Index n = 0; n < N; ++n) f(n);
}

}  // namespace regcheck::nets
