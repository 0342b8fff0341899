// regcheck stats numerics certified against the NIST Statistical Reference Datasets (StRD):
// univariate NumAcc1-4 (data defined by a rule, certified mean and sd recomputed here in 50 digits
// from the exact decimals) and the one-way ANOVA sets SiRstv, SmLs01-09, AtmWtAg (files copied
// unchanged, NIST headers kept, into tests/data/stats/nist/). Accuracy is the log relative error
// LRE = -log10(|computed - certified| / |certified|), capped at 15 (the certified digits); the
// table is printed. Then unit checks (CSV, exact reading, median CI, Holm/BH, bootstrap), and
// the errors that must be raised.
#include "sim/stats/table.hpp"
#include "sim/stats/tests.hpp"

#include <boost/multiprecision/cpp_dec_float.hpp>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace st = regcheck::sim::stats;
using Dec50 = boost::multiprecision::cpp_dec_float_50;

namespace {

double lre(double computed, double certified) {
  if (computed == certified) return 15.0;
  const double rel = std::abs(computed - certified) / std::abs(certified);
  return std::min(15.0, -std::log10(rel));
}

// Mean and sd of decimal strings in 50 digits (the certified values of the rule-defined sets).
std::pair<double, double> certified_mean_sd(const std::vector<std::string>& cells) {
  Dec50 s = 0;
  for (const auto& c : cells) s += Dec50(c);
  const Dec50 mean = s / cells.size();
  Dec50 ss = 0;
  for (const auto& c : cells) ss += (Dec50(c) - mean) * (Dec50(c) - mean);
  const Dec50 sd = sqrt(ss / (cells.size() - 1));
  return {static_cast<double>(mean), static_cast<double>(sd)};
}

// NIST NumAcc2-4: first value `mid`, then `lo`, `hi` alternating, 1001 values in all.
std::vector<std::string> alternating(const std::string& mid, const std::string& lo, const std::string& hi) {
  std::vector<std::string> v{mid};
  for (int i = 0; i < 1000; ++i) v.push_back(i % 2 ? hi : lo);
  return v;
}

struct NistAnova {
  std::vector<std::string> group, value;
  double f = 0, residual_sd = 0, r2 = 0;
};

NistAnova read_nist_anova(const std::string& name) {
  std::ifstream in(std::string(REGCHECK_SOURCE_DIR) + "/tests/data/stats/nist/" + name + ".dat");
  EXPECT_TRUE(in.good()) << name;
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  NistAnova a;
  std::smatch m;
  std::size_t first = 0;
  const std::regex data_lines(R"(Data\s+\(lines\s+(\d+)\s+to\s+(\d+)\))");
  const std::regex num(R"([-+]?\d+\.\d+E[-+]\d+)");
  for (const auto& l : lines) {
    if (std::regex_search(l, m, data_lines)) first = std::stoul(m[1]);
    auto last_number = [&](const std::string& s) {
      double v = 0;
      for (auto it = std::sregex_iterator(s.begin(), s.end(), num); it != std::sregex_iterator(); ++it) v = std::stod(it->str());
      return v;
    };
    if (l.find("Between") != std::string::npos && a.f == 0) a.f = last_number(l);
    if (l.find("Certified R-Squared") != std::string::npos) a.r2 = last_number(l);
    if (l.find("Standard Deviation") != std::string::npos) a.residual_sd = last_number(l);
  }
  EXPECT_GT(first, 0u) << name;
  for (std::size_t i = first - 1; i < lines.size(); ++i) {
    std::istringstream ss(lines[i]);
    std::string g, v;
    if (ss >> g >> v) {
      a.group.push_back(g);
      a.value.push_back(v);
    }
  }
  return a;
}

struct AnovaResult {
  st::Anova a;
  double residual_sd, r2;
};

AnovaResult anova_of(const std::vector<std::string>& group, const std::vector<double>& x) {
  std::map<std::string, std::vector<double>> by;
  for (std::size_t i = 0; i < x.size(); ++i) by[group[i]].push_back(x[i]);
  std::vector<std::span<const double>> spans;
  for (const auto& [k, v] : by) spans.emplace_back(v);
  AnovaResult r{st::one_way_anova(spans), 0, 0};
  r.residual_sd = std::sqrt(r.a.ss_within / r.a.df_within);
  r.r2 = r.a.ss_between / (r.a.ss_between + r.a.ss_within);
  return r;
}

}  // namespace

