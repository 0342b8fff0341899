#pragma once
// Randomized quasi-Monte Carlo (RQMC) for the low-dimensional Monte Carlo sub-checks of
// claims/gcsr/coherence_claims.cpp and claims/dlbook/{ensemble,noise}_claims.cpp (to be unified
// with sim/rqmc.hpp when both exist).
//
// Points: the first n points of the d-dimensional Sobol' sequence (Boost.Random's sobol, Joe-Kuo
// direction numbers), each replicate randomized by an independent Cranley-Patterson rotation
// u -> frac(u + Delta), Delta ~ U[0,1)^d drawn from the replicate's counter-based stream (so the
// replicate is a pure function of (seed, stream, replicate index)). Every rotated point is exactly
// U[0,1)^d, so each replicate mean is an unbiased estimate of the integral, and the R replicates
// are independent: the Student-t test with R - 1 degrees of freedom applied to the replicate means
// (mc_mean_check with spec.n = R, spec.block_size = 1) gives the confidence interval and the
// detectable deviation. A rotation rather than a digital shift: a digital shift keeps the Sobol'
// net property exactly, so the indicator of a box with dyadic corners (e.g. the sign of a
// symmetric variable, threshold 1/2) would be integrated without error in every replicate (zero
// variance, a degenerate t-test); the rotation moves the box edges off the dyadic grid.
#include "sim/rng.hpp"

#include <boost/random/sobol.hpp>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace regcheck::claims {

class SobolPoints {
 public:
  SobolPoints(int dim, std::uint64_t n) : dim_(dim), n_(n), u_(static_cast<std::size_t>(dim) * n) {
    if (dim < 1 || n < 1)
      throw std::invalid_argument("SobolPoints: dim and n must be >= 1, got dim=" + std::to_string(dim) +
                                  " n=" + std::to_string(n));
    boost::random::sobol gen(static_cast<std::size_t>(dim));
    for (double& u : u_) u = std::ldexp(static_cast<double>(gen() >> 11), -53);  // [0, 1), 53 bits
  }
  int dim() const { return dim_; }
  std::uint64_t size() const { return n_; }
  // Coordinate j of point i, rotated by shift[j]; mapped into the open interval (0, 1) (a rotated
  // coordinate of exactly 0 has probability 2^-53 per point; it becomes 2^-54 so that inverse
  // CDFs and logs stay finite).
  double at(std::uint64_t i, int j, const double* shift) const {
    double u = u_[static_cast<std::size_t>(i) * static_cast<std::size_t>(dim_) + static_cast<std::size_t>(j)] + shift[j];
    if (u >= 1.0) u -= 1.0;
    return u > 0.0 ? u : 0x1p-54;
  }

 private:
  int dim_;
  std::uint64_t n_;
  std::vector<double> u_;
};

// The random rotation of one replicate: dim uniforms from the replicate's stream.
inline std::vector<double> rqmc_shift(sim::Stream& rng, int dim) {
  std::vector<double> s(static_cast<std::size_t>(dim));
  for (double& x : s) {
    x = rng.uniform();  // in (0, 1]; a shift of 1 is a shift of 0
    if (x >= 1.0) x = 0.0;
  }
  return s;
}

// Standard normal by inversion, Phi^{-1}(u), for u in (0, 1) as SobolPoints::at returns:
// Acklam's rational approximation (relative error < 1.2e-9; odd about u = 1/2 in the central
// region, so the sign of the result is that of u - 1/2 exactly) refined by one Halley step on
// Phi(x) - u with Phi from erfc (cubic convergence: error ~1e-16 relative, far below any
// resolution here). About 6x faster than boost::math::erfc_inv, which dominated the RQMC run time;
// tests/test_gcsr.cpp compares it with erfc_inv.
inline double rqmc_normal(double u) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                 1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01,  -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                 3.754408661907416e+00};
  constexpr double p_low = 0.02425;
  double x;
  if (u < p_low || u > 1.0 - p_low) {
    const double q = std::sqrt(-2.0 * std::log(u < p_low ? u : 1.0 - u));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    if (u > 1.0 - p_low) x = -x;
  } else {
    const double q = u - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  }
  // Halley step; the residual uses the tail on the side of x (erfc of a positive argument) so it
  // keeps its relative accuracy for u near 0 or 1.
  const double e = x < 0 ? 0.5 * std::erfc(-x / 1.4142135623730950488) - u
                         : (1.0 - u) - 0.5 * std::erfc(x / 1.4142135623730950488);
  const double t = e * 2.5066282746310002 * std::exp(0.5 * x * x);
  return x - t / (1.0 + 0.5 * x * t);
}

}  // namespace regcheck::claims
