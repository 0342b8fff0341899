// The catalog against the specification: every analytic claim ID of ../shared/CLAIMS.md is
// registered, every registered ID is in the spec (or is a documented `.corrected` claim), every
// claim that does not hold as expected is documented, and the Monte Carlo budget is consistent.
#include "claims/core/registry.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

using namespace regcheck::claims;

namespace {
// Claim IDs in the analytic tables of CLAIMS.md: backticked IDs in the first column of the tables
// before the "Empirical claims" section.
std::set<std::string> spec_ids() {
  const std::string path = std::string(REGCHECK_SOURCE_DIR) + "/../shared/CLAIMS.md";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the specification " + path + " (shared/ must sit beside the repo)");
  std::set<std::string> ids;
  std::string line;
  const std::regex row(R"(^\| `((dropact|gcsr|tl1|dlbook)\.[^`]+)` \|)");
  while (std::getline(in, line)) {
    if (line.rfind("## Empirical claims", 0) == 0) break;
    std::smatch m;
    if (std::regex_search(line, m, row)) ids.insert(m[1]);
  }
  return ids;
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

TEST(Registry, EveryAnalyticClaimOfTheSpecIsRegistered) {
  const std::set<std::string> ids = spec_ids();
  // CLAIMS.md lists 33 analytic claim IDs (dropact 9, gcsr 6, tl1 5, dlbook 13); fewer parsed
  // means the parser broke and the loop below would check too little.
  ASSERT_GE(ids.size(), 33u) << "the spec parser found too few IDs: the test would be vacuous";
  for (const std::string& id : ids) EXPECT_NE(all_claims().find(id), nullptr) << "claim not registered: " << id;
}

TEST(Registry, EveryRegisteredClaimIsInTheSpecOrACorrection) {
  const std::set<std::string> ids = spec_ids();
  for (const Claim& c : all_claims().claims()) {
    const std::string base = c.id.size() > 10 && c.id.ends_with(".corrected") ? c.id.substr(0, c.id.size() - 10) : c.id;
    EXPECT_TRUE(ids.count(base)) << "registered claim not in CLAIMS.md: " << c.id;
  }
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
}
