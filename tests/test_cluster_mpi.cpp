// regcheck reproduce under mpirun (the MPI build, -DREGCHECK_MPI=ON): 3 ranks give the same store
// rows and the same report (but for timing) as a single process with the same seeds; a worker
// rank killed mid-run (test hook REGCHECK_TEST_MPI_DIE_AFTER) ends the job with the runs rank 0
// received kept, and a rerun trains only the missing ones, to the same report. `mpirun -np 3
// regcheck verify` prints the serial run's rows in registry order and writes its JSON and exit
// code (but for timing). Skipped in the plain build (no MPI) and where mpirun is missing.
#include "tests/support/cli_harness.hpp"
#include "tests/support/reproduce_compare.hpp"

#include "claims/core/verify_driver.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <filesystem>
#include <regex>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {
using regcheck::test::CliRun;
using regcheck::test::normalized;
using regcheck::test::scratch;
using regcheck::test::slurp;
using regcheck::test::store_rows;

// Two experiments (12 + 12 runs at smoke scale with 6 seeds; different estimated run times, so
// the longest-first order differs from the plan order).
const std::string kSel = "--claim dlbook.fig7_3.early-stopping --claim dlbook.7_11.inference --scale smoke --seeds 6";

// `command` with its arguments under mpirun; `command` defaults to reproduce with kSel.
CliRun mpirun(int ranks, const std::string& args, const std::string& env = "", const std::string& command = "reproduce " + kSel) {
  const fs::path d = scratch();
  // timeout: a rank waiting for one that left must fail the test, not hang it.
  const std::string cmd = env + " timeout 300 mpirun --oversubscribe --allow-run-as-root -np " + std::to_string(ranks) + " " + REGCHECK_BIN +
                          " " + command + " " + args + " > " + (d / "mpi.out").string() + " 2> " + (d / "mpi.err").string();
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(d / "mpi.out"), slurp(d / "mpi.err")};
}

// verify: six cheap claims (~10 s serial at 1 thread), two expected to FAIL (one by Monte Carlo,
// one exact), from three sources, with 0, 1 and several Monte Carlo tests, so that the
// longest-first order differs from registry order. --threads 1 on both sides (the JSON records it).
const std::string kVerifySel =
    "verify --threads 1 --claim dropact.prop5_1.penalty --claim dropact.prop5_1.penalty.corrected --claim tl1.eq36.prox "
    "--claim dlbook.7_2_1.ridge --claim dlbook.7_6_1.input-noise --claim dlbook.7_10.bootstrap";

// verify's printed rows (from the column header on) without the seconds column.
std::string table_rows(const std::string& out) {
  std::istringstream in(out);
  std::string line, rows;
  bool table = false;
  while (std::getline(in, line)) {
    table = table || line.rfind("ID ", 0) == 0;
    if (table) rows += std::regex_replace(line, std::regex(" +[0-9]+\\.[0-9]{2}$"), "") + "\n";
  }
  return rows;
}

void require_mpi() {
#ifndef REGCHECK_MPI
  GTEST_SKIP() << "regcheck built without MPI (configure with -DREGCHECK_MPI=ON)";
#endif
  if (std::system("command -v mpirun > /dev/null") != 0) GTEST_SKIP() << "mpirun not installed (Debian openmpi-bin)";
}
}  // namespace

TEST(ClusterMpi, ThreeRanksMatchTheSingleProcessRun) {
  require_mpi();
  if (testing::Test::IsSkipped()) return;
  const fs::path d = scratch();
  const CliRun one = regcheck::test::run("reproduce " + kSel + " --store " + (d / "one.sqlite").string() + " --json " + (d / "one.json").string());
  ASSERT_TRUE(one.code == 0 || one.code == 1) << one.out << one.err;
  const CliRun three = mpirun(3, "--store " + (d / "three.sqlite").string() + " --json " + (d / "three.json").string());
  ASSERT_EQ(three.code, one.code) << three.out << three.err;
  EXPECT_NE(three.out.find("24 planned runs (0 reused"), std::string::npos) << three.out;
  EXPECT_NE(three.out.find("3 MPI ranks"), std::string::npos) << three.out;
  EXPECT_NE(three.out.find("[24/24]"), std::string::npos) << three.out;
  EXPECT_EQ(store_rows(d / "three.sqlite"), store_rows(d / "one.sqlite"));
  EXPECT_EQ(normalized(nlohmann::json::parse(slurp(d / "three.json"))), normalized(nlohmann::json::parse(slurp(d / "one.json"))));
}

