// regcheck export-notebooks as a user runs it: from small results made here (`regcheck verify
// --claim ...`, `regcheck reproduce --scale smoke --claim ...`) it writes one notebook per source
// plus data/; each notebook is valid nbformat 4 (nbformat.validate) and runs end to end
// (jupyter nbconvert --execute, Debian packages, as scripts/setup.sh installs them), producing
// its figures; the same results give the same files; the default --from is the newest
// reports/*/ folder. Ends with the bad inputs: one error line, exit 2, nothing written.
#include "tests/support/cli_harness.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {
using regcheck::test::CliRun;
using regcheck::test::lines;
using regcheck::test::scratch;
using regcheck::test::slurp;

// Debian's interpreter and nbconvert (the default `python3` on PATH may be a virtualenv without them).
constexpr const char* kPython = "/usr/bin/python3";
constexpr const char* kNbconvert = "/usr/bin/jupyter-nbconvert";

CliRun run(const std::string& args) { return regcheck::test::run("export-notebooks " + args); }

struct Fixtures {
  fs::path verify, reproduce;
};

// Every analytic claim with a figure (10 figures), a FAILS claim with its correction, and two quick
// empirical claims (dropact, dlbook). The largest seed checks that seeds are printed exactly.
fs::path verify_fixture() {
  static const fs::path p = [] {
    const fs::path x = scratch() / "verify.json";
    const CliRun v = regcheck::test::run(
        "verify --seed 18446744073709551615 --claim dropact.sec5_2.vs-dropout --claim dropact.prop5_2.shift-ratio "
        "--claim dropact.prop5_2.mean --claim dropact.prop5_1.penalty --claim dropact.prop5_1.penalty.corrected "
        "--claim gcsr.eq9.coherence-closed-form --claim tl1.eq36.prox --claim tl1.eq36.regimes "
        "--claim dlbook.7_10.ensemble-mse --claim dlbook.7_7.early-stopping --claim dlbook.7_10.bootstrap "
        "--claim dlbook.7_13.linear-adversarial --json " + x.string());
    EXPECT_EQ(v.code, 0) << v.out << v.err;
    return x;
  }();
  return p;
}

fs::path reproduce_fixture() {
  static const fs::path p = [] {
    const fs::path d = scratch(), x = d / "reproduce.json";
    const CliRun r = regcheck::test::run("reproduce --scale smoke --claim dropact.fig3.regression --claim "
                                         "dlbook.fig7_3.early-stopping --store " + (d / "r.sqlite").string() +
                                         " --json " + x.string());
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    return x;
  }();
  return p;
}

const Fixtures& fixtures() {
  static const Fixtures f{verify_fixture(), reproduce_fixture()};
  return f;
}

int sh(const std::string& cmd) {
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

nlohmann::json read_json(const fs::path& p) { return nlohmann::json::parse(slurp(p)); }

// The code cells' sources, joined.
std::string code_text(const nlohmann::json& nb) {
  std::string s;
  for (const auto& c : nb["cells"])
    if (c["cell_type"] == "code")
      for (const auto& l : c["source"]) s += l.get<std::string>();
  return s;
}

struct Outputs {
  int images = 0, errors = 0;
  std::string stream;
};
Outputs outputs(const nlohmann::json& nb) {
  Outputs o;
  for (const auto& c : nb["cells"])
    for (const auto& out : c.value("outputs", nlohmann::json::array())) {
      if (out["output_type"] == "error") ++o.errors;
      if (out.contains("data") && out["data"].contains("image/png")) ++o.images;
      if (out["output_type"] == "stream")
        for (const auto& l : out["text"]) o.stream += l.get<std::string>();
    }
  return o;
}

// Nothing named like `stem` (the folder or its temporary / old copies) in `parent`.
bool nothing_written(const fs::path& parent, const std::string& stem) {
  if (!fs::exists(parent)) return true;
  for (const auto& e : fs::directory_iterator(parent))
    if (e.path().filename().string().find(stem) != std::string::npos) return false;
  return true;
}
}  // namespace

