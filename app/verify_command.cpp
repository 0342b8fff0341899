// regcheck verify: checks the analytic claims and prints one row per claim; --json writes the
// same per claim, plus the run's seed, alpha and versions. After the claims, the engine checks
// itself (power self-tests missed vs Binomial(k, 0.01)). --calibrate N instead runs the selected
// claims for N seeds at a raised alpha and a lowered power and compares the observed false-FAIL
// and self-test detection rates with their nominal values (simulation-based calibration).
#include "app/cli_support.hpp"
#include "app/commands.hpp"
#include "claims/core/engine_known_answers.hpp"
#include "claims/core/registry.hpp"
#include "sim/calibration.hpp"

#include <Eigen/Core>
#include <boost/version.hpp>
#include <fmt/format.h>
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <set>
#include <stdexcept>
#include <thread>

namespace regcheck::app {

namespace {

struct VerifyOptions {
  std::vector<std::string> claim_ids;
  std::vector<std::string> sources;
  std::uint64_t seed = 20261123;
  std::optional<int> threads;  // default: all hardware threads
  double alpha = 1e-6;
  std::string json;
  bool list = false;
  std::string power = "default";
  int calibrate = 0;  // number of seeds; 0: an ordinary run
  double calibrate_alpha = 0.05;
  double calibrate_power = 0.9;
  double calibrate_fraction = 0.01;
  double calibrate_inject = 1;  // test hook: the tests run at inject x the nominal miss rates
};

// Each power self-test misses with probability 1 - power = 0.01 by design; the run's count of
// misses is flagged when above this upper tail quantile of Binomial(k, 0.01).
constexpr double kSelfCheckLevel = 1e-6;
// --calibrate: a rate is "inconsistent" when its Clopper-Pearson interval at 1 - this level
// excludes the nominal rate; sizes are stated for catching a 2x error with this power.
constexpr double kCalibrationLevel = 1e-3;
constexpr double kCalibrationPower = 0.99;

std::string fmt_num(const std::optional<double>& v) { return v ? fmt::format("{:.6g}", *v) : std::string("-"); }

std::string estimate_cell(const claims::ClaimResult& r) {
  if (r.estimate && r.ci_lo && r.ci_hi) return fmt::format("{:.6g} [{:.6g}, {:.6g}]", *r.estimate, *r.ci_lo, *r.ci_hi);
  if (r.error_to_tolerance) return fmt::format("err/tol {:.3g}", *r.error_to_tolerance);
  return fmt_num(r.estimate);
}

std::string detectable_cell(const std::optional<claims::WorstDetectable>& w) {
  if (!w) return "-";
  return fmt::format("{:.2g}{}{}", w->d.value, w->d.absolute ? " abs" : "", w->d.score() > 1 ? " !" : "");
}

claims::CheckContext::Power parse_power(const std::string& s) {
  return s == "high" ? claims::CheckContext::Power::High : claims::CheckContext::Power::Default;
}

nlohmann::json versions() {
  return {{"regcheck", REGCHECK_VERSION},
          {"eigen", fmt::format("{}.{}.{}", EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION)},
          {"boost", fmt::format("{}.{}.{}", BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100)},
          {"compiler", __VERSION__},
          {"openmp", _OPENMP}};
}

std::vector<const claims::Claim*> select_claims(const claims::Registry& reg, const VerifyOptions& o) {
  std::vector<const claims::Claim*> selected;
  std::set<std::string> ids(o.claim_ids.begin(), o.claim_ids.end());
  for (const std::string& id : ids)
    if (!reg.find(id)) throw UsageError(fmt::format("--claim: unknown claim ID '{}' (see 'regcheck verify --list')", id));
  for (const claims::Claim& c : reg.claims()) {
    const bool by_id = ids.empty() || ids.count(c.id);
    const bool by_source = o.sources.empty() || std::find(o.sources.begin(), o.sources.end(), c.source) != o.sources.end();
    if (by_id && by_source) selected.push_back(&c);
  }
  return selected;
}

claims::CheckContext base_context(const claims::Registry& reg, const VerifyOptions& o) {
  claims::CheckContext ctx;
  ctx.seed = o.seed;
  ctx.threads = o.threads ? *o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  ctx.power = parse_power(o.power);
  ctx.alpha_total = o.alpha;
  ctx.alpha_per_test = o.alpha / std::max(1, reg.total_mc_tests());
  return ctx;
}

int run_verify(const VerifyOptions& o, const std::vector<const claims::Claim*>& selected) {
  const claims::Registry& reg = claims::all_claims();
  const claims::CheckContext ctx = base_context(reg, o);
  // Bonferroni: every Monte Carlo test of the registry gets alpha / (their total number), so the
  // family-wise false-FAIL probability is <= alpha whichever claims run. The split itself is one of
  // the engine's known-answer tests below; each claim's count is checked against its records by
  // Registry::run (check_bonferroni_accounting).
  const int total = reg.total_mc_tests();
  const double target = ctx.target_relative_resolution();
  // Engine known-answer tests (claims/core/engine_known_answers.hpp), before the claims: a failure
  // names the function, input, expected and got; the claims still run (their rows are then not to
  // be trusted) and verify exits 3, the engine self-check's code.
  const auto kat_start = std::chrono::steady_clock::now();
  const std::vector<claims::KnownAnswer> kats = claims::engine_known_answers(reg, ctx);
  const double kat_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - kat_start).count();
  int kat_agree = 0;
  nlohmann::json kat_failed = nlohmann::json::array();
  for (const claims::KnownAnswer& k : kats) {
    kat_agree += k.agree;
    if (!k.agree) {
      fmt::print("engine known-answer test FAILED: {}\n", claims::describe(k));
      kat_failed.push_back({{"function", k.function}, {"input", k.input}, {"expected", k.expected}, {"got", k.got},
                            {"tolerance", k.tolerance}, {"source", k.source}});
    }
  }
  const bool kat_ok = kat_agree == static_cast<int>(kats.size());
  fmt::print("engine known-answer tests: {} of {} agree{} ({:.0f} ms)\n", kat_agree, kats.size(), kat_ok ? "" : " (FAILED)",
             kat_ms);

