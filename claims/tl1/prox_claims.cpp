// Checks of the scalar TL1 claims: tl1.eq14.limits, tl1.eq36.prox, tl1.eq36.regimes
// (claims/CATALOG.md, section "tl1"). Independent numerics: claims/tl1/numerics.hpp.
#include "claims/tl1/checks.hpp"
#include "claims/tl1/numerics.hpp"
#include "sim/rng.hpp"
#include "theory/tl1.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace regcheck::claims::tl1 {

namespace {

using tl1num::mp;
constexpr double eps = std::numeric_limits<double>::epsilon();
constexpr double u_round = eps / 2;  // unit roundoff

double lambda_crit(double a) { return a * a / (2.0 * (a + 1.0)); }

// Soft and hard thresholding (the limits a -> inf and a -> 0 of the TL1 prox).
double soft(double y, double lambda) { return theory::soft_threshold(y, lambda); }
double hard(double y, double lambda) { return std::abs(y) > std::sqrt(2.0 * lambda) ? y : 0.0; }

// Accuracy budget of theory::tl1_prox_branch (stable form), in ulps of the result: the product
// delta has <= 7 roundings, sqrt/asin/division/sin add ~5 more (libm <= 1 ulp each), squaring
// doubles the relative error, and * s * 4/3 adds 3: D = (4/3) s sin^2(phi/6) carries relative
// error <= ~24 u = 12 eps. The final |y| - D then errs by <= 12 eps D + u |x|, i.e.
// <= 24 D/|x| + 1 ulps (an ulp is >= eps |x| / 2), and D/|x| <= kappa (D is one term of kappa's
// numerator and |h'| <= 1). Hence 24 (1 + kappa) ulps.
constexpr double kProxUlpPerKappa = 24.0;

}  // namespace

