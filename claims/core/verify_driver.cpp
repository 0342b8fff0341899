// The verify driver (verify_driver.hpp): moved here from app/verify_command.cpp so that the CLI
// and a user's program of their own claims share one implementation.
#include "claims/core/verify_driver.hpp"

#include "claims/core/engine_known_answers.hpp"
#include "sim/calibration.hpp"

#include <Eigen/Core>
#include <boost/version.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace regcheck::claims {

namespace {

// The program's file name, for messages: "own_claims" of "./build/own_claims".
std::string fs_name(const char* argv0) { return std::filesystem::path(argv0).filename().string(); }

void write_json(const VerifyOptions& o, const nlohmann::json& doc) {
  const std::string text = doc.dump(2) + "\n";
  if (o.write_file) o.write_file(o.json, text);
  else write_file_atomically(o.json, text);
}

// Each power self-test misses with probability 1 - power = 0.01 by design; the run's count of
// misses is flagged when above this upper tail quantile of Binomial(k, 0.01).
constexpr double kSelfCheckLevel = 1e-6;
// --calibrate: a rate is "inconsistent" when its Clopper-Pearson interval at 1 - this level
// excludes the nominal rate; sizes are stated for catching a 2x error with this power.
constexpr double kCalibrationLevel = 1e-3;
constexpr double kCalibrationPower = 0.99;

std::string fmt_num(const std::optional<double>& v) { return v ? fmt::format("{:.6g}", *v) : std::string("-"); }

std::string estimate_cell(const ClaimResult& r) {
  if (r.estimate && r.ci_lo && r.ci_hi) return fmt::format("{:.6g} [{:.6g}, {:.6g}]", *r.estimate, *r.ci_lo, *r.ci_hi);
  if (r.error_to_tolerance) return fmt::format("err/tol {:.3g}", *r.error_to_tolerance);
  return fmt_num(r.estimate);
}

std::string detectable_cell(const std::optional<WorstDetectable>& w) {
  if (!w) return "-";
  return fmt::format("{:.2g}{}{}", w->d.value, w->d.absolute ? " abs" : "", w->d.score() > 1 ? " !" : "");
}

CheckContext::Power parse_power(const std::string& s) {
  return s == "high" ? CheckContext::Power::High : CheckContext::Power::Default;
}

}  // namespace

nlohmann::json build_versions() {
  return {{"regcheck", REGCHECK_VERSION},
          {"eigen", fmt::format("{}.{}.{}", EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION)},
          {"boost", fmt::format("{}.{}.{}", BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100)},
          {"compiler", __VERSION__},
          {"openmp", _OPENMP}};
}

std::vector<const Claim*> select_claims(const Registry& reg, const VerifyOptions& o) {
  std::vector<const Claim*> selected;
  std::set<std::string> ids(o.claim_ids.begin(), o.claim_ids.end());
  for (const std::string& id : ids)
    if (!reg.find(id)) throw std::invalid_argument(fmt::format("--claim: unknown claim ID '{}' (see '{}')", id, o.list_hint));
  for (const Claim& c : reg.claims()) {
    const bool by_id = ids.empty() || ids.count(c.id);
    const bool by_source = o.sources.empty() || std::find(o.sources.begin(), o.sources.end(), c.source) != o.sources.end();
    if (by_id && by_source) selected.push_back(&c);
  }
  return selected;
}

namespace {
// put's inverse: a number, or the string of a non-finite one.
template <class T>
void get(const nlohmann::json& j, const char* key, std::optional<T>& v) {
  v.reset();
  const auto it = j.find(key);
  if (it == j.end()) return;
  if constexpr (std::is_floating_point_v<T>) {
    if (it->is_string()) {
      const std::string s = it->get<std::string>();
      if (s == "nan") v = std::numeric_limits<T>::quiet_NaN();
      else if (s == "inf" || s == "-inf") v = s == "inf" ? INFINITY : -INFINITY;
      else throw std::invalid_argument(fmt::format("from_json: '{}' is '{}' (allowed: a number, \"nan\", \"inf\", \"-inf\")", key, s));
      return;
    }
  }
  v = it->get<T>();
}
std::string get_text(const nlohmann::json& j, const char* key) { return j.contains(key) ? j.at(key).get<std::string>() : std::string(); }
}  // namespace

