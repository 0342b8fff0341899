// regcheck reproduce as a user runs it: both experiments at smoke scale with full records and the
// registry's expected verdicts, identical results for 1 and 2 threads, a kill -9 mid-run resumed
// to the same final JSON as an uninterrupted run, SIGTERM's exit code, and the bad inputs that
// must give one error line, exit code 2, no JSON file and an untouched store.
#include "tests/support/cli_harness.hpp"
#include "tests/support/reproduce_compare.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {
using regcheck::test::CliRun;
using regcheck::test::lines;
using regcheck::test::normalized;
using regcheck::test::scratch;
using regcheck::test::slurp;

CliRun run(const std::string& args) { return regcheck::test::run("reproduce " + args); }

// Starts `regcheck reproduce args` with stdout to `out`; returns its pid.
pid_t start(const std::string& args, const fs::path& out) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    const std::string cmd = std::string("exec ") + REGCHECK_BIN + " reproduce " + args;
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

// Waits until `out` contains `text` (at most 60 s).
bool wait_for(const fs::path& out, const std::string& text) {
  for (int i = 0; i < 6000; ++i) {
    if (slurp(out).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

const char* kSmall = "--claim dlbook.fig7_3.early-stopping --scale smoke --seeds 6";
}  // namespace

TEST(ReproduceCli, SmokeBothExperimentsFullRecordsAndThreadInvariance) {
  const fs::path d = scratch();
  const CliRun a = run("--scale smoke --store " + (d / "t1.sqlite").string() + " --json " + (d / "t1.json").string());
  ASSERT_EQ(a.code, 0) << a.out << a.err;  // every verdict as the registry expects at smoke scale
  EXPECT_NE(a.out.find("231 planned runs (0 reused"), std::string::npos) << a.out;
  EXPECT_NE(a.out.find("Holm step-down over the 54 in-family tests of the 15 claim(s)"), std::string::npos) << a.out;
  const nlohmann::json j = nlohmann::json::parse(slurp(d / "t1.json"));
  EXPECT_EQ(j["scale"], "smoke");
  EXPECT_EQ(j["family"]["size"], 54);
  ASSERT_EQ(j["data_files"].size(), 1u);
  EXPECT_EQ(j["data_files"][0]["sha256"].get<std::string>().size(), 64u);
  ASSERT_EQ(j["claims"].size(), 15u);
  for (const auto& c : j["claims"]) {
    EXPECT_EQ(c["verdict"], c["expected"]) << c["id"];
    for (const auto& arm : c["arms"]) {
      const std::size_t n = arm["seeds"].size();  // seeds 1..n (3 at smoke; gcsr.tab3.compression 6: half select, half test)
      EXPECT_GE(n, 3u) << c["id"];
      for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(arm["seeds"][i], i + 1) << c["id"];
      EXPECT_TRUE(arm["final"].contains(c["metric"].get<std::string>())) << c["id"];
      for (const auto& [name, curve] : arm["curves"].items()) EXPECT_FALSE(curve.empty()) << c["id"] << " " << name;
      EXPECT_EQ(arm["config_hashes"].size(), n);
    }
    for (const auto& t : c["tests"]) {
      EXPECT_TRUE(t.contains("verdict"));
      if (t["in_family"].get<bool>() && t["kind"] != "descriptive") {  // in-family descriptive: an exact check, no p
        EXPECT_TRUE(t["p_adjusted"].is_number()) << t["name"];
        EXPECT_TRUE(t["detectable"].is_number()) << t["name"];
      }
    }
  }
  // Same seeds, 2 threads, another store: the same report but for timings.
  const CliRun b = run("--scale smoke --threads 2 --store " + (d / "t2.sqlite").string() + " --json " + (d / "t2.json").string());
  ASSERT_EQ(b.code, 0) << b.err;
  EXPECT_EQ(normalized(nlohmann::json::parse(slurp(d / "t2.json"))), normalized(j));
  // A rerun reuses every finished run and reports the same.
  const CliRun c = run("--scale smoke --store " + (d / "t1.sqlite").string() + " --json " + (d / "t3.json").string());
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_NE(c.out.find("231 planned runs (231 reused"), std::string::npos) << c.out;
  EXPECT_EQ(normalized(nlohmann::json::parse(slurp(d / "t3.json"))), normalized(j));
  // --fresh ignores the stored runs and trains them again, to the same report.
  const CliRun f = run("--scale smoke --fresh --store " + (d / "t1.sqlite").string() + " --json " + (d / "t4.json").string());
  ASSERT_EQ(f.code, 0) << f.err;
  EXPECT_NE(f.out.find("231 planned runs (0 reused"), std::string::npos) << f.out;
  EXPECT_EQ(normalized(nlohmann::json::parse(slurp(d / "t4.json"))), normalized(j));
}

// The report's data_files name every data file a run reads, hashed once per run: a base config
// on Fashion-MNIST (gcsr.fig3.coherence's, moved to its first 200 / 100 examples through
// --config-dir) lists the four IDX files of `dir` and not the digits file; the per-example
// probe entries of dlbook.7_10.bagging stay out of the per-arm JSON (counted only).
TEST(ReproduceCli, FashionMnistFilesHashedAndPerExampleEntriesLeftOut) {
  const fs::path fm = "/usr/share/datasets/fashion-mnist";
  if (!fs::exists(fm / "train-images-idx3-ubyte.gz")) GTEST_SKIP() << "Fashion-MNIST not installed";
  const fs::path d = scratch();
  fs::create_directories(d / "configs");
  for (const auto& f : fs::directory_iterator(fs::path(REGCHECK_SOURCE_DIR) / "nets/configs")) fs::copy_file(f.path(), d / "configs" / f.path().filename());
  nlohmann::json c = nlohmann::json::parse(slurp((fs::path(REGCHECK_SOURCE_DIR) / "nets/configs") / "gcsr-coherence.json"));
  c["data"] = {{"kind", "fashion-mnist"}, {"dir", fm.string()}, {"normalize", true}, {"train_limit", 200}, {"test_limit", 100}};
  c["model"]["input"] = {784};
  std::ofstream(d / "configs" / "gcsr-coherence.json", std::ios::trunc) << c.dump(2);
  const CliRun a = run("--claim gcsr.fig3.coherence --claim dlbook.7_10.bagging --scale smoke --config-dir " + (d / "configs").string() +
                       " --store " + (d / "s.sqlite").string() + " --json " + (d / "r.json").string());
  ASSERT_TRUE(a.code == 0 || a.code == 1) << a.out << a.err;
  const nlohmann::json j = nlohmann::json::parse(slurp(d / "r.json"));
  std::set<std::string> names;
  for (const auto& f : j["data_files"]) {
    names.insert(fs::path(f["path"].get<std::string>()).filename().string());
    EXPECT_EQ(f["sha256"].get<std::string>().size(), 64u);
  }
  EXPECT_EQ(names, (std::set<std::string>{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                                          "t10k-labels-idx1-ubyte.gz"}));
  for (const auto& cl : j["claims"])
    for (const auto& arm : cl["arms"]) {
      for (const auto& [k, v] : arm["final"].items()) EXPECT_EQ(k.find("predictions."), std::string::npos) << k;
      if (cl["id"] == "dlbook.7_10.bagging") {
        EXPECT_EQ(arm["per_example_counts"], nlohmann::json({{"predictions.output", 2000}, {"predictions.target", 2000}}));
      }
    }
}

TEST(ReproduceCli, KilledRunResumesToTheSameReport) {
  const fs::path d = scratch();
  const CliRun full = run(std::string(kSmall) + " --store " + (d / "full.sqlite").string() + " --json " + (d / "full.json").string());
  ASSERT_TRUE(full.code == 0 || full.code == 1) << full.err;
  const pid_t pid = start(std::string(kSmall) + " --store " + (d / "killed.sqlite").string() + " --json " + (d / "killed.json").string(),
                          d / "killed.out");
  ASSERT_TRUE(wait_for(d / "killed.out", "[2/12]"));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_FALSE(fs::exists(d / "killed.json"));
  const CliRun resumed = run(std::string(kSmall) + " --store " + (d / "killed.sqlite").string() + " --json " + (d / "killed.json").string());
  ASSERT_EQ(resumed.code, full.code) << resumed.err;
  EXPECT_EQ(resumed.out.find("12 planned runs (0 reused"), std::string::npos) << resumed.out;  // some runs were kept
  EXPECT_EQ(normalized(nlohmann::json::parse(slurp(d / "killed.json"))), normalized(nlohmann::json::parse(slurp(d / "full.json"))));
}

TEST(ReproduceCli, SigtermExits143KeepingFinishedRuns) {
  const fs::path d = scratch();
  const pid_t pid = start(std::string(kSmall) + " --store " + (d / "term.sqlite").string(), d / "term.out");
  ASSERT_TRUE(wait_for(d / "term.out", "[1/12]"));
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 143);
  EXPECT_NE(slurp(d / "term.out").find("interrupted by SIGTERM"), std::string::npos);
  const CliRun again = run(std::string(kSmall) + " --store " + (d / "term.sqlite").string() + " --list");
  EXPECT_EQ(again.code, 0);
}

TEST(ReproduceCli, ListShowsEveryEmpiricalId) {
  const CliRun r = run("--list");
  ASSERT_EQ(r.code, 0);
  // The 15 empirical IDs of claims/CATALOG.md, each with its arms.
  for (const char* id : {"dropact.fig2.p-sweep", "dropact.fig3.regression", "dropact.tab1-4.vs-rrelu", "dropact.fig6.bn-shift",
                         "gcsr.fig1.tolerance", "gcsr.fig2.gradient-decay", "gcsr.fig3.coherence", "gcsr.fig7.depth",
                         "gcsr.tab3.compression", "tl1.tab2.compare", "tl1.tab3.interpret", "tl1.fig7.a-effect",
                         "dlbook.fig7_3.early-stopping", "dlbook.7_10.bagging", "dlbook.7_11.inference"})
    EXPECT_NE(r.out.find(std::string(id) + " "), std::string::npos) << id;
  // Paper-scale verdicts not yet measured are shown as such, never guessed.
  EXPECT_NE(r.out.find("expected INCONCLUSIVE/INCONCLUSIVE/unmeasured"), std::string::npos) << r.out;
}

// ---- errors that must be raised: one line, exit 2, no JSON, the store untouched ----

TEST(ReproduceCli, BadInputs) {
  const fs::path d = scratch();
  const fs::path store = d / "kept.sqlite", json = d / "bad.json";
  const std::string one = "--claim dlbook.fig7_3.early-stopping --scale smoke";
  ASSERT_EQ(run(one + " --seeds 2 --store " + store.string()).code, 0);
  const std::string before = slurp(store);
  ASSERT_FALSE(before.empty());
  fs::path wrong = d / "wrong.sqlite";
  {
    // A store of another schema version, written by hand with the sqlite3 shell's SQL.
    const std::string sql = "sqlite3 " + wrong.string() + " 'CREATE TABLE schema_version(version INTEGER); INSERT INTO schema_version VALUES(7);'";
    ASSERT_EQ(std::system(sql.c_str()), 0);
  }
  const std::string wrong_before = slurp(wrong);
  const std::string s = " --store " + store.string() + " --json " + json.string();
  const struct {
    std::string args, names;
  } cases[] = {
      {"--claim nope.id" + s, "'nope.id'"},
      {"--scale huge" + s, "'huge'"},
      {"--source nope" + s, "'nope'"},
      {one + " --seeds 1" + s, "--seeds"},
      {std::string(kSmall) + " --threads 0" + s, "--threads"},
      {std::string(kSmall) + " --store /nonexistent-dir/x.sqlite --json " + json.string(), "/nonexistent-dir"},
      {std::string(kSmall) + " --store " + store.string() + " --json /nonexistent-dir/x.json", "/nonexistent-dir"},
      {std::string(kSmall) + " --store " + wrong.string() + " --json " + json.string(), "schema version 7"},
      {std::string(kSmall) + " --digits /nonexistent/digits.csv.gz" + s, "/nonexistent/digits.csv.gz"},
      {std::string(kSmall) + " --config-dir /nonexistent" + s, "/nonexistent"},
  };
  for (const auto& c : cases) {
    const CliRun r = run(c.args);
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.out << r.err;
    EXPECT_EQ(lines(r.err), 1) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.names), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_FALSE(fs::exists(json)) << c.args;
    EXPECT_EQ(slurp(store), before) << c.args;
    EXPECT_EQ(slurp(wrong), wrong_before) << c.args;
  }
}