TEST(StatsNist, UnivariateMeanAndSdTo12Digits) {
  struct Set {
    const char* name;
    std::vector<std::string> cells;
  };
  const std::vector<Set> sets = {
      {"NumAcc1", {"10000001", "10000003", "10000002"}},
      {"NumAcc1-1e9", {"1000000001", "1000000002", "1000000003"}},
      {"NumAcc2", alternating("1.2", "1.1", "1.3")},
      {"NumAcc3", alternating("1000000.2", "1000000.1", "1000000.3")},
      {"NumAcc4", alternating("10000000.2", "10000000.1", "10000000.3")},
  };
  std::printf("%-12s %6s %22s %8s %22s %8s\n", "set", "n", "certified mean", "LRE", "certified sd", "LRE");
  for (const auto& s : sets) {
    const auto [mean, sd] = certified_mean_sd(s.cells);
    const st::CenteredColumn c = st::center_decimals(s.cells, s.name);
    const st::Moments m = st::moments(c.x, c.ref_double);
    const double lm = lre(m.mean, mean), ls = lre(m.sd, sd);
    std::printf("%-12s %6zu %22.15g %8.1f %22.15g %8.1f\n", s.name, s.cells.size(), mean, lm, sd, ls);
    EXPECT_GE(lm, 12.0) << s.name;
    EXPECT_GE(ls, 12.0) << s.name;
  }
  // Hand values: NumAcc1 mean 10000002, sd 1; NumAcc4 mean 10000000.2, sd 0.1 (n = 1001:
  // 1000 deviations of 0.1 in magnitude, sum of squares 10, / 1000 = 0.01).
  EXPECT_EQ(certified_mean_sd(sets[0].cells).first, 10000002.0);
  EXPECT_DOUBLE_EQ(certified_mean_sd(sets[4].cells).second, 0.1);
}

TEST(StatsNist, AnovaFTo9DigitsOnEverySet) {
  std::printf("%-8s %7s %22s %8s %8s %8s %16s\n", "set", "n", "certified F", "LRE F", "LRE sd", "LRE R2", "naive-double F");
  for (const char* name : {"SiRstv", "SmLs01", "SmLs02", "SmLs03", "AtmWtAg", "SmLs04", "SmLs05", "SmLs06", "SmLs07", "SmLs08", "SmLs09"}) {
    const NistAnova d = read_nist_anova(name);
    ASSERT_GT(d.value.size(), 20u) << name;
    const st::CenteredColumn c = st::center_decimals(d.value, name);
    const AnovaResult r = anova_of(d.group, c.x);
    // For contrast: the same two-pass formulas on the cells read straight to double.
    std::vector<double> raw;
    for (const auto& v : d.value) raw.push_back(std::strtod(v.c_str(), nullptr));
    const AnovaResult naive = anova_of(d.group, raw);
    const double lf = lre(r.a.f, d.f), lsd = lre(r.residual_sd, d.residual_sd), lr2 = lre(r.r2, d.r2);
    std::printf("%-8s %7zu %22.15g %8.1f %8.1f %8.1f %16.1f\n", name, d.value.size(), d.f, lf, lsd, lr2, lre(naive.a.f, d.f));
    EXPECT_GE(lf, 9.0) << name;
    EXPECT_GE(lsd, 9.0) << name;
    EXPECT_GE(lr2, 9.0) << name;
  }
}

TEST(StatsNist, NorrisLinearRegressionTo12Digits) {
  std::ifstream in(std::string(REGCHECK_SOURCE_DIR) + "/tests/data/stats/nist/Norris.dat");
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::vector<std::string> y, x;
  for (std::size_t i = 60; i < lines.size(); ++i) {  // "Data (lines 61 to 96)": y then x
    std::istringstream ss(lines[i]);
    std::string a, b;
    if (ss >> a >> b) y.push_back(a), x.push_back(b);
  }
  ASSERT_EQ(y.size(), 36u);
  const st::CenteredColumn cx = st::center_decimals(x, "x"), cy = st::center_decimals(y, "y");
  const st::LinearFit f = st::linear_fit(cx.x, cx.ref_double, cy.x, cy.ref_double);
  // Certified values from the file's header.
  const double b0 = -0.262323073774029, b1 = 1.00211681802045, se_b0 = 0.232818234301152, se_b1 = 0.429796848199937E-03,
               rsd = 0.884796396144373, r2 = 0.999993745883712;
  std::printf("Norris: LRE B0 %.1f, B1 %.1f, sd(B0) %.1f, sd(B1) %.1f, residual sd %.1f, R2 %.1f\n", lre(f.b0, b0), lre(f.b1, b1),
              lre(f.se_b0, se_b0), lre(f.se_b1, se_b1), lre(f.residual_sd, rsd), lre(f.r2, r2));
  for (double l : {lre(f.b0, b0), lre(f.b1, b1), lre(f.se_b0, se_b0), lre(f.se_b1, se_b1), lre(f.residual_sd, rsd), lre(f.r2, r2)})
    EXPECT_GE(l, 12.0);
  // And the univariate moments of both columns against 50-digit recomputation.
  for (const auto* col : {&x, &y}) {
    const auto [mean, sd] = certified_mean_sd(*col);
    const st::CenteredColumn c = st::center_decimals(*col, "Norris");
    const st::Moments m = st::moments(c.x, c.ref_double);
    EXPECT_GE(lre(m.mean, mean), 13.0);
    EXPECT_GE(lre(m.sd, sd), 13.0);
  }
}

