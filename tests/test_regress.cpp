// `regcheck regress`: the committed tables and baseline, the regression rule, --against, --bless.
//
// Expected values come from hand computation (ulps, LRE, closed forms at simple points) and from
// the 50-digit references (theory/reference/), never from the double code under test: the user
// CSVs of the --against tests hold the references rounded to double.
#include "regress/baseline.hpp"
#include "regress/tables.hpp"
#include "regress/trajectory.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace fs = std::filesystem;
namespace rg = regcheck::regress;
using rg::Real50;

namespace {

const std::string kSource = REGCHECK_SOURCE_DIR;
const std::string kTables = kSource + "/regress/tables";
const std::string kBaseline = kSource + "/regress/baseline.json";

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path temp_dir(const std::string& tag) {
  const fs::path d = fs::temp_directory_path() / ("regcheck-regress-" + tag + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

struct Cli {
  int code;
  std::string out, err;
};
// Runs the CLI from the source tree (the default --tables and --baseline are relative to it).
Cli cli(const std::string& args, const std::string& env = "") {
  const fs::path d = temp_dir("cli");
  const std::string cmd = "cd " + kSource + " && OMP_WAIT_POLICY=passive " + env + " " + REGCHECK_BIN + " " + args + " > " +
                          (d / "out").string() + " 2> " + (d / "err").string();
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(d / "out"), slurp(d / "err")};
}

nlohmann::json committed_baseline() {
  std::ifstream in(kBaseline);
  return nlohmann::json::parse(in);
}

const rg::Verdict& verdict_of(const std::vector<rg::Verdict>& v, const std::string& fn) {
  for (const rg::Verdict& x : v)
    if (x.function == fn) return x;
  throw std::runtime_error("no verdict for " + fn);
}

// A --against CSV for tl1-prox: inputs and the 50-digit reference rounded to double.
std::string tl1_prox_csv(double perturb_row3) {
  const double rows[4][3] = {{3, 1, 1}, {-0.5, 1, 1}, {10, 0.5, 2}, {1e-300, 1e-300, 1}};
  std::string csv = "y,lambda,a,value\n";
  for (int i = 0; i < 4; ++i) {
    const rg::Args a{{"y", {rows[i][0]}}, {"lambda", {rows[i][1]}}, {"a", {rows[i][2]}}};
    double v = static_cast<double>((*rg::reference_value(rg::function("tl1-prox"), a))[0]);
    if (i == 2) v *= 1 + perturb_row3;
    csv += rg::number_text(rows[i][0]) + "," + rg::number_text(rows[i][1]) + "," + rg::number_text(rows[i][2]) + "," +
           rg::number_text(v) + "\n";
  }
  return csv;
}

fs::path write(const fs::path& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name) << text;
  return dir / name;
}

}  // namespace

// ---- measures, by hand ---------------------------------------------------------------------------

TEST(RegressMeasure, UlpDistanceOnTheIntegerRepresentation) {
  EXPECT_EQ(rg::ulp_distance(1.0, Real50(1)), 0);
  EXPECT_EQ(rg::ulp_distance(1.0 + 0x1p-52, Real50(1)), 1);
  EXPECT_EQ(rg::ulp_distance(1.0 - 0x1p-53, Real50(1)), 1);  // below 1 the spacing halves
  EXPECT_EQ(rg::ulp_distance(-0.0, Real50(0)), 0);
  EXPECT_EQ(rg::ulp_distance(std::numeric_limits<double>::denorm_min(), Real50(0)), 1);
  EXPECT_EQ(rg::ulp_distance(-std::numeric_limits<double>::denorm_min(), Real50(std::numeric_limits<double>::denorm_min())), 2);
  // The reference is rounded to double first: 1 + 0.4 ulp rounds to 1.
  EXPECT_EQ(rg::ulp_distance(1.0, Real50(1) + Real50(0x1p-52) * Real50(0.4)), 0);
  EXPECT_TRUE(std::isinf(rg::ulp_distance(std::nan(""), Real50(1))));
}

