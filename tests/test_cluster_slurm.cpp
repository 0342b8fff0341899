// cluster/reproduce.sbatch for real: a single-node Slurm started by cluster/slurm-local.sh (as
// root; slurmctld + slurmd on private ports), the array of 3 shards and the dependent
// merge-and-report job submitted at smoke scale; the merged store must hold exactly the rows of a
// single-process run, and the report must be the single-process one (but for timing). Skipped,
// with the script's reason, where Slurm cannot run (not root, slurm-wlm missing, daemons down).
#include "tests/support/cli_harness.hpp"
#include "tests/support/reproduce_compare.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

namespace fs = std::filesystem;

namespace {
using regcheck::test::CliRun;
using regcheck::test::normalized;
using regcheck::test::scratch;
using regcheck::test::slurp;
using regcheck::test::store_rows;

const std::string kArgs = "--claim dlbook.fig7_3.early-stopping --seeds 6";  // 12 runs at smoke scale

int sh(const std::string& cmd) {
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Stops the local Slurm when the test ends, whatever happens.
struct LocalSlurm {
  fs::path dir;
  ~LocalSlurm() { sh(std::string(REGCHECK_SOURCE_DIR) + "/cluster/slurm-local.sh stop " + dir.string()); }
};
}  // namespace

TEST(ClusterSlurm, ArrayJobAndMergeEqualTheSingleProcessRun) {
  const fs::path d = scratch();
  const CliRun one = regcheck::test::run("reproduce --scale smoke " + kArgs + " --store " + (d / "one.sqlite").string() + " --json " +
                                         (d / "one.json").string());
  ASSERT_TRUE(one.code == 0 || one.code == 1) << one.out << one.err;

  const fs::path slurm = d / "slurm";
  const std::string script = std::string(REGCHECK_SOURCE_DIR) + "/cluster/";
  const int started = sh(script + "slurm-local.sh start " + slurm.string() + " > " + (d / "start.out").string() + " 2>&1");
  if (started == 77) GTEST_SKIP() << slurp(d / "start.out");
  ASSERT_EQ(started, 0) << slurp(d / "start.out");
  LocalSlurm guard{slurm};

  const fs::path out = d / "cluster";
  const std::string env = "SLURM_CONF=" + (slurm / "slurm.conf").string() + " REGCHECK_BIN=" + REGCHECK_BIN +
                          " REGCHECK_SCALE=smoke REGCHECK_SHARDS=3 REGCHECK_ARGS='" + kArgs + "' REGCHECK_OUT=" + out.string();
  ASSERT_EQ(sh("cd " + d.string() + " && " + env + " bash " + script + "reproduce.sbatch > " + (d / "submit.out").string() + " 2>&1"), 0)
      << slurp(d / "submit.out");
  EXPECT_NE(slurp(d / "submit.out").find("(3 shards)"), std::string::npos) << slurp(d / "submit.out");
  // Wait (at most 10 min) until the queue is empty: the array and then the merge job ran.
  const std::string queue = "SLURM_CONF=" + (slurm / "slurm.conf").string() + " squeue -h | grep -q .";
  for (int i = 0; i < 3000 && sh(queue) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_NE(sh(queue), 0) << "jobs still queued after 10 min";
  for (int k = 1; k <= 3; ++k)
    EXPECT_NE(slurp(out / ("shard-" + std::to_string(k) + ".out")).find("shard " + std::to_string(k) + "/3: 4 run(s)"), std::string::npos)
        << slurp(out / ("shard-" + std::to_string(k) + ".out"));
  const std::string merge_log = slurp(out / "merge.out");
  EXPECT_NE(merge_log.find("12 run(s) from 3 store(s)"), std::string::npos) << merge_log;
  EXPECT_NE(merge_log.find("12 planned runs (12 reused"), std::string::npos) << merge_log;
  ASSERT_TRUE(fs::exists(out / "merged.sqlite")) << merge_log;
  EXPECT_EQ(store_rows(out / "merged.sqlite"), store_rows(d / "one.sqlite"));
  ASSERT_TRUE(fs::exists(out / "report.json")) << merge_log;
  EXPECT_EQ(normalized(nlohmann::json::parse(slurp(out / "report.json"))), normalized(nlohmann::json::parse(slurp(d / "one.json"))));
}

// ---- errors that must be raised ----

TEST(ClusterSlurm, LocalSlurmScriptRefusesAnUnknownCommand) {
  const int rc = sh(std::string(REGCHECK_SOURCE_DIR) + "/cluster/slurm-local.sh restart " + scratch().string() + " 2> /dev/null");
  EXPECT_EQ(rc, 2);
}
