// The gradient sign coherence rate pi of eq. (9): its properties (gcsr.eq9.coherence-rate), the
// 1/2 of two independent random vectors (gcsr.eq9.random-half) and the Gaussian closed forms
// derived in CLAIMS.md (gcsr.eq9.coherence-closed-form).
#include "claims/core/mc_check.hpp"
#include "claims/gcsr_checks.hpp"
#include "sim/rng.hpp"
#include "theory/gcsr.hpp"

#include <boost/math/quadrature/gauss_kronrod.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numbers>

namespace regcheck::claims::gcsr {

namespace tg = theory::gcsr;

namespace {

constexpr double eps = std::numeric_limits<double>::epsilon();

// An independent reference for eq. (9): the entry is coherent iff g and g + lambda d have a
// strictly positive product (sign(a) sign(b) = 1), counted over g != 0.
struct RefCount {
  std::size_t used = 0, coherent = 0;
};
RefCount reference(const Eigen::ArrayXd& g, const Eigen::ArrayXd& w, double lambda, tg::Penalty kind) {
  RefCount c;
  for (Eigen::Index i = 0; i < g.size(); ++i) {
    if (g(i) == 0) continue;
    const double d = kind == tg::Penalty::L2 ? 2.0 * w(i) : (w(i) > 0) - (w(i) < 0);
    const double b = g(i) + lambda * d;
    ++c.used;
    if (std::signbit(g(i)) == std::signbit(b) && b != 0) ++c.coherent;
  }
  return c;
}

}  // namespace

// ---- gcsr.eq9.coherence-rate ----------------------------------------------------------------------
ClaimResult check_eq9_coherence_rate(const CheckContext& ctx) {
  ClaimResult r;
  const std::uint64_t sid = sim::stream_id("gcsr.eq9.coherence-rate/instances");
  constexpr int kInstances = 3000;
  std::size_t range_bad = 0, ref_bad = 0, lambda0_bad = 0, excl_bad = 0, nograd = 0, ties = 0, zeros_g = 0;
  std::string first_bad;
  const auto note = [&](const std::string& s) {
    if (first_bad.empty()) first_bad = s;
  };
  for (int inst = 0; inst < kInstances; ++inst) {
    sim::Stream rng(ctx.seed, sid, static_cast<std::uint64_t>(inst));
    const tg::Penalty kind = rng.bernoulli(0.5) ? tg::Penalty::L1 : tg::Penalty::L2;
    const int n = static_cast<int>(rng.below(13));  // 0..12 entries (0: empty input)
    const double lambda = rng.bernoulli(0.2) ? 0.0 : std::pow(10.0, -3.0 + 5.0 * rng.uniform());
    Eigen::ArrayXd g(n), w(n);
    const bool all_zero = rng.bernoulli(0.05);
    for (int i = 0; i < n; ++i) {
      w(i) = rng.bernoulli(0.15) ? 0.0 : rng.normal() * std::pow(10.0, -2.0 + 4.0 * rng.uniform());
      const double u = rng.uniform();
      if (all_zero || u < 0.2) {
        g(i) = 0.0;  // excluded by footnote 2
      } else if (u < 0.3 && lambda > 0 && w(i) != 0) {
        g(i) = -(lambda * tg::penalty_gradient(w(i), kind));  // tie: g + lambda dOmega = 0 exactly
        ++ties;
      } else {
        g(i) = rng.normal() * std::pow(10.0, -2.0 + 4.0 * rng.uniform());
      }
      zeros_g += g(i) == 0;
    }
    const tg::Coherence c = tg::coherence_rate(g, w, lambda, kind);
    const RefCount ref = reference(g, w, lambda, kind);
    const std::string where = fmt::format("instance {} ({}, n={}, lambda={:.6g})", inst, tg::to_string(kind), n, lambda);
    // pi in [0, 1], finite; status and n_used as documented (NoGradient <=> no g != 0, pi = 0).
    const bool status_ok = (ref.used == 0) == (c.status == tg::CoherenceStatus::NoGradient);
    if (!(c.pi >= 0 && c.pi <= 1) || !status_ok || (c.status == tg::CoherenceStatus::NoGradient && c.pi != 0)) {
      ++range_bad;
      note(where + fmt::format(": pi={} status={}", c.pi, static_cast<int>(c.status)));
    }
    nograd += c.status == tg::CoherenceStatus::NoGradient;
    // Equals the independent count exactly (a ratio of integers, one rounding on both sides).
    const double ref_pi = ref.used ? static_cast<double>(ref.coherent) / static_cast<double>(ref.used) : 0.0;
    if (c.n_used != ref.used || c.pi != ref_pi) {
      ++ref_bad;
      note(where + fmt::format(": pi={} n_used={} but reference {} of {}", c.pi, c.n_used, ref.coherent, ref.used));
    }
    // lambda = 0: every used entry is coherent.
    const tg::Coherence c0 = tg::coherence_rate(g, w, 0.0, kind);
    if (c0.n_used != ref.used || (ref.used > 0 && c0.pi != 1.0)) {
      ++lambda0_bad;
      note(where + fmt::format(": at lambda=0 pi={} over {} entries", c0.pi, c0.n_used));
    }
    // Footnote 2: appending entries with g = 0 (any w) changes neither pi nor n_used.
    const int extra = 1 + static_cast<int>(rng.below(4));
    Eigen::ArrayXd g2(n + extra), w2(n + extra);
    g2 << g, Eigen::ArrayXd::Zero(extra);
    w2.head(n) = w;
    for (int i = 0; i < extra; ++i) w2(n + i) = 10.0 * rng.normal();
    const tg::Coherence c2 = tg::coherence_rate(g2, w2, lambda, kind);
    if (c2.n_used != c.n_used || c2.pi != c.pi || c2.status != c.status) {
      ++excl_bad;
      note(where + fmt::format(": appending {} zero gradients changed pi {} -> {}", extra, c.pi, c2.pi));
    }
  }
  const auto rec = [&](const std::string& name, std::size_t bad, const std::string& what) {
    r.checks.push_back(tolerance_record(name, "property", static_cast<double>(bad), 0.0,
                                    fmt::format("{} of {} random instances violate it{}", bad, kInstances,
                                                bad ? "; first: " + first_bad : "") +
                                        what));
  };
  rec("pi in [0, 1]; status NoGradient (pi = 0, not NaN) iff no g != 0", range_bad,
      fmt::format(" ({} instances had no nonzero gradient)", nograd));
  rec("pi equals an independent count of sign(g) sign(g + lambda dOmega) > 0 over g != 0", ref_bad,
      fmt::format(" ({} exact ties g + lambda dOmega = 0 counted incoherent, Theta(0) = 0; {} zero gradients)", ties,
                  zeros_g));
  rec("pi = 1 at lambda = 0", lambda0_bad, "");
  rec("entries with g = 0 excluded (footnote 2): appending them changes nothing", excl_bad, "");
  r.max_error = static_cast<double>(range_bad + ref_bad + lambda0_bad + excl_bad);
  r.extra["instances"] = kInstances;
  r.extra["no_gradient_instances"] = nograd;
  r.extra["exact_ties"] = ties;
  summarize(r);
  if (r.verdict == Verdict::Fails) r.counterexample = first_bad;
  return r;
}

// ---- gcsr.eq9.random-half ------------------------------------------------------------------------
namespace {
constexpr int kEntries = 32;  // entries per sampled vector; the statistic is its pi
using Vec = Eigen::Array<double, kEntries, 1>;

struct Dist {
  std::string name;
  std::function<double(sim::Stream&)> draw;
};
}  // namespace

ClaimResult check_eq9_random_half(const CheckContext& ctx) {
  ClaimResult r;
  const Dist normal{"N(0,1)", [](sim::Stream& s) { return s.normal(); }};
  const Dist normal2{"N(0,4)", [](sim::Stream& s) { return 2.0 * s.normal(); }};
  const Dist unif{"U(-1,1)", [](sim::Stream& s) { return 2.0 * s.uniform() - 1.0; }};
  const Dist laplace{"Laplace(0,1)", [](sim::Stream& s) { return (s.uniform() < 0.5 ? -1.0 : 1.0) * -std::log(s.uniform()); }};
  const Dist cauchy{"Cauchy(0,1)", [](sim::Stream& s) { return std::tan(std::numbers::pi * (s.uniform() - 0.5)); }};
  const Dist rademacher{"Rademacher", [](sim::Stream& s) { return s.uniform() < 0.5 ? -1.0 : 1.0; }};
  const Dist expc{"Exp(1)-1 (skewed, P(>0)=1/e)", [](sim::Stream& s) { return -std::log(s.uniform()) - 1.0; }};
  const std::pair<Dist, Dist> pairs[kRandomHalfTests] = {
      {normal, normal}, {unif, laplace}, {cauchy, rademacher}, {expc, normal2}};
  nlohmann::json table = nlohmann::json::array();
  double worst_dd = 0;
  for (const auto& pr : pairs) {
    const Dist& da = pr.first;
    const Dist& db = pr.second;
    McCheckSpec spec;
    spec.name = "a ~ " + da.name + ", b ~ " + db.name;
    spec.stream = "gcsr.eq9.random-half/" + spec.name;
    spec.n = 1u << 15;  // x 32 entries: se ~ 0.5 / sqrt(2^20) ~ 5e-4
    spec.theory = 0.5;
    spec.resolution = 0.01;
    const auto sample = [&](sim::Stream& s, std::uint64_t) {
      Vec a, b;
      for (int i = 0; i < kEntries; ++i) a(i) = da.draw(s);
      for (int i = 0; i < kEntries; ++i) b(i) = db.draw(s);
      const tg::Coherence c = tg::sign_coherence(a, b);
      return c.status == tg::CoherenceStatus::Ok ? c.pi : 0.5;  // a != 0 a.s. (a = 0 has probability 0)
    };
    for (CheckRecord& c : mc_mean_check(ctx, spec, sample)) {
      if (c.method == "monte-carlo") {
        worst_dd = std::max(worst_dd, *c.detectable_deviation);
        table.push_back({{"a", da.name}, {"b", db.name}, {"estimate", *c.estimate}, {"ci", {*c.ci_lo, *c.ci_hi}}});
      }
      r.checks.push_back(c);
    }
  }
  r.theory = 0.5;
  r.detectable_deviation = worst_dd;
  r.extra["pairs"] = table;
  // Scope (exact): P(coherent) = p q + (1 - p)(1 - q) with p = P(a > 0), q = P(b > 0); it is 1/2
  // iff p = 1/2 or q = 1/2. Both skewed, e.g. a, b ~ Exp(1) - 1 (p = q = 1/e):
  const double p = std::exp(-1.0);
  r.extra["scope_both_skewed_exp_minus_1"] = p * p + (1 - p) * (1 - p);
  summarize(r);
  return r;
}

// ---- gcsr.eq9.coherence-closed-form ----------------------------------------------------------------
namespace {
struct GridPoint {
  double lambda, sg, sw;
};
constexpr double kLambdas[] = {0.05, 0.5, 2.0};
constexpr std::pair<double, double> kScales[] = {{1.0, 1.0}, {0.1, 1.0}, {2.0, 0.3}};

// Independent numerics: P(incoherent) = 2 int_0^inf phi(x) q(x) dx with g = sg x, x > 0, and
// q(x) = P(lambda dOmega(w) < -sg x): L2: Phi(-sg x / (2 lambda sw)); L1: 1/2 on x < lambda/sg
// (sign(w) = -1 with probability 1/2), else 0. Gauss-Kronrod 61 with its error estimate.
std::pair<double, double> quadrature_coherence(tg::Penalty kind, double lambda, double sg, double sw) {
  using boost::math::quadrature::gauss_kronrod;
  const auto phi = [](double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * std::numbers::pi); };
  double err = 0, val = 0;
  if (kind == tg::Penalty::L2) {
    const auto f = [&](double x) { return phi(x) * 0.5 * std::erfc(sg * x / (2.0 * lambda * sw * std::numbers::sqrt2)); };
    val = gauss_kronrod<double, 61>::integrate(f, 0.0, std::numeric_limits<double>::infinity(), 15, 1e-15, &err);
  } else {
    const auto f = [&](double x) { return phi(x) * 0.5; };
    val = gauss_kronrod<double, 61>::integrate(f, 0.0, lambda / sg, 15, 1e-15, &err);
  }
  return {1.0 - 2.0 * val, 2.0 * err};
}
}  // namespace