TEST(RegressMeasure, LreAsNistReportsIt) {
  EXPECT_DOUBLE_EQ(rg::lre(1.0, Real50(1)), 15.9);                      // exact: the cap
  EXPECT_NEAR(rg::lre(1.001, Real50(1)), 3.0, 1e-9);                    // -log10(1e-3)
  EXPECT_NEAR(rg::lre(2.0, Real50(4)), -std::log10(0.5), 1e-12);        // 0.30 digits
  EXPECT_NEAR(rg::lre(1e-7, Real50(0)), 7.0, 1e-9);                     // ref 0: absolute error
  EXPECT_EQ(rg::lre(10.0, Real50(1)), 0.0);                             // error 900%: clamped at 0
}

TEST(RegressMeasure, ReferencesAtHandPoints) {
  auto ref = [](const char* fn, const rg::Args& a) { return (*rg::reference_value(rg::function(fn), a))[0]; };
  EXPECT_EQ(ref("tl1-threshold", {{"lambda", {1}}, {"a", {1}}}), Real50(1.5));  // sqrt(2*1*2) - 1/2, supercritical
  EXPECT_EQ(ref("tl1-threshold", {{"lambda", {0.1}}, {"a", {1}}}), Real50(0.1) * 2);  // lambda (a+1)/a, subcritical
  EXPECT_EQ(ref("bootstrap-unique", {{"n", {2}}}), Real50(0.75));              // 1 - (1/2)^2
  EXPECT_EQ(ref("shift-ratio", {{"p", {1}}}), Real50(1));
  EXPECT_EQ(ref("ensemble-mse", {{"k", {4}}, {"v", {2}}, {"c", {1}}}), Real50(5) / 4);  // (2 + 3)/4
  EXPECT_EQ(ref("soft-threshold", {{"y", {-3}}, {"t", {1}}}), Real50(-2));
  // An input outside the domain, and a value beyond DBL_MAX, have no reference.
  EXPECT_FALSE(rg::reference_value(rg::function("tl1-threshold"), {{"lambda", {1}}, {"a", {0}}}));
  EXPECT_FALSE(rg::reference_value(rg::function("early-stopping-alpha"), {{"lambda", {1e-300}}, {"eta", {1e-320}}, {"tau", {1}}}));
}

// ---- the committed tables and baseline -----------------------------------------------------------

TEST(RegressTables, CoverEveryEvalFunctionAndRegenerateIdentically) {
  const fs::path d = temp_dir("gen");
  const Cli r = cli("regress --generate-tables " + d.string());
  ASSERT_EQ(r.code, 0) << r.err;
  for (const rg::FunctionSpec& f : rg::functions()) {
    const std::string committed = slurp(kTables + "/" + f.name + ".csv");
    EXPECT_EQ(slurp(d / (f.name + ".csv")), committed) << f.name << ": the committed table is not what the references give";
    const rg::Table t = rg::read_table(f, kTables + "/" + f.name + ".csv");
    EXPECT_GE(t.rows.size(), 40u) << f.name;
    EXPECT_LE(t.rows.size(), 600u) << f.name << ": keep tables small for git";
  }
  EXPECT_EQ(rg::functions().size(), 12u);
}

TEST(RegressBaseline, CommittedBaselinePasses) {
  const std::vector<rg::Stats> stats = rg::run_tables(kTables, rg::build_evaluator());
  for (const rg::Verdict& v : rg::compare(committed_baseline(), stats)) EXPECT_FALSE(v.regressed) << v.line;
  for (const rg::Stats& s : stats) EXPECT_EQ(s.mismatches, 0) << s.function << ": " << s.first_mismatch;
  const Cli r = cli("regress");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("ok: every function within its budget"), std::string::npos) << r.out;
}

