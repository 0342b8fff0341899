#pragma once
// A faster generator path for plain Monte Carlo kernels: Random123's Philox4x32-10 evaluated on
// 8 counters at once (structure of arrays, plain loops over the 8 lanes that GCC vectorizes:
// 32x32 -> 64-bit multiplies become vpmuludq on AVX2 / AVX-512 with -march=native, and SSE2
// otherwise), and standard normals by Box-Muller on the lanes with a branch-free log and
// sin/cos written here (libm's scalar calls would stop the vectorization).
//
// Stream design (documented distinct from sim::Stream, still a pure function of
// (seed, stream, sample index, substream, draw position)):
//  - key (2 x 32 bits) = splitmix64(seed ^ splitmix64(stream)): Philox4x32's key holds 64 bits,
//    less than (seed, stream); two different (seed, stream) pairs share a key with probability
//    2^-64 per pair (the hash is a bijection of a 64-bit value, so for a FIXED seed distinct
//    stream ids never collide: splitmix64 is a bijection and x -> seed ^ x too).
//  - counter of block b = (b, substream, low 32 bits of sample, high 32 bits of sample).
//  - every call draws whole batches of 8 consecutive blocks b, b+1, ..., b+7 (lane l computes
//    block b + l) and discards what it does not use; the next call starts at b + 8. The numbers a
//    sample sees therefore depend only on its own counters and the sequence of calls it makes:
//    identical for any thread count or schedule (the words are integer arithmetic, identical on
//    every machine; the normal transform is floating point compiled for the host, and GCC may
//    contract a*b+c into FMAs (-march=native has them): the doubles are those of this build, as
//    for every other floating-point result of the project). Checked by hand (2026-12-05) on 1000
//    streams: the words of the AVX-512, AVX2 (-mno-avx512f) and plain (no -march) builds are
//    identical; the normals of the AVX-512 and AVX2 builds are identical, and the plain build's
//    (no FMA) differ from them by at most 8.9e-16 in 18% of the draws.
//  - words (draw / u32): batch k's word i of lane l goes to out[32 k + 8 i + l] (lane-major).
//  - normals (draw / normal): block b + l gives one Box-Muller pair: u1 = (top 53 bits of w1:w0 + 1) 2^-53
//    in (0, 1] (so log u1 is finite; the tail is cut at sqrt(106 ln 2) = 8.57 sd, probability
//    5e-17), angle theta = 2 pi v with v from w3:w2 (64 bits: quadrant = top 2 bits, the rest the
//    position in the quadrant). out[l] = r cos(theta), out[8 + l] = r sin(theta),
//    r = sqrt(-2 log u1).
// Accuracy of the normal transform (tests/test_rng_lanes.cpp, against std::log/std::cos/std::sin
// on the same words): log within 1 ulp (fdlibm's e_log.c kernel, Lg1..Lg7), sin/cos on [0, pi/2]
// by their Taylor series to degree 21/22 (truncation < 1.2e-18), a few ulp of rounding.
#include "sim/rng.hpp"

#include <bit>
#if defined(__AVX__)
#include <immintrin.h>
#endif
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numbers>
#include <stdexcept>
#include <string>

