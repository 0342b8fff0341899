// regcheck reproduce, the parts below the CLI: verdict logic on synthetic arms whose truth is
// known (false-HOLDS rate under equal arms, detection at the stated power), Holm's adjusted
// p-values against hand computation, the one-sample detectable effect and TOST against scipy
// 1.10.1, SHA-256 against the FIPS 180-2 examples, the results store (round trip, reuse, schema
// mismatch, two processes writing at once), config patches and metric flattening.
#include "claims/core/experiment.hpp"
#include "claims/core/results_store.hpp"
#include "claims/core/sha256.hpp"
#include "claims/dlbook/early_stopping_l2_rows.hpp"
#include "sim/rng.hpp"
#include "sim/stats/tests.hpp"

#include <boost/math/distributions/binomial.hpp>
#include <cmath>
#include <functional>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numbers>
#include <sstream>

namespace rc = regcheck::claims;
using regcheck::sim::Verdict;
namespace fs = std::filesystem;

namespace {

std::vector<double> normals(regcheck::sim::Stream& s, int n, double mean, double sd) {
  std::vector<double> x;
  for (int i = 0; i < n; ++i) x.push_back(mean + sd * s.normal());
  return x;
}

Verdict decide_one(rc::TestRow r) {
  std::vector<rc::TestRow*> rows{&r};
  rc::decide_rows(rows, 0.05);
  return r.verdict;
}

// Upper bound on the count of a Binomial(trials, p) event that is exceeded with probability
// <= 1e-6: the false-failure rate of each simulation check below.
double binomial_upper(double trials, double p) {
  return boost::math::quantile(boost::math::complement(boost::math::binomial(trials, p), 1e-6));
}
double binomial_lower(double trials, double p) { return boost::math::quantile(boost::math::binomial(trials, p), 1e-6); }

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path temp_path(const std::string& name) {
  const fs::path p = fs::temp_directory_path() / fmt::format("regcheck_test_{}_{}", ::getpid(), name);
  fs::remove(p), fs::remove(p.string() + "-wal"), fs::remove(p.string() + "-shm");
  return p;
}

}  // namespace

// ---- verdict logic on synthetic arms ----

TEST(ReproduceVerdicts, EqualArmsGiveFalseHoldsAtMostAlpha) {
  // 2000 simulated claims with equal arms (n = 5 per arm, N(0, 1)): a one-sided level-0.05 test,
  // so P(HOLDS) <= 0.05; the count must not exceed Binomial(2000, 0.05)'s 1 - 1e-6 quantile (149).
  regcheck::sim::Stream s(20261204, 1, 0);
  int holds_w = 0, holds_p = 0, fails_w = 0;
  for (int k = 0; k < 2000; ++k) {
    const auto x = normals(s, 5, 0, 1), y = normals(s, 5, 0, 1);
    const Verdict v = decide_one(rc::welch_row("w", "x > y", x, y, +1));
    holds_w += v == Verdict::Holds, fails_w += v == Verdict::Fails;
    holds_p += decide_one(rc::paired_row("p", "d > 0", normals(s, 5, 0, 1), +1)) == Verdict::Holds;
  }
  EXPECT_LE(holds_w, binomial_upper(2000, 0.05));
  EXPECT_LE(holds_p, binomial_upper(2000, 0.05));
  EXPECT_LE(fails_w, binomial_upper(2000, 0.025));  // the wrong-side 95% CI
  EXPECT_EQ(binomial_upper(2000, 0.05), 149);  // scipy.stats.binom.isf(1e-6, 2000, 0.05)
}

TEST(ReproduceVerdicts, BandEdgeGivesFalseHoldsAtMostAlpha) {
  // True mean on the band's lower edge: TOST is a level-0.05 test.
  regcheck::sim::Stream s(20261204, 2, 0);
  int holds = 0;
  for (int k = 0; k < 2000; ++k)
    holds += decide_one(rc::band_row("b", "in band", normals(s, 6, 0.95, 0.02), 0.95, 1.05, 1.0, "test")) == Verdict::Holds;
  EXPECT_LE(holds, binomial_upper(2000, 0.05));
}

TEST(ReproduceVerdicts, SeparatedArmsDetectedAtTheStatedPower) {
  // True effect = the detectable effect at power 0.8 (m = 1): the detection rate must be
  // compatible with 0.8 (Welch loses a little power against the pooled t the power formula
  // assumes, so only the lower side is checked for it; the paired test's formula is exact).
  const double n = 10, sd = 1;
  const double dw = regcheck::sim::stats::detectable_difference(n, sd, 2 * 0.05, 0.8);
  const double dp = rc::one_sample_detectable(n, sd, 0.05, 0.8);
  regcheck::sim::Stream s(20261204, 3, 0);
  int hw = 0, hp = 0;
  for (int k = 0; k < 2000; ++k) {
    hw += decide_one(rc::welch_row("w", "x > y", normals(s, 10, dw, sd), normals(s, 10, 0, sd), +1)) == Verdict::Holds;
    hp += decide_one(rc::paired_row("p", "d > 0", normals(s, 10, dp, sd), +1)) == Verdict::Holds;
  }
  EXPECT_GE(hw, binomial_lower(2000, 0.78));  // 0.78: Welch's df loss at n = 10 costs < 0.02 of power
  EXPECT_GE(hp, binomial_lower(2000, 0.8));
  EXPECT_LE(hp, binomial_upper(2000, 0.8));
}

TEST(ReproduceVerdicts, HolmAgainstHandComputation) {
  // p = 0.01, 0.04, 0.03, 0.005 (m = 4). Sorted: 0.005 * 4 = 0.02, 0.01 * 3 = 0.03,
  // 0.03 * 2 = 0.06, max(0.04 * 1, 0.06) = 0.06. In input order: 0.03, 0.06, 0.06, 0.02.
  std::vector<rc::TestRow> rows(4);
  const double p[] = {0.01, 0.04, 0.03, 0.005};
  std::vector<rc::TestRow*> ptr;
  for (int i = 0; i < 4; ++i) {
    rows[i].kind = "welch", rows[i].p_value = p[i], rows[i].effect = 1, rows[i].effect_ci_lo = -1, rows[i].effect_ci_hi = 3;
    ptr.push_back(&rows[i]);
  }
  rc::decide_rows(ptr, 0.05);
  const double want[] = {0.03, 0.06, 0.06, 0.02};
  const Verdict verdict[] = {Verdict::Holds, Verdict::Inconclusive, Verdict::Inconclusive, Verdict::Holds};
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(*rows[i].p_adjusted, want[i], 4 * 0.06 * 2.2e-16) << i;  // a product and a max: a few ulps
    EXPECT_EQ(rows[i].verdict, verdict[i]) << i;
  }
  EXPECT_EQ(rc::combine(rows), Verdict::Inconclusive);
  rows[1].verdict = Verdict::Fails;
  EXPECT_EQ(rc::combine(rows), Verdict::Fails);
}

TEST(ReproduceVerdicts, WrongSideIsFailsAndRowsOutsideTheFamilyAreUnadjusted) {
  regcheck::sim::Stream s(20261204, 4, 0);
  // Arms 5 sd apart in the wrong direction: the 95% CI excludes 0 on the wrong side.
  EXPECT_EQ(decide_one(rc::welch_row("w", "x > y", normals(s, 8, 0, 1), normals(s, 8, 5, 1), +1)), Verdict::Fails);
  // A band whose CI lies wholly above it.
  EXPECT_EQ(decide_one(rc::band_row("b", "in band", normals(s, 8, 2, 0.01), 0.9, 1.1, 1.0, "t")), Verdict::Fails);
  rc::TestRow a, b;
  a.kind = b.kind = "paired";
  a.p_value = 0.03, b.p_value = 0.04, b.in_family = false;
  a.effect = b.effect = 1, a.effect_ci_lo = b.effect_ci_lo = 0.1, a.effect_ci_hi = b.effect_ci_hi = 2;
  std::vector<rc::TestRow*> rows{&a, &b};
  rc::decide_rows(rows, 0.05);
  EXPECT_EQ(*a.p_adjusted, 0.03);  // a family of one
  EXPECT_FALSE(b.p_adjusted);
  EXPECT_EQ(b.verdict, Verdict::Holds);
}

TEST(ReproduceStats, DetectableAndTostAgainstScipy) {
  // scipy 1.10.1: brentq on stats.nct.sf(stats.t.isf(a, n-1), n-1, d sqrt(n)/sd) - power.
  // Tolerance 1e-9 relative: the root is found to ~1e-12 (eps_tolerance(40)), the noncentral t
  // tail to ~1e-12 in both libraries.
  EXPECT_NEAR(rc::one_sample_detectable(10, 1, 0.05, 0.8), 0.8528375122376879, 1e-9);
  EXPECT_NEAR(rc::one_sample_detectable(5, 2.0, 0.01, 0.9), 5.04466904387819, 1e-8);
  // TOST p of {0.97, 0.99, 1.01, 0.98, 1.00, 0.995} against [0.95, 1.05]: max of stats.t.sf and
  // stats.t.cdf of the two one-sided statistics = 0.00045837375719920664 (relative 1e-9: a t tail).
  const std::vector<double> x{0.97, 0.99, 1.01, 0.98, 1.00, 0.995};
  const rc::TestRow r = rc::band_row("b", "in band", x, 0.95, 1.05, 1.0, "t");
  EXPECT_NEAR(*r.p_value, 0.00045837375719920664, 1e-9 * 0.00045837375719920664);
  // Mean and 95% CI of x by hand: mean 0.990833..., sd 0.014289..., t_{0.975,5} = 2.5705818.
  EXPECT_NEAR(*r.measured, 5.945 / 6, 4e-16);
}

