#include "claims/core/declare.hpp"

#include <algorithm>

namespace regcheck::claims {

ClaimResult result_of(std::vector<CheckRecord> checks) {
  ClaimResult r;
  r.checks = std::move(checks);
  summarize(r);
  const CheckRecord* only_mc = nullptr;
  int mc = 0;
  for (const CheckRecord& c : r.checks)
    if (c.method == "monte-carlo") {
      ++mc;
      only_mc = &c;
    }
  if (mc == 1) {
    r.theory = only_mc->theory;
    r.estimate = only_mc->estimate;
    r.ci_lo = only_mc->ci_lo;
    r.ci_hi = only_mc->ci_hi;
    r.detectable_deviation = only_mc->detectable_deviation;
  }
  if (r.verdict != Verdict::Fails) return r;
  for (const CheckRecord& c : r.checks) {
    if (c.method == "power-self-test" || c.verdict != Verdict::Fails) continue;
    if (c.method == "monte-carlo")
      r.counterexample = fmt::format("{}: estimate {:.6g}, CI [{:.6g}, {:.6g}] at level 1 - {:.3g} excludes the stated {:.6g} (n = {})",
                                     c.name, c.estimate.value_or(NAN), c.ci_lo.value_or(NAN), c.ci_hi.value_or(NAN),
                                     c.alpha.value_or(NAN), c.theory.value_or(NAN), c.n.value_or(0));
    else
      r.counterexample = c.name + (c.detail.empty() ? std::string() : ": " + c.detail);
    break;
  }
  return r;
}

CheckRecord exact_record(std::string name, double computed, double expected, double tolerance, std::string why) {
  if (!(tolerance >= 0)) throw std::invalid_argument(fmt::format("exact_record '{}': tolerance {} (allowed: >= 0)", name, tolerance));
  const double err = std::abs(computed - expected);
  CheckRecord c = tolerance_record(std::move(name), "exact", std::isnan(err) ? INFINITY : err, tolerance,
                                   fmt::format("computed {:.17g}, expected {:.17g}, |error| {:.3g}, tolerance {:.3g}{}{}", computed,
                                               expected, err, tolerance, why.empty() ? "" : ": ", why));
  c.theory = expected;
  c.estimate = computed;
  return c;
}

CheckRecord prox_vs_brute_force(std::string name, const std::function<double(double)>& prox,
                                const std::function<double(double x, double v)>& objective, const std::vector<double>& points,
                                double half_width, double tolerance, std::string why) {
  if (points.empty()) throw std::invalid_argument(fmt::format("prox_vs_brute_force '{}': no points (allowed: one or more)", name));
  if (!(half_width > 0))
    throw std::invalid_argument(fmt::format("prox_vs_brute_force '{}': half_width {} (allowed: > 0)", name, half_width));
  if (!(tolerance >= 0))
    throw std::invalid_argument(fmt::format("prox_vs_brute_force '{}': tolerance {} (allowed: >= 0)", name, tolerance));
  double worst = -1, worst_v = NAN, worst_p = NAN, worst_b = NAN;
  for (double v : points) {
    const auto [xb, fb] = boost::math::tools::brent_find_minima([&](double x) { return objective(x, v); }, v - half_width,
                                                                v + half_width, std::numeric_limits<double>::digits);
    const double p = prox(v);
    const double err = std::isnan(p) ? INFINITY : std::abs(p - xb);
    if (err > worst) {
      worst = err;
      worst_v = v;
      worst_p = p;
      worst_b = xb;
    }
  }
  return tolerance_record(std::move(name), "closed-form-vs-numerics", worst, tolerance,
                          fmt::format("worst at v = {:.6g}: prox {:.12g}, brute force (Brent) {:.12g}, |difference| {:.3g} "
                                      "(tolerance {:.3g}{}{})",
                                      worst_v, worst_p, worst_b, worst, tolerance, why.empty() ? "" : ": ", why),
                          points.size());
}

}  // namespace regcheck::claims