namespace regcheck::sim {

namespace lanes_detail {
inline constexpr int kLanes = 8;
inline constexpr std::uint64_t splitmix64(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Natural log of u in [2^-53, 1] (normal doubles only): fdlibm's e_log.c (Sun Microsystems, 1993):
// u = 2^k m, m in [sqrt(2)/2, sqrt(2)), f = m - 1, s = f / (2 + f), log(1 + f) = f - (f^2/2 -
// s (f^2/2 + R(s^2))) with the minimax polynomial R; k ln 2 split in hi + lo. Branch free.
inline double log_lane(double u) {
  constexpr double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  constexpr double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01, Lg3 = 2.857142874366239149e-01,
                   Lg4 = 2.222219843214978396e-01, Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
                   Lg7 = 1.479819860511658591e-01;
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(u);
  const std::uint64_t mant = bits & 0x000fffffffffffffull;
  // m in [1, 2); when m >= sqrt(2) (mantissa >= 0x6a09e667f3bcd) halve it and bump k.
  const std::uint64_t big = mant >= 0x6a09e667f3bcdull ? 1u : 0u;
  const double k = static_cast<double>(static_cast<std::int64_t>(bits >> 52) - 1023 + static_cast<std::int64_t>(big));
  const double m = std::bit_cast<double>(mant | ((1023ull - big) << 52));
  const double f = m - 1.0;
  const double s = f / (2.0 + f);
  const double z = s * s, w = z * z;
  const double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  const double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  const double R = t2 + t1;
  const double hfsq = 0.5 * f * f;
  return k * ln2_hi - ((hfsq - (s * (hfsq + R) + k * ln2_lo)) - f);
}

// sin and cos of x in [0, pi/2] by Taylor series (degrees 21 and 22), Horner in x^2.
inline void sincos_quadrant(double x, double& s, double& c) {
  const double x2 = x * x;
  double ps = 1.0 / 51090942171709440000.0;                // 1/21!
  ps = ps * x2 - 1.0 / 121645100408832000.0;               // 1/19!
  ps = ps * x2 + 1.0 / 355687428096000.0;                  // 1/17!
  ps = ps * x2 - 1.0 / 1307674368000.0;                    // 1/15!
  ps = ps * x2 + 1.0 / 6227020800.0;                       // 1/13!
  ps = ps * x2 - 1.0 / 39916800.0;                         // 1/11!
  ps = ps * x2 + 1.0 / 362880.0;                           // 1/9!
  ps = ps * x2 - 1.0 / 5040.0;                             // 1/7!
  ps = ps * x2 + 1.0 / 120.0;                              // 1/5!
  ps = ps * x2 - 1.0 / 6.0;                                // 1/3!
  s = x + x * (x2 * ps);
  double pc = 1.0 / 1124000727777607680000.0;              // 1/22!
  pc = pc * x2 - 1.0 / 2432902008176640000.0;              // 1/20!
  pc = pc * x2 + 1.0 / 6402373705728000.0;                 // 1/18!
  pc = pc * x2 - 1.0 / 20922789888000.0;                   // 1/16!
  pc = pc * x2 + 1.0 / 87178291200.0;                      // 1/14!
  pc = pc * x2 - 1.0 / 479001600.0;                        // 1/12!
  pc = pc * x2 + 1.0 / 3628800.0;                          // 1/10!
  pc = pc * x2 - 1.0 / 40320.0;                            // 1/8!
  pc = pc * x2 + 1.0 / 720.0;                              // 1/6!
  pc = pc * x2 - 1.0 / 24.0;                               // 1/4!
  pc = pc * x2 + 0.5;                                      // 1/2!
  c = 1.0 - x2 * pc;
}
}  // namespace lanes_detail

class LaneStream {
 public:
  static constexpr int kLanes = lanes_detail::kLanes;
  static constexpr int kWordsPerBatch = 4 * kLanes;    // u32 words per batch
  static constexpr int kNormalsPerBatch = 2 * kLanes;  // normals per batch

  LaneStream(std::uint64_t seed, std::uint64_t stream, std::uint64_t sample_index, std::uint32_t substream = 0)
      : sub_(substream),
        lo_(static_cast<std::uint32_t>(sample_index)),
        hi_(static_cast<std::uint32_t>(sample_index >> 32)) {
    const std::uint64_t k = lanes_detail::splitmix64(seed ^ lanes_detail::splitmix64(stream));
    k0_ = static_cast<std::uint32_t>(k);
    k1_ = static_cast<std::uint32_t>(k >> 32);
  }

  // The key as derived above (for tests against the scalar Random123 Philox4x32).
  std::uint32_t key0() const { return k0_; }
  std::uint32_t key1() const { return k1_; }
  std::uint32_t next_block() const { return block_; }