  fmt::print("regcheck verify: {} claims, seed {}, threads {}, family-wise alpha {:g} ({:.3g} per Monte Carlo test, Bonferroni over {})\n",
             selected.size(), ctx.seed, ctx.threads, ctx.alpha_total, ctx.alpha_per_test, total);
  fmt::print("power {}: each Monte Carlo sub-check must detect a deviation of {:g} x |theory| at power {:g}\n", o.power, target,
             ctx.power_level);
  fmt::print("{:<40} {:<28} {:<12} {:<36} {:<13} {:<11} {:>8}\n", "ID", "method", "theory", "estimate [CI] / worst err/tol",
             "verdict", "rel. detect", "seconds");
  nlohmann::json results = nlohmann::json::array();
  int mismatches = 0;
  std::map<std::string, int> counts;
  std::optional<claims::WorstDetectable> worst;
  std::string worst_id;
  int missing_target = 0, self_tests = 0, self_missed = 0;
  for (const claims::Claim* c : selected) {
    const claims::ClaimResult r = reg.run(*c, ctx);
    const bool ok = r.verdict == r.expected;
    mismatches += !ok;
    ++counts[sim::to_string(r.verdict)];
    std::string verdict = sim::to_string(r.verdict);
    if (!ok) verdict += fmt::format(" (expected {})", sim::to_string(r.expected));
    else if (r.verdict != sim::Verdict::Holds) verdict += " (expected)";
    const auto w = claims::worst_detectable(r, target);
    if (w && (!worst || !(w->d.score() <= worst->d.score()))) {
      worst = w;
      worst_id = r.id;
    }
    for (const auto& ch : r.checks) {
      if (ch.method == "monte-carlo") {
        const auto d = claims::relative_detectable(ch, target);
        missing_target += d && !(d->score() <= 1);
      }
      // The self-tests' miss probability is 1 - power only where the theory value is the truth,
      // i.e. for claims expected to hold; a claim expected to fail has no such guarantee.
      if (ch.method == "power-self-test" && c->expected == sim::Verdict::Holds) {
        ++self_tests;
        self_missed += ch.verdict != sim::Verdict::Holds;
      }
    }
    fmt::print("{:<40} {:<28} {:<12} {:<36} {:<13} {:<11} {:>8.2f}\n", r.id, r.method.substr(0, 28),
               r.theory ? fmt_num(r.theory) : r.theory_text.substr(0, 12), estimate_cell(r), verdict, detectable_cell(w),
               r.seconds);
    if (r.verdict == sim::Verdict::Fails && !r.counterexample.empty()) fmt::print("    counterexample: {}\n", r.counterexample);
    if (r.verdict == sim::Verdict::Error)
      for (const auto& ch : r.checks)
        if (ch.verdict == sim::Verdict::Error) fmt::print("    error: {}\n", ch.detail);
    std::fflush(stdout);
    results.push_back(claims::to_json(r));
  }
  fmt::print("summary: {} HOLDS, {} FAILS, {} INCONCLUSIVE, {} ERROR; {} verdict(s) differ from the registry's expectation\n",
             counts["HOLDS"], counts["FAILS"], counts["INCONCLUSIVE"], counts["ERROR"], mismatches);
  nlohmann::json worst_json;
  if (worst) {
    fmt::print("worst detectable deviation: {:.3g} {} (target {:g}) at {} / {}; {} Monte Carlo sub-check(s) above their target\n",
               worst->d.value, worst->d.absolute ? "absolute (theory 0)" : "relative", worst->d.target, worst_id,
               worst->check, missing_target);
    worst_json = {{"claim", worst_id}, {"check", worst->check}, {"value", worst->d.value},
                  {"absolute", worst->d.absolute}, {"above_target", missing_target}};
    if (std::isfinite(worst->d.target)) worst_json["target"] = worst->d.target;
  } else {
    fmt::print("worst detectable deviation: - (no Monte Carlo sub-check ran)\n");
  }
  // Engine self-check: each self-test misses with probability 1 - power, independently (own
  // streams), so the count is Binomial(k, 0.01); more than its 1e-6 upper quantile means the
  // engine's tests do not have the power they report.
  const std::uint64_t allowed = sim::binomial_upper_limit(static_cast<std::uint64_t>(self_tests), 1 - ctx.power_level, kSelfCheckLevel);
  const bool self_ok = static_cast<std::uint64_t>(self_missed) <= allowed;
  if (self_ok)
    fmt::print("engine self-check: {} of {} power self-tests missed (Binomial({}, {:g}) allows <= {} at {:g})\n", self_missed,
               self_tests, self_tests, 1 - ctx.power_level, allowed, kSelfCheckLevel);
  else
    fmt::print("engine self-check FAILED: {} of {} power self-tests missed (Binomial({}, {:g}) allows <= {} at {:g})\n",
               self_missed, self_tests, self_tests, 1 - ctx.power_level, allowed, kSelfCheckLevel);
  if (!o.json.empty()) {
    nlohmann::json doc;
    doc["tool"] = "regcheck verify";
    doc["seed"] = ctx.seed;
    doc["threads"] = ctx.threads;
    doc["alpha"] = ctx.alpha_total;
    doc["alpha_per_test"] = ctx.alpha_per_test;
    doc["mc_tests_total"] = total;
    doc["power"] = o.power;
    doc["target_relative_resolution"] = target;
    doc["worst_detectable"] = worst_json;
    doc["versions"] = versions();
    doc["claims"] = results;
    doc["summary"] = {{"holds", counts["HOLDS"]}, {"fails", counts["FAILS"]}, {"inconclusive", counts["INCONCLUSIVE"]},
                      {"error", counts["ERROR"]}, {"mismatches", mismatches}};
    doc["engine_self_check"] = {{"power_self_tests", self_tests}, {"missed", self_missed}, {"allowed", allowed},
                                {"level", kSelfCheckLevel}, {"passed", self_ok && kat_ok},
                                {"known_answers", {{"total", kats.size()}, {"agree", kat_agree}, {"failed", kat_failed}}}};
    write_atomically(o.json, doc.dump(2) + "\n");
  }
  if (!self_ok || !kat_ok) return 3;
  return mismatches == 0 ? 0 : 1;
}

// One observed rate of --calibrate against its nominal value. upper_only: only a rate above the
// nominal one is an error (the power self-test miss rate: the detectable deviation promises AT
// LEAST the stated power; RQMC replicate means have lighter tails than normal, so their estimated
// se varies less than the chi distribution the multiplier assumes and they miss less often than
// nominal, e.g. 0.064 for 0.1; that is reported as "conservative", not as an inconsistency).
nlohmann::json rate_report(const std::string& what, std::uint64_t events, std::uint64_t trials, double nominal, bool* consistent,
                           bool upper_only = false) {
  nlohmann::json j = {{"events", events}, {"trials", trials}, {"nominal", nominal}};
  const std::uint64_t need = sim::trials_to_detect(nominal, 2.0, kCalibrationLevel, kCalibrationPower);
  j["trials_to_catch_2x"] = need;
  if (trials == 0) {
    fmt::print("{}: no trials (no claim expected to hold has a Monte Carlo test in the selection)\n", what);
    j["consistent"] = nullptr;
    return j;
  }
  const sim::RateInterval ci = sim::clopper_pearson(events, trials, kCalibrationLevel);
  *consistent = ci.lo <= nominal && (upper_only || nominal <= ci.hi);
  const bool conservative = upper_only && ci.hi < nominal;
  const double rate = static_cast<double>(events) / static_cast<double>(trials);
  fmt::print("{}: {} / {} = {:.4f}, Clopper-Pearson {:g}% CI [{:.4f}, {:.4f}], nominal {:g}: {} at level {:g} "
             "({} trials catch a 2x error with power {:g}{})\n",
             what, events, trials, rate, 100 * (1 - kCalibrationLevel), ci.lo, ci.hi, nominal,
             !*consistent ? "inconsistent" : conservative ? "consistent (conservative: below nominal)" : "consistent",
             kCalibrationLevel, need, kCalibrationPower,
             trials >= need ? "; this run has enough" : "; this run has fewer");
  j.update({{"rate", rate}, {"ci_lo", ci.lo}, {"ci_hi", ci.hi}, {"consistent", *consistent}, {"conservative", conservative},
            {"one_sided", upper_only}});
  return j;
}

// Simulation-based calibration: the selected claims for seeds seed .. seed + N - 1, each Monte
// Carlo test at the raised level --calibrate-alpha and power --calibrate-power, samples scaled by
// --calibrate-fraction. Over claims expected to hold (theory = truth), a test's FAILS is a false
// FAIL (nominal rate alpha) and a power self-test's detection has nominal rate `power`. The
// tests of one seed may share draws (common random numbers across a claim's sub-checks), so the
// trials are not all independent: the binomial interval is then somewhat too narrow, which can
// only make the verdict "inconsistent" more likely, never hide a miscalibration.
int run_calibrate(const VerifyOptions& o, const std::vector<const claims::Claim*>& selected) {
  const claims::Registry& reg = claims::all_claims();
  claims::CheckContext ctx = base_context(reg, o);
  const double miss = 1 - o.calibrate_power;
  // The test hook --calibrate-inject F runs the tests at F x the nominal rates (alpha, miss) while
  // comparing against the nominal ones: F = 2 must be reported inconsistent.
  ctx.alpha_per_test = o.calibrate_alpha * o.calibrate_inject;
  ctx.power_level = 1 - miss * o.calibrate_inject;
  ctx.sample_fraction = o.calibrate_fraction;
  fmt::print("regcheck verify --calibrate: {} claims x {} seeds from {}, alpha {:g} per test, power {:g}, sample fraction {:g} "
             "(floor {} samples; the rates are those of the smaller samples, asymptotically nominal){}\n",
             selected.size(), o.calibrate, o.seed, o.calibrate_alpha, o.calibrate_power, o.calibrate_fraction,
             claims::CheckContext::kMinCalibrationSamples,
             o.calibrate_inject != 1 ? fmt::format("; TEST HOOK: tests run at {:g} x the nominal rates", o.calibrate_inject) : "");
  std::uint64_t ff = 0, ff_n = 0, det = 0, det_n = 0;
  int errors = 0;
  std::set<std::string> skipped;
  for (int k = 0; k < o.calibrate; ++k) {
    ctx.seed = o.seed + static_cast<std::uint64_t>(k);
    for (const claims::Claim* c : selected) {
      if (c->expected != sim::Verdict::Holds) {
        skipped.insert(c->id);
        continue;
      }
      const claims::ClaimResult r = reg.run(*c, ctx);
      if (r.verdict == sim::Verdict::Error) {
        ++errors;
        for (const auto& ch : r.checks)
          if (ch.verdict == sim::Verdict::Error) fmt::print("    error ({} seed {}): {}\n", c->id, ctx.seed, ch.detail);
        continue;
      }
      for (const auto& ch : r.checks) {
        if (ch.method == "monte-carlo") {
          ++ff_n;
          ff += ch.verdict == sim::Verdict::Fails;
        } else if (ch.method == "power-self-test") {
          ++det_n;
          det += ch.verdict == sim::Verdict::Holds;
        }
      }
    }
  }
  if (!skipped.empty()) fmt::print("not counted (expected not to hold, theory != truth): {}\n", fmt::join(skipped, ", "));
  bool ok_a = true, ok_p = true;
  nlohmann::json doc;
  doc["false_fail"] = rate_report("false-FAIL rate", ff, ff_n, o.calibrate_alpha, &ok_a);
  // Reported as the miss rate 1 - detection, so that "2x error" means the same as for alpha.
  doc["power_self_test_miss"] = rate_report("power self-test miss rate", det_n - det, det_n, miss, &ok_p, /*upper_only=*/true);
  fmt::print("power self-test detection rate: {} / {} (nominal {:g})\n", det, det_n, o.calibrate_power);
  if (errors) fmt::print("{} claim run(s) ended in ERROR\n", errors);
  if (!o.json.empty()) {
    doc["tool"] = "regcheck verify --calibrate";
    doc["seeds"] = o.calibrate;
    doc["first_seed"] = o.seed;
    doc["claims"] = nlohmann::json::array();
    for (const claims::Claim* c : selected) doc["claims"].push_back(c->id);
    doc["alpha"] = o.calibrate_alpha;
    doc["power"] = o.calibrate_power;
    doc["sample_fraction"] = o.calibrate_fraction;
    doc["inject"] = o.calibrate_inject;
    doc["level"] = kCalibrationLevel;
    doc["errors"] = errors;
    doc["versions"] = versions();
    write_atomically(o.json, doc.dump(2) + "\n");
  }
  return ok_a && ok_p && errors == 0 ? 0 : 1;
}

int run(const VerifyOptions& o) {
  const claims::Registry& reg = claims::all_claims();
  const std::vector<const claims::Claim*> selected = select_claims(reg, o);
  if (o.list) {
    for (const claims::Claim* c : selected)
      fmt::print("{:<36} {:<8} expected {:<6} {}\n", c->id, c->source, sim::to_string(c->expected), c->method);
    return 0;
  }
  if (selected.empty()) throw UsageError("no claim matches the --claim/--source selection");
  if (!o.json.empty()) check_writable("--json", o.json);
  return o.calibrate > 0 ? run_calibrate(o, selected) : run_verify(o, selected);
}

}  // namespace

