#include "reports/src/empirical_figures.hpp"

#include "reports/src/gnuplot.hpp"
#include "reports/src/report_inputs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

namespace regcheck::report {

namespace {

using nlohmann::json;

// The unit of a metric, for axis labels.
std::string axis_label(const std::string& metric) {
  auto has = [&](const char* s) { return metric.find(s) != std::string::npos; };
  if (has("accuracy")) return metric + " (fraction correct)";
  if (has("surviving_sparsity") || metric == "sparsity" || has(".sparsity")) return metric + " (fraction of zero weights)";
  if (has("neurons_removed")) return metric + " (neurons)";
  if (has("grad")) return metric + " (mean |dL/dw|, log scale)";
  if (has("pruned")) return metric + " (fraction kept)";
  if (has("mse") || has("loss")) return metric + " (loss per example)";
  if (has("roughness")) return metric + " (mean abs second difference on the grid)";
  if (has("pi.")) return metric + " (fraction of coherent signs)";
  if (has("ratio")) return metric + " (ratio)";
  return metric;
}

std::string seeds_text(const json& arms) {
  std::set<std::size_t> n;
  for (const json& a : arms) n.insert(a.contains("seeds") ? a["seeds"].size() : 0);
  if (n.size() == 1) return fmt::format("{} seeds per arm", *n.begin());
  std::string s;
  for (const json& a : arms) s += fmt::format("{}{}: {}", s.empty() ? "" : ", ", text_at(a, "name"), a.contains("seeds") ? a["seeds"].size() : 0);
  return "seeds per arm: " + s;
}

bool finite_all(std::initializer_list<std::optional<double>> v) {
  return std::all_of(v.begin(), v.end(), [](const auto& x) { return x && std::isfinite(*x); });
}

// The numeric parameter an arm name carries: "p=0.60" -> ("p", 0.6), "l1-1e-3" -> ("l1", 1e-3),
// "depth5-3e-3" -> ("depth5", 3e-3), "member-3" -> ("member", 3); nullopt otherwise.
std::optional<std::pair<std::string, double>> arm_parameter(const std::string& name) {
  const std::size_t cut = name.find_last_of("=-");
  if (cut == std::string::npos || cut == 0 || cut + 1 >= name.size()) return std::nullopt;
  const std::string tail = name.substr(cut + 1);
  if (!std::isdigit(static_cast<unsigned char>(tail[0]))) return std::nullopt;
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(tail, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used != tail.size() || !std::isfinite(v)) return std::nullopt;
  // "l1-1e-3": the last '-' is the exponent's; take the '-' before the mantissa instead.
  std::string prefix = name.substr(0, cut);
  if (!prefix.empty() && prefix.back() == 'e') {
    const std::size_t c2 = name.find_last_of("=-", cut - 1);
    if (c2 != std::string::npos && c2 > 0) {
      try {
        const std::string t2 = name.substr(c2 + 1);
        v = std::stod(t2, &used);
        if (used != t2.size()) return std::nullopt;
        prefix = name.substr(0, c2);
      } catch (const std::exception&) {
        return std::nullopt;
      }
    }
  }
  return std::make_pair(prefix, v);
}

RenderedFigure render(const Plot& p, std::string file, std::string caption) {
  return RenderedFigure{std::move(file), std::move(caption), render_svg(p)};
}

// Per-epoch curves of every metric with 95% CI bands.
void curve_figures(const json& c, const std::string& stem, std::vector<RenderedFigure>& out) {
  const json& arms = c["arms"];
  std::vector<std::string> metrics;
  for (const json& a : arms)
    if (a.contains("curves") && a["curves"].is_object())
      for (const auto& [m, _] : a["curves"].items())
        if (std::find(metrics.begin(), metrics.end(), m) == metrics.end()) metrics.push_back(m);
  for (const std::string& m : metrics) {
    Plot p;
    p.title = fmt::format("{}: {} per epoch", text_at(c, "id"), m);
    p.xlabel = "epoch (passes over the training set)";
    p.ylabel = axis_label(m);
    p.logy = m.find("grad") != std::string::npos;
    for (std::size_t ai = 0; ai < arms.size(); ++ai) {
      const json& a = arms[ai];
      if (!a.contains("curves") || !a["curves"].contains(m)) continue;
      const int colour = static_cast<int>(ai % 8) + 1;  // the arm's band and line alike
      Series band{Series::Kind::Band, "", {}, {}, {}, {}, colour}, line{Series::Kind::Line, text_at(a, "name"), {}, {}, {}, {}, colour};
      for (const json& e : a["curves"][m]) {
        const auto ep = number_at(e, "epoch"), mean = number_at(e, "mean"), lo = number_at(e, "ci_lo"), hi = number_at(e, "ci_hi");
        if (!finite_all({ep, mean})) continue;
        if (p.logy && *mean <= 0) continue;
        line.x.push_back(*ep), line.y.push_back(*mean);
        if (finite_all({lo, hi}) && (!p.logy || *lo > 0)) band.x.push_back(*ep), band.lo.push_back(*lo), band.hi.push_back(*hi);
      }
      if (band.x.size() >= 2) p.series.push_back(std::move(band));
      if (!line.x.empty()) p.series.push_back(std::move(line));
    }
    if (p.series.empty()) continue;
    out.push_back(render(p, fmt::format("{}-curve-{}.svg", stem, file_stem(m)),
                         fmt::format("{} per epoch: mean over seeds (lines) with 95% Student-t CI bands; {}.", m, seeds_text(arms))));
  }
}

// Final value of `m` per arm with 95% CI bars.
void final_figure(const json& c, const std::string& m, const std::string& stem, std::vector<RenderedFigure>& out) {
  const json& arms = c["arms"];
  struct Point { std::string arm; std::optional<std::pair<std::string, double>> par; double mean, lo, hi; };
  std::vector<Point> pts;
  for (const json& a : arms) {
    if (!a.contains("final") || !a["final"].contains(m)) continue;
    const json& f = a["final"][m];
    const auto mean = number_at(f, "mean"), lo = number_at(f, "ci_lo"), hi = number_at(f, "ci_hi");
    if (!finite_all({mean, lo, hi})) continue;
    pts.push_back({text_at(a, "name"), arm_parameter(text_at(a, "name")), *mean, *lo, *hi});
  }
  if (pts.empty()) return;
  std::size_t with_par = 0;
  for (const Point& q : pts) with_par += q.par.has_value();
  Plot p;
  p.title = fmt::format("{}: final {} per arm", text_at(c, "id"), m);
  p.ylabel = axis_label(m);
  std::string how;
  if (with_par >= 3) {  // a sweep: one series per arm family, over the parameter
    std::map<std::string, std::size_t> index;
    double xmin = INFINITY, xmax = -INFINITY;
    std::string names;
    for (const Point& q : pts) {
      if (!q.par) continue;
      auto [it, fresh] = index.try_emplace(q.par->first, p.series.size());
      if (fresh) {
        p.series.push_back(Series{Series::Kind::ErrorBars, q.par->first, {}, {}, {}, {}, static_cast<int>(p.series.size() % 8) + 1});
        names += (names.empty() ? "" : ", ") + q.par->first;
      }
      Series& s = p.series[it->second];
      s.x.push_back(q.par->second), s.y.push_back(q.mean), s.lo.push_back(q.lo), s.hi.push_back(q.hi);
      xmin = std::min(xmin, q.par->second), xmax = std::max(xmax, q.par->second);
    }
    const std::size_t families = p.series.size();
    for (std::size_t i = 0; i < families; ++i)  // a thin line joins each family's points (index, not a reference: push_back)
      if (p.series[i].x.size() >= 2) p.series.push_back(Series{Series::Kind::Line, "", p.series[i].x, p.series[i].y, {}, {}, p.series[i].color});
    p.logx = xmin > 0 && xmax / xmin >= 10;  // lambda and a span decades
    const double pad = p.logx ? 0 : 0.05 * std::max(xmax - xmin, 1e-12);
    p.xrange = p.logx ? std::make_pair(xmin / 2, xmax * 2) : std::make_pair(xmin - pad, xmax + pad);
    // What the number in the arm names is: "p=0.60", "a=0.5", "member-3", else a regularization
    // strength ("l1-1e-3", "delayed-0.003", "depth5-3e-3").
    const std::string first = p.series.front().title;
    const std::string what = first == "p" ? "keep probability p" : first == "a" ? "TL1 parameter a" : first == "member" ? "ensemble member (index)"
                                                                                                     : "regularization strength lambda";
    p.xlabel = fmt::format("{} (from the arm names{})", what, p.logx ? "; log scale" : "");
    how = "over the arm parameter; arms without one are in the tables";
  } else {  // one bar per arm at x = 1..n, named in the legend
    for (std::size_t i = 0; i < pts.size(); ++i)
      p.series.push_back(Series{Series::Kind::ErrorBars, pts[i].arm, {double(i + 1)}, {pts[i].mean}, {pts[i].lo}, {pts[i].hi}});
    p.xrange = std::make_pair(0.5, pts.size() + 0.5);
    p.xlabel = "arm (index, named in the legend)";
    how = "one bar per arm";
  }
  // The claim's band rows on the test accuracy (e.g. "acc(L1 2e-2) in 0.1 +- 0.05", the TOST of a
  // collapse to chance): each distinct band as a horizontal band behind the points, its legend
  // naming the rows' arms.
  std::string band_note;
  if (m == "test_accuracy" && c.contains("tests") && c["tests"].is_array()) {
    std::vector<std::pair<std::pair<double, double>, std::string>> bands;  // (lo, hi), "acc(a), acc(b)"
    for (const json& t : c["tests"]) {
      const std::string name = text_at(t, "name");
      const auto blo = number_at(t, "band_lo"), bhi = number_at(t, "band_hi");
      if (name.rfind("acc(", 0) != 0 || text_at(t, "kind") != "band" || !finite_all({blo, bhi})) continue;
      const std::string what = name.substr(0, name.find(')') + 1);
      auto it = std::find_if(bands.begin(), bands.end(), [&](const auto& b) { return b.first == std::make_pair(*blo, *bhi); });
      if (it == bands.end()) bands.push_back({{*blo, *bhi}, what});
      else it->second += ", " + what;
    }
    const auto [x0, x1] = *p.xrange;
    std::vector<Series> shaded;
    for (const auto& [lohi, what] : bands) {
      shaded.push_back(Series{Series::Kind::Band, fmt::format("chance band [{:g}, {:g}]", lohi.first, lohi.second),
                              {x0, x1}, {}, {lohi.first, lohi.first}, {lohi.second, lohi.second}, 8});
      band_note += fmt::format("{}[{:g}, {:g}] for {}", band_note.empty() ? "" : "; ", lohi.first, lohi.second, what);
    }
    p.series.insert(p.series.begin(), shaded.begin(), shaded.end());
  }
  if (!band_note.empty()) band_note = "; shaded: the claim's band test of a collapse to chance accuracy, " + band_note;
  out.push_back(render(p, fmt::format("{}-final-{}.svg", stem, file_stem(m)),
                       fmt::format("Final {} per arm (mean and 95% Student-t CI over seeds), {}{}; {}.", m, how, band_note, seeds_text(arms))));
}

// The fitted curves of a 1-D regression (fit_probe.curve, Drop-Activation fig. 3): per arm the
// mean over seeds of the fitted value at each x with its 95% CI band, and the noise-free target.
void fit_curve_figure(const json& c, const std::string& stem, std::vector<RenderedFigure>& out) {
  const char* kOut = "fit_probe.curve.output";
  const char* kX = "fit_probe.curve.x";
  const char* kTarget = "fit_probe.curve.target";
  const json& arms = c["arms"];
  Plot p;
  p.title = fmt::format("{}: fitted curves", text_at(c, "id"));
  p.xlabel = "x (input of the net)";
  p.ylabel = "f(x) (fitted value; target x sin x)";
  Series target{Series::Kind::Line, "noise-free target", {}, {}, {}, {}, 8};
  std::size_t n_arms = 0;
  for (std::size_t ai = 0; ai < arms.size(); ++ai) {
    const json& a = arms[ai];
    if (!a.contains("profiles") || !a["profiles"].contains(kOut) || !a["profiles"].contains(kX)) continue;
    const json& po = a["profiles"][kOut];
    const json& px = a["profiles"][kX];
    std::map<long, double> xs;
    for (std::size_t i = 0; i < px["index"].size() && i < px["mean"].size(); ++i) xs[px["index"][i].get<long>()] = px["mean"][i].get<double>();
    const int colour = static_cast<int>(ai % 7) + 1;  // 8 is the target's
    Series band{Series::Kind::Band, "", {}, {}, {}, {}, colour}, line{Series::Kind::Line, text_at(a, "name") + " (mean, 95% CI)", {}, {}, {}, {}, colour};
    for (std::size_t i = 0; i < po["index"].size(); ++i) {
      const auto x = xs.find(po["index"][i].get<long>());
      const double mean = po["mean"][i].get<double>(), lo = po["ci_lo"][i].get<double>(), hi = po["ci_hi"][i].get<double>();
      if (x == xs.end()) continue;
      line.x.push_back(x->second), line.y.push_back(mean);
      band.x.push_back(x->second), band.lo.push_back(lo), band.hi.push_back(hi);
    }
    if (line.x.size() < 2) continue;
    ++n_arms;
    p.series.push_back(std::move(band));
    p.series.push_back(std::move(line));
    if (target.x.empty() && a["profiles"].contains(kTarget)) {
      const json& pt = a["profiles"][kTarget];
      for (std::size_t i = 0; i < pt["index"].size(); ++i)
        if (const auto x = xs.find(pt["index"][i].get<long>()); x != xs.end()) target.x.push_back(x->second), target.y.push_back(pt["mean"][i].get<double>());
    }
  }
  if (n_arms == 0) return;
  if (target.x.size() >= 2) p.series.push_back(std::move(target));
  out.push_back(render(p, stem + "-fit-curve.svg",
                       fmt::format("Fitted curves after the last epoch (eval mode): per arm the mean over seeds of the net's output at "
                                   "evenly spaced x with its 95% Student-t CI band, and the noise-free target x sin x (the training "
                                   "targets carry N(0, 1) noise); {}.",
                                   seeds_text(arms))));
}

// Sparsity against accuracy per arm.
void sparsity_figure(const json& c, const std::string& stem, std::vector<RenderedFigure>& out) {
  Plot p;
  p.title = fmt::format("{}: sparsity against accuracy", text_at(c, "id"));
  p.xlabel = "sparsity (fraction of zero weights)";
  p.ylabel = "test_accuracy (fraction correct)";
  for (const json& a : c["arms"]) {
    if (!a.contains("final") || !a["final"].contains("sparsity") || !a["final"].contains("test_accuracy")) continue;
    const auto s = number_at(a["final"]["sparsity"], "mean"), m = number_at(a["final"]["test_accuracy"], "mean");
    const auto lo = number_at(a["final"]["test_accuracy"], "ci_lo"), hi = number_at(a["final"]["test_accuracy"], "ci_hi");
    if (!finite_all({s, m, lo, hi})) continue;
    p.series.push_back(Series{Series::Kind::ErrorBars, text_at(a, "name"), {*s}, {*m}, {*lo}, {*hi}});
  }
  if (p.series.size() < 2) return;
  out.push_back(render(p, stem + "-sparsity-accuracy.svg",
                       fmt::format("Mean final sparsity against mean final test accuracy per arm (bars: 95% CI of the accuracy); {}.",
                                   seeds_text(c["arms"]))));
}

// Band tests over k: measured ratio with CI and the tolerance band.
void k_band_figure(const json& c, const std::string& stem, std::vector<RenderedFigure>& out) {
  Series meas{Series::Kind::ErrorBars, "measured / predicted (95% CI)", {}, {}, {}, {}};
  Series band{Series::Kind::Band, "tolerance band", {}, {}, {}, {}};
  for (const json& t : c["tests"]) {
    const std::string name = text_at(t, "name");
    if (name.rfind("k = ", 0) != 0 || text_at(t, "kind") != "band") continue;
    const double k = std::atof(name.c_str() + 4);
    const auto m = number_at(t, "measured"), lo = number_at(t, "measured_ci_lo"), hi = number_at(t, "measured_ci_hi");
    const auto blo = number_at(t, "band_lo"), bhi = number_at(t, "band_hi");
    if (!finite_all({m, lo, hi, blo, bhi}) || k <= 0) continue;
    meas.x.push_back(k), meas.y.push_back(*m), meas.lo.push_back(*lo), meas.hi.push_back(*hi);
    band.x.push_back(k), band.lo.push_back(*blo), band.hi.push_back(*bhi);
  }
  if (meas.x.size() < 2) return;
  std::vector<std::size_t> order(band.x.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return band.x[a] < band.x[b]; });
  Series sorted{Series::Kind::Band, band.title, {}, {}, {}, {}};
  for (std::size_t i : order) sorted.x.push_back(band.x[i]), sorted.lo.push_back(band.lo[i]), sorted.hi.push_back(band.hi[i]);
  Plot p;
  p.title = fmt::format("{}: ensemble test MSE against the prediction over k", text_at(c, "id"));
  p.xlabel = "k (ensemble members)";
  p.ylabel = "test MSE / (v/k + (k-1)c/k) (ratio)";
  p.xrange = std::make_pair(sorted.x.front() - 0.5, sorted.x.back() + 0.5);
  p.series = {sorted, meas};
  out.push_back(render(p, stem + "-ensemble-k.svg",
                       fmt::format("Ensemble test MSE of k members divided by the prediction v/k + (k-1)c/k (v, c from another split), "
                                   "with its 95% CI and the tolerance band; {}.",
                                   seeds_text(c["arms"]))));
}

}  // namespace

std::string file_stem(const std::string& id) {
  std::string s;
  for (char ch : id) s += std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' ? ch : '-';
  return s;
}

std::vector<RenderedFigure> empirical_figures(const json& claim) {
  std::vector<RenderedFigure> out;
  if (!claim.contains("arms") || !claim["arms"].is_array() || claim["arms"].empty()) return out;
  const std::string stem = file_stem(text_at(claim, "id"));
  curve_figures(claim, stem, out);
  fit_curve_figure(claim, stem, out);
  std::vector<std::string> finals{text_at(claim, "metric")};
  if (const json& a0 = claim["arms"][0]; a0.contains("final"))
    for (const auto& [m, _] : a0["final"].items())
      if (m.rfind("fit_probe.", 0) == 0 && m != finals[0]) finals.push_back(m);
  for (const std::string& m : finals)
    if (!m.empty()) final_figure(claim, m, stem, out);
  const std::string metric = text_at(claim, "metric");
  if (metric == "sparsity" || metric == "params_pruned" || text_at(claim, "id") == "tl1.fig7.a-effect") sparsity_figure(claim, stem, out);
  if (claim.contains("tests") && claim["tests"].is_array()) k_band_figure(claim, stem, out);
  return out;
}

}  // namespace regcheck::report