void from_json(const nlohmann::json& j, CheckRecord& c) {
  c.name = j.at("name").get<std::string>();
  c.method = j.at("method").get<std::string>();
  get(j, "theory", c.theory);
  get(j, "estimate", c.estimate);
  get(j, "ci_lo", c.ci_lo);
  get(j, "ci_hi", c.ci_hi);
  get(j, "max_error", c.max_error);
  get(j, "tolerance", c.tolerance);
  get(j, "detectable_deviation", c.detectable_deviation);
  get(j, "resolution", c.resolution);
  get(j, "bias_bound", c.bias_bound);
  get(j, "alpha", c.alpha);
  get(j, "n", c.n);
  c.verdict = sim::parse_verdict(j.at("verdict").get<std::string>());
  c.detail = get_text(j, "detail");
}

void from_json(const nlohmann::json& j, ClaimResult& r) {
  r.id = j.at("id").get<std::string>();
  r.source = j.at("source").get<std::string>();
  r.method = j.at("method").get<std::string>();
  r.statement = j.at("statement").get<std::string>();
  get(j, "theory", r.theory);
  r.theory_text = get_text(j, "theory_text");
  get(j, "estimate", r.estimate);
  get(j, "ci_lo", r.ci_lo);
  get(j, "ci_hi", r.ci_hi);
  get(j, "max_error", r.max_error);
  get(j, "error_to_tolerance", r.error_to_tolerance);
  get(j, "detectable_deviation", r.detectable_deviation);
  r.verdict = sim::parse_verdict(j.at("verdict").get<std::string>());
  r.expected = sim::parse_verdict(j.at("expected").get<std::string>());
  r.alpha = j.at("alpha").get<double>();
  r.seconds = j.at("seconds").get<double>();
  r.counterexample = get_text(j, "counterexample");
  r.finding = get_text(j, "finding");
  r.checks.clear();
  for (const nlohmann::json& c : j.at("checks")) r.checks.push_back(c.get<CheckRecord>());
  r.extra = j.contains("extra") ? j.at("extra") : nlohmann::json::object();
}

std::vector<std::size_t> claim_order(const std::vector<const Claim*>& selected, const CheckContext& ctx,
                                     const std::function<double(const Claim&, const CheckContext&)>& cost) {
  std::vector<double> estimate(selected.size());
  std::vector<std::size_t> order(selected.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
    estimate[i] = cost ? cost(*selected[i], ctx) : selected[i]->mc_tests;
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return estimate[a] > estimate[b]; });
  return order;
}

CheckContext verify_context(const Registry& reg, const VerifyOptions& o) {
  if (o.threads && !(*o.threads >= 1 && *o.threads <= 256))
    throw std::invalid_argument(fmt::format("--threads: value {} is out of range (allowed: 1..256)", *o.threads));
  // From 1e-300 every share of alpha (Bonferroni, the two tails) stays a normal double.
  if (!(o.alpha >= 1e-300 && o.alpha <= 0.5))
    throw std::invalid_argument(fmt::format("--alpha: value {} is out of range (allowed: 1e-300 <= alpha <= 0.5)", o.alpha));
  if (o.power != "default" && o.power != "high")
    throw std::invalid_argument(fmt::format("--power: value '{}' is not allowed (allowed: default, high)", o.power));
  CheckContext ctx;
  ctx.seed = o.seed;
  ctx.threads = o.threads ? *o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  ctx.power = parse_power(o.power);
  ctx.alpha_total = o.alpha;
  ctx.alpha_per_test = o.alpha / std::max(1, reg.total_mc_tests());
  return ctx;
}