TEST(StatsTable, CsvQuotesCrlfAndBlankLines) {
  const st::Csv c = st::parse_csv("\xEF\xBB\xBFmethod,\"acc, %\"\r\n\"a \"\"x\"\"\",0.5\r\n\r\nb,\"0.25\"\n", "t.csv");
  ASSERT_EQ(c.header.size(), 2u);
  EXPECT_EQ(c.header[0], "method");  // byte-order mark dropped
  EXPECT_EQ(c.header[1], "acc, %");
  ASSERT_EQ(c.rows.size(), 2u);
  EXPECT_EQ(c.rows[0][0], "a \"x\"");
  EXPECT_EQ(c.rows[1][1], "0.25");
  EXPECT_EQ(c.row_lines[1], 4u);
}

TEST(StatsTable, ExactCenteringKeepsTheSpreadOfHugeValues) {
  // 1000000000000.4 is not a double (spacing 1.2e-4 there); centered, 0.1 is the nearest double
  // to 1/10, and the 50-digit path (37+ digits) agrees.
  const st::CenteredColumn c = st::center_decimals({"1000000000000.4", "1000000000000.3", "1000000000000.5", "1e12"}, "t");
  EXPECT_EQ(c.x[1], -0.1);
  EXPECT_EQ(c.x[2], 0.1);
  EXPECT_EQ(c.x[3], -0.4);
  const st::CenteredColumn w = st::center_decimals({"1234567890123456789012345678901234567890.5", "1234567890123456789012345678901234567890.25"}, "w");
  EXPECT_EQ(w.x[1], -0.25);
}

TEST(StatsSummary, MedianOrderStatisticIntervalByHand) {
  // n = 10: P(B <= 1) = 11/1024 = 0.0107 <= 0.025 < P(B <= 2) = 56/1024, so l = 2:
  // [x_(2), x_(9)], coverage 1 - 2 * 11/1024 = 0.978515625.
  std::vector<double> x{5, 1, 9, 3, 7, 2, 8, 4, 6, 10};
  const st::Summary s = st::summarize(x, 0.0, 0.95);
  EXPECT_EQ(s.median_ci_rank, 2u);
  EXPECT_EQ(s.median_ci_lo, 2.0);
  EXPECT_EQ(s.median_ci_hi, 9.0);
  EXPECT_NEAR(s.median_ci_coverage, 1.0 - 22.0 / 1024.0, 4e-16);
  EXPECT_EQ(s.median, 5.5);
  // n = 5 cannot reach 95%: [min, max] with coverage 1 - 2/32 = 0.9375.
  const st::Summary t = st::summarize(std::vector<double>{3, 1, 2, 5, 4}, 0.0, 0.95);
  EXPECT_EQ(t.median_ci_lo, 1.0);
  EXPECT_EQ(t.median_ci_hi, 5.0);
  EXPECT_NEAR(t.median_ci_coverage, 0.9375, 4e-16);
}

TEST(StatsCompare, HolmAndBenjaminiHochbergByHand) {
  // p = (0.01, 0.04, 0.03, 0.005), m = 4. Holm: sorted 0.005*4 = 0.02, 0.01*3 = 0.03,
  // 0.03*2 = 0.06, 0.04*1 -> max 0.06. BH: 0.04*4/4 = 0.04, 0.03*4/3 = 0.04, 0.01*4/2 = 0.02,
  // 0.005*4/1 = 0.02.
  const std::vector<double> p{0.01, 0.04, 0.03, 0.005};
  const auto h = st::holm(p), b = st::benjamini_hochberg(p);
  const std::vector<double> he{0.03, 0.06, 0.06, 0.02}, be{0.02, 0.04, 0.04, 0.02};
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(h[i], he[i], 1e-17) << i;  // one rounding of a product of a double by 1..4
    EXPECT_NEAR(b[i], be[i], 1e-17) << i;
  }
}

TEST(StatsBootstrap, ByteIdenticalForOneAndTwoThreads) {
  std::vector<double> x(5001);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.37 * static_cast<double>(i)) + 0.01 * static_cast<double>(i % 17);
  for (bool bca : {true, false}) {
    const st::BootstrapCi a = st::bootstrap_mean_ci(x, 0.5, 0.95, 2000, 42, bca, 1);
    const st::BootstrapCi b = st::bootstrap_mean_ci(x, 0.5, 0.95, 2000, 42, bca, 2);
    EXPECT_EQ(std::memcmp(&a.lo, &b.lo, sizeof(double)), 0);
    EXPECT_EQ(std::memcmp(&a.hi, &b.hi, sizeof(double)), 0);
    EXPECT_LT(a.lo, a.hi);
    const st::BootstrapCi c = st::bootstrap_mean_ci(x, 0.5, 0.95, 2000, 43, bca, 2);
    EXPECT_NE(a.lo, c.lo);  // the seed matters
    const st::BootstrapCi g = st::bootstrap_mean_ci(x, 0.5, 0.95, 2000, 42, bca, 2, 1);
    EXPECT_NE(a.lo, g.lo);  // so does the substream (one per group)
  }
}

