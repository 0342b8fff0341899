#pragma once
// Closed forms of the tl1 source ("Transformed l1 regularization for learning sparse DNNs",
// formulas restored in claims/CATALOG.md, source "tl1").
// The prox operators themselves live in theory/prox.hpp (shared with the trainer).
#include "theory/prox.hpp"

#include <Eigen/Dense>

namespace regcheck::theory::tl1 {

// Integrated TL1 regularizer of one layer (eq. 16), groups = rows of W (the incoming weights of
// one neuron, |g| = W.cols()):
//   R(W) = lambda ( mu TL1(W) + (1 - mu) sum_g sqrt(|g|) ||w_g||_2 ),  TL1(W) = sum_ij rho_a(w_ij).
// lambda >= 0, mu in [0, 1], a > 0. Each row norm uses Eigen's norm() (sum of squares; weights
// are O(1) so no scaling is needed). Throws std::invalid_argument on bad parameters or
// non-finite weights.
double integrated_regularizer(const Eigen::MatrixXd& W, double lambda, double mu, double a);

// Objective of the scalar TL1 prox: 0.5 (x - y)^2 + lambda rho_a(x) (eq. 36's problem).
double prox_objective(double x, double y, double lambda, double a);

// The nonzero branch exactly as printed in eq. (36) (arccos form, argument clamped to [-1, 1]).
// Kept only to document its accuracy loss against theory::tl1_prox_branch (claim
// tl1.eq36.prox); never used for computing.
double prox_branch_printed(double y, double lambda, double a);

// Relative condition number of the nonzero prox branch x = g(y; lambda, a), from the implicit
// function theorem on G = x - y + lambda a (a+1) / (a+x)^2 = 0 (x > 0 w.l.o.g.):
//   kappa = (|y| + D + lambda a |2ax + x - a| / (a+x)^3) / (|x| |h'(x)|),
//   D = lambda a (a+1) / (a+x)^2 (= |dG/dlambda| lambda),  h'(x) = dG/dx = 1 - 2D / (a+x);
// i.e. the sum over inputs p of |dx/dp| |p| / |x|. A backward-stable evaluation errs by
// O(kappa) ulps. Infinite at x = 0 (the threshold in the subcritical regime).
double prox_condition(double x, double y, double lambda, double a);

}  // namespace regcheck::theory::tl1