int run_verify(const Registry& reg, const VerifyOptions& o, const std::vector<const Claim*>& selected) {
  const CheckContext ctx = verify_context(reg, o);
  // Bonferroni: every Monte Carlo test of the registry gets alpha / (their total number), so the
  // family-wise false-FAIL probability is <= alpha whichever claims run. The split itself is one of
  // the engine's known-answer tests below; each claim's count is checked against its records by
  // Registry::run (check_bonferroni_accounting).
  const int total = reg.total_mc_tests();
  const double target = ctx.target_relative_resolution();
  const VerifyOptions::Executor& ex = o.executor;
  const auto run_one = [&](std::size_t i) { return to_json(reg.run(*selected.at(i), ctx)); };
  if (ex.execute && !ex.reports) {  // a worker: runs what it is given, reports nothing
    ex.execute(claim_order(selected, ctx, ex.cost), run_one, [](std::size_t, nlohmann::json&&) {});
    return 0;
  }
  // Engine known-answer tests (claims/core/engine_known_answers.hpp), before the claims: a failure
  // names the function, input, expected and got; the claims still run (their rows are then not to
  // be trusted) and verify exits 3, the engine self-check's code.
  const auto kat_start = std::chrono::steady_clock::now();
  const std::vector<KnownAnswer> kats = engine_known_answers(reg, ctx);
  const double kat_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - kat_start).count();
  int kat_agree = 0;
  nlohmann::json kat_failed = nlohmann::json::array();
  for (const KnownAnswer& k : kats) {
    kat_agree += k.agree;
    if (!k.agree) {
      fmt::print("engine known-answer test FAILED: {}\n", describe(k));
      kat_failed.push_back({{"function", k.function}, {"input", k.input}, {"expected", k.expected}, {"got", k.got},
                            {"tolerance", k.tolerance}, {"source", k.source}});
    }
  }
  const bool kat_ok = kat_agree == static_cast<int>(kats.size());
  fmt::print("engine known-answer tests: {} of {} agree{} ({:.0f} ms)\n", kat_agree, kats.size(), kat_ok ? "" : " (FAILED)",
             kat_ms);

  fmt::print("regcheck verify: {} claims, seed {}, threads {}, family-wise alpha {:g} ({:.3g} per Monte Carlo test, Bonferroni over {})\n",
             selected.size(), ctx.seed, ctx.threads, ctx.alpha_total, ctx.alpha_per_test, total);
  fmt::print("power {}: each Monte Carlo sub-check must detect a deviation of {:g} x |theory| at power {:g}\n", o.power, target,
             ctx.power_level);
  if (ex.execute && ex.ranks > 1)
    fmt::print("{} processes x {} threads; claims handed out longest first, rows in registry order\n", ex.ranks, ctx.threads);
  fmt::print("{:<40} {:<28} {:<12} {:<36} {:<13} {:<11} {:>8}\n", "ID", "method", "theory", "estimate [CI] / worst err/tol",
             "verdict", "rel. detect", "seconds");
  nlohmann::json results = nlohmann::json::array();
  int mismatches = 0;
  std::map<std::string, int> counts;
  std::optional<WorstDetectable> worst;
  std::string worst_id;
  int missing_target = 0, self_tests = 0, self_missed = 0;
  const auto report = [&](const Claim* c, const ClaimResult& r) {
    const bool ok = r.verdict == r.expected;
    mismatches += !ok;
    ++counts[sim::to_string(r.verdict)];
    std::string verdict = sim::to_string(r.verdict);
    if (!ok) verdict += fmt::format(" (expected {})", sim::to_string(r.expected));
    else if (r.verdict != sim::Verdict::Holds) verdict += " (expected)";
    const auto w = worst_detectable(r, target);
    if (w && (!worst || !(w->d.score() <= worst->d.score()))) {
      worst = w;
      worst_id = r.id;
    }
    for (const auto& ch : r.checks) {
      if (ch.method == "monte-carlo") {
        const auto d = relative_detectable(ch, target);
        missing_target += d && !(d->score() <= 1);
      }
      // The self-tests' miss probability is 1 - power only where the theory value is the truth,
      // i.e. for claims expected to hold; a claim expected to fail has no such guarantee.
      if (ch.method == "power-self-test" && c->expected == sim::Verdict::Holds) {
        ++self_tests;
        self_missed += ch.verdict != sim::Verdict::Holds;
      }
    }
    fmt::print("{:<40} {:<28} {:<12} {:<36} {:<13} {:<11} {:>8.2f}\n", r.id, r.method.substr(0, 28),
               r.theory ? fmt_num(r.theory) : r.theory_text.substr(0, 12), estimate_cell(r), verdict, detectable_cell(w),
               r.seconds);
    if (r.verdict == sim::Verdict::Fails && !r.counterexample.empty()) fmt::print("    counterexample: {}\n", r.counterexample);
    if (r.verdict == sim::Verdict::Error)
      for (const auto& ch : r.checks)
        if (ch.verdict == sim::Verdict::Error) fmt::print("    error: {}\n", ch.detail);
    std::fflush(stdout);
    results.push_back(to_json(r));
  };
  if (!ex.execute) {
    for (const Claim* c : selected) report(c, reg.run(*c, ctx));
  } else {
    std::vector<std::optional<ClaimResult>> done(selected.size());
    std::size_t next = 0;  // the first claim not yet reported
    ex.execute(claim_order(selected, ctx, ex.cost), run_one, [&](std::size_t i, nlohmann::json&& j) {
      done.at(i) = j.get<ClaimResult>();
      for (; next < done.size() && done[next]; ++next) report(selected[next], *done[next]);
    });
    if (next != selected.size())
      throw std::logic_error(fmt::format("verify executor returned {} of {} claims", next, selected.size()));
  }
  fmt::print("summary: {} HOLDS, {} FAILS, {} INCONCLUSIVE, {} ERROR; {} verdict(s) differ from the registry's expectation\n",
             counts["HOLDS"], counts["FAILS"], counts["INCONCLUSIVE"], counts["ERROR"], mismatches);
  nlohmann::json worst_json;
  if (worst) {
    fmt::print("worst detectable deviation: {:.3g} {} (target {:g}) at {} / {}; {} Monte Carlo sub-check(s) above their target\n",
               worst->d.value, worst->d.absolute ? "absolute (theory 0)" : "relative", worst->d.target, worst_id,
               worst->check, missing_target);
    worst_json = {{"claim", worst_id}, {"check", worst->check}, {"value", worst->d.value},
                  {"absolute", worst->d.absolute}, {"above_target", missing_target}};
    if (std::isfinite(worst->d.target)) worst_json["target"] = worst->d.target;
  } else {
    fmt::print("worst detectable deviation: - (no Monte Carlo sub-check ran)\n");
  }
  // Engine self-check: each self-test misses with probability 1 - power, independently (own
  // streams), so the count is Binomial(k, 0.01); more than its 1e-6 upper quantile means the
  // engine's tests do not have the power they report.
  const std::uint64_t allowed = sim::binomial_upper_limit(static_cast<std::uint64_t>(self_tests), 1 - ctx.power_level, kSelfCheckLevel);
  const bool self_ok = static_cast<std::uint64_t>(self_missed) <= allowed;
  if (self_ok)
    fmt::print("engine self-check: {} of {} power self-tests missed (Binomial({}, {:g}) allows <= {} at {:g})\n", self_missed,
               self_tests, self_tests, 1 - ctx.power_level, allowed, kSelfCheckLevel);
  else
    fmt::print("engine self-check FAILED: {} of {} power self-tests missed (Binomial({}, {:g}) allows <= {} at {:g})\n",
               self_missed, self_tests, self_tests, 1 - ctx.power_level, allowed, kSelfCheckLevel);
  if (!o.json.empty()) {
    nlohmann::json doc;
    doc["tool"] = "regcheck verify";
    doc["seed"] = ctx.seed;
    doc["threads"] = ctx.threads;
    doc["alpha"] = ctx.alpha_total;
    doc["alpha_per_test"] = ctx.alpha_per_test;
    doc["mc_tests_total"] = total;
    doc["power"] = o.power;
    doc["target_relative_resolution"] = target;
    doc["worst_detectable"] = worst_json;
    doc["versions"] = build_versions();
    doc["claims"] = results;
    doc["summary"] = {{"holds", counts["HOLDS"]}, {"fails", counts["FAILS"]}, {"inconclusive", counts["INCONCLUSIVE"]},
                      {"error", counts["ERROR"]}, {"mismatches", mismatches}};
    doc["engine_self_check"] = {{"power_self_tests", self_tests}, {"missed", self_missed}, {"allowed", allowed},
                                {"level", kSelfCheckLevel}, {"passed", self_ok && kat_ok},
                                {"known_answers", {{"total", kats.size()}, {"agree", kat_agree}, {"failed", kat_failed}}}};
    write_json(o, doc);
  }
  if (!self_ok || !kat_ok) return 3;
  return mismatches == 0 ? 0 : 1;
}

