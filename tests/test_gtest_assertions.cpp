// claims/core/gtest_assertions.hpp: EXPECT_MC_MEAN_EQ's false-failure rate and power by
// simulation, its failure message, and the errors it raises.
#include "claims/core/gtest_assertions.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace {

using regcheck::sim::Stream;
using regcheck::testing::McSpec;
using regcheck::testing::mc_mean_outcome;

constexpr int kRuns = 2000;

// Runs the assertion's predicate kRuns times (seeds 1000 .. 1000 + kRuns - 1) at alpha 0.05 on
// n = 1000 samples; returns how many runs failed.
template <class Sampler>
int failures(Sampler&& sample, double value) {
  McSpec spec;
  spec.n = 1000;
  spec.alpha = 0.05;
  spec.stream = "false-failure-rate";
  int failed = 0;
  for (int k = 0; k < kRuns; ++k) {
    spec.seed = 1000 + static_cast<std::uint64_t>(k);
    failed += !mc_mean_outcome(sample, value, spec).passed();
  }
  return failed;
}

// Under the null (value = the true mean) the predicate fails with probability alpha = 0.05, so the
// count is Binomial(2000, 0.05): its two-sided 1e-6 interval is [56, 151] (scipy.stats.binom.ppf
// and isf at 5e-7). A correct assertion lands outside with probability <= 1e-6 (fixed seeds: the
// outcome is deterministic); an assertion failing at twice its alpha (mean 200) lands inside with
// probability ~1e-4.
TEST(McMeanEq, FalseFailureRateOfNormalSamplesIsAlpha) {
  const int f = failures([](Stream& g, std::uint64_t) { return 0.3 + g.normal(); }, 0.3);
  RecordProperty("failures", f);
  EXPECT_GE(f, 56);
  EXPECT_LE(f, 151);
}

// The same for skewed samples (Exp(1), mean 1): the t reference is then asymptotic (CLT at n = 1000,
// skewness 2 moves the two-sided level by well under 0.01), and the same interval applies.
TEST(McMeanEq, FalseFailureRateOfSkewedSamplesIsAboutAlpha) {
  const int f = failures([](Stream& g, std::uint64_t) { return -std::log(g.uniform()); }, 1.0);
  RecordProperty("failures", f);
  EXPECT_GE(f, 56);
  EXPECT_LE(f, 151);
}

// Power: a mean off by c sigma / sqrt(n), c = z_{0.975} + z_{0.99} = 4.286312 (sigma = 1 known), is
// caught with probability 0.989890 by the t test on 999 dof (scipy noncentral t: nct.sf(t_crit,
// 999, c) + nct.cdf(-t_crit, 999, c), t_crit = 1.962341). Misses are Binomial(2000, 0.010110):
// 1e-6 interval [3, 46] (scipy).
TEST(McMeanEq, PowerAtTheDetectableDeviation) {
  const double shift = 4.286311858580895 / std::sqrt(1000.0);
  const int missed = kRuns - failures([shift](Stream& g, std::uint64_t) { return shift + g.normal(); }, 0.0);
  RecordProperty("missed", missed);
  EXPECT_GE(missed, 3);
  EXPECT_LE(missed, 46);
}

// The reported detectable deviation is the one the power statement is about: with sigma = 1 and
// n = 1000 it is c(999) x se ~ 4.29 / sqrt(1000) = 0.1355 (c(999) within 0.1% of 4.2863; the sample sd
// has relative sd 1 / sqrt(2 x 999) = 0.0224, so it is within 12% (5.4 sd) of 1 except with
// probability < 1e-7).
TEST(McMeanEq, ReportsTheDetectableDeviation) {
  McSpec spec;
  spec.n = 1000;
  spec.alpha = 0.05;
  const auto o = mc_mean_outcome([](Stream& g, std::uint64_t) { return g.normal(); }, 0.0, spec);
  EXPECT_NEAR(o.test.detectable_deviation, 4.286311858580895 / std::sqrt(1000.0), 0.121 * 0.1355);
}