// A perturbed tl1-threshold (relative 1e-12, ~4500 ulps, at lambda = 1, a = 1 only) is caught,
// naming the function and that input; every other function still passes.
TEST(RegressBaseline, PerturbedFunctionIsCaughtWithItsInput) {
  const rg::Evaluator build = rg::build_evaluator();
  const rg::Evaluator perturbed = [&](const rg::FunctionSpec& f, const rg::Args& a) {
    std::vector<double> v = build(f, a);
    if (f.name == "tl1-threshold" && a.at("lambda")[0] == 1 && a.at("a")[0] == 1) v[0] *= 1 + 1e-12;
    return v;
  };
  // The table's row at (lambda, a) = (1, 1) holds the 50-digit reference 1.5 = sqrt(2*1*2) - 1/2.
  const std::vector<rg::Stats> base_stats = rg::run_tables(kTables, build);
  const nlohmann::json base = rg::baseline_json(base_stats);
  const std::vector<rg::Verdict> v = rg::compare(base, rg::run_tables(kTables, perturbed));
  for (const rg::Verdict& x : v) EXPECT_EQ(x.regressed, x.function == "tl1-threshold") << x.function << ": " << x.line;
  const rg::Verdict& t = verdict_of(v, "tl1-threshold");
  EXPECT_NE(t.line.find("tl1-threshold at lambda=1, a=1"), std::string::npos) << t.line;
  // fl(1 + 1e-12) = 1 + 4504 * 2^-52 (1e-12 * 2^52 = 4503.6), times 1.5 = 1.5 + 6756 * 2^-52, exact;
  // the ulp at 1.5 is 2^-52: 6756 ulps.
  EXPECT_NE(t.line.find("error 0 ulps -> 6756 ulps (budget 2 ulps)"), std::string::npos) << t.line;
  EXPECT_EQ(t.rows_over_budget, 1);
  // An input the build now refuses is caught too.
  const rg::Evaluator refusing = [&](const rg::FunctionSpec& f, const rg::Args& a) {
    if (f.name == "bootstrap-unique" && a.at("n")[0] == 10) throw std::invalid_argument("n refused");
    return build(f, a);
  };
  const std::vector<rg::Verdict> vr = rg::compare(base, rg::run_tables(kTables, refusing));
  const rg::Verdict& b = verdict_of(vr, "bootstrap-unique");
  EXPECT_TRUE(b.regressed);
  EXPECT_NE(b.line.find("n=10"), std::string::npos) << b.line;
  EXPECT_NE(b.line.find("refuses the input"), std::string::npos) << b.line;
}

TEST(RegressBaseline, BudgetRule) {
  EXPECT_EQ(rg::ulps_budget(0), 2);    // identical results pass, 2 ulps of reordering allowed
  EXPECT_EQ(rg::ulps_budget(1), 3);
  EXPECT_EQ(rg::ulps_budget(100), 200);
}

TEST(RegressBaseline, BlessRoundTripInATempDir) {
  const fs::path d = temp_dir("bless");
  const std::string b = (d / "baseline.json").string();
  const Cli w = cli("regress --bless --baseline " + b + " --json " + (d / "r.json").string() + " --markdown " + (d / "r.md").string());
  ASSERT_EQ(w.code, 0) << w.err;
  const Cli r = cli("regress --baseline " + b);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  // The blessed file holds this build's figures: the same as the committed ones for this build.
  const nlohmann::json blessed = nlohmann::json::parse(slurp(b));
  EXPECT_EQ(blessed["functions"].size(), 12u);
  EXPECT_FALSE(fs::exists(b + ".tmp." + std::to_string(::getpid())));
  EXPECT_NE(slurp(d / "r.md").find("| tl1-prox |"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(slurp(d / "r.json"))["functions"].size(), 12u);
  // A baseline with a tightened row makes the CLI exit 1 naming function, input, old and new error.
  nlohmann::json tight = blessed;
  auto& rows = tight["functions"]["early-stopping-alpha"]["row_ulps"];
  std::size_t worst = 0;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i].is_number() && rows[i].get<double>() > rows[worst].get<double>()) worst = i;
  const double old = rows[worst].get<double>();
  ASSERT_GT(old, 10);  // 1217 ulps at tau = 1000, lambda = 3.7e25 for this build
  rows[worst] = 1;
  std::ofstream(d / "tight.json") << tight.dump();
  const Cli t = cli("regress --baseline " + (d / "tight.json").string());
  EXPECT_EQ(t.code, 1) << t.out;
  EXPECT_NE(t.out.find("REGRESSION early-stopping-alpha at lambda="), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("error 1 ulps -> " + std::to_string(static_cast<long>(old)) + " ulps (budget 3 ulps)"), std::string::npos)
      << t.out;
}

// ---- trainer trajectories -----------------------------------------------------------------------

