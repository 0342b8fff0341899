#!/usr/bin/python3
"""Mutation testing of regcheck: does `regcheck verify` catch realistic slips in theory/, sim/ and the CLI?

Each mutant replaces one exact snippet of one file (it must occur exactly once: the list is kept in
sync with the code by the CTest mutants_list_in_sync, which runs --check). For each mutant the
script, in a scratch copy of the repository built once (Release, ccache), applies it, rebuilds the
regcheck target only, runs `regcheck verify` (all claims, default power) and, for the mutants tagged
statistical, `regcheck verify --calibrate N --claim ...` when the CLI has that option. KILLED: verify
exits non-zero or prints a verdict that differs from the registry's expectation ("(expected X)"); a
build failure is reported as "did not compile" (a bad mutant: fix it). The file is restored after
each mutant. Called by scripts/mutants.sh; see README "Mutation testing".

"effect" states what the mutant changes in the value a claim looks at (a fair mutant changes it by
>= 1e-3 relative somewhere a claim evaluates it); "needs" says which check is expected to kill it:
exact (an exact/closed-form sub-check), mc (only a Monte Carlo sub-check, effect large enough for
today's resolution), mc-1e-3 (only a Monte Carlo sub-check resolving 1e-3 of its theory value, the
goal of issue 8), known-answer (a statistical slip of the engine that changes error RATES, which one
run cannot see: caught by verify's engine known-answer tests, claims/core/engine_known_answers.hpp,
which compare the engine's functions at fixed inputs with independent reference values; the result
then reads "killed by the known-answer tests"), calibrate (a property of the false-FAIL budget that
no fixed-input comparison can pin: only `verify --calibrate` with very many runs, or nothing).
"""
import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def M(name, file, orig, repl, category, why, effect, needs, claims=(), statistical=False):
    return dict(name=name, file=file, orig=orig, repl=repl, category=category, why=why, effect=effect, needs=needs,
                claims=list(claims), statistical=statistical)


