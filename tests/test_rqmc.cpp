// Tests of the randomized quasi-Monte Carlo engine (sim/rqmc.hpp): the inverse normal against
// Boost.Math, the net property of the scrambled points, unbiasedness and the coverage of the
// t interval on integrals with known values, bit-identity across thread counts, and, at the end,
// the errors misuse must raise.
#include "sim/mean_test.hpp"
#include "sim/rqmc.hpp"

#include <boost/math/distributions/normal.hpp>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <vector>

using namespace regcheck::sim;

namespace {
constexpr double eps = std::numeric_limits<double>::epsilon();
}

// AS 241 against Boost.Math's normal quantile on u = k/50 2^-e (e = 1..60) and 1 - u. Tolerance
// 8 eps relative: the rational approximations are accurate to ~1e-16 (0.45 eps; Wichura 1988),
// plus ~14 roundings of the Horner evaluation, log and sqrt, whose relative effect on z is damped
// (measured: 3.1 eps).
TEST(Rqmc, InverseNormalMatchesBoost) {
  const boost::math::normal_distribution<double> nd;
  double worst = 0;
  for (int e = 1; e <= 60; ++e)
    for (int k = 1; k < 50; ++k) {
      const double u = std::ldexp(k / 50.0, -e);
      for (double v : {u, 1.0 - u}) {
        if (!(v > 0 && v < 1)) continue;
        const double b = boost::math::quantile(nd, v);
        if (b == 0) continue;
        worst = std::max(worst, std::abs(normal_from_uniform(v) - b) / std::abs(b));
      }
    }
  EXPECT_LE(worst, 8 * eps);
  EXPECT_EQ(normal_from_uniform(0.5), 0.0);
}

// Every coordinate of a scrambled replicate is a (0, m, 1)-net: exactly one point in each
// [k/N, (k+1)/N) (the property the mean claims rely on), for 20 dimensions and 8 replicates.
TEST(Rqmc, EachCoordinateIsStratified) {
  const int m = 10, dim = 20;
  for (std::uint64_t key = 0; key < 4; ++key) {
    // threads = 1: the sampler runs sequentially. The 8 replicates each put one point per stratum,
    // so every stratum of every coordinate holds exactly 8.
    std::vector<int> c(static_cast<std::size_t>(dim) << m, 0);
    rqmc_replicates<1>(stream_id("strat") + key, dim, {m, 8}, McOptions{7, 1, 4096}, [&](const double* u) {
      for (int j = 0; j < dim; ++j) ++c[(static_cast<std::size_t>(j) << m) + static_cast<std::size_t>(u[j] * (1 << m))];
      return Eigen::Matrix<double, 1, 1>(0.0);
    });
    for (int v : c) ASSERT_EQ(v, 8);
  }
}

// Known integrals: E sum_{j<8} Phi^{-1}(u_j)^2 = 8 (chi-square mean), E prod_{j<4} 2 u_j = 1,
// E max(Phi^{-1}(u), 0) = 1/sqrt(2 pi). Coverage of the 95% t interval (R = 16, 15 dof) over 200
// independent keys per integral: misses ~ Binomial(200, 0.05) if the interval is valid (and the
// estimate unbiased); the test allows <= 24 misses (P(Bin(200, 0.05) > 24) = 2.6e-5, the
// false-failure rate per integral; deterministic for the fixed keys). A biased estimator (e.g.
// unscrambled points) has its interval shrink around the wrong value and misses nearly always.
TEST(Rqmc, TIntervalCoversKnownIntegrals) {
  const McOptions mc{11, 2, 4096};
  struct Case {
    int dim;
    double truth;
    double (*f)(const double*);
  };
  const Case cases[] = {
      {8, 8.0, [](const double* u) { double s = 0; for (int j = 0; j < 8; ++j) { const double z = normal_from_uniform(u[j]); s += z * z; } return s; }},
      {4, 1.0, [](const double* u) { double s = 1; for (int j = 0; j < 4; ++j) s *= 2 * u[j]; return s; }},
      {1, 1.0 / std::sqrt(2 * std::numbers::pi), [](const double* u) { return std::max(normal_from_uniform(u[0]), 0.0); }}};
  for (const Case& c : cases) {
    int misses = 0;
    for (int key = 0; key < 200; ++key) {
      const auto reps = rqmc_replicates<1>(stream_id("cover") + 1000 * static_cast<std::uint64_t>(c.dim) + static_cast<std::uint64_t>(key),
                                           c.dim, {10, 16}, mc, [&](const double* u) { return Eigen::Matrix<double, 1, 1>(c.f(u)); });
      const Interval ci = t_interval(replicate_welford<1>(reps, 0), 0.05);
      misses += !(ci.lo <= c.truth && c.truth <= ci.hi);
    }
    EXPECT_LE(misses, 24) << "dim " << c.dim;
    EXPECT_GE(misses, 0);
  }
}

