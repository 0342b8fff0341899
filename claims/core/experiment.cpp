#include "claims/core/experiment.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace regcheck::claims {

using sim::Verdict;

std::string to_string(Scale s) {
  switch (s) {
    case Scale::Smoke: return "smoke";
    case Scale::Quick: return "quick";
    case Scale::Paper: return "paper";
  }
  return "?";
}

Scale parse_scale(const std::string& s) {
  if (s == "smoke") return Scale::Smoke;
  if (s == "quick") return Scale::Quick;
  if (s == "paper") return Scale::Paper;
  throw std::invalid_argument("--scale: value '" + s + "' is not allowed (allowed: smoke, quick, paper)");
}

namespace {
void flatten_into(const nlohmann::json& j, const std::string& prefix, nlohmann::json& out) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (it.key() == "seconds" || it.key() == "samples_per_s") continue;  // machine-dependent
    if (it->is_object()) flatten_into(*it, key, out);
    else if (it->is_number()) out[key] = it->get<double>();
  }
}
}  // namespace

nlohmann::json flatten_metrics(const nlohmann::json& epoch) {
  nlohmann::json out = nlohmann::json::object();
  flatten_into(epoch, "", out);
  return out;
}

double metric(const nlohmann::json& flat, const std::string& key) {
  const auto it = flat.find(key);
  return it != flat.end() && it->is_number() ? it->get<double>() : NAN;
}

const std::vector<RunRecord>& ExperimentRuns::arm(const std::string& name) const {
  for (std::size_t i = 0; i < experiment->arms.size(); ++i)
    if (experiment->arms[i].name == name) return by_arm.at(i);
  throw std::out_of_range(experiment->id + ": no arm '" + name + "'");
}

std::vector<double> ExperimentRuns::finals(const std::string& arm_name, const std::string& key) const {
  std::vector<double> v;
  for (const RunRecord& r : arm(arm_name)) v.push_back(metric(r.final, key));
  return v;
}

void ExperimentRegistry::add(Experiment e) {
  if (e.id.empty() || e.source.empty() || e.claim.empty() || e.hypothesis.empty() || e.base_config.empty() || e.arms.empty() ||
      e.metric.empty() || !e.analyze)
    throw std::invalid_argument("experiment '" + e.id + "': id, source, claim, hypothesis, base_config, arms, metric and analyze are required");
  if (find(e.id)) throw std::invalid_argument("experiment '" + e.id + "' registered twice");
  for (const ScalePlan& p : e.plans)
    if (p.seeds < 2) throw std::invalid_argument("experiment '" + e.id + "': a scale plans fewer than 2 seeds");
  experiments_.push_back(std::move(e));
}

const Experiment* ExperimentRegistry::find(const std::string& id) const {
  for (const Experiment& e : experiments_)
    if (e.id == id) return &e;
  return nullptr;
}

nlohmann::json replace_op(const std::string& path, nlohmann::json value) {
  return nlohmann::json::object({{"op", "replace"}, {"path", path}, {"value", std::move(value)}});
}

nlohmann::json epochs_patch(int n) { return nlohmann::json::array({replace_op("/epochs", n)}); }

const std::string& arm_base_config(const Experiment& e, const Arm& arm) { return arm.base_config.empty() ? e.base_config : arm.base_config; }

nlohmann::json run_config(const Experiment& e, const Arm& arm, Scale s, const nlohmann::json& base, std::uint64_t seed) {
  nlohmann::json c = base;
  try {
    c = c.patch(arm.patch);
    if (arm.base_config.empty()) c = c.patch(e.plan(s).patch);
  } catch (const nlohmann::json::exception& ex) {
    throw std::invalid_argument(fmt::format("{} arm '{}' ({} scale): the config patch does not apply to {}: {}", e.id, arm.name,
                                            to_string(s), arm_base_config(e, arm), ex.what()));
  }
  c["seed"] = seed;
  return c;
}