TEST(RegressTrajectories, CommittedTrajectoriesMatchForOneAndTwoThreads) {
  for (const std::string& c : rg::trajectory_configs()) {
    const rg::Trajectory t = rg::run_trajectory(c);
    ASSERT_EQ(t.steps.size(), 20u) << c;
    EXPECT_LT(t.steps.back().loss, 0.97 * t.steps.front().loss) << c << ": the run must move";
  }
  EXPECT_TRUE(rg::run_trajectories(kSource + "/regress/trajectories").size() == 3);
  for (const rg::Drift& d : rg::run_trajectories(kSource + "/regress/trajectories")) EXPECT_FALSE(d.regressed) << d.line;
  for (const char* threads : {"1", "2"}) {
    const Cli r = cli("regress", std::string("OMP_NUM_THREADS=") + threads);
    EXPECT_EQ(r.code, 0) << threads << " threads: " << r.out;
  }
}

// A layer change shows as a drift: a stored loss off by 1e-3 relative at step 5 (100x the budget)
// and a stored weight sum off by 1e-4 of sum |w| at step 12 are both named.
TEST(RegressTrajectories, DriftBeyondTheBudgetIsNamed) {
  const rg::Trajectory now = rg::run_trajectory("mlp-sgd");
  rg::Trajectory stored = now;
  EXPECT_FALSE(rg::compare_trajectory(stored, now).regressed);
  EXPECT_EQ(rg::compare_trajectory(stored, now).max_rel, 0.0);
  stored.steps[5].loss *= 1 + 1e-3;
  const rg::Drift d = rg::compare_trajectory(stored, now);
  EXPECT_TRUE(d.regressed);
  EXPECT_EQ(d.worst_step, 5u);
  EXPECT_EQ(d.worst_quantity, "loss");
  EXPECT_NEAR(d.max_rel, 1e-3 / (1 + 1e-3), 1e-12);  // relative to the stored value
  EXPECT_NE(d.line.find("trajectory mlp-sgd at step 5: loss"), std::string::npos) << d.line;
  rg::Trajectory stored2 = now;
  stored2.steps[12].sum += 1e-4 * stored2.steps[12].sum_abs;
  const rg::Drift d2 = rg::compare_trajectory(stored2, now);
  EXPECT_TRUE(d2.regressed);
  EXPECT_EQ(d2.worst_step, 12u);
  EXPECT_EQ(d2.worst_quantity, "sum");
  // Within budget: 1e-6 relative passes.
  rg::Trajectory stored3 = now;
  stored3.steps[3].sum_sq *= 1 + 1e-6;
  EXPECT_FALSE(rg::compare_trajectory(stored3, now).regressed);
  // JSON round trip.
  EXPECT_EQ(rg::trajectory_from_json(rg::trajectory_json(now)).steps.back().sum_sq, now.steps.back().sum_sq);
}

// ---- --against -----------------------------------------------------------------------------------

