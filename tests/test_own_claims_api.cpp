// The public API for one's own claims: the sub-check builders of claims/core/declare.hpp, a
// Registry of user sources, and verify_main of claims/core/verify_driver.hpp (usage, exit codes,
// the JSON `regcheck report --from` reads). Expected values by hand; errors at the end.
#include "claims/core/declare.hpp"
#include "claims/core/verify_driver.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace regcheck::claims;
using regcheck::sim::Stream;
using regcheck::sim::Verdict;

// Elastic-net prox of 0.5 (x - v)^2 + l1 |x| + 0.5 l2 x^2 (l1 = 0.5, l2 = 1), and a slip of it
// that forgets the 1 / (1 + l2) shrinkage.
constexpr double kL1 = 0.5, kL2 = 1.0;
double enet_prox(double v) { return std::copysign(std::max(std::abs(v) - kL1, 0.0), v) / (1 + kL2); }
double enet_prox_slip(double v) { return std::copysign(std::max(std::abs(v) - kL1, 0.0), v); }
double enet_objective(double x, double v) { return 0.5 * (x - v) * (x - v) + kL1 * std::abs(x) + 0.5 * kL2 * x * x; }

TEST(OwnClaimsApi, ElasticNetProxHandValues) {
  // By hand: v = 2 -> (2 - 0.5) / 2 = 0.75; v = 0.3 -> 0; v = -1 -> -0.5 / 2 = -0.25.
  EXPECT_EQ(enet_prox(2.0), 0.75);
  EXPECT_EQ(enet_prox(0.3), 0.0);
  EXPECT_EQ(enet_prox(-1.0), -0.25);
}

std::vector<double> grid() {
  std::vector<double> v;
  for (int i = -30; i <= 30; ++i) v.push_back(0.1 * i + 0.013);
  return v;
}

// Brent at 53 bits locates the smooth minimum to ~sqrt(eps) x scale = 1.5e-8 (|v| <= 3, width 4):
// tolerance 1e-6 leaves a factor 60; the slip is off by |prox| (up to 1.26) at v = 3.013.
TEST(OwnClaimsApi, ProxVsBruteForceHoldsAndCatchesTheSlip) {
  const CheckRecord ok = prox_vs_brute_force("enet", enet_prox, enet_objective, grid(), 4.0, 1e-6);
  EXPECT_EQ(ok.verdict, Verdict::Holds) << ok.detail;
  EXPECT_LT(*ok.max_error, 1e-6);
  const CheckRecord bad = prox_vs_brute_force("enet slip", enet_prox_slip, enet_objective, grid(), 4.0, 1e-6);
  EXPECT_EQ(bad.verdict, Verdict::Fails);
  // Worst at the largest |v| (3.013): slip 2.513 vs the true 1.2565, difference 1.2565.
  EXPECT_NEAR(*bad.max_error, 1.2565, 1e-6);
  EXPECT_NE(bad.detail.find("worst at v = 3.013"), std::string::npos) << bad.detail;
}

TEST(OwnClaimsApi, ExactRecord) {
  EXPECT_EQ(exact_record("1/4 + 1/4", 0.25 + 0.25, 0.5, 0).verdict, Verdict::Holds);  // exact in binary
  const CheckRecord f = exact_record("0.1 + 0.2", 0.1 + 0.2, 0.3, 0, "exact");
  EXPECT_EQ(f.verdict, Verdict::Fails);
  EXPECT_EQ(*f.max_error, std::ldexp(1.0, -54));  // 0.1 + 0.2 = 0.3 + 2^-54 in binary64 (by hand)
  EXPECT_EQ(exact_record("nan", NAN, 0.3, 1).verdict, Verdict::Fails);
}

