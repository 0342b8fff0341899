#include "claims/core/claim.hpp"

#include "claims/core/mc_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace regcheck::claims {

std::uint64_t CheckContext::mc_n(std::uint64_t n_default, std::uint64_t n_high) const {
  const std::uint64_t n = power == Power::High ? n_high : n_default;
  if (!(sample_fraction > 0 && sample_fraction <= 1))
    throw std::invalid_argument(fmt::format("CheckContext.sample_fraction must be in (0, 1], got {}", sample_fraction));
  if (sample_fraction == 1) return n;
  const auto scaled = static_cast<std::uint64_t>(std::llround(static_cast<double>(n) * sample_fraction));
  return std::min(n, std::max(scaled, kMinCalibrationSamples));
}

CheckRecord record_from(const std::string& name, const sim::MeanTestResult& r, double alpha) {
  CheckRecord c;
  c.name = name;
  c.method = "monte-carlo";
  c.theory = r.theory;
  c.estimate = r.estimate;
  c.ci_lo = r.ci.lo;
  c.ci_hi = r.ci.hi;
  c.detectable_deviation = r.detectable_deviation;
  c.alpha = alpha;
  if (std::isfinite(r.resolution)) c.resolution = r.resolution;
  if (r.bias_bound > 0) c.bias_bound = r.bias_bound;
  c.n = r.n;
  c.verdict = r.verdict;
  return c;
}

CheckRecord tolerance_record(std::string name, std::string method, double max_error, double tolerance, std::string detail,
                             std::optional<std::uint64_t> n) {
  CheckRecord c;
  c.name = std::move(name);
  c.method = std::move(method);
  c.max_error = max_error;
  c.tolerance = tolerance;
  c.verdict = max_error <= tolerance ? Verdict::Holds : Verdict::Fails;
  c.detail = std::move(detail);
  c.n = n;
  return c;
}

void summarize(ClaimResult& r) {
  bool any_fail = false, any_inconclusive = false, any_error = false;
  double alpha = 0;
  r.error_to_tolerance.reset();
  for (const CheckRecord& c : r.checks) {
    if (c.method == "power-self-test") continue;  // informational, see mc_check.hpp
    if (c.alpha) alpha += *c.alpha;
    any_fail |= c.verdict == Verdict::Fails;
    any_error |= c.verdict == Verdict::Error;
    any_inconclusive |= c.verdict == Verdict::Inconclusive;
    if (c.method != "monte-carlo" && c.max_error && c.tolerance) {
      const double q = *c.tolerance > 0 ? *c.max_error / *c.tolerance
                       : *c.max_error > 0 || std::isnan(*c.max_error) ? INFINITY : 0.0;
      r.error_to_tolerance = std::max(r.error_to_tolerance.value_or(0.0), std::isnan(q) ? INFINITY : q);
    }
  }
  r.alpha = alpha;
  if (r.checks.empty()) {
    r.verdict = Verdict::Inconclusive;  // nothing was checked: never a silent HOLDS
  } else if (any_error) {
    r.verdict = Verdict::Error;
  } else if (any_fail) {
    r.verdict = Verdict::Fails;
  } else if (any_inconclusive) {
    r.verdict = Verdict::Inconclusive;
  } else {
    r.verdict = Verdict::Holds;
  }
}

namespace {
template <class T>
void put(nlohmann::json& j, const char* key, const std::optional<T>& v) {
  if (!v) return;
  if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(*v)) {  // JSON has no inf/NaN: write them as strings
      j[key] = std::isnan(*v) ? "nan" : (*v > 0 ? "inf" : "-inf");
      return;
    }
  }
  j[key] = *v;
}
}  // namespace

std::optional<RelativeDetectable> relative_detectable(const CheckRecord& c, double target_relative) {
  if (!c.detectable_deviation) return std::nullopt;
  RelativeDetectable d;
  if (c.theory && std::isfinite(*c.theory) && *c.theory != 0) {
    d.value = *c.detectable_deviation / std::abs(*c.theory);
    d.target = target_relative;
  } else {
    d.value = *c.detectable_deviation;
    d.absolute = true;
    d.target = c.resolution.value_or(INFINITY);
  }
  return d;
}

std::optional<WorstDetectable> worst_detectable(const ClaimResult& r, double target_relative) {
  std::optional<WorstDetectable> w;
  for (const CheckRecord& c : r.checks) {
    if (c.method != "monte-carlo") continue;
    const auto d = relative_detectable(c, target_relative);
    // NaN scores (an undefined detectable deviation) rank as worst: they cannot meet any target.
    if (d && (!w || !(d->score() <= w->d.score()))) w = WorstDetectable{*d, c.name};
  }
  return w;
}

nlohmann::json to_json(const CheckRecord& c) {
  nlohmann::json j;
  j["name"] = c.name;
  j["method"] = c.method;
  put(j, "theory", c.theory);
  put(j, "estimate", c.estimate);
  put(j, "ci_lo", c.ci_lo);
  put(j, "ci_hi", c.ci_hi);
  put(j, "max_error", c.max_error);
  put(j, "tolerance", c.tolerance);
  put(j, "detectable_deviation", c.detectable_deviation);
  if (c.method == "monte-carlo" || c.method == "power-self-test") {
    // relative_detectable: detectable / |theory|; at theory 0 the absolute value, marked.
    if (const auto d = relative_detectable(c, INFINITY)) {
      put(j, "relative_detectable", std::optional<double>(d->value));
      if (d->absolute) j["detectable_absolute"] = true;
    }
  }
  put(j, "resolution", c.resolution);
  put(j, "bias_bound", c.bias_bound);
  put(j, "alpha", c.alpha);
  put(j, "n", c.n);
  j["verdict"] = sim::to_string(c.verdict);
  if (c.method == "power-self-test") j["detected"] = c.verdict == Verdict::Holds;
  if (!c.detail.empty()) j["detail"] = c.detail;
  return j;
}

nlohmann::json to_json(const ClaimResult& r) {
  nlohmann::json j;
  j["id"] = r.id;
  j["source"] = r.source;
  j["method"] = r.method;
  j["statement"] = r.statement;
  put(j, "theory", r.theory);
  if (!r.theory_text.empty()) j["theory_text"] = r.theory_text;
  put(j, "estimate", r.estimate);
  put(j, "ci_lo", r.ci_lo);
  put(j, "ci_hi", r.ci_hi);
  put(j, "max_error", r.max_error);
  put(j, "error_to_tolerance", r.error_to_tolerance);
  put(j, "detectable_deviation", r.detectable_deviation);
  j["verdict"] = sim::to_string(r.verdict);
  j["expected"] = sim::to_string(r.expected);
  j["matches_expected"] = r.verdict == r.expected;
  j["alpha"] = r.alpha;
  j["seconds"] = r.seconds;
  if (!r.counterexample.empty()) j["counterexample"] = r.counterexample;
  if (!r.finding.empty()) j["finding"] = r.finding;
  j["checks"] = nlohmann::json::array();
  for (const CheckRecord& c : r.checks) j["checks"].push_back(to_json(c));
  if (!r.extra.empty()) j["extra"] = r.extra;
  return j;
}

}  // namespace regcheck::claims
