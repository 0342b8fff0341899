// regcheck verify: checks the analytic claims and prints one row per claim; --json writes the
// same per claim, plus the run's seed, alpha and versions. After the claims, the engine checks
// itself (power self-tests missed vs Binomial(k, 0.01)). --calibrate N instead runs the selected
// claims for N seeds at a raised alpha and a lowered power and compares the observed false-FAIL
// and self-test detection rates with their nominal values (simulation-based calibration).
// The driver itself is the library's (claims/core/verify_driver.hpp); this file is its CLI.
// Under mpirun (the MPI build, -DREGCHECK_MPI=ON) the selected claims are spread over the ranks by
// reproduce's MPI queue (app/run_executor.hpp): each rank checks whole claims with --threads
// threads (default: the hardware threads / the ranks on this node), rank 0 prints and writes the
// serial run's table, JSON and exit code; the other ranks print nothing.
#include "app/run_executor.hpp"
#include "app/cli_support.hpp"
#include "app/commands.hpp"
#include "claims/core/registry.hpp"
#include "claims/core/verify_driver.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <string>
#include <thread>

namespace regcheck::app {

namespace {

// The driver's options plus the CLI's --list.
struct VerifyOptions : claims::VerifyOptions {
  bool list = false;
};

#ifdef REGCHECK_MPI
// Seconds per claim of the serial `regcheck verify` {default, --power high} (measured once,
// 2026-12-05, 2 threads on the shared 2-core machine at load 7-10; claims under 0.3 s in both
// are left out: 0), the estimate by which the MPI run hands out the longest claims first. Only
// the order depends on it, never a result. dlbook.7_10.bootstrap is 38% of the high run.
double catalog_claim_seconds(const claims::Claim& c, const claims::CheckContext& ctx) {
  static const std::map<std::string, std::array<double, 2>> seconds = {
      {"dropact.eq5.test-activation", {2.9, 11.2}},     {"dropact.prop5_1.penalty", {1.7, 3.8}},
      {"dropact.prop5_1.penalty.corrected", {1.5, 4.0}}, {"dropact.prop5_2.mean", {4.2, 20.6}},
      {"dropact.prop5_2.shift-ratio", {6.2, 12.8}},     {"dropact.sec5_2.vs-dropout", {5.7, 33.9}},
      {"gcsr.eq9.random-half", {16.7, 46.5}},           {"gcsr.eq9.coherence-closed-form", {8.2, 57.9}},
      {"tl1.eq23.group-prox", {0.9, 1.2}},              {"tl1.eq22.composition", {1.8, 2.5}},
      {"dlbook.7_3.constraint", {0.4, 0.6}},            {"dlbook.7_4.separable-logistic", {0.8, 1.1}},
      {"dlbook.7_6_1.input-noise", {2.6, 28.1}},        {"dlbook.7_6_2.weight-noise", {2.7, 28.5}},
      {"dlbook.7_10.ensemble-mse", {2.8, 29.7}},        {"dlbook.7_10.bootstrap", {2.5, 172.0}},
  };
  const auto it = seconds.find(c.id);
  return it == seconds.end() ? 0.0 : it->second[ctx.power == claims::CheckContext::Power::High ? 1 : 0];
}
#endif

int run(const VerifyOptions& o) {
  const claims::Registry& reg = claims::all_claims();
  const std::vector<const claims::Claim*> selected = claims::select_claims(reg, o);
  if (o.list) {
#ifdef REGCHECK_MPI
    if (is_mpi_worker()) return 0;  // under mpirun, rank 0 alone lists
#endif
    claims::print_claim_list(selected);
    return 0;
  }
  if (selected.empty()) throw UsageError("no claim matches the --claim/--source selection");
  if (!o.json.empty()) check_writable("--json", o.json);
  claims::VerifyOptions run = o;
  run.write_file = write_atomically;  // the CLI's writer: fsync, permissions kept, UsageError on failure
#ifdef REGCHECK_MPI
  // Every rank has validated the same arguments before MPI starts, so a usage error is one line
  // and exit 2 on every rank, and none waits for another.
  if (started_by_mpirun()) {
    if (run.calibrate > 0)
      throw UsageError("--calibrate: not available under mpirun (its seeds run in one process: start it without mpirun)");
    const std::unique_ptr<RunExecutor> executor = make_mpi_executor();
    if (!run.threads)
      run.threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / std::max(1, executor->local_ranks()));
    run.executor.reports = executor->owns_store();
    run.executor.ranks = executor->ranks();
    run.executor.cost = catalog_claim_seconds;
    run.executor.execute = [&executor](const std::vector<std::size_t>& order, const std::function<nlohmann::json(std::size_t)>& one,
                                       const std::function<void(std::size_t, nlohmann::json&&)>& keep) {
      executor->execute_tasks(order, [&one](std::size_t i, const std::function<void()>&) -> std::optional<nlohmann::json> { return one(i); },
                              keep);
    };
    return claims::run_verify(reg, run, selected);
  }
#endif
  return run.calibrate > 0 ? claims::run_calibrate(reg, run, selected) : claims::run_verify(reg, run, selected);
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
