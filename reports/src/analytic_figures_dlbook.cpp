// dlbook figures (Goodfellow, Bengio, Courville 2016, ch. 7), drawn only from what the verify
// JSON's extra tables carry (no sampling here; absent tables give no figure):
// - 7.10 ensembles: E[(mean eps)^2] = v/k + (k-1)c/k (theory::dlbook::ensemble_mse) over k for the
//   (v, c) of dlbook.7_10.ensemble-mse, with its Monte Carlo points and CIs (extra.grid);
// - 7.7 early stopping: the relative error of alpha ~ 1/(tau eta) (eq. 7.28) against
//   u = tau eta lambda (extra.alpha_7_28_table of dlbook.7_7.early-stopping), with the continuum
//   limit |u / (e^u - 1) - 1| (expm1: no cancellation at small u).
#include "reports/src/analytic_figures.hpp"
#include "theory/dlbook_noise.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>

namespace regcheck::report::figures_detail {

namespace {

constexpr int kMaxK = 12;

std::optional<FigureSpec> ensemble_spec(const nlohmann::json& doc) {
  const std::string table_name = "dlbook.7_10.ensemble-mse extra.grid";
  const nlohmann::json* claim = find_claim(doc, "dlbook.7_10.ensemble-mse");
  const nlohmann::json* grid = extra_table(claim, "grid");
  if (!grid) return std::nullopt;
  Plot plot;
  plot.title = "Ensemble of k models: expected squared error of the mean";
  plot.xlabel = "k, number of models (count)";
  plot.ylabel = "E[(mean eps)^2] (squared error units, as v and c)";
  plot.xrange = {0.5, kMaxK + 0.5};
  plot.width = 760;
  Series mc{Series::Kind::ErrorBars, "Monte Carlo, claim CI", {}, {}, {}, {}};
  double ymax = 0;
  std::map<std::pair<double, double>, bool> drawn;  // one curve per (v, c)
  for (const nlohmann::json& row : *grid) {
    const double k = required(row, "k", table_name), v = required(row, "v", table_name);
    const double c = required(row, "c", table_name), est = required(row, "mc", table_name);
    const auto [lo, hi] = ci_pair(row, table_name);
    mc.x.push_back(k);
    mc.y.push_back(est);
    mc.lo.push_back(lo);
    mc.hi.push_back(hi);
    ymax = std::max(ymax, mc.hi.back());
    if (drawn[{v, c}]) continue;
    drawn[{v, c}] = true;
    // The covariance is PSD only for c >= -v / (k - 1): the curve stops at the last valid k.
    Series s{Series::Kind::Line, fmt::format("v = {}, c = {}", v, c), {}, {}, {}, {}};
    for (int kk = 1; kk <= kMaxK; ++kk) {
      if (c < 0 && kk > 1 && c < -v / (kk - 1)) break;
      s.x.push_back(kk);
      s.y.push_back(theory::dlbook::ensemble_mse(kk, v, c));
      ymax = std::max(ymax, s.y.back());
    }
    plot.series.push_back(std::move(s));
  }
  plot.yrange = {0.0, 1.1 * ymax};
  plot.series.push_back(std::move(mc));
  FigureSpec f;
  f.file_name = "dlbook-ensemble-mse.svg";
  f.caption = fmt::format(
      "Section 7.10: the mean of k errors with variance v and covariance c has expected square v/k + (k-1)c/k "
      "(curves; stopped where the covariance would not be positive semidefinite). Points: Monte Carlo of "
      "dlbook.7_10.ensemble-mse from the verify run (seed {}), {} cases, {} samples each, CIs at the claim's alpha.",
      seed_of(doc), grid->size(), samples_text(mc_samples(claim)));
  f.plot = std::move(plot);
  return f;
}

std::optional<FigureSpec> early_stopping_spec(const nlohmann::json& doc) {
  const std::string table_name = "dlbook.7_7.early-stopping extra.alpha_7_28_table";
  const nlohmann::json* table = extra_table(find_claim(doc, "dlbook.7_7.early-stopping"), "alpha_7_28_table");
  if (!table) return std::nullopt;
  Plot plot;
  plot.title = "Early stopping as L2: error of alpha ~ 1/(tau eta), eq. (7.28)";
  plot.xlabel = "u = tau eta lambda (dimensionless, log scale)";
  plot.ylabel = "|alpha tau eta - 1| (relative error, log scale)";
  plot.logx = plot.logy = true;
  plot.xrange = {1e-4, 100.0};
  plot.yrange = {1e-5, 10.0};
  plot.width = 760;
  Series limit{Series::Kind::Line, "continuum: 1 - u / (e^u - 1)", {}, {}, {}, {}};
  for (int k = -80; k <= 40; ++k) {
    const double u = std::pow(10.0, k / 20.0);
    limit.x.push_back(u);
    limit.y.push_back(1.0 - u / std::expm1(u));
  }
  Series pts{Series::Kind::Points, "exact GD alpha, grid", {}, {}, {}, {}};
  int zero = 0;
  for (const nlohmann::json& row : *table) {
    const double u = required(row, "tau_eta_lambda", table_name), rel = required(row, "rel_error", table_name);
    if (rel == 0) {
      ++zero;  // exact agreement: not representable on the log axis
      continue;
    }
    pts.x.push_back(u);
    pts.y.push_back(std::abs(rel));
  }
  plot.series = {limit};
  if (!pts.x.empty()) plot.series.push_back(std::move(pts));
  FigureSpec f;
  f.file_name = "dlbook-early-stopping-alpha.svg";
  f.caption = fmt::format(
      "Section 7.7: relative error of the approximation alpha ~ 1/(tau eta) (7.28) to the exact per-direction alpha "
      "of gradient descent (7.27), at {} grid points (eta lambda from 1e-6 to 0.5; exact evaluation, no sampling){}; "
      "small only when tau eta lambda << 1 (early stopping), -42% at 1.",
      table->size(), zero ? fmt::format(", {} with zero error not drawn", zero) : std::string());
  f.plot = std::move(plot);
  return f;
}

}  // namespace

std::vector<FigureSpec> dlbook_specs(const nlohmann::json& doc) {
  std::vector<FigureSpec> out;
  if (auto f = ensemble_spec(doc)) out.push_back(std::move(*f));
  if (auto f = early_stopping_spec(doc)) out.push_back(std::move(*f));
  return out;
}

}  // namespace regcheck::report::figures_detail
