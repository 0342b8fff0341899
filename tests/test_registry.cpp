// The registry against the in-repository claim catalog (claims/CATALOG.md): every analytic claim
// of the catalog is registered with the same statement, method and expected verdict, every
// registered claim is in the catalog, the 15 empirical IDs are catalogued, and nothing in the
// repository points outside it.
#include "claims/core/experiment.hpp"
#include "claims/core/registry.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

using namespace regcheck::claims;

namespace {
struct CatalogEntry {
  std::map<std::string, std::string> fields;  // "Source", "Statement", "Method", "Expected", "Finding"
  bool empirical = false;
};

// Entries are "### `ID`" headings followed by "- Field: text" lines; the analytic ones come
// before the "# Empirical claims" heading.
std::map<std::string, CatalogEntry> read_catalog() {
  const std::string path = std::string(REGCHECK_SOURCE_DIR) + "/claims/CATALOG.md";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the claim catalog " + path);
  std::map<std::string, CatalogEntry> out;
  const std::regex heading(R"(^### `((dropact|gcsr|tl1|dlbook)\.[^`]+)`$)");
  const std::regex field(R"(^- ([A-Z][a-z]+): (.+)$)");
  std::string line, current;
  bool empirical = false;
  while (std::getline(in, line)) {
    std::smatch m;
    if (line.rfind("# Empirical claims", 0) == 0) {
      empirical = true;
      current.clear();
    } else if (std::regex_match(line, m, heading)) {
      current = m[1];
      if (out.count(current)) throw std::runtime_error("catalog lists " + current + " twice");
      out[current].empirical = empirical;
    } else if (!current.empty() && std::regex_match(line, m, field)) {
      out[current].fields[m[1]] = m[2];
    } else if (line.rfind("#", 0) == 0) {
      current.clear();
    }
  }
  return out;
}

// Records built field by field: designated initializers that omit fields trip GCC 12's
// -Wmissing-field-initializers.
CheckRecord record(std::string name, std::string method, Verdict verdict) {
  CheckRecord c;
  c.name = std::move(name);
  c.method = std::move(method);
  c.verdict = verdict;
  return c;
}

Claim claim(std::string id, std::string source, std::function<ClaimResult(const CheckContext&)> check, int mc_tests = 0) {
  Claim c;
  c.id = std::move(id);
  c.source = std::move(source);
  c.check = std::move(check);
  c.mc_tests = mc_tests;
  return c;
}
}  // namespace

TEST(Catalog, EveryAnalyticEntryIsRegisteredWithTheSameTexts) {
  const auto catalog = read_catalog();
  int analytic = 0;
  for (const auto& [id, e] : catalog) {
    if (e.empirical) continue;
    ++analytic;
    const Claim* c = all_claims().find(id);
    ASSERT_NE(c, nullptr) << "catalogued claim not registered: " << id;
    EXPECT_FALSE(e.fields.count("Source") == 0 || e.fields.at("Source").empty()) << id << ": no Source line";
    EXPECT_EQ(e.fields.count("Statement") ? e.fields.at("Statement") : "", c->statement) << id;
    EXPECT_EQ(e.fields.count("Method") ? e.fields.at("Method") : "", c->method) << id;
    EXPECT_EQ(e.fields.count("Expected") ? e.fields.at("Expected") : "", regcheck::sim::to_string(c->expected)) << id;
    EXPECT_EQ(e.fields.count("Finding") ? e.fields.at("Finding") : "", c->finding) << id;
  }
  // The registry holds the 35 analytic IDs of the catalog plus their `.corrected` claims; fewer
  // parsed entries would mean the parser broke and the loop above checked too little.
  EXPECT_EQ(analytic, static_cast<int>(all_claims().claims().size()));
  EXPECT_GE(analytic, 35);
}

TEST(Catalog, EveryRegisteredClaimIsCatalogued) {
  const auto catalog = read_catalog();
  for (const Claim& c : all_claims().claims()) {
    const auto it = catalog.find(c.id);
    EXPECT_TRUE(it != catalog.end() && !it->second.empirical) << "registered claim missing from claims/CATALOG.md: " << c.id;
    if (c.id.ends_with(".corrected")) {
      const std::string base = c.id.substr(0, c.id.size() - 10);
      EXPECT_NE(all_claims().find(base), nullptr) << c.id << " corrects an unregistered claim";
    }
  }
}

