#pragma once
// Known-answer tests of the statistical engine, run by `regcheck verify` before the claims (like a
// crypto library's power-on self-tests): the engine's own functions (sim/mean_test.hpp quantiles,
// intervals, the detectable-deviation multiplier and the mean test's verdicts; sim/welford.hpp;
// sim/calibration.hpp's binomial limit of the engine self-check; the run's Bonferroni split) are
// evaluated at fixed inputs and compared with values from independent sources written here with
// their provenance (mpmath at 50 digits, closed forms, scipy's adaptive quadrature, exact
// fractions; recomputed by tests/data/engine_known_answers.py). Each comparison states its
// tolerance and why.
//
// Why: a statistical slip in the engine (a normal quantile in place of Student-t's, a confidence
// interval at the wrong level, a detectable-deviation multiplier without the randomness of the
// estimated se) changes error RATES, which one verify run cannot see (and `--calibrate` needs
// thousands of runs at verify's small alpha). A fixed-input comparison sees it at once.
#include "claims/core/registry.hpp"

#include <string>
#include <vector>

namespace regcheck::claims {

struct KnownAnswer {
  std::string function;  // e.g. "sim::student_t_upper_quantile"
  std::string input;     // e.g. "q = 0.025, dof = 4"
  std::string expected;  // printed reference value (17 significant digits) or verdict
  std::string got;
  std::string tolerance;  // e.g. "64 ulps (Boost's incomplete-beta inverse stops at a few ulps)"
  std::string source;     // provenance of the expected value
  bool agree = false;
};

// Absolute tolerance tol; NaN (or any non-finite got) never agrees. Throws std::invalid_argument
// for a non-finite expected or a tol that is negative or not finite.
KnownAnswer known_answer(std::string function, std::string input, double expected, double got, double tol,
                         std::string tolerance, std::string source);

// The engine's known-answer tests. The Bonferroni split is checked on the run's own context:
// ctx.alpha_per_test must equal ctx.alpha_total / (the sum of the registry's declared mc_tests,
// counted here claim by claim).
std::vector<KnownAnswer> engine_known_answers(const Registry& reg, const CheckContext& ctx);

// One line naming the function, input, expected and got (for a failed test).
std::string describe(const KnownAnswer& k);

}  // namespace regcheck::claims
