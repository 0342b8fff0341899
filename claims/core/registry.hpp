#pragma once
// The registry of claims and of the closed forms `regcheck eval` exposes.
#include "claims/core/claim.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace regcheck::claims {

class Registry {
 public:
  // The catalog's registry: claims of the four built-in sources (dropact, gcsr, tl1, dlbook).
  Registry() = default;
  // A registry of one's own claims (README "Checking your own claims"): the allowed sources,
  // e.g. {"mydraft"}; each must be non-empty, of [a-z0-9_-] only (it starts the claim IDs and names
  // the notebook file). Throws std::invalid_argument naming a bad or repeated source.
  explicit Registry(std::vector<std::string> sources);
  // Throws std::invalid_argument on a duplicate ID or bad fields: an empty ID or no check, a source
  // not among the registry's, an ID not starting with "<source>.", mc_tests < 0.
  void add(Claim c);
  const std::vector<std::string>& sources() const { return sources_; }
  const std::vector<Claim>& claims() const { return claims_; }
  const Claim* find(const std::string& id) const;
  // Monte Carlo tests over the whole registry: the Bonferroni divisor of the false-FAIL budget.
  int total_mc_tests() const;
  // Runs one claim: times it, fills id/source/method/expected, converts an escaped exception to
  // verdict ERROR with the message (a bug in a check must not crash the suite), and checks the
  // Bonferroni accounting (check_bonferroni_accounting).
  ClaimResult run(const Claim& c, const CheckContext& ctx) const;

 private:
  std::vector<std::string> sources_{"dropact", "gcsr", "tl1", "dlbook"};
  std::vector<Claim> claims_;
};

// The Bonferroni split is only right if every claim performs exactly the Monte Carlo tests it
// declares (Claim::mc_tests: the registry's total is the divisor) at ctx.alpha_per_test. Counts
// the records of method "monte-carlo" (power self-tests excluded: they spend no alpha of the
// run) and, on a mismatch in count or alpha, appends an ERROR record naming both numbers and
// re-summarizes, so the claim reports ERROR. A claim already in ERROR is left as it is.
void check_bonferroni_accounting(const Claim& c, const CheckContext& ctx, ClaimResult& r);

// A parameter of an evaluable closed form: a number, or a comma-separated list.
struct EvalParam {
  std::string name;  // without dashes: "p", "lambda", "eigs"
  std::string help;
  bool is_list = false;
};
using EvalArgs = std::map<std::string, std::vector<double>>;
struct EvalFunction {
  std::string name;  // e.g. "shift-ratio"
  std::string summary;
  std::vector<EvalParam> params;
  // Returns the value (a number or an array). Throws std::invalid_argument naming the bad value
  // and the allowed range.
  std::function<nlohmann::json(const EvalArgs&)> eval;
};

class EvalRegistry {
 public:
  void add(EvalFunction f);
  const std::vector<EvalFunction>& functions() const { return functions_; }
  const EvalFunction* find(const std::string& name) const;

 private:
  std::vector<EvalFunction> functions_;
};

// Each source registers its claims and closed forms; these are defined in claims/<paper>/claims.cpp.
void register_dropact(Registry&, EvalRegistry&);
void register_gcsr(Registry&, EvalRegistry&);
void register_tl1(Registry&, EvalRegistry&);
void register_dlbook(Registry&, EvalRegistry&);

// The full catalog (all four sources), built once.
const Registry& all_claims();
const EvalRegistry& all_eval_functions();

}  // namespace regcheck::claims
