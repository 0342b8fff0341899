#pragma once
// Closed forms of the Drop-Activation source (Liang, Khoo, Yang; ../shared/papers/drop-activation.md).
namespace regcheck::theory::dropact {

// Shift ratio of Property 5.2, eq. (15):
//   Var(X_test) / Var(X_train) = ((1/2 - 1/(2 pi)) p^2 - p + 1) / (1 - p/2 - p^2/(2 pi)),
// p in [0, 1] the probability of keeping the nonlinearity, x[i] ~ N(0, 1) iid; independent of w.
// Regimes: p = 0 and p = 1 give 1 (all identity / all ReLU: train and test coincide). The
// denominator is >= 1 - 1/2 - 1/(2 pi) > 0.34 on [0, 1], so the ratio is well conditioned.
// Throws std::invalid_argument for p outside [0, 1] or NaN.
double shift_ratio(double p);

}  // namespace regcheck::theory::dropact
