#include "sim/mean_test.hpp"

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace regcheck::sim {

std::string to_string(Verdict v) {
  switch (v) {
    case Verdict::Holds: return "HOLDS";
    case Verdict::Fails: return "FAILS";
    case Verdict::Inconclusive: return "INCONCLUSIVE";
    case Verdict::Error: return "ERROR";
  }
  return "ERROR";
}

Verdict parse_verdict(const std::string& s) {
  if (s == "HOLDS") return Verdict::Holds;
  if (s == "FAILS") return Verdict::Fails;
  if (s == "INCONCLUSIVE") return Verdict::Inconclusive;
  if (s == "ERROR") return Verdict::Error;
  throw std::invalid_argument("unknown verdict '" + s + "' (allowed: HOLDS, FAILS, INCONCLUSIVE, ERROR)");
}

double normal_quantile(double p) {
  if (!(p > 0 && p < 1)) throw std::invalid_argument("normal_quantile: p must be in (0, 1), got " + fmt::format("{}", p));
  return boost::math::quantile(boost::math::normal_distribution<double>(0.0, 1.0), p);
}

double student_t_quantile(double p, double dof) {
  if (!(p > 0 && p < 1)) throw std::invalid_argument("student_t_quantile: p must be in (0, 1), got " + fmt::format("{}", p));
  if (!(dof > 0)) throw std::invalid_argument("student_t_quantile: dof must be > 0, got " + fmt::format("{}", dof));
  return boost::math::quantile(boost::math::students_t_distribution<double>(dof), p);
}

double normal_upper_quantile(double q) {
  if (!(q > 0 && q < 1)) throw std::invalid_argument("normal_upper_quantile: q must be in (0, 1), got " + fmt::format("{}", q));
  return boost::math::quantile(boost::math::complement(boost::math::normal_distribution<double>(0.0, 1.0), q));
}

double student_t_upper_quantile(double q, double dof) {
  if (!(q > 0 && q < 1)) throw std::invalid_argument("student_t_upper_quantile: q must be in (0, 1), got " + fmt::format("{}", q));
  if (!(dof > 0)) throw std::invalid_argument("student_t_upper_quantile: dof must be > 0, got " + fmt::format("{}", dof));
  return boost::math::quantile(boost::math::complement(boost::math::students_t_distribution<double>(dof), q));
}

Interval t_interval(const Welford& w, double alpha) {
  const double q = student_t_upper_quantile(alpha / 2.0, static_cast<double>(w.count() - 1));
  const double h = q * w.standard_error();
  return {w.mean() - h, w.mean() + h};
}

Interval normal_interval(double estimate, double se, double alpha) {
  const double h = normal_upper_quantile(alpha / 2.0) * se;
  return {estimate - h, estimate + h};
}

namespace {
MeanTestResult decide(double estimate, double se, std::uint64_t n, double theory, double q_alpha,
                      double q_power, const MeanTestOptions& opt) {
  if (!(opt.alpha > 0 && opt.alpha < 1))
    throw std::invalid_argument("MeanTestOptions.alpha must be in (0, 1), got " + fmt::format("{}", opt.alpha));
  if (!(opt.power > 0 && opt.power < 1))
    throw std::invalid_argument("MeanTestOptions.power must be in (0, 1), got " + fmt::format("{}", opt.power));
  MeanTestResult r;
  r.theory = theory;
  r.estimate = estimate;
  r.standard_error = se;
  r.n = n;
  r.critical = q_alpha;
  r.ci = {estimate - q_alpha * se, estimate + q_alpha * se};
  r.detectable_deviation = (q_alpha + q_power) * se;
  r.resolution = opt.resolution;
  if (!std::isfinite(estimate) || !std::isfinite(se)) {
    r.verdict = Verdict::Inconclusive;  // a numerical failure is a status, not a crash
    return r;
  }
  // se == 0 (a degenerate statistic): any difference is a rejection, equality is a pass.
  r.statistic = se > 0 ? (estimate - theory) / se : (estimate == theory ? 0.0 : std::copysign(INFINITY, estimate - theory));
  if (std::abs(r.statistic) > q_alpha) {
    r.verdict = Verdict::Fails;
  } else if (r.detectable_deviation <= opt.resolution) {
    r.verdict = Verdict::Holds;
  } else {
    r.verdict = Verdict::Inconclusive;
  }
  return r;
}
}  // namespace

MeanTestResult test_mean(const Welford& w, double theory, const MeanTestOptions& opt) {
  if (w.count() < 2) throw std::invalid_argument("test_mean needs at least 2 samples, got " + std::to_string(w.count()));
  const double dof = static_cast<double>(w.count() - 1);
  return decide(w.mean(), w.standard_error(), w.count(), theory,
                student_t_upper_quantile(opt.alpha / 2.0, dof), student_t_quantile(opt.power, dof), opt);
}

MeanTestResult test_estimate(double estimate, double se, std::uint64_t n, double theory,
                             const MeanTestOptions& opt) {
  return decide(estimate, se, n, theory, normal_upper_quantile(opt.alpha / 2.0),
                normal_quantile(opt.power), opt);
}

}  // namespace regcheck::sim
