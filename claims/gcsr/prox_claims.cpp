// gcsr.eq10.l1-prox: the prox of z|.| (z = alpha lambda) is soft thresholding S(a, z) (eq. 10).
// Checked against brute-force global minimization of f(x) = (x - a)^2 / 2 + z |x| (comparing
// objective values so ties survive) and by the optimality condition 0 in x - a + z d|x|.
#include "claims/gcsr/checks.hpp"
#include "sim/rng.hpp"
#include "theory/prox.hpp"

#include <boost/math/tools/minima.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace regcheck::claims::gcsr {

namespace {

constexpr double eps = std::numeric_limits<double>::epsilon();

double objective(double x, double a, double z) { return 0.5 * (x - a) * (x - a) + z * std::abs(x); }

// Global minimum of f by a dense grid and Brent refinement around the best grid point. f is
// above f(0) = a^2/2 for |x| > 2|a| (f(x) >= (|x| - |a|)^2 / 2), so [-2|a|, 2|a|] holds every
// minimizer. The grid is symmetric with an odd number of points, so it contains 0, the kink of
// |x| where Brent's method (made for smooth minima) converges slowly.
struct Brute {
  double x, f;
};
Brute brute_force(double a, double z) {
  const double R = a != 0 ? 2.0 * std::abs(a) : 1.0;
  constexpr int kHalf = 1000;
  const double step = R / kHalf;
  Brute best{0.0, objective(0.0, a, z)};
  for (int k = -kHalf; k <= kHalf; ++k) {
    const double x = k * step;
    const double f = objective(x, a, z);
    if (f < best.f) best = {x, f};
  }
  const auto fn = [&](double x) { return objective(x, a, z); };
  const auto [xb, fb] = boost::math::tools::brent_find_minima(fn, best.x - step, best.x + step,
                                                              std::numeric_limits<double>::digits / 2);
  if (fb < best.f) best = {xb, fb};
  return best;
}

double draw_scale(sim::Stream& rng) { return std::pow(10.0, -3.0 + 6.0 * rng.uniform()); }

}  // namespace

ClaimResult check_eq10_l1_prox(const CheckContext& ctx) {
  ClaimResult r;
  const std::uint64_t sid = sim::stream_id("gcsr.eq10.l1-prox/instances");
  constexpr int kRandom = 600;
  // Edge cases first: the thresholds a = +-z, one ulp either side, z = 0 (identity), a = 0.
  std::vector<std::pair<double, double>> cases = {{0.0, 0.0}, {0.0, 1.0}, {1.0, 0.0}, {-2.5, 0.0}, {1.0, 1.0},
                                                  {-1.0, 1.0}, {std::nextafter(1.0, 2.0), 1.0},
                                                  {std::nextafter(1.0, 0.0), 1.0}, {-std::nextafter(1.0, 2.0), 1.0},
                                                  {3.0, 1e-12}, {1e-9, 1e3}, {-1e3, 1e-3}};
  for (int i = 0; i < kRandom; ++i) {
    sim::Stream rng(ctx.seed, sid, static_cast<std::uint64_t>(i));
    const double u = rng.uniform();
    double z = rng.bernoulli(0.1) ? 0.0 : std::abs(rng.normal()) * draw_scale(rng);
    double a = rng.normal() * draw_scale(rng);
    if (u < 0.1) a = rng.bernoulli(0.5) ? z : -z;                                   // exactly at the threshold
    else if (u < 0.2) a = std::nextafter(z, rng.bernoulli(0.5) ? INFINITY : 0.0);  // one ulp from it
    else if (u < 0.25) a = 0.0;
    cases.emplace_back(a, z);
  }

  double worst_obj = 0, worst_opt = 0, max_gap = -INFINITY, max_argdiff = 0;
  std::string obj_where, opt_where;
  nlohmann::json samples = nlohmann::json::array();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto [a, z] = cases[i];
    const double x = theory::soft_threshold(a, z);
    const double fS = objective(x, a, z);
    const Brute b = brute_force(a, z);
    // Each objective evaluation rounds a subtraction, a square, a product, an abs-product and a
    // sum: relative error <= 2 eps of its (nonnegative) value. Two evaluations, 2x margin: 8 eps.
    const double tol = 8.0 * eps * std::max(fS, b.f);
    const double excess = fS - b.f;  // > tol: brute force found a strictly better point
    const double ratio = tol > 0 ? excess / tol : (excess > 0 ? INFINITY : 0.0);
    if (ratio > worst_obj) {
      worst_obj = ratio;
      obj_where = fmt::format("a={:.17g} z={:.17g}: S={:.17g} f(S)={:.17g}; brute force x={:.17g} f={:.17g}", a, z, x,
                              fS, b.x, b.f);
    }
    max_gap = std::max(max_gap, b.f - fS);
    max_argdiff = std::max(max_argdiff, std::abs(b.x - x) / std::max(1.0, std::abs(a)));

    // Optimality: 0 in x - a + z d|x|. x != 0: x - a + z sign(x) = 0 with the same sign as a, up
    // to 4 eps (|x| + |a| + z) (x = a -+ z rounded once, the residual rounded twice). x = 0:
    // |a| <= z exactly (no arithmetic).
    double viol = 0;
    if (x != 0) {
      const double res = std::abs(x - a + z * (x > 0 ? 1.0 : -1.0));
      const double otol = 4.0 * eps * (std::abs(x) + std::abs(a) + z);
      viol = std::max(res / otol, std::signbit(x) == std::signbit(a) ? 0.0 : INFINITY);
    } else {
      viol = std::abs(a) <= z ? 0.0 : INFINITY;
    }
    if (viol > worst_opt) {
      worst_opt = viol;
      opt_where = fmt::format("a={:.17g} z={:.17g}: S={:.17g}", a, z, x);
    }
    if (i < 12) samples.push_back({{"a", a}, {"z", z}, {"S", x}, {"f_S", fS}, {"brute_x", b.x}, {"brute_f", b.f}});
  }
  r.checks.push_back(tolerance_record(
      "f(S(a, z)) <= brute-force global minimum of (x - a)^2/2 + z|x|", "closed-form-vs-numerics", worst_obj, 1.0,
      fmt::format("{} instances ({} edge cases: a = +-z, one ulp off, z = 0, a = 0); excess in units of 8 eps f; "
                  "grid of 2001 points on [-2|a|, 2|a|] + Brent; brute force never better than S by more than "
                  "rounding{}",
                  cases.size(), cases.size() - kRandom, obj_where.empty() ? "" : "; worst: " + obj_where)));
  r.checks.push_back(tolerance_record(
      "optimality: 0 in S - a + z * subdifferential |.|(S)", "property", worst_opt, 1.0,
      fmt::format("{} instances; residual in units of 4 eps (|S| + |a| + z){}", cases.size(),
                  opt_where.empty() ? "" : "; worst: " + opt_where)));
  r.max_error = std::max(worst_obj, worst_opt);
  r.extra["max_brute_minus_S_objective"] = max_gap;
  r.extra["max_argmin_difference_relative"] = max_argdiff;
  r.extra["samples"] = samples;
  summarize(r);
  if (r.verdict == Verdict::Fails) r.counterexample = worst_obj > 1.0 ? obj_where : opt_where;
  return r;
}

}  // namespace regcheck::claims::gcsr
