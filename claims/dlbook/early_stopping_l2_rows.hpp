#pragma once
// The `quadratic` arm of dlbook.fig7_3.early-stopping: early stopping as L2 regularization measured
// on the trainer (Deep Learning sec. 7.7, eqs. 7.24-7.28; the analytic side is the verify claim
// dlbook.7_7.early-stopping, claims/CATALOG.md).
//
// A linear model w (one dense layer, no bias) is trained on the mse loss
// J(w) = (1/n) sum_i (w.x_i - y_i)^2 by full-batch plain gradient descent of step eta from
// w(0) = 0 for tau steps. J is exactly quadratic: H = 2 X^T X / n, minimizer w* with
// (X^T X / n) w* = X^T y / n (both from the run's weights_probe, in double from the float data).
// With H = Q Lambda Q^T, per eigen-direction i (eigenvalues ascending):
//   eq. 7.26  (Q^T w(tau))_i = f_i (Q^T w*)_i,  f_i = 1 - (1 - eta lambda_i)^tau;
//   eq. 7.27  the L2 solution with coefficient alpha has fraction lambda_i / (lambda_i + alpha),
//             equal to f_i at alpha_i = lambda_i q_i / (1 - q_i), q_i = (1 - eta lambda_i)^tau;
//   eq. 7.28  alpha ~ 1/(tau eta) when eta lambda_i << 1 and lambda_i / alpha << 1, with
//             |alpha_i tau eta - 1| <= eta lambda_i + tau eta lambda_i / (2 (1 - eta lambda_i))
//             (dl::early_stopping_approx_error_bound, derived in early_stopping_claims.cpp).
// Regimes: every lambda_i > 0 (X^T X positive definite) and eta lambda_max < 1 (so q_i in (0, 1)).
#include "claims/core/experiment.hpp"

#include <vector>

namespace regcheck::claims::dlbook {

// One eigen-direction of one run.
struct QuadraticDirection {
  double lambda = 0;              // eigenvalue of H = 2 X^T X / n
  double fraction_theory = 0;     // f_i = 1 - (1 - eta lambda_i)^tau (eq. 7.26)
  double fraction_measured = 0;   // (Q^T w(tau))_i / (Q^T w*)_i of the trained weights
  double error = 0;               // (Q^T w(tau))_i - f_i (Q^T w*)_i
  double error_bound = 0;         // float32 rounding bound of |error| (derivation in the .cpp)
  double fraction_l2 = 0;         // lambda_i / (lambda_i + 1/(tau eta)): the L2 solution of eq. 7.28's alpha
  double alpha_tau_eta = 0;       // measured alpha_i tau eta = lambda_i (1 - f_measured) / f_measured * tau eta
  double bound_7_28 = 0;          // eta lambda_i + tau eta lambda_i / (2 (1 - eta lambda_i))
  // Eq. 7.28's bound carried to the fractions: |f_i - fraction_l2| <= this (derivation in the .cpp).
  double fraction_bound = 0;
};

// The directions of one run of the quadratic arm (its final metrics: lr, weights_probe.*),
// eigenvalues ascending. Throws std::invalid_argument naming the value when the probe is missing,
// X^T X is not positive definite or eta lambda_max >= 1.
std::vector<QuadraticDirection> quadratic_directions(const RunRecord& run);

// The rows over the runs (seeds): per direction i, "GD = eq. 7.26" (band, in Holm's family: the
// trainer against the exact theory, error / rounding bound in [-1, 1]) and "alpha ~ 1/(tau eta)"
// (band, informative: eq. 7.28's approximation, (f_measured - fraction_l2) / fraction_bound in
// [-1, 1]; the book states it only where eta lambda_i << 1 and tau eta lambda_i << 1).
std::vector<TestRow> quadratic_rows(const std::vector<RunRecord>& runs);

}  // namespace regcheck::claims::dlbook
