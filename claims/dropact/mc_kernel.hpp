#pragma once
// Monte Carlo kernels of Section 5.2 (Drop-Activation, eqs. 13-14, and the dropout comparator):
// one sample = one draw of x[1..d] ~ N(0, 1) iid and of the masks, returning (X_train, X_test)
// computed on the SAME x (common random numbers: the variance ratio's estimator then has a
// smaller variance; the delta method with the full covariance accounts for the correlation).
//
// Speed (bench/bench_mc.cpp): every number comes from the sample's own sim::Stream, so results
// stay a pure function of (seed, stream, sample index); no allocation per sample.
//  - Normals: Boost.Random's ziggurat (unit_normal_distribution, 128 layers) on sim::Stream's
//    64-bit words: one Philox word per normal in ~99% of draws, instead of Box-Muller's two
//    uniforms plus log, sqrt, sin, cos.
//  - Masks: two Bernoulli draws per 64-bit word (32 bits each, see bernoulli_threshold), drawn
//    for every coordinate in a separate loop; the arithmetic is then branch free.
#include "sim/rng.hpp"
#include "sim/rng_lanes.hpp"

#include <boost/random/normal_distribution.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

namespace regcheck::claims::dropact_mc {

// sim::Stream as a Boost/standard uniform random bit generator (64-bit words).
struct StreamBits {
  using result_type = std::uint64_t;
  sim::Stream* s;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
  result_type operator()() { return s->next_u64(); }
};

// Bernoulli(p) from 32 random bits: draw is 1 iff bits < round(p 2^32), so the probability is
// round(p 2^32) / 2^32, within 2^-33 (1.2e-10) of p: far below any detectable deviation of the
// checks (~1e-3), and it lets one 64-bit word serve two coordinates. p = 1 gives 2^32: always 1.
inline std::uint64_t bernoulli_threshold(double p) {
  return static_cast<std::uint64_t>(std::llround(p * 4294967296.0));  // p * 2^32
}

struct TrainTest {
  double train = 0, test = 0;
};

namespace detail {
// Fills x[0..n) with N(0, 1) draws and keep[0..n) with Bernoulli(p) masks (1.0 or 0.0), n <= 64.
// The two loops are separate so that the ziggurat loop is predictable and the arithmetic that
// follows is branch free (x's sign is a coin flip: a branch on it mispredicts half the time).
inline void draw_block(sim::Stream& s, int n, std::uint64_t keep, double* x, double* mask) {
  StreamBits bits{&s};
  boost::random::detail::unit_normal_distribution<double> normal;
  for (int j = 0; j < n; ++j) x[j] = normal(bits);
  for (int j = 0; j < n; j += 2) {
    const std::uint64_t u = s.next_u64();
    mask[j] = (u & 0xffffffffu) < keep ? 1.0 : 0.0;
    mask[j + 1] = (u >> 32) < keep ? 1.0 : 0.0;  // slot n may be written: buffers hold 64 + 1
  }
}
}  // namespace detail

// Drop-Activation, eqs. (13), (14): X_train = sum_j w_j ((1 - P_j) x_j + P_j r(x_j)),
// X_test = sum_j w_j ((1 - p) x_j + p r(x_j)); keep = bernoulli_threshold(p).
inline TrainTest dropact_sample(sim::Stream& s, const double* w, int d, double p, std::uint64_t keep) {
  double x[65], P[65];
  double train = 0, test = 0;
  for (int j0 = 0; j0 < d; j0 += 64) {
    const int n = d - j0 < 64 ? d - j0 : 64;
    detail::draw_block(s, n, keep, x, P);
    for (int j = 0; j < n; ++j) {
      const double xj = x[j], r = xj > 0.0 ? xj : 0.0;
      train += w[j0 + j] * ((1.0 - P[j]) * xj + P[j] * r);  // eq. (13), exact for P in {0, 1}
      test += w[j0 + j] * ((1.0 - p) * xj + p * r);          // eq. (14)
    }
  }
  return {train, test};
}

// The same sample as dropact_sample on the lanes generator (sim/rng_lanes.hpp: Philox4x32-10 on 8
// counters at once, Box-Muller on the lanes): per block of <= 64 coordinates, one draw of n
// normals then n 32-bit mask words (Bernoulli(p) iff word < keep, keep = bernoulli_threshold(p)). A different
// stream of numbers than dropact_sample's, equally a pure function of (seed, stream, sample index).
// The sums run in 8 partial accumulators (coordinate j into accumulator j mod 8, added up in a
// fixed order at the end): a single running sum is a chain of d dependent additions (4 cycles
// each), the 8 chains vectorize. The order is fixed, so the result is still a pure function of
// the sample's numbers.
inline TrainTest dropact_sample_lanes(sim::LaneStream& s, const double* w, int d, double p, std::uint64_t keep) {
  double x[64];
  std::uint32_t u[64];
  double tr[8] = {0, 0, 0, 0, 0, 0, 0, 0}, te[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  const auto add = [&](int l, double wj, double xj, std::uint32_t uj) {
    const double r = xj > 0.0 ? xj : 0.0;
    const double P = uj < keep ? 1.0 : 0.0;
    tr[l] += wj * ((1.0 - P) * xj + P * r);  // eq. (13), exact for P in {0, 1}
    te[l] += wj * ((1.0 - p) * xj + p * r);  // eq. (14)
  };
  for (int j0 = 0; j0 < d; j0 += 64) {
    const int n = d - j0 < 64 ? d - j0 : 64;
    s.draw(x, n, u, n);
    int j = 0;
    for (; j + 8 <= n; j += 8)
      for (int l = 0; l < 8; ++l) add(l, w[j0 + j + l], x[j + l], u[j + l]);
    for (int l = 0; j + l < n; ++l) add(l, w[j0 + j + l], x[j + l], u[j + l]);
  }
  const double train = ((tr[0] + tr[1]) + (tr[2] + tr[3])) + ((tr[4] + tr[5]) + (tr[6] + tr[7]));
  const double test = ((te[0] + te[1]) + (te[2] + te[3])) + ((te[4] + te[5]) + (te[6] + te[7]));
  return {train, test};
}

// Inverted dropout after a ReLU (comparator, ref. [12]): X_train = sum_j w_j r(x_j) M_j / p,
// X_test = sum_j w_j r(x_j), M_j ~ B(p); keep = bernoulli_threshold(p), p > 0.
inline TrainTest dropout_sample(sim::Stream& s, const double* w, int d, double p, std::uint64_t keep) {
  double x[65], M[65];
  const double inv_p = 1.0 / p;
  double train = 0, test = 0;
  for (int j0 = 0; j0 < d; j0 += 64) {
    const int n = d - j0 < 64 ? d - j0 : 64;
    detail::draw_block(s, n, keep, x, M);
    for (int j = 0; j < n; ++j) {
      const double r = x[j] > 0.0 ? x[j] : 0.0;
      test += w[j0 + j] * r;
      train += w[j0 + j] * (r * M[j] * inv_p);
    }
  }
  return {train, test};
}

}  // namespace regcheck::claims::dropact_mc