TEST(ReproduceStats, PairedTWithTwoPairs) {
  // --seeds 2 gives paired rows of 2 differences. d = {1, 3}: mean 2, sd sqrt(2), se 1, t = 2,
  // df = 1 (by hand); Hedges' J(df) is undefined at df = 1 (Gamma(0)), so g is NaN, not an error.
  const std::vector<double> d{1, 3};
  const auto t = regcheck::sim::stats::paired_t(d, 0.95);
  EXPECT_EQ(t.t, 2);
  EXPECT_EQ(t.df, 1);
  EXPECT_TRUE(std::isnan(t.hedges_g));
  // Two-sided p of t = 2 with 1 df: 1 - 2 atan(2) / pi = 0.29516723530086653 (Cauchy cdf, exact).
  EXPECT_NEAR(t.p_value, 1 - 2 * std::atan(2.0) / M_PI, 8 * 2.2e-16);
}

TEST(ReproduceStats, SummaryOfConstantValuesIsDegenerate) {
  const std::vector<double> x{0.25, 0.25, 0.25};
  const rc::MetricSummary s = rc::summarize_metric(x);
  EXPECT_EQ(s.mean, 0.25);
  EXPECT_EQ(s.sd, 0);
  EXPECT_EQ(s.ci_lo, 0.25);
  EXPECT_EQ(s.ci_hi, 0.25);
}

// ---- SHA-256 (FIPS 180-2, appendix B) ----

