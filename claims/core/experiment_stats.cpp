#include "claims/core/experiment_stats.hpp"

#include "sim/stats/tests.hpp"

#include <boost/math/distributions/non_central_t.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/tools/roots.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace regcheck::claims {

using sim::Verdict;
namespace st = sim::stats;

namespace {
nlohmann::json opt(const std::optional<double>& v) {
  return v && std::isfinite(*v) ? nlohmann::json(*v) : nlohmann::json();
}
void require_finite(std::span<const double> x, const std::string& what) {
  for (double v : x)
    if (!std::isfinite(v)) throw std::invalid_argument(what + ": value " + fmt::format("{}", v) + " is not finite");
}
// One-sided p in the claimed direction from a two-sided p and the statistic's sign.
double one_sided(double p2, double t, int direction) {
  return direction * t > 0 ? p2 / 2 : 1 - p2 / 2;
}
TestRow new_row(std::string name, std::string hypothesis, const char* kind) {
  TestRow r;
  r.name = std::move(name), r.hypothesis = std::move(hypothesis), r.kind = kind;
  return r;
}
}  // namespace

TestRow descriptive_row(std::string name, std::string hypothesis) {
  TestRow r = new_row(std::move(name), std::move(hypothesis), "descriptive");
  r.in_family = false;
  return r;
}

MetricSummary summarize_metric(std::span<const double> x) {
  require_finite(x, "summarize_metric");
  if (x.empty()) throw std::invalid_argument("summarize_metric: no values");
  MetricSummary s;
  // sim/stats takes values centered on a reference (value = ref + c[i]): center on the first.
  std::vector<double> c(x.begin(), x.end());
  for (double& v : c) v -= x[0];
  const st::Moments m = st::moments(c, x[0]);
  s.n = m.n, s.mean = m.mean, s.sd = m.sd, s.ci_lo = s.ci_hi = m.mean;
  if (m.n >= 2 && m.var > 0) {
    const st::Summary su = st::summarize(c, x[0], 0.95);
    s.ci_lo = su.ci_lo, s.ci_hi = su.ci_hi;
  }
  return s;
}

nlohmann::json to_json(const MetricSummary& s) {
  return {{"n", s.n}, {"mean", s.mean}, {"sd", s.sd}, {"ci_lo", s.ci_lo}, {"ci_hi", s.ci_hi}};
}

nlohmann::json to_json(const TestRow& r) {
  nlohmann::json j = {{"name", r.name}, {"hypothesis", r.hypothesis}, {"kind", r.kind}, {"in_family", r.in_family},
                      {"statistic", opt(r.statistic)}, {"df", opt(r.df)}, {"p_value", opt(r.p_value)},
                      {"p_adjusted", opt(r.p_adjusted)}, {"effect", opt(r.effect)}, {"effect_ci_lo", opt(r.effect_ci_lo)},
                      {"effect_ci_hi", opt(r.effect_ci_hi)}, {"effect_size", opt(r.effect_size)},
                      {"detectable", opt(r.detectable)}, {"verdict", sim::to_string(r.verdict)}, {"detail", r.detail}};
  if (r.kind == "welch" || r.kind == "paired") j["direction"] = r.direction;
  if (r.kind == "band") {
    j["theory"] = opt(r.theory), j["band_lo"] = opt(r.band_lo), j["band_hi"] = opt(r.band_hi);
    j["measured"] = opt(r.measured), j["measured_ci_lo"] = opt(r.measured_ci_lo), j["measured_ci_hi"] = opt(r.measured_ci_hi);
    j["tolerance"] = r.tolerance;
  }
  return j;
}

TestRow welch_row(std::string name, std::string hypothesis, std::span<const double> x, std::span<const double> y, int direction) {
  require_finite(x, name), require_finite(y, name);
  TestRow r = new_row(std::move(name), std::move(hypothesis), "welch");
  r.direction = direction;
  const st::TTest t = st::welch_t(x, y, 0.95);
  r.statistic = t.t, r.df = t.df, r.p_value = one_sided(t.p_value, t.t, direction);
  r.effect = t.diff, r.effect_ci_lo = t.ci_lo, r.effect_ci_hi = t.ci_hi, r.effect_size = t.hedges_g;
  const double vx = summarize_metric(x).sd, vy = summarize_metric(y).sd;
  r.power_sd = std::sqrt((vx * vx + vy * vy) / 2);  // the common sd of the two-sample power calculation
  r.power_n = static_cast<double>(std::min(x.size(), y.size()));
  return r;
}

std::vector<double> differences(std::span<const double> a, std::span<const double> b) {
  if (a.size() != b.size())
    throw std::invalid_argument(fmt::format("paired differences: {} values against {} (one per seed on both sides)", a.size(), b.size()));
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
  return d;
}

TestRow paired_row(std::string name, std::string hypothesis, std::span<const double> d, int direction) {
  require_finite(d, name);
  TestRow r = new_row(std::move(name), std::move(hypothesis), "paired");
  r.direction = direction;
  const st::TTest t = st::paired_t(d, 0.95);
  r.statistic = t.t, r.df = t.df, r.p_value = one_sided(t.p_value, t.t, direction);
  r.effect = t.diff, r.effect_ci_lo = t.ci_lo, r.effect_ci_hi = t.ci_hi, r.effect_size = t.cohen_d;
  r.power_sd = summarize_metric(d).sd;
  r.power_n = static_cast<double>(d.size());
  return r;
}

