#pragma once
// Declaring one's own claims (README "Checking your own claims"; examples/own-claims/ is a worked
// program). A claim is a claims::Claim (claim.hpp): an ID "<source>.<name>", the statement as
// printed, the method, the expected verdict, the number of Monte Carlo tests it performs, and its
// check, a function of the CheckContext returning a ClaimResult. The check is built from the
// sub-checks below (and mc_mean_check of mc_check.hpp), combined by result_of; the claims go into
// a Registry(sources) and verify_main (verify_driver.hpp) runs them like `regcheck verify`.
//
//   Registry reg({"mydraft"});
//   Claim c;
//   c.id = "mydraft.eq3";  // "<source>.<name>"
//   c.source = "mydraft";
//   c.method = "monte-carlo";
//   c.statement = "E[ReLU(Z)^2] = 1/2 for Z ~ N(0, 1)";
//   c.mc_tests = 1;        // the Monte Carlo tests the check performs (Bonferroni divisor)
//   c.check = [](const CheckContext& ctx) {
//     McCheckSpec s;
//     s.name = "E[ReLU(Z)^2]";
//     s.stream = "mydraft.eq3";  // unique per sub-check: streams never collide
//     s.n = ctx.mc_n(1 << 22, 1 << 26);
//     s.theory = 0.5;
//     s.resolution = ctx.target_relative_resolution() * 0.5;  // HOLDS needs this detectable deviation
//     return result_of(mc_mean_check(ctx, s, [](sim::Stream& g, std::uint64_t) {
//       const double z = g.normal();
//       return z > 0 ? z * z : 0.0;
//     }));
//   };
//   reg.add(c);
//
// Error rates of a claim: its exact, closed-form and property sub-checks are deterministic
// (no false FAILS beyond the tolerance they state); each Monte Carlo sub-check (mc_mean_check,
// mc_ratio_check) rejects a true theory value with probability ctx.alpha_per_test, the run's
// alpha split over the registry's Monte Carlo tests (Bonferroni), so a claim declaring mc_tests = k
// is falsely FAILed with probability <= k x alpha_per_test. A claim's mc_tests must equal the
// number of Monte Carlo tests its check performs (Registry::run reports ERROR otherwise).
#include "claims/core/claim.hpp"
#include "claims/core/mc_check.hpp"
#include "sim/rng.hpp"