// x^3 >= x fails exactly on x < -1 and 0 < x < 1; for x ~ U(-2, 2) the smallest |x| among the
// ~2500 failing draws in (0, 1) is below 0.01 except with probability 0.99^2500 < 1e-10.
TEST(OwnClaimsApi, PropertyCheckNamesTheSmallestCounterexample) {
  CheckContext ctx;
  std::function<double(Stream&)> gen = [](Stream& g) { return 4 * g.uniform() - 2; };
  const CheckRecord r = property_check<double>(
      ctx, "x^3 >= x", "prop", 10000, gen, [](const double& x) { return x * x * x >= x; },
      [](const double& x) { return fmt::format("x = {:.6g}", x); }, [](const double& x) { return std::abs(x); });
  EXPECT_EQ(r.verdict, Verdict::Fails);
  const std::size_t at = r.detail.find("smallest: x = ");
  ASSERT_NE(at, std::string::npos) << r.detail;
  const double x = std::stod(r.detail.substr(at + 14));
  EXPECT_GT(x, 0);
  EXPECT_LT(x, 0.01);
  const CheckRecord t = property_check<double>(
      ctx, "x^2 >= 0", "prop", 1000, gen, [](const double& x) { return x * x >= 0; }, [](const double&) { return std::string(); });
  EXPECT_EQ(t.verdict, Verdict::Holds);
}

// E[X^2] / E[X] = 2 / 1 for X ~ Exp(1) (moments by hand). At alpha 1e-8 the true ratio holds
// (false FAIL probability 1e-8 for this fixed seed) and 2.1 is 5% off, far beyond the detectable
// deviation ~0.05 at n = 2^18 (delta-method sd of the ratio ~ 2.8 / 512 x 8.2 ~ 0.045).
TEST(OwnClaimsApi, McRatioCheck) {
  CheckContext ctx;
  auto sample = [](Stream& g, std::uint64_t) {
    const double x = -std::log(g.uniform());
    return Eigen::Vector2d(x * x, x);
  };
  McCheckSpec s;
  s.name = "E[X^2]/E[X]";
  s.stream = "ratio";
  s.n = 1u << 18;
  s.theory = 2.0;
  const auto ok = mc_ratio_check(ctx, s, sample);
  ASSERT_EQ(ok.size(), 2u);
  EXPECT_EQ(ok[0].verdict, Verdict::Holds);
  EXPECT_LT(*ok[0].detectable_deviation, 0.06);
  EXPECT_EQ(ok[1].method, "power-self-test");
  s.theory = 2.1;
  const ClaimResult bad = result_of(mc_ratio_check(ctx, s, sample));
  EXPECT_EQ(bad.verdict, Verdict::Fails);
  EXPECT_NE(bad.counterexample.find("excludes the stated 2.1"), std::string::npos) << bad.counterexample;
  EXPECT_EQ(*bad.theory, 2.1);  // one Monte Carlo sub-check: its numbers are the claim's
}

// A claim by field assignment (designated initializers that skip fields draw GCC 12's
// -Wmissing-field-initializers).
Claim claim(std::string id, std::string source, std::function<ClaimResult(const CheckContext&)> check,
            Verdict expected = Verdict::Holds) {
  Claim c;
  c.id = std::move(id);
  c.source = std::move(source);
  c.method = "exact";
  c.statement = "statement of " + c.id;
  c.expected = expected;
  c.check = std::move(check);
  return c;
}

// A registry of one's own source, run by verify_main like `regcheck verify`.
Registry own_registry() {
  Registry reg({"mine"});
  reg.add(claim("mine.sum", "mine", [](const CheckContext&) { return result_of({exact_record("sum", 0.25 + 0.25, 0.5, 0)}); }));
  // 0.1 + 0.2 = 0.3 fails in binary64 (off by 2^-54): expected FAILS.
  reg.add(claim("mine.wrong", "mine", [](const CheckContext&) { return result_of({exact_record("sum", 0.1 + 0.2, 0.3, 0)}); },
                Verdict::Fails));
  return reg;
}

int run_main(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return verify_main(static_cast<int>(argv.size()), argv.data(), own_registry());
}

