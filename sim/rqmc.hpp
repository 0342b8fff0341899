#pragma once
// Randomized quasi-Monte Carlo (RQMC) with confidence intervals from independent randomizations.
//
// Points: the first N = 2^m points of the Sobol' sequence in dimension s (direction numbers from
// Boost.Random's sobol, boost/random/sobol.hpp), each coordinate passed through a nested
// (Owen-type) scramble keyed by (seed, stream, replicate, dimension): the hash-based scramble of
// Burley, "Practical Hash-based Owen Scrambling", JCGT 9(4), 2020 (reverse the bits, apply the
// Laine-Karras permutation, reverse back). In the reversed order each step changes a bit only as
// a function of the bits below it, so digit k of the result depends on digits 1..k of the input:
// a nested permutation, which keeps the (t, m, s)-net structure (in every coordinate the N points
// still fall one per interval [k/N, (k+1)/N)). The key is added first, so for a uniformly random
// key every scrambled coordinate is a bijection of a uniform 32-bit word, hence uniform: every
// point is uniform on the grid, and each replicate mean is an UNBIASED estimate of the integral.
// The 32 scrambled digits are completed by 32 pseudo-random low digits (a hash of the point and
// key) and the midpoint 2^-65: u lies in (0, 1), never 0 or 1, and the discretisation changes an
// integral by at most ~2^-64 times the integrand's size near the ends (unbounded integrands like
// Phi^{-1}(u) included: |Phi^{-1}(2^-64)| < 10), far below any resolution the checks ask for.
//
// Confidence intervals: the R replicate means are i.i.d. (independent keys), so the Student-t
// test of sim/mean_test.hpp applied to the R values (R - 1 degrees of freedom) is the usual RQMC
// interval (L'Ecuyer, "Randomized quasi-Monte Carlo: an introduction for practitioners", 2018).
// It assumes the replicate mean is close to normal, which holds for the sums of N >= 2^10 terms
// used here (each replicate mean is a sum of many weakly dependent terms); tests/test_rqmc.cpp
// checks the coverage on integrals with known values.
//
// Determinism: the points of a replicate are summed in fixed blocks of `block` consecutive
// indices, blocks in index order; replicates and blocks run in parallel (OpenMP) but the
// summation order never depends on the thread count: bit-identical for any number of threads.
#include "sim/monte_carlo.hpp"
#include "sim/rng.hpp"
#include "sim/welford.hpp"

#include <Eigen/Core>
#include <boost/random/sobol.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