ClaimResult check_eq9_closed_form(const CheckContext& ctx) {
  ClaimResult r;
  nlohmann::json table = nlohmann::json::array();
  double worst_dd = 0, worst_quad = 0;
  for (tg::Penalty kind : {tg::Penalty::L2, tg::Penalty::L1}) {
    const std::string k = tg::to_string(kind);
    for (double lambda : kLambdas) {
      for (const auto& [sg, sw] : kScales) {
        const double theory = kind == tg::Penalty::L2 ? tg::expected_coherence_l2(lambda, sg, sw)
                                                      : tg::expected_coherence_l1(lambda, sg);
        // Closed form vs independent quadrature; tolerance: 10x the Kronrod error estimate plus
        // 32 eps for the roundings of 1 - 2 * integral and of atan/erf (each < 2 ulp of O(1)).
        const auto [quad, qerr] = quadrature_coherence(kind, lambda, sg, sw);
        const double qtol = 10.0 * qerr + 32.0 * eps;
        const std::string pname = fmt::format("{} lambda={} sg={} sw={}", k, lambda, sg, sw);
        r.checks.push_back(tolerance_record(pname + ": closed form vs quadrature", "closed-form-vs-numerics",
                                        std::abs(theory - quad), qtol,
                                        fmt::format("closed form {:.17g}, Gauss-Kronrod {:.17g}", theory, quad)));
        worst_quad = std::max(worst_quad, std::abs(theory - quad));

        McCheckSpec spec;
        spec.name = pname;
        spec.stream = "gcsr.eq9.coherence-closed-form/" + pname;
        spec.n = 1u << 14;  // x 32 entries per sample: se <= 0.5 / sqrt(2^19) ~ 7e-4, delta ~ 6e-3
        spec.theory = theory;
        spec.resolution = 0.01;
        const auto sample = [&, kind = kind, lambda = lambda, sg = sg, sw = sw](sim::Stream& s, std::uint64_t) {
          Vec g, w;
          for (int i = 0; i < kEntries; ++i) g(i) = sg * s.normal();
          for (int i = 0; i < kEntries; ++i) w(i) = sw * s.normal();
          const tg::Coherence c = tg::coherence_rate(g, w, lambda, kind);
          return c.pi;  // g != 0 a.s., so all 32 entries are used
        };
        for (CheckRecord& c : mc_mean_check(ctx, spec, sample)) {
          if (c.method == "monte-carlo") {
            worst_dd = std::max(worst_dd, *c.detectable_deviation);
            table.push_back({{"penalty", k}, {"lambda", lambda}, {"sg", sg}, {"sw", sw}, {"theory", theory},
                             {"quadrature", quad}, {"estimate", *c.estimate}, {"ci", {*c.ci_lo, *c.ci_hi}}});
          }
          r.checks.push_back(c);
        }
      }
    }
  }
  // "Both tend to 1/2 as lambda grows": |E pi - 1/2| is below a bound that vanishes with lambda:
  // L2: atan(sg / (2 lambda sw)) / pi <= sg / (2 pi lambda sw); L1: 1 - Phi(t) <= phi(t) / t, t = lambda/sg
  // (Mills ratio). Plus 4 eps for the roundings around 1/2.
  double limit_excess = 0;
  std::string limit_detail;
  for (double lambda : {10.0, 1e3, 1e6, 1e9}) {
    const double d2 = std::abs(tg::expected_coherence_l2(lambda, 1.0, 1.0) - 0.5);
    const double b2 = 1.0 / (2.0 * std::numbers::pi * lambda) + 4.0 * eps;
    const double t = lambda;
    const double b1 = std::exp(-0.5 * t * t) / (t * std::sqrt(2.0 * std::numbers::pi)) + 4.0 * eps;
    const double d1 = std::abs(tg::expected_coherence_l1(lambda, 1.0) - 0.5);
    limit_excess = std::max({limit_excess, d2 - b2, d1 - b1});
    limit_detail += fmt::format("lambda={:g}: |L2-1/2|={:.3g} (bound {:.3g}), |L1-1/2|={:.3g} (bound {:.3g}); ", lambda,
                                d2, b2, d1, b1);
  }
  r.checks.push_back(tolerance_record("limit 1/2 as lambda grows (sg = sw = 1)", "property", std::max(0.0, limit_excess), 0.0,
                                  limit_detail));
  r.detectable_deviation = worst_dd;
  r.max_error = worst_quad;
  r.extra["grid"] = table;
  summarize(r);
  return r;
}

}  // namespace regcheck::claims::gcsr
