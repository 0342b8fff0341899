// regcheck stats cross-checked against scipy.stats 1.10 on random data sets: the data and
// scipy's values are stored in tests/data/stats/scipy_reference.json (generated once by
// tests/data/stats/make_scipy_reference.py, fixed numpy seed), so scipy is not needed at test
// time. Then the CLI as a user runs it (JSON keys, exit codes) and the bad inputs that must give
// one error line and exit code 2.
#include "sim/stats/table.hpp"
#include "sim/stats/tests.hpp"

#include <gtest/gtest.h>

#include "tests/support/cli_harness.hpp"
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

namespace st = regcheck::sim::stats;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// 1e-10 relative: scipy and regcheck evaluate the same formulas in double (t, F, normal tails by
// different but ~1e-15-accurate codes); the data enter scipy as doubles and regcheck as exact
// decimals, a ~1e-16 relative difference. 1e-10 leaves room for the condition number of p-values
// in the tails and for root-finding tolerances, and still catches any formula error.
constexpr double kRel = 1e-10;

#define EXPECT_REL(a, b, what)                                                                          \
  EXPECT_LE(std::abs((a) - (b)), kRel * std::max(std::abs(b), 1e-300)) << (what) << ": " << (a) << " vs " << (b)

const json& reference() {
  static const json doc = [] {
    std::ifstream in(std::string(REGCHECK_SOURCE_DIR) + "/tests/data/stats/scipy_reference.json");
    return json::parse(in);
  }();
  return doc;
}

st::CenteredColumn column(const json& texts, const std::string& what) { return st::center_decimals(texts.get<std::vector<std::string>>(), what); }

// Two samples centered on one reference (as the CLI reads one column split by group).
std::pair<std::vector<double>, std::vector<double>> two(const json& a, const json& b) {
  std::vector<std::string> all = a.get<std::vector<std::string>>();
  const std::size_t na = all.size();
  for (const auto& s : b) all.push_back(s.get<std::string>());
  const st::CenteredColumn c = st::center_decimals(all, "two");
  return {std::vector<double>(c.x.begin(), c.x.begin() + static_cast<long>(na)), std::vector<double>(c.x.begin() + static_cast<long>(na), c.x.end())};
}

using regcheck::test::CliRun;
using regcheck::test::run;
using regcheck::test::scratch;
using regcheck::test::slurp;
using regcheck::test::write;

}  // namespace

TEST(StatsScipy, SummaryMomentsAndTInterval) {
  for (const auto& c : reference().at("summary")) {
    const std::string name = c.at("name");
    const st::CenteredColumn col = column(c.at("data"), name);
    const st::Summary s = st::summarize(col.x, col.ref_double, 0.95);
    EXPECT_EQ(s.m.n, c.at("n").get<std::size_t>());
    EXPECT_REL(s.m.mean, c.at("mean").get<double>(), name + " mean");
    EXPECT_REL(s.m.sd, c.at("sd").get<double>(), name + " sd");
    EXPECT_REL(s.m.se, c.at("se").get<double>(), name + " se");
    EXPECT_REL(s.ci_lo, c.at("ci_lo").get<double>(), name + " ci_lo");
    EXPECT_REL(s.ci_hi, c.at("ci_hi").get<double>(), name + " ci_hi");
    EXPECT_REL(s.median, c.at("median").get<double>(), name + " median");
  }
}