MUTANTS = [
    # ---------------------------------------------------------------- theory/dropact.cpp
    M("dropact-mean-x-const", "theory/dropact.cpp",
      "return p * sum_w / std::sqrt(2.0 * std::numbers::pi);",
      "return p * sum_w / 2.50913;",
      "constant-1e-3", "sqrt(2 pi) typed by hand as 2.50913 (1e-3 above 2.50663)",
      "mean shift -1e-3 relative at every p", "mc-1e-3"),
    M("dropact-var-train-swap-p", "theory/dropact.cpp",
      "return sum_w2 * (1.0 - 0.5 * p - inv_2pi * p * p);",
      "return sum_w2 * (1.0 - 0.5 * (1.0 - p) - inv_2pi * (1.0 - p) * (1.0 - p));",
      "swap-p", "p read as the keep probability instead of the drop probability",
      "train variance changes O(1) except at p = 1/2", "mc"),
    M("dropact-var-test-missing-term", "theory/dropact.cpp",
      "return sum_w2 * ((0.5 - inv_2pi) * p * p - p + 1.0);",
      "return sum_w2 * (0.5 * p * p - p + 1.0);",
      "missing-term", "the -(1/2pi) p^2 term (square of the ReLU mean) dropped",
      "test variance +p^2/(2 pi): +37% at p = 0.95", "mc"),
    M("dropact-shift-ratio-const", "theory/dropact.cpp",
      "const double num = (0.5 - inv_2pi) * p * p - p + 1.0;",
      "const double num = (0.5005 - inv_2pi) * p * p - p + 1.0;",
      "constant-1e-3", "1/2 mistyped as 0.5005 (1e-3 relative)",
      "shift ratio +1.5e-3 relative at p = 1, +2e-4 at p = 0.5", "exact"),
    M("dropact-train-component-swap", "theory/dropact.cpp",
      "return x >= 0.0 ? x : (1.0 - (P ? 1.0 : 0.0)) * x;",
      "return x >= 0.0 ? x : (P ? 1.0 : 0.0) * x;",
      "swap-p", "mask P = 1 read as 'keep the identity' instead of 'apply ReLU'",
      "negative inputs pass when they should be zeroed: O(1)", "mc"),
    M("dropact-test-activation-swap-p", "theory/dropact.cpp",
      "out[j] = (1.0 - p) * x[j] + p * f(x[j]);",
      "out[j] = p * x[j] + (1.0 - p) * f(x[j]);",
      "swap-p", "test-time average with the mask probabilities exchanged",
      "O(1) on negative inputs except at p = 1/2", "exact"),
    M("dropact-mask-weight-swap-p", "theory/dropact.cpp",
      "return std::pow(static_cast<long double>(p), k) * std::pow(1.0L - static_cast<long double>(p), d - k);",
      "return std::pow(1.0L - static_cast<long double>(p), k) * std::pow(static_cast<long double>(p), d - k);",
      "swap-p", "binomial mask weight with p and 1 - p exchanged",
      "exact mask enumeration weights wrong: O(1) for p != 1/2", "exact"),
    M("dropact-penalty-corrected-swap", "theory/dropact.cpp",
      "const double pen = (net.W2 * u.asDiagonal()).squaredNorm();\n  return loss + (1.0 - p) / p * pen;",
      "const double pen = (net.W2 * u.asDiagonal()).squaredNorm();\n  return loss + p / (1.0 - p) * pen;",
      "swap-p", "penalty weight (1 - p)/p inverted",
      "penalty weight wrong by ((1-p)/p)^2: O(1) for p != 1/2", "exact"),
    M("dropact-dropout-ratio-sign", "theory/dropact.cpp",
      "return p * pi_minus_1 / (std::numbers::pi - p);",
      "return p * pi_minus_1 / (std::numbers::pi + p);",
      "formula-slip", "sign slip in the denominator",
      "ratio off by 2p/(pi + p): >= 27% at p = 0.5", "exact"),
    # Replaced 2026-12-05: dropact-leaky-boundary (kink at -1e-3 instead of 0) changed only inputs in
    # [-1e-3, 0) by p |x| <= 1e-3, an effect <= 1e-6 on anything a claim checks (not a fair mutant).
    M("dropact-leaky-slope-swap-p", "theory/dropact.cpp",
      "return x >= 0.0 ? x : (1.0 - p) * x;",
      "return x >= 0.0 ? x : p * x;",
      "swap-p", "leaky slope of the test-time activation written p (the drop probability) instead of 1 - p",
      "negative inputs scaled by p instead of 1 - p: O(1) except at p = 1/2", "exact"),
    # ---------------------------------------------------------------- theory/gcsr.cpp
    M("gcsr-coherence-l2-factor", "theory/gcsr.cpp",
      "const double ratio = 2.0 * detail::scaled_mul_div(lambda, sw, sg);",
      "const double ratio = detail::scaled_mul_div(lambda, sw, sg);",
      "formula-slip", "the 2 of d(lambda w^2)/dw forgotten",
      "E pi changes by up to 0.15 absolute", "mc"),
    M("gcsr-coherence-l2-const", "theory/gcsr.cpp",
      "return 1.0 - std::atan(ratio) / std::numbers::pi;",
      "return 1.001 - std::atan(ratio) / std::numbers::pi;",
      "constant-1e-3", "the 1 of a complement mistyped (1e-3)",
      "+1e-3 absolute on a value in [1/2, 1]: 1e-3..2e-3 relative", "mc-1e-3"),
    M("gcsr-coherence-l1-missing-sqrt2", "theory/gcsr.cpp",
      "return 1.0 - 0.5 * std::erf(lambda / sg / std::numbers::sqrt2);",
      "return 1.0 - 0.5 * std::erf(lambda / sg);",
      "formula-slip", "Phi(z) - 1/2 = erf(z / sqrt 2)/2 written without the sqrt 2",
      "O(10%) at lambda ~ sg", "mc"),
    M("gcsr-l2-gradient-factor", "theory/gcsr.cpp",
      "if (kind == Penalty::L2) return 2.0 * w;",
      "if (kind == Penalty::L2) return w;",
      "missing-term", "gradient of w^2 written as w",
      "L2 penalty gradient halved: coherence counts and updates change O(1)", "exact"),
    M("gcsr-l1-subgradient-boundary", "theory/gcsr.cpp",
      "if (w > 0) return 1.0;",
      "if (w >= 0) return 1.0;",
      "regime-boundary", "sign(0) = 1 instead of the minimal-norm subgradient 0",
      "changes only entries with w = 0 exactly (claims with exact zeros see O(1))", "exact"),
    M("gcsr-update-sign", "theory/gcsr.cpp",
      "out(i) = w(i) - alpha * (dL_dw(i) + lambda * penalty_gradient(w(i), kind));",
      "out(i) = w(i) - alpha * (dL_dw(i) - lambda * penalty_gradient(w(i), kind));",
      "formula-slip", "penalty gradient added with the wrong sign (ascent on the penalty)",
      "O(alpha lambda) per entry", "exact"),
    M("gcsr-squared-loss-half", "theory/gcsr.cpp",
      "return 0.5 * (p.a.back() - Y).squaredNorm();",
      "return (p.a.back() - Y).squaredNorm();",
      "missing-term", "the 1/2 of the squared loss dropped",
      "loss doubled", "exact"),
    M("gcsr-backprop-no-relu-mask", "theory/gcsr.cpp",
      "delta = (net.W[static_cast<std::size_t>(l)].transpose() * delta).cwiseProduct(theta);",
      "delta = net.W[static_cast<std::size_t>(l)].transpose() * delta;",
      "missing-term", "the ReLU derivative Theta(z) of eq. 4 dropped",
      "gradients of inactive units nonzero: O(1) vs central differences", "exact"),
    # ---------------------------------------------------------------- theory/prox.hpp, theory/tl1.cpp
    M("tl1-penalty-const", "theory/prox.hpp",
      "return (a + 1.0) * ax / (a + ax);",
      "return (a + 1.002) * ax / (a + ax);",
      "constant-1e-3", "a + 1 mistyped (2e-3)",
      "rho_a off by 2e-3/(a + 1) relative: >= 1e-3 for a <= 1", "exact"),
    M("tl1-threshold-subcritical", "theory/prox.hpp",
      "if (lambda / a <= 0.5 * (a / (a + 1.0))) return lambda + lambda / a;",
      "if (lambda / a <= 0.5 * (a / (a + 1.0))) return lambda + lambda / (a + 1.0);",
      "formula-slip", "lambda (a + 1)/a written as lambda + lambda/(a + 1)",
      "threshold off by lambda/(a (a+1)): O(1)", "exact"),
    M("tl1-threshold-regime-boundary", "theory/prox.hpp",
      "if (lambda / a <= 0.5 * (a / (a + 1.0))) return lambda + lambda / a;",
      "if (lambda / a <= 0.5 * (a / (a + 2.0))) return lambda + lambda / a;",
      "regime-boundary", "critical lambda a^2/(2(a+1)) mistyped as a^2/(2(a+2))",
      "for (a + 1)/(a + 2) < lambda/lambda_c <= 1 the supercritical formula is used: t too small by (1 - sqrt f)^2 / f "
      "relative (f = lambda/lambda_c; 1.9% at a = 1e-3, f = 0.75; 6e-8 at a = 1e3, f = 0.9995)", "exact"),
    M("tl1-threshold-supercritical-const", "theory/prox.hpp",
      "return detail::sqrt_2xy(lambda, a + 1.0) - 0.5 * a;",
      "return detail::sqrt_2xy(lambda, a + 1.0) - 0.501 * a;",
      "constant-1e-3", "a/2 mistyped (2e-3 relative)",
      "threshold off by 1e-3 a: >= 1e-3 relative where a/2 is a sizeable part of t", "exact"),
    M("tl1-branch-const", "theory/prox.hpp",
      "f = 18.0 * sn * sn / delta;",
      "f = 18.018 * sn * sn / delta;",
      "constant-1e-3", "18 mistyped (1e-3)",
      "g moves by 1e-3 d0 f, comparable to |g| near the threshold", "exact"),
    M("tl1-group-prox-denominator", "theory/prox.hpp",
      "return (v * static_cast<typename Derived::Scalar>((norm - tau) / norm)).eval();",
      "return (v * static_cast<typename Derived::Scalar>((norm - tau) / (norm + tau))).eval();",
      "formula-slip", "shrink factor 1 - tau/||v|| mistyped",
      "O(tau/||v||)", "exact"),
    M("tl1-soft-threshold-sign", "theory/prox.hpp",
      "if (a < -z) return a + z;",
      "if (a < -z) return a - z;",
      "formula-slip", "negative branch shrinks away from 0",
      "O(z) on negative inputs", "exact"),
    M("tl1-integrated-swap-mu", "theory/tl1.cpp",
      "return lambda * (mu * tl1 + (1.0 - mu) * std::sqrt(static_cast<double>(W.cols())) * group);",
      "return lambda * ((1.0 - mu) * tl1 + mu * std::sqrt(static_cast<double>(W.cols())) * group);",
      "swap-p", "mu and 1 - mu exchanged between the TL1 and the group term",
      "O(1) except at mu = 1/2", "exact"),
    M("tl1-integrated-group-size", "theory/tl1.cpp",
      "(1.0 - mu) * std::sqrt(static_cast<double>(W.cols())) * group",
      "(1.0 - mu) * std::sqrt(static_cast<double>(W.rows())) * group",
      "formula-slip", "|g| taken as the number of groups instead of the group size",
      "sqrt(m/n) factor on the group term", "exact"),
    # ---------------------------------------------------------------- theory/dlbook_noise*.cpp
    M("dlbook-decay-const", "theory/dlbook_noise.cpp",
      "if (x < 1.0) return std::exp(tau * std::log1p(-x));",
      "if (x < 1.0) return std::exp(tau * std::log1p(-1.001 * x));",
      "constant-1e-3", "eta lambda scaled by 1.001 (a learning rate off by 1e-3)",
      "decay off by ~1e-3 tau eta lambda relative: >= 1e-3 for tau eta lambda >= 1", "exact"),
    M("dlbook-decay-sign", "theory/dlbook_noise.cpp",
      "return std::fmod(tau, 2.0) == 0.0 ? mag : -mag;",
      "return mag;",
      "regime-boundary", "the negative-base regime eta lambda > 1 loses its sign (-1)^tau",
      "sign wrong for odd tau when eta lambda > 1", "exact"),
    M("dlbook-fraction-n-minus-1", "theory/dlbook_noise.cpp",
      "if (x < 1.0) return -std::expm1(tau * std::log1p(-x));",
      "if (x < 1.0) return -std::expm1((tau - 1.0) * std::log1p(-x));",
      "n-vs-n-1", "tau - 1 steps counted instead of tau (off-by-one in the step count)",
      "fraction off by a factor ~(tau - 1)/tau: 100% at tau = 1", "exact"),
    M("dlbook-alpha-approx-const", "theory/dlbook_noise.cpp",
      "return 1.0 / (tau * eta);",
      "return 1.001 / (tau * eta);",
      "constant-1e-3", "1/(tau eta) with a 1e-3 constant slip",
      "alpha ~ 1/(tau eta) off by 1e-3: exceeds the 5e-4 bound at eta lambda = 1e-6, u = 1e-3", "exact"),
    M("dlbook-approx-bound-sign", "theory/dlbook_noise.cpp",
      "return x + u / (2.0 * (1.0 - x));",
      "return x + u / (2.0 * (1.0 + x));",
      "formula-slip", "1 - x written as 1 + x",
      "bound lowered by u x/(1 - x^2): at x = 0.5 by 33%; the lowered expression still bounds the error everywhere "
      "(max |error|/bound 0.99992 over eta lambda in [1e-8, 1), tau in [1, 1e7]), so only the check of the bound's "
      "stated form (50 digits) sees it", "exact"),
    M("dlbook-noise-slope-half", "theory/dlbook_noise.cpp",
      "return grad_sq_norm + residual * hessian_trace;",
      "return grad_sq_norm + 0.5 * residual * hessian_trace;",
      "missing-term", "the Hessian term halved (a 1/2 from the Taylor expansion kept twice)",
      "slope off by residual tr(H)/2", "mc"),
    M("dlbook-ensemble-n-vs-n-1", "theory/dlbook_noise.cpp",
      "const double psd = std::fma(k - 1.0, c, v);",
      "const double psd = std::fma(k, c, v);",
      "n-vs-n-1", "k covariances counted instead of k - 1",
      "ensemble error off by c/k", "mc"),
    M("dlbook-bootstrap-n-vs-n-1", "theory/dlbook_noise.cpp",
      "return -std::expm1(n * std::log1p(-1.0 / n));",
      "return -std::expm1((n - 1.0) * std::log1p(-1.0 / n));",
      "n-vs-n-1", "n - 1 draws instead of n",
      "unique fraction 1 - (1 - 1/n)^(n-1): off by ~0.37/n (2e-3 at n = 100)", "exact"),
    M("dlbook-log-softmax-missing-max", "theory/dlbook_noise.cpp",
      "return (z.array() - m - lse).matrix();",
      "return (z.array() - lse).matrix();",
      "missing-term", "the max shift not subtracted back",
      "log-probabilities off by max z: O(1)", "exact"),
    M("dlbook-tanh-second-derivative", "theory/dlbook_noise.cpp",
      "const Eigen::ArrayXd tanh2 = -2.0 * t * (1.0 - t * t);  // tanh''(h)",
      "const Eigen::ArrayXd tanh2 = -2.0 * t * (1.0 - t);  // tanh''(h)",
      "formula-slip", "tanh'' = -2 tanh (1 - tanh^2) with the square forgotten",
      "Hessian trace off by O(t^2)", "exact"),
    M("dlbook-gauss-hermite-sym", "theory/dlbook_noise_equivalence.cpp",
      "S(i, j) = 0.5 * (b * (b - 1) + a * (a - 1)) * gaussian_moment(a + b - 2);",
      "S(i, j) = (b * (b - 1) + a * (a - 1)) * gaussian_moment(a + b - 2);",
      "missing-term", "the 1/2 of the symmetrized second-derivative term dropped",
      "equivalent-penalty coefficients off by O(1)", "exact"),
    # ---------------------------------------------------------------- theory/dlbook_linear.cpp
    M("dlbook-rescaling-const", "theory/dlbook_linear.cpp",
      "f[i] = lambda[i] / (lambda[i] + alpha);",
      "f[i] = lambda[i] / (lambda[i] + 1.001 * alpha);",
      "constant-1e-3", "alpha scaled by 1.001",
      "factor off by 1e-3 alpha/(lambda + alpha): >= 5e-4 where lambda <= alpha", "exact"),
    M("dlbook-l1-threshold-slip", "theory/dlbook_linear.cpp",
      "const double shrunk = std::max(std::abs(w_star[i]) - beta / gamma[i], 0.0);",
      "const double shrunk = std::max(std::abs(w_star[i]) - beta * gamma[i], 0.0);",
      "formula-slip", "soft threshold alpha/H_ii written as alpha H_ii",
      "O(1) unless H_ii = 1", "exact"),
    M("dlbook-l1-projection-count", "theory/dlbook_linear.cpp",
      "const double t = (cum - k) / static_cast<double>(j + 1);",
      "const double t = (cum - k) / static_cast<double>(j + 2);",
      "n-vs-n-1", "0-based index off by one in the count of the active set",
      "threshold theta off by a factor rho/(rho + 1)", "exact"),
    M("dlbook-logistic-mean-n-minus-1", "theory/dlbook_linear.cpp",
      "return s / static_cast<double>(z.size());\n}",
      "return s / static_cast<double>(z.size() - 1);\n}",
      "n-vs-n-1", "mean over m examples divided by m - 1",
      "loss off by 1/(m - 1) = 9% at m = 12", "exact"),
    M("dlbook-softplus-sign", "theory/dlbook_linear.cpp",
      "-z + std::log1p(std::exp(z));",
      "z + std::log1p(std::exp(z));",
      "formula-slip", "stable branch of log(1 + e^-z) for z < 0 with the sign of z flipped",
      "O(|z|) for misclassified points", "exact"),
    M("dlbook-ridge-corrected-half", "theory/dlbook_linear.cpp",
      "const MatrixXd A = X.transpose() * X + 0.5 * alpha * MatrixXd::Identity(X.cols(), X.cols());",
      "const MatrixXd A = X.transpose() * X + 0.5005 * alpha * MatrixXd::Identity(X.cols(), X.cols());",
      "constant-1e-3", "alpha/2 mistyped (1e-3)",
      "solution off by ~1e-3 alpha/(sigma^2 + alpha/2) relative", "exact"),
    # ---------------------------------------------------------------- sim/
    M("sim-normal-for-t", "sim/mean_test.cpp",
      "const double t_crit = student_t_upper_quantile(opt.alpha / 2.0, dof);",
      "const double t_crit = normal_upper_quantile(opt.alpha / 2.0);",
      "normal-for-t", "normal critical value in place of Student-t's",
      "critical value too small by O(1/dof): at dof 63 (the RQMC checks, alpha ~1e-8) 6.60 -> 5.73, "
      "13% narrower intervals; 1e-5 relative at n = 1e6", "known-answer", statistical=True),
    M("sim-one-sided", "sim/mean_test.cpp",
      "if (std::abs(r.statistic) > q_alpha) {",
      "if (r.statistic > q_alpha) {",
      "one-sided", "two-sided test written one-sided (only estimates above theory rejected)",
      "half of the wrong formulas invisible; every power self-test (theory + delta) then misses, which the "
      "engine self-check counts (exit 3); a statistic of -2.2 or -7 se is also a known-answer test", "mc",
      statistical=True),
    M("sim-power-quantile", "sim/mean_test.cpp",
      "const double beta = 1 - power;",
      "const double beta = power;",
      "power-quantile", "miss probability set to power (0.99) instead of 1 - power (0.01)",
      "the root bracket then returns the classic t + z_power: RQMC power self-tests miss ~4.4% instead of 1% "
      "(too few for the engine self-check's 1e-6 limit with ~53 self-tests)", "known-answer", statistical=True),
    M("sim-ci-too-narrow", "sim/mean_test.cpp",
      "const double q = student_t_upper_quantile(alpha / 2.0, static_cast<double>(w.count() - 1));",
      "const double q = student_t_upper_quantile(alpha, static_cast<double>(w.count() - 1));",
      "ci-width", "t interval at one-sided alpha: too narrow",
      "coverage 1 - 2 alpha instead of 1 - alpha (no claim's verdict uses t_interval)", "known-answer",
      statistical=True),
    M("sim-ci-too-wide", "sim/mean_test.cpp",
      "const double h = normal_upper_quantile(alpha / 2.0) * se;",
      "const double h = normal_upper_quantile(alpha / 20.0) * se;",
      "ci-width", "normal interval at alpha/20: too wide",
      "intervals ~10% wider at alpha = 1e-8 (printed intervals only; no verdict uses them)", "known-answer",
      statistical=True),
    M("sim-variance-n", "sim/welford.hpp",
      "return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : std::numeric_limits<double>::quiet_NaN();",
      "return n_ > 1 ? m2_ / static_cast<double>(n_) : std::numeric_limits<double>::quiet_NaN();",
      "n-vs-n-1", "biased variance (divide by n)",
      "se off by 1/(2n): 5e-7 at n = 1e6 (not fair for Monte Carlo sizes; experiments with 10 seeds see 5%; "
      "the known-answer variance of 1..5 sees 20%)", "known-answer", statistical=True),
    M("sim-merge-weight", "sim/welford.hpp",
      "const double delta = o.mean_ - mean_;\n    mean_ += delta * static_cast<double>(o.n_) / n;",
      "const double delta = o.mean_ - mean_;\n    mean_ += delta * static_cast<double>(n_) / n;",
      "formula-slip", "block merge weighted by the wrong count",
      "the mean follows the last block: se understated by ~sqrt(blocks)", "known-answer", statistical=True),
    M("sim-power-known-se", "sim/mean_test.cpp",
      "if (dof > 1e5) return t_crit + z_power;",
      "return t_crit + z_power;",
      "power-quantile", "detectable deviation without the randomness of the estimated se (classic t + z)",
      "RQMC checks (dof 63): power self-tests detect ~95.6% instead of 99% (9.99 -> 8.92)", "known-answer",
      statistical=True),
    # ---------------------------------------------------------------- CLI (its verify driver: claims/core/verify_driver.*)
    M("cli-bonferroni-dropped", "claims/core/verify_driver.cpp",
      "ctx.alpha_per_test = o.alpha / std::max(1, reg.total_mc_tests());",
      "ctx.alpha_per_test = o.alpha;",
      "bonferroni", "family-wise alpha not divided by the number of Monte Carlo tests",
      "per-test alpha 54x larger: critical value 5.73 -> 4.89; false-FAIL rate x54 (the Bonferroni split is a "
      "known-answer test of the run's own context)", "known-answer", statistical=True),
    M("cli-expected-ignored", "claims/core/verify_driver.cpp",
      "const bool ok = r.verdict == r.expected;",
      "const bool ok = r.verdict != sim::Verdict::Fails;",
      "formula-slip", "verify compares against HOLDS-or-not instead of the registry's expectation",
      "every claim documented as FAILS turns into a mismatch", "exact"),
    M("cli-alpha-default", "claims/core/verify_driver.hpp",
      "double alpha = 1e-6;",
      "double alpha = 1e-5;",
      "constant-1e-3", "default family-wise alpha off by a factor 10 (an exponent typo)",
      "false-FAIL budget 10x (only calibration with ~1e6 runs could see it in verify: expected to survive; "
      "tests/test_cli.cpp pins the documented default 1e-6)", "calibrate", statistical=True),
]