// One observed rate of --calibrate against its nominal value. upper_only: only a rate above the
// nominal one is an error (the power self-test miss rate: the detectable deviation promises AT
// LEAST the stated power; RQMC replicate means have lighter tails than normal, so their estimated
// se varies less than the chi distribution the multiplier assumes and they miss less often than
// nominal, e.g. 0.064 for 0.1; that is reported as "conservative", not as an inconsistency).
namespace {

nlohmann::json rate_report(const std::string& what, std::uint64_t events, std::uint64_t trials, double nominal, bool* consistent,
                           bool upper_only = false) {
  nlohmann::json j = {{"events", events}, {"trials", trials}, {"nominal", nominal}};
  const std::uint64_t need = sim::trials_to_detect(nominal, 2.0, kCalibrationLevel, kCalibrationPower);
  j["trials_to_catch_2x"] = need;
  if (trials == 0) {
    fmt::print("{}: no trials (no claim expected to hold has a Monte Carlo test in the selection)\n", what);
    j["consistent"] = nullptr;
    return j;
  }
  const sim::RateInterval ci = sim::clopper_pearson(events, trials, kCalibrationLevel);
  *consistent = ci.lo <= nominal && (upper_only || nominal <= ci.hi);
  const bool conservative = upper_only && ci.hi < nominal;
  const double rate = static_cast<double>(events) / static_cast<double>(trials);
  fmt::print("{}: {} / {} = {:.4f}, Clopper-Pearson {:g}% CI [{:.4f}, {:.4f}], nominal {:g}: {} at level {:g} "
             "({} trials catch a 2x error with power {:g}{})\n",
             what, events, trials, rate, 100 * (1 - kCalibrationLevel), ci.lo, ci.hi, nominal,
             !*consistent ? "inconsistent" : conservative ? "consistent (conservative: below nominal)" : "consistent",
             kCalibrationLevel, need, kCalibrationPower,
             trials >= need ? "; this run has enough" : "; this run has fewer");
  j.update({{"rate", rate}, {"ci_lo", ci.lo}, {"ci_hi", ci.hi}, {"consistent", *consistent}, {"conservative", conservative},
            {"one_sided", upper_only}});
  return j;
}

}  // namespace