Runner add_verify_command(CLI::App& app) {
  auto o = std::make_shared<VerifyOptions>();
  CLI::App* cmd = app.add_subcommand("verify", "Check the analytic claims of the catalog (claims/CATALOG.md)");
  allowed(cmd->add_option("--claim", o->claim_ids, "Claim ID to check (repeatable; default: all)"),
          "a claim ID from 'regcheck verify --list'");
  cmd->add_option("--source", o->sources, "Only this source (repeatable)")
      ->check(CLI::IsMember({"dropact", "gcsr", "tl1", "dlbook"}));
  allowed(cmd->add_option("--seed", o->seed, "Random seed, 0..2^64-1 (results are a function of the seed alone)"),
          "an integer 0..18446744073709551615")
      ->check(seed_validator());
  allowed(cmd->add_option("--threads", o->threads, "Threads (1..256; default: all cores); results do not depend on it"), "1..256");
  allowed(cmd->add_option("--alpha", o->alpha, "Family-wise false-FAIL probability of the run, in [1e-300, 0.5]"),
          "1e-300 <= alpha <= 0.5");
  allowed(cmd->add_option("--json", o->json, "Write the results as JSON to this file (atomically)"), "a file path");
  cmd->add_flag("--list", o->list, "List the selected claims and exit");
  allowed(cmd->add_option("--power", o->power,
                          "Power level: default (every Monte Carlo sub-check resolves 1e-3 x |theory| at power 0.99) "
                          "or high (1e-4; larger samples)"),
          "default, high")
      ->check(CLI::IsMember({"default", "high"}));
  CLI::Option* calibrate = allowed(cmd->add_option("--calibrate", o->calibrate,
                          "Calibrate the checker: run the selected claims for N seeds (seed, seed+1, ...) and compare the "
                          "observed false-FAIL and power self-test miss rates with their nominal values (2..10000)"),
          "2..10000");
  allowed(cmd->add_option("--calibrate-alpha", o->calibrate_alpha, "Per-test alpha during --calibrate (0.001..0.5, default 0.05)"),
          "0.001..0.5");
  allowed(cmd->add_option("--calibrate-power", o->calibrate_power, "Power of the self-tests during --calibrate (0.5..0.999, default 0.9)"),
          "0.5..0.999");
  allowed(cmd->add_option("--calibrate-fraction", o->calibrate_fraction,
                          "Sample-size fraction during --calibrate (0.0001..1, default 0.01; floor 1024 samples per check)"),
          "0.0001..1");
  allowed(cmd->add_option("--calibrate-inject", o->calibrate_inject,
                          "Test hook: run the tests at F x the nominal alpha and miss rate while comparing against the "
                          "nominal ones (F = 2 must be reported inconsistent; default 1)"),
          "0.1..10, with F x alpha and F x (1 - power) below 1");
  cmd->footer(
      "Exit codes: 0 every verdict as the registry expects (--calibrate: both rates consistent); 1 a verdict differs "
      "(--calibrate: a rate inconsistent at level 1e-3, or a claim in ERROR); 2 bad usage; 3 engine self-check failed "
      "(more power self-tests missed than Binomial(k, 0.01) allows at 1e-6, or an engine known-answer test disagreed) or "
      "an internal error.");
  return [o, calibrate]() {
    if (o->threads) require_range("--threads", *o->threads, 1, 256, "1..256");
    // Lower bound: alpha is split over every Monte Carlo test (Bonferroni), the looks of the
    // sequential tests and the two tails; from 1e-300 every share stays a normal double (> 2.2e-308)
    // and the complemented quantiles stay finite. Below it the share would underflow to 0.
    if (!(o->alpha >= 1e-300 && o->alpha <= 0.5))
      throw UsageError(fmt::format("--alpha: value {} is out of range (allowed: 1e-300 <= alpha <= 0.5)", o->alpha));
    if (calibrate->count() > 0) {
      require_range("--calibrate", o->calibrate, 2, 10000, "2..10000");
      require_range("--calibrate-alpha", o->calibrate_alpha, 0.001, 0.5, "0.001..0.5");
      require_range("--calibrate-power", o->calibrate_power, 0.5, 0.999, "0.5..0.999");
      require_range("--calibrate-fraction", o->calibrate_fraction, 1e-4, 1, "0.0001..1");
      require_range("--calibrate-inject", o->calibrate_inject, 0.1, 10, "0.1..10");
      if (!(o->calibrate_inject * o->calibrate_alpha < 1 && o->calibrate_inject * (1 - o->calibrate_power) < 1))
        throw UsageError(fmt::format("--calibrate-inject: value {} makes a rate reach 1 (allowed: F x alpha and F x (1 - power) below 1)",
                                     o->calibrate_inject));
    }
    return run(*o);
  };
}

}  // namespace regcheck::app
