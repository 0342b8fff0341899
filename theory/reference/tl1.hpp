#pragma once
// 50-digit references of the tl1 closed forms (theory/prox.hpp: tl1_threshold, tl1_prox,
// group_prox; tl1 source eqs. 23 and 36).
#include "theory/reference/real50.hpp"

#include <vector>

namespace regcheck::theory::reference {

// Threshold t of the TL1 prox (tl1 eq. 36): lambda (a+1)/a when lambda <= a^2 / (2(a+1))
// (subcritical), else sqrt(2 lambda (a+1)) - a/2. lambda >= 0, a > 0, both finite.
std::optional<Real50> tl1_threshold(double lambda, double a);

// TL1 prox argmin_x 0.5 (x - y)^2 + lambda (a+1)|x| / (a + |x|) (tl1 eq. 36), NOT via the double
// code path: Newton on G(x) = x - |y| + lambda a (a+1) / (a+x)^2 in 50 digits. G is convex on
// x > 0, so Newton from x0 = |y| (G(x0) > 0) descends monotonically onto the largest root when
// one exists; if none exists the iterate crosses the minimum of G (G' <= 0) or leaves x > 0. The
// prox is the root when its objective is below that of 0, else 0 (at the supercritical
// threshold both are minimizers; this returns 0 there). lambda >= 0, a > 0, all finite.
std::optional<Real50> tl1_prox(double y, double lambda, double a);

// Relative condition number of the nonzero branch x = prox(y) (the formula of
// tl1::prox_condition, here in 50 digits so it cannot overflow):
//   (|y| + D + lambda a |2ax + x - a| / (a+x)^3) / (|x| |1 - 2D/(a+x)|),  D = lambda a (a+1)/(a+x)^2.
Real50 tl1_prox_condition(const Real50& x, double y, double lambda, double a);

// Group prox (tl1 eq. 23): max(0, 1 - tau/||v||) v, ||v|| in 50 digits; tau >= 0, entries finite.
std::optional<std::vector<Real50>> group_prox(const std::vector<double>& v, double tau);

}  // namespace regcheck::theory::reference