namespace regcheck::sim {

struct RqmcOptions {
  int log2_points = 14;  // N = 2^m points per replicate, 10 <= m <= 30
  int replicates = 32;   // R independent scramblings, R >= 8
};

namespace rqmc_detail {
inline std::uint32_t reverse_bits(std::uint32_t x) {
  x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
  x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
  x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
  x = ((x >> 8) & 0x00ff00ffu) | ((x & 0x00ff00ffu) << 8);
  return (x >> 16) | (x << 16);
}
// Laine-Karras permutation with Burley's constants (all even: x ^= x * c is then a bijection in
// which bit k depends only on bits <= k).
inline std::uint32_t laine_karras(std::uint32_t x, std::uint32_t key) {
  x += key;
  x ^= x * 0x6c50b47cu;
  x ^= x * 0xb82f1e52u;
  x ^= x * 0xc7afe638u;
  x ^= x * 0x8d22f6e6u;
  return x;
}
// splitmix64 finaliser: the pseudo-random low digits.
inline std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
}  // namespace rqmc_detail

// Nested scramble of a 32-digit coordinate (most significant digit first) with key `key`.
inline std::uint32_t owen_scramble(std::uint32_t v, std::uint32_t key) {
  using namespace rqmc_detail;
  return reverse_bits(laine_karras(reverse_bits(v), key));
}

// Phi^{-1}(u) for u in (0, 1): Wichura's algorithm AS 241 (PPND16), Applied Statistics 37(3),
// 1988, 477-484: rational approximations with relative error about 1e-16 (tests/test_rqmc.cpp
// compares it with Boost.Math's quantile over (2^-60, 1 - 2^-53)). About 3x faster than
// erfc^{-1}, which matters here: one call per coordinate of every point. The tail branch uses
// 1 - u, exact for u >= 1/2 (Sterbenz), so the upper tail keeps u's own precision.
inline double normal_from_uniform(double u) {
  const double q = u - 0.5;
  if (std::abs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q *
           (((((((2.5090809287301226727e3 * r + 3.3430575583588128105e4) * r + 6.7265770927008700853e4) * r +
                4.5921953931549871457e4) * r + 1.3731693765509461125e4) * r + 1.9715909503065514427e3) * r +
             1.3314166789178437745e2) * r + 3.3871328727963666080e0) /
           (((((((5.2264952788528545610e3 * r + 2.8729085735721942674e4) * r + 3.9307895800092710610e4) * r +
                2.1213794301586595867e4) * r + 5.3941960214247511077e3) * r + 6.8718700749205790830e2) * r +
             4.2313330701600911252e1) * r + 1.0);
  }
  double r = std::sqrt(-std::log(q < 0 ? u : 1.0 - u));
  double z;
  if (r <= 5.0) {
    r -= 1.6;
    z = (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r + 2.41780725177450611770e-1) * r +
             1.27045825245236838258e0) * r + 3.64784832476320460504e0) * r + 5.76949722146069140550e0) * r +
          4.63033784615654529590e0) * r + 1.42343711074968357734e0) /
        (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r + 1.51986665636164571966e-2) * r +
             1.48103976427480074590e-1) * r + 6.89767334985100004550e-1) * r + 1.67638483018380384940e0) * r +
          2.05319162663775882187e0) * r + 1.0);
  } else {
    r -= 5.0;
    z = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.24266094738807843860e-3) * r +
             2.65321895265761230930e-2) * r + 2.96560571828504891230e-1) * r + 1.78482653991729133580e0) * r +
          5.46378491116411436990e0) * r + 6.65790464350110377720e0) /
        (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r + 1.84631831751005468180e-5) * r +
             7.86869131145613259100e-4) * r + 1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r +
          5.99832206555887937690e-1) * r + 1.0);
  }
  return q < 0 ? -z : z;
}