TEST(StatsScipy, BootstrapAgreesWithScipyWithinMonteCarloError) {
  // Both are Monte Carlo (10^5 resamples each, different generators): an endpoint's standard
  // error is ~0.0085 se for a normal-like mean (sqrt(q (1 - q) / B) / density at the 2.5%
  // point), ~0.012 se for the difference of two. Tolerance 0.06 se = 5 standard errors: a false
  // failure has probability ~1e-6 per endpoint; the seeds are fixed, so the test is
  // deterministic. n = 5 is skipped (its bootstrap distribution is too discrete for this bound).
  for (const auto& c : reference().at("summary")) {
    if (c.at("n").get<int>() < 30) continue;
    const std::string name = c.at("name");
    const st::CenteredColumn col = column(c.at("data"), name);
    const double se = c.at("se").get<double>();
    for (const auto& [method, bca] : {std::pair{"BCa", true}, std::pair{"percentile", false}}) {
      const st::BootstrapCi b = st::bootstrap_mean_ci(col.x, col.ref_double, 0.95, 100000, 11, bca, 2);
      const auto& ref = c.at("bootstrap_1e5").at(method);
      EXPECT_NEAR(b.lo, ref[0].get<double>(), 0.06 * se) << name << " " << method;
      EXPECT_NEAR(b.hi, ref[1].get<double>(), 0.06 * se) << name << " " << method;
    }
  }
}

TEST(StatsScipy, WelchTAndMannWhitneyU) {
  for (const auto& c : reference().at("welch")) {
    const std::string name = c.at("name");
    const auto [x, y] = two(c.at("x"), c.at("y"));
    const st::TTest t = st::welch_t(x, y, 0.95);
    EXPECT_REL(t.t, c.at("t").get<double>(), name + " t");
    EXPECT_REL(t.df, c.at("df").get<double>(), name + " df");
    EXPECT_REL(t.p_value, c.at("p_value").get<double>(), name + " p");
    EXPECT_REL(t.diff, c.at("diff").get<double>(), name + " diff");
    EXPECT_REL(t.ci_lo, c.at("ci_lo").get<double>(), name + " ci_lo");
    EXPECT_REL(t.ci_hi, c.at("ci_hi").get<double>(), name + " ci_hi");
    const st::MannWhitney u = st::mann_whitney_u(x, y);
    EXPECT_REL(u.u, c.at("u").get<double>(), name + " U");
    EXPECT_REL(u.p_value, c.at("u_p_value").get<double>(), name + " U p");
  }
}

TEST(StatsScipy, PairedT) {
  for (const auto& c : reference().at("paired")) {
    const std::string name = c.at("name");
    const auto [x, y] = two(c.at("x"), c.at("y"));
    std::vector<double> d(x.size());
    for (std::size_t i = 0; i < d.size(); ++i) d[i] = x[i] - y[i];
    const st::TTest t = st::paired_t(d, 0.95);
    EXPECT_REL(t.t, c.at("t").get<double>(), name + " t");
    EXPECT_REL(t.p_value, c.at("p_value").get<double>(), name + " p");
    EXPECT_REL(t.diff, c.at("diff").get<double>(), name + " diff");
    EXPECT_REL(t.ci_lo, c.at("ci_lo").get<double>(), name + " ci_lo");
    EXPECT_REL(t.ci_hi, c.at("ci_hi").get<double>(), name + " ci_hi");
  }
}

TEST(StatsScipy, AnovaAndAdjustedPairs) {
  for (const auto& c : reference().at("anova")) {
    const std::string name = c.at("name");
    std::vector<std::string> all;
    std::vector<std::size_t> sizes;
    for (const auto& g : c.at("groups")) {
      sizes.push_back(g.size());
      for (const auto& s : g) all.push_back(s.get<std::string>());
    }
    const st::CenteredColumn col = st::center_decimals(all, name);
    std::vector<std::vector<double>> groups;
    std::size_t at = 0;
    for (std::size_t n : sizes) {
      groups.emplace_back(col.x.begin() + static_cast<long>(at), col.x.begin() + static_cast<long>(at + n));
      at += n;
    }
    const st::Anova a = st::one_way_anova(std::vector<std::span<const double>>(groups.begin(), groups.end()));
    EXPECT_REL(a.f, c.at("f").get<double>(), name + " F");
    EXPECT_REL(a.p_value, c.at("p_value").get<double>(), name + " p");
    std::vector<double> p;
    for (const auto& pr : c.at("pairs")) {
      const st::TTest t = st::welch_t(groups[pr.at("i")], groups[pr.at("j")], 0.95);
      EXPECT_REL(t.t, pr.at("t").get<double>(), name + " pair t");
      p.push_back(t.p_value);
    }
    const auto h = st::holm(p), b = st::benjamini_hochberg(p);
    for (std::size_t k = 0; k < p.size(); ++k) {
      EXPECT_REL(h[k], c.at("pairs")[k].at("p_holm").get<double>(), name + " holm");
      EXPECT_REL(b[k], c.at("pairs")[k].at("p_bh").get<double>(), name + " bh");
    }
  }
}

