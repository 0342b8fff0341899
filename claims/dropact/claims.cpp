// The dropact claims of claims/CATALOG.md and their checks.
// The checks live in claims/dropact/{activation,penalty,variance}_claims.cpp (see claims/dropact/checks.hpp).
#include "claims/core/mc_check.hpp"
#include "claims/core/registry.hpp"
#include "claims/dropact/checks.hpp"
#include "theory/dropact.hpp"

#include <fmt/format.h>

#include <cmath>

namespace regcheck::claims {

namespace {

// dropact.prop5_2.value-095: "At p = 0.95 the shift ratio is about 0.9377" (4 digits).
// Check: eq. (15) evaluated in double (error < 10 ulp: a few roundings of O(1) terms) rounded to
// 4 decimals must equal 0.9377, i.e. |r - 0.9377| <= 5e-5.
ClaimResult check_value_095(const CheckContext&) {
  ClaimResult r;
  const double value = theory::dropact::shift_ratio(0.95);
  CheckRecord c;
  c.name = "eq. (15) at p = 0.95, 4 digits";
  c.method = "closed-form";
  c.theory = 0.9377;
  c.estimate = value;
  c.max_error = std::abs(value - 0.9377);
  c.tolerance = 5e-5;  // half a unit in the 4th decimal: "about 0.9377" as printed
  c.verdict = *c.max_error <= *c.tolerance ? Verdict::Holds : Verdict::Fails;
  r.checks.push_back(c);
  r.theory = 0.9377;
  r.estimate = value;
  r.max_error = c.max_error;
  if (c.verdict == Verdict::Fails) r.counterexample = fmt::format("p=0.95: eq.(15)={:.10f}, printed 0.9377", value);
  summarize(r);
  return r;
}

}  // namespace

void register_dropact(Registry& reg, EvalRegistry& eval) {
  namespace dc = dropact_checks;
  reg.add({.id = "dropact.eq4.train-activation",
           .source = "dropact",
           .method = "property",
           .statement = "Training: x_{l+1} = (I - P + P f)(W x), P_j ~ B(p) iid; for ReLU component j is x_j if x_j >= 0, "
                        "else (1 - P_j) x_j (eqs. 3-4).",
           .expected = Verdict::Holds,
           .finding = "",
           .mc_tests = 0,
           .check = dc::eq4_train_activation});
  reg.add({.id = "dropact.eq5.test-activation",
           .source = "dropact",
           .method = "exact + monte-carlo (stratified masks)",
           .statement = "E_P[(I - P + P f)(x)] = ((1-p) I + p f)(x); for ReLU this is leaky ReLU with negative slope 1 - p "
                        "(eq. 5).",
           .expected = Verdict::Holds,
           .finding = "",
           .mc_tests = dc::kEq5McTests,
           .check = dc::eq5_test_activation});
  reg.add({.id = "dropact.prop5_1.penalty",
           .source = "dropact",
           .method = "exact (all 2^d masks, d <= 12) + monte-carlo (d = 64, control variate on the masks)",
           .statement = "E_P ||W2 (I - P + P r)(W1 x) - y||^2 = ||W2 r_p(W1 x) - y||^2 + ((1-p)/p) ||W2 W1 x - W2 r_p(W1 x)||^2 "
                        "(Property 5.1, eq. 10).",
           .expected = Verdict::Fails,
           .finding = "The appendix step p(1-p) tr{W2 diag(v)(I-D)^2 diag(v) W2^T} = p(1-p) ||W2 (I-D) W1 x||^2 is false: the "
                      "trace is sum_j ||W2[:,j]||^2 ((1-d_j) v_j)^2, without the cross terms. Smallest counterexample d=2: "
                      "W1=[1;1], x=-1, W2=[1 1], y=0, p=0.5: E_P loss = 1.5, printed RHS = 2.0. Holds for d = 1 or when W2's "
                      "columns over the negative units are orthogonal. Corrected: dropact.prop5_1.penalty.corrected.",
           .mc_tests = dc::kPenaltyMcTests,
           .check = dc::prop5_1_penalty});
  reg.add({.id = "dropact.prop5_1.penalty.corrected",
           .source = "dropact",
           .method = "exact (all 2^d masks, d <= 12) + monte-carlo (d = 64, control variate on the masks)",
           .statement = "(derived here) E_P ||W2 (I - P + P r)(W1 x) - y||^2 = ||W2 r_p(v) - y||^2 + ((1-p)/p) sum_j "
                        "||W2[:,j]||^2 (v_j - r_p(v_j))^2, v = W1 x (the appendix with its trace step mended).",
           .expected = Verdict::Holds,
           .finding = "Penalty is ((1-p)/p) ||W2 diag(W1 x - r_p(W1 x))||_F^2 = p(1-p) sum_{j: v_j<0} ||W2[:,j]||^2 v_j^2.",
           .mc_tests = dc::kPenaltyCorrectedMcTests,
           .check = dc::prop5_1_penalty_corrected});
  reg.add({.id = "dropact.prop5_2.mean",
           .source = "dropact",
           .method = "closed form + randomized quasi-monte-carlo (scrambled Sobol' inputs, masks integrated given x)",
           .statement = "x[i] ~ N(0,1) iid: E X_train = E X_test = p sum_i w_i / sqrt(2 pi) (eqs. 13-14).",
           .expected = Verdict::Holds,
           .finding = "",
           .mc_tests = dc::kMeanMcTests,
           .check = dc::prop5_2_mean});
  reg.add({.id = "dropact.prop5_2.shift-ratio",
           .source = "dropact",
           .method = "randomized quasi-monte-carlo over a grid of p and random w (scrambled Sobol' inputs, masks integrated given x); 50-digit reference values",
           .statement = "Var(X_test)/Var(X_train) = ((1/2 - 1/(2 pi)) p^2 - p + 1) / (1 - p/2 - p^2/(2 pi)) (eq. 15), "
                        "independent of w.",
           .expected = Verdict::Holds,
           .finding = "",
           .mc_tests = dc::kShiftRatioMcTests,
           .check = dc::prop5_2_shift_ratio});
  reg.add({.id = "dropact.prop5_2.value-095",
           .source = "dropact",
           .method = "closed form",
           .statement = "At p = 0.95 the shift ratio (eq. 15) is about 0.9377.",
           .expected = Verdict::Holds,
           .finding = "",
           .mc_tests = 0,
           .check = check_value_095});
  reg.add({.id = "dropact.prop5_2.range",
           .source = "dropact",
           .method = "closed form: exact minimum by Boost.Math brent_find_minima",
           .statement = "For p in [0, 1] the shift ratio (eq. 15) lies in [0.8, 1].",
           .expected = Verdict::Holds,
           .finding = "The range is [0.812568, 1] (minimum at p = 0.6314): inside [0.8, 1]; the printed lower end is not tight.",
           .mc_tests = 0,
           .check = dc::prop5_2_range});
  reg.add({.id = "dropact.sec5_2.vs-dropout",
           .source = "dropact",
           .method = "closed form + randomized quasi-monte-carlo (scrambled Sobol' inputs, masks integrated given x)",
           .statement = "(comparator, ref. [12]) Dropout with retain prob p after a ReLU, x ~ N(0,1): shift ratio "
                        "v / ((c^2 + v)/p - c^2), c = 1/sqrt(2 pi), v = 1/2 - 1/(2 pi); side by side with eq. (15).",
           .expected = Verdict::Holds,
           .finding = "At the usual operating points: dropout p = 0.5 gives 0.4054, Drop-Activation p = 0.95 gives 0.9377.",
           .mc_tests = dc::kVsDropoutMcTests,
           .check = dc::sec5_2_vs_dropout});

  eval.add({.name = "shift-ratio",
            .summary = "Drop-Activation shift ratio Var(X_test)/Var(X_train), eq. (15)",
            .params = {{"p", "probability p of keeping the nonlinearity (Drop-Activation eq. 15's p), in [0, 1]"}},
            .eval = [](const EvalArgs& a) -> nlohmann::json { return theory::dropact::shift_ratio(a.at("p")[0]); }});
  eval.add({.name = "dropout-shift-ratio",
            .summary = "Dropout (after ReLU) shift ratio v / ((c^2 + v)/p - c^2), Li et al. [12]",
            .params = {{"p", "dropout retain probability p (Li et al. [12], as cited in Drop-Activation), in (0, 1]"}},
            .eval = [](const EvalArgs& a) -> nlohmann::json { return theory::dropact::dropout_shift_ratio(a.at("p")[0]); }});
}

}  // namespace regcheck::claims