  // The 4 words of the 8 blocks block_ .. block_ + 7 (lane l: x0[l] .. x3[l]); advances by 8.
  void batch(std::uint32_t* x0, std::uint32_t* x1, std::uint32_t* x2, std::uint32_t* x3) {
    alignas(32) std::uint32_t x[1][4][kLanes];
    compute<1>(x);
    for (int l = 0; l < kLanes; ++l) x0[l] = x[0][0][l], x1[l] = x[0][1][l], x2[l] = x[0][2][l], x3[l] = x[0][3][l];
  }

  // n_normals standard normals, then n_words uniform 32-bit words: ceil(n_normals / 16) batches
  // for the normals, then ceil(n_words / 32) batches for the words (what a batch does not use is
  // discarded). Words: batch k gives words[32 k + 8 i + l] = word i of lane l (lane-major order).
  // Normals: batch k gives normals[16 k + l] = lane l's r cos(theta), normals[16 k + 8 + l] = its
  // r sin(theta). The batches are computed up to 4 at a time (interleaved: one Philox round has a
  // latency of ~10 cycles, so 4 independent batches fill the pipeline); a block's words depend
  // only on its counter, so the grouping never changes the numbers.
  // Throws std::invalid_argument on a negative count or a null buffer with a positive count.
  void draw(double* normals, int n_normals, std::uint32_t* words, int n_words) {
    if (n_normals < 0 || n_words < 0 || (n_normals > 0 && !normals) || (n_words > 0 && !words))
      throw std::invalid_argument("LaneStream::draw: need counts >= 0 with non-null buffers, got n_normals = " +
                                  std::to_string(n_normals) + ", n_words = " + std::to_string(n_words));
    const int nb_norm = (n_normals + kNormalsPerBatch - 1) / kNormalsPerBatch;
    const int total = nb_norm + (n_words + kWordsPerBatch - 1) / kWordsPerBatch;
    alignas(32) std::uint32_t x[4][4][kLanes];
    for (int done = 0; done < total;) {
      const int g = total - done < 4 ? total - done : 4;
      switch (g) {
        case 4: compute<4>(x); break;
        case 3: compute<3>(x); break;
        case 2: compute<2>(x); break;
        default: compute<1>(x); break;
      }
      // The first nn batches of the group are normals (transformed together: their polynomial
      // chains interleave), the rest words.
      const int nn = nb_norm - done <= 0 ? 0 : nb_norm - done < g ? nb_norm - done : g;
      if (nn > 0) {
        const int i0 = done * kNormalsPerBatch;
        const bool full = n_normals - i0 >= nn * kNormalsPerBatch;  // else via a buffer
        double buf[4 * kNormalsPerBatch];
        double* z = full ? normals + i0 : buf;
        switch (nn) {
          case 4: transform<4>(x, z); break;
          case 3: transform<3>(x, z); break;
          case 2: transform<2>(x, z); break;
          default: transform<1>(x, z); break;
        }
        if (!full)
          for (int i = 0; i < n_normals - i0; ++i) normals[i0 + i] = buf[i];
      }
      for (int k = nn; k < g; ++k) {
        const int i0 = (done + k - nb_norm) * kWordsPerBatch;
        const int m = n_words - i0 < kWordsPerBatch ? n_words - i0 : kWordsPerBatch;
        const std::uint32_t* src = &x[k][0][0];
        for (int i = 0; i < m; ++i) words[i0 + i] = src[i];
      }
      done += g;
    }
  }
  void normal(double* out, int n) { draw(out, n, nullptr, 0); }
  void u32(std::uint32_t* out, int n) { draw(nullptr, 0, out, n); }

