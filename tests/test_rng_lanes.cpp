// Tests of the lanes generator (sim/rng_lanes.hpp): its Philox4x32-10 words against Random123's
// scalar philox4x32 (and Random123's published known-answer vector), the vector draw against the
// one-lane reference transform (bit equality), the Box-Muller transform against libm, normality
// (moments and Kolmogorov-Smirnov, fixed seed, false-failure rates stated), mask frequencies,
// identity across thread counts of the plain-MC estimate that uses it, and, at the end, the
// errors misuse must raise.
#include "claims/dropact/mc_estimate.hpp"
#include "sim/rng_lanes.hpp"

#include <Random123/philox.h>
#include <boost/math/distributions/normal.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <vector>

using namespace regcheck::sim;

namespace {
constexpr double eps = std::numeric_limits<double>::epsilon();
constexpr std::uint64_t kSeed = 20261123;

r123::Philox4x32::ctr_type scalar_block(const LaneStream& s, std::uint32_t block, std::uint32_t sub, std::uint64_t sample) {
  r123::Philox4x32 rng;
  const r123::Philox4x32::ctr_type c = {{block, sub, static_cast<std::uint32_t>(sample), static_cast<std::uint32_t>(sample >> 32)}};
  const r123::Philox4x32::key_type k = {{s.key0(), s.key1()}};
  return rng(c, k);
}
}  // namespace

// Random123's known-answer test for philox4x32-10 (kat_vectors: counter 0, key 0), so the scalar
// reference below is itself the published generator.
TEST(RngLanes, ScalarReferenceIsPublishedPhilox4x32) {
  r123::Philox4x32 rng;
  const r123::Philox4x32::ctr_type r = rng({{0, 0, 0, 0}}, {{0, 0}});
  EXPECT_EQ(r.v[0], 0x6627e8d5u);
  EXPECT_EQ(r.v[1], 0xe169c58du);
  EXPECT_EQ(r.v[2], 0xbc57ac4cu);
  EXPECT_EQ(r.v[3], 0x9b00dbd8u);
}

// Every word of 3 batches (24 blocks) for several samples (including one above 2^32) and
// substreams equals Random123's scalar philox4x32 on the documented counter
// (block, substream, sample low, sample high) and key: bit equality, integer arithmetic.
TEST(RngLanes, BatchWordsEqualScalarPhilox) {
  for (const std::uint64_t sample : {std::uint64_t{0}, std::uint64_t{7}, std::uint64_t{(1ull << 32) + 5}})
    for (const std::uint32_t sub : {0u, 3u}) {
      LaneStream s(kSeed, stream_id("test_rng_lanes"), sample, sub);
      for (int b = 0; b < 3; ++b) {
        std::uint32_t x[4][8];
        s.batch(x[0], x[1], x[2], x[3]);
        for (int l = 0; l < 8; ++l) {
          const auto ref = scalar_block(s, static_cast<std::uint32_t>(8 * b + l), sub, sample);
          for (int i = 0; i < 4; ++i) EXPECT_EQ(x[i][l], ref.v[i]) << "batch " << b << " lane " << l << " word " << i;
        }
      }
    }
}

// draw() (batches computed 1..4 at a time, transformed together) gives exactly what one batch at
// a time and the one-lane reference box_muller give, for counts that end inside a batch.
TEST(RngLanes, DrawEqualsOneLaneReference) {
  for (const auto& [nn, nw] : std::vector<std::pair<int, int>>{{16, 16}, {64, 64}, {5, 0}, {0, 33}, {70, 100}, {3, 1}}) {
    LaneStream s(kSeed, stream_id("test_rng_lanes/draw"), 11);
    std::vector<double> z(static_cast<std::size_t>(nn) + 1, -99.0);
    std::vector<std::uint32_t> w(static_cast<std::size_t>(nw) + 1, 0xdeadbeefu);
    s.draw(z.data(), nn, w.data(), nw);
    EXPECT_EQ(z[static_cast<std::size_t>(nn)], -99.0);  // nothing written past the count
    EXPECT_EQ(w[static_cast<std::size_t>(nw)], 0xdeadbeefu);
    LaneStream r(kSeed, stream_id("test_rng_lanes/draw"), 11);
    const int nb = (nn + 15) / 16, wb = (nw + 31) / 32;
    for (int b = 0; b < nb; ++b) {
      std::uint32_t x[4][8];
      r.batch(x[0], x[1], x[2], x[3]);
      for (int l = 0; l < 8; ++l) {
        double c, sn;
        LaneStream::box_muller(x[0][l], x[1][l], x[2][l], x[3][l], c, sn);
        if (16 * b + l < nn) {
          EXPECT_EQ(z[static_cast<std::size_t>(16 * b + l)], c);
        }
        if (16 * b + 8 + l < nn) {
          EXPECT_EQ(z[static_cast<std::size_t>(16 * b + 8 + l)], sn);
        }
      }
    }
    for (int b = 0; b < wb; ++b) {
      std::uint32_t x[4][8];
      r.batch(x[0], x[1], x[2], x[3]);
      for (int i = 0; i < 4; ++i)
        for (int l = 0; l < 8; ++l)
          if (32 * b + 8 * i + l < nw) {
            EXPECT_EQ(w[static_cast<std::size_t>(32 * b + 8 * i + l)], x[i][l]);
          }
    }
    EXPECT_EQ(s.next_block(), r.next_block());
  }
}