// The R replicate means of f over the scrambled points. f(const double* u) gets a point of
// [0, 1)^dim and returns Eigen::Matrix<double, K, 1>. Stream `stream` (sim::stream_id of a name)
// and opt.seed key the scrambles; replicate r is an independent randomization.
template <int K, class F>
std::vector<Eigen::Matrix<double, K, 1>> rqmc_replicates(std::uint64_t stream, int dim, const RqmcOptions& ro,
                                                         const McOptions& opt, F&& f) {
  using V = Eigen::Matrix<double, K, 1>;
  if (dim < 1 || dim > 1000) throw std::invalid_argument("rqmc_replicates: dim must be in 1..1000, got " + std::to_string(dim));
  if (ro.log2_points < 10 || ro.log2_points > 30)
    throw std::invalid_argument("rqmc_replicates: log2_points must be in 10..30, got " + std::to_string(ro.log2_points));
  if (ro.replicates < 8) throw std::invalid_argument("rqmc_replicates: replicates must be >= 8, got " + std::to_string(ro.replicates));
  if (opt.threads < 1) throw std::invalid_argument("McOptions.threads must be >= 1, got " + std::to_string(opt.threads));
  const std::uint64_t n = std::uint64_t{1} << ro.log2_points;
  const std::uint64_t block = 4096;  // fixed: part of the result (summation order)
  const std::uint64_t blocks = (n + block - 1) / block;
  const auto R = static_cast<std::uint64_t>(ro.replicates);
  // Keys: one 32-bit scramble key and one 64-bit low-digit key per (replicate, dimension).
  std::vector<std::uint32_t> key(R * static_cast<std::uint64_t>(dim));
  std::vector<std::uint64_t> low(key.size());
  for (std::uint64_t r = 0; r < R; ++r) {
    Stream s(opt.seed, stream, r, 0x5eed);
    for (int j = 0; j < dim; ++j) {
      const std::uint64_t w = s.next_u64();
      key[r * dim + j] = static_cast<std::uint32_t>(w >> 32);
      low[r * dim + j] = s.next_u64();
    }
  }
  // Direction numbers v[k][j] (bit k of the index, dimension j) from Boost.Random's Sobol' lattice
  // (Joe-Kuo initial values); point i is the XOR of v[k] over the set bits k of gray(i) =
  // i ^ (i >> 1), walked by one XOR per point. gray is a bijection of [0, 2^m), so the N points of
  // a replicate are exactly the first N Sobol' points (a (t, m, s)-net), in Gray-code order.
  const boost::random::qrng_detail::sobol_lattice<std::uint32_t, 32, boost::random::default_sobol_table> lattice(
      static_cast<std::size_t>(dim));
  std::vector<std::uint32_t> dirs(32 * static_cast<std::size_t>(dim));
  for (std::size_t k = 0; k < dirs.size(); ++k) dirs[k] = *lattice.iter_at(k);
  std::vector<V> partial(R * blocks, V::Zero());
#pragma omp parallel for schedule(dynamic, 1) num_threads(opt.threads)
  for (std::int64_t t = 0; t < static_cast<std::int64_t>(R * blocks); ++t) {
    const std::uint64_t r = static_cast<std::uint64_t>(t) / blocks, b = static_cast<std::uint64_t>(t) % blocks;
    const std::uint64_t lo = b * block, hi = std::min(n, lo + block);
    std::vector<std::uint32_t> x(static_cast<std::size_t>(dim), 0u);
    const std::uint64_t g = lo ^ (lo >> 1);
    for (int k = 0; k < 32; ++k)
      if ((g >> k) & 1u)
        for (int j = 0; j < dim; ++j) x[static_cast<std::size_t>(j)] ^= dirs[static_cast<std::size_t>(k * dim + j)];
    std::vector<double> u(static_cast<std::size_t>(dim));
    const std::uint32_t* kr = key.data() + r * dim;
    const std::uint64_t* lr = low.data() + r * dim;
    V acc = V::Zero();
    for (std::uint64_t i = lo; i < hi; ++i) {
      for (int j = 0; j < dim; ++j) {
        const std::uint32_t hi32 = owen_scramble(x[static_cast<std::size_t>(j)], kr[j]);
        const std::uint64_t lo32 = rqmc_detail::mix64(lr[j] ^ (static_cast<std::uint64_t>(hi32) * 0x9e3779b97f4a7c15ull)) >> 32;
        // (64-bit integer + 1/2) / 2^64: in (0, 1).
        u[static_cast<std::size_t>(j)] =
            (static_cast<double>(hi32) + (static_cast<double>(lo32) + 0.5) * 0x1p-32) * 0x1p-32;
      }
      acc += f(static_cast<const double*>(u.data()));
      // Gray-code step to point i + 1: flip the direction of the lowest zero bit of i.
      const int c = std::countr_one(i);
      if (c < 32)
        for (int j = 0; j < dim; ++j) x[static_cast<std::size_t>(j)] ^= dirs[static_cast<std::size_t>(c * dim + j)];
    }
    partial[static_cast<std::size_t>(t)] = acc;
  }
  std::vector<V> out(R);
  for (std::uint64_t r = 0; r < R; ++r) {
    V s = V::Zero();
    for (std::uint64_t b = 0; b < blocks; ++b) s += partial[static_cast<std::size_t>(r * blocks + b)];
    out[r] = s / static_cast<double>(n);
  }
  return out;
}

// Component k of the replicate means as a Welford accumulator (for sim::test_mean: Student t with
// R - 1 degrees of freedom).
template <int K>
Welford replicate_welford(const std::vector<Eigen::Matrix<double, K, 1>>& reps, int k) {
  Welford w;
  for (const auto& v : reps) w.add(v(k));
  return w;
}

}  // namespace regcheck::sim