nlohmann::json arm_report(const Experiment& e, const ExperimentRuns& runs, std::size_t a) {
  const std::vector<RunRecord>& rs = runs.by_arm.at(a);
  nlohmann::json j = {{"name", e.arms[a].name}, {"description", e.arms[a].description}, {"patch", e.arms[a].patch}};
  if (!e.arms[a].base_config.empty()) j["base_config"] = "nets/configs/" + e.arms[a].base_config;
  nlohmann::json seeds = nlohmann::json::array();
  for (const RunRecord& r : rs) seeds.push_back(r.seed);
  j["seeds"] = seeds;
  // Every final metric present in every run, but for per-example probe entries (a last dotted
  // component that is an index, e.g. "predictions.output.17"): the analysis reads them from the
  // results store; the report only counts them per prefix, so that it stays small.
  nlohmann::json finals = nlohmann::json::object(), per_example = nlohmann::json::object();
  if (!rs.empty())
    for (auto it = rs.front().final.begin(); it != rs.front().final.end(); ++it) {
      const std::size_t dot = it.key().rfind('.');
      if (dot != std::string::npos && dot + 1 < it.key().size() &&
          it.key().find_first_not_of("0123456789", dot + 1) == std::string::npos) {
        const std::string prefix = it.key().substr(0, dot);
        per_example[prefix] = per_example.value(prefix, 0) + 1;
        continue;
      }
      std::vector<double> x;
      for (const RunRecord& r : rs) x.push_back(metric(r.final, it.key()));
      bool ok = true;
      for (double v : x) ok = ok && std::isfinite(v);
      if (ok) finals[it.key()] = to_json(summarize_metric(x));
    }
  j["final"] = finals;
  if (!per_example.empty()) j["per_example_counts"] = per_example;  // entries per run, kept in the store only
  // Indexed series of at most kMaxProfile entries (e.g. fit_probe.curve.output.0..100): per index
  // present and finite in every run, mean and 95% Student-t CI over seeds, as columns. Longer
  // series (2000 held-out predictions of the bagging arms) stay counted only.
  nlohmann::json profiles = nlohmann::json::object();
  for (const auto& [prefix, count] : per_example.items()) {
    if (count.get<long>() > kMaxProfile) continue;
    nlohmann::json idx = nlohmann::json::array(), mean = nlohmann::json::array(), lo = nlohmann::json::array(), hi = nlohmann::json::array();
    for (long i = 0; i < count.get<long>(); ++i) {
      std::vector<double> x;
      for (const RunRecord& r : rs) x.push_back(metric(r.final, fmt::format("{}.{}", prefix, i)));
      if (!std::all_of(x.begin(), x.end(), [](double v) { return std::isfinite(v); })) continue;
      const MetricSummary s = summarize_metric(x);
      idx.push_back(i), mean.push_back(s.mean), lo.push_back(s.ci_lo), hi.push_back(s.ci_hi);
    }
    if (!idx.empty()) profiles[prefix] = {{"n", rs.size()}, {"index", idx}, {"mean", mean}, {"ci_lo", lo}, {"ci_hi", hi}};
  }
  if (!profiles.empty()) j["profiles"] = profiles;
  nlohmann::json curves = nlohmann::json::object();
  for (const std::string& key : e.curves) {
    nlohmann::json pts = nlohmann::json::array();
    std::size_t epochs = rs.empty() ? 0 : rs.front().history.size();
    for (const RunRecord& r : rs) epochs = std::min(epochs, r.history.size());
    for (std::size_t k = 0; k < epochs; ++k) {
      std::vector<double> x;
      for (const RunRecord& r : rs) x.push_back(metric(r.history[k], key));
      bool ok = true;
      for (double v : x) ok = ok && std::isfinite(v);
      if (!ok) continue;
      const MetricSummary s = summarize_metric(x);
      pts.push_back({{"epoch", k + 1}, {"mean", s.mean}, {"sd", s.sd}, {"ci_lo", s.ci_lo}, {"ci_hi", s.ci_hi}});
    }
    if (!pts.empty()) curves[key] = pts;  // none: undefined for this arm (e.g. accuracy of a regression arm)
  }
  j["curves"] = curves;
  return j;
}

std::vector<ClaimReport> analyze_claims(const std::vector<ExperimentRuns>& runs, Scale s, double alpha) {
  std::vector<ClaimReport> out;
  for (const ExperimentRuns& r : runs) {
    ClaimReport c;
    c.experiment = r.experiment;
    c.expected = r.experiment->plan(s).expected;
    try {
      c.rows = r.experiment->analyze(r);
    } catch (const std::exception& ex) {  // e.g. zero spread over seeds: no test is defined
      TestRow e = descriptive_row("analysis", "the claim's tests could be computed");
      e.verdict = Verdict::Error;
      e.detail = ex.what();
      c.rows = {e};
    }
    out.push_back(std::move(c));
  }
  std::vector<TestRow*> all;
  for (ClaimReport& c : out)
    for (TestRow& row : c.rows) all.push_back(&row);
  decide_rows(all, alpha);
  for (ClaimReport& c : out) {
    c.verdict = combine(c.rows);
    for (const TestRow& row : c.rows)
      if (row.verdict == Verdict::Error) c.verdict = Verdict::Error;
  }
  return out;
}

std::size_t family_size(const std::vector<ClaimReport>& reports) {
  std::size_t m = 0;
  for (const ClaimReport& c : reports)
    for (const TestRow& r : c.rows) m += r.in_family && r.p_value ? 1 : 0;
  return m;
}

}  // namespace regcheck::claims

namespace regcheck::claims {

Expectation check_expectation(const ClaimReport& c, bool full_family, bool scale_seeds) {
  if (!scale_seeds) return Expectation::OtherSeeds;
  if (!c.expected) return Expectation::NotMeasured;
  if (c.verdict == *c.expected) return Expectation::Met;
  if (!full_family && *c.expected == sim::Verdict::Inconclusive && c.verdict == sim::Verdict::Holds) return Expectation::SmallerFamily;
  return Expectation::Mismatch;
}

std::string describe(Expectation x, const ClaimReport& c) {
  const std::string e = c.expected ? sim::to_string(*c.expected) : std::string("not measured");
  switch (x) {
    case Expectation::Met: return fmt::format("(expected {})", e);
    case Expectation::Mismatch: return fmt::format("(expected {})  MISMATCH", e);
    case Expectation::SmallerFamily: return fmt::format("(expected {} in the full run; HOLDS in this smaller Holm family)", e);
    case Expectation::NotMeasured: return "(no expected verdict: not measured at this scale)";
    case Expectation::OtherSeeds: return fmt::format("(expected {} with the scale's seeds; not compared)", e);
  }
  return {};
}

}  // namespace regcheck::claims