// The branch-free log and sin/cos against libm on the same words: z = r (cos, sin)(theta) with
// r = sqrt(-2 log u1) by std::log/std::sqrt and theta = (pi/2) (q + t) by std::cos/std::sin.
// Tolerance 16 eps max(r, 1) absolute per component: log_lane within 1 ulp, each Taylor series
// a few ulp (11 Horner steps on terms <= 1), the reference's own angle rounding (theta up to 2 pi,
// 2 roundings) and the products by r.
TEST(RngLanes, BoxMullerMatchesLibm) {
  LaneStream s(kSeed, stream_id("test_rng_lanes/libm"), 0);
  double worst = 0;
  for (int b = 0; b < 4096; ++b) {
    std::uint32_t x[4][8];
    s.batch(x[0], x[1], x[2], x[3]);
    for (int l = 0; l < 8; ++l) {
      double c, sn;
      LaneStream::box_muller(x[0][l], x[1][l], x[2][l], x[3][l], c, sn);
      const std::uint64_t a = (static_cast<std::uint64_t>(x[1][l]) << 32) | x[0][l];
      const std::uint64_t bb = (static_cast<std::uint64_t>(x[3][l]) << 32) | x[2][l];
      const double u1 = static_cast<double>((a >> 11) + 1) * 0x1p-53;
      const double r = std::sqrt(-2.0 * std::log(u1));
      const double t = (static_cast<double>((bb >> 10) & 0x000fffffffffffffull) + 0.5) * 0x1p-52;
      const double theta = (std::numbers::pi / 2) * (static_cast<double>(bb >> 62) + t);
      const double scale = std::max(r, 1.0);
      worst = std::max({worst, std::abs(c - r * std::cos(theta)) / scale, std::abs(sn - r * std::sin(theta)) / scale});
    }
  }
  EXPECT_LE(worst, 16 * eps) << worst / eps << " eps";
  // log_lane against std::log over u1 = 2^-53 .. 1 (relative, 2 ulp: fdlibm's bound is < 1 ulp).
  for (int e = 0; e <= 53; ++e)
    for (int k = 1; k <= 64; ++k) {
      const double u = std::ldexp(0.5 + k / 128.0, -e);
      if (u > 1.0 || u < 0x1p-53) continue;
      const double ref = std::log(u);
      EXPECT_LE(std::abs(lanes_detail::log_lane(u) - ref), 2 * eps * std::abs(ref)) << u;
    }
}

// Normality of 2^20 draws (fixed seed): the sample moments E z, E z^2, E z^3, E z^4 against 0, 1,
// 0, 3 with z statistics (standard errors sqrt(1/n), sqrt(2/n), sqrt(15/n), sqrt(96/n): the
// variances of z, z^2, z^3, z^4 under N(0, 1)); each rejects at |z| > 6.11 (two-sided 1e-9), so
// a correct generator fails this test with probability <= 4e-9.
TEST(RngLanes, MomentsAreStandardNormal) {
  const int n = 1 << 20;
  std::vector<double> z(n);
  LaneStream s(kSeed, stream_id("test_rng_lanes/moments"), 0);
  s.normal(z.data(), n);
  double m[4] = {0, 0, 0, 0};
  for (double v : z) m[0] += v, m[1] += v * v, m[2] += v * v * v, m[3] += v * v * v * v;
  const double expect[4] = {0, 1, 0, 3}, var[4] = {1, 2, 15, 96};
  for (int k = 0; k < 4; ++k) {
    const double stat = (m[k] / n - expect[k]) / std::sqrt(var[k] / n);
    EXPECT_LT(std::abs(stat), 6.11) << "moment " << k + 1 << ": " << m[k] / n;
  }
}

