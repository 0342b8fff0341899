// The engine's known-answer tests (claims/core/engine_known_answers.hpp): all agree on the real
// engine, a wrong Bonferroni split is caught and named, the comparison itself (tolerance, NaN), and
// `regcheck verify` prints the summary line and records them in the JSON. The reference values
// themselves are recomputed by tests/data/engine_known_answers.py (mpmath, scipy).
#include "claims/core/engine_known_answers.hpp"

#include <gtest/gtest.h>

#include "tests/support/cli_harness.hpp"
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace {

using regcheck::claims::CheckContext;
using regcheck::claims::KnownAnswer;

CheckContext run_context() {
  const auto& reg = regcheck::claims::all_claims();
  CheckContext ctx;
  ctx.alpha_total = 1e-6;
  ctx.alpha_per_test = 1e-6 / reg.total_mc_tests();
  return ctx;
}

TEST(EngineKnownAnswers, AllAgreeOnTheEngine) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto kats = regcheck::claims::engine_known_answers(regcheck::claims::all_claims(), run_context());
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_GE(kats.size(), 20u);
  for (const KnownAnswer& k : kats) EXPECT_TRUE(k.agree) << regcheck::claims::describe(k);
  // Every function the issue names is covered at least once.
  for (const char* f : {"sim::student_t_upper_quantile", "sim::normal_upper_quantile", "sim::t_interval",
                        "sim::normal_interval", "sim::detectable_multiplier", "sim::test_mean (verdict)",
                        "sim::test_estimate (verdict)", "sim::Welford::merge", "sim::binomial_upper_limit", "Bonferroni split"}) {
    bool found = false;
    for (const KnownAnswer& k : kats) found = found || k.function.rfind(f, 0) == 0;
    EXPECT_TRUE(found) << f;
  }
  // Cheap: one detectable-multiplier root (~0.1 s) dominates; 2 s is a generous bound on a loaded
  // shared machine (the tests themselves are deterministic).
  EXPECT_LT(s, 2.0);
}

TEST(EngineKnownAnswers, WrongBonferroniSplitIsNamed) {
  CheckContext ctx = run_context();
  ctx.alpha_per_test = ctx.alpha_total;  // the divisor dropped
  const auto kats = regcheck::claims::engine_known_answers(regcheck::claims::all_claims(), ctx);
  int failed = 0;
  for (const KnownAnswer& k : kats) {
    if (k.agree) continue;
    ++failed;
    EXPECT_EQ(k.function.rfind("Bonferroni split", 0), 0u) << k.function;
    const std::string line = regcheck::claims::describe(k);
    EXPECT_NE(line.find("expected 1.85"), std::string::npos) << line;  // 1e-6 / 54 (or the current count)
    EXPECT_NE(line.find("got 9.9999999999999995e-07"), std::string::npos) << line;
    EXPECT_NE(line.find("alpha 1e-06 over"), std::string::npos) << line;
  }
  EXPECT_EQ(failed, 1);
}

TEST(EngineKnownAnswers, ComparisonAndTolerance) {
  using regcheck::claims::known_answer;
  EXPECT_TRUE(known_answer("f", "x", 1.0, 1.0 + 0x1p-52, 0x1p-52, "1 ulp", "src").agree);
  EXPECT_FALSE(known_answer("f", "x", 1.0, 1.0 + 0x1p-51, 0x1p-52, "1 ulp", "src").agree);
  EXPECT_FALSE(known_answer("f", "x", 1.0, std::nan(""), 1.0, "any", "src").agree);
  EXPECT_FALSE(known_answer("f", "x", 1.0, INFINITY, 1e308, "any", "src").agree);
  const KnownAnswer k = known_answer("sim::g", "q = 0.5", 2.0, 3.0, 0.0, "exact", "hand");
  EXPECT_EQ(regcheck::claims::describe(k), "sim::g(q = 0.5): expected 2 (hand), got 3 (tolerance exact)");
}

// verify prints the summary line before the claims and records the tests in the JSON.
TEST(EngineKnownAnswers, VerifyPrintsAndRecordsThem) {
  const auto out = regcheck::test::scratch() / "kat.json";
  const auto r = regcheck::test::run("verify --claim tl1.eq36.regimes --threads 1 --json " + out.string());
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const std::size_t n = regcheck::claims::engine_known_answers(regcheck::claims::all_claims(), run_context()).size();
  EXPECT_NE(r.out.find("engine known-answer tests: " + std::to_string(n) + " of " + std::to_string(n) + " agree"),
            std::string::npos)
      << r.out;
  const auto doc = nlohmann::json::parse(regcheck::test::slurp(out));
  const auto& ka = doc.at("engine_self_check").at("known_answers");
  EXPECT_EQ(ka.at("total").get<std::size_t>(), n);
  EXPECT_EQ(ka.at("agree").get<std::size_t>(), n);
  EXPECT_TRUE(ka.at("failed").empty());
  EXPECT_EQ(doc.at("engine_self_check").at("passed"), true);
}

// ---- errors that must be raised ----
TEST(EngineKnownAnswers, RejectsBadTolerance) {
  using regcheck::claims::known_answer;
  auto expect_msg = [](auto f, const std::string& needle) {
    try {
      f();
      ADD_FAILURE() << "no exception for " << needle;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_msg([] { known_answer("f", "x", 1.0, 1.0, -1.0, "t", "s"); }, "tol must be finite and >= 0, got -1");
  expect_msg([] { known_answer("f", "x", 1.0, 1.0, std::nan(""), "t", "s"); }, "tol must be finite and >= 0, got nan");
  expect_msg([] { known_answer("f", "x", INFINITY, 1.0, 1.0, "t", "s"); }, "expected must be finite, got inf");
}

}  // namespace