TEST(NotebooksCli, ExportsValidNotebooksThatExecuteAndDrawTheirFigures) {
  ASSERT_TRUE(fs::exists("/usr/share/jupyter/kernels/python3/kernel.json"))
      << "no Jupyter kernel named python3: run scripts/setup.sh (python3-ipykernel)";
  const Fixtures& f = fixtures();
  const fs::path out = scratch() / "nb";
  const CliRun r = run("--from " + f.verify.string() + " --from " + f.reproduce.string() + " --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(lines(r.out), 5) << r.out;  // one line per notebook and a summary
  // data/ holds the inputs byte for byte, under the names the notebooks load.
  EXPECT_EQ(slurp(out / "data" / "verify.json"), slurp(f.verify));
  EXPECT_EQ(slurp(out / "data" / "reproduce.json"), slurp(f.reproduce));
  EXPECT_EQ(slurp(out / "README.md"), slurp(fs::path(REGCHECK_SOURCE_DIR) / "notebooks_export" / "README.md"))
      << "the committed notebooks_export/README.md is the text the exporter writes";

  // Which figures each notebook draws follows from the claims in the fixtures (see fixtures()).
  struct Expect {
    const char* source;
    std::vector<std::string> calls;
    const char* counts;  // the load cell's printed claim counts
  };
  const std::vector<Expect> expect = {
      {"dropact",
       {"plot_shift_ratios(verify)", "plot_shift_ratio_mc(verify)", "plot_mean_shift(verify)",
        "plot_curves(reproduce, \"dropact.fig3.regression\")", "plot_final(reproduce, \"dropact.fig3.regression\")"},
       "analytic claims of dropact: 5\nempirical claims of dropact: 1\n"},
      {"gcsr", {"plot_coherence(verify)"}, "analytic claims of gcsr: 1\nempirical claims of gcsr: 0\n"},
      {"tl1", {"plot_tl1_prox(verify)", "plot_tl1_limits(verify)"},
       "analytic claims of tl1: 2\nempirical claims of tl1: 0\n"},
      {"dlbook",
       {"plot_ensemble_mse(verify)", "plot_early_stopping(verify)", "plot_bootstrap(verify)",
        "plot_adversarial(verify)", "plot_curves(reproduce, \"dlbook.fig7_3.early-stopping\")",
        "plot_final(reproduce, \"dlbook.fig7_3.early-stopping\")"},
       "analytic claims of dlbook: 4\nempirical claims of dlbook: 1\n"},
  };
  const fs::path executed = scratch() / "executed";
  for (const Expect& e : expect) {
    SCOPED_TRACE(e.source);
    const fs::path nb = out / (std::string(e.source) + ".ipynb");
    ASSERT_TRUE(fs::exists(nb));
    EXPECT_EQ(sh(std::string(kPython) + " -c \"import nbformat; nbformat.validate(nbformat.read('" + nb.string() +
                 "', 4))\""),
              0);
    const nlohmann::json j = read_json(nb);
    EXPECT_EQ(j["nbformat"], 4);
    EXPECT_EQ(j["metadata"]["kernelspec"]["name"], "python3");
    const std::string header = j["cells"][0]["source"][0];
    EXPECT_EQ(header, std::string("# regcheck: ") + e.source + "\n");
    const std::string code = code_text(j);
    EXPECT_NE(code.find("json.loads((DATA / 'verify.json').read_text())"), std::string::npos);
    int calls = 0;
    for (const std::string& c : e.calls) {
      EXPECT_NE(code.find(c), std::string::npos) << c;
      ++calls;
    }
    // Executed from another folder: the notebook finds data/ relative to itself.
    ASSERT_EQ(sh("cd / && MPLBACKEND=Agg PYDEVD_DISABLE_FILE_VALIDATION=1 " + std::string(kNbconvert) +
                 " --to notebook --execute --output-dir " + executed.string() + " " + nb.string() + " > " +
                 (scratch() / "nbconvert.log").string() + " 2>&1"),
              0)
        << slurp(scratch() / "nbconvert.log");
    const Outputs o = outputs(read_json(executed / (std::string(e.source) + ".ipynb")));
    EXPECT_EQ(o.errors, 0);
    EXPECT_EQ(o.images, calls);  // one PNG per plotting cell
    EXPECT_EQ(o.stream, e.counts);
  }
  // The markdown: provenance with the exact seed, the claim tables, the FAILS with its counterexample.
  auto markdown = [&](const char* source) {
    std::string md;
    const nlohmann::json nb = read_json(out / (std::string(source) + ".ipynb"));
    for (const auto& c : nb["cells"])
      if (c["cell_type"] == "markdown")
        for (const auto& l : c["source"]) md += l.get<std::string>();
    return md;
  };
  const std::string dl = markdown("dlbook"), da = markdown("dropact");
  EXPECT_NE(dl.find("| 18446744073709551615 |"), std::string::npos) << dl;
  EXPECT_NE(dl.find("| `dlbook.7_10.ensemble-mse` | "), std::string::npos) << dl;
  EXPECT_NE(dl.find("| `dlbook.fig7_3.early-stopping` | "), std::string::npos) << dl;
  EXPECT_NE(da.find("| **FAILS** | FAILS |"), std::string::npos) << da;
  EXPECT_NE(da.find("- `dropact.prop5_1.penalty` FAILS. Counterexample: "), std::string::npos) << da;
  EXPECT_NE(da.find("Corrected claim: `dropact.prop5_1.penalty.corrected`."), std::string::npos) << da;
}

TEST(NotebooksCli, SameResultsGiveSameFilesAndTheOutputIsReplacedWhole) {
  const Fixtures& f = fixtures();
  const fs::path a = scratch() / "a", b = scratch() / "b";
  ASSERT_EQ(run("--from " + f.verify.string() + " --out " + a.string()).code, 0);
  ASSERT_EQ(run("--from " + f.verify.string() + " --out " + b.string()).code, 0);
  for (const char* s : {"dropact", "gcsr", "tl1", "dlbook"})
    EXPECT_EQ(slurp(a / (std::string(s) + ".ipynb")), slurp(b / (std::string(s) + ".ipynb"))) << s;
  EXPECT_FALSE(fs::exists(a / "data" / "reproduce.json"));  // verify only: no reproduce data
  // A rerun with the reproduce results only replaces the folder: no stale analytic notebook.
  ASSERT_EQ(run("--from " + f.reproduce.string() + " --out " + a.string()).code, 0);
  EXPECT_TRUE(fs::exists(a / "dropact.ipynb"));
  EXPECT_TRUE(fs::exists(a / "dlbook.ipynb"));
  EXPECT_FALSE(fs::exists(a / "gcsr.ipynb"));
  EXPECT_FALSE(fs::exists(a / "data" / "verify.json"));
  EXPECT_TRUE(nothing_written(scratch(), ".a."));  // no temporary or old copy left
}

TEST(NotebooksCli, DefaultFromIsTheNewestReportFolder) {
  const Fixtures& f = fixtures();
  const fs::path home = scratch() / "home";
  fs::create_directories(home / "reports" / "2026-01-01-smoke");
  fs::create_directories(home / "reports" / "2026-12-04-smoke");
  fs::copy_file(f.reproduce, home / "reports" / "2026-01-01-smoke" / "reproduce.json");
  fs::copy_file(f.verify, home / "reports" / "2026-12-04-smoke" / "verify.json");  // written last: newest
  // The default --from is relative to the working folder: run from `home` with the shell.
  const int code = sh("cd " + home.string() + " && " + REGCHECK_BIN + " export-notebooks > log 2>&1");
  ASSERT_EQ(code, 0) << slurp(home / "log");
  EXPECT_NE(slurp(home / "log").find("reports/2026-12-04-smoke/verify.json"), std::string::npos) << slurp(home / "log");
  EXPECT_TRUE(fs::exists(home / "notebooks_export" / "data" / "verify.json"));
  EXPECT_FALSE(fs::exists(home / "notebooks_export" / "data" / "reproduce.json"));
}

// ---- errors that must be raised: one line on stderr, exit 2, nothing written ----

TEST(NotebooksCli, ErrorsOneLineExit2NothingWritten) {
  const Fixtures f{verify_fixture(), {}};  // the verify results suffice here
  const fs::path d = scratch();
  const fs::path out = d / "bad-out";
  auto expect_error = [&](const std::string& args, const std::string& text) {
    SCOPED_TRACE(args);
    const CliRun r = run(args);
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
    EXPECT_TRUE(nothing_written(d, "bad-out"));
  };
  const fs::path not_json = regcheck::test::write("not.json", "tool = regcheck\n");
  const fs::path other_tool = regcheck::test::write("other.json", R"({"tool": "pytest", "claims": []})");
  const fs::path array = regcheck::test::write("array.json", "[1, 2]");
  nlohmann::json old_version = nlohmann::json::parse(slurp(f.verify));
  old_version["versions"]["regcheck"] = "0.0.1";
  const fs::path old_file = regcheck::test::write("old.json", old_version.dump());
  nlohmann::json without_claims = nlohmann::json::parse(slurp(f.verify));
  without_claims.erase("claims");
  const fs::path no_claims = regcheck::test::write("noclaims.json", without_claims.dump());
  expect_error("--from " + not_json.string() + " --out " + out.string(), "is not regcheck JSON (not valid JSON)");
  expect_error("--from " + other_tool.string() + " --out " + out.string(), "\"tool\" is \"pytest\"");
  expect_error("--from " + no_claims.string() + " --out " + out.string(), "no \"claims\" array");
  expect_error("--from " + array.string() + " --out " + out.string(), "not a JSON object");
  expect_error("--from " + old_file.string() + " --out " + out.string(),
               "was written by regcheck 0.0.1 (format version '0.0.1')");
  expect_error("--from " + (d / "missing.json").string() + " --out " + out.string(), "cannot be read");
  expect_error("--from " + f.verify.string() + " --from " + f.verify.string() + " --out " + out.string(),
               "are both `regcheck verify` results");
  // Unwritable --out: a missing parent folder, a file, a folder where nothing can be created.
  expect_error("--from " + f.verify.string() + " --out " + (d / "bad-out-parent" / "x").string(), "does not exist");
  const fs::path file = regcheck::test::write("bad-out-file", "keep\n");
  {
    const CliRun r = run("--from " + f.verify.string() + " --out " + file.string());
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("exists and is not a folder"), std::string::npos) << r.err;
    EXPECT_EQ(slurp(file), "keep\n");
  }
  {
    const CliRun r = run("--from " + f.verify.string() + " --out /proc/regcheck-notebooks");
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("--out /proc/regcheck-notebooks: cannot write in /proc"), std::string::npos) << r.err;
  }
  // An --out that holds an input would be replaced with it.
  {
    const fs::path rep = d / "rep";
    fs::create_directories(rep);
    fs::copy_file(f.verify, rep / "verify.json", fs::copy_options::overwrite_existing);
    const CliRun r = run("--from " + (rep / "verify.json").string() + " --out " + rep.string());
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("holds the input"), std::string::npos) << r.err;
    EXPECT_TRUE(fs::exists(rep / "verify.json"));
  }
  // No --from and no reports/*/ results in the working folder.
  {
    const fs::path empty = d / "empty";
    fs::create_directories(empty);
    const int code = sh("cd " + empty.string() + " && " + REGCHECK_BIN + " export-notebooks > out 2> err");
    EXPECT_EQ(code, 2);
    EXPECT_EQ(lines(slurp(empty / "err")), 1);
    EXPECT_NE(slurp(empty / "err").find("run `regcheck report` first or pass --from"), std::string::npos);
    EXPECT_FALSE(fs::exists(empty / "notebooks_export"));
  }
}