// Kolmogorov-Smirnov against Phi (Boost.Math) on 2^16 draws from 64 samples' streams: reject at
// D > sqrt(ln(2 / alpha) / (2 n)) with alpha = 1e-6 (the DKW bound: false-failure rate <= 1e-6).
TEST(RngLanes, KolmogorovSmirnov) {
  std::vector<double> z;
  for (std::uint64_t i = 0; i < 64; ++i) {
    std::vector<double> part(1024);
    LaneStream s(kSeed, stream_id("test_rng_lanes/ks"), i);
    s.normal(part.data(), 1024);
    z.insert(z.end(), part.begin(), part.end());
  }
  std::sort(z.begin(), z.end());
  const boost::math::normal_distribution<double> nd;
  const double n = static_cast<double>(z.size());
  double d = 0;
  for (std::size_t i = 0; i < z.size(); ++i) {
    const double f = boost::math::cdf(nd, z[i]);
    d = std::max({d, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  EXPECT_LT(d, std::sqrt(std::log(2.0 / 1e-6) / (2.0 * n)));
}

// Mask words: the frequency of word < round(0.8 2^32) over 2^20 words against 0.8 (binomial z,
// reject at |z| > 6.11: false-failure rate 1e-9); and lanes with different streams differ.
TEST(RngLanes, WordsGiveBernoulliFrequencies) {
  const int n = 1 << 20;
  std::vector<std::uint32_t> w(n);
  LaneStream s(kSeed, stream_id("test_rng_lanes/words"), 0);
  s.u32(w.data(), n);
  const std::uint64_t keep = regcheck::claims::dropact_mc::bernoulli_threshold(0.8);
  const double p = static_cast<double>(keep) * 0x1p-32;
  double hits = 0;
  for (std::uint32_t v : w) hits += v < keep ? 1.0 : 0.0;
  EXPECT_LT(std::abs(hits / n - p) / std::sqrt(p * (1 - p) / n), 6.11);
  LaneStream a(kSeed, stream_id("test_rng_lanes/words"), 0), b(kSeed, stream_id("test_rng_lanes/other"), 0);
  std::uint32_t wa[32], wb[32];
  a.u32(wa, 32);
  b.u32(wb, 32);
  EXPECT_FALSE(std::equal(wa, wa + 32, wb));
}

// The plain-MC shift-ratio estimate on the lanes generator is a pure function of (seed, stream,
// sample index): bit-identical moments for 1 and 2 threads; and its ratio agrees with eq. (15)
// (theory 0.93772 at p = 0.95) within 6.11 standard errors (false-failure rate ~1e-9).
TEST(RngLanes, PlainEstimateIdenticalForOneAndTwoThreads) {
  namespace mc = regcheck::claims::dropact_mc;
  const std::vector<double> w = {0.5, -1.0, 2.0, 0.25, 1.5, -0.75, 1.0, 0.125, 0.5, 1.0, -0.5, 0.75, 2.0, 1.25, -1.5, 0.5};
  double sum_w = 0;
  for (double v : w) sum_w += v;
  const double mu = 0.95 * sum_w / std::sqrt(2.0 * std::numbers::pi);
  McOptions one{kSeed, 1, 4096}, two{kSeed, 2, 4096};
  const auto a = mc::ratio_moments(mc::Method::DropActivation, w, 0.95, mu, mu, stream_id("test_rng_lanes/threads"), 0,
                                   1 << 16, one, mc::Generator::Lanes);
  const auto b = mc::ratio_moments(mc::Method::DropActivation, w, 0.95, mu, mu, stream_id("test_rng_lanes/threads"), 0,
                                   1 << 16, two, mc::Generator::Lanes);
  for (int k = 0; k < 4; ++k) EXPECT_EQ(a.mean()(k), b.mean()(k));
  EXPECT_EQ(a.covariance(), b.covariance());
  const mc::RatioEstimate e = mc::ratio_from(a);
  const double theory = ((0.5 - 0.5 / std::numbers::pi) * 0.95 * 0.95 - 0.95 + 1.0) /
                        (1.0 - 0.5 * 0.95 - 0.95 * 0.95 / (2.0 * std::numbers::pi));  // eq. (15) by hand
  EXPECT_LT(std::abs(e.ratio - theory), 6.11 * e.se);
}

// Errors that must be raised.
TEST(RngLanes, Errors) {
  LaneStream s(kSeed, 1, 0);
  double z[16];
  std::uint32_t w[32];
  EXPECT_THROW(s.draw(z, -1, w, 0), std::invalid_argument);
  EXPECT_THROW(s.draw(z, 0, w, -3), std::invalid_argument);
  EXPECT_THROW(s.draw(nullptr, 4, w, 0), std::invalid_argument);
  EXPECT_THROW(s.draw(z, 0, nullptr, 4), std::invalid_argument);
  namespace mc = regcheck::claims::dropact_mc;
  EXPECT_THROW(mc::ratio_moments(mc::Method::Dropout, {1.0}, 0.5, 0, 0, 1, 0, 10, McOptions{}, mc::Generator::Lanes),
               std::invalid_argument);
}
