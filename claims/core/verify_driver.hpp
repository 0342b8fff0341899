#pragma once
// The verify driver: runs the claims of a Registry, prints one row per claim, writes the JSON of
// `regcheck verify --json`, runs the engine self-check, and returns verify's exit code. The CLI's
// `regcheck verify` is this driver on the catalog (claims::all_claims()); a program checking its
// own claims (README "Checking your own claims", examples/own-claims/) runs it on its own Registry,
// so its verdict rules, table and JSON are the CLI's, and `regcheck report --from` and
// `regcheck export-notebooks --from` read the JSON it writes.
//
// Verdict rules (claim.hpp, summarize): any sub-check FAILS (or ERROR) -> the claim FAILS (ERROR);
// else any INCONCLUSIVE -> INCONCLUSIVE; else HOLDS. A Monte Carlo sub-check FAILS when its test
// rejects theory at its share of alpha, and is INCONCLUSIVE when its detectable deviation at power
// 0.99 is above the resolution it states.
//
// Error rates: every Monte Carlo test of the registry runs at alpha / (the registry's total of
// Claim::mc_tests) (Bonferroni), so a run reports a false FAILS for a true claim with probability
// at most alpha (default 1e-6) whichever claims are selected. Each power self-test misses with
// probability 1 - 0.99 by design; the engine self-check flags a run whose count of misses is above
// the 1e-6 upper quantile of Binomial(k, 0.01) (exit code 3).
//
// Exit codes: 0 every verdict as the registry expects (Claim::expected); 1 a verdict differs;
// 2 bad usage (verify_main only: the message is printed); 3 engine self-check failed.
#include "claims/core/registry.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace regcheck::claims {

struct VerifyOptions {
  std::vector<std::string> claim_ids;  // empty: all (or all of `sources`)
  std::vector<std::string> sources;    // empty: every source
  std::uint64_t seed = 20261123;
  std::optional<int> threads;  // default: all hardware threads; results do not depend on it
  double alpha = 1e-6;         // family-wise false-FAIL probability of the run
  std::string json;            // write the results here ("" = no JSON)
  std::string power = "default";  // "default" (resolution 1e-3 x |theory|) or "high" (1e-4)
  // --calibrate (run_calibrate): seeds, per-test alpha, power, sample fraction, test hook.
  int calibrate = 0;
  double calibrate_alpha = 0.05;
  double calibrate_power = 0.9;
  double calibrate_fraction = 0.01;
  double calibrate_inject = 1;
  // Where the list of claim IDs is (named by the unknown-ID error).
  std::string list_hint = "regcheck verify --list";
  // Writes the JSON; default (empty): write_file_atomically. The CLI passes its own writer.
  std::function<void(const std::string& path, const std::string& content)> write_file;
  // Where run_verify checks the claims (the CLI's `mpirun -np N regcheck verify`, over MPI ranks:
  // app/mpi_executor.cpp). Empty execute: here, one after the other, in registry order (the
  // serial run). Otherwise execute(order, run, keep) is given the indices into the selected
  // claims in the order to hand them out (claim_order: longest first), run(i), which checks claim
  // i and returns to_json of its ClaimResult (callable on any thread or process), and keep(i,
  // json), to call in the reporting process, on the calling thread, once per claim in any order;
  // the rows are printed in registry order as they become available, and the summary, JSON,
  // self-check and exit code are the serial run's. A process with reports = false (an MPI worker)
  // only runs what it is given: it prints and writes nothing and run_verify returns 0.
  struct Executor {
    std::function<void(const std::vector<std::size_t>& order, const std::function<nlohmann::json(std::size_t)>& run,
                       const std::function<void(std::size_t, nlohmann::json&&)>& keep)>
        execute;
    bool reports = true;
    int ranks = 1;  // processes working at once (printed in the header when > 1)
    // claim_order's estimate of a claim's run time at the run's power level, in any unit; empty:
    // the claim's declared Monte Carlo test count (Claim::mc_tests).
    std::function<double(const Claim&, const CheckContext&)> cost;
  } executor;
};

// The claims selected by o.claim_ids and o.sources, in registry order. Throws
// std::invalid_argument naming an unknown claim ID.
std::vector<const Claim*> select_claims(const Registry& reg, const VerifyOptions& o);
// The inverse of to_json (claim.hpp; defined in claim.cpp): to_json(r2) == to_json(r) for r2 read
// from to_json(r) (non-finite numbers come back from their strings "nan", "inf", "-inf"; derived
// fields such as matches_expected are recomputed by to_json). An Executor's run(i) result comes
// back to the reporting process this way. Throws nlohmann::json::exception on a missing field and
// std::invalid_argument on an unknown verdict or non-finite string.
void from_json(const nlohmann::json& j, CheckRecord& c);
void from_json(const nlohmann::json& j, ClaimResult& r);

// The order in which an Executor hands out the selected claims (indices into `selected`): by
// decreasing estimated run time (cost(claim, ctx); empty cost: Claim::mc_tests, as each Monte
// Carlo test is a sample sized for the run's resolution), so that no process is left with a long
// claim at the end; ties in registry order.
std::vector<std::size_t> claim_order(const std::vector<const Claim*>& selected, const CheckContext& ctx,
                                     const std::function<double(const Claim&, const CheckContext&)>& cost = {});
// The check context of a run: seed, threads, power, alpha and its Bonferroni share alpha /
// reg.total_mc_tests(). Throws std::invalid_argument for threads outside 1..256, alpha outside
// [1e-300, 0.5], or a power other than "default"/"high".
CheckContext verify_context(const Registry& reg, const VerifyOptions& o);
// The ordinary run (see the top of this file); returns the exit code 0, 1 or 3.
int run_verify(const Registry& reg, const VerifyOptions& o, const std::vector<const Claim*>& selected);
// Simulation-based calibration of the selected claims over o.calibrate seeds (`regcheck verify
// --calibrate`): returns 0 when the false-FAIL and power self-test miss rates are consistent
// with nominal at level 1e-3, else 1.
int run_calibrate(const Registry& reg, const VerifyOptions& o, const std::vector<const Claim*>& selected);
// One line per selected claim: ID, source, expected verdict, method.
void print_claim_list(const std::vector<const Claim*>& selected);
// The "versions" object of the JSON (regcheck, Eigen, Boost, compiler, OpenMP).
nlohmann::json build_versions();

// A program of one's own claims in one call:
//   int main(int argc, char** argv) { return regcheck::claims::verify_main(argc, argv, my_registry()); }
// Commands (argv[0] names the program in messages):
//   list                               the claims (ID, source, expected verdict, method)
//   verify [--claim ID]... [--source S]... [--seed N] [--threads N] [--alpha A]
//          [--power default|high] [--json FILE]
// with the meanings and exit codes of `regcheck verify`. Bad usage prints "<prog>: error: <what
// was wrong and what is allowed>" and returns 2; an exception escaping a check is reported as the
// claim's ERROR verdict (Registry::run), never a crash.
int verify_main(int argc, char** argv, const Registry& reg);

// Writes `content` to `path` through a temporary file in the same folder and a rename, so that no
// half-written file is left; an existing device or FIFO (/dev/null) is written in place. Throws
// std::invalid_argument naming the path when it cannot be written.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace regcheck::claims