TEST(ClusterMpi, DeadWorkerLosesOnlyItsRunAndARerunCompletes) {
  require_mpi();
  if (testing::Test::IsSkipped()) return;
  const fs::path d = scratch();
  const CliRun one = regcheck::test::run("reproduce " + kSel + " --store " + (d / "one.sqlite").string() + " --json " + (d / "one.json").string());
  ASSERT_TRUE(one.code == 0 || one.code == 1) << one.err;
  // Rank 1 kills itself (SIGKILL) in the first epoch of its 3rd run: OpenMPI ends the job.
  const CliRun died = mpirun(3, "--store " + (d / "s.sqlite").string() + " --json " + (d / "s.json").string(),
                             "REGCHECK_TEST_MPI_DIE_AFTER=2");
  EXPECT_NE(died.code, 0) << died.out;
  EXPECT_NE(died.code, one.code) << died.out;
  EXPECT_FALSE(fs::exists(d / "s.json"));
  const std::size_t kept = store_rows(d / "s.sqlite").size();
  EXPECT_GE(kept, 2u);  // at least rank 1's two runs reached rank 0 and were committed
  EXPECT_LT(kept, 24u);
  for (const std::string& row : store_rows(d / "s.sqlite")) EXPECT_EQ(store_rows(d / "one.sqlite").count(row), 1u) << row;
  const CliRun rerun = mpirun(3, "--store " + (d / "s.sqlite").string() + " --json " + (d / "s.json").string());
  ASSERT_EQ(rerun.code, one.code) << rerun.out << rerun.err;
  EXPECT_NE(rerun.out.find("24 planned runs (" + std::to_string(kept) + " reused"), std::string::npos) << rerun.out;
  EXPECT_EQ(store_rows(d / "s.sqlite"), store_rows(d / "one.sqlite"));
  EXPECT_EQ(normalized(nlohmann::json::parse(slurp(d / "s.json"))), normalized(nlohmann::json::parse(slurp(d / "one.json"))));
}

TEST(ClusterMpi, VerifyOnThreeRanksMatchesTheSerialRun) {
  require_mpi();
  if (testing::Test::IsSkipped()) return;
  const fs::path d = scratch();
  const CliRun one = regcheck::test::run(kVerifySel + " --json " + (d / "one.json").string());
  ASSERT_EQ(one.code, 0) << one.out << one.err;  // every verdict as expected, FAILS included
  const CliRun three = mpirun(3, "--json " + (d / "three.json").string(), "", kVerifySel);
  ASSERT_EQ(three.code, one.code) << three.out << three.err;
  EXPECT_NE(three.out.find("3 processes x 1 threads"), std::string::npos) << three.out;
  EXPECT_EQ(three.err, "") << three.err;  // the workers print nothing
  EXPECT_EQ(table_rows(three.out), table_rows(one.out)) << three.out;  // registry order, same rows and summary
  EXPECT_NE(table_rows(one.out).find("FAILS (expected)"), std::string::npos) << one.out;
  const nlohmann::json a = nlohmann::json::parse(slurp(d / "one.json")), b = nlohmann::json::parse(slurp(d / "three.json"));
  ASSERT_EQ(a.at("claims").size(), 6u);
  EXPECT_EQ(normalized(b), normalized(a));
  const CliRun list = mpirun(2, "--list --claim tl1.eq36.prox", "", "verify");  // rank 0 alone lists
  EXPECT_EQ(list.code, 0) << list.err;
  EXPECT_EQ(regcheck::test::lines(list.out), 1) << list.out;
}