// E[ReLU(Z)^2] = 1/2 holds at alpha 1e-6 with a detectable deviation below 0.005 (sd of ReLU(Z)^2
// is sqrt(3/2 - 1/4) = 1.118, so c ~ 5.33 + 2.33 gives 7.66 x 1.118 / 1024 = 0.0084 at n = 2^20:
// stated 0.01).
TEST(McMeanEq, PassesATrueMoment) {
  McSpec spec;
  spec.n = 1u << 20;
  spec.detectable = 0.01;
  spec.stream = "relu-squared";
  EXPECT_MC_MEAN_EQ(([](Stream& g, std::uint64_t) {
                      const double z = g.normal();
                      return z > 0 ? z * z : 0.0;
                    }),
                    0.5, spec);
}

// E[ReLU(Z)] = 1/sqrt(2 pi) = 0.39894, not 1/2: the assertion fails and its message names the
// estimate (0.4009 for this seed), CI, seed, stream and detectable deviation.
TEST(McMeanEq, FailureMessageNamesEstimateCiSeedAndDetectable) {
  McSpec spec;
  spec.n = 1u << 16;
  spec.stream = "relu-mean";
  EXPECT_NONFATAL_FAILURE(EXPECT_MC_MEAN_EQ(([](Stream& g, std::uint64_t) { return std::max(0.0, g.normal()); }), 0.5, spec),
                          "estimate 0.40");
  EXPECT_NONFATAL_FAILURE(EXPECT_MC_MEAN_EQ(([](Stream& g, std::uint64_t) { return std::max(0.0, g.normal()); }), 0.5, spec),
                          "seed 20261123, stream \"relu-mean\"");
  EXPECT_NONFATAL_FAILURE(EXPECT_MC_MEAN_EQ(([](Stream& g, std::uint64_t) { return std::max(0.0, g.normal()); }), 0.5, spec),
                          "detectable deviation");
}

// A stated resolution the sample size cannot reach fails as "underpowered", with the n that would do
// (sigma = 1, n = 1000, detectable 0.01: about 1000 x 13.6^2 ~ 1.9e5).
TEST(McMeanEq, UnderpoweredFailsWithTheNeededSize) {
  McSpec spec;
  spec.n = 1000;
  spec.alpha = 0.05;
  spec.detectable = 0.01;
  EXPECT_NONFATAL_FAILURE(EXPECT_MC_MEAN_EQ(([](Stream& g, std::uint64_t) { return g.normal(); }), 0.0, spec), "underpowered");
}

// A NaN sample never passes (the engine reports it INCONCLUSIVE with statistic 0).
TEST(McMeanEq, NanSampleFails) {
  McSpec spec;
  spec.n = 100;
  const auto o = mc_mean_outcome([](Stream&, std::uint64_t i) { return i == 7 ? NAN : 1.0; }, 1.0, spec);
  EXPECT_FALSE(o.passed());
}

// Errors that must be raised.
TEST(McMeanEqErrors, BadSpecThrowsNamingTheValue) {
  auto one = [](Stream&, std::uint64_t) { return 1.0; };
  McSpec spec;
  spec.alpha = 0;
  EXPECT_THROW(mc_mean_outcome(one, 1.0, spec), std::invalid_argument);
  spec.alpha = 0.6;
  EXPECT_THROW(mc_mean_outcome(one, 1.0, spec), std::invalid_argument);
  spec = McSpec{};
  spec.power = 1;
  EXPECT_THROW(mc_mean_outcome(one, 1.0, spec), std::invalid_argument);
  spec = McSpec{};
  spec.n = 1;
  try {
    mc_mean_outcome(one, 1.0, spec);
    ADD_FAILURE() << "n = 1 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("McSpec.n = 1"), std::string::npos) << e.what();
  }
  spec = McSpec{};
  spec.threads = 0;
  EXPECT_THROW(mc_mean_outcome(one, 1.0, spec), std::invalid_argument);
}

}  // namespace
