// regcheck verify: checks the analytic claims and prints one row per claim; --json writes the
// same per claim, plus the run's seed, alpha and versions.
#include "app/cli_support.hpp"
#include "app/commands.hpp"
#include "claims/core/registry.hpp"

#include <Eigen/Core>
#include <boost/version.hpp>
#include <fmt/format.h>
#include <omp.h>

#include <cstdio>
#include <memory>
#include <set>
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
};

std::string fmt_num(const std::optional<double>& v) { return v ? fmt::format("{:.6g}", *v) : std::string("-"); }

std::string estimate_cell(const claims::ClaimResult& r) {
  if (r.estimate && r.ci_lo && r.ci_hi) return fmt::format("{:.6g} [{:.6g}, {:.6g}]", *r.estimate, *r.ci_lo, *r.ci_hi);
  if (r.error_to_tolerance) return fmt::format("err/tol {:.3g}", *r.error_to_tolerance);
  return fmt_num(r.estimate);
}

nlohmann::json versions() {
  return {{"regcheck", REGCHECK_VERSION},
          {"eigen", fmt::format("{}.{}.{}", EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION)},
          {"boost", fmt::format("{}.{}.{}", BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100)},
          {"compiler", __VERSION__},
          {"openmp", _OPENMP}};
}

int run_verify(const VerifyOptions& o) {
  const claims::Registry& reg = claims::all_claims();
  std::vector<const claims::Claim*> selected;
  std::set<std::string> ids(o.claim_ids.begin(), o.claim_ids.end());
  for (const std::string& id : ids)
    if (!reg.find(id)) throw UsageError(fmt::format("--claim: unknown claim ID '{}' (see 'regcheck verify --list')", id));
  for (const claims::Claim& c : reg.claims()) {
    const bool by_id = ids.empty() || ids.count(c.id);
    const bool by_source = o.sources.empty() || std::find(o.sources.begin(), o.sources.end(), c.source) != o.sources.end();
    if (by_id && by_source) selected.push_back(&c);
  }
  if (o.list) {
    for (const claims::Claim* c : selected)
      fmt::print("{:<36} {:<8} expected {:<6} {}\n", c->id, c->source, sim::to_string(c->expected), c->method);
    return 0;
  }
  if (selected.empty()) throw UsageError("no claim matches the --claim/--source selection");
  if (!o.json.empty()) check_writable("--json", o.json);

  claims::CheckContext ctx;
  ctx.seed = o.seed;
  ctx.threads = o.threads ? *o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  ctx.alpha_total = o.alpha;
  ctx.alpha_per_test = o.alpha / std::max(1, reg.total_mc_tests());

  fmt::print("regcheck verify: {} claims, seed {}, threads {}, family-wise alpha {:g} ({:.3g} per Monte Carlo test, Bonferroni over {})\n",
             selected.size(), ctx.seed, ctx.threads, ctx.alpha_total, ctx.alpha_per_test, reg.total_mc_tests());
  fmt::print("{:<40} {:<28} {:<12} {:<36} {:<13} {:<11} {:>8}\n", "ID", "method", "theory", "estimate [CI] / worst err/tol",
             "verdict", "detectable", "seconds");
  nlohmann::json results = nlohmann::json::array();
  int mismatches = 0;
  std::map<std::string, int> counts;
  for (const claims::Claim* c : selected) {
    const claims::ClaimResult r = reg.run(*c, ctx);
    const bool ok = r.verdict == r.expected;
    mismatches += !ok;
    ++counts[sim::to_string(r.verdict)];
    std::string verdict = sim::to_string(r.verdict);
    if (!ok) verdict += fmt::format(" (expected {})", sim::to_string(r.expected));
    else if (r.verdict != sim::Verdict::Holds) verdict += " (expected)";
    fmt::print("{:<40} {:<28} {:<12} {:<36} {:<13} {:<11} {:>8.2f}\n", r.id, r.method.substr(0, 28),
               r.theory ? fmt_num(r.theory) : r.theory_text.substr(0, 12), estimate_cell(r), verdict,
               fmt_num(r.detectable_deviation), r.seconds);
    if (r.verdict == sim::Verdict::Fails && !r.counterexample.empty()) fmt::print("    counterexample: {}\n", r.counterexample);
    if (r.verdict == sim::Verdict::Error)
      for (const auto& ch : r.checks)
        if (ch.verdict == sim::Verdict::Error) fmt::print("    error: {}\n", ch.detail);
    std::fflush(stdout);
    results.push_back(claims::to_json(r));
  }
  fmt::print("summary: {} HOLDS, {} FAILS, {} INCONCLUSIVE, {} ERROR; {} verdict(s) differ from the registry's expectation\n",
             counts["HOLDS"], counts["FAILS"], counts["INCONCLUSIVE"], counts["ERROR"], mismatches);
  if (!o.json.empty()) {
    nlohmann::json doc;
    doc["tool"] = "regcheck verify";
    doc["seed"] = ctx.seed;
    doc["threads"] = ctx.threads;
    doc["alpha"] = ctx.alpha_total;
    doc["alpha_per_test"] = ctx.alpha_per_test;
    doc["mc_tests_total"] = reg.total_mc_tests();
    doc["versions"] = versions();
    doc["claims"] = results;
    doc["summary"] = {{"holds", counts["HOLDS"]}, {"fails", counts["FAILS"]}, {"inconclusive", counts["INCONCLUSIVE"]},
                      {"error", counts["ERROR"]}, {"mismatches", mismatches}};
    write_atomically(o.json, doc.dump(2) + "\n");
  }
  return mismatches == 0 ? 0 : 1;
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
  return [o]() {
    if (o->threads) require_range("--threads", *o->threads, 1, 256, "1..256");
    // Lower bound: alpha is split over every Monte Carlo test (Bonferroni), the looks of the
    // sequential tests and the two tails; from 1e-300 every share stays a normal double (> 2.2e-308)
    // and the complemented quantiles stay finite. Below it the share would underflow to 0.
    if (!(o->alpha >= 1e-300 && o->alpha <= 0.5))
      throw UsageError(fmt::format("--alpha: value {} is out of range (allowed: 1e-300 <= alpha <= 0.5)", o->alpha));
    return run_verify(*o);
  };
}

}  // namespace regcheck::app