// Simulation-based calibration: the selected claims for seeds seed .. seed + N - 1, each Monte
// Carlo test at the raised level --calibrate-alpha and power --calibrate-power, samples scaled by
// --calibrate-fraction. Over claims expected to hold (theory = truth), a test's FAILS is a false
// FAIL (nominal rate alpha) and a power self-test's detection has nominal rate `power`. The
// tests of one seed may share draws (common random numbers across a claim's sub-checks), so the
// trials are not all independent: the binomial interval is then somewhat too narrow, which can
// only make the verdict "inconsistent" more likely, never hide a miscalibration.
int run_calibrate(const Registry& reg, const VerifyOptions& o, const std::vector<const Claim*>& selected) {
  CheckContext ctx = verify_context(reg, o);
  const double miss = 1 - o.calibrate_power;
  // The test hook --calibrate-inject F runs the tests at F x the nominal rates (alpha, miss) while
  // comparing against the nominal ones: F = 2 must be reported inconsistent.
  ctx.alpha_per_test = o.calibrate_alpha * o.calibrate_inject;
  ctx.power_level = 1 - miss * o.calibrate_inject;
  ctx.sample_fraction = o.calibrate_fraction;
  fmt::print("regcheck verify --calibrate: {} claims x {} seeds from {}, alpha {:g} per test, power {:g}, sample fraction {:g} "
             "(floor {} samples; the rates are those of the smaller samples, asymptotically nominal){}\n",
             selected.size(), o.calibrate, o.seed, o.calibrate_alpha, o.calibrate_power, o.calibrate_fraction,
             CheckContext::kMinCalibrationSamples,
             o.calibrate_inject != 1 ? fmt::format("; TEST HOOK: tests run at {:g} x the nominal rates", o.calibrate_inject) : "");
  // ffb: false FAILs of tests with a stated bias bound B (the noise slopes' Richardson remainder):
  // they reject when |estimate - theory| > t se + B, so their rate is at most alpha and well
  // below it when the true bias is far below B; checked one-sided, apart from the exact-level tests.
  std::uint64_t ff = 0, ff_n = 0, ffb = 0, ffb_n = 0, det = 0, det_n = 0;
  int errors = 0;
  std::set<std::string> skipped;
  for (int k = 0; k < o.calibrate; ++k) {
    ctx.seed = o.seed + static_cast<std::uint64_t>(k);
    for (const Claim* c : selected) {
      if (c->expected != sim::Verdict::Holds) {
        skipped.insert(c->id);
        continue;
      }
      const ClaimResult r = reg.run(*c, ctx);
      if (r.verdict == sim::Verdict::Error) {
        ++errors;
        for (const auto& ch : r.checks)
          if (ch.verdict == sim::Verdict::Error) fmt::print("    error ({} seed {}): {}\n", c->id, ctx.seed, ch.detail);
        continue;
      }
      for (const auto& ch : r.checks) {
        if (ch.method == "monte-carlo" && ch.bias_bound) {
          ++ffb_n;
          ffb += ch.verdict == sim::Verdict::Fails;
        } else if (ch.method == "monte-carlo") {
          ++ff_n;
          ff += ch.verdict == sim::Verdict::Fails;
        } else if (ch.method == "power-self-test") {
          ++det_n;
          det += ch.verdict == sim::Verdict::Holds;
        }
      }
    }
  }
  if (!skipped.empty()) fmt::print("not counted (expected not to hold, theory != truth): {}\n", fmt::join(skipped, ", "));
  bool ok_a = true, ok_p = true;
  nlohmann::json doc;
  doc["false_fail"] = rate_report("false-FAIL rate", ff, ff_n, o.calibrate_alpha, &ok_a);
  if (ffb_n > 0) {
    bool ok_b = true;
    doc["false_fail_bias_bounded"] = rate_report("false-FAIL rate of tests with a stated bias bound (at most alpha)", ffb, ffb_n,
                                                 o.calibrate_alpha, &ok_b, /*upper_only=*/true);
    ok_a = ok_a && ok_b;
  }
  // Reported as the miss rate 1 - detection, so that "2x error" means the same as for alpha.
  doc["power_self_test_miss"] = rate_report("power self-test miss rate", det_n - det, det_n, miss, &ok_p, /*upper_only=*/true);
  fmt::print("power self-test detection rate: {} / {} (nominal {:g})\n", det, det_n, o.calibrate_power);
  if (errors) fmt::print("{} claim run(s) ended in ERROR\n", errors);
  if (!o.json.empty()) {
    doc["tool"] = "regcheck verify --calibrate";
    doc["seeds"] = o.calibrate;
    doc["first_seed"] = o.seed;
    doc["claims"] = nlohmann::json::array();
    for (const Claim* c : selected) doc["claims"].push_back(c->id);
    doc["alpha"] = o.calibrate_alpha;
    doc["power"] = o.calibrate_power;
    doc["sample_fraction"] = o.calibrate_fraction;
    doc["inject"] = o.calibrate_inject;
    doc["level"] = kCalibrationLevel;
    doc["errors"] = errors;
    doc["versions"] = build_versions();
    write_json(o, doc);
  }
  return ok_a && ok_p && errors == 0 ? 0 : 1;
}