TEST(RegressAgainst, RightValuesPassAndAPerturbedRowIsNamed) {
  const fs::path d = temp_dir("against");
  const Cli ok = cli("regress --against " + write(d, "ok.csv", tl1_prox_csv(0)).string() + " --function tl1-prox");
  EXPECT_EQ(ok.code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("PASS"), std::string::npos) << ok.out;
  const Cli bad = cli("regress --against " + write(d, "bad.csv", tl1_prox_csv(1e-12)).string() + " --function tl1-prox");
  EXPECT_EQ(bad.code, 1) << bad.out << bad.err;
  EXPECT_NE(bad.out.find("FAIL"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("row 3 (line 4) y=10, lambda=0.5, a=2"), std::string::npos) << bad.out;
  // A budget the user sets: 1e-12 relative is ~4500 ulps at 9.x (ulp 2^-49), within 1e4.
  const Cli loose = cli("regress --against " + (d / "bad.csv").string() + " --function tl1-prox --budget-ulps 10000");
  EXPECT_EQ(loose.code, 0) << loose.out;
  // group-prox: a vector value as ';'-joined components; columns in any order.
  write(d, "g.csv", "tau,v,value\n2.5,3;4,1.5;2\n0,1;-1,1;-1\n");
  const Cli g = cli("regress --against " + (d / "g.csv").string() + " --function group-prox --budget-ulps 0");
  EXPECT_EQ(g.code, 0) << g.out << g.err;
}

TEST(RegressAgainstErrors, EveryCsvErrorIsOneLineNamingFileRowAndColumn) {
  const fs::path d = temp_dir("against-errors");
  struct Case {
    std::string csv, expect;
  };
  const std::vector<Case> cases = {
      {"y,lambda,value\n1,1,0\n", "header lacks column 'a'"},
      {"y,lambda,a,b,value\n1,1,1,1,0\n", "header column 4 'b' is not a parameter of tl1-prox"},
      {"y,y,lambda,a,value\n1,1,1,1,0\n", "'y' appears twice in the header"},
      {"y,lambda,a,value\n1,1,1\n", "row"},  // wrong cell count (the CSV reader names the row)
      {"y,lambda,a,value\n1,1,1,0\n1,abc,1,0\n", "row 2 (line 3), column 'lambda': 'abc' is not a number"},
      {"y,lambda,a,value\n1,1,1,nan\n", "row 1 (line 2), column 'value': NaN, but tl1-prox has no NaN"},
      {"y,lambda,a,value\ninf,1,1,0\n", "column 'y': 'inf' is not finite"},
      {"y,lambda,a,value\n1e400,1,1,0\n", "column 'y': '1e400' is beyond the double range"},
      {"y,lambda,a,value\n1;2,1,1,0\n", "column 'y': '1;2' is a list"},
      {"y,lambda,a,value\n1,1,0,0\n", "row 1 (line 2): y=1, lambda=1, a=0 is outside the domain of tl1-prox"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const fs::path f = write(d, fmt::format("e{}.csv", i), cases[i].csv);
    const Cli r = cli("regress --against " + f.string() + " --function tl1-prox --json " + (d / "no.json").string());
    EXPECT_EQ(r.code, 2) << cases[i].csv;
    EXPECT_EQ(r.out, "") << cases[i].csv;
    EXPECT_EQ(r.err.rfind("regcheck: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(f.string()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(cases[i].expect), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(d / "no.json")) << "nothing is written on an error";
  }
  // group-prox: a value with the wrong number of components.
  const fs::path g = write(d, "g.csv", "v,tau,value\n3;4,2.5,1.5\n");
  const Cli r = cli("regress --against " + g.string() + " --function group-prox");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("column 'value': 1 values, but group-prox returns 2 here"), std::string::npos) << r.err;
}

// ---- errors that must be raised ------------------------------------------------------------------

TEST(RegressErrors, BadUsageExits2) {
  EXPECT_THROW(rg::function("nope"), std::invalid_argument);
  const fs::path d = temp_dir("usage");
  const Cli unknown = cli("regress --against " + write(d, "x.csv", "p,value\n0.5,1\n").string() + " --function nope");
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("function 'nope' is unknown (allowed: shift-ratio"), std::string::npos) << unknown.err;
  EXPECT_EQ(cli("regress --function tl1-prox").code, 2);                 // --function needs --against
  EXPECT_EQ(cli("regress --budget-ulps 3").code, 2);                     // --budget-ulps needs --against
  EXPECT_EQ(cli("regress --against x.csv --function tl1-prox --bless").code, 2);
  const Cli nob = cli("regress --baseline " + (d / "missing.json").string());
  EXPECT_EQ(nob.code, 2);
  EXPECT_NE(nob.err.find("cannot read"), std::string::npos) << nob.err;
  const Cli bad = cli("regress --baseline " + write(d, "bad.json", "{\"functions\": 3}").string());
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("expected an object with a 'functions' object"), std::string::npos) << bad.err;
  EXPECT_EQ(cli("regress --tables " + (d / "none").string()).code, 2);
  EXPECT_EQ(cli("regress --generate-tables " + (d / "none").string()).code, 2);
  EXPECT_THROW(rg::read_table(rg::function("shift-ratio"), (d / "x.csv").string()), std::invalid_argument);  // wrong header
  EXPECT_THROW(rg::run_trajectory("nope"), std::invalid_argument);
  EXPECT_THROW(rg::trajectory_from_json(nlohmann::json::parse("{\"config\": 1}")), std::invalid_argument);
  EXPECT_THROW(rg::run_trajectories((d / "none").string()), std::invalid_argument);
}