// ---------------------------------------------------------------------------------------------
// tl1.eq14.limits: rho_a(x) -> 1{x != 0} (a -> 0+) and -> |x| (a -> inf, rate O(1/a)).
// Derivation (exact algebra, checked in 50 digits below):
//   rho_a(x) - 1 = a (|x| - 1) / (a + |x|)         (x != 0): |error| <= a ||x| - 1| / |x| = O(a)
//   rho_a(x) - |x| = |x| (1 - |x|) / (a + |x|):     a |error| -> |x| |1 - |x||, i.e. O(1/a)
// Both errors vanish identically at |x| = 1 (rho_a(1) = 1 for every a), and rho_a(0) = 0.
ClaimResult check_limits(const CheckContext&) {
  ClaimResult r;
  const std::vector<double> xs = {1e-3, -0.01, 0.3, -0.999, 1.0, -1.0, 1.001, 2.5, -10.0, 1e3};
  double id0 = 0, id_inf = 0, slope0 = 0, slope_inf = 0, lim_inf = 0, bound0 = 0, dbl = 0, zero_err = 0;
  nlohmann::json table = nlohmann::json::array();
  for (double xd : xs) {
    const mp x = xd, ax = abs(x);
    std::vector<double> e0, einf;
    for (int k = 1; k <= 12; ++k) {
      const double a0d = std::pow(10.0, -k), aid = std::pow(10.0, k);
      const mp a0 = a0d, ai = aid;
      // a -> 0+: identity and bound.
      const mp err0 = tl1num::rho_mp(x, a0) - 1;
      const mp pred0 = a0 * (ax - 1) / (a0 + ax);
      id0 = std::max(id0, static_cast<double>(abs(err0 - pred0)));
      if (abs(err0) > a0 * abs(ax - 1) / ax * (1 + mp(1e-40))) bound0 = std::max(bound0, static_cast<double>(abs(err0)));
      // a -> inf: identity and the O(1/a) constant.
      const mp erri = tl1num::rho_mp(x, ai) - ax;
      const mp predi = ax * (1 - ax) / (ai + ax);
      id_inf = std::max(id_inf, static_cast<double>(abs(erri - predi)));
      const mp c = ax * abs(1 - ax);
      if (c > 0) lim_inf = std::max(lim_inf, static_cast<double>(abs(abs(ai * abs(erri) - c) / c - ax / (ai + ax))));
      e0.push_back(static_cast<double>(abs(err0)));
      einf.push_back(static_cast<double>(abs(erri)));
      // Double implementation against 50 digits: 4 roundings (a+1, product, a+|x|, quotient)
      // give relative error <= 4u / (1 - 4u).
      for (double a : {a0d, aid}) {
        const mp ref = tl1num::rho_mp(x, mp(a));
        dbl = std::max(dbl, static_cast<double>(abs(mp(theory::tl1_penalty(xd, a)) - ref) / ref));
      }
    }
    // Log-log slope over the last decade: 1 (a -> 0) and -1 (a -> inf), when the error is nonzero.
    if (std::abs(std::abs(xd) - 1.0) > 0) {
      const double s0 = std::log10(e0[11] / e0[10]) / (-1.0), si = std::log10(einf[11] / einf[10]);
      slope0 = std::max(slope0, std::abs(s0 - 1.0));
      slope_inf = std::max(slope_inf, std::abs(si + 1.0));
      table.push_back({{"x", xd}, {"err_a=1e-12", e0[11]}, {"slope_a->0", s0}, {"err_a=1e12", einf[11]},
                       {"slope_a->inf", si}, {"a*err_a=1e12", einf[11] * 1e12}});
    } else {
      zero_err = std::max({zero_err, *std::max_element(e0.begin(), e0.end()), *std::max_element(einf.begin(), einf.end())});
    }
  }
  for (int k = -12; k <= 12; ++k) zero_err = std::max(zero_err, std::abs(theory::tl1_penalty(0.0, std::pow(10.0, k))));
  // 50-digit arithmetic: the identities hold to ~1e-49 relative; 1e-40 absolute (all terms are
  // <= 1e3 in size) leaves room for the few roundings of cpp_bin_float_50.
  r.checks.push_back(tolerance_record("a->0+: rho_a(x) - 1 = a(|x|-1)/(a+|x|), 50 digits", "exact", id0, 1e-40,
                            "exact algebra; hence |rho_a(x) - 1{x!=0}| <= a ||x|-1| / |x| = O(a)"));
  r.checks.push_back(tolerance_record("a->0+: error <= a ||x|-1|/|x| (violation size)", "exact", bound0, 0.0, "50 digits"));
  r.checks.push_back(tolerance_record("a->inf: rho_a(x) - |x| = |x|(1-|x|)/(a+|x|), 50 digits", "exact", id_inf, 1e-40,
                            "exact algebra; the error term of the claim"));
  r.checks.push_back(tolerance_record("a->inf: a |rho_a - |x|| -> |x||1-|x|| with relative gap |x|/(a+|x|)", "exact", lim_inf,
                            1e-35, "rate exactly O(1/a): relative gap minus |x|/(a+|x|), 50 digits"));
  // The error is proportional to a (resp. 1/a) up to a factor |x|/(a+|x|) (resp. a/(a+|x|))
  // that changes by < 1e-8 over the last decade for these x, so the slopes are within 1e-6.
  r.checks.push_back(tolerance_record("log-log slope of the error over the last decade: |slope - 1| (a->0)", "property", slope0,
                            1e-6, "a = 1e-11..1e-12; exact slope 1 - log10((1e-11+|x|)/(1e-12+|x|)) within 4e-9"));
  r.checks.push_back(tolerance_record("log-log slope of the error over the last decade: |slope + 1| (a->inf)", "property",
                            slope_inf, 1e-6, "a = 1e11..1e12"));
  r.checks.push_back(tolerance_record("|x| = 1 and x = 0: error exactly 0 for every a", "exact", zero_err, 0.0,
                            "rho_a(+-1) = 1 (50 digits) and tl1_penalty(0, a) = 0 (double)"));
  r.checks.push_back(tolerance_record("tl1_penalty (double) vs 50 digits, relative error", "closed-form-vs-numerics", dbl,
                            4 * u_round / (1 - 4 * u_round), "4 roundings: a+1, (a+1)|x|, a+|x|, quotient"));
  r.max_error = std::max(id0, id_inf);
  r.extra["table"] = table;
  summarize(r);
  if (r.verdict == Verdict::Fails) r.counterexample = "see failing sub-check";
  return r;
}

