#include "sim/mean_test.hpp"

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/tools/roots.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <stdexcept>
#include <tuple>
#include <vector>

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

double detectable_multiplier(double t_crit, double power, double dof) {
  if (!(t_crit > 0) || !std::isfinite(t_crit))
    throw std::invalid_argument("detectable_multiplier: t_crit must be finite and > 0, got " + fmt::format("{}", t_crit));
  if (!(power > 0 && power < 1))
    throw std::invalid_argument("detectable_multiplier: power must be in (0, 1), got " + fmt::format("{}", power));
  if (!(dof >= 1)) throw std::invalid_argument("detectable_multiplier: dof must be >= 1, got " + fmt::format("{}", dof));
  const double z_power = normal_quantile(power);
  if (dof > 1e5) return t_crit + z_power;
  static std::mutex mu;
  static std::map<std::tuple<double, double, double>, double> memo;
  const auto key = std::make_tuple(t_crit, power, dof);
  {
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = memo.find(key); it != memo.end()) return it->second;
  }
  // U = sqrt(chi2_dof / dof) = e^s. In s the density is proportional to exp(g(s)) with
  // g(s) = dof (s - e^{2s} / 2) (mode s = 0, curvature -2 dof): smooth and decaying exponentially
  // on the left and doubly exponentially on the right, so the trapezoid rule on a uniform grid
  // over the region where g(s) - g(0) > -46 (density ratio 1e-20) converges exponentially fast;
  // the weights are normalized numerically. (A midpoint grid in probability instead truncates the
  // tails, which at dof = 4 hold much of the miss probability: it gave c = 8.67 for 12.31.)
  auto g = [&](double x) { return dof * (x - 0.5 * std::expm1(2 * x)); };  // g(0) = 0; expm1: e^{2s} - 1 without cancellation near the mode
  const double sd = 1 / std::sqrt(2 * dof);
  double s_lo = 0, s_hi = 0;
  while (g(s_lo) > -46) s_lo -= sd / 4;
  while (g(s_hi) > -46) s_hi += sd / 4;
  constexpr int K = 512;
  std::vector<double> u(K), wt(K);
  double wsum = 0;
  for (int k = 0; k < K; ++k) {
    const double x = s_lo + (s_hi - s_lo) * k / (K - 1);
    u[static_cast<std::size_t>(k)] = std::exp(x);
    wsum += wt[static_cast<std::size_t>(k)] = std::exp(g(x));
  }
  for (double& w : wt) w /= wsum;
  auto miss = [&](double c) {
    double sum = 0;
    for (std::size_t i = 0; i < u.size(); ++i)
      for (std::size_t j = 0; j < u.size(); ++j) {
        const double a = c * u[i] - t_crit * u[j], b = c * u[i] + t_crit * u[j];
        sum += wt[i] * wt[j] * 0.5 * (std::erfc(-b / std::sqrt(2.0)) - std::erfc(-a / std::sqrt(2.0)));
      }
    return sum;
  };
  const double beta = 1 - power;
  // miss(c) decreases in c beyond t_crit; the known-se multiplier is a lower bracket (the se's
  // randomness only lowers the detection rate), and doubling finds the upper one.
  double lo = t_crit + z_power, hi = 2 * lo;
  while (miss(hi) > beta) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) throw std::logic_error("detectable_multiplier: no bracket");
  }
  double c = lo;
  if (miss(lo) > beta) {
    std::uintmax_t iters = 60;
    const auto [a, b] = boost::math::tools::toms748_solve([&](double x) { return miss(x) - beta; }, lo, hi,
                                                          boost::math::tools::eps_tolerance<double>(30), iters);
    c = 0.5 * (a + b);
  }
  std::lock_guard<std::mutex> lock(mu);
  memo.emplace(key, c);
  return c;
}

namespace {
// multiplier: detectable deviation / se (see detectable_multiplier).
MeanTestResult decide(double estimate, double se, std::uint64_t n, double theory, double q_alpha,
                      double multiplier, const MeanTestOptions& opt) {
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
  if (!(opt.bias_bound >= 0) || !std::isfinite(opt.bias_bound))
    throw std::invalid_argument("MeanTestOptions.bias_bound must be finite and >= 0, got " + fmt::format("{}", opt.bias_bound));
  const double B = opt.bias_bound;
  r.ci = {estimate - q_alpha * se - B, estimate + q_alpha * se + B};
  r.detectable_deviation = multiplier * se + 2 * B;
  r.bias_bound = B;
  r.resolution = opt.resolution;
  if (!std::isfinite(estimate) || !std::isfinite(se)) {
    r.verdict = Verdict::Inconclusive;  // a numerical failure is a status, not a crash
    return r;
  }
  // se == 0 (a degenerate statistic): any difference is a rejection, equality is a pass.
  r.statistic = se > 0 ? (estimate - theory) / se : (estimate == theory ? 0.0 : std::copysign(INFINITY, estimate - theory));
  if (B > 0) {
    // With a bias bound the statistic is the part of |estimate - theory| beyond B, in units of se
    // (sign kept): |statistic| > critical iff |estimate - theory| > critical * se + B.
    const double excess = std::max(std::abs(estimate - theory) - B, 0.0);
    r.statistic = se > 0 ? std::copysign(excess / se, estimate - theory) : (excess == 0 ? 0.0 : std::copysign(INFINITY, estimate - theory));
  }
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
  if (!(opt.power > 0 && opt.power < 1))
    throw std::invalid_argument("MeanTestOptions.power must be in (0, 1), got " + fmt::format("{}", opt.power));
  if (!(opt.alpha > 0 && opt.alpha < 1))
    throw std::invalid_argument("MeanTestOptions.alpha must be in (0, 1), got " + fmt::format("{}", opt.alpha));
  const double dof = static_cast<double>(w.count() - 1);
  const double t_crit = student_t_upper_quantile(opt.alpha / 2.0, dof);
  return decide(w.mean(), w.standard_error(), w.count(), theory, t_crit, detectable_multiplier(t_crit, opt.power, dof), opt);
}

MeanTestResult test_estimate(double estimate, double se, std::uint64_t n, double theory,
                             const MeanTestOptions& opt) {
  if (!(opt.power > 0 && opt.power < 1))
    throw std::invalid_argument("MeanTestOptions.power must be in (0, 1), got " + fmt::format("{}", opt.power));
  if (!(opt.alpha > 0 && opt.alpha < 1))
    throw std::invalid_argument("MeanTestOptions.alpha must be in (0, 1), got " + fmt::format("{}", opt.alpha));
  const double z_crit = normal_upper_quantile(opt.alpha / 2.0);
  return decide(estimate, se, n, theory, z_crit, z_crit + normal_quantile(opt.power), opt);
}

}  // namespace regcheck::sim
