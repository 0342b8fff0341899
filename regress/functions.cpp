#include "regress/functions.hpp"

#include "claims/core/registry.hpp"
#include "theory/reference/dlbook.hpp"
#include "theory/reference/dropact.hpp"
#include "theory/reference/gcsr.hpp"
#include "theory/reference/tl1.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace regcheck::regress {

namespace ref = theory::reference;

namespace {

constexpr double kMax = std::numeric_limits<double>::max();
constexpr double kTiny = std::numeric_limits<double>::denorm_min();

Reference scalar(const std::optional<Real50>& r) {
  if (!r) return std::nullopt;
  return std::vector<Real50>{*r};
}
double x(const Args& a, const char* name) { return a.at(name).at(0); }

// m * 10^e for each exponent and mantissa: the log-spaced magnitudes of tests/test_eval_sweep.cpp,
// thinned to keep each table at a few hundred rows.
std::vector<double> mags(const std::vector<int>& exps, const std::vector<double>& mantissas = {1.0}) {
  std::vector<double> out;
  for (int e : exps)
    for (double m : mantissas) out.push_back(m * std::pow(10.0, e));
  return out;
}
const std::vector<int> kWide{-300, -200, -100, -30, -10, -1, 0, 1, 10, 30, 100, 200, 300};
const std::vector<int> kCoarse{-300, -150, -10, 0, 10, 150, 300};

std::vector<Args> grid_shift(bool zero_allowed) {
  std::vector<Args> g;
  std::vector<double> ps = mags({-300, -200, -100, -50, -20, -10, -5, -3, -2, -1}, {1.0, 2.3, 5.1});
  ps.insert(ps.end(), {0.0, kTiny, 1e-310, 0.25, 0.3, 0.5, 0.75, 0.95, 0.999999, 1 - 1e-12, 1.0,
                       // outside [0, 1]: error expected
                       -1e-300, -0.5, 1 + 1e-15, 1.5, 1e300});
  for (double p : ps)
    if (zero_allowed || p != 0.0) g.push_back({{"p", {p}}});
  if (!zero_allowed) g.push_back({{"p", {0.0}}});  // dropout p = 0: error expected
  return g;
}

std::vector<Args> grid_soft_threshold() {
  std::vector<Args> g;
  std::vector<double> m = mags(kCoarse, {1.0, 3.7});
  m.insert(m.end(), {0.0, 1e-310, kMax});
  for (double y : m)
    for (double t : m) {
      g.push_back({{"y", {y}}, {"t", {t}}});
      if (y != 0) g.push_back({{"y", {-y}}, {"t", {t}}});
    }
  // |y| at the threshold and one ulp either side.
  for (double t : {1e-300, 1.0, 3.7, 1e300})
    for (double y : {t, std::nextafter(t, 0.0), std::nextafter(t, kMax)}) g.push_back({{"y", {-y}}, {"t", {t}}});
  g.push_back({{"y", {1.0}}, {"t", {-1.0}}});  // t < 0: error expected
  return g;
}

// (lambda, a) pairs: below, at and above the critical lambda a^2 / (2(a+1)), a -> 0 and a -> inf.
std::vector<std::pair<double, double>> tl1_pairs(const std::vector<double>& as, const std::vector<double>& lambdas) {
  std::vector<std::pair<double, double>> out;
  for (double a : as) {
    const double crit = static_cast<double>(Real50(a) * Real50(a) / (2 * (Real50(a) + 1)));
    std::vector<double> ls = lambdas;
    for (double f : {1e-6, 1 - 1e-9, 1.0, 1 + 1e-9, 1e6})
      if (crit * f > 0 && crit * f < kMax) ls.push_back(crit * f);
    for (double l : ls) out.emplace_back(l, a);
  }
  return out;
}

std::vector<Args> grid_tl1_threshold() {
  std::vector<Args> g;
  std::vector<double> as = mags(kWide, {1.0, 3.7});
  as.insert(as.end(), {kTiny, 1e-310, kMax, 0.5, 2.0});
  for (auto [l, a] : tl1_pairs(as, {0.0, 1e-300, 1e-10, 1.0, 1e10, 1e300}))
    g.push_back({{"lambda", {l}}, {"a", {a}}});
  g.push_back({{"lambda", {1.0}}, {"a", {0.0}}});   // a = 0: error expected
  g.push_back({{"lambda", {-1.0}}, {"a", {1.0}}});  // lambda < 0: error expected
  return g;
}

std::vector<Args> grid_tl1_prox() {
  std::vector<Args> g;
  int k = 0;
  for (auto [l, a] : tl1_pairs({1e-300, 1e-10, 1.0, 3.7, 1e10, 1e300}, {0.0, 1.0, 1e300})) {
    const Real50 crit = Real50(a) * Real50(a) / (2 * (Real50(a) + 1));
    const bool supercritical = Real50(l) > crit;
    const double t = static_cast<double>(*ref::tl1_threshold(l, a));
    std::vector<double> ys{1e-300, 1.0, 1e300};
    // |y| around the threshold. Supercritically the prox jumps at |y| = t (0 and the root are both
    // minimizers), so only points 1e-6 away are used there; subcritically |y| = t itself.
    std::vector<double> fs{0.5, 1 - 1e-6, 1 + 1e-6, 1.5, 10.0};
    if (!supercritical) fs.push_back(1.0);
    for (double f : fs)
      if (t * f > 0 && t * f < kMax) ys.push_back(t * f);
    for (double y : ys) g.push_back({{"y", {(k++ % 2) ? -y : y}}, {"lambda", {l}}, {"a", {a}}});
  }
  g.push_back({{"y", {1.0}}, {"lambda", {1.0}}, {"a", {0.0}}});   // a = 0: error expected
  g.push_back({{"y", {1.0}}, {"lambda", {-1.0}}, {"a", {1.0}}});  // lambda < 0: error expected
  return g;
}

std::vector<Args> grid_group_prox() {
  std::vector<Args> g;
  const std::vector<double> m{1e-310, 1e-300, 1e-10, 1.0, 3.7, 1e10, 1e300};
  for (double a : m)
    for (double b : m) {
      const double n = static_cast<double>(sqrt(Real50(a) * Real50(a) + Real50(b) * Real50(b)));
      // tau = fl(||v||) is left out: below the true norm by up to half an ulp it makes the output
      // ~1e-16 ||v|| of nothing (an ill-posed row); the exact-norm rows below put tau at ||v||.
      for (double f : {0.0, 0.5, 0.999, 1.001, 10.0}) {
        const double tau = f * n;
        if (std::isfinite(tau)) g.push_back({{"v", {a, -b}}, {"tau", {tau}}});
      }
    }
  for (double sc : {0x1p-990, 1.0, 0x1p990}) g.push_back({{"v", {3 * sc, -4 * sc}}, {"tau", {5 * sc}}});  // tau = ||v||, exact
  g.push_back({{"v", {1e200, 1e200}}, {"tau", {1e201}}});
  g.push_back({{"v", {1e154, 1e154, 1e154}}, {"tau", {1e153}}});
  g.push_back({{"v", {1.0, 2.0, 3.0, -4.0}}, {"tau", {0.5}}});
  g.push_back({{"v", {1.0}}, {"tau", {-1.0}}});  // tau < 0: error expected
  return g;
}

std::vector<Args> grid_coherence_l2() {
  std::vector<Args> g;
  const std::vector<double> ls{0.0, 1e-300, 1e-10, 1.0, 3.7, 1e10, 1e300};
  const std::vector<double> sgs{1e-310, 1e-300, 1e-10, 1.0, 1e10, 1e300, kMax};
  for (double l : ls)
    for (double sg : sgs)
      for (double sw : ls) g.push_back({{"lambda", {l}}, {"sg", {sg}}, {"sw", {sw}}});
  g.push_back({{"lambda", {1.0}}, {"sg", {0.0}}, {"sw", {1.0}}});  // sg = 0: error expected
  return g;
}

std::vector<Args> grid_coherence_l1() {
  std::vector<Args> g;
  std::vector<double> m = mags(kCoarse, {1.0, 3.7});
  m.insert(m.end(), {0.0, 1e-310, kMax});
  for (double l : m)
    for (double sg : m)
      if (sg != 0) g.push_back({{"lambda", {l}}, {"sg", {sg}}});
  g.push_back({{"lambda", {1.0}}, {"sg", {0.0}}});  // sg = 0: error expected
  return g;
}

std::vector<Args> grid_effective_params() {
  std::vector<Args> g;
  std::vector<double> m = mags(kCoarse, {1.0, 3.7});
  m.insert(m.end(), {0.0, 1e-310, kMax});
  for (double alpha : m)
    for (double l1 : m) {
      g.push_back({{"eigs", {l1}}, {"alpha", {alpha}}});
      g.push_back({{"eigs", {l1, 1.0, 1e-300}}, {"alpha", {alpha}}});
    }
  g.push_back({{"eigs", {1.0, -1.0}}, {"alpha", {1.0}}});  // negative eigenvalue: error expected
  return g;
}

std::vector<Args> grid_ensemble_mse() {
  std::vector<Args> g;
  for (double k : {1.0, 2.0, 3.0, 10.0, 1e6, 0x1p53, 1e300})
    for (double v : {0.0, 1e-310, 1e-300, 1.0, 3.7, 1e300, kMax}) {
      const double low = k == 1 ? -v : -v / (k - 1);
      for (double c : {v, 0.5 * v, 0.0, low, 0.5 * low, std::nextafter(low, 0.0), -1e-10 * v})
        g.push_back({{"k", {k}}, {"v", {v}}, {"c", {c}}});
    }
  g.push_back({{"k", {3.0}}, {"v", {1.0}}, {"c", {-0.6}}});  // c < -v/(k-1): error expected
  g.push_back({{"k", {1.0}}, {"v", {1.0}}, {"c", {1.5}}});   // c > v: error expected
  return g;
}

std::vector<Args> grid_early_stopping() {
  std::vector<Args> g;
  for (double lambda : {1e-300, 1e-10, 1.0, 3.7e25, 1e300})
    for (double xx : {1e-300, 1e-10, 1e-3, 0.5, 1 - 1e-6, 1.0, 1 + 1e-6, 1.5, 2 - 1e-9})
      for (double tau : {1.0, 2.0, 3.0, 1e3, 1e12}) {
        const double eta = xx / lambda;
        if (eta > 0 && std::isfinite(eta)) g.push_back({{"lambda", {lambda}}, {"eta", {eta}}, {"tau", {tau}}});
      }
  g.push_back({{"lambda", {1e-300}}, {"eta", {1e-320}}, {"tau", {1.0}}});  // alpha ~ 1e320: error expected
  g.push_back({{"lambda", {1.0}}, {"eta", {2.0}}, {"tau", {1.0}}});        // eta lambda >= 2: error expected
  return g;
}

std::vector<Args> grid_bootstrap() {
  std::vector<Args> g;
  std::vector<double> ns{1, 2, 3, 4, 5, 6, 7, 10, 100, 12345, 0x1p53, 0x1p53 + 2, kMax};
  for (int e = 3; e <= 300; e += 9) ns.push_back(std::round(3.7 * std::pow(10.0, e)));
  ns.push_back(0.0);  // n < 1: error expected
  ns.push_back(2.5);  // not an integer: error expected
  for (double n : ns) g.push_back({{"n", {n}}});
  return g;
}

struct Entry {
  std::function<Reference(const Args&)> reference;
  std::function<std::vector<Args>()> grid;
};

std::map<std::string, Entry> entries() {
  std::map<std::string, Entry> e;
  e["shift-ratio"] = {[](const Args& a) { return scalar(ref::shift_ratio(x(a, "p"))); }, [] { return grid_shift(true); }};
  e["dropout-shift-ratio"] = {[](const Args& a) { return scalar(ref::dropout_shift_ratio(x(a, "p"))); },
                              [] { return grid_shift(false); }};
  e["soft-threshold"] = {[](const Args& a) { return scalar(ref::soft_threshold(x(a, "y"), x(a, "t"))); }, grid_soft_threshold};
  e["tl1-threshold"] = {[](const Args& a) { return scalar(ref::tl1_threshold(x(a, "lambda"), x(a, "a"))); },
                        grid_tl1_threshold};
  e["tl1-prox"] = {[](const Args& a) { return scalar(ref::tl1_prox(x(a, "y"), x(a, "lambda"), x(a, "a"))); }, grid_tl1_prox};
  e["group-prox"] = {[](const Args& a) -> Reference { return ref::group_prox(a.at("v"), x(a, "tau")); }, grid_group_prox};
  e["coherence-l2"] = {[](const Args& a) { return scalar(ref::coherence_l2(x(a, "lambda"), x(a, "sg"), x(a, "sw"))); },
                       grid_coherence_l2};
  e["coherence-l1"] = {[](const Args& a) { return scalar(ref::coherence_l1(x(a, "lambda"), x(a, "sg"))); }, grid_coherence_l1};
  e["effective-params"] = {[](const Args& a) { return scalar(ref::effective_params(a.at("eigs"), x(a, "alpha"))); },
                           grid_effective_params};
  e["ensemble-mse"] = {[](const Args& a) { return scalar(ref::ensemble_mse(x(a, "k"), x(a, "v"), x(a, "c"))); },
                       grid_ensemble_mse};
  e["early-stopping-alpha"] = {
      [](const Args& a) { return scalar(ref::early_stopping_alpha(x(a, "lambda"), x(a, "eta"), x(a, "tau"))); },
      grid_early_stopping};
  e["bootstrap-unique"] = {[](const Args& a) { return scalar(ref::bootstrap_unique(x(a, "n"))); }, grid_bootstrap};
  return e;
}

}  // namespace