// ---------------------------------------------------------------------------------------------
// tl1.eq36.prox: the closed form is the GLOBAL minimizer; stationarity; odd, monotone, shrinking;
// accuracy of the double implementation against 50-digit references.
ClaimResult check_prox(const CheckContext& ctx) {
  ClaimResult r;
  constexpr int N = 3000;
  struct Inst {
    double y, lambda, a, x, f_closed, f_brute, x_brute, scale, stat_res, stat_tol;
    bool odd_ok, shrink_ok;
  };
  std::vector<Inst> inst(N);
#pragma omp parallel for num_threads(ctx.threads) schedule(dynamic, 16)
  for (int i = 0; i < N; ++i) {
    sim::Stream s(ctx.seed, sim::stream_id("tl1.eq36.prox/instances"), static_cast<std::uint64_t>(i));
    const double a = std::pow(10.0, -2.0 + 4.0 * s.uniform());
    const double lambda = lambda_crit(a) * std::pow(10.0, -2.0 + 4.0 * s.uniform());
    const double t = theory::tl1_threshold(lambda, a);
    double ay;
    switch (i % 10) {
      case 0: ay = t; break;                                          // exactly at the threshold
      case 1: ay = t * (1.0 + 1e-6 * (2.0 * s.uniform() - 1.0)); break;  // straddling it
      default: ay = 3.0 * t * s.uniform();
    }
    const double y = s.uniform() < 0.5 ? -ay : ay;
    Inst& in = inst[i];
    in.y = y, in.lambda = lambda, in.a = a;
    in.x = theory::tl1_prox(y, lambda, a);
    auto f = [&](double x) { return theory::tl1::prox_objective(x, y, lambda, a); };
    in.f_closed = f(in.x);
    // Brute force: the grid the brief names ([-|y|-1, |y|+1]) and one at the scale of y, since
    // y may be << 1; both with Brent refinement, and x = 0 exactly.
    const auto b1 = tl1num::brute_min_1d(f, -ay - 1.0, ay + 1.0, 2000, 3, {0.0});
    const auto b2 = tl1num::brute_min_1d(f, -2.0 * ay, 2.0 * ay, 2000, 3, {0.0});
    const auto& b = b1.f <= b2.f ? b1 : b2;
    in.f_brute = b.f, in.x_brute = b.x;
    // Objective scale: every term that enters the two objective evaluations.
    in.scale = 0.5 * y * y + 0.5 * (in.x - y) * (in.x - y) + lambda * theory::tl1_penalty(in.x, a);
    in.stat_res = 0, in.stat_tol = 0;
    if (in.x != 0) {
      const double ux = a + std::abs(in.x);
      const double D = lambda * a * (a + 1.0) / (ux * ux);
      in.stat_res = std::abs(in.x - y + std::copysign(D, in.x));
      const double da = std::abs(lambda * a * (2 * a * std::abs(in.x) + std::abs(in.x) - a)) / (ux * ux * ux);
      // The implementation's root error (<= 24 (1 + kappa) ulps, see kProxUlpPerKappa) times
      // |h'| is <= 24 eps (|x| + |y| + D + da); evaluating the residual adds ~3 eps of the same.
      in.stat_tol = 32 * eps * (std::abs(in.x) + std::abs(y) + D + da);
    }
    in.odd_ok = theory::tl1_prox(-y, lambda, a) == -in.x;
    in.shrink_ok = std::abs(in.x) <= std::abs(y) && (in.x == 0 || std::signbit(in.x) == std::signbit(y));
  }
  // Objective comparison. Tolerance: two objective evaluations, each ~3 eps of its terms
  // (square, rho's 4 roundings, product, sum), so 8 eps * scale; the closed form's own root
  // error changes f only to second order (f' = 0 there).
  double worst = -INFINITY, brute_res = 0;
  int worst_i = 0, n_nonzero = 0, n_odd_bad = 0, n_shrink_bad = 0;
  double stat_worst = 0;
  int stat_i = -1;
  for (int i = 0; i < N; ++i) {
    const Inst& in = inst[i];
    const double excess = (in.f_closed - in.f_brute) / (8 * eps * std::max(in.scale, 1e-300));
    if (excess > worst) worst = excess, worst_i = i;
    brute_res = std::max(brute_res, (in.f_brute - in.f_closed) / std::max(in.scale, 1e-300));
    if (in.x != 0) {
      ++n_nonzero;
      const double q = in.stat_res / in.stat_tol;
      if (q > stat_worst) stat_worst = q, stat_i = i;
    }
    n_odd_bad += !in.odd_ok;
    n_shrink_bad += !in.shrink_ok;
  }
  {
    const Inst& w = inst[worst_i];
    CheckRecord c = tolerance_record("global minimality vs brute force (grid + Brent + x=0), f_closed - f_brute in units of "
                           "8 eps scale",
                           "closed-form-vs-numerics", worst, 1.0,
                           fmt::format("{} random (y, lambda, a), both regimes, 10% at |y| = t, 10% within 1e-6 t; "
                                       "worst: y={:.17g} lambda={:.17g} a={:.17g} x={:.17g} f={:.17g} brute x={:.17g} "
                                       "f={:.17g}",
                                       N, w.y, w.lambda, w.a, w.x, w.f_closed, w.x_brute, w.f_brute),
                           N);
    r.checks.push_back(c);
    if (c.verdict == Verdict::Fails)
      r.counterexample = fmt::format("y={:.17g}, lambda={:.17g}, a={:.17g}: closed form x={:.17g} f={:.17g}; brute "
                                     "force x={:.17g} f={:.17g}; difference {:.3g}",
                                     w.y, w.lambda, w.a, w.x, w.f_closed, w.x_brute, w.f_brute, w.f_closed - w.f_brute);
  }
  {
    // The brute force must itself reach the closed form's value (else the comparison is weak).
    CheckRecord c = tolerance_record("brute-force resolution: max (f_brute - f_closed)/scale", "closed-form-vs-numerics",
                           brute_res, 1e-9, "Brent refines to ~sqrt(eps) in x, i.e. ~eps in f; 1e-9 is slack");
    if (c.verdict == Verdict::Fails) c.verdict = Verdict::Inconclusive;  // a weak search, not a wrong claim
    r.checks.push_back(c);
  }
  {
    std::string d = fmt::format("{} instances with x != 0", n_nonzero);
    if (stat_i >= 0)
      d += fmt::format("; worst y={:.17g} lambda={:.17g} a={:.17g} residual={:.3g}", inst[stat_i].y,
                       inst[stat_i].lambda, inst[stat_i].a, inst[stat_i].stat_res);
    r.checks.push_back(tolerance_record("stationarity x - y + lambda a(a+1) sgn(x)/(a+|x|)^2 = 0, residual / (32 eps scale)",
                              "property", stat_worst, 1.0, d, n_nonzero));
  }
  r.checks.push_back(tolerance_record("odd: prox(-y) == -prox(y) bitwise (count of violations)", "property", n_odd_bad, 0, "", N));
  r.checks.push_back(
      tolerance_record("|prox(y)| <= |y| and sign(prox) = sign(y) (count of violations)", "property", n_shrink_bad, 0, "", N));

  // Monotone: 64 random (lambda, a), 64 sorted y each in [-3t, 3t]. A decrease may only come
  // from rounding: allowed <= the accuracy bound 24 (1 + kappa) ulps of each of the two values.
  {
    double worst_m = 0;
    std::string where;
    for (int j = 0; j < 64; ++j) {
      sim::Stream s(ctx.seed, sim::stream_id("tl1.eq36.prox/monotone"), static_cast<std::uint64_t>(j));
      const double a = std::pow(10.0, -2.0 + 4.0 * s.uniform());
      const double lambda = lambda_crit(a) * std::pow(10.0, -2.0 + 4.0 * s.uniform());
      const double t = theory::tl1_threshold(lambda, a);
      std::vector<double> ys(64);
      for (double& y : ys) y = 3.0 * t * (2.0 * s.uniform() - 1.0);
      std::sort(ys.begin(), ys.end());
      auto bound = [&](double y, double x) {
        if (x == 0) return 0.0;
        const double k = theory::tl1::prox_condition(x, y, lambda, a);
        return kProxUlpPerKappa * (1 + k) * eps * std::abs(x);
      };
      for (int k = 0; k + 1 < 64; ++k) {
        const double x0 = theory::tl1_prox(ys[k], lambda, a), x1 = theory::tl1_prox(ys[k + 1], lambda, a);
        const double tol = bound(ys[k], x0) + bound(ys[k + 1], x1);
        const double v = x0 - x1 - tol;
        if (v > worst_m) worst_m = v, where = fmt::format("lambda={:.17g} a={:.17g} y={:.17g}<{:.17g}", lambda, a, ys[k], ys[k + 1]);
      }
    }
    r.checks.push_back(tolerance_record("monotone nondecreasing in y (largest decrease beyond rounding)", "property", worst_m, 0.0,
                              where, 64 * 64));
  }

  // 50-digit references at fixed points in both regimes, near and far from the threshold.
  {
    double worst_ratio = 0, max_ulps = 0, max_ulps_wc = 0, printed_worst_ratio = 0, printed_max_ulps = 0;
    std::string worst_at, printed_at;
    nlohmann::json pts = nlohmann::json::array();
    int n = 0;
    for (double a : {1e-3, 0.1, 1.0, 10.0, 1e3, 1e6}) {
      for (double fl : {0.25, 4.0, 100.0}) {
        const double lambda = fl * lambda_crit(a);
        const double t = theory::tl1_threshold(lambda, a);
        for (double rr : {1e-12, 1e-8, 1e-4, 1e-2, 1.0, 10.0}) {
          const double y = (n % 2 ? -1.0 : 1.0) * t * (1.0 + rr);
          ++n;
          const auto ref = tl1num::prox_ref(y, lambda, a);
          const double x = theory::tl1_prox(y, lambda, a);
          const double ulps = tl1num::ulp_error(x, ref.x);
          const double kappa = theory::tl1::prox_condition(static_cast<double>(ref.x), y, lambda, a);
          const double ratio = ulps / (kProxUlpPerKappa * (1 + kappa));
          const double xp = std::abs(y) > t ? theory::tl1::prox_branch_printed(y, lambda, a) : 0.0;
          const double ulps_p = tl1num::ulp_error(xp, ref.x);
          max_ulps = std::max(max_ulps, ulps);
          if (kappa <= 10) max_ulps_wc = std::max(max_ulps_wc, ulps);
          if (ratio > worst_ratio)
            worst_ratio = ratio, worst_at = fmt::format("y={:.17g} lambda={:.17g} a={:.17g}", y, lambda, a);
          const double pr = ulps_p / (kProxUlpPerKappa * (1 + kappa));
          if (pr > printed_worst_ratio)
            printed_worst_ratio = pr, printed_at = fmt::format("y={:.17g} lambda={:.17g} a={:.17g}: {:.3g} ulps",
                                                               y, lambda, a, ulps_p);
          printed_max_ulps = std::max(printed_max_ulps, ulps_p);
          pts.push_back({{"y", y}, {"lambda", lambda}, {"a", a}, {"regime", fl < 1 ? "sub" : "super"},
                         {"ref", ref.x.str(25)}, {"double", x}, {"ulps", ulps}, {"kappa", kappa},
                         {"printed_arccos_ulps", ulps_p}});
        }
      }
    }
    r.checks.push_back(tolerance_record(
        "double tl1_prox vs 50-digit reference: max ulps / (24 (1 + kappa))", "closed-form-vs-numerics", worst_ratio,
        1.0,
        fmt::format("{} points, a in 1e-3..1e6, lambda/lambda_crit in {{0.25, 4, 100}}, y = t(1 + r), r = 1e-12..10; "
                    "max {:.3g} ulps overall, {:.3g} ulps where kappa <= 10; worst ratio at {}. Tolerance: error "
                    "budget of the stable form (12 eps relative on D, amplified by the root's condition number "
                    "kappa, which is ~1/r near the threshold)",
                    n, max_ulps, max_ulps_wc, worst_at),
        n));
    r.extra["reference_points"] = pts;
    r.extra["printed_arccos_form"] = {
        {"max_ulps", printed_max_ulps},
        {"max_ulps_over_24(1+kappa)", printed_worst_ratio},
        {"worst", printed_at},
        {"note", "eq. (36) evaluated as printed (arccos form) in double; its error grows like a/|x| ulps "
                 "(cancellation of the O(a) terms and arccos of 1 - delta), so theory::tl1_prox_branch uses the "
                 "identical asin/sin^2 form instead"}};
  }
  summarize(r);
  return r;
}