// Randomized QMC beats plain Monte Carlo on a smooth additive integrand: the replicate sd of
// sum_{j<8} Phi^{-1}(u_j)^2 at N = 2^14 must be below 1/20 of plain MC's sd sqrt(16 / N) (chi-square
// variance 2 per coordinate); measured about 1/400.
TEST(Rqmc, VarianceFarBelowPlainMonteCarlo) {
  const auto reps = rqmc_replicates<1>(stream_id("var"), 8, {14, 32}, McOptions{3, 2, 4096}, [](const double* u) {
    double s = 0;
    for (int j = 0; j < 8; ++j) {
      const double z = normal_from_uniform(u[j]);
      s += z * z;
    }
    return Eigen::Matrix<double, 1, 1>(s);
  });
  const Welford w = replicate_welford<1>(reps, 0);
  EXPECT_LT(std::sqrt(w.variance()), std::sqrt(16.0 / 16384.0) / 20);
}

// A pure function of (seed, stream, replicate): identical for 1 and 2 threads, different seeds differ.
TEST(Rqmc, BitIdenticalAcrossThreads) {
  const auto f = [](const double* u) { return Eigen::Vector2d(normal_from_uniform(u[0]) * u[1], u[2]); };
  const auto a = rqmc_replicates<2>(5, 3, {13, 8}, McOptions{9, 1, 4096}, f);
  const auto b = rqmc_replicates<2>(5, 3, {13, 8}, McOptions{9, 2, 4096}, f);
  const auto c = rqmc_replicates<2>(5, 3, {13, 8}, McOptions{10, 2, 4096}, f);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t r = 0; r < a.size(); ++r) {
    EXPECT_EQ(a[r](0), b[r](0));
    EXPECT_EQ(a[r](1), b[r](1));
    EXPECT_NE(a[r](0), c[r](0));
  }
}

// ---- errors misuse must raise ----
TEST(RqmcErrors, InvalidOptionsThrow) {
  const auto f = [](const double*) { return Eigen::Matrix<double, 1, 1>(0.0); };
  EXPECT_THROW(rqmc_replicates<1>(1, 0, {10, 8}, McOptions{}, f), std::invalid_argument);
  EXPECT_THROW(rqmc_replicates<1>(1, 1001, {10, 8}, McOptions{}, f), std::invalid_argument);
  EXPECT_THROW(rqmc_replicates<1>(1, 2, {9, 8}, McOptions{}, f), std::invalid_argument);
  EXPECT_THROW(rqmc_replicates<1>(1, 2, {31, 8}, McOptions{}, f), std::invalid_argument);
  EXPECT_THROW(rqmc_replicates<1>(1, 2, {10, 7}, McOptions{}, f), std::invalid_argument);
  EXPECT_THROW(rqmc_replicates<1>(1, 2, {10, 8}, McOptions{1, 0, 4096}, f), std::invalid_argument);
  try {
    rqmc_replicates<1>(1, 1001, {10, 8}, McOptions{}, f);
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("1001"), std::string::npos);
  }
}
