// regcheck reproduce under mpirun (the MPI build, -DREGCHECK_MPI=ON): 3 ranks give the same store
// rows and the same report (but for timing) as a single process with the same seeds; a worker
// rank killed mid-run (test hook REGCHECK_TEST_MPI_DIE_AFTER) ends the job with the runs rank 0
// received kept, and a rerun trains only the missing ones, to the same report. Skipped in the
// plain build (no MPI) and where mpirun is missing.
#include "tests/support/cli_harness.hpp"
#include "tests/support/reproduce_compare.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
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

CliRun mpirun(int ranks, const std::string& args, const std::string& env = "") {
  const fs::path d = scratch();
  // timeout: a rank waiting for one that left must fail the test, not hang it.
  const std::string cmd = env + " timeout 300 mpirun --oversubscribe --allow-run-as-root -np " + std::to_string(ranks) + " " + REGCHECK_BIN +
                          " reproduce " + kSel + " " + args + " > " + (d / "mpi.out").string() + " 2> " + (d / "mpi.err").string();
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(d / "mpi.out"), slurp(d / "mpi.err")};
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

// ---- errors that must be raised ----

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
