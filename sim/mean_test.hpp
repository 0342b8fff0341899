#pragma once
// Hypothesis test of a Monte Carlo mean against a theory value, with its confidence interval and
// detectable deviation.
//
// Test: two-sided Student-t, H0: E[stat] = theory, at level alpha. The t reference is justified
// by the central limit theorem for statistics with finite variance; every check samples at least
// 10^4 values so the normal approximation of the mean is accurate.
//
// Detectable deviation (power 1 - beta, default 0.99): delta = (t_{1-alpha/2} + t_{1-beta}) * se.
// A true mean at |theory - truth| >= delta is flagged with probability >= 1 - beta.
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
  std::uint64_t n = 0;
  Verdict verdict = Verdict::Inconclusive;
};

// Fixed-sample test from an accumulator.
MeanTestResult test_mean(const Welford& w, double theory, const MeanTestOptions& opt);
// Same for an estimate with a known standard error (e.g. by the delta method), normal reference.
MeanTestResult test_estimate(double estimate, double se, std::uint64_t n, double theory,
                             const MeanTestOptions& opt);

}  // namespace regcheck::sim
