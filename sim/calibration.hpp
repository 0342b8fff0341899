#pragma once
// Binomial counting statistics of the checker itself: how many of k independent tests with a
// known per-test event probability may fire before the count is implausible (the engine
// self-check of `regcheck verify`), Clopper-Pearson intervals for an observed rate, and the
// number of trials a calibration needs to tell a rate from twice (or half) that rate
// (`regcheck verify --calibrate`). All from Boost.Math's binomial distribution.
#include <cstdint>

namespace regcheck::sim {

// Smallest integer c with P(X > c) <= q for X ~ Binomial(k, p): the largest count of events a
// run of k tests may show at false-alarm level q. Boost's quantile(complement(...)) gives the
// candidate; it is then moved to the exact boundary (discrete quantiles depend on the rounding
// policy, so the tail probability itself decides). k >= 0, p in [0, 1], q in (0, 1).
std::uint64_t binomial_upper_limit(std::uint64_t k, double p, double q);

struct RateInterval {
  double lo = 0, hi = 1;
};
// Two-sided Clopper-Pearson ("exact") interval at level 1 - alpha for x events in n trials
// (Boost's find_lower_bound_on_p / find_upper_bound_on_p with alpha / 2 per side). n >= 1,
// x <= n, alpha in (0, 1).
RateInterval clopper_pearson(std::uint64_t x, std::uint64_t n, double alpha);

// Probability that the level-(1 - alpha) Clopper-Pearson interval from n trials at true rate
// p_true excludes p_nominal (the calibration's verdict "inconsistent").
double prob_excludes(std::uint64_t n, double p_true, double p_nominal, double alpha);

// A number of trials n such that, at true rate factor * p_nominal, the interval at level 1 - alpha
// excludes p_nominal with probability >= power, and keeps doing so on a grid of larger sizes up to
// 2n (the exclusion probability saw-tooths with n, so a lone n that happens to reach the power is
// not taken). Searched on a grid of relative step 1/64, so n is at most ~2% above the smallest.
// factor > 0, factor != 1, factor * p_nominal in (0, 1).
std::uint64_t trials_to_detect(double p_nominal, double factor, double alpha, double power);

}  // namespace regcheck::sim