TEST(ReproduceSha256, FipsExamples) {
  EXPECT_EQ(rc::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(rc::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(rc::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(rc::sha256_hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  const fs::path f = temp_path("sha");
  std::ofstream(f) << "abc";
  EXPECT_EQ(rc::sha256_file(f), rc::sha256_hex("abc"));
  fs::remove(f);
}

// ---- results store ----

namespace {
rc::RunRecord record(std::uint64_t seed, double v) {
  rc::RunRecord r;
  r.arm = "a", r.seed = seed, r.seconds = 0.5;
  r.final = {{"test_loss", v}, {"variance_probe.shift_ratio_mean", 0.1 + v}};
  r.history = nlohmann::json::array({{{"test_loss", 2 * v}}, r.final});
  return r;
}
rc::RunKey key(std::uint64_t seed) { return {"x.exp", "a", seed, "smoke", "hash", "0.1.0"}; }
}  // namespace

TEST(ReproduceStore, RoundTripAndReuse) {
  const fs::path p = temp_path("store.sqlite");
  {
    rc::ResultsStore s(p.string());
    EXPECT_FALSE(s.find(key(1)));
    s.put(key(1), record(1, 0.1 + 0.2));  // 0.30000000000000004: the JSON text must round-trip it
  }
  rc::ResultsStore::check_compatible(p.string());
  rc::ResultsStore s(p.string());
  const auto r = s.find(key(1));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->final, record(1, 0.1 + 0.2).final);
  EXPECT_EQ(r->history, record(1, 0.1 + 0.2).history);
  EXPECT_EQ(r->seconds, 0.5);
  rc::RunKey other = key(1);
  other.config_hash = "changed";
  EXPECT_FALSE(s.find(other));  // another config is another run
  EXPECT_EQ(s.count(), 1u);
  fs::remove(p);
}

TEST(ReproduceStore, TwoProcessesWritingAtOnce) {
  const fs::path p = temp_path("concurrent.sqlite");
  { rc::ResultsStore init(p.string()); }
  std::vector<pid_t> kids;
  for (int k = 0; k < 2; ++k) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int rc_ = 0;
      try {
        rc::ResultsStore s(p.string());
        for (int i = 0; i < 100; ++i) s.put(key(static_cast<std::uint64_t>(k * 1000 + i)), record(i, i * 0.01));
      } catch (...) {
        rc_ = 1;
      }
      ::_exit(rc_);
    }
    kids.push_back(pid);
  }
  for (pid_t pid : kids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  rc::ResultsStore s(p.string());
  EXPECT_EQ(s.count(), 200u);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(p.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "ok");
  sqlite3_finalize(st);
  sqlite3_close(db);
  fs::remove(p), fs::remove(p.string() + "-wal"), fs::remove(p.string() + "-shm");
}

// ---- experiments: config patches, flattening, registry ----

TEST(ReproduceExperiment, FlattenAndPatches) {
  const nlohmann::json epoch = {{"epoch", 3}, {"test_loss", 0.5}, {"seconds", 1.2}, {"train_accuracy", nullptr},
                                {"variance_probe", {{"shift_ratio_mean", 0.97}, {"var_train", {1, 2}}}}};
  const nlohmann::json f = rc::flatten_metrics(epoch);
  EXPECT_EQ(f, (nlohmann::json{{"epoch", 3}, {"test_loss", 0.5}, {"variance_probe.shift_ratio_mean", 0.97}}));
  EXPECT_TRUE(std::isnan(rc::metric(f, "train_accuracy")));
  EXPECT_EQ(rc::replace_op("/epochs", 4), nlohmann::json::parse(R"({"op": "replace", "path": "/epochs", "value": 4})"));

  const rc::Experiment* e = rc::all_experiments().find("dropact.fig6.bn-shift");
  ASSERT_TRUE(e);
  const nlohmann::json base = nlohmann::json::parse(slurp(fs::path(REGCHECK_SOURCE_DIR) / "nets/configs" / e->base_config));
  const nlohmann::json c = rc::run_config(*e, e->arms[1], rc::Scale::Smoke, base, 7);
  EXPECT_EQ(c["seed"], 7);
  EXPECT_EQ(c["epochs"], 3);
  EXPECT_EQ(c["model"]["layers"][3]["layers"][3]["type"], "dropout");
  EXPECT_EQ(c["model"]["layers"][6]["type"], "dropout");
  // An arm with its own base config: the scale's patch (epochs 25 and patience 3 at smoke) is not applied.
  const rc::Experiment* es = rc::all_experiments().find("dlbook.fig7_3.early-stopping");
  ASSERT_TRUE(es && es->arms.size() == 2);
  EXPECT_EQ(rc::arm_base_config(*es, es->arms[1]), "dlbook-early-stopping-quadratic.json");
  EXPECT_EQ(rc::arm_base_config(*es, es->arms[0]), "dlbook-early-stopping.json");
  const nlohmann::json qb = nlohmann::json::parse(slurp(fs::path(REGCHECK_SOURCE_DIR) / "nets/configs" / es->arms[1].base_config));
  const nlohmann::json qc = rc::run_config(*es, es->arms[1], rc::Scale::Smoke, qb, 2);
  EXPECT_EQ(qc["epochs"], 20);
  EXPECT_FALSE(qc.contains("early_stopping"));
  EXPECT_EQ(qc["seed"], 2);
}

TEST(ReproduceExperiment, Registry) {
  const auto& reg = rc::all_experiments();
  ASSERT_EQ(reg.experiments().size(), 15u);  // only implemented experiments are registered
  for (const auto& e : reg.experiments()) {
    EXPECT_TRUE(fs::exists(fs::path(REGCHECK_SOURCE_DIR) / "nets/configs" / e.base_config)) << e.id;
    for (const auto& a : e.arms)
      if (!a.base_config.empty()) {
        EXPECT_TRUE(fs::exists(fs::path(REGCHECK_SOURCE_DIR) / "nets/configs" / a.base_config)) << e.id << a.name;
      }
    for (const auto& p : e.plans) EXPECT_GE(p.seeds, 2) << e.id;
  }
}

namespace {
// A hand-made run of the quadratic arm of dlbook.fig7_3.early-stopping: d = 2, X^T X / n =
// diag(1, 1/2), X^T y / n = (1, 1/4), so w* = (1, 1/2) and H = diag(2, 1); eta = 0.1, tau = 2, n = 4,
// y^T y / n = 1. Exact GD: w(2) = (1 - 0.8^2, (1 - 0.9^2) / 2) = (0.36, 0.095); dw is added.
rc::RunRecord quadratic_run(std::uint64_t seed, double dw0, double dw1) {
  rc::RunRecord r;
  r.arm = "quadratic", r.seed = seed;
  r.final = {{"lr", 0.1}, {"weights_probe.steps", 2.0}, {"weights_probe.n", 4.0}, {"weights_probe.yty", 1.0},
             {"weights_probe.w.0", 0.36 + dw0}, {"weights_probe.w.1", 0.095 + dw1},
             {"weights_probe.xty.0", 1.0}, {"weights_probe.xty.1", 0.25},
             {"weights_probe.gram.0", 1.0}, {"weights_probe.gram.1", 0.0}, {"weights_probe.gram.2", 0.0}, {"weights_probe.gram.3", 0.5}};
  return r;
}
std::vector<rc::RunRecord> quadratic_runs(double offset) {
  return {quadratic_run(1, offset - 2e-7, offset + 1e-7), quadratic_run(2, offset, offset - 1e-7), quadratic_run(3, offset + 2e-7, offset + 3e-7)};
}
}  // namespace

// dlbook.7_11.inference's analysis on hand-made finals: it tests at the largest N present (1000,
// not 20), the band row's mean is (1e-5 - 1e-5 + 2e-5) / 3 = 6.6667e-6, the MLP's one-sample t on
// {0.003, 0.004, 0.005} has mean 0.004, sd 0.001, t = 0.004 / (0.001 / sqrt(3)) = 6.92820 (hand
// computed); accuracy gaps are ws - geo (0.95 - 0.94 = 0.01 at every seed).
TEST(ReproduceExperiment, DropoutInferenceAnalysis) {
  const rc::Experiment* e = rc::all_experiments().find("dlbook.7_11.inference");
  ASSERT_NE(e, nullptr);
  auto runs_with = [&](bool probe) {
    rc::ExperimentRuns runs{e, {{}, {}}};
    const double mlp[] = {0.003, 0.004, 0.005}, sr[] = {1e-5, -1e-5, 2e-5};
    for (int a = 0; a < 2; ++a)
      for (int i = 0; i < 3; ++i) {
        rc::RunRecord r;
        r.arm = e->arms[static_cast<std::size_t>(a)].name, r.seed = static_cast<std::uint64_t>(i + 1);
        r.final = {{"test_loss", 0.1}};
        if (probe)
          for (const char* n : {"20", "1000"}) {
            const std::string k = n, p = "dropout_inference.";
            r.final[p + "bias2_rel_" + k] = k == "20" ? 5.0 : (a == 0 ? mlp[i] : sr[i]);
            r.final[p + "geo_accuracy_" + k] = 0.94, r.final[p + "arith_accuracy_" + k] = 0.93;
            r.final[p + "geo_tv_" + k] = 0.01 * (i + 1), r.final[p + "arith_tv_" + k] = 0.1 * (i + 1);
            r.final[p + "ws_accuracy"] = 0.95;
          }
        runs.by_arm[static_cast<std::size_t>(a)].push_back(r);
      }
    return runs;
  };
  ASSERT_EQ(e->arms[0].name, "mlp");
  const std::vector<rc::TestRow> rows = e->analyze(runs_with(true));
  ASSERT_GE(rows.size(), 3u);
  EXPECT_EQ(rows[0].name, "softmax regression: bias2_rel(1000) ~ 0");
  EXPECT_EQ(rows[0].kind, "band");
  const double eps = std::numeric_limits<double>::epsilon();
  EXPECT_NEAR(*rows[0].measured, 2e-5 / 3, 16 * eps * 2e-5);  // three additions and a division of values <= 2e-5
  EXPECT_EQ(*rows[0].band_lo, -1e-3);
  EXPECT_EQ(*rows[0].band_hi, 1e-3);
  EXPECT_EQ(rows[1].name, "mlp: bias2_rel(1000) > 0");
  EXPECT_NEAR(*rows[1].effect, 0.004, 16 * eps * 0.005);  // sums and a division of values <= 0.005
  // 4 sqrt(3); the sd of {0.003, 0.004, 0.005} is computed from differences of rounded inputs
  // (relative error ~1e-13 from 0.001 = 0.004 - 0.003 cancelling 2 digits), so 1e-10 relative.
  EXPECT_NEAR(*rows[1].statistic, 6.928203230275509, 1e-10 * 6.93);
  for (const rc::TestRow& r : rows) {
    if (r.kind != "descriptive") continue;
    EXPECT_FALSE(r.in_family) << r.name;
    if (r.name == "mlp: acc(ws) - acc(geo, 1000)") {
      EXPECT_NEAR(*r.measured, 0.01, 8 * eps * 1.0);  // 0.95 - 0.94 rounds within an ulp of 1
    }
  }
  // Runs without the probe's metrics: the analysis throws, naming the run.
  try {
    e->analyze(runs_with(false));
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& ex) {
    EXPECT_NE(std::string(ex.what()).find("arm 'mlp' seed 1 has no dropout_inference metrics"), std::string::npos) << ex.what();
  }
}

// dlbook.7_10.bagging's analysis on hand-made errors (hand computed): 4 held-out examples
// (validation = the first 2, test = the last 2), 5 members, errors s_m (1, -1, 1, -1).
//   seed 1: s_m = 1 for all: v = c = 1, prediction 1, test ensemble MSE 1: ratio 1, gain 0.
//   seed 2: s = (1, -0.5, 1, -0.5, 1): v = sum s^2 / 5 = 0.7, c = ((sum s)^2 - sum s^2) / 20 =
//           (4 - 3.5) / 20 = 0.025, prediction 0.7/5 + 4 (0.025)/5 = 0.16; test ensemble error
//           +-2/5: MSE 0.16, ratio 1; gain 0.7 - 0.16 = 0.54.
//   seed 3: as seed 1 but validation error 0.5 at example 0: v = c = (0.25 + 1)/2 = 0.625,
//           prediction 0.625, test MSE 1: ratio 1.6; gain 0.
// So at k = 5 the ratios are {1, 1, 1.6} (mean 1.2) and the gains {0, 0.54, 0} (mean 0.18).
TEST(ReproduceExperiment, BaggingAnalysis) {
  const rc::Experiment* e = rc::all_experiments().find("dlbook.7_10.bagging");
  ASSERT_NE(e, nullptr);
  ASSERT_EQ(e->arms.size(), 5u);
  rc::ExperimentRuns runs{e, std::vector<std::vector<rc::RunRecord>>(5)};
  for (std::size_t m = 0; m < 5; ++m)
    for (std::uint64_t seed : {1u, 2u, 3u}) {
      rc::RunRecord r;
      r.arm = e->arms[m].name, r.seed = seed;
      const double sign = seed == 2 && m % 2 == 1 ? -0.5 : 1.0;
      const double err[] = {sign, -sign, sign, -sign};
      for (int i = 0; i < 4; ++i) {
        r.final[fmt::format("predictions.output.{}", i)] = 2.0 + err[i];
        r.final[fmt::format("predictions.target.{}", i)] = 2.0;
      }
      if (seed == 3) r.final["predictions.output.0"] = 2.5;  // seed 3: a smaller first error, 0.5
      runs.by_arm[m].push_back(r);
    }
  const std::vector<rc::TestRow> rows = e->analyze(runs);
  const double eps = std::numeric_limits<double>::epsilon();
  ASSERT_EQ(rows[0].name, "k = 5: test MSE / (v/k + (k-1)c/k)");
  EXPECT_TRUE(rows[0].in_family);
  EXPECT_NEAR(*rows[0].measured, 1.2, 16 * eps * 1.6);  // a few roundings of values <= 1.6
  EXPECT_FALSE(rows[4].in_family);                      // k = 1 is informative
  EXPECT_NEAR(*rows[4].measured, 1.2, 16 * eps * 1.6);  // member-1 has s = 1 at every seed
  const rc::TestRow& gain = rows.at(5);
  EXPECT_EQ(gain.name, "mean member MSE - ensemble MSE (k = 5) > 0");
  EXPECT_NEAR(*gain.effect, 0.18, 16 * eps * 1.0);
  const rc::TestRow& identity = rows.back();
  EXPECT_EQ(identity.verdict, Verdict::Holds) << identity.detail;
  EXPECT_EQ(rows.at(rows.size() - 2).verdict, Verdict::Holds);  // Jensen
  // Missing predictions: the analysis throws, naming the run.
  runs.by_arm[0][0].final = {{"test_loss", 1.0}};
  try {
    e->analyze(runs);
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& ex) {
    EXPECT_NE(std::string(ex.what()).find("arm 'member-1' seed 1 has 0 predictions"), std::string::npos) << ex.what();
  }
}

TEST(ReproduceExperiment, AnalysisThatThrowsIsError) {
  rc::Experiment e;
  e.id = "x.throws", e.arms = {{"a", "", nlohmann::json::array()}};
  e.analyze = [](const rc::ExperimentRuns& r) {
    return std::vector<rc::TestRow>{rc::paired_row("p", "h", r.finals("a", "m"), +1)};  // zero spread: paired t undefined
  };
  rc::ExperimentRuns runs{&e, {{record(1, 0.5), record(2, 0.5)}}};
  for (auto& rr : runs.by_arm[0]) rr.final["m"] = 1.0;
  const auto reports = rc::analyze_claims({runs}, rc::Scale::Smoke, 0.05);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].verdict, Verdict::Error);
  EXPECT_NE(reports[0].rows.at(0).detail.find("zero variance"), std::string::npos) << reports[0].rows.at(0).detail;
  EXPECT_EQ(rc::family_size(reports), 0u);
}

