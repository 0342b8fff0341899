// The dropact claims of ../shared/CLAIMS.md and their checks.
#include "claims/core/mc_check.hpp"
#include "claims/core/registry.hpp"
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
  reg.add({.id = "dropact.prop5_2.value-095",
           .source = "dropact",
           .method = "closed form",
           .statement = "At p = 0.95 the shift ratio (eq. 15) is about 0.9377.",
           .expected = Verdict::Holds,
           .finding = "",
           .mc_tests = 0,
           .check = check_value_095});

  eval.add({.name = "shift-ratio",
            .summary = "Drop-Activation shift ratio Var(X_test)/Var(X_train), eq. (15)",
            .params = {{"p", "probability of keeping the nonlinearity, in [0, 1]"}},
            .eval = [](const EvalArgs& a) -> nlohmann::json { return theory::dropact::shift_ratio(a.at("p")[0]); }});
}

}  // namespace regcheck::claims