void print_claim_list(const std::vector<const Claim*>& selected) {
  for (const Claim* c : selected)
    fmt::print("{:<36} {:<8} expected {:<6} {}\n", c->id, c->source, sim::to_string(c->expected), c->method);
}

void write_file_atomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  if (path.empty()) throw std::invalid_argument("write_file_atomically: empty path (allowed: a file path in a writable folder)");
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (fs::exists(st) && !fs::is_regular_file(st)) {
    if (fs::is_directory(st)) throw std::invalid_argument(fmt::format("cannot write '{}': it is a folder (allowed: a file path)", path));
    std::ofstream dev(path, std::ios::binary);  // a device or FIFO: written in place, never replaced
    if (!(dev << content) || !dev.flush()) throw std::invalid_argument(fmt::format("cannot write '{}'", path));
    return;
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw std::invalid_argument(fmt::format("cannot write '{}': cannot create '{}' (allowed: a file path in a writable folder)", path, tmp));
    if (!(f << content) || !f.flush()) {
      fs::remove(tmp, ec);
      throw std::invalid_argument(fmt::format("cannot write '{}' (disk full?)", path));
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw std::invalid_argument(fmt::format("cannot write '{}': rename failed", path));
  }
}

namespace {

// verify_main's usage error: printed as "<prog>: error: <message>", exit code 2.
struct MainUsage : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

std::string usage(const std::string& prog) {
  return fmt::format(
      "usage: {0} list\n"
      "       {0} verify [--claim ID]... [--source S]... [--seed N] [--threads N] [--alpha A] [--power default|high] [--json FILE]\n"
      "Exit codes: 0 every verdict as expected; 1 a verdict differs; 2 bad usage; 3 engine self-check failed.\n",
      prog);
}

// A whole-token number: no sign for unsigned, no trailing characters; MainUsage names the value.
template <class T>
T parse_value(const std::string& flag, const std::string& text, const char* allowed) {
  std::size_t used = 0;
  T v{};
  try {
    if constexpr (std::is_same_v<T, double>) v = std::stod(text, &used);
    else if constexpr (std::is_same_v<T, int>) v = std::stoi(text, &used);
    else {
      if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) throw std::invalid_argument(text);
      v = std::stoull(text, &used);
    }
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size())
    throw MainUsage(fmt::format("{}: value '{}' is not allowed (allowed: {})", flag, text, allowed));
  return v;
}

}  // namespace

