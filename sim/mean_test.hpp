#pragma once
// Hypothesis test of a Monte Carlo mean against a theory value, with its confidence interval and
// detectable deviation.
//
// Test: two-sided Student-t, H0: E[stat] = theory, at level alpha. The t reference is justified
// by the central limit theorem for statistics with finite variance; every check samples at least
// 10^4 values so the normal approximation of the mean is accurate.
//
// Detectable deviation (power 1 - beta, default 0.99): delta = c * se, where se is the estimated
// standard error and c = detectable_multiplier(t_{1-alpha/2}, 1 - beta, dof). With a known se,
// c = z_{1-alpha/2} + z_{1-beta}. With se estimated from dof + 1 values (a t test; few dof when
// the values are R randomized-QMC replicates), se itself is random and the classic
// (t_{1-alpha/2} + t_{1-beta}) * se_hat undershoots: an independent replication tested against
// theory + delta_hat is then flagged less often than 1 - beta (simulated 0.956 at dof 63 and
// alpha 1e-8; about 0.6 at alpha 1e-300). c is therefore solved so that this design (the power
// self-test of every claim) detects with probability exactly 1 - beta for normal replicate means:
// P(|Z - c U1| > t U2) = 1 - beta, Z ~ N(0, 1), U1, U2 ~ sqrt(chi2_dof / dof) independent.
// That is what makes the count of missed power self-tests Binomial(k, beta) in `verify`.
#include "sim/monte_carlo.hpp"
#include "sim/welford.hpp"

#include <cstdint>
#include <limits>
#include <string>

namespace regcheck::sim {

enum class Verdict { Holds, Fails, Inconclusive, Error };
std::string to_string(Verdict v);
Verdict parse_verdict(const std::string& s);  // "HOLDS", "FAILS", "INCONCLUSIVE", "ERROR"

// Quantiles from Boost.Math.
double normal_quantile(double p);                  // Phi^{-1}(p)
double student_t_quantile(double p, double dof);   // inverse CDF of Student t with dof degrees
// Upper-tail quantiles: the x with P(X > x) = q, computed from the complement (Boost's
// quantile(complement(dist, q))), never as quantile(1 - q): 1 - q rounds to 1 for q < 2^-54
// (e.g. q = alpha/2 = 5e-17 for --alpha 1e-16), and to a few digits for q near eps.
double normal_upper_quantile(double q);                 // Phi^{-1}(1 - q), q in (0, 1)
double student_t_upper_quantile(double q, double dof);  // t_{dof}^{-1}(1 - q), q in (0, 1)

// The multiplier c above, for a two-sided t test with critical value t_crit (> 0) on dof degrees
// of freedom, at power in (0, 1). The integral over (U1, U2) by the trapezoid rule in log U on a
// 512 x 512 grid (against scipy's adaptive dblquad: tests/test_sim.cpp), root by TOMS 748;
// memoized per (t_crit, power, dof). For dof > 1e5 it returns t_crit + z_power (the se is then
// known to 0.3%, and the exact c differs by less than 1e-3 relative).
double detectable_multiplier(double t_crit, double power, double dof);

struct Interval {
  double lo = 0, hi = 0;
};
// Level-(1 - alpha) confidence interval for the mean: Student t with n - 1 degrees of freedom.
Interval t_interval(const Welford& w, double alpha);
// Level-(1 - alpha) normal interval for an estimate with standard error se.
Interval normal_interval(double estimate, double se, double alpha);

struct MeanTestOptions {
  double alpha = 1e-8;       // false-FAIL probability of this test
  double power = 0.99;       // power at which the detectable deviation is reported
  // HOLDS needs the detectable deviation at or below this resolution; otherwise INCONCLUSIVE.
  double resolution = std::numeric_limits<double>::infinity();
  // Stated bound B >= 0 on the statistic's systematic error |E[stat] - target| (e.g. the Taylor
  // remainder of a finite difference), in the statistic's units. The test then FAILS when
  // |estimate - theory| > critical * se + B (the interval is widened by B on both sides), and the
  // detectable deviation is multiplier * se + 2 B: a deviation delta of the target must be caught
  // whatever the bias b in [-B, B] is, and |estimate - theory| ~ |delta + b| >= delta - B must then
  // exceed critical * se + B. 0 (default): the plain test, bit-identical to the rule without it.
  double bias_bound = 0;
};

struct MeanTestResult {
  double theory = 0;
  double estimate = 0;
  double standard_error = 0;
  Interval ci;                      // at level 1 - alpha
  double statistic = 0;             // (estimate - theory) / se
  double critical = 0;              // reject when |statistic| > critical
  double detectable_deviation = 0;  // at the requested power
  double resolution = 0;            // the options' resolution (HOLDS needs detectable <= it)
  double bias_bound = 0;            // the options' bias bound (included in ci and detectable_deviation)
  std::uint64_t n = 0;
  Verdict verdict = Verdict::Inconclusive;
};

// Fixed-sample test from an accumulator.
MeanTestResult test_mean(const Welford& w, double theory, const MeanTestOptions& opt);
// Same for an estimate with a known standard error (e.g. by the delta method), normal reference.
MeanTestResult test_estimate(double estimate, double se, std::uint64_t n, double theory,
                             const MeanTestOptions& opt);

}  // namespace regcheck::sim