TEST(Catalog, TheFifteenEmpiricalClaimsAreCatalogued) {
  const std::set<std::string> expected = {
      "dropact.fig2.p-sweep",      "dropact.fig3.regression", "dropact.tab1-4.vs-rrelu", "dropact.fig6.bn-shift",
      "gcsr.fig1.tolerance",       "gcsr.fig2.gradient-decay", "gcsr.fig3.coherence",    "gcsr.fig7.depth",
      "gcsr.tab3.compression",     "tl1.tab2.compare",        "tl1.tab3.interpret",      "tl1.fig7.a-effect",
      "dlbook.fig7_3.early-stopping", "dlbook.7_10.bagging",  "dlbook.7_11.inference"};
  std::set<std::string> got;
  for (const auto& [id, e] : read_catalog()) {
    if (!e.empirical) continue;
    got.insert(id);
    EXPECT_TRUE(e.fields.count("Source") && e.fields.count("Claim") && e.fields.count("Reproduce")) << id;
    // "Status: implemented" exactly for the experiments `regcheck reproduce` registers.
    const bool implemented = e.fields.count("Status") && e.fields.at("Status").rfind("implemented", 0) == 0;
    EXPECT_EQ(implemented, all_experiments().find(id) != nullptr) << id << ": catalog status and experiment registry disagree";
    if (implemented) {
      EXPECT_TRUE(e.fields.count("Expected")) << id << ": an implemented experiment states its expected verdicts";
    }
  }
  EXPECT_EQ(got, expected);
  for (const Experiment& x : all_experiments().experiments()) EXPECT_TRUE(got.count(x.id)) << "experiment not in the catalog: " << x.id;
}

// Users see only the repository: no file in it may read or cite a path outside it.
TEST(Catalog, NothingInTheRepositoryPointsOutsideIt) {
  namespace fs = std::filesystem;
  const fs::path root(REGCHECK_SOURCE_DIR);
  int files = 0;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    const std::string name = it->path().filename().string();
    if (it->is_directory() && (name == ".git" || name.rfind("build", 0) == 0 || name == "reports")) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    const std::string ext = it->path().extension().string();
    if (ext != ".cpp" && ext != ".hpp" && ext != ".md" && ext != ".txt" && ext != ".py" && ext != ".sh" && ext != ".json" &&
        name != "CMakeLists.txt" && name != "run")
      continue;
    ++files;
    std::ifstream in(it->path());
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    // Spelled in two pieces so this file does not match itself.
    for (const std::string& needle : {std::string("../") + "shared", std::string("shared/") + "CLAIMS", std::string("shared/") + "papers"})
      EXPECT_EQ(text.find(needle), std::string::npos) << it->path().string() << " mentions " << needle;
  }
  EXPECT_GT(files, 50);  // the walk found the sources (a wrong root would make the test vacuous)
}

TEST(Registry, NonHoldingExpectationsAreDocumented) {
  for (const Claim& c : all_claims().claims()) {
    EXPECT_FALSE(c.statement.empty()) << c.id;
    EXPECT_FALSE(c.method.empty()) << c.id;
    if (c.expected != Verdict::Holds) {
      EXPECT_FALSE(c.finding.empty()) << c.id << " expects " << regcheck::sim::to_string(c.expected) << " without a finding";
    }
  }
}

TEST(Registry, MonteCarloBudgetIsPositive) {
  EXPECT_GT(all_claims().total_mc_tests(), 0);
}

TEST(Registry, EvalFunctionsRequiredByTheIssueExist) {
  for (const char* name : {"shift-ratio", "dropout-shift-ratio", "tl1-prox", "tl1-threshold", "soft-threshold", "group-prox",
                           "ensemble-mse", "early-stopping-alpha", "effective-params", "coherence-l2", "coherence-l1",
                           "bootstrap-unique"})
    EXPECT_NE(all_eval_functions().find(name), nullptr) << name;
}

TEST(Summarize, EmptyChecksAreNeverHolds) {
  ClaimResult r;
  summarize(r);
  EXPECT_EQ(r.verdict, Verdict::Inconclusive);
}

TEST(Summarize, AnyFailFailsAndPowerSelfTestIsInformational) {
  ClaimResult r;
  const CheckRecord ok = record("a", "exact", Verdict::Holds);
  const CheckRecord power = record("b", "power-self-test", Verdict::Inconclusive);
  r.checks = {ok, power};
  summarize(r);
  EXPECT_EQ(r.verdict, Verdict::Holds);
  CheckRecord bad = record("c", "monte-carlo", Verdict::Fails);
  bad.alpha = 1e-8;
  r.checks.push_back(bad);
  summarize(r);
  EXPECT_EQ(r.verdict, Verdict::Fails);
  EXPECT_DOUBLE_EQ(r.alpha, 1e-8);
}

TEST(Registry, AnEscapedExceptionBecomesAnErrorVerdict) {
  Registry reg;
  Claim c = claim("gcsr.test", "gcsr", [](const CheckContext&) -> ClaimResult { throw std::runtime_error("boom"); });
  c.method = "m";
  c.statement = "s";
  reg.add(c);
  const ClaimResult r = reg.run(*reg.find("gcsr.test"), CheckContext{});
  EXPECT_EQ(r.verdict, Verdict::Error);
  EXPECT_EQ(r.checks.at(0).detail, "boom");
}