#include <Eigen/Core>
#include <boost/math/tools/minima.hpp>
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace regcheck::claims {

// The claim's result from its sub-checks: verdict by summarize (any FAILS -> FAILS, else any
// INCONCLUSIVE -> INCONCLUSIVE, else HOLDS), the alpha spent, and, for FAILS, the counterexample:
// the first failing sub-check, named with its numbers (a property's smallest failing input, a
// prox's worst point, a Monte Carlo estimate with its CI, sample size and alpha). A claim with one
// Monte Carlo sub-check also shows its theory, estimate and CI in the table.
ClaimResult result_of(std::vector<CheckRecord> checks);

// An exact identity or closed form against an independent value: HOLDS iff |computed - expected|
// <= tolerance (a NaN fails). State the tolerance's reason in the `why` text (e.g. "8 eps x
// |expected|: 8 roundings of the closed form"); tolerance >= 0, else std::invalid_argument.
CheckRecord exact_record(std::string name, double computed, double expected, double tolerance, std::string why = {});

// Monte Carlo ratio test: E[a] / E[b] against theory, where sample(Stream&, index) returns the
// pair (a, b) of one sample (Eigen::Vector2d). The estimate mean(a) / mean(b) is tested with the
// delta-method standard error sqrt((Var a - 2 r Cov(a, b) + r^2 Var b) / n) / |mean b| and a
// normal reference (the CLT for the pair; n >= 10^4 recommended) at ctx.alpha_per_test, so it
// rejects a true ratio with probability ~alpha (asymptotically). Then a power self-test as
// mc_mean_check's (an independent sample tested against theory + detectable deviation). One
// Monte Carlo test. Throws std::invalid_argument for n < 2.
template <class Sampler>
std::vector<CheckRecord> mc_ratio_check(const CheckContext& ctx, const McCheckSpec& spec, Sampler&& sample) {
  if (spec.n < 2) throw std::invalid_argument(fmt::format("mc_ratio_check '{}': n = {} (allowed: >= 2)", spec.name, spec.n));
  const sim::MeanTestOptions opt = ctx.mean_test(spec.resolution);
  sim::McOptions mc = ctx.mc();
  mc.block_size = spec.block_size;
  auto test = [&](const std::string& stream, double theory) {
    const auto w = sim::run_samples<sim::MultiWelford<2>>(sim::stream_id(stream), 0, spec.n, mc, sample);
    const double r = w.mean()(0) / w.mean()(1);
    const Eigen::Matrix2d c = w.covariance();
    const double var = std::max(0.0, c(0, 0) - 2 * r * c(0, 1) + r * r * c(1, 1));
    const double se = std::sqrt(var / static_cast<double>(spec.n)) / std::abs(w.mean()(1));
    return sim::test_estimate(r, se, spec.n, theory, opt);
  };
  const sim::MeanTestResult main = test(spec.stream, spec.theory);
  std::vector<CheckRecord> out{record_from(spec.name, main, opt.alpha)};
  if (spec.power_self_test) {
    out.push_back(power_self_test_record(spec.name, test(spec.stream + "#power", spec.theory + main.detectable_deviation), opt));
  }
  return out;
}

// A proximal operator against brute-force minimization: for each v in `points`, the minimizer of
// objective(x, v) (e.g. 0.5 (x - v)^2 + l1 |x| + 0.5 l2 x^2) over [v - half_width, v + half_width]
// by Boost.Math's Brent search at 52 bits, against prox(v). HOLDS iff the largest |prox(v) - x_brent|
// <= tolerance. Brent locates a smooth minimum to about sqrt(eps) x scale (the objective is flat
// there to first order: a deviation of 1e-8 changes it by 1e-16), a kink (x = 0 of |x|) to a few eps,
// so the tolerance must be at least ~1e-7 x (1 + |v|): state it. The counterexample is the v with
// the largest error. Throws std::invalid_argument for no points, half_width <= 0 or tolerance < 0.
CheckRecord prox_vs_brute_force(std::string name, const std::function<double(double)>& prox,
                                const std::function<double(double x, double v)>& objective, const std::vector<double>& points,
                                double half_width, double tolerance, std::string why = {});

// A property over random inputs: n inputs generate(Stream&) from the counter-based stream
// (ctx.seed, stream, i) (the same inputs for the same seed, any thread count), each tested by
// holds(input). HOLDS iff no input violates it (deterministic for a fixed seed: no alpha spent);
// FAILS names the count of violations and the smallest failing input by size(input) (e.g. |x|,
// the dimension), described by describe(input). n >= 1, else std::invalid_argument.
template <class Input>
CheckRecord property_check(const CheckContext& ctx, std::string name, const std::string& stream, std::uint64_t n,
                           const std::function<Input(sim::Stream&)>& generate, const std::function<bool(const Input&)>& holds,
                           const std::function<std::string(const Input&)>& describe,
                           const std::function<double(const Input&)>& size = {}) {
  if (n < 1) throw std::invalid_argument(fmt::format("property_check '{}': n = {} (allowed: >= 1)", name, n));
  std::uint64_t violations = 0;
  std::optional<Input> smallest;
  double smallest_size = std::numeric_limits<double>::infinity();
  for (std::uint64_t i = 0; i < n; ++i) {
    sim::Stream rng(ctx.seed, sim::stream_id(stream), i);
    Input x = generate(rng);
    if (holds(x)) continue;
    ++violations;
    const double s = size ? size(x) : static_cast<double>(i);  // default: the first failing input
    if (!smallest || s < smallest_size) {
      smallest_size = s;
      smallest = std::move(x);
    }
  }
  CheckRecord c = tolerance_record(std::move(name), "property", static_cast<double>(violations), 0.0,
                                   smallest ? fmt::format("{} of {} inputs violate it; smallest: {}", violations, n, describe(*smallest))
                                            : fmt::format("all {} random inputs satisfy it", n),
                                   n);
  return c;
}

}  // namespace regcheck::claims
