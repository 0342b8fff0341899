#pragma once
// Closed forms of the Drop-Activation source (Liang, Khoo, Yang, "Drop-Activation: Implicit Parameter Reduction and Harmonic Regularization").
//
// Notation as in the paper: p = probability of KEEPING the nonlinearity, P = diag(P_1..P_d) with
// P_j ~ Bernoulli(p) iid, r = ReLU, r_p = leaky ReLU with negative slope 1 - p, v = W1 x.
#include <Eigen/Dense>

#include <cstdint>
#include <functional>

namespace regcheck::theory::dropact {

using Activation = std::function<double(double)>;  // the pointwise nonlinearity sigma of eq. (1)

// ReLU r(x) = max(x, 0).
double relu(double x);

// Leaky ReLU with negative slope 1 - p: r_p(x) = x for x >= 0, (1 - p) x for x < 0
// (Section 3, "the new activation (1 - p) I + p f is the Leaky ReLU with slope 1 - p").
// Throws std::invalid_argument for p outside [0, 1] or NaN.
double leaky_relu(double x, double p);

// Training activation, eq. (3): (I - P + P f)(x) = (I - P) x + P f(x), mask[j] = P_j in {0, 1}.
// Computed literally as the matrix expression (one term per diagonal entry).
// Throws if mask and x differ in length.
Eigen::VectorXd train_activation(const Eigen::VectorXd& x, const Eigen::Matrix<bool, Eigen::Dynamic, 1>& mask,
                                 const Activation& f);

// Componentwise ReLU form of eq. (4): x[j] if x[j] >= 0, else (1 - P_j) x[j].
double train_relu_component(double x, bool P);

// Testing activation, eq. (5): ((1 - p) I + p f)(x). p in [0, 1].
Eigen::VectorXd test_activation(const Eigen::VectorXd& x, double p, const Activation& f);

// E_P[(I - P + P f)(x)] computed by exact enumeration of all 2^d masks, each weighted by
// p^{|P|} (1 - p)^{d - |P|} (the literal expectation of eq. 5, not its closed form).
// d <= 20 (2^20 masks); accumulated in long double so the 2^d-term sum adds < 1 ulp of double.
Eigen::VectorXd expected_train_activation_exact(const Eigen::VectorXd& x, double p, const Activation& f);

// ---- Property 5.1 (eq. 10), one hidden layer y_hat = W2 r(W1 x) ----
struct OneHidden {
  Eigen::MatrixXd W1;  // d x n_in
  Eigen::MatrixXd W2;  // m x d
  Eigen::VectorXd x;   // n_in
  Eigen::VectorXd y;   // m
};
// Throws std::invalid_argument on inconsistent shapes or non-finite entries.
void validate(const OneHidden& net);

// Training loss for one mask: ||W2 (I - P + P r)(W1 x) - y||^2 (eqs. 7, 9).
double train_loss(const OneHidden& net, const Eigen::Matrix<bool, Eigen::Dynamic, 1>& mask);

// E_P ||W2 (I - P + P r)(W1 x) - y||^2 by exact enumeration of the 2^d masks, d <= 20.
// Returns the value and, in *abs_scale, the weighted sum of |terms| used for error bounds.
double expected_train_loss_exact(const OneHidden& net, double p, double* abs_scale = nullptr);

// Right side of eq. (10) AS PRINTED, for p in (0, 1]:
//   ||W2 r_p(W1 x) - y||^2 + ((1 - p)/p) ||W2 W1 x - W2 r_p(W1 x)||^2.
double penalty_rhs_printed(const OneHidden& net, double p);

// Corrected right side (derived here from the appendix, step "tr{W2 diag(v)(I-D)^2 diag(v) W2^T}
// = ||W2 (I - D) W1 x||^2" being false: the trace is a sum of squared COLUMN norms, no cross terms):
//   ||W2 r_p(v) - y||^2 + ((1 - p)/p) sum_j ||W2[:, j]||^2 (v_j - r_p(v_j))^2,   v = W1 x,
// i.e. p (1 - p) sum_{j: v_j < 0} ||W2[:, j]||^2 v_j^2. Also valid at p = 0 in the second form;
// here p in (0, 1] so that the (1-p)/p form of the paper is kept.
double penalty_rhs_corrected(const OneHidden& net, double p);

// ---- Property 5.2 (eqs. 13-15), x[i] ~ N(0, 1) iid ----
// E X_train = E X_test = p sum_i w_i / sqrt(2 pi).
double mean_x(double p, double sum_w);
// Var(X_train) = sum_i w_i^2 (1 - p/2 - p^2/(2 pi))        (appendix 7.1)
double var_train(double p, double sum_w2);
// Var(X_test) = sum_i w_i^2 ((1/2 - 1/(2 pi)) p^2 - p + 1)  (appendix 7.1)
double var_test(double p, double sum_w2);

// Shift ratio of Property 5.2, eq. (15):
//   Var(X_test) / Var(X_train) = ((1/2 - 1/(2 pi)) p^2 - p + 1) / (1 - p/2 - p^2/(2 pi)),
// p in [0, 1] the probability of keeping the nonlinearity, x[i] ~ N(0, 1) iid; independent of w.
// Regimes: p = 0 and p = 1 give 1 (all identity / all ReLU: train and test coincide). The
// denominator is >= 1 - 1/2 - 1/(2 pi) > 0.34 on [0, 1], so the ratio is well conditioned.
// Throws std::invalid_argument for p outside [0, 1] or NaN.
double shift_ratio(double p);

// Dropout comparator (paper ref. [12], Li et al.): inverted dropout with retain probability p
// after a ReLU, x ~ N(0, 1): train sum_i w_i r(x_i) M_i / p, test sum_i w_i r(x_i), M_i ~ B(p).
// With c = E r(x) = 1/sqrt(2 pi), v = Var r(x) = 1/2 - 1/(2 pi):
//   Var(test)/Var(train) = v / ((c^2 + v)/p - c^2),   p in (0, 1]; -> 0 as p -> 0, 1 at p = 1.
// Throws std::invalid_argument for p outside (0, 1] or NaN.
double dropout_shift_ratio(double p);

}  // namespace regcheck::theory::dropact
