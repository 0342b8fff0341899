// tl1 figure: the TL1 prox (thresholding function) prox_{lambda rho_a}(y) = argmin_x
// 0.5 (x - y)^2 + lambda rho_a(x), rho_a(x) = (a + 1)|x| / (a + |x|) (tl1 eqs. 12 and 36; Zhang &
// Xin, Thm. 3.1), from theory::tl1_prox for several a at lambda = 1, against brute-force points:
// the argmin of the same objective over a grid of x, computed here (independent of the closed form).
#include "reports/src/analytic_figures.hpp"
#include "theory/prox.hpp"
#include "theory/tl1.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>

namespace regcheck::report::figures_detail {

namespace {
constexpr double kLambda = 1.0;
// a = 0.2 and 1 are supercritical at lambda = 1 (lambda > a^2 / (2 (a + 1))): the prox jumps from
// 0 to g(t) at the threshold t; a = 3 and 10 are subcritical (continuous, t = lambda (a + 1) / a).
constexpr double kAs[] = {0.2, 1.0, 3.0, 10.0};
// Brute force: x on a grid of step 1e-3 over [-5, 5] (10001 points), y at odd multiples of 0.25
// in [-3.75, 3.75] (16 points, none on a threshold, where two minimizers tie).
constexpr int kGridHalf = 5000;
constexpr double kGridStep = 1e-3;

double grid_argmin(double y, double a) {
  double best_x = 0, best = INFINITY;
  for (int k = -kGridHalf; k <= kGridHalf; ++k) {
    const double x = k * kGridStep;
    const double f = theory::tl1::prox_objective(x, y, kLambda, a);
    if (f < best) best = f, best_x = x;
  }
  return best_x;
}
}  // namespace

std::vector<FigureSpec> tl1_specs(const nlohmann::json&) {
  Plot plot;
  plot.title = "TL1 prox (thresholding function), lambda = 1";
  plot.xlabel = "y (input weight, same unit as the weights)";
  plot.ylabel = "prox_{lambda rho_a}(y) (same unit as y)";
  plot.xrange = {-4.0, 4.0};
  plot.yrange = {-4.0, 4.0};
  plot.width = 760;
  plot.height = 480;
  Series brute{Series::Kind::Points, "grid argmin, step 1e-3", {}, {}, {}, {}};
  std::vector<std::string> thresholds;
  for (double a : kAs) {
    Series s{Series::Kind::Line, fmt::format("a = {} (eq. 36)", a), {}, {}, {}, {}};
    for (int k = -400; k <= 400; ++k) {
      const double y = k / 100.0;
      s.x.push_back(y);
      s.y.push_back(theory::tl1_prox(y, kLambda, a));
    }
    plot.series.push_back(std::move(s));
    for (int k = 0; k < 16; ++k) {
      const double y = -3.75 + 0.5 * k;
      brute.x.push_back(y);
      brute.y.push_back(grid_argmin(y, a));
    }
    thresholds.push_back(fmt::format("a = {}: t = {:.4f}", a, theory::tl1_threshold(kLambda, a)));
  }
  plot.series.push_back(std::move(brute));
  FigureSpec f;
  f.file_name = "tl1-prox.svg";
  f.caption = fmt::format(
      "TL1 prox at lambda = 1 for a = 0.2, 1, 3, 10 (eq. 36, theory::tl1_prox; curves sampled every 0.01), zero for "
      "|y| <= t ({}); a = 0.2 and 1 are supercritical (a jump at t, drawn as a steep segment), a = 3 and 10 "
      "subcritical (continuous). Points: brute-force minimizers of the prox objective over 10001 grid values of x in "
      "[-5, 5], at 16 values of y per a (64 points; deterministic, no sampling).",
      fmt::join(thresholds, "; "));
  f.plot = std::move(plot);
  return {f};
}

}  // namespace regcheck::report::figures_detail