// gcsr.fig3.coherence's analysis on hand-made pi curves (3 seeds x 3 epochs). Not applied:
// seed 1 {0.50, 0.70, 0.60}, seed 2 {0.49, 0.72, 0.58}, seed 3 {0.51, 0.69, 0.61}: every
// leave-one-out mean curve peaks at epoch 2, so rise = {0.20, 0.23, 0.18} (mean 0.61 / 3) and
// dip = {0.10, 0.14, 0.08} (mean 0.32 / 3); pi(epoch 1) has mean 1.50 / 3 = 0.5. Applied: the
// last epoch's pi {0.88, 0.87, 0.89}, mean 0.88. Tolerance 1e-12: a few roundings of values <= 1.
TEST(ReproduceExperiment, CoherenceAnalysisByHand) {
  const rc::Experiment* e = rc::all_experiments().find("gcsr.fig3.coherence");
  ASSERT_TRUE(e);
  auto run = [](const std::string& arm, std::uint64_t seed, std::vector<double> pi) {
    rc::RunRecord r;
    r.arm = arm, r.seed = seed;
    for (double v : pi) r.history.push_back({{"pi.mean", v}});
    r.final = r.history.back();
    return r;
  };
  rc::ExperimentRuns runs{e, {{run("not-applied", 1, {0.50, 0.70, 0.60}), run("not-applied", 2, {0.49, 0.72, 0.58}),
                               run("not-applied", 3, {0.51, 0.69, 0.61})},
                              {run("applied", 1, {0.5, 0.6, 0.88}), run("applied", 2, {0.5, 0.6, 0.87}), run("applied", 3, {0.5, 0.6, 0.89})}}};
  const std::vector<rc::TestRow> rows = e->analyze(runs);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_NEAR(*rows[0].measured, 0.5, 1e-12);
  EXPECT_EQ(*rows[0].band_lo, 0.45);
  EXPECT_EQ(*rows[0].band_hi, 0.55);
  EXPECT_NEAR(*rows[1].effect, 0.61 / 3, 1e-12);
  EXPECT_NEAR(*rows[2].effect, 0.32 / 3, 1e-12);
  EXPECT_NEAR(*rows[3].measured, 0.88, 1e-12);
  EXPECT_FALSE(rows[3].in_family);  // the applied arm is the spec's statement, not the paper's: reported only
  EXPECT_TRUE(rows[0].in_family && rows[1].in_family && rows[2].in_family);
  EXPECT_EQ(*rows[4].measured, 2.0);  // the peak epoch, 1-based
  EXPECT_EQ(rows[4].verdict, Verdict::Holds);
  EXPECT_FALSE(rows[4].in_family);
}

// dropact.fig3.regression's analysis on hand-made final metrics (3 seeds). ReLU: train_mse
// {0.1, 0.2, 0.3}, grid_mse {3, 4, 5}, roughness {100, 120, 140}, boundary_mse {10, 6, 11};
// Drop-Activation: train_mse {0.5, 0.4, 0.9}, grid_mse {1, 3, 2}, roughness {50, 60, 40}. Paired
// differences: train {0.4, 0.2, 0.6} (mean 0.4), pred {2, 1, 3} (mean 2), rough {50, 60, 100}
// (mean 70), ReLU boundary - grid {7, 2, 6} (mean 5). Tolerance 1e-12: sums of three values.
// gcsr.tab3.compression's analysis on hand-made finals, 4 seeds: seeds 1-2 select, seeds 3-4 are
// tested. Selection: the baseline's best mean accuracy is l1-0.001's 0.97 (l1-0.003's 0.99 on the
// TEST seeds must not count), ours (sparse) = delayed-0.003 (mean 0.975 >= 0.97, sparsity 0.4;
// delayed-0.01's test-seed 0.99 must not count). Test seeds: sparsity differences {0.6 - 0.2,
// 0.5 - 0.3} = {0.4, 0.2}, mean 0.3; accuracy differences + 0.01 = {0.965 - 0.97 + 0.01,
// 0.97 - 0.96 + 0.01} = {0.005, 0.02}, mean 0.0125; rates {0.8 / 0.4, 0.7 / 0.5} = {2, 1.4}, mean 1.7.
TEST(ReproduceExperiment, CompressionAnalysisByHand) {
  const rc::Experiment* e = rc::all_experiments().find("gcsr.tab3.compression");
  ASSERT_TRUE(e);
  ASSERT_EQ(e->arms.size(), 8u);
  // Per arm: accuracy and sparsity of seeds 1..4.
  auto arm = [](const std::string& name, std::array<double, 4> acc, std::array<double, 4> sp) {
    std::vector<rc::RunRecord> v;
    for (std::size_t i = 0; i < 4; ++i) {
      rc::RunRecord r;
      r.arm = name, r.seed = i + 1, r.final = {{"test_accuracy", acc[i]}, {"sparsity", sp[i]}};
      v.push_back(r);
    }
    return v;
  };
  auto runs_with = [&](double delayed_acc) {
    return rc::ExperimentRuns{e,
                              {arm("l1-0.001", {0.97, 0.97, 0.97, 0.96}, {0.1, 0.1, 0.2, 0.3}),
                               arm("l1-0.003", {0.96, 0.96, 0.99, 0.99}, {0.5, 0.5, 0.5, 0.5}),
                               arm("l1-0.01", {0.95, 0.95, 0.95, 0.95}, {0.8, 0.8, 0.8, 0.8}),
                               arm("l1-0.03", {0.5, 0.5, 0.5, 0.5}, {0.99, 0.99, 0.99, 0.99}),
                               arm("delayed-0.001", {0.97, 0.97, 0.97, 0.97}, {0.1, 0.1, 0.1, 0.1}),
                               arm("delayed-0.003", {delayed_acc, 0.97, 0.965, 0.97}, {0.4, 0.4, 0.6, 0.5}),
                               arm("delayed-0.01", {0.96, 0.96, 0.99, 0.99}, {0.8, 0.8, 0.8, 0.8}),
                               arm("delayed-0.03", {0.95, 0.95, 0.95, 0.95}, {0.95, 0.95, 0.95, 0.95})}};
  };
  const std::vector<rc::TestRow> rows = e->analyze(runs_with(0.98));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_NEAR(*rows[0].measured, 0.97, 1e-12);
  EXPECT_EQ(rows[0].verdict, Verdict::Holds);
  EXPECT_NE(rows[0].detail.find("ours (sparse) delayed-0.003"), std::string::npos) << rows[0].detail;
  EXPECT_EQ(rows[1].name, "sparsity(delayed-0.003) - sparsity(l1-0.001) > 0");
  EXPECT_NEAR(*rows[1].effect, 0.3, 1e-12);
  EXPECT_NEAR(*rows[2].effect, 0.0125, 1e-12);
  EXPECT_NEAR(*rows[3].measured, 1.7, 1e-12);
  EXPECT_TRUE(rows[1].in_family && rows[2].in_family);
  EXPECT_FALSE(rows[0].in_family || rows[3].in_family);
  // No delayed lambda reaches 0.97 on the selection seeds (delayed-0.003 at 0.965, delayed-0.001
  // at 0.97 is removed by lowering it below): ours = the most accurate delayed arm, the selection row FAILS.
  auto low = runs_with(0.96);
  for (auto& r : low.by_arm[4]) r.final["test_accuracy"] = 0.9;
  const std::vector<rc::TestRow> none = e->analyze(low);
  EXPECT_EQ(none[0].verdict, Verdict::Fails);
  EXPECT_NE(none[0].detail.find("most accurate: delayed-0.003"), std::string::npos) << none[0].detail;
  // Fewer than 4 seeds cannot be split into selection and test halves.
  rc::ExperimentRuns three = runs_with(0.98);
  for (auto& a : three.by_arm) a.pop_back();
  EXPECT_THROW(e->analyze(three), std::invalid_argument);
}

// dlbook.fig7_3.early-stopping's informative rows for Algorithms 7.1-7.3, on hand-made runs of 3
// epochs: fixed-epoch test losses {0.6, 0.7, 0.65}; Alg. 7.1 {0.5, 0.6, 0.5} -> gains {0.1, 0.1,
// 0.15}, mean 0.35 / 3; Alg. 7.2 {0.55, 0.6, 0.6} -> {0.05, 0.1, 0.05}, mean 0.2 / 3; Alg. 7.3 {0.7,
// 0.7, 0.7} -> {-0.1, 0, -0.05}, mean -0.05; i* {2, 2, 3}, mean 7 / 3; Alg. 7.1 stopped at epoch 2
// in every run (< 3: HOLDS); Alg. 7.3 reached its target in 2 of 3 runs.
TEST(ReproduceExperiment, EarlyStoppingAlgorithmRows) {
  const rc::Experiment* e = rc::all_experiments().find("dlbook.fig7_3.early-stopping");
  ASSERT_TRUE(e);
  auto run = [](std::uint64_t seed, std::vector<double> val, double a71, double a72, double a73, double i_star, double reached) {
    rc::RunRecord r;
    r.arm = "sgd", r.seed = seed;
    double train = 1.0 + 0.1 * static_cast<double>(seed * seed);  // distinct per seed: the U-shape rows need a spread
    for (double v : val) r.history.push_back({{"test_loss", v}, {"train_loss", train /= 2}});
    r.final = r.history.back();
    r.final["early_stopping.alg71.test_loss"] = a71, r.final["early_stopping.alg72.test_loss"] = a72;
    r.final["early_stopping.alg73.test_loss"] = a73, r.final["early_stopping.i_star"] = i_star;
    r.final["early_stopping.alg71.epochs"] = 2.0, r.final["early_stopping.alg73.reached"] = reached;
    return r;
  };
  rc::ExperimentRuns runs{e, {{run(1, {1.0, 0.5, 0.6}, 0.5, 0.55, 0.7, 2, 1), run(2, {1.1, 0.4, 0.7}, 0.6, 0.6, 0.7, 2, 0),
                               run(3, {0.9, 0.45, 0.65}, 0.5, 0.6, 0.7, 3, 1)},
                              quadratic_runs(0)}};
  const std::vector<rc::TestRow> rows = e->analyze(runs);
  ASSERT_EQ(rows.size(), 12u);  // 8 + per direction (d = 2) one exact and one eq. 7.28 row
  EXPECT_NEAR(*rows[3].effect, 0.35 / 3, 1e-12);
  EXPECT_NEAR(*rows[4].effect, 0.2 / 3, 1e-12);
  EXPECT_NEAR(*rows[5].effect, -0.05, 1e-12);
  for (int k = 3; k <= 6; ++k) EXPECT_FALSE(rows[static_cast<std::size_t>(k)].in_family) << rows[static_cast<std::size_t>(k)].name;
  EXPECT_NEAR(*rows[6].measured, 7.0 / 3, 1e-12);
  EXPECT_EQ(rows[6].verdict, Verdict::Holds);
  EXPECT_NE(rows[6].detail.find("2 of 3 runs"), std::string::npos) << rows[6].detail;
}