// ---------------------------------------------------------------------------------------------
// tl1.eq36.regimes: continuity at t (subcritical), two global minimizers and the jump
// sqrt(2 lambda (a+1)) - a (supercritical), soft (a -> inf) and hard (a -> 0) limits.
// Derivation of the jump: at |y| = t, x = g(t) satisfies f(x) = f(0) and f'(x) = 0, i.e.
// x/2 - t + lambda(a+1)/(a+x) = 0 and x - t + lambda a(a+1)/(a+x)^2 = 0; subtracting gives
// (a + x)^2 = 2 lambda (a+1), so g(t) = sqrt(2 lambda (a+1)) - a, and then t = g(t) + a/2.
ClaimResult check_regimes(const CheckContext&) {
  ClaimResult r;
  const std::vector<double> as = {1e-3, 0.01, 0.1, 1.0, 10.0, 100.0, 1e3};
  // (1) Subcritical continuity.
  {
    double mp_gt = 0, slope = 0, dbl = 0;
    std::string at;
    for (double a : as) {
      for (double fl : {0.01, 0.5, 0.9, 1.0}) {
        const double lambda = fl == 1.0 ? lambda_crit(a) : fl * lambda_crit(a);
        // At fl = 1 the critical lambda is taken in 50 digits: the double lambda_crit(a) rounds to
        // either side of it, and a supercritical excess of 1e-16 already moves g(t) off 0.
        const mp A = a, L = fl == 1.0 ? mp(A * A / (2 * (A + 1))) : mp(lambda), T = L * (A + 1) / A;
        // 50 digits: the printed g at exactly t, relative to the O(a + t) terms that cancel.
        mp_gt = std::max(mp_gt, static_cast<double>(abs(tl1num::printed_branch_mp(T, L, A)) / (A + T)));
        if (fl == 1.0) continue;  // critical: h'(0) = 0, g ~ sqrt(y - t); no Lipschitz slope
        const mp hp0 = 1 - 2 * L * (A + 1) / (A * A);
        const mp d = mp(1e-20) * (A + T);
        // g(t + d) = d / h'(0) + O(d^2): relative deviation ~1e-20 / h'(0)^3 <= 1e-16.
        const mp sl = tl1num::printed_branch_mp(T + d, L, A) / d * hp0;
        slope = std::max(slope, static_cast<double>(abs(sl - 1)));
        // Double: |prox(y)| <= (y - t)/h'(0) for y > t (h convex) up to the rounding budget
        // 24 eps (|y| + D)/h'(0) with D = t at x = 0, so 64 eps t / h'(0).
        const double t = theory::tl1_threshold(lambda, a), h0 = static_cast<double>(hp0);
        for (int k = 0; k <= 12; ++k) {
          const double y = k == 0 ? t : t * (1.0 + std::pow(10.0, -k));
          const double x = k == 0 ? theory::tl1_prox_branch(t, lambda, a) : theory::tl1_prox(y, lambda, a);
          const double v = (std::abs(x) - (y - t) / h0) / (64 * eps * t / h0);
          if (v > dbl) dbl = v, at = fmt::format("a={:.17g} lambda={:.17g} y={:.17g} prox={:.17g}", a, lambda, y, x);
        }
      }
    }
    // Tolerance 1e-20: away from the critical lambda the printed form loses < 20 of the 50 digits
    // (cancellation of O(a) terms, arccos near 1); at the critical lambda itself the two largest
    // roots coalesce (arccos at -1, a square-root singularity), so 50 digits give ~25. A wrong
    // threshold t(1 + r) would give |g(t)|/(a+t) ~ r, far above 1e-20 for any r > 1e-18.
    r.checks.push_back(tolerance_record("subcritical: g(t) = 0 (printed form, 50 digits, critical lambda included), |g(t)|/(a+t)",
                              "exact", mp_gt, 1e-20,
                              "50-digit arithmetic: ~25 digits survive the double root at the critical lambda"));
    r.checks.push_back(tolerance_record("subcritical: g(t+d)/d -> 1/h'(0) (Lipschitz continuity at t), 50 digits", "exact", slope,
                              1e-12, "d = 1e-20 (a + t); remainder O(d / h'(0)^2)"));
    r.checks.push_back(tolerance_record("subcritical, double: |prox(y)| <= (y - t)/h'(0) for y in t(1 + 10^-k), in units of "
                              "64 eps t/h'(0)",
                              "property", dbl, 1.0, at));
  }
  // (1b) The regime boundary lambda_c = a^2 / (2 (a + 1)) and both threshold formulas, against the
  // threshold's DEFINITION: prox(y) = 0 iff no x != 0 beats x = 0, i.e. 0.5 x^2 - x |y| + lambda
  // rho_a(x) >= 0 for all x > 0, i.e. |y| <= phi(x) = x/2 + lambda (a + 1)/(a + x) for all x > 0; so
  // t = inf_{x > 0} phi(x). phi is convex (phi'' = 2 lambda (a + 1)/(a + x)^3 > 0), so a golden-section
  // search in 50 digits on [0, 2 phi(0)] (phi(x) >= x/2, so the minimizer lies there) finds the
  // infimum without using either closed form or the regime test (the minimizer is x = 0 exactly in
  // the subcritical regime). Grid: lambda / lambda_c from 0.5 to 2, densest inside the band
  // (a + 1)/(a + 2) < lambda / lambda_c <= 1 where a boundary misplaced to a^2/(2(a + 2)) would
  // pick the supercritical formula (relative error (1 - sqrt f)^2 / f: 1.9% at a = 1e-3, 6e-8 at
  // a = 1e3), plus the band's midpoint for each a. Tolerance 4 ulps (theory/prox.hpp's stated
  // bound for tl1_threshold; the 50-digit infimum is exact to ~1e-40 relative after 200 steps).
  {
    double worst = 0;
    std::string at;
    int points = 0;
    for (double a : as) {
      const double band_mid = 0.5 * ((a + 1.0) / (a + 2.0) + 1.0);
      for (double fl : {0.5, band_mid, 0.9, 0.95, 0.99, 0.999, 0.9999, 1.0001, 1.001, 1.01, 1.1, 2.0}) {
        const double lambda = fl * lambda_crit(a);
        const mp A = a, L = lambda;
        auto phi = [&](const mp& x) { return x / 2 + L * (A + 1) / (A + x); };
        mp lo = 0, hi = 2 * phi(mp(0));
        const mp g = (sqrt(mp(5)) - 1) / 2;
        mp x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo), f1 = phi(x1), f2 = phi(x2);
        for (int k = 0; k < 200; ++k) {
          if (f1 <= f2) {
            hi = x2, x2 = x1, f2 = f1;
            x1 = hi - g * (hi - lo), f1 = phi(x1);
          } else {
            lo = x1, x1 = x2, f1 = f2;
            x2 = lo + g * (hi - lo), f2 = phi(x2);
          }
        }
        const mp t_def = std::min({phi(mp(0)), f1, f2});
        const double t = theory::tl1_threshold(lambda, a);
        const double e = tl1num::ulp_error(t, t_def) / 4.0;
        ++points;
        if (e > worst)
          worst = e, at = fmt::format("a={:.17g} lambda/lambda_c={:.17g} t={:.17g} inf phi={:.17g}", a, fl, t,
                                      static_cast<double>(t_def));
      }
    }
    r.checks.push_back(tolerance_record(
        "regime boundary: t = inf_{x>0} (x/2 + lambda rho_a(x)/x) (the definition, 50-digit golden section), "
        "lambda/lambda_c in [0.5, 2] incl. (a+1)/(a+2) < lambda/lambda_c <= 1, in units of 4 ulps",
        "exact", worst, 1.0, fmt::format("{} (a, lambda) points; worst at {}", points, at)));
  }
  // (2) Supercritical: two global minimizers at |y| = t and the jump.
  {
    double tie = 0, jump = 0, better = 0, dbl_jump = 0, dbl_tie = 0;
    nlohmann::json tab = nlohmann::json::array();
    for (double a : as) {
      for (double fl : {1.5, 4.0, 100.0, 1e4}) {
        const double lambda = fl * lambda_crit(a);
        const mp A = a, L = lambda, J = sqrt(2 * L * (A + 1)) - A, T = sqrt(2 * L * (A + 1)) - A / 2;
        const mp g = tl1num::printed_branch_mp(T, L, A);
        const mp S = T * T / 2;
        tie = std::max(tie, static_cast<double>(abs(tl1num::objective_mp(g, T, L, A) - tl1num::objective_mp(0, T, L, A)) / S));
        jump = std::max(jump, static_cast<double>(abs(g - J) / J));
        // Global: no candidate of the 50-digit reference beats f(0) = f(g(t)).
        const auto ref = tl1num::prox_ref(T, L, A);
        const mp f0 = tl1num::objective_mp(0, T, L, A);
        better = std::max(better, static_cast<double>((f0 - ref.f) / S));
        // Double: the branch at the double t against the 50-digit jump: 24 (1 + kappa) ulps for
        // the branch (kappa covers the rounding of t, an input perturbation), +3 (1 + kappa) for t.
        const double t = theory::tl1_threshold(lambda, a);
        const double gd = theory::tl1_prox_branch(t, lambda, a);
        const double kappa = theory::tl1::prox_condition(gd, t, lambda, a);
        dbl_jump = std::max(dbl_jump, tl1num::ulp_error(gd, J) / (27 * (1 + kappa)));
        // Double, brute force at y = t: nothing beats min(f(0), f(g(t))) and both agree.
        auto f = [&](double x) { return theory::tl1::prox_objective(x, t, lambda, a); };
        const auto b = tl1num::brute_min_1d(f, -t - 1, t + 1, 4000, 3, {0.0});
        const double s = 0.5 * t * t;
        dbl_tie = std::max({dbl_tie, (std::min(f(0), f(gd)) - b.f) / (8 * eps * s), std::abs(f(0) - f(gd)) / (8 * eps * s)});
        tab.push_back({{"a", a}, {"lambda", lambda}, {"t", t}, {"g(t) double", gd},
                       {"sqrt(2 lambda (a+1)) - a", static_cast<double>(J)}, {"f(0)", f(0.0)}, {"f(g(t))", f(gd)}});
      }
    }
    r.checks.push_back(tolerance_record("supercritical: f(g(t)) = f(0) at |y| = t, 50 digits, relative", "exact", tie, 1e-30,
                              "two minimizers tie"));
    r.checks.push_back(tolerance_record("supercritical: no point beats f(0) at |y| = t (50-digit roots), relative", "exact",
                              better, 1e-30, "0 and g(t) are global minimizers"));
    r.checks.push_back(tolerance_record("supercritical: jump g(t) = sqrt(2 lambda (a+1)) - a, 50 digits, relative", "exact", jump,
                              1e-30, "derived exactly; printed form evaluated in 50 digits"));
    r.checks.push_back(tolerance_record("supercritical, double: jump within 27 (1 + kappa) ulps", "closed-form-vs-numerics",
                              dbl_jump, 1.0, "branch budget 24 (1+kappa) ulps + rounding of t"));
    r.checks.push_back(tolerance_record("supercritical, double brute force at y = t: both minimizers, in units of 8 eps y^2/2",
                              "closed-form-vs-numerics", dbl_tie, 1.0, "grid 4001 + Brent + x = 0"));
    r.extra["supercritical_jump"] = tab;
  }
  // (3) a -> inf: soft thresholding at lambda. Bound (derived): |prox - S| <= B = max(t - lambda,
  // lambda((1 + 2|y|)/a + y^2/a^2)); plus rounding 64 eps (|y| + lambda).
  {
    double worst = 0, thr = 0;
    nlohmann::json tab = nlohmann::json::array();
    for (double lambda : {0.1, 1.0, 5.0}) {
      for (int k = 1; k <= 12; ++k) {
        const double a = std::pow(10.0, k), t = theory::tl1_threshold(lambda, a);
        double maxerr = 0;
        for (int j = 0; j <= 400; ++j) {
          const double y = -(4 * lambda + 1) + (8 * lambda + 2) * j / 400.0;
          const double e = std::abs(theory::tl1_prox(y, lambda, a) - soft(y, lambda));
          const double B = std::max(t - lambda, lambda * ((1 + 2 * std::abs(y)) / a + y * y / (a * a)));
          worst = std::max(worst, (e - B) / (64 * eps * (std::abs(y) + lambda)));
          maxerr = std::max(maxerr, e);
        }
        // t - lambda = lambda/a exactly; in double, t = lambda (a+1)/a carries <= 3 roundings
        // (3 eps t) and t - lambda is exact (Sterbenz), so compare absolutely in units of 4 eps t.
        // (A relative test of t - lambda would measure cancellation: its relative error is ~a eps.)
        if (lambda <= lambda_crit(a)) thr = std::max(thr, std::abs((t - lambda) - lambda / a) / (4 * eps * t));
        tab.push_back({{"lambda", lambda}, {"a", a}, {"max|prox - soft|", maxerr}, {"a * max", a * maxerr}, {"t", t}});
      }
    }
    r.checks.push_back(tolerance_record("a -> inf: |prox - soft(y, lambda)| <= B(a) = O(1/a), excess in units of 64 eps "
                              "(|y| + lambda)",
                              "property", worst, 1.0, "a = 10..1e12, 401 y per lambda in {0.1, 1, 5}"));
    r.checks.push_back(tolerance_record("a -> inf: t - lambda = lambda/a (subcritical), |t - lambda - lambda/a| in units of "
                              "4 eps t",
                              "property", thr, 1.0, "t = lambda (a+1)/a: 3 roundings; t - lambda exact"));
    r.extra["soft_limit"] = tab;
  }
  // (4) a -> 0: hard thresholding at sqrt(2 lambda). For |y| > t: |prox - y| <= a/2 (since
  // (a + x)^2 >= (a + g(t))^2 = 2 lambda (a+1)); for |y| <= t: prox = 0. So prox = H up to a/2
  // outside the band between sqrt(2 lambda) and t, whose width is <= a (sqrt(2 lambda) + 1)/2.
  {
    double worst = 0, band = 0;
    int excluded = 0;
    nlohmann::json tab = nlohmann::json::array();
    for (double lambda : {0.1, 1.0, 5.0}) {
      const double h = std::sqrt(2 * lambda);
      for (int k = 1; k <= 12; ++k) {
        const double a = std::pow(10.0, -k), t = theory::tl1_threshold(lambda, a);
        band = std::max(band, std::abs(t - h) / (a * (h + 1) / 2));
        double maxerr = 0;
        for (int j = 0; j <= 400; ++j) {
          const double y = -(2 * h + 1) + (4 * h + 2) * j / 400.0;
          if (std::abs(y) > std::min(t, h) - 4 * eps * h && std::abs(y) <= std::max(t, h) + 4 * eps * h) {
            ++excluded;
            continue;
          }
          const double e = std::abs(theory::tl1_prox(y, lambda, a) - hard(y, lambda));
          worst = std::max(worst, (e - a / 2) / (64 * eps * (std::abs(y) + h)));
          maxerr = std::max(maxerr, e);
        }
        tab.push_back({{"lambda", lambda}, {"a", a}, {"max|prox - hard|", maxerr}, {"t - sqrt(2 lambda)", t - h}});
      }
    }
    r.checks.push_back(tolerance_record("a -> 0: |prox - hard(y)| <= a/2 outside the threshold band, excess in units of 64 eps",
                              "property", worst, 1.0,
                              fmt::format("a = 0.1..1e-12; {} grid points inside the O(a) band excluded", excluded)));
    r.checks.push_back(tolerance_record("a -> 0: |t - sqrt(2 lambda)| / (a (sqrt(2 lambda) + 1)/2)", "property", band, 1.0,
                              "t -> sqrt(2 lambda) at rate O(a)"));
    r.extra["hard_limit"] = tab;
  }
  summarize(r);
  if (r.verdict == Verdict::Fails) {
    for (const auto& c : r.checks)
      if (c.verdict == Verdict::Fails) {
        r.counterexample = c.name + ": " + c.detail;
        break;
      }
  }
  return r;
}

}  // namespace regcheck::claims::tl1
