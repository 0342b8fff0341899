// regcheck reproduce --shard K/N and regcheck merge: three shards of one selection, merged, hold
// exactly the runs of a single-process run (row sets without timing), and reproduce on the merged
// store reuses every run and prints the same report; then the merges and shards that must be
// refused (mismatched versions, scales, config hashes, disagreeing duplicates, bad --shard).
#include "tests/support/cli_harness.hpp"
#include "tests/support/reproduce_compare.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;

namespace {
using regcheck::test::CliRun;
using regcheck::test::lines;
using regcheck::test::normalized;
using regcheck::test::scratch;
using regcheck::test::slurp;
using regcheck::test::store_rows;

// 2 arms x 6 seeds = 12 runs of under a second each at smoke scale.
const std::string kSel = "--claim dlbook.fig7_3.early-stopping --scale smoke --seeds 6";

CliRun reproduce(const std::string& args) { return regcheck::test::run("reproduce " + kSel + " " + args); }

// A copy of `from` changed by one SQL statement (the sqlite3 shell, Debian sqlite3).
fs::path edited(const fs::path& from, const std::string& name, const std::string& sql) {
  const fs::path to = from.parent_path() / name;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  const std::string cmd = "sqlite3 " + to.string() + " \"" + sql + "\"";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return to;
}
}  // namespace

TEST(ClusterMerge, ThreeShardsMergedEqualTheSingleProcessStore) {
  const fs::path d = scratch();
  const CliRun full = reproduce("--store " + (d / "full.sqlite").string() + " --json " + (d / "full.json").string());
  ASSERT_TRUE(full.code == 0 || full.code == 1) << full.out << full.err;
  std::string stores;
  for (int k = 1; k <= 3; ++k) {
    const fs::path s = d / ("shard-" + std::to_string(k) + ".sqlite");
    const CliRun r = reproduce("--shard " + std::to_string(k) + "/3 --store " + s.string());
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    // Plan indices k-1, k+2, ...: 4 of the 12 runs, no report.
    EXPECT_NE(r.out.find("shard " + std::to_string(k) + "/3: 4 run(s)"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("Holm"), std::string::npos) << r.out;
    EXPECT_EQ(store_rows(s).size(), 4u);
    stores += " " + s.string();
  }
  const CliRun m = regcheck::test::run("merge" + stores + " --into " + (d / "merged.sqlite").string());
  ASSERT_EQ(m.code, 0) << m.out << m.err;
  EXPECT_NE(m.out.find("12 run(s) from 3 store(s)"), std::string::npos) << m.out;
  EXPECT_EQ(store_rows(d / "merged.sqlite"), store_rows(d / "full.sqlite"));
  // Merging again (the merged store as --into and an input) changes nothing: 12 duplicates agree.
  const CliRun again = regcheck::test::run("merge" + stores + " --into " + (d / "merged.sqlite").string());
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find("12 duplicate(s)"), std::string::npos) << again.out;
  EXPECT_EQ(store_rows(d / "merged.sqlite"), store_rows(d / "full.sqlite"));
  const CliRun rep = reproduce("--store " + (d / "merged.sqlite").string() + " --json " + (d / "merged.json").string());
  ASSERT_EQ(rep.code, full.code) << rep.err;
  EXPECT_NE(rep.out.find("12 planned runs (12 reused"), std::string::npos) << rep.out;
  EXPECT_EQ(normalized(nlohmann::json::parse(slurp(d / "merged.json"))), normalized(nlohmann::json::parse(slurp(d / "full.json"))));
}

// ---- errors that must be raised: one line, exit 2, nothing written ----

TEST(ClusterMerge, MismatchedStoresAreRefused) {
  const fs::path d = scratch();
  const fs::path a = d / "a.sqlite";
  ASSERT_EQ(reproduce("--shard 1/6 --store " + a.string()).code, 0);  // 2 runs: seeds 1 and 4 of arm 1
  const fs::path other_version = edited(a, "v.sqlite", "UPDATE runs SET regcheck_version='0.0.1'");
  const fs::path other_scale = edited(a, "s.sqlite", "UPDATE runs SET scale='quick'");
  const fs::path other_hash = edited(a, "h.sqlite", "UPDATE runs SET config_hash='0000' WHERE seed=1");
  const fs::path other_metrics = edited(a, "m.sqlite", "UPDATE runs SET final_json='{}' WHERE seed=1");
  const fs::path into = d / "into.sqlite";
  const struct {
    std::string args, names;
  } cases[] = {
      {"merge " + a.string() + " " + other_version.string(), "mismatched regcheck versions"},
      {"merge " + a.string() + " " + other_scale.string(), "scale quick"},
      {"merge " + a.string() + " " + other_hash.string(), "mismatched config hashes"},
      {"merge " + a.string() + " " + other_metrics.string(), "different metrics or history"},
      {"merge " + a.string() + " " + (d / "missing.sqlite").string(), "missing.sqlite"},
      {"merge " + a.string() + " /etc/hostname", "/etc/hostname"},
      {"merge " + a.string(), "--into"},
      {"merge --into " + into.string(), "stores"},
      {"reproduce " + kSel + " --shard 0/3 --store " + into.string(), "'0/3'"},
      {"reproduce " + kSel + " --shard 4/3 --store " + into.string(), "'4/3'"},
      {"reproduce " + kSel + " --shard 3 --store " + into.string(), "'3'"},
      {"reproduce " + kSel + " --shard a/b --store " + into.string(), "'a/b'"},
      {"reproduce " + kSel + " --shard 1/2 --json " + (d / "r.json").string() + " --store " + into.string(), "--json"},
  };
  for (const auto& c : cases) {
    const bool is_merge = c.args.rfind("merge", 0) == 0;
    const std::string args = is_merge && c.args.find("--into") == std::string::npos && c.names != "--into" ? c.args + " --into " + into.string()
                                                                                                          : c.args;
    const CliRun r = regcheck::test::run(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.out << r.err;
    EXPECT_EQ(lines(r.err), 1) << args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.names), std::string::npos) << args << "\n" << r.err;
    EXPECT_FALSE(fs::exists(into)) << args;
    EXPECT_FALSE(fs::exists(d / "r.json")) << args;
  }
}