// The quadratic arm (early stopping as L2, eigen-direction by eigen-direction) on the hand-made
// runs of quadratic_run. Ascending eigenvalues of H: lambda = 1 (w*_1 = 1/2), lambda = 2 (w*_0 = 1).
// By hand: eq. 7.26 fractions 1 - 0.9^2 = 0.19 and 1 - 0.8^2 = 0.36; alpha_i = lambda q / (1 - q):
// 0.81 / 0.19 and 2 * 0.64 / 0.36, times tau eta = 0.2: 0.852631578947368 and 0.711111111111111;
// eq. 7.28 bounds 0.1 + 0.2 / 1.8 = 0.211111111111111 and 0.2 + 0.4 / 1.6 = 0.45; the L2 fraction
// with alpha = 1/(tau eta) = 5: 1/6 and 2/7; the fraction bounds lambda A b / ((lambda + A)(lambda +
// A (1 - b))): 1.0555556 / (6 * 4.9444444) = 0.0355805243445693 and 4.5 / (7 * 4.75) = 0.135338345864662.
// The float32 rounding bound B = tau eps_f [(d + n + 4) eta (2 tr G ||w*|| + 2 sqrt(tr G yty)) +
// (1 + 2 eta lambda_max) ||w*||] + 16 d cond eps ||w*|| = 2 eps_f (5.80359173... + 1.56524758...)
// = 1.7568682098e-6 (tr G = 1.5, ||w*|| = sqrt(1.25)). Tolerances: 1e-12 (double closed forms of a few
// operations on exact inputs; alpha via 1 - f, f = 0.19 inexact: relative 1e-12 is ample).
TEST(ReproduceExperiment, EarlyStoppingQuadraticRowsByHand) {
  namespace dl = regcheck::claims::dlbook;
  const auto q = dl::quadratic_directions(quadratic_run(1, 0, 0));
  ASSERT_EQ(q.size(), 2u);
  const double lambda[] = {1, 2}, ft[] = {0.19, 0.36}, ate[] = {0.852631578947368, 0.711111111111111}, b[] = {0.211111111111111, 0.45},
               fl[] = {1.0 / 6, 2.0 / 7}, fb[] = {0.0355805243445693, 0.135338345864662};
  for (int i = 0; i < 2; ++i) {
    EXPECT_NEAR(q[i].lambda, lambda[i], 1e-12);
    EXPECT_NEAR(q[i].fraction_theory, ft[i], 1e-12);
    EXPECT_NEAR(q[i].fraction_measured, ft[i], 1e-12);
    EXPECT_NEAR(q[i].error, 0.0, 1e-15);
    EXPECT_NEAR(q[i].alpha_tau_eta, ate[i], 1e-11);
    EXPECT_NEAR(q[i].bound_7_28, b[i], 1e-12);
    EXPECT_NEAR(q[i].fraction_l2, fl[i], 1e-12);
    EXPECT_NEAR(q[i].fraction_bound, fb[i], 1e-12);
    EXPECT_NEAR(q[i].error_bound, 1.7568682098e-6, 1e-15);
  }
  // Within rounding (errors <= 3e-7 < B): the exact rows hold; shifted by 1e-3 (about 570 B) on every seed: they fail.
  for (double offset : {0.0, 1e-3}) {
    std::vector<rc::TestRow> rows = dl::quadratic_rows(quadratic_runs(offset));
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_TRUE(rows[0].in_family && rows[1].in_family);
    EXPECT_FALSE(rows[2].in_family || rows[3].in_family);
    std::vector<rc::TestRow*> ptrs;
    for (auto& r : rows) ptrs.push_back(&r);
    rc::decide_rows(ptrs, 0.05);
    const Verdict want = offset == 0 ? Verdict::Holds : Verdict::Fails;
    EXPECT_EQ(rows[0].verdict, want) << rows[0].detail;
    EXPECT_EQ(rows[1].verdict, want) << rows[1].detail;
    if (offset == 0) {
      EXPECT_NE(rows[2].detail.find("alpha_i tau eta 0.8526"), std::string::npos) << rows[2].detail;
      EXPECT_NE(rows[3].detail.find("outside the book's regime"), std::string::npos) << rows[3].detail;
    }
  }
}

TEST(ReproduceExperiment, RegressionAnalysisByHand) {
  const rc::Experiment* e = rc::all_experiments().find("dropact.fig3.regression");
  ASSERT_TRUE(e);
  auto run = [](const std::string& arm, std::uint64_t seed, double train, double grid, double rough, double edge) {
    rc::RunRecord r;
    r.arm = arm, r.seed = seed;
    r.final = {{"fit_probe.train_mse", train}, {"fit_probe.grid_mse", grid}, {"fit_probe.roughness", rough}, {"fit_probe.boundary_mse", edge}};
    r.history = nlohmann::json::array({r.final});
    return r;
  };
  rc::ExperimentRuns runs{e, {{run("relu", 1, 0.1, 3, 100, 10), run("relu", 2, 0.2, 4, 120, 6), run("relu", 3, 0.3, 5, 140, 11)},
                              {run("drop-activation", 1, 0.5, 1, 50, 0), run("drop-activation", 2, 0.4, 3, 60, 0),
                               run("drop-activation", 3, 0.9, 2, 40, 0)}}};
  const std::vector<rc::TestRow> rows = e->analyze(runs);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_NEAR(*rows[0].effect, 0.4, 1e-12);
  EXPECT_NEAR(*rows[1].effect, 2.0, 1e-12);
  EXPECT_NEAR(*rows[2].effect, 70.0, 1e-12);
  EXPECT_NEAR(*rows[3].effect, 5.0, 1e-12);
  for (const auto& r : rows) EXPECT_EQ(r.kind, "paired") << r.name;
}

// arm_report's profiles of indexed series, by hand: two runs with fit_probe.curve.output.{0, 1, 2}
// = {1, 5, 7} and {3, 5, -} (index 2 missing in run 2, so left out): index 0 mean 2, sd sqrt 2,
// 95% CI 2 -+ t_{0.975, 1} sqrt(2) / sqrt(2) with t_{0.975, 1} = tan(0.475 pi) (the Cauchy
// quantile, closed form); index 1 constant 5, degenerate CI [5, 5]. A prefix of 1002 entries
// (beyond kMaxProfile) is counted only. Tolerance 1e-12 relative: the quantile by a series/iteration.
TEST(ReproduceExperiment, ArmReportProfilesByHand) {
  const rc::Experiment* e = rc::all_experiments().find("dropact.fig3.regression");
  ASSERT_TRUE(e);
  auto run = [](std::uint64_t seed, std::vector<double> out) {
    rc::RunRecord r;
    r.arm = "relu", r.seed = seed;
    r.final = {{"fit_probe.grid_mse", 1.0}};
    for (std::size_t i = 0; i < out.size(); ++i) r.final[fmt::format("fit_probe.curve.output.{}", i)] = out[i];
    for (int i = 0; i < 1002; ++i) r.final[fmt::format("predictions.output.{}", i)] = 0.5;
    r.history = nlohmann::json::array({r.final});
    return r;
  };
  rc::ExperimentRuns runs{e, {{run(1, {1, 5, 7}), run(2, {3, 5})}, {}}};
  const nlohmann::json j = rc::arm_report(*e, runs, 0);
  ASSERT_TRUE(j.contains("profiles")) << j.dump();
  EXPECT_FALSE(j["profiles"].contains("predictions.output"));
  EXPECT_EQ(j["per_example_counts"]["predictions.output"], 1002);
  const nlohmann::json& p = j["profiles"]["fit_probe.curve.output"];
  EXPECT_EQ(p["n"], 2);
  EXPECT_EQ(p["index"], nlohmann::json({0, 1}));
  EXPECT_EQ(p["mean"], nlohmann::json({2.0, 5.0}));
  const double t = std::tan(0.475 * std::numbers::pi);
  EXPECT_NEAR(p["ci_lo"][0].get<double>(), 2 - t, 1e-12 * t);
  EXPECT_NEAR(p["ci_hi"][0].get<double>(), 2 + t, 1e-12 * t);
  EXPECT_EQ(p["ci_lo"][1], 5.0);
  EXPECT_EQ(p["ci_hi"][1], 5.0);
}