TEST(OwnClaimsApi, VerifyMainRunsAndWritesVerifyJson) {
  const std::string json = (std::filesystem::temp_directory_path() / "regcheck_own_claims_api.json").string();
  ::testing::internal::CaptureStdout();
  const int code = run_main({"own", "verify", "--threads", "1", "--json", json});
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("counterexample: sum: computed 0.30000000000000004"), std::string::npos) << out;
  EXPECT_NE(out.find("summary: 1 HOLDS, 1 FAILS, 0 INCONCLUSIVE, 0 ERROR; 0 verdict(s) differ"), std::string::npos) << out;
  std::ifstream f(json);
  const nlohmann::json doc = nlohmann::json::parse(f);
  EXPECT_EQ(doc["tool"], "regcheck verify");
  EXPECT_EQ(doc["claims"].size(), 2u);
  EXPECT_EQ(doc["claims"][1]["verdict"], "FAILS");
  EXPECT_EQ(doc["claims"][1]["source"], "mine");
  std::filesystem::remove(json);
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(run_main({"own", "list"}), 0);
  EXPECT_NE(::testing::internal::GetCapturedStdout().find("mine.wrong"), std::string::npos);
}

// Errors that must be raised.
TEST(OwnClaimsApiErrors, VerifyMainBadUsageExits2NamingTheValue) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"own"},
                                                                {"own", "prove"},
                                                                {"own", "verify", "--seed", "-1"},
                                                                {"own", "verify", "--threads", "0"},
                                                                {"own", "verify", "--alpha", "0.7"},
                                                                {"own", "verify", "--power", "max"},
                                                                {"own", "verify", "--claim", "mine.nope"},
                                                                {"own", "verify", "--source", "dropact"},
                                                                {"own", "verify", "--json"},
                                                                {"own", "verify", "--json", "/nonexistent-folder/x.json"},
                                                                {"own", "list", "--seed", "1"}}) {
    ::testing::internal::CaptureStderr();
    ::testing::internal::CaptureStdout();
    EXPECT_EQ(run_main(args), 2) << args.back();
    const std::string err = ::testing::internal::GetCapturedStderr();
    ::testing::internal::GetCapturedStdout();
    if (args.size() > 1) {
      EXPECT_NE(err.find("own: error: "), std::string::npos) << err;
    }
  }
}

TEST(OwnClaimsApiErrors, RegistrySourcesAndBuilders) {
  EXPECT_THROW(Registry(std::vector<std::string>{}), std::invalid_argument);
  EXPECT_THROW(Registry({"My Draft"}), std::invalid_argument);
  EXPECT_THROW(Registry({"a", "a"}), std::invalid_argument);
  Registry reg({"mine"});
  auto check = [](const CheckContext&) { return ClaimResult{}; };
  EXPECT_THROW(reg.add(claim("dropact.x", "dropact", check)), std::invalid_argument);
  EXPECT_THROW(reg.add(claim("other.x", "mine", check)), std::invalid_argument);
  Registry catalog;  // the built-in sources only
  EXPECT_THROW(catalog.add(claim("mine.x", "mine", check)), std::invalid_argument);
  EXPECT_THROW(exact_record("x", 1, 1, -1), std::invalid_argument);
  EXPECT_THROW(prox_vs_brute_force("x", enet_prox, enet_objective, {}, 1, 1), std::invalid_argument);
  EXPECT_THROW(prox_vs_brute_force("x", enet_prox, enet_objective, {1.0}, 0, 1), std::invalid_argument);
  EXPECT_THROW(prox_vs_brute_force("x", enet_prox, enet_objective, {1.0}, 1, -1), std::invalid_argument);
  CheckContext ctx;
  McCheckSpec s;
  s.n = 1;
  EXPECT_THROW(mc_ratio_check(ctx, s, [](Stream&, std::uint64_t) { return Eigen::Vector2d(1, 1); }), std::invalid_argument);
  EXPECT_THROW(property_check<double>(
                   ctx, "p", "p", 0, [](Stream&) { return 0.0; }, [](const double&) { return true; },
                   [](const double&) { return std::string(); }),
               std::invalid_argument);
}

}  // namespace