def check_one(root, m):
    p = root / m["file"]
    if not p.exists():
        return f"{m['name']}: file {m['file']} does not exist"
    n = p.read_text().count(m["orig"])
    if n != 1:
        return f"{m['name']}: snippet found {n} times in {m['file']} (must be exactly once): {m['orig']!r}"
    if m["orig"] == m["repl"]:
        return f"{m['name']}: replacement equals the original"
    return None


def run(cmd, cwd, log, timeout=None, env=None):
    t0 = time.time()
    with open(log, "ab") as f:
        f.write(("\n$ " + " ".join(cmd) + "\n").encode())
        f.flush()
        try:
            rc = subprocess.run(cmd, cwd=cwd, stdout=f, stderr=subprocess.STDOUT, timeout=timeout, env=env).returncode
        except subprocess.TimeoutExpired:
            rc = 124
    return rc, time.time() - t0


def verify_mismatch(out_text):
    return re.search(r"\(expected [A-Z]+\)", out_text) is not None


def mismatched_claims(out_text):
    """IDs of the claims whose verdict differs from the registry's expectation (first column)."""
    return [ln.split()[0] for ln in out_text.splitlines() if re.search(r"\(expected [A-Z]+\)", ln) and ln.split()]


def known_answer_failures(out_text):
    """Functions named by the engine's failed known-answer tests (verify exits 3 on any)."""
    names = []
    for ln in out_text.splitlines():
        m = re.match(r"engine known-answer test FAILED: ([^(]+)\(", ln)
        if m and m.group(1).strip() not in names:
            names.append(m.group(1).strip())
    return names


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="+", metavar="NAME", help="run only these mutants")
    ap.add_argument("--list", action="store_true", help="print the mutants and exit")
    ap.add_argument("--check", action="store_true", help="verify that every snippet occurs exactly once (no build)")
    ap.add_argument("--out", metavar="FILE", help="write the kill table as markdown to FILE")
    # Default inside the repository (ignored by git as build*/): the same relative layout as build/,
    # so ccache (base_dir) serves the objects the ordinary build already compiled.
    ap.add_argument("--work", metavar="DIR", default=str(ROOT / "build-mutants"),
                    help="scratch copy (default: build-mutants/ in the repository, ignored by git)")
    ap.add_argument("--calibrate", type=int, default=20, metavar="N", help="runs for verify --calibrate (default 20)")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per verify run (default 1800)")
    a = ap.parse_args()

    names = [m["name"] for m in MUTANTS]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        sys.exit(f"duplicate mutant names: {sorted(dup)}")
    selected = MUTANTS
    if a.only:
        unknown = [n for n in a.only if n not in names]
        if unknown:
            sys.exit(f"unknown mutant(s): {' '.join(unknown)} (see --list)")
        selected = [m for m in MUTANTS if m["name"] in a.only]

    if a.list:
        for m in selected:
            print(f"{m['name']:<36} {m['category']:<16} {m['file']:<34} needs {m['needs']:<12} "
                  f"{'statistical ' if m['statistical'] else ''}| {m['why']} | effect: {m['effect']}")
        print(f"{len(selected)} mutants")
        return 0

    errors = [e for e in (check_one(ROOT, m) for m in selected) if e]
    if a.check or errors:
        for e in errors:
            print("OUT OF SYNC " + e)
        cats = sorted({m["category"] for m in selected})
        print(f"{len(selected) - len(errors)} of {len(selected)} mutants apply exactly once; categories: {', '.join(cats)}")
        if errors:
            print("The mutant list (scripts/mutants.py) must be kept in sync with the code: update the snippets.")
        return 1 if errors else 0

    # Scratch copy of the tracked files (plus uncommitted edits of them), built once.
    work = pathlib.Path(a.work)
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    work.mkdir(parents=True, exist_ok=True)
    for f in files:
        if not f:
            continue
        src, dst = ROOT / f.decode(), work / f.decode()
        if not src.is_file():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        if not dst.exists() or dst.read_bytes() != src.read_bytes():
            shutil.copy2(src, dst)
    log = work / "mutants.log"
    log.write_text("")
    env = dict(os.environ, OMP_WAIT_POLICY="passive")
    build = work / "build"
    nice = ["nice", "-n", "10"]
    rc, _ = run(nice + ["cmake", "-S", ".", "-B", "build", "-DCMAKE_BUILD_TYPE=Release"], work, log)
    if rc:
        sys.exit(f"configure failed: see {log}")
    bin_ = str(build / "bin" / "regcheck")

    def build_regcheck():
        return run(nice + ["cmake", "--build", "build", "-j2", "--target", "regcheck"], work, log)

    rc, t = build_regcheck()
    if rc:
        sys.exit(f"baseline build failed: see {log}")
    out = work / "verify.out"
    out.unlink(missing_ok=True)
    rc, tv = run([bin_, "verify", "--threads", "2"], work, out, timeout=a.timeout, env=env)
    if rc or verify_mismatch(out.read_text()):
        sys.exit(f"baseline `regcheck verify` does not pass (exit {rc}): see {out}; fix the code before mutating it")
    print(f"baseline: build {t:.0f} s, verify {tv:.0f} s", flush=True)
    help_text = subprocess.run([bin_, "verify", "--help"], capture_output=True, text=True).stdout
    has_calibrate = "--calibrate" in help_text

    rows = []
    for m in selected:
        path = work / m["file"]
        original = path.read_text()
        t0 = time.time()
        result = "SURVIVED"
        try:
            path.write_text(original.replace(m["orig"], m["repl"], 1))
            rc, _ = build_regcheck()
            if rc:
                result = "did not compile"
            else:
                out.unlink(missing_ok=True)
                rc, _ = run([bin_, "verify", "--threads", "2"], work, out, timeout=a.timeout, env=env)
                text = out.read_text()
                kat = known_answer_failures(text)
                if kat:
                    result = f"killed by the known-answer tests ({', '.join(kat[:2])}{', ...' if len(kat) > 2 else ''})"
                elif rc or verify_mismatch(text):
                    ids = mismatched_claims(text)
                    result = "killed by verify" + (" (timeout)" if rc == 124 else "") + \
                        (f" ({', '.join(ids[:3])}{', ...' if len(ids) > 3 else ''})" if ids else f" (exit {rc})")
                elif m["statistical"] and has_calibrate:
                    cmd = [bin_, "verify", "--threads", "2", "--calibrate", str(a.calibrate)]
                    for c in m["claims"]:
                        cmd += ["--claim", c]
                    rc, _ = run(cmd, work, log, timeout=a.timeout, env=env)
                    if rc:
                        result = "killed by calibrate"
        finally:
            path.write_text(original)  # restore (the next build is a ccache hit for it)
        dt = time.time() - t0
        rows.append((m, result, dt))
        print(f"{m['name']:<36} {m['category']:<16} {m['file']:<32} {result:<20} {dt:6.0f} s", flush=True)
    build_regcheck()  # leave the scratch build unmutated

    killed = sum(r.startswith("killed") for _, r, _ in rows)
    bad = sum(r == "did not compile" for _, r, _ in rows)
    valid = len(rows) - bad
    rate = f"{killed}/{valid} killed ({100.0 * killed / valid:.0f}%)" if valid else "no valid mutant"
    print(f"\n{rate}; {bad} did not compile; verify --calibrate {'available' if has_calibrate else 'not available'}")
    if a.out:
        lines = ["# Mutation testing: kill table", "",
                 f"`scripts/mutants.sh` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {rate}; {bad} did not compile; "
                 f"verify --calibrate {'available' if has_calibrate else 'not available in this build'}.", "",
                 "| mutant | category | file | result | seconds | expected to need | effect |",
                 "| --- | --- | --- | --- | --- | --- | --- |"]
        for m, r, dt in rows:
            lines.append(f"| {m['name']} | {m['category']} | {m['file']} | {r} | {dt:.0f} | {m['needs']} | {m['effect']} |")
        pathlib.Path(a.out).write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