  // Philox4x32-10 on the G x 8 blocks block_ .. block_ + 8 G - 1 (batch k, lane l: block
  // block_ + 8 k + l; x[k][i][l] = its word i); advances by 8 G.
  // With AVX-512, two batches share one __m512i (below); with AVX2 the 8 lanes are one __m256i per counter word: _mm256_mul_epu32 multiplies the even
  // lanes (32 x 32 -> 64 bits), the odd lanes after a 32-bit shift, and blends reassemble the low
  // and high halves. Without AVX2 the same rounds run on plain loops. Integer arithmetic: both
  // paths give the same words (tests/test_rng_lanes.cpp compares with Random123's scalar
  // philox4x32).
  template <int G>
  void compute(std::uint32_t (*x)[4][kLanes]) {
    constexpr std::uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u, W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
    std::uint32_t k0 = k0_, k1 = k1_;
#if defined(__AVX512F__)
    // AVX-512: two batches per __m512i (lanes 0-7 batch 2j, lanes 8-15 batch 2j + 1; for odd G
    // the last register's upper half computes a batch that is not stored).
    constexpr int Z = (G + 1) / 2;
    __m512i c0[Z], c1[Z], c2[Z], c3[Z];
    for (int j = 0; j < Z; ++j) {
      c0[j] = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(block_ + 16u * static_cast<std::uint32_t>(j))),
                               _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
      c1[j] = _mm512_set1_epi32(static_cast<int>(sub_));
      c2[j] = _mm512_set1_epi32(static_cast<int>(lo_));
      c3[j] = _mm512_set1_epi32(static_cast<int>(hi_));
    }
    const __m512i m0 = _mm512_set1_epi32(static_cast<int>(M0)), m1 = _mm512_set1_epi32(static_cast<int>(M1));
    for (int round = 0; round < 10; ++round) {  // Philox4x32-10: round, then bump the key
      const __m512i kk0 = _mm512_set1_epi32(static_cast<int>(k0)), kk1 = _mm512_set1_epi32(static_cast<int>(k1));
      for (int j = 0; j < Z; ++j) {
        __m512i lo0, hi0, lo1, hi1;
        mul_hilo(m0, c0[j], lo0, hi0);
        mul_hilo(m1, c2[j], lo1, hi1);
        c0[j] = _mm512_xor_si512(_mm512_xor_si512(hi1, c1[j]), kk0);
        c2[j] = _mm512_xor_si512(_mm512_xor_si512(hi0, c3[j]), kk1);
        c1[j] = lo1;
        c3[j] = lo0;
      }
      k0 += W0;
      k1 += W1;
    }
    for (int j = 0; j < Z; ++j) {
      const __m512i* c[4] = {&c0[j], &c1[j], &c2[j], &c3[j]};
      for (int i = 0; i < 4; ++i) {
        _mm256_store_si256(reinterpret_cast<__m256i*>(x[2 * j][i]), _mm512_castsi512_si256(*c[i]));
        if (2 * j + 1 < G) _mm256_store_si256(reinterpret_cast<__m256i*>(x[2 * j + 1][i]), _mm512_extracti64x4_epi64(*c[i], 1));
      }
    }
#elif defined(__AVX2__)
    __m256i c0[G], c1[G], c2[G], c3[G];
    for (int k = 0; k < G; ++k) {
      c0[k] = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(block_ + 8u * static_cast<std::uint32_t>(k))),
                               _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
      c1[k] = _mm256_set1_epi32(static_cast<int>(sub_));
      c2[k] = _mm256_set1_epi32(static_cast<int>(lo_));
      c3[k] = _mm256_set1_epi32(static_cast<int>(hi_));
    }
    const __m256i m0 = _mm256_set1_epi32(static_cast<int>(M0)), m1 = _mm256_set1_epi32(static_cast<int>(M1));
    for (int round = 0; round < 10; ++round) {  // Philox4x32-10: round, then bump the key
      const __m256i kk0 = _mm256_set1_epi32(static_cast<int>(k0)), kk1 = _mm256_set1_epi32(static_cast<int>(k1));
      for (int k = 0; k < G; ++k) {
        __m256i lo0, hi0, lo1, hi1;
        mul_hilo(m0, c0[k], lo0, hi0);
        mul_hilo(m1, c2[k], lo1, hi1);
        c0[k] = _mm256_xor_si256(_mm256_xor_si256(hi1, c1[k]), kk0);
        c2[k] = _mm256_xor_si256(_mm256_xor_si256(hi0, c3[k]), kk1);
        c1[k] = lo1;
        c3[k] = lo0;
      }
      k0 += W0;
      k1 += W1;
    }
    for (int k = 0; k < G; ++k) {
      _mm256_store_si256(reinterpret_cast<__m256i*>(x[k][0]), c0[k]);
      _mm256_store_si256(reinterpret_cast<__m256i*>(x[k][1]), c1[k]);
      _mm256_store_si256(reinterpret_cast<__m256i*>(x[k][2]), c2[k]);
      _mm256_store_si256(reinterpret_cast<__m256i*>(x[k][3]), c3[k]);
    }
#else
    for (int k = 0; k < G; ++k)
      for (int l = 0; l < kLanes; ++l) {
        x[k][0][l] = block_ + 8u * static_cast<std::uint32_t>(k) + static_cast<std::uint32_t>(l);
        x[k][1][l] = sub_;
        x[k][2][l] = lo_;
        x[k][3][l] = hi_;
      }
    for (int round = 0; round < 10; ++round) {
      for (int k = 0; k < G; ++k)
        for (int l = 0; l < kLanes; ++l) {
          const std::uint64_t p0 = static_cast<std::uint64_t>(M0) * x[k][0][l];
          const std::uint64_t p1 = static_cast<std::uint64_t>(M1) * x[k][2][l];
          x[k][0][l] = static_cast<std::uint32_t>(p1 >> 32) ^ x[k][1][l] ^ k0;
          x[k][2][l] = static_cast<std::uint32_t>(p0 >> 32) ^ x[k][3][l] ^ k1;
          x[k][1][l] = static_cast<std::uint32_t>(p1);
          x[k][3][l] = static_cast<std::uint32_t>(p0);
        }
      k0 += W0;
      k1 += W1;
    }
#endif
    block_ += 8u * G;
  }

