#pragma once
// Statistics on users' own results (`regcheck stats`): summaries with confidence intervals, a
// seeded bootstrap, two- and k-group comparisons, multiplicity adjustment and t-test power.
//
// Every function takes a sample as values centered on a reference (see sim/stats/table.hpp:
// value = ref + x[i], the centered values exact to ~1 ulp of the spread) and computes all moments
// from the centered data with two-pass formulas: a one-pass sum of squares (sum x^2 - n mean^2)
// cancels catastrophically when the mean is large against the spread (NIST SmLs09: mean 1e12,
// sd 0.1, every digit lost), while the centered two-pass form keeps the full precision.
// Reported means are ref + centered mean. Distributions (Student t, F, normal, noncentral t,
// binomial) are Boost.Math's; upper tails through complement(...) so that small p-values keep
// their relative precision.
//
// Misuse (too few values, zero variance, bad levels) throws std::invalid_argument naming the value.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace regcheck::sim::stats {

struct Moments {
  std::size_t n = 0;
  double mean = 0.0;   // ref + centered mean
  double cmean = 0.0;  // centered mean
  double var = 0.0;    // sample variance (n - 1 denominator)
  double sd = 0.0;
  double se = 0.0;     // sd / sqrt(n)
};
// Needs n >= 1 (var, sd, se are 0 for n = 1).
Moments moments(std::span<const double> x, double ref);

struct Summary {
  Moments m;
  double level = 0.95;              // confidence level of every interval
  double ci_lo = 0.0, ci_hi = 0.0;  // Student-t interval for the mean
  double median = 0.0;
  // Distribution-free interval [x_(l), x_(n+1-l)] for the median: l is the largest rank with
  // P(Binomial(n, 1/2) <= l - 1) <= (1 - level) / 2; its exact coverage is median_ci_coverage
  // (>= level, or the largest possible, [min, max], when n is too small to reach level).
  double median_ci_lo = 0.0, median_ci_hi = 0.0, median_ci_coverage = 0.0;
  std::size_t median_ci_rank = 0;   // l
};
// Needs n >= 2 and a nonzero variance; level in (0, 1).
Summary summarize(std::span<const double> x, double ref, double level);

struct BootstrapCi {
  bool bca = true;                  // BCa (false: percentile)
  std::size_t resamples = 0;
  std::uint64_t seed = 0;
  double lo = 0.0, hi = 0.0;
  double z0 = 0.0, accel = 0.0;     // BCa bias correction and acceleration (0 for percentile)
};
// Bootstrap interval for the mean, as scipy.stats.bootstrap(method='BCa' or 'percentile')
// computes it from the resample means: BCa bias z0 = Phi^-1(mean of the fractions below and at
// or below the estimate), acceleration from the jackknife (O(n) for the mean), percentiles of the
// sorted resample means with linear interpolation (numpy's default). Resample b draws its n
// indices from Philox4x64 keyed by (seed, stream "stats.bootstrap") at counter (b, block,
// substream), with Lemire's bounded integers (32-bit, with rejection: exactly uniform), and sums
// in a fixed order (index i into partial sum i mod 4): the result is byte-identical for a seed
// whatever the thread count. `substream` (e.g. the group's index) gives independent resamples to
// several samples under one seed. Needs 2 <= n < 2^32, resamples >= 100, nonzero variance.
BootstrapCi bootstrap_mean_ci(std::span<const double> x, double ref, double level, std::size_t resamples, std::uint64_t seed,
                              bool bca, int threads, std::uint64_t substream = 0);

struct TTest {
  double t = 0.0, df = 0.0, p_value = 1.0;
  double diff = 0.0, se = 0.0, ci_lo = 0.0, ci_hi = 0.0;  // difference of means (x - y) with its CI
  double cohen_d = 0.0, hedges_g = 0.0;                  // effect size (paired: d_z = mean / sd of the differences)
};
// Welch's unequal-variance t test of mean(x) = mean(y), two-sided, with Welch-Satterthwaite df
// (as scipy.stats.ttest_ind(equal_var=False)). Cohen's d uses the pooled sd; Hedges' g is d
// times the exact small-sample factor J(df) = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2)),
// df = n_x + n_y - 2. Both samples centered on the same reference.
TTest welch_t(std::span<const double> x, std::span<const double> y, double level);
// Paired t test of mean(d) = 0 for the differences d = x_i - y_i (scipy.stats.ttest_rel).
TTest paired_t(std::span<const double> d, double level);

struct MannWhitney {
  double u = 0.0;        // U of x: R_x - n_x (n_x + 1) / 2 (scipy's statistic)
  double p_value = 1.0;  // two-sided
  bool exact = false;
};
// Mann-Whitney U with scipy.stats.mannwhitneyu's defaults (method='auto', use_continuity=True,
// alternative='two-sided'): exact null distribution when there are no ties and min(n_x, n_y) <= 8
// (p = 2 P(U >= max(U_x, U_y)), clipped to 1); otherwise the normal approximation with the tie
// correction and a continuity correction of 0.5. (One departure: when the exact distribution
// would cost more than ~2e9 operations, n_x + n_y in the tens of thousands, the normal
// approximation is used.)
MannWhitney mann_whitney_u(std::span<const double> x, std::span<const double> y);

struct Anova {
  double f = 0.0, df_between = 0.0, df_within = 0.0, p_value = 1.0;
  double ss_between = 0.0, ss_within = 0.0;
};
// One-way ANOVA (scipy.stats.f_oneway); groups centered on one common reference.
Anova one_way_anova(const std::vector<std::span<const double>>& groups);

// Holm's step-down adjusted p-values (same order as p).
std::vector<double> holm(std::span<const double> p);
// Benjamini-Hochberg step-up adjusted p-values (same order as p).
std::vector<double> benjamini_hochberg(std::span<const double> p);

struct LinearFit {
  double b0 = 0.0, b1 = 0.0, se_b0 = 0.0, se_b1 = 0.0, residual_sd = 0.0, r2 = 0.0;
};
// Least-squares line y = b0 + b1 x, both columns centered (value = ref + centered value): slope
// Sxy / Sxx from two-pass centered sums, intercept (ref_y + ybar) - b1 (ref_x + xbar). Needs
// n >= 3 and x not constant.
LinearFit linear_fit(std::span<const double> x, double ref_x, std::span<const double> y, double ref_y);

// Power of the two-sided two-sample Student t test with n runs per group, true difference delta,
// common sd, level alpha: P(|T| > t_{1-alpha/2, 2n-2}) with T noncentral t(2n - 2,
// delta / (sd sqrt(2/n))).
double t_test_power(double delta, double sd, double n, double alpha);
// Smallest n >= 2 (runs per group) whose power is >= power.
std::size_t runs_needed(double delta, double sd, double alpha, double power);
// Difference delta > 0 detected with probability `power` with n runs per group.
double detectable_difference(double n, double sd, double alpha, double power);

}  // namespace regcheck::sim::stats
