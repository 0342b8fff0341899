// dropact figure: the Drop-Activation shift ratio Var(X_test)/Var(X_train) over p (Property 5.2,
// eq. 15 of "Drop-Activation: Implicit Parameter Reduction and Harmonic Regularization") and the
// inverted-dropout ratio v / ((c^2 + v)/p - c^2) (claims/CATALOG.md, dropact.sec5_2.vs-dropout),
// theory curves from theory/dropact.hpp, Monte Carlo points with 95% CI bars from the verify JSON
// (extra.monte_carlo of dropact.prop5_2.shift-ratio and dropact.sec5_2.vs-dropout) or, when the
// document lacks them, from a small sweep here with the claims' own estimator.
#include "claims/dropact/mc_estimate.hpp"
#include "reports/src/analytic_figures.hpp"
#include "sim/rng.hpp"
#include "theory/dropact.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <numbers>

namespace regcheck::report::figures_detail {

namespace td = theory::dropact;
namespace mc = claims::dropact_mc;

namespace {
// Two-sided 95% normal quantile: bars are estimate +- z se (delta-method se of the claims).
constexpr double kZ95 = 1.959963984540054;

void add_point(Series& s, double p, double est, double se) {
  s.x.push_back(p);
  s.y.push_back(est);
  s.lo.push_back(est - kZ95 * se);
  s.hi.push_back(est + kZ95 * se);
}

// The fallback sweep: w = 8 ones, n samples per p, common random numbers as in the claims
// (claims/dropact/mc_estimate.hpp); streams named "report/dropact/<method> p=<p>".
constexpr std::uint64_t kFallbackSamples = 20'000;
mc::RatioEstimate sweep_point(mc::Method m, double p, std::uint64_t seed) {
  const std::vector<double> w(8, 1.0);
  const bool dropout = m == mc::Method::Dropout;
  // Centring constants (the theoretical means; variances are shift invariant).
  const double c = 1.0 / std::sqrt(2.0 * std::numbers::pi);
  const double shift = dropout ? c * 8.0 : td::mean_x(p, 8.0);
  const std::string name = fmt::format("report/dropact/{} p={}", dropout ? "dropout" : "drop-activation", p);
  sim::McOptions opt;
  opt.seed = seed;
  return mc::ratio_from(mc::ratio_moments(m, w, p, shift, shift, sim::stream_id(name), 0, kFallbackSamples, opt));
}
}  // namespace

std::vector<FigureSpec> dropact_specs(const nlohmann::json& doc) {
  Plot plot;
  plot.title = "Variance shift ratio Var(X_test) / Var(X_train)";
  plot.xlabel = "p, keep / retain probability (dimensionless)";
  plot.ylabel = "Var(X_test) / Var(X_train) (dimensionless)";
  plot.xrange = {0.0, 1.0};
  plot.yrange = {0.0, 1.05};
  plot.width = 760;

  Series da{Series::Kind::Line, "Drop-Activation, eq. (15)", {}, {}, {}, {}};
  for (int k = 0; k <= 100; ++k) {
    da.x.push_back(k / 100.0);
    da.y.push_back(td::shift_ratio(k / 100.0));
  }
  Series dr{Series::Kind::Line, "dropout (ref. [12])", {}, {}, {}, {}};
  for (int k = 2; k <= 100; ++k) {
    dr.x.push_back(k / 100.0);
    dr.y.push_back(td::dropout_shift_ratio(k / 100.0));
  }
  Series da_mc{Series::Kind::ErrorBars, "Drop-Activation, MC", {}, {}, {}, {}};
  Series dr_mc{Series::Kind::ErrorBars, "dropout, MC", {}, {}, {}, {}};

  std::string source_text;
  const nlohmann::json* shift = find_claim(doc, "dropact.prop5_2.shift-ratio");
  const nlohmann::json* vs = find_claim(doc, "dropact.sec5_2.vs-dropout");
  const nlohmann::json* t_shift = extra_table(shift, "monte_carlo");
  const nlohmann::json* t_vs = extra_table(vs, "monte_carlo");
  if (t_shift || t_vs) {
    int skipped = 0;
    std::vector<std::string> parts;
    if (t_shift) {
      for (const nlohmann::json& row : *t_shift) {
        const double p = required(row, "p", "dropact.prop5_2.shift-ratio extra.monte_carlo");
        const auto est = number(row, "estimate"), se = number(row, "se");
        if (est && se) add_point(da_mc, p, *est, *se); else ++skipped;
      }
      parts.push_back(fmt::format("dropact.prop5_2.shift-ratio: {} Drop-Activation points, {} samples each",
                                  t_shift->size(), samples_text(mc_samples(shift))));
    }
    if (t_vs) {
      for (const nlohmann::json& row : *t_vs) {
        const double p = required(row, "p", "dropact.sec5_2.vs-dropout extra.monte_carlo");
        const auto est = number(row, "estimate"), se = number(row, "se");
        const bool dropout = row.value("method", std::string()) == "dropout";
        if (est && se) add_point(dropout ? dr_mc : da_mc, p, *est, *se); else ++skipped;
      }
      parts.push_back(fmt::format("dropact.sec5_2.vs-dropout: {} points, {} samples each", t_vs->size(),
                                  samples_text(mc_samples(vs))));
    }
    source_text = fmt::format("Monte Carlo points from the verify run (seed {}): {}", seed_of(doc), fmt::join(parts, "; "));
    if (skipped) source_text += fmt::format("; {} rows without a finite estimate omitted", skipped);
  } else {
    const std::uint64_t seed = seed_of(doc);
    for (double p : {0.1, 0.3, 0.5, 0.7, 0.9, 0.95}) {
      const mc::RatioEstimate e = sweep_point(mc::Method::DropActivation, p, seed);
      add_point(da_mc, p, e.ratio, e.se);
    }
    for (double p : {0.3, 0.5, 0.7, 0.9}) {
      const mc::RatioEstimate e = sweep_point(mc::Method::Dropout, p, seed);
      add_point(dr_mc, p, e.ratio, e.se);
    }
    source_text = fmt::format(
        "The verify JSON carries no Monte Carlo table: points computed for this report, seed {}, {} samples per point, "
        "w = 8 ones, x ~ N(0, 1)",
        seed, samples_text(static_cast<double>(kFallbackSamples)));
  }

  const double r95 = td::shift_ratio(0.95);
  // The operating point: guide lines from both axes to (0.95, ratio) and the point itself.
  Series guide{Series::Kind::Line, fmt::format("p = 0.95: {:.4f}", r95), {0.0, 0.95, 0.95}, {r95, r95, 0.0}, {}, {}};
  Series mark{Series::Kind::Points, "", {0.95}, {r95}, {}, {}};
  plot.series = {da, dr};
  if (!da_mc.x.empty()) plot.series.push_back(da_mc);
  if (!dr_mc.x.empty()) plot.series.push_back(dr_mc);
  plot.series.push_back(guide);
  plot.series.push_back(mark);

  FigureSpec f;
  f.file_name = "dropact-shift-ratio.svg";
  f.caption = fmt::format(
      "Variance shift ratio of Drop-Activation (Property 5.2, eq. 15; x_i ~ N(0, 1), independent of w) and of "
      "inverted dropout after a ReLU, over p. The marked point is Drop-Activation's operating point p = 0.95 "
      "(ratio {:.4f}). {}. Bars: estimate +- 1.96 delta-method standard errors.",
      r95, source_text);
  f.plot = std::move(plot);
  return {f};
}

}  // namespace regcheck::report::figures_detail