  // The Box-Muller transform of G batches (x[k][i][l]: word i of lane l of batch k) into 16 G
  // normals (z[16 k + l] = r cos, z[16 k + 8 + l] = r sin), as separate loops over the 8 G lanes
  // (uniforms, log, sqrt, sin/cos), each simple enough for GCC to vectorize (G batches side by
  // side: independent polynomial chains hide each other's latency). The square root by
  // _mm256_sqrt_pd where AVX is there (std::sqrt would keep errno handling, a branch and a call,
  // in the loop): both are IEEE correctly rounded. tests/test_rng_lanes.cpp asserts that this
  // build's vector path gives the same doubles as box_muller() below (the compiler contracts the
  // same expressions in both; were that ever not so, the test would report it).
  template <int G>
  static void transform(const std::uint32_t (*x)[4][kLanes], double* z) {
    constexpr int E = G * kLanes;
    double u1[E], t[E], r2[E], r[E], zc[E], zs[E];
    std::uint64_t q[E];
    for (int k = 0; k < G; ++k)
      for (int l = 0; l < kLanes; ++l) {
        const std::uint64_t a = (static_cast<std::uint64_t>(x[k][1][l]) << 32) | x[k][0][l];
        const std::uint64_t b = (static_cast<std::uint64_t>(x[k][3][l]) << 32) | x[k][2][l];
        u1[k * kLanes + l] = uniform53(a);
        q[k * kLanes + l] = b >> 62;
        t[k * kLanes + l] = angle52(b);
      }
    for (int e = 0; e < E; ++e) r2[e] = -2.0 * lanes_detail::log_lane(u1[e]);
#if defined(__AVX__)
    for (int e = 0; e < E; e += 4) _mm256_storeu_pd(r + e, _mm256_sqrt_pd(_mm256_loadu_pd(r2 + e)));
#else
    for (int e = 0; e < E; ++e) r[e] = std::sqrt(r2[e]);
#endif
    for (int e = 0; e < E; ++e) {
      double sn, cs;
      lanes_detail::sincos_quadrant(t[e], sn, cs);
      rotate(q[e], sn, cs, r[e], zc[e], zs[e]);
    }
    for (int k = 0; k < G; ++k)
      for (int l = 0; l < kLanes; ++l) {
        z[k * kNormalsPerBatch + l] = zc[k * kLanes + l];
        z[k * kNormalsPerBatch + kLanes + l] = zs[k * kLanes + l];
      }
  }

