// gcsr figure: the expected gradient sign coherence rate E pi (eq. 9 of "Gradient-Coherent Strong
// Regularization for Deep Neural Networks") for g ~ N(0, sg^2), w ~ N(0, sw^2) (claims/CATALOG.md,
// gcsr.eq9.coherence-closed-form; theory/gcsr.hpp):
//   L2: E pi = 1 - atan(2 lambda sw / sg) / pi,   L1: E pi = 1 - erf(lambda / (sg sqrt 2)) / 2.
// Each depends on one dimensionless strength s (L2: 2 lambda sw / sg, L1: lambda / sg), so every
// (lambda, sg, sw) of the claim's grid lands on one curve per penalty. Monte Carlo points with 95%
// CIs from the verify JSON (extra.grid) or, when absent, a small sweep here (sg = sw = 1).
#include "reports/src/analytic_figures.hpp"
#include "sim/monte_carlo.hpp"
#include "theory/gcsr.hpp"

#include <fmt/format.h>

#include <cmath>
#include <tuple>

namespace regcheck::report::figures_detail {

namespace tg = theory::gcsr;

namespace {
constexpr double kZ95 = 1.959963984540054;  // two-sided 95% normal quantile
// Fallback: n samples of pi over 32 entries each at sg = sw = 1.
constexpr std::uint64_t kFallbackSamples = 2'000;
constexpr int kEntries = 32;

sim::Welford sweep_point(tg::Penalty kind, double lambda, std::uint64_t seed) {
  sim::McOptions opt;
  opt.seed = seed;
  const std::string name = fmt::format("report/gcsr/{} lambda={}", tg::to_string(kind), lambda);
  return sim::run_mean(name, kFallbackSamples, opt, [&](sim::Stream& s, std::uint64_t) {
    Eigen::ArrayXd g(kEntries), w(kEntries);
    for (int i = 0; i < kEntries; ++i) g(i) = s.normal();
    for (int i = 0; i < kEntries; ++i) w(i) = s.normal();
    return tg::coherence_rate(g, w, lambda, kind).pi;
  });
}
}  // namespace

std::vector<FigureSpec> gcsr_specs(const nlohmann::json& doc) {
  Plot plot;
  plot.title = "Expected gradient sign coherence, Gaussian g and w";
  plot.xlabel = "s = 2 lambda sw / sg (L2) or lambda / sg (L1), dimensionless (log scale)";
  plot.ylabel = "E pi, coherence rate of eq. (9) (fraction)";
  plot.logx = true;
  plot.xrange = {0.01, 100.0};
  plot.yrange = {0.45, 1.02};
  plot.width = 760;
  Series l2{Series::Kind::Line, "L2: 1 - atan(s)/pi", {}, {}, {}, {}};
  Series l1{Series::Kind::Line, "L1: 1 - erf(s/sqrt 2)/2", {}, {}, {}, {}};
  // s = 10^(k/20): exact decades (s = 1 at k = 0), 20 points per decade.
  for (int k = -40; k <= 40; ++k) {
    const double s = std::pow(10.0, k / 20.0);
    l2.x.push_back(s);
    l2.y.push_back(tg::expected_coherence_l2(0.5 * s, 1.0, 1.0));  // 2 lambda sw / sg = s
    l1.x.push_back(s);
    l1.y.push_back(tg::expected_coherence_l1(s, 1.0));
  }
  Series l2_mc{Series::Kind::ErrorBars, "L2, MC 95% CI", {}, {}, {}, {}};
  Series l1_mc{Series::Kind::ErrorBars, "L1, MC 95% CI", {}, {}, {}, {}};

  std::string source_text;
  const std::string table_name = "gcsr.eq9.coherence-closed-form extra.grid";
  const nlohmann::json* claim = find_claim(doc, "gcsr.eq9.coherence-closed-form");
  if (const nlohmann::json* grid = extra_table(claim, "grid")) {
    for (const nlohmann::json& row : *grid) {
      const bool is_l2 = row.value("penalty", std::string()) == "L2";
      const double lambda = required(row, "lambda", table_name), sg = required(row, "sg", table_name);
      const double sw = required(row, "sw", table_name), est = required(row, "estimate", table_name);
      const auto [lo, hi] = ci_pair(row, table_name);
      Series& s = is_l2 ? l2_mc : l1_mc;
      s.x.push_back(is_l2 ? 2.0 * lambda * sw / sg : lambda / sg);
      s.y.push_back(est);
      s.lo.push_back(lo);
      s.hi.push_back(hi);
    }
    // The claim's intervals are at its own (Bonferroni) alpha, wider than 95%.
    l2_mc.title = "L2, MC claim CI";
    l1_mc.title = "L1, MC claim CI";
    source_text = fmt::format(
        "Monte Carlo points from the verify run (seed {}): {} grid points (lambda, sg, sw), {} samples of pi over "
        "32 entries each, CI at the claim's family-wise alpha",
        seed_of(doc), grid->size(), samples_text(mc_samples(claim)));
  } else {
    const std::uint64_t seed = seed_of(doc);
    for (double lambda : {0.05, 0.2, 0.5, 2.0, 8.0}) {
      const sim::Welford l2w = sweep_point(tg::Penalty::L2, lambda, seed);
      const sim::Welford l1w = sweep_point(tg::Penalty::L1, lambda, seed);
      for (auto [s, acc, x] : {std::tuple{&l2_mc, l2w, 2.0 * lambda}, std::tuple{&l1_mc, l1w, lambda}}) {
        s->x.push_back(x);
        s->y.push_back(acc.mean());
        s->lo.push_back(acc.mean() - kZ95 * acc.standard_error());
        s->hi.push_back(acc.mean() + kZ95 * acc.standard_error());
      }
    }
    source_text = fmt::format(
        "The verify JSON carries no Monte Carlo table: points computed for this report, seed {}, sg = sw = 1, {} "
        "samples of pi over {} entries per point, 95% normal CIs",
        seed, kFallbackSamples, kEntries);
  }
  plot.series = {l2, l1};
  if (!l2_mc.x.empty()) plot.series.push_back(l2_mc);
  if (!l1_mc.x.empty()) plot.series.push_back(l1_mc);
  FigureSpec f;
  f.file_name = "gcsr-coherence.svg";
  f.caption = fmt::format(
      "Expected gradient sign coherence rate (eq. 9) for g ~ N(0, sg^2), w ~ N(0, sw^2): closed forms against Monte "
      "Carlo, each (lambda, sg, sw) placed at its dimensionless strength s. Both tend to 1/2 as s grows. {}.",
      source_text);
  f.plot = std::move(plot);
  return {f};
}

}  // namespace regcheck::report::figures_detail