// tl1.tab2.compare's analysis on hand-made finals (3 seeds; params = flops = 100 dense, so the
// percentages are the pruned counts). Accuracy: integrated {0.95, 0.96, 0.97}, L1 {0.94, 0.96,
// 0.95}, SGL and CGES {0.95, 0.95, 0.95}: paired differences vs L1 {0.01, 0, 0.02} (mean 0.01).
// Pruned: integrated {40, 42, 44}, L1 {30, 31, 35} (L1 - integrated {-10, -11, -9}: mean -10),
// SGL {50, 55, 57} (mean 12), CGES {45, 46, 50} (mean 5). Tolerance 1e-12: sums of three values.
TEST(ReproduceExperiment, Tl1CompareAnalysisByHand) {
  const rc::Experiment* e = rc::all_experiments().find("tl1.tab2.compare");
  ASSERT_TRUE(e);
  auto run = [](const std::string& arm, std::uint64_t seed, double acc, double pruned) {
    rc::RunRecord r;
    r.arm = arm, r.seed = seed;
    r.final = {{"test_accuracy", acc}, {"params", 100.0}, {"params_pruned", pruned}, {"flops", 100.0}, {"flops_pruned", pruned}};
    r.history = nlohmann::json::array({r.final});
    return r;
  };
  auto arm = [&](const std::string& name, std::vector<double> acc, std::vector<double> pruned) {
    std::vector<rc::RunRecord> v;
    for (std::size_t i = 0; i < 3; ++i) v.push_back(run(name, i + 1, acc[i], pruned[i]));
    return v;
  };
  rc::ExperimentRuns runs{e, {arm("none", {0.97, 0.97, 0.98}, {100, 100, 100}), arm("l1", {0.94, 0.96, 0.95}, {30, 31, 35}),
                              arm("sgl", {0.95, 0.95, 0.95}, {50, 55, 57}), arm("cges", {0.95, 0.95, 0.95}, {45, 46, 50}),
                              arm("integrated-tl1", {0.95, 0.96, 0.97}, {40, 42, 44})}};
  const std::vector<rc::TestRow> rows = e->analyze(runs);
  ASSERT_EQ(rows.size(), 10u);
  EXPECT_EQ(rows[0].kind, "band");
  EXPECT_NEAR(*rows[0].measured, 0.01, 1e-12);
  EXPECT_EQ(*rows[0].band_lo, -0.02);
  EXPECT_EQ(*rows[0].band_hi, 0.02);
  EXPECT_NEAR(*rows[3].effect, -10.0, 1e-12);  // flops%(l1) - flops%(integrated)
  EXPECT_NEAR(*rows[4].effect, 12.0, 1e-12);
  EXPECT_NEAR(*rows[5].effect, 5.0, 1e-12);
  EXPECT_NEAR(*rows[6].effect, -10.0, 1e-12);  // params
  EXPECT_EQ(rows[6].direction, +1);
  EXPECT_NEAR(*rows[9].measured, -0.04 / 3, 1e-12);  // acc(integrated) - acc(none): {-0.02, -0.01, -0.01}
  EXPECT_FALSE(rows[9].in_family);
}

// tl1.tab3.interpret's analysis on hand-made finals (3 seeds, last hidden layer). Neurons removed:
// group {20, 22, 18} (mean 20), TL1 {0, 3, 1} (seeds 2 and 3 remove some, the fewest: seed 3, 1),
// integrated {10, 12, 14} (mean 12), TL1 at lambda 0.001 {0, 0, 0}. Surviving sparsity: group
// {0, 0.01, 0.02}, TL1 {0.7, 0.72, 0.74} (paired mean 0.71), integrated {0.5, 0.5, 0.5} (0.49).
TEST(ReproduceExperiment, Tl1InterpretAnalysisByHand) {
  const rc::Experiment* e = rc::all_experiments().find("tl1.tab3.interpret");
  ASSERT_TRUE(e);
  auto arm = [](const std::string& name, std::vector<double> removed, std::vector<double> surviving) {
    std::vector<rc::RunRecord> v;
    for (std::size_t i = 0; i < 3; ++i) {
      rc::RunRecord r;
      r.arm = name, r.seed = i + 1;
      r.final = {{"layers.2.neurons_removed", removed[i]}, {"layers.2.surviving_sparsity", surviving[i]}};
      r.history = nlohmann::json::array({r.final});
      v.push_back(r);
    }
    return v;
  };
  rc::ExperimentRuns runs{e, {arm("group", {20, 22, 18}, {0, 0.01, 0.02}), arm("tl1", {0, 3, 1}, {0.7, 0.72, 0.74}),
                              arm("tl1-weak", {0, 0, 0}, {0.4, 0.4, 0.4}), arm("integrated-tl1", {10, 12, 14}, {0.5, 0.5, 0.5})}};
  const std::vector<rc::TestRow> rows = e->analyze(runs);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_NEAR(*rows[0].effect, 20.0, 1e-12);
  EXPECT_NEAR(*rows[1].effect, 0.71, 1e-12);
  EXPECT_EQ(rows[2].verdict, Verdict::Fails);  // TL1 removes neurons on seeds 2 and 3
  EXPECT_TRUE(rows[2].in_family);
  EXPECT_EQ(*rows[2].measured, 1.0);  // the smallest counterexample: seed 3 removes 1
  EXPECT_NE(rows[2].detail.find("seed 3"), std::string::npos) << rows[2].detail;
  EXPECT_NEAR(*rows[3].effect, 12.0, 1e-12);
  EXPECT_NEAR(*rows[4].effect, 0.49, 1e-12);
  EXPECT_EQ(rows[5].verdict, Verdict::Holds);  // the weak TL1 removes none: informative
  EXPECT_FALSE(rows[5].in_family);
  // No spread over the seeds (no t test): an in-family row that is INCONCLUSIVE, not an error.
  runs.by_arm[0] = arm("group", {0, 0, 0}, {0, 0.01, 0.02});
  const std::vector<rc::TestRow> flat = e->analyze(runs);
  EXPECT_EQ(flat[0].kind, "descriptive");
  EXPECT_TRUE(flat[0].in_family);
  EXPECT_EQ(flat[0].verdict, Verdict::Inconclusive);
}

// gcsr.fig2.gradient-decay's analysis on hand-made gradient curves (3 seeds x 10 epochs). Beyond:
// g_e = exp(-a e) with a = {0.3, 0.4, 0.5}, so the least-squares slopes of ln g are exactly -a
// (mean -0.4). Below: g_e = 10^(c (e - 1) / 9) with c = {2, 1, 0.5}: slopes c ln 10 / 9 (mean
// 3.5 ln 10 / 27) and log10 g(10)/g(1) - 1 = c - 1 (mean 0.5 / 3). Tolerance 1e-12: ten
// logarithms of exactly rounded powers of size <= 5 per slope.
TEST(ReproduceExperiment, GradientDecayAnalysisByHand) {
  const rc::Experiment* e = rc::all_experiments().find("gcsr.fig2.gradient-decay");
  ASSERT_TRUE(e);
  auto run = [](const std::string& arm, std::uint64_t seed, const std::function<double(int)>& g) {
    rc::RunRecord r;
    r.arm = arm, r.seed = seed;
    for (int ep = 1; ep <= 10; ++ep) r.history.push_back({{"mean_abs_grad_all", g(ep)}});
    r.final = r.history.back();
    return r;
  };
  std::vector<rc::RunRecord> below, beyond;
  const double a[] = {0.3, 0.4, 0.5}, c[] = {2, 1, 0.5};
  for (std::uint64_t s = 0; s < 3; ++s) {
    below.push_back(run("below", s + 1, [&](int ep) { return std::pow(10.0, c[s] * (ep - 1) / 9.0); }));
    beyond.push_back(run("beyond", s + 1, [&](int ep) { return std::exp(-a[s] * ep); }));
  }
  const rc::ExperimentRuns runs{e, {below, beyond}};
  const std::vector<rc::TestRow> rows = e->analyze(runs);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_NEAR(*rows[0].effect, -0.4, 1e-12);
  EXPECT_EQ(rows[0].direction, -1);
  EXPECT_NEAR(*rows[1].effect, 3.5 * std::log(10.0) / 27, 1e-12);
  EXPECT_NEAR(*rows[2].effect, 0.5 / 3, 1e-12);
  EXPECT_FALSE(rows[3].in_family);
  EXPECT_NEAR(*rows[3].measured, std::pow(10.0, 3.5 / 3), 1e-9);  // geometric mean of 100, 10, 10^0.5
  // Fewer than the 10 epochs of the window: an error naming the count.
  rc::ExperimentRuns short_runs{e, {below, beyond}};
  short_runs.by_arm[0][0].history.erase(short_runs.by_arm[0][0].history.begin());
  EXPECT_THROW(e->analyze(short_runs), std::invalid_argument);
}

namespace {
// Final test accuracies by arm (3 seeds each), for the gcsr tolerance and depth analyses below.
rc::ExperimentRuns accuracy_runs(const rc::Experiment* e, const std::vector<std::vector<double>>& acc) {
  rc::ExperimentRuns runs{e, {}};
  for (std::size_t a = 0; a < acc.size(); ++a) {
    std::vector<rc::RunRecord> arm;
    for (std::size_t s = 0; s < acc[a].size(); ++s) {
      rc::RunRecord r;
      r.arm = e->arms[a].name, r.seed = s + 1;
      r.history = nlohmann::json::array({{{"test_accuracy", 0.5}, {"regularized_steps", 3}, {"steps", 10}, {"sparsity", 0.1}},
                                         {{"test_accuracy", acc[a][s]}, {"regularized_steps", 5}, {"steps", 10}, {"sparsity", 0.2}}});
      r.final = r.history.back();
      arm.push_back(r);
    }
    runs.by_arm.push_back(arm);
  }
  return runs;
}
}  // namespace