TEST(StatsBootstrap, AccelerationOfTheMeanByHand) {
  // x = 1, 2, 3, 4, 10: deviations -3, -2, -1, 0, 6; sum u^2 = 50, sum u^3 = 180;
  // a = 180 / (6 * 50^1.5).
  const st::BootstrapCi b = st::bootstrap_mean_ci(std::vector<double>{1, 2, 3, 4, 10}, 0.0, 0.95, 1000, 1, true, 1);
  EXPECT_NEAR(b.accel, 180.0 / (6.0 * 50.0 * std::sqrt(50.0)), 4 * 0.0849 * 2.2e-16);  // a few roundings
}

TEST(StatsPower, PowerAtZeroDifferenceIsAlphaAndRunsAreMonotone) {
  EXPECT_EQ(st::t_test_power(0.0, 1.0, 10, 0.05), 0.05);
  const std::size_t n = st::runs_needed(1.0, 1.0, 0.05, 0.8);
  EXPECT_GE(st::t_test_power(1.0, 1.0, static_cast<double>(n), 0.05), 0.8);
  EXPECT_LT(st::t_test_power(1.0, 1.0, static_cast<double>(n - 1), 0.05), 0.8);
}

TEST(StatsErrors, MisuseThrowsNamingTheValue) {
  auto msg = [](auto f) {
    try {
      f();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  EXPECT_NE(msg([] { st::parse_csv("", "e.csv"); }).find("empty"), std::string::npos);
  EXPECT_NE(msg([] { st::parse_csv("a,b\n1\n", "e.csv"); }).find("row 2 has 1 cells"), std::string::npos);
  EXPECT_NE(msg([] { st::parse_csv("a\n\"x\n", "e.csv"); }).find("not closed"), std::string::npos);
  EXPECT_NE(msg([] { st::parse_csv("a,a\n1,2\n", "e.csv"); }).find("'a' appears twice"), std::string::npos);
  EXPECT_NE(msg([] { st::column_index(st::parse_csv("a,b\n1,2\n", "e.csv"), "c"); }).find("no column 'c' (columns: a, b)"), std::string::npos);
  EXPECT_NE(msg([] { st::read_centered(st::parse_csv("a,b\n1,2\n3,x\n", "e.csv"), 1); }).find("row 3, column 'b': 'x' is not a number"),
            std::string::npos);
  EXPECT_NE(msg([] { st::center_decimals({"1", "nan"}, "v"); }).find("'nan' is not a number"), std::string::npos);
  EXPECT_NE(msg([] { st::summarize(std::vector<double>{1.0}, 0.0, 0.95); }).find("at least 2 values, got 1"), std::string::npos);
  EXPECT_NE(msg([] { st::summarize(std::vector<double>{2.0, 2.0, 2.0}, 0.0, 0.95); }).find("zero variance"), std::string::npos);
  EXPECT_NE(msg([] { st::summarize(std::vector<double>{1.0, 2.0}, 0.0, 1.5); }).find("level 1.5"), std::string::npos);
  EXPECT_NE(msg([] { st::bootstrap_mean_ci(std::vector<double>{1.0, 2.0}, 0.0, 0.95, 10, 1, true, 1); }).find("10 resamples"), std::string::npos);
  EXPECT_NE(msg([] { st::welch_t(std::vector<double>{1.0, 1.0}, std::vector<double>{2.0, 2.0}, 0.95); }).find("zero variance"), std::string::npos);
  EXPECT_NE(msg([] { st::paired_t(std::vector<double>{1.0}, 0.95); }).find("1 pairs"), std::string::npos);
  EXPECT_NE(msg([] { st::one_way_anova({std::vector<double>{1.0, 2.0}}); }).find("1 groups"), std::string::npos);
  EXPECT_NE(msg([] { st::runs_needed(1.0, -1.0, 0.05, 0.8); }).find("sd -1"), std::string::npos);
  EXPECT_NE(msg([] { st::linear_fit(std::vector<double>{1, 1, 1}, 0.0, std::vector<double>{1, 2, 3}, 0.0); }).find("zero variance"), std::string::npos);
  EXPECT_NE(msg([] { st::detectable_difference(1.0, 1.0, 0.05, 0.8); }).find("1 runs per group"), std::string::npos);
}