// A worker's ClaimResult reaches rank 0 as JSON text: every field comes back bit for bit (doubles
// whose shortest decimal form has 17 digits, a subnormal, the non-finite values JSON writes as
// strings, the largest uint64), so rank 0's table and JSON are the serial run's. Runs in every build.
TEST(ClusterMpi, ClaimResultTravelsAsJsonExactly) {
  using namespace regcheck::claims;
  ClaimResult r;
  r.id = "x.y", r.source = "dlbook", r.method = "exact + monte-carlo", r.statement = "s";
  r.theory = 0.1 + 0.2;  // 0.30000000000000004
  r.estimate = std::numeric_limits<double>::quiet_NaN();
  r.ci_lo = -INFINITY, r.ci_hi = INFINITY;
  r.error_to_tolerance = 4.9406564584124654e-324;  // the smallest subnormal
  r.verdict = Verdict::Fails, r.expected = Verdict::Fails;
  r.alpha = 1.0 / 3, r.seconds = 2.5;
  r.counterexample = "d=2", r.finding = "f";
  CheckRecord c;
  c.name = "p=0.95", c.method = "monte-carlo", c.theory = 2.0 / 3, c.detectable_deviation = 1e-300, c.resolution = 7e-5;
  c.bias_bound = 5e-7;  // the noise slopes' stated bias bound travels too (calibration counts on it)
  c.n = std::numeric_limits<std::uint64_t>::max(), c.verdict = Verdict::Inconclusive, c.detail = "d";
  r.checks = {c, tolerance_record("exact", "exact", 0, 0)};
  r.extra = {{"table", {1, 2}}};
  const std::string text = to_json(r).dump();
  const ClaimResult b = nlohmann::json::parse(text).get<ClaimResult>();
  EXPECT_EQ(to_json(b).dump(), text);
  EXPECT_EQ(*b.theory, 0.30000000000000004);
  EXPECT_TRUE(std::isnan(*b.estimate));
  EXPECT_EQ(*b.ci_lo, -INFINITY);
  EXPECT_EQ(*b.error_to_tolerance, 4.9406564584124654e-324);
  EXPECT_EQ(b.alpha, 1.0 / 3);
  EXPECT_EQ(b.verdict, Verdict::Fails);
  ASSERT_EQ(b.checks.size(), 2u);
  EXPECT_EQ(*b.checks[0].theory, 2.0 / 3);
  EXPECT_EQ(*b.checks[0].n, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(*b.checks[0].bias_bound, 5e-7);
  EXPECT_FALSE(b.checks[1].bias_bound.has_value());
  EXPECT_FALSE(b.checks[0].estimate.has_value());
  EXPECT_EQ(b.checks[1].verdict, Verdict::Holds);
  EXPECT_EQ(b.extra, r.extra);
}

// ---- errors that must be raised ----

TEST(ClusterMpi, ClaimResultFromBadJsonThrows) {
  using namespace regcheck::claims;
  nlohmann::json j = to_json(ClaimResult{});
  j["verdict"] = "MAYBE";
  EXPECT_THROW(j.get<ClaimResult>(), std::invalid_argument);
  j = to_json(ClaimResult{});
  j["estimate"] = "infinity";
  EXPECT_THROW(j.get<ClaimResult>(), std::invalid_argument);
  j = to_json(ClaimResult{});
  j.erase("checks");
  EXPECT_THROW(j.get<ClaimResult>(), nlohmann::json::exception);
}

TEST(ClusterMpi, BadUsageUnderMpirunIsOneErrorPerRankAndExit2) {
  require_mpi();
  if (testing::Test::IsSkipped()) return;
  const fs::path d = scratch();
  const CliRun r = mpirun(2, "--shard 3/2 --store " + (d / "x.sqlite").string());
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("'3/2'"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(d / "x.sqlite"));
  // An error on rank 0 only (its --store), after MPI started: the job ends with exit 2 instead of
  // the workers waiting for rank 0 forever.
  const CliRun store = mpirun(2, "--store /nonexistent-dir/x.sqlite");
  EXPECT_EQ(store.code, 2) << store.out << store.err;
  EXPECT_NE(store.err.find("/nonexistent-dir"), std::string::npos) << store.err;
}

TEST(ClusterMpi, VerifyBadUsageUnderMpirunIsOneErrorPerRankAndExit2) {
  require_mpi();
  if (testing::Test::IsSkipped()) return;
  // Every rank parses the same flags before MPI starts: one line each, exit 2, nobody waits.
  const CliRun flag = mpirun(2, "--power extreme", "", "verify");
  EXPECT_EQ(flag.code, 2) << flag.out << flag.err;
  EXPECT_EQ(flag.out, "");
  EXPECT_NE(flag.err.find("'extreme'"), std::string::npos) << flag.err;
  std::size_t errors = 0;
  for (std::size_t at = flag.err.find("regcheck: error:"); at != std::string::npos; at = flag.err.find("regcheck: error:", at + 1)) ++errors;
  EXPECT_EQ(errors, 2u) << flag.err;  // one line from each rank
  const CliRun id = mpirun(2, "--claim no.such.claim", "", "verify");
  EXPECT_EQ(id.code, 2) << id.out << id.err;
  EXPECT_NE(id.err.find("'no.such.claim'"), std::string::npos) << id.err;
  const CliRun calibrate = mpirun(2, "--calibrate 2 --claim tl1.eq36.prox", "", "verify");
  EXPECT_EQ(calibrate.code, 2) << calibrate.out << calibrate.err;
  EXPECT_NE(calibrate.err.find("--calibrate: not available under mpirun"), std::string::npos) << calibrate.err;
}