const std::vector<FunctionSpec>& functions() {
  static const std::vector<FunctionSpec> all = [] {
    std::map<std::string, Entry> e = entries();
    std::vector<FunctionSpec> out;
    for (const claims::EvalFunction& f : claims::all_eval_functions().functions()) {
      auto it = e.find(f.name);
      if (it == e.end()) throw std::logic_error("regress: eval function '" + f.name + "' has no 50-digit reference");
      FunctionSpec s{.name = f.name, .params = {}, .is_list = {}, .vector_valued = f.name == "group-prox",
                     .reference = it->second.reference, .grid = it->second.grid};
      for (const claims::EvalParam& p : f.params) {
        s.params.push_back(p.name);
        s.is_list.push_back(p.is_list);
      }
      out.push_back(std::move(s));
      e.erase(it);
    }
    if (!e.empty()) throw std::logic_error("regress: reference for '" + e.begin()->first + "', which eval does not have");
    return out;
  }();
  return all;
}

const FunctionSpec& function(const std::string& name) {
  std::string allowed;
  for (const FunctionSpec& f : functions()) {
    if (f.name == name) return f;
    if (!allowed.empty()) allowed += ", ";
    allowed += f.name;
  }
  throw std::invalid_argument(fmt::format("function '{}' is unknown (allowed: {})", name, allowed));
}

Evaluator build_evaluator() {
  return [](const FunctionSpec& spec, const Args& args) {
    const claims::EvalFunction* f = claims::all_eval_functions().find(spec.name);
    const nlohmann::json v = f->eval(args);
    if (v.is_array()) return v.get<std::vector<double>>();
    return std::vector<double>{v.get<double>()};
  };
}

Reference reference_value(const FunctionSpec& spec, const Args& args) {
  Reference r = spec.reference(args);
  if (r)
    for (const Real50& v : *r)
      if (abs(v) > Real50(kMax)) return std::nullopt;  // no double value: the build must refuse it
  return r;
}

std::string number_text(double v) { return fmt::format("{:.17g}", v); }

std::string describe(const FunctionSpec& spec, const Args& args) {
  std::string out;
  for (const std::string& p : spec.params) {
    if (!out.empty()) out += ", ";
    out += p;
    out += '=';
    out += join_list(args.at(p), number_text);
  }
  return out;
}

}  // namespace regcheck::regress