// gcsr.fig1.tolerance by hand. Arms none, l1-1e-3, l1-2e-2, delayed-2e-2, delayed-1e-1, gated-1e-1:
// {0.95, 0.96, 0.97}, {0.96, 0.96, 0.99}, {0.08, 0.10, 0.12}, {0.80, 0.90, 0.85}, {0.10, 0.09, 0.11},
// {0.95, 0.96, 0.97}; L2 arms l2-3e-3, l2-3e-2, delayed-l2-3e-2: {0.93, 0.94, 0.92}, {0.09, 0.11,
// 0.07}, {0.60, 0.70, 0.65}. Paired means: rise {0.01, 0, 0.02} -> 0.01; drop {0.88, 0.86, 0.87} ->
// 0.87; chance band mean 0.10 in [0.05, 0.15]; delayed - L1 {0.72, 0.80, 0.73} -> 0.75; delayed 2e-2
// - 1e-1 {0.70, 0.81, 0.74} -> 0.75; gated - delayed {0.85, 0.87, 0.86} -> 0.86; L2 drop {0.84,
// 0.83, 0.85} -> 0.84; L2 chance mean 0.09; delayed L2 - L2 {0.51, 0.59, 0.58} -> 0.56. Imposed
// steps: (3 + 5) / (10 + 10) = 0.4 per seed. Tolerance 1e-12: sums of three values <= 1.
TEST(ReproduceExperiment, ToleranceAnalysisByHand) {
  const rc::Experiment* e = rc::all_experiments().find("gcsr.fig1.tolerance");
  ASSERT_TRUE(e);
  ASSERT_EQ(e->arms.size(), 9u);
  const auto runs = accuracy_runs(e, {{0.95, 0.96, 0.97}, {0.96, 0.96, 0.99}, {0.08, 0.10, 0.12}, {0.80, 0.90, 0.85}, {0.10, 0.09, 0.11},
                                      {0.95, 0.96, 0.97}, {0.93, 0.94, 0.92}, {0.09, 0.11, 0.07}, {0.60, 0.70, 0.65}});
  const std::vector<rc::TestRow> rows = e->analyze(runs);
  ASSERT_EQ(rows.size(), 10u);
  EXPECT_NEAR(*rows[0].effect, 0.01, 1e-12);
  EXPECT_NEAR(*rows[1].effect, 0.87, 1e-12);
  EXPECT_NEAR(*rows[2].measured, 0.10, 1e-12);
  EXPECT_DOUBLE_EQ(*rows[2].band_lo, 0.05);  // 0.1 -+ 0.05 in double: within 4 ulps of the decimal
  EXPECT_DOUBLE_EQ(*rows[2].band_hi, 0.15);
  EXPECT_NEAR(*rows[3].effect, 0.75, 1e-12);
  EXPECT_NEAR(*rows[4].effect, 0.75, 1e-12);
  EXPECT_NEAR(*rows[5].effect, 0.86, 1e-12);
  EXPECT_NEAR(*rows[6].effect, 0.84, 1e-12);
  EXPECT_NEAR(*rows[7].measured, 0.09, 1e-12);
  EXPECT_NEAR(*rows[8].effect, 0.56, 1e-12);
  for (int i = 0; i < 9; ++i) EXPECT_TRUE(rows[i].in_family) << i;
  EXPECT_FALSE(rows[9].in_family);
  EXPECT_DOUBLE_EQ(*rows[9].measured, 0.4);
}

// gcsr.fig7.depth by hand. Arms depth5-3e-3, depth3-3e-3, depth3-3e-2, depth1-3e-2, depth5-none:
// {0.08, 0.10, 0.12} (mean 0.10), {0.95, 0.96, 0.97} (paired d {0.87, 0.86, 0.85} -> 0.86),
// {0.09, 0.10, 0.08} (mean 0.09), {0.90, 0.88, 0.89} (d {0.81, 0.78, 0.81} -> 0.80), control
// {0.70, 0.80, 0.75}: mean 0.75, CI 0.75 -+ t(0.975, 2) 0.05 / sqrt(3) = [0.6258, 0.8742], above 0.15.
TEST(ReproduceExperiment, DepthAnalysisByHand) {
  const rc::Experiment* e = rc::all_experiments().find("gcsr.fig7.depth");
  ASSERT_TRUE(e);
  ASSERT_EQ(e->arms.size(), 5u);
  const auto runs = accuracy_runs(e, {{0.08, 0.10, 0.12}, {0.95, 0.96, 0.97}, {0.09, 0.10, 0.08}, {0.90, 0.88, 0.89}, {0.70, 0.80, 0.75}});
  const std::vector<rc::TestRow> rows = e->analyze(runs);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_NEAR(*rows[0].measured, 0.10, 1e-12);
  EXPECT_NEAR(*rows[1].effect, 0.86, 1e-12);
  EXPECT_NEAR(*rows[2].measured, 0.09, 1e-12);
  EXPECT_NEAR(*rows[3].effect, 0.80, 1e-12);
  EXPECT_NEAR(*rows[4].measured, 0.75, 1e-12);
  EXPECT_NEAR(*rows[4].measured_ci_lo, 0.75 - 4.3026527297494639 * 0.05 / std::sqrt(3.0), 1e-12);  // t(0.975, 2) = 0.95 sqrt(2 / 0.0975) exactly
  EXPECT_EQ(rows[4].verdict, Verdict::Holds);
  EXPECT_FALSE(rows[4].in_family);
}

// dropact.fig2.p-sweep's analysis on hand-made test accuracies (3 seeds x 9 p) against numpy
// and scipy: tests/data/stats/psweep_reference.py (numpy.polyfit of the per-seed quadratic in
// u = p - 0.8, scipy.stats.ttest_1samp one-sided) printed the means and p-values below.
// Tolerances: the errors are 100 (1 - acc) with acc rounded to double (~1e-14 each), and the slope
// contrasts weigh them by up to ~1/h^2 = 400 (h = 0.05): 1e-9 absolute on the means is a safe
// bound on both computations' rounding; p-values 1e-9 relative (Student-t cdf to ~1e-14).
TEST(ReproduceExperiment, PSweepAnalysisAgainstNumpy) {
  const rc::Experiment* e = rc::all_experiments().find("dropact.fig2.p-sweep");
  ASSERT_TRUE(e);
  ASSERT_EQ(e->arms.size(), 9u);
  const double acc[3][9] = {{0.80, 0.82, 0.84, 0.85, 0.86, 0.87, 0.88, 0.89, 0.87},
                            {0.81, 0.81, 0.83, 0.86, 0.85, 0.88, 0.87, 0.90, 0.88},
                            {0.79, 0.83, 0.84, 0.84, 0.87, 0.86, 0.89, 0.88, 0.89}};
  rc::ExperimentRuns runs{e, {}};
  for (std::size_t i = 0; i < 9; ++i) {
    runs.by_arm.emplace_back();
    for (std::uint64_t s = 0; s < 3; ++s) {
      rc::RunRecord r;
      r.arm = e->arms[i].name, r.seed = s + 1;
      r.final = {{"test_accuracy", acc[s][i]}};
      r.history = nlohmann::json::array({r.final});
      runs.by_arm.back().push_back(r);
    }
  }
  const std::vector<rc::TestRow> rows = e->analyze(runs);
  ASSERT_EQ(rows.size(), 5u);
  const double mean[4] = {1.0000000000000007, 16.186147186147252, -1.0779220779222694, 50.36075036074993};
  const double p[4] = {0.21132486540518725, 0.003940909194141697, 0.6041860459869584, 0.010142508934414242};
  for (int j = 0; j < 4; ++j) {
    EXPECT_EQ(rows[j].kind, "paired") << rows[j].name;
    EXPECT_NEAR(*rows[j].effect, mean[j], 1e-9) << rows[j].name;
    EXPECT_NEAR(*rows[j].p_value, p[j], 1e-9 * p[j]) << rows[j].name;
    EXPECT_EQ(rows[j].in_family, j < 3) << rows[j].name;  // the curvature is implied by the two slopes: reported
  }
  EXPECT_EQ(rows[4].kind, "descriptive");
  EXPECT_DOUBLE_EQ(*rows[4].measured, 0.95);  // argmin of the mean curve (numpy: 0.95, fitted vertex 1.0107)
  EXPECT_NE(rows[4].detail.find("vertex p = 1.011"), std::string::npos) << rows[4].detail;
}

