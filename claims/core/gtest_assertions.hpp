#pragma once
// GoogleTest assertions for proof-checking test suites (README "Checking your own claims").
// Header-only: include it in a test linked with regcheck::core and GTest::gtest.
//
//   regcheck::testing::McSpec spec{.n = 1 << 20, .alpha = 1e-6, .detectable = 1e-3, .stream = "relu^2"};
//   EXPECT_MC_MEAN_EQ([](regcheck::sim::Stream& g, std::uint64_t) { double z = g.normal(); return z > 0 ? z * z : 0.0; },
//                     0.5, spec);
//
// What it checks: the mean of spec.n samples of sampler(Stream&, index) (counter-based streams
// keyed by spec.seed and spec.stream: the same numbers for the same seed, any thread count) against
// `value`, by the two-sided Student-t test of sim::test_mean at level spec.alpha, and that the test
// had the stated resolution: its detectable deviation at power spec.power (0.99) must be at most
// spec.detectable (when given).
// Error rates: a true `value` fails the value test with probability spec.alpha (asymptotically: the
// t reference is exact for normal samples and needs the CLT otherwise; tests/test_gtest_assertions.cpp
// measures 2000 runs at alpha 0.05); a mean off by the reported detectable deviation is caught with
// probability spec.power. The resolution clause is a sizing check, not a random one: it fails when
// spec.n is too small for spec.detectable (the message gives the n that would do), for a sampler
// whose spread is within a few percent of that limit also by chance.
// On failure it prints the estimate, its (1 - alpha) CI, the test statistic, n, the seed and
// stream, alpha, the detectable deviation and the stated one. Throws std::invalid_argument (from
// the engine) for n < 2 or threads < 1; alpha must be in (0, 0.5] and power in (0, 1).
#include "sim/mean_test.hpp"
#include "sim/monte_carlo.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

namespace regcheck::testing {

struct McSpec {
  std::uint64_t n = 1u << 16;  // samples
  double alpha = 1e-6;         // false-failure probability of the value test
  // Deviation the test must detect at `power` (0 or +inf: no requirement).
  double detectable = std::numeric_limits<double>::infinity();
  std::string stream = "gtest";  // stream name: give each assertion its own
  std::uint64_t seed = 20261123;
  double power = 0.99;
  int threads = 1;  // results do not depend on it
};

struct McMeanOutcome {
  sim::MeanTestResult test;
  bool value_ok = false;  // the test did not reject `value`
  bool sized_ok = false;  // detectable deviation <= spec.detectable
  bool passed() const { return value_ok && sized_ok; }
};

// The predicate behind EXPECT_MC_MEAN_EQ (for simulations of its error rates).
template <class Sampler>
McMeanOutcome mc_mean_outcome(Sampler&& sample, double value, const McSpec& spec) {
  if (!(spec.alpha > 0 && spec.alpha <= 0.5))
    throw std::invalid_argument(fmt::format("McSpec.alpha = {} (allowed: 0 < alpha <= 0.5)", spec.alpha));
  if (!(spec.power > 0 && spec.power < 1))
    throw std::invalid_argument(fmt::format("McSpec.power = {} (allowed: 0 < power < 1)", spec.power));
  if (spec.n < 2) throw std::invalid_argument(fmt::format("McSpec.n = {} (allowed: >= 2)", spec.n));
  sim::MeanTestOptions opt;
  opt.alpha = spec.alpha;
  opt.power = spec.power;
  const sim::Welford w = sim::run_mean(spec.stream, spec.n, sim::McOptions{spec.seed, spec.threads, 4096}, sample);
  McMeanOutcome o;
  o.test = sim::test_mean(w, value, opt);
  // A non-finite estimate or se (a NaN or infinite sample) fails: the engine reports it INCONCLUSIVE
  // with statistic 0, which must not read as a pass here.
  o.value_ok = std::isfinite(o.test.estimate) && std::isfinite(o.test.standard_error) &&
               std::abs(o.test.statistic) <= o.test.critical;
  o.sized_ok = !(spec.detectable > 0) || o.test.detectable_deviation <= spec.detectable;
  return o;
}

template <class Sampler>
::testing::AssertionResult McMeanEq(const char* sampler_expr, const char* value_expr, const char* /*spec_expr*/, Sampler&& sample,
                                    double value, const McSpec& spec) {
  const McMeanOutcome o = mc_mean_outcome(sample, value, spec);
  if (o.passed()) return ::testing::AssertionSuccess();
  const sim::MeanTestResult& t = o.test;
  std::string why;
  if (!o.value_ok)
    why = fmt::format("the mean of {} is not {} = {:.17g}: |t| = {:.4g} > {:.4g}", sampler_expr, value_expr, value,
                      std::abs(t.statistic), t.critical);
  if (!o.sized_ok) {
    // n scales as (detectable / wanted)^2 for a fixed spread.
    const double ratio = t.detectable_deviation / spec.detectable;
    why += fmt::format("{}underpowered: detectable deviation {:.4g} > the stated {:.4g} (n of about {:.3g} would do)", why.empty() ? "" : "; ",
                       t.detectable_deviation, spec.detectable, std::ceil(static_cast<double>(spec.n) * ratio * ratio * 1.05));
  }
  return ::testing::AssertionFailure() << fmt::format(
             "{}\n  estimate {:.10g}, {:g}% CI [{:.10g}, {:.10g}], se {:.4g}\n  n {}, seed {}, stream \"{}\", alpha {:g}\n"
             "  detectable deviation {:.4g} at power {:g} (stated: {:g})",
             why, t.estimate, 100 * (1 - spec.alpha), t.ci.lo, t.ci.hi, t.standard_error, t.n, spec.seed, spec.stream, spec.alpha,
             t.detectable_deviation, spec.power, spec.detectable);
}

}  // namespace regcheck::testing

// EXPECT_/ASSERT_MC_MEAN_EQ(sampler, value, spec): see the top of this file.
#define EXPECT_MC_MEAN_EQ(sampler, value, spec) EXPECT_PRED_FORMAT3(::regcheck::testing::McMeanEq, sampler, value, spec)
#define ASSERT_MC_MEAN_EQ(sampler, value, spec) ASSERT_PRED_FORMAT3(::regcheck::testing::McMeanEq, sampler, value, spec)