  // One Box-Muller pair from a block's 4 words, one lane at a time: the reference for normal()
  // (same operations in the same order; tests/test_rng_lanes.cpp asserts bit equality).
  static void box_muller(std::uint32_t w0, std::uint32_t w1, std::uint32_t w2, std::uint32_t w3, double& z_cos,
                         double& z_sin) {
    const std::uint64_t a = (static_cast<std::uint64_t>(w1) << 32) | w0;
    const std::uint64_t b = (static_cast<std::uint64_t>(w3) << 32) | w2;
    const double r = std::sqrt(-2.0 * lanes_detail::log_lane(uniform53(a)));
    double sn, cs;
    lanes_detail::sincos_quadrant(angle52(b), sn, cs);
    rotate(b >> 62, sn, cs, r, z_cos, z_sin);
  }

  // u1 = (top 53 bits of a + 1) 2^-53 in (0, 1], exact.
  static double uniform53(std::uint64_t a) { return static_cast<double>(static_cast<std::int64_t>(a >> 11) + 1) * 0x1p-53; }
  // The angle within the quadrant, (pi/2) t with t = (next 52 bits of b + 1/2) 2^-52 in (0, 1).
  static double angle52(std::uint64_t b) {
    return (static_cast<double>(static_cast<std::int64_t>((b >> 10) & 0x000fffffffffffffull)) + 0.5) * 0x1p-52 *
           (std::numbers::pi / 2);
  }
  // r (cos, sin) of q pi/2 + x from s = sin x, c = cos x: q quarter turns.
  static void rotate(std::uint64_t q, double s, double c, double r, double& z_cos, double& z_sin) {
    // Branch free (selects and exact sign flips): cos is negated in quadrants 1, 2, sin in 2, 3.
    const bool odd = (q & 1) != 0;
    const double cq = odd ? s : c, sq = odd ? c : s;
    const double sign_c = static_cast<double>(1 - 2 * static_cast<std::int64_t>((q ^ (q >> 1)) & 1));
    const double sign_s = static_cast<double>(1 - 2 * static_cast<std::int64_t>(q >> 1));
    z_cos = r * (sign_c * cq);
    z_sin = r * (sign_s * sq);
  }

 private:
#if defined(__AVX512F__)
  // 16 products a_l * b_l (32 x 32 -> 64 bits), as the AVX2 version below.
  static void mul_hilo(__m512i a, __m512i b, __m512i& lo, __m512i& hi) {
    const __m512i even = _mm512_mul_epu32(a, b);
    const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), _mm512_srli_epi64(b, 32));
    lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
    hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
  }
#elif defined(__AVX2__)
  // 8 products a_l * b_l (32 x 32 -> 64 bits): low and high 32-bit halves, lane by lane.
  static void mul_hilo(__m256i a, __m256i b, __m256i& lo, __m256i& hi) {
    const __m256i even = _mm256_mul_epu32(a, b);  // lanes 0, 2, 4, 6 as 64-bit products
    const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b, 32));
    lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
    hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
  }
#endif
  std::uint32_t k0_ = 0, k1_ = 0, sub_ = 0, lo_ = 0, hi_ = 0;
  std::uint32_t block_ = 0;
};

}  // namespace regcheck::sim