TEST(StatsScipy, PowerAgainstMpmathQuadratureAndScipyNct) {
  for (const auto& c : reference().at("power")) {
    const double delta = c.at("delta"), sd = c.at("sd"), n = c.at("n"), alpha = c.at("alpha"), target = c.at("power");
    const double pw = st::t_test_power(delta, sd, n, alpha);
    EXPECT_REL(pw, c.at("power_at_n_mpmath").get<double>(), "power (40-digit quadrature)");
    EXPECT_REL(pw, c.at("power_at_n").get<double>(), "power (scipy nct)");
    EXPECT_EQ(st::runs_needed(delta, sd, alpha, target), c.at("runs_needed").get<std::size_t>());
    EXPECT_REL(st::detectable_difference(n, sd, alpha, target), c.at("detectable_difference").get<double>(), "detectable difference");
  }
}

TEST(StatsCli, CompareJsonHasPlainKeysAndScipyValues) {
  const json& c = reference().at("welch")[0];
  std::string csv = "method,seed,acc\n";
  int k = 0;
  for (const auto& v : c.at("x")) csv += "A," + std::to_string(k++) + "," + v.get<std::string>() + "\n";
  for (const auto& v : c.at("y")) csv += "B," + std::to_string(k++) + "," + v.get<std::string>() + "\n";
  const fs::path f = write("cmp.csv", csv), out = scratch() / "cmp.json";
  const CliRun r = run("stats compare " + f.string() + " --group method --column acc --json " + out.string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Welch t"), std::string::npos);
  const json j = json::parse(slurp(out));
  ASSERT_EQ(j.at("groups").size(), 2u);
  for (const char* key : {"n", "mean", "sd", "se"}) EXPECT_TRUE(j.at("groups")[0].contains(key)) << key;
  const json& w = j.at("tests")[0];
  EXPECT_EQ(w.at("test"), "welch_t");
  EXPECT_REL(w.at("t").get<double>(), c.at("t").get<double>(), "cli t");
  EXPECT_REL(w.at("df").get<double>(), c.at("df").get<double>(), "cli df");
  EXPECT_REL(w.at("p_value").get<double>(), c.at("p_value").get<double>(), "cli p");
  EXPECT_REL(w.at("ci_lo").get<double>(), c.at("ci_lo").get<double>(), "cli ci_lo");
  EXPECT_EQ(j.at("tests")[1].at("test"), "mann_whitney_u");
  EXPECT_REL(j.at("tests")[1].at("p_value").get<double>(), c.at("u_p_value").get<double>(), "cli U p");
}

TEST(StatsCli, SummaryJsonIsByteIdenticalForOneAndTwoThreads) {
  std::string csv = "run,acc\n";
  for (int i = 0; i < 300; ++i) csv += std::to_string(i) + "," + std::to_string(0.9 + 0.01 * std::sin(i * 1.3)) + "\n";
  const fs::path f = write("sum.csv", csv), a = scratch() / "a.json", b = scratch() / "b.json";
  ASSERT_EQ(run("stats summary " + f.string() + " --column acc --seed 5 --threads 1 --json " + a.string()).code, 0);
  ASSERT_EQ(run("stats summary " + f.string() + " --column acc --seed 5 --threads 2 --json " + b.string()).code, 0);
  EXPECT_EQ(slurp(a), slurp(b));
  const json j = json::parse(slurp(a));
  for (const char* key : {"n", "mean", "sd", "se", "ci_lo", "ci_hi", "median", "median_ci_lo", "median_ci_hi"})
    EXPECT_TRUE(j.at("groups")[0].at(key).is_number()) << key;
  EXPECT_EQ(j.at("groups")[0].at("bootstrap").at("method"), "BCa");
}

TEST(StatsCli, PowerPrintsRunsAndDetectableDifference) {
  const CliRun r = run("stats power --sd 1 --n 20 --delta 1 --json " + (scratch() / "p.json").string());
  ASSERT_EQ(r.code, 0) << r.err;
  const json j = json::parse(slurp(scratch() / "p.json"));
  EXPECT_EQ(j.at("runs_needed"), 17);  // scipy reference, first power case
  EXPECT_REL(j.at("detectable_difference").get<double>(), reference().at("power")[0].at("detectable_difference").get<double>(), "cli");
}

TEST(StatsCli, BadInputsGiveOneErrorLineAndExit2) {
  const std::string dir = scratch().string();
  struct Case {
    std::string file_text, args, must_contain;
  };
  const std::vector<Case> cases = {
      {"", "stats summary {F}", "is empty"},
      {"acc\n0.9\n", "stats summary {F}", "1 data row(s) (allowed: at least 2)"},
      {"acc\n", "stats summary {F}", "0 data row(s)"},
      {"m,acc\na,0.9\nb,zero\n", "stats summary {F} --column acc", "row 3, column 'acc': 'zero' is not a number"},
      {"m,acc\na,0.9\nb,0.8\n", "stats summary {F} --column accuracy", "no column 'accuracy' (columns: m, acc)"},
      {"m,acc\na,0.9\na,0.8\nb,0.7\n", "stats compare {F} --group m", "group 'b' has 1 value(s) in column 'acc' (allowed: at least 2)"},
      {"acc\n0.9\n0.9\n0.9\n", "stats summary {F}", "all 3 values of column 'acc' are equal (0.9): zero variance"},
      {"m,acc\na,0.9\na,0.9\nb,0.8\nb,0.8\n", "stats compare {F} --group m", "zero variance"},
      {"m,s,acc\na,1,0.9\na,2,0.8\nb,1,0.7\nb,3,0.6\n", "stats compare {F} --group m --paired-by s", "key '2' of group 'a' has no partner"},
      {"m,acc\na,0.9\nb,0.8\n", "stats compare {F} --group m --paired-by s", "no column 's'"},
      {"m,acc\na,0.9\nb,0.8\n", "stats summary {F} --alpha 0.7", "--alpha: value 0.7 is out of range"},
      {"m,acc\na,0.9\nb,0.8\n", "stats summary {F} --resamples 5", "--resamples: value 5"},
      {"a,b\n1,2\n3,4\n", "stats summary {F}", "several numeric columns (a, b)"},
      {"", "stats power --n 10 {F}", "is empty"},
  };
  for (const auto& c : cases) {
    const fs::path f = write("bad.csv", c.file_text);
    std::string args = c.args;
    args.replace(args.find("{F}"), 3, f.string());
    const CliRun r = run(args + " --json " + dir + "/never.json");
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_EQ(r.out, "") << args;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("regcheck: error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(c.must_contain), std::string::npos) << args << "\n" << r.err;
    EXPECT_FALSE(fs::exists(dir + "/never.json")) << args;
  }
  for (const std::string args : {"stats power --n 10", "stats power --sd 1", "stats power --sd 0 --n 5", "stats nope", "stats",
                                 "stats power --sd 1 --n 5 --bogus", "stats power --sd 1 --n 5 extra"}) {
    const CliRun r = run(args);
    EXPECT_EQ(r.code, 2) << args;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("regcheck: error: ", 0), 0u) << r.err;
  }
}
