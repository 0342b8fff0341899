#pragma once
// 50-digit references of the Deep Learning book closed forms (theory/dlbook_linear.hpp
// effective_params; theory/dlbook_noise.hpp ensemble_mse, early_stopping_alpha,
// bootstrap_unique_fraction).
#include "theory/reference/real50.hpp"

#include <vector>

namespace regcheck::theory::reference {

// Eq. 7.8: gamma = sum_i lambda_i / (lambda_i + alpha); alpha = 0 gives the limit alpha -> 0+
// (the number of lambda_i > 0). Each lambda_i >= 0 and alpha >= 0, finite.
std::optional<Real50> effective_params(const std::vector<double>& lambda, double alpha);

// Section 7.10: v/k + (k-1)c/k = (v + (k-1)c)/k; k integer >= 1, v >= 0, c in [-v/(k-1), v]
// (|c| <= v for k = 1, where c does not enter). c = fl(-v/(k-1)), the double nearest the exact
// bound, is accepted as the boundary (value 0) even when it lies just outside, as the double
// code documents. nullopt outside.
std::optional<Real50> ensemble_mse(double k, double v, double c);

// Eqs. 7.26-7.27: alpha = lambda q / (1 - q), q = (1 - eta lambda)^tau, with eta lambda exact in
// 50 digits (a product of two doubles has 106 bits); 1 - q by -expm1(tau log1p(-x)) for x < 1
// (log1p/expm1 keep 1 - q exact to 50 digits when q -> 1). lambda > 0, eta > 0, 0 < eta lambda < 2,
// tau integer >= 1; nullopt outside.
std::optional<Real50> early_stopping_alpha(double lambda, double eta, double tau);
// Its relative condition number over (lambda, eta, tau): with x = eta lambda, m = tau x / |1 - x|,
// u = -tau log|1 - x|: kappa = 1 + (2 m + u) / |1 - q| (1 where eta lambda = 1).
Real50 early_stopping_alpha_condition(double lambda, double eta, double tau);

// Section 7.10: 1 - (1 - 1/n)^n = -expm1(n log1p(-1/n)); n integer >= 1.
std::optional<Real50> bootstrap_unique(double n);

}  // namespace regcheck::theory::reference
