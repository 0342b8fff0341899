#include "claims/core/engine_known_answers.hpp"

#include "sim/calibration.hpp"
#include "sim/mean_test.hpp"
#include "sim/welford.hpp"
#include "theory/require.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <utility>

namespace regcheck::claims {

namespace {

constexpr double eps = std::numeric_limits<double>::epsilon();

// Provenance of the references (recomputed by tests/data/engine_known_answers.py).
constexpr const char* kMpT =
    "mpmath 50 digits: root of I_{nu/(nu+t^2)}(nu/2, 1/2)/2 = q (scipy's t.isf is off by 12 ulps at dof 4 "
    "and by 1.8e-9 relative at dof 63, q = 5e-9; tests/data/engine_known_answers.py)";
constexpr const char* kMpZ = "mpmath 50 digits: -sqrt(2) erfinv(2 q - 1)";
constexpr const char* kScipyC =
    "scipy 1.10 dblquad over the chi densities + brentq (tests/data/detectable_multiplier.py)";
// Tolerances. Boost's Student-t inverse iterates the incomplete-beta inverse to a few ulps; 64 eps
// |x| leaves room for it and is still 1e-14 relative, far below any slip a mutant would make (t vs
// normal at dof 4: 42%; at dof 63, q = 5e-9: 15%).
constexpr double kTUlps = 64;
// Boost's normal quantile is erfc_inv (rational approximations, ~2 ulps): 16 eps |x|.
constexpr double kZUlps = 16;
// The multiplier's root is solved to 2^-30 relative (TOMS 748, eps_tolerance(30)) and the
// trapezoid integral is far more accurate; scipy's dblquad had epsrel 1e-10: 1e-8 relative.
constexpr double kCRel = 1e-8;

std::string num(double x) { return fmt::format("{:.17g}", x); }

// A known answer compared exactly (a verdict, a count): expected and got as printed.
KnownAnswer exact_answer(std::string function, std::string input, std::string expected, std::string got, std::string source) {
  KnownAnswer k;
  k.function = std::move(function);
  k.input = std::move(input);
  k.agree = expected == got;
  k.expected = std::move(expected);
  k.got = std::move(got);
  k.tolerance = "exact";
  k.source = std::move(source);
  return k;
}

KnownAnswer verdict_answer(std::string function, std::string input, sim::Verdict expected, sim::Verdict got,
                           std::string source) {
  return exact_answer(std::move(function), std::move(input), sim::to_string(expected), sim::to_string(got), std::move(source));
}

KnownAnswer count_answer(std::string function, std::string input, std::uint64_t expected, std::uint64_t got,
                         std::string source) {
  return exact_answer(std::move(function), std::move(input), std::to_string(expected), std::to_string(got), std::move(source));
}

}  // namespace

KnownAnswer known_answer(std::string function, std::string input, double expected, double got, double tol,
                         std::string tolerance, std::string source) {
  REGCHECK_REQUIRE(std::isfinite(expected), "known_answer: expected must be finite, got " + num(expected));
  REGCHECK_REQUIRE(std::isfinite(tol) && tol >= 0, "known_answer: tol must be finite and >= 0, got " + num(tol));
  KnownAnswer k;
  k.function = std::move(function);
  k.input = std::move(input);
  k.expected = num(expected);
  k.got = num(got);
  k.tolerance = std::move(tolerance);
  k.source = std::move(source);
  k.agree = std::isfinite(got) && std::abs(got - expected) <= tol;
  return k;
}

std::vector<KnownAnswer> engine_known_answers(const Registry& reg, const CheckContext& ctx) {
  std::vector<KnownAnswer> out;
  const std::string t_tol = fmt::format("{:g} eps |x|: Boost's incomplete-beta inverse stops at a few ulps", kTUlps);
  const std::string z_tol = fmt::format("{:g} eps |x|: Boost's erfc_inv is ~2 ulps", kZUlps);
  const std::string c_tol = fmt::format("{:g} relative: root to 2^-30, scipy epsrel 1e-10", kCRel);

  // Quantiles. t_{0.975, 4} also has the closed form 2 sqrt(q - 1), q = cos(acos(sqrt a)/3)/sqrt a,
  // a = 4 p (1 - p) (Student t with 4 dof; same 50 digits). 6.5974680330632549 is the critical value
  // of an RQMC check (R = 64 replicates) at alpha 1e-8.
  const double t4 = 2.7764451051977943578, t63 = 6.5974680330632548566;
  out.push_back(known_answer("sim::student_t_upper_quantile", "q = 0.025, dof = 4", t4,
                             sim::student_t_upper_quantile(0.025, 4), kTUlps * eps * t4, t_tol,
                             std::string(kMpT) + "; closed form for dof 4"));
  out.push_back(known_answer("sim::student_t_upper_quantile", "q = 5e-9, dof = 63", t63,
                             sim::student_t_upper_quantile(0.5e-8, 63), kTUlps * eps * t63, t_tol, kMpT));
  const double z975 = 1.9599639845400542355, z5e9 = 5.7307288682362896501, z99 = 2.3263478740408411009;
  out.push_back(known_answer("sim::normal_upper_quantile", "q = 0.025", z975, sim::normal_upper_quantile(0.025),
                             kZUlps * eps * z975, z_tol, kMpZ));
  out.push_back(known_answer("sim::normal_upper_quantile", "q = 5e-9", z5e9, sim::normal_upper_quantile(0.5e-8),
                             kZUlps * eps * z5e9, z_tol, kMpZ));
  out.push_back(known_answer("sim::normal_quantile", "p = 0.99", z99, sim::normal_quantile(0.99), kZUlps * eps * z99,
                             z_tol, "mpmath 50 digits: sqrt(2) erfinv(2 p - 1)"));

  // Welford on 1..5: mean 3, s^2 = sum (i - 3)^2 / 4 = 10/4, se = sqrt(s^2 / 5) = sqrt(1/2). Every
  // step of the recurrence is exact here except the final sqrt (correctly rounded): 4 eps.
  sim::Welford w5;
  for (int i = 1; i <= 5; ++i) w5.add(i);
  const double se5 = 0.70710678118654752440;
  out.push_back(known_answer("sim::Welford::mean", "1, 2, 3, 4, 5", 3.0, w5.mean(), 4 * eps * 3, "4 eps |x|",
                             "exact fraction 15/5"));
  out.push_back(known_answer("sim::Welford::variance", "1, 2, 3, 4, 5", 2.5, w5.variance(), 4 * eps * 2.5, "4 eps |x|",
                             "exact fraction 10/4 (n - 1 denominator)"));
  out.push_back(known_answer("sim::Welford::standard_error", "1, 2, 3, 4, 5", se5, w5.standard_error(), 4 * eps * se5,
                             "4 eps |x|", "sqrt(1/2)"));
  // Chan et al. merge of {1, 2} into {3, ..., 7}: the accumulator of 1..7, mean 4, s^2 = 28/6.
  sim::Welford wa, wb;
  for (int i = 1; i <= 2; ++i) wa.add(i);
  for (int i = 3; i <= 7; ++i) wb.add(i);
  wa.merge(wb);
  out.push_back(known_answer("sim::Welford::merge (mean)", "{1, 2} + {3, ..., 7}", 4.0, wa.mean(), 8 * eps * 4,
                             "8 eps |x| (a few roundings in the weights)", "exact fraction 28/7"));
  out.push_back(known_answer("sim::Welford::merge (variance)", "{1, 2} + {3, ..., 7}", 28.0 / 6.0, wa.variance(),
                             8 * eps * 28.0 / 6.0, "8 eps |x| (a few roundings in the weights)",
                             "exact fraction 28/6 (correctly rounded)"));

  // Intervals: t interval of 1..5 at alpha 0.05 has half-width t_{0.975,4} sqrt(1/2); the normal
  // interval of (0, se 1) at alpha 0.05 has half-width z_{0.975}.
  const double h5 = 1.9632431614775576977;
  const sim::Interval ti = sim::t_interval(w5, 0.05);
  out.push_back(known_answer("sim::t_interval (upper half-width)", "1, 2, 3, 4, 5; alpha = 0.05", h5, ti.hi - 3.0,
                             (kTUlps + 8) * eps * 3, t_tol + ", plus the subtraction of the mean",
                             "t_{0.975,4} sqrt(1/2), mpmath 50 digits"));
  out.push_back(known_answer("sim::t_interval (lower half-width)", "1, 2, 3, 4, 5; alpha = 0.05", h5, 3.0 - ti.lo,
                             (kTUlps + 8) * eps * 3, t_tol + ", plus the subtraction of the mean",
                             "t_{0.975,4} sqrt(1/2), mpmath 50 digits"));
  const sim::Interval ni = sim::normal_interval(0.0, 1.0, 0.05);
  out.push_back(known_answer("sim::normal_interval (half-width)", "estimate 0, se 1, alpha = 0.05", z975,
                             0.5 * (ni.hi - ni.lo), kZUlps * eps * z975, z_tol, kMpZ));

  // The mean test on 1..64 (the size of an RQMC check: R = 64 replicates, dof 63) against theory
  // 32.5 at alpha 1e-8, power 0.99: mean 65/2, s^2 = 64 * 65 / 12, se = sqrt(65/12); critical value
  // t_{1-5e-9, 63} (a normal quantile would give 5.73); detectable deviation c se with
  // c = 9.993287960590074 (the classic t + z_power = 8.92 misses 4.4% of power self-tests instead
  // of 1%). One multiplier root costs ~0.1 s (512^2-point trapezoid x ~12 TOMS 748 steps), so every
  // known-answer test of the mean test shares this one (t_crit, power, dof): memoized.
  sim::Welford w64;
  for (int i = 1; i <= 64; ++i) w64.add(i);
  const double se64 = 2.3273733406281568616;  // sqrt(65/12), mpmath
  const sim::MeanTestResult m64 = sim::test_mean(w64, 32.5, {1e-8, 0.99});
  out.push_back(known_answer("sim::test_mean (critical value)", "1, ..., 64; theory 32.5, alpha 1e-8", t63, m64.critical,
                             kTUlps * eps * t63, t_tol, std::string(kMpT) + " (Student t with n - 1 = 63 dof)"));
  out.push_back(known_answer("sim::test_mean (standard error)", "1, ..., 64", se64, m64.standard_error, 8 * eps * se64,
                             "8 eps |x| (Welford recurrence on integers, one sqrt)", "sqrt(65/12), mpmath"));
  const double c63 = 9.993287960590074;
  out.push_back(known_answer("sim::test_mean (detectable deviation)", "1, ..., 64; alpha 1e-8, power 0.99", c63 * se64,
                             m64.detectable_deviation, kCRel * c63 * se64, c_tol,
                             std::string(kScipyC) + ", times se = sqrt(65/12)"));
  out.push_back(known_answer("sim::detectable_multiplier", "t_crit = t_{1-5e-9, 63}, power 0.99, dof 63", c63,
                             sim::detectable_multiplier(sim::student_t_upper_quantile(0.5e-8, 63), 0.99, 63),
                             kCRel * c63, c_tol, kScipyC));
  // Above 1e5 dof the se is known to 0.3%: c = t_crit + z_power.
  out.push_back(known_answer("sim::detectable_multiplier", "t_crit = 5, power 0.99, dof 2e5", 5 + z99,
                             sim::detectable_multiplier(5.0, 0.99, 2e5), kZUlps * eps * (5 + z99), z_tol,
                             "5 + z_{0.99} (mpmath)"));

  // Verdicts of a statistic 2.2 se from theory (two-sided p = erfc(2.2/sqrt 2) = 0.0278069): FAILS
  // on both sides at alpha 0.05 (|2.2| > 1.960); HOLDS at alpha 0.02 (critical 2.326), where a
  // one-sided test (critical 2.054) would reject +2.2; a one-sided test never rejects -2.2.
  const std::string p22 = "two-sided p = erfc(2.2/sqrt 2) = 0.0278069 (mpmath)";
  out.push_back(verdict_answer("sim::test_estimate (verdict)", "estimate -2.2, se 1, theory 0, alpha 0.05", sim::Verdict::Fails,
                               sim::test_estimate(-2.2, 1.0, 1'000'000, 0.0, {0.05}).verdict, p22 + " < 0.05"));
  out.push_back(verdict_answer("sim::test_estimate (verdict)", "estimate +2.2, se 1, theory 0, alpha 0.05", sim::Verdict::Fails,
                               sim::test_estimate(2.2, 1.0, 1'000'000, 0.0, {0.05}).verdict, p22 + " < 0.05"));
  out.push_back(verdict_answer("sim::test_estimate (verdict)", "estimate +2.2, se 1, theory 0, alpha 0.02", sim::Verdict::Holds,
                               sim::test_estimate(2.2, 1.0, 1'000'000, 0.0, {0.02}).verdict, p22 + " > 0.02"));
  // The same through the t test on 1..64 (alpha 1e-8, critical t_{1-5e-9, 63} = 6.597): theory
  // 32.5 + 7 se gives the statistic -7 (FAILS; a one-sided upper test would not reject it); theory
  // 32.5 - 6.2 se gives +6.2 (HOLDS under Student t; a normal critical value, 5.73, would reject).
  out.push_back(verdict_answer("sim::test_mean (verdict)", "1, ..., 64; theory 32.5 + 7 sqrt(65/12), alpha 1e-8",
                               sim::Verdict::Fails, sim::test_mean(w64, 32.5 + 7 * se64, {1e-8}).verdict,
                               "statistic -7, |-7| > t_{1-5e-9, 63} = 6.597"));
  out.push_back(verdict_answer("sim::test_mean (verdict)", "1, ..., 64; theory 32.5 - 6.2 sqrt(65/12), alpha 1e-8",
                               sim::Verdict::Holds, sim::test_mean(w64, 32.5 - 6.2 * se64, {1e-8}).verdict,
                               "statistic 6.2 < t_{1-5e-9, 63} = 6.597 (> z = 5.731)"));

  // Binomial limit of the engine self-check: Binomial(53, 0.01) at level 1e-6 allows 7 missed power
  // self-tests (P(X > 7) = 5.94e-8 <= 1e-6 < P(X > 6) = 1.03e-6); Binomial(1000, 0.01): 28.
  out.push_back(count_answer("sim::binomial_upper_limit", "k = 53, p = 0.01, q = 1e-6", 7,
                             sim::binomial_upper_limit(53, 0.01, 1e-6),
                             "exact binomial tail in mpmath (P(X > 7) = 5.94e-8, P(X > 6) = 1.03e-6); scipy binom.isf"));
  out.push_back(count_answer("sim::binomial_upper_limit", "k = 1000, p = 0.01, q = 1e-6", 28,
                             sim::binomial_upper_limit(1000, 0.01, 1e-6), "exact binomial tail in mpmath; scipy binom.isf"));

  // Bonferroni split of this run: alpha per Monte Carlo test = family-wise alpha / the number of
  // Monte Carlo tests declared by the registry's claims (summed here, not Registry::total_mc_tests).
  int declared = 0;
  for (const Claim& c : reg.claims()) declared += c.mc_tests;
  const double split = ctx.alpha_total / std::max(1, declared);
  out.push_back(known_answer("Bonferroni split (CheckContext::alpha_per_test)",
                             fmt::format("alpha {:g} over {} Monte Carlo tests", ctx.alpha_total, declared), split,
                             ctx.alpha_per_test, 0.0, "exact (the same division)", "alpha / sum of the claims' mc_tests"));
  return out;
}

std::string describe(const KnownAnswer& k) {
  return fmt::format("{}({}): expected {} ({}), got {} (tolerance {})", k.function, k.input, k.expected, k.source, k.got,
                     k.tolerance);
}

}  // namespace regcheck::claims