// The Bonferroni divisor is the sum of the declared mc_tests: a claim performing a different
// number of Monte Carlo tests, or one at another alpha, must be reported ERROR, with both numbers.
TEST(Registry, MonteCarloCountAndAlphaMustMatchTheDeclaration) {
  CheckContext ctx;
  ctx.alpha_per_test = 1e-8;
  auto two_tests = [](double alpha) {
    return [alpha](const CheckContext&) {
      ClaimResult r;
      for (const char* n : {"a", "b"}) {
        CheckRecord c = record(n, "monte-carlo", Verdict::Holds);
        c.alpha = alpha;
        r.checks.push_back(c);
      }
      r.checks.push_back(record("a power self-test", "power-self-test", Verdict::Holds));  // not counted
      summarize(r);
      return r;
    };
  };
  Registry reg;
  reg.add(claim("gcsr.ok", "gcsr", two_tests(1e-8), 2));
  reg.add(claim("gcsr.undercounted", "gcsr", two_tests(1e-8), 1));
  reg.add(claim("gcsr.wrong-alpha", "gcsr", two_tests(2e-8), 2));
  EXPECT_EQ(reg.run(*reg.find("gcsr.ok"), ctx).verdict, Verdict::Holds);
  const ClaimResult under = reg.run(*reg.find("gcsr.undercounted"), ctx);
  EXPECT_EQ(under.verdict, Verdict::Error);
  EXPECT_NE(under.checks.back().detail.find("performed 2 Monte Carlo tests but declares Claim::mc_tests = 1"), std::string::npos)
      << under.checks.back().detail;
  const ClaimResult alpha = reg.run(*reg.find("gcsr.wrong-alpha"), ctx);
  EXPECT_EQ(alpha.verdict, Verdict::Error);
  EXPECT_NE(alpha.checks.back().detail.find("'a' at alpha 2e-08"), std::string::npos) << alpha.checks.back().detail;
}

// mc_n: the power level picks the size; the calibration's sample fraction scales it with a floor
// of 1024 samples, never above the unscaled size.
TEST(CheckContextTest, McNFollowsPowerAndSampleFraction) {
  CheckContext ctx;
  EXPECT_EQ(ctx.mc_n(100'000, 1'000'000), 100'000u);
  ctx.power = CheckContext::Power::High;
  EXPECT_EQ(ctx.mc_n(100'000, 1'000'000), 1'000'000u);
  EXPECT_EQ(ctx.target_relative_resolution(), 1e-4);
  ctx.sample_fraction = 0.01;
  EXPECT_EQ(ctx.mc_n(100'000, 1'000'000), 10'000u);
  EXPECT_EQ(ctx.mc_n(100'000, 100'000), 1024u);  // floor
  EXPECT_EQ(ctx.mc_n(500, 500), 500u);            // never above the unscaled size
}

// relative_detectable: detectable / |theory|, or the absolute value (marked) at theory 0, scored
// against the relative target or the record's stated resolution.
TEST(CheckContextTest, RelativeDetectableAndWorst) {
  CheckRecord a = record("a", "monte-carlo", Verdict::Holds);
  a.theory = -4.0;
  a.detectable_deviation = 0.002;
  CheckRecord z = record("z", "monte-carlo", Verdict::Holds);
  z.theory = 0.0;
  z.detectable_deviation = 3e-5;
  z.resolution = 1e-4;
  const auto da = relative_detectable(a, 1e-3), dz = relative_detectable(z, 1e-3);
  ASSERT_TRUE(da && dz);
  EXPECT_EQ(da->value, 0.0005);
  EXPECT_FALSE(da->absolute);
  EXPECT_EQ(dz->value, 3e-5);
  EXPECT_TRUE(dz->absolute);
  EXPECT_EQ(dz->target, 1e-4);
  ClaimResult r;
  r.checks = {a, z};
  const auto w = worst_detectable(r, 1e-3);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->check, "a");  // 0.5 of its target vs 0.3
  EXPECT_FALSE(relative_detectable(record("e", "exact", Verdict::Holds), 1e-3));
}

// ---- errors that must be raised ----
TEST(RegistryErrors, BadClaimsAreRejected) {
  Registry reg;
  auto ok = [](const CheckContext&) { return ClaimResult{}; };
  EXPECT_THROW(reg.add(claim("", "gcsr", ok)), std::invalid_argument);
  EXPECT_THROW(reg.add(claim("x.y", "nope", ok)), std::invalid_argument);
  EXPECT_THROW(reg.add(claim("tl1.a", "gcsr", ok)), std::invalid_argument);
  EXPECT_THROW(reg.add(claim("gcsr.a", "gcsr", ok, -1)), std::invalid_argument);
  reg.add(claim("gcsr.a", "gcsr", ok));
  EXPECT_THROW(reg.add(claim("gcsr.a", "gcsr", ok)), std::invalid_argument);
  EvalRegistry ev;
  EvalFunction unnamed;
  unnamed.eval = [](const EvalArgs&) { return nlohmann::json(0); };
  EXPECT_THROW(ev.add(unnamed), std::invalid_argument);
  CheckContext ctx;
  ctx.sample_fraction = 0;
  EXPECT_THROW(ctx.mc_n(10, 10), std::invalid_argument);
  ctx.sample_fraction = 1.5;
  EXPECT_THROW(ctx.mc_n(10, 10), std::invalid_argument);
}