// dropact.tab1-4.vs-rrelu's analysis by hand (3 seeds). digits: ReLU {0.95, 0.955, 0.94}, RReLU
// {0.94, 0.95, 0.95}, DA {0.96, 0.97, 0.95}; fashion: ReLU {0.80, 0.82, 0.81}, RReLU {0.79, 0.80,
// 0.83}, DA {0.81, 0.83, 0.80}. Error gaps in percent, err(X) - err(DA) = 100 (acc(DA) - acc(X)):
// digits RReLU {2, 2, 0} (mean 4/3), ReLU {1, 1.5, 1} (mean 7/6); fashion RReLU {2, 3, -3}
// (mean 2/3), ReLU {1, 1, -1} (mean 1/3). Tolerance 1e-12: sums of three values of order 1.
TEST(ReproduceExperiment, VsRReluAnalysisByHand) {
  const rc::Experiment* e = rc::all_experiments().find("dropact.tab1-4.vs-rrelu");
  ASSERT_TRUE(e);
  const std::vector<std::pair<std::string, std::vector<double>>> acc = {
      {"digits-relu", {0.95, 0.955, 0.94}}, {"digits-rrelu", {0.94, 0.95, 0.95}}, {"digits-drop-activation", {0.96, 0.97, 0.95}},
      {"fashion-relu", {0.80, 0.82, 0.81}}, {"fashion-rrelu", {0.79, 0.80, 0.83}}, {"fashion-drop-activation", {0.81, 0.83, 0.80}}};
  ASSERT_EQ(e->arms.size(), acc.size());
  rc::ExperimentRuns runs{e, {}};
  for (std::size_t i = 0; i < acc.size(); ++i) {
    ASSERT_EQ(e->arms[i].name, acc[i].first);
    runs.by_arm.emplace_back();
    for (std::size_t s = 0; s < 3; ++s) {
      rc::RunRecord r;
      r.arm = acc[i].first, r.seed = s + 1;
      r.final = {{"test_accuracy", acc[i].second[s]}};
      r.history = nlohmann::json::array({r.final});
      runs.by_arm.back().push_back(r);
    }
  }
  const std::vector<rc::TestRow> rows = e->analyze(runs);
  ASSERT_EQ(rows.size(), 4u);
  const double mean[4] = {4.0 / 3.0, 2.0 / 3.0, 7.0 / 6.0, 1.0 / 3.0};
  for (int j = 0; j < 4; ++j) {
    EXPECT_NEAR(*rows[j].effect, mean[j], 1e-12) << rows[j].name;
    EXPECT_EQ(rows[j].in_family, j < 2) << rows[j].name;  // DA vs ReLU: "most settings", reported
  }
}

// ---- errors that must be raised ----

TEST(ReproduceErrors, MisuseThrows) {
  EXPECT_THROW(rc::parse_scale("huge"), std::invalid_argument);
  EXPECT_THROW(rc::one_sample_detectable(1, 1, 0.05, 0.8), std::invalid_argument);
  EXPECT_THROW(rc::one_sample_detectable(10, 0, 0.05, 0.8), std::invalid_argument);
  EXPECT_THROW(rc::one_sample_detectable(10, 1, 0.05, 0.01), std::invalid_argument);
  const std::vector<double> x{1, 2, 3}, c{1, 1, 1}, bad{1, NAN, 3};
  EXPECT_THROW(rc::band_row("b", "h", x, 2, 1, {}, "t"), std::invalid_argument);    // empty band
  EXPECT_THROW(rc::band_row("b", "h", c, 0, 2, {}, "t"), std::invalid_argument);    // no spread
  EXPECT_THROW(rc::welch_row("w", "h", bad, x, +1), std::invalid_argument);         // NaN metric
  EXPECT_THROW(rc::sha256_file("/nonexistent/file"), std::invalid_argument);
  const rc::Experiment* e = rc::all_experiments().find("dropact.fig6.bn-shift");
  EXPECT_THROW(rc::run_config(*e, e->arms[1], rc::Scale::Smoke, nlohmann::json{{"model", {{"layers", nlohmann::json::array()}}}}, 1),
               std::invalid_argument);  // the arm's patch does not apply
  rc::ExperimentRegistry r;
  EXPECT_THROW(r.add(rc::Experiment{}), std::invalid_argument);
  // dropact.tab1-4.vs-rrelu on arms with equal accuracies: every paired gap is 0, no t test is
  // defined (the claim reports ERROR); an arm with fewer seeds than its partner cannot be paired
  // (the message names both arms and counts).
  const rc::Experiment* v = rc::all_experiments().find("dropact.tab1-4.vs-rrelu");
  rc::ExperimentRuns flat{v, {}};
  for (const auto& arm : v->arms) {
    flat.by_arm.emplace_back();
    for (std::uint64_t s = 1; s <= 3; ++s) {
      rc::RunRecord run;
      run.arm = arm.name, run.seed = s, run.final = {{"test_accuracy", 0.9}};
      flat.by_arm.back().push_back(run);
    }
  }
  EXPECT_THROW(v->analyze(flat), std::invalid_argument);
  flat.by_arm[2].pop_back();
  try {
    v->analyze(flat);
    ADD_FAILURE() << "unequal seed counts accepted";
  } catch (const std::invalid_argument& ex) {
    EXPECT_NE(std::string(ex.what()).find("arm 'digits-drop-activation' has 2:"), std::string::npos) << ex.what();
  }
  const rc::Experiment* ps = rc::all_experiments().find("dropact.fig2.p-sweep");
  rc::ExperimentRuns short_sweep{ps, {}};
  for (std::size_t i = 0; i < ps->arms.size(); ++i) {
    short_sweep.by_arm.emplace_back();
    for (std::uint64_t s = 1; s <= (i == 4 ? 2u : 3u); ++s) {
      rc::RunRecord run;
      run.arm = ps->arms[i].name, run.seed = s, run.final = {{"test_accuracy", 0.8 + 0.01 * static_cast<double>(s * i % 5)}};
      short_sweep.by_arm.back().push_back(run);
    }
  }
  EXPECT_THROW(ps->analyze(short_sweep), std::invalid_argument);  // arm p=0.80 has 2 runs, the others 3
  // The quadratic arm: no probe, a singular X^T X, eta lambda_max >= 1, one seed.
  namespace dl = regcheck::claims::dlbook;
  rc::RunRecord no_probe = quadratic_run(1, 0, 0);
  no_probe.final.erase("weights_probe.w.0");
  EXPECT_THROW(dl::quadratic_directions(no_probe), std::invalid_argument);
  rc::RunRecord singular = quadratic_run(1, 0, 0);
  singular.final["weights_probe.gram.3"] = 0.0;
  try {
    dl::quadratic_directions(singular);
    ADD_FAILURE() << "singular X^T X accepted";
  } catch (const std::invalid_argument& ex) {
    EXPECT_NE(std::string(ex.what()).find("X^T X / n has eigenvalue 0"), std::string::npos) << ex.what();
  }
  rc::RunRecord steep = quadratic_run(1, 0, 0);
  steep.final["lr"] = 0.5;  // eta lambda_max = 1
  EXPECT_THROW(dl::quadratic_directions(steep), std::invalid_argument);
  EXPECT_THROW(dl::quadratic_rows({quadratic_run(1, 0, 0)}), std::invalid_argument);
}

// Expected verdicts are those of the full run of a scale. A subset of the IDs has a smaller Holm
// family, which can only turn INCONCLUSIVE into HOLDS (never the reverse, never into FAILS);
// other seed counts and unmeasured expectations are not compared.
TEST(ReproduceVerdicts, ExpectationComparison) {
  using X = rc::Expectation;
  rc::ClaimReport c;
  c.verdict = Verdict::Holds, c.expected = Verdict::Holds;
  EXPECT_EQ(rc::check_expectation(c, true, true), X::Met);
  EXPECT_EQ(rc::check_expectation(c, false, true), X::Met);
  EXPECT_EQ(rc::check_expectation(c, true, false), X::OtherSeeds);
  c.expected = Verdict::Inconclusive;
  EXPECT_EQ(rc::check_expectation(c, true, true), X::Mismatch);        // the full run must reproduce it
  EXPECT_EQ(rc::check_expectation(c, false, true), X::SmallerFamily);  // a subset may pass more rows
  c.verdict = Verdict::Fails;
  EXPECT_EQ(rc::check_expectation(c, false, true), X::Mismatch);  // FAILS does not depend on the family
  c.verdict = Verdict::Inconclusive, c.expected = Verdict::Holds;
  EXPECT_EQ(rc::check_expectation(c, false, true), X::Mismatch);  // a smaller family never loses a HOLDS
  c.expected = std::nullopt;
  EXPECT_EQ(rc::check_expectation(c, true, true), X::NotMeasured);
  EXPECT_NE(rc::describe(X::NotMeasured, c).find("not measured"), std::string::npos);
  c.expected = Verdict::Holds;
  EXPECT_NE(rc::describe(X::Mismatch, c).find("MISMATCH"), std::string::npos);
  // The two paper-scale designs not yet run have no expectation (never a guessed verdict).
  EXPECT_FALSE(rc::all_experiments().find("dropact.fig2.p-sweep")->plan(rc::Scale::Paper).expected.has_value());
  EXPECT_FALSE(rc::all_experiments().find("dropact.tab1-4.vs-rrelu")->plan(rc::Scale::Paper).expected.has_value());
}

TEST(ReproduceErrors, SchemaMismatchIsRefusedAndTheStoreUntouched) {
  const fs::path p = temp_path("schema.sqlite");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(p.c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "CREATE TABLE schema_version(version INTEGER); INSERT INTO schema_version VALUES(99);", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  const std::string before = slurp(p);
  try {
    rc::ResultsStore::check_compatible(p.string());
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("schema version 99"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("version 1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(rc::ResultsStore s(p.string()), std::invalid_argument);
  EXPECT_EQ(slurp(p), before);
  // Not a database at all.
  const fs::path q = temp_path("text.sqlite");
  std::ofstream(q) << "this is not a database, just text long enough to have a header of sorts........";
  EXPECT_THROW(rc::ResultsStore::check_compatible(q.string()), std::invalid_argument);
  fs::remove(p), fs::remove(q);
}