TestRow band_row(std::string name, std::string hypothesis, std::span<const double> x, double lo, double hi,
                 std::optional<double> theory, std::string tolerance) {
  require_finite(x, name);
  if (!(lo < hi)) throw std::invalid_argument(fmt::format("{}: band [{}, {}] is empty", name, lo, hi));
  TestRow r = new_row(std::move(name), std::move(hypothesis), "band");
  r.in_family = true;
  r.theory = theory, r.band_lo = lo, r.band_hi = hi, r.tolerance = std::move(tolerance);
  const MetricSummary s = summarize_metric(x);
  r.measured = s.mean, r.measured_ci_lo = s.ci_lo, r.measured_ci_hi = s.ci_hi;
  r.power_sd = s.sd, r.power_n = static_cast<double>(s.n);
  if (s.n < 2 || s.sd == 0) throw std::invalid_argument(r.name + ": needs >= 2 values with a nonzero spread");
  const double se = s.sd / std::sqrt(static_cast<double>(s.n)), df = static_cast<double>(s.n - 1);
  const boost::math::students_t dist(df);
  // TOST: H0 mean <= lo (t_lo = (mean - lo) / se, upper tail) and H0 mean >= hi (lower tail).
  const double t_lo = (s.mean - lo) / se, t_hi = (s.mean - hi) / se;
  const double p_lo = boost::math::cdf(boost::math::complement(dist, t_lo)), p_hi = boost::math::cdf(dist, t_hi);
  r.statistic = std::min(t_lo, -t_hi), r.df = df, r.p_value = std::max(p_lo, p_hi);
  r.effect = s.mean - (theory ? *theory : (lo + hi) / 2);
  r.effect_ci_lo = s.ci_lo - (s.mean - *r.effect), r.effect_ci_hi = s.ci_hi - (s.mean - *r.effect);
  return r;
}

double one_sample_detectable(double n, double sd, double alpha, double power) {
  if (!(n >= 2)) throw std::invalid_argument(fmt::format("one_sample_detectable: n = {} (allowed: n >= 2)", n));
  if (!(sd > 0) || !std::isfinite(sd)) throw std::invalid_argument(fmt::format("one_sample_detectable: sd = {} (allowed: sd > 0)", sd));
  if (!(alpha > 0 && alpha < 1) || !(power > alpha && power < 1))
    throw std::invalid_argument(fmt::format("one_sample_detectable: alpha = {}, power = {} (allowed: 0 < alpha < power < 1)", alpha, power));
  const double df = n - 1;
  const double crit = boost::math::quantile(boost::math::complement(boost::math::students_t(df), alpha));
  auto pw = [&](double ncp) { return boost::math::cdf(boost::math::complement(boost::math::non_central_t(df, ncp), crit)) - power; };
  // Power rises monotonically with the noncentrality; bracket it, then bisect (TOMS 748).
  double hi = crit + 4;
  while (pw(hi) < 0) hi *= 2;
  boost::uintmax_t iters = 200;
  const auto root = boost::math::tools::toms748_solve(pw, 0.0, hi, boost::math::tools::eps_tolerance<double>(40), iters);
  return (root.first + root.second) / 2 * sd / std::sqrt(n);
}

void decide_rows(std::vector<TestRow*>& rows, double alpha) {
  std::vector<double> p;
  std::vector<TestRow*> fam;
  for (TestRow* r : rows)
    if (r->in_family && r->p_value) fam.push_back(r), p.push_back(*r->p_value);
  const std::vector<double> adj = p.empty() ? std::vector<double>{} : st::holm(p);
  for (std::size_t i = 0; i < fam.size(); ++i) fam[i]->p_adjusted = adj[i];
  const double m = static_cast<double>(std::max<std::size_t>(fam.size(), 1));
  for (TestRow* r : rows) {
    if (r->kind == "descriptive" || !r->p_value) continue;  // decided by the experiment
    const double level = r->in_family ? alpha / m : alpha;
    if (r->power_n >= 2 && r->power_sd > 0) {
      if (r->kind == "welch")  // one-sided level `level` ~ two-sided 2 level (the far tail is negligible)
        r->detectable = st::detectable_difference(r->power_n, r->power_sd, 2 * level, 0.8);
      else if (r->kind == "paired")
        r->detectable = one_sample_detectable(r->power_n, r->power_sd, level, 0.8);
      else  // band: TOST meets the band with power >= 0.8 when each one-sided test has power 0.9
        r->detectable = one_sample_detectable(r->power_n, r->power_sd, level, 0.9);
    }
    const double padj = r->in_family ? *r->p_adjusted : *r->p_value;
    if (padj <= alpha) {
      r->verdict = Verdict::Holds;
    } else if (r->kind == "band") {
      const bool outside = *r->measured_ci_hi < *r->band_lo || *r->measured_ci_lo > *r->band_hi;
      r->verdict = outside ? Verdict::Fails : Verdict::Inconclusive;
    } else {
      const bool wrong_side = r->direction > 0 ? *r->effect_ci_hi < 0 : *r->effect_ci_lo > 0;
      r->verdict = wrong_side ? Verdict::Fails : Verdict::Inconclusive;
    }
  }
}

Verdict combine(const std::vector<TestRow>& rows) {
  bool any = false, all_hold = true;
  for (const TestRow& r : rows) {
    if (!r.in_family) continue;
    any = true;
    if (r.verdict == Verdict::Fails || r.verdict == Verdict::Error) return Verdict::Fails;
    if (r.verdict != Verdict::Holds) all_hold = false;
  }
  return any && all_hold ? Verdict::Holds : Verdict::Inconclusive;
}

}  // namespace regcheck::claims
