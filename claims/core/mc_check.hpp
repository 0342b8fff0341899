#pragma once
// A Monte Carlo mean check as every claim uses it: the test against the theory value at this
// claim's share of alpha, then its power self-test.
//
// Power self-test: an independent sample of the same size (its own stream) is tested against the
// theory value moved by the detectable deviation delta; it must report FAILS. By construction it
// detects with probability ctx.power_level (0.99), so it is recorded (JSON "detected") and does not change the
// claim's verdict; the unit tests assert it for the fixed default seed.
#include "claims/core/claim.hpp"
#include "sim/mean_test.hpp"

#include <fmt/format.h>

#include <cmath>
#include <string>
#include <vector>

namespace regcheck::claims {

struct McCheckSpec {
  std::string name;     // sub-check name, e.g. "p=0.95"
  std::string stream;   // stream name: claim ID plus the sub-check, so streams never collide
  std::uint64_t n = 1'000'000;
  double theory = 0;
  double resolution = INFINITY;  // HOLDS needs detectable deviation <= resolution
  bool power_self_test = true;
  // Samples per sequential block (sim::McOptions): 1 when each sample is an expensive RQMC
  // replicate, so that the few replicates still spread over the threads.
  std::uint64_t block_size = 4096;
  // Stated bound on the statistic's systematic error (sim::MeanTestOptions::bias_bound): 0 except
  // where a check derives one (the noise slopes' finite-difference remainder).
  double bias_bound = 0;
};

CheckRecord record_from(const std::string& name, const sim::MeanTestResult& r, double alpha);

// The record of a power self-test (the test of an independent sample against theory + delta):
// HOLDS when it detected (FAILS of the test), INCONCLUSIVE when it did not (probability 1 - power).
inline CheckRecord power_self_test_record(const std::string& name, const sim::MeanTestResult& power,
                                          const sim::MeanTestOptions& opt) {
  CheckRecord p = record_from(name + " power self-test", power, opt.alpha);
  p.method = "power-self-test";
  p.detail = power.verdict == Verdict::Fails
                 ? "detected theory + delta (as required)"
                 : fmt::format("did not detect theory + delta (an event of probability {:g} by design)", 1 - opt.power);
  p.verdict = power.verdict == Verdict::Fails ? Verdict::Holds : Verdict::Inconclusive;
  return p;
}

template <class Sampler>
std::vector<CheckRecord> mc_mean_check(const CheckContext& ctx, const McCheckSpec& spec, Sampler&& sample) {
  sim::MeanTestOptions opt = ctx.mean_test(spec.resolution);
  opt.bias_bound = spec.bias_bound;
  sim::McOptions mc = ctx.mc();
  mc.block_size = spec.block_size;
  const sim::MeanTestResult main = sim::test_mean(sim::run_mean(spec.stream, spec.n, mc, sample), spec.theory, opt);
  std::vector<CheckRecord> out{record_from(spec.name, main, opt.alpha)};
  if (spec.power_self_test) {
    const double shifted = spec.theory + main.detectable_deviation;
    const sim::MeanTestResult power = sim::test_mean(sim::run_mean(spec.stream + "#power", spec.n, mc, sample), shifted, opt);
    out.push_back(power_self_test_record(spec.name, power, opt));
  }
  return out;
}

}  // namespace regcheck::claims