int verify_main(int argc, char** argv, const Registry& reg) {
  const std::string prog = argc > 0 && argv[0] ? fs_name(argv[0]) : "regcheck-claims";
  try {
    std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
      fmt::print("{}", usage(prog));
      return args.empty() ? 2 : 0;
    }
    VerifyOptions o;
    o.list_hint = prog + " list";
    const std::string command = args[0];
    if (command != "list" && command != "verify")
      throw MainUsage(fmt::format("command '{}' is unknown (allowed: list, verify)", command));
    for (std::size_t i = 1; i < args.size(); ++i) {
      const std::string& flag = args[i];
      if (flag == "--help" || flag == "-h") {
        fmt::print("{}", usage(prog));
        return 0;
      }
      const bool known = flag == "--claim" || flag == "--source" || flag == "--seed" || flag == "--threads" || flag == "--alpha" ||
                         flag == "--power" || flag == "--json";
      if (!known || command == "list")
        throw MainUsage(fmt::format("{}: option '{}' is unknown (allowed: {})", command, flag,
                                    command == "list" ? "none" : "--claim, --source, --seed, --threads, --alpha, --power, --json"));
      if (i + 1 >= args.size()) throw MainUsage(fmt::format("{}: missing value", flag));
      const std::string& v = args[++i];
      if (flag == "--claim") o.claim_ids.push_back(v);
      else if (flag == "--source") {
        if (std::find(reg.sources().begin(), reg.sources().end(), v) == reg.sources().end())
          throw MainUsage(fmt::format("--source: value '{}' is not allowed (allowed: {})", v, fmt::join(reg.sources(), ", ")));
        o.sources.push_back(v);
      } else if (flag == "--seed") o.seed = parse_value<std::uint64_t>(flag, v, "an integer 0..18446744073709551615");
      else if (flag == "--threads") o.threads = parse_value<int>(flag, v, "1..256");
      else if (flag == "--alpha") o.alpha = parse_value<double>(flag, v, "1e-300 <= alpha <= 0.5");
      else if (flag == "--power") o.power = v;
      else o.json = v;
    }
    const std::vector<const Claim*> selected = select_claims(reg, o);
    if (command == "list") {
      print_claim_list(selected);
      return 0;
    }
    if (selected.empty()) throw MainUsage("no claim matches the --claim/--source selection");
    (void)verify_context(reg, o);  // validates threads, alpha and power before the run
    if (!o.json.empty()) {  // fail before the run, not after it
      std::error_code ec;
      const std::filesystem::path dir = std::filesystem::absolute(o.json, ec).parent_path();
      if (!std::filesystem::is_directory(dir, ec))
        throw MainUsage(fmt::format("--json: folder '{}' of '{}' does not exist (allowed: a file path in an existing folder)",
                                    dir.string(), o.json));
    }
    return run_verify(reg, o, selected);
  } catch (const std::invalid_argument& e) {  // bad usage (MainUsage, select_claims, verify_context, writing the JSON)
    std::fprintf(stderr, "%s: error: %s\n", prog.c_str(), e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: internal error: %s\n", prog.c_str(), e.what());
    return 3;
  }
}

}  // namespace regcheck::claims
