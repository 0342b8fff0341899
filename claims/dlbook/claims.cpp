// The dlbook claims (Deep Learning, ch. 7) of claims/CATALOG.md, registered in catalog order, one
// file per claim group in claims/dlbook/ (the check next to its registration), and the dlbook
// closed forms of `regcheck eval`. Linear group (7.2-7.4, helpers in linear_helpers.hpp):
// ridge_claims.cpp (7.2.1), l1_diagonal_claims.cpp (7.2.2), map_claims.cpp (7.2.3),
// constraint_claims.cpp (7.3), pseudoinverse_claims.cpp (7.4). Noise group (7.6-7.13, helpers in
// noise_helpers.hpp): noise_claims.cpp and noise_polynomial.cpp (7.6), early_stopping_claims.cpp
// (7.7), ensemble_claims.cpp (7.10), weight_scaling_claims.cpp (7.11), adversarial_claims.cpp
// (7.13). The 7.6 equivalence claims: tikhonov_input_claims.cpp (7.6.1), tikhonov_weight_claims.cpp (7.6.2).
#include "claims/core/registry.hpp"
#include "theory/dlbook_linear.hpp"
#include "theory/dlbook_noise.hpp"

#include <stdexcept>
#include <string>

namespace regcheck::claims {

namespace dlbook {
void register_ridge(Registry& reg);
void register_l1_diagonal(Registry& reg);
void register_map(Registry& reg);
void register_constraint(Registry& reg);
void register_pseudoinverse(Registry& reg);
void register_noise(Registry& reg);
void register_early_stopping(Registry& reg);
void register_ensemble(Registry& reg);
void register_weight_scaling(Registry& reg);
void register_adversarial(Registry& reg);
void register_tikhonov_input(Registry& reg);
void register_tikhonov_weight(Registry& reg);
}  // namespace dlbook

namespace {

namespace dl = theory::dlbook;

double arg(const EvalArgs& a, const char* name) {
  const auto it = a.find(name);
  if (it == a.end() || it->second.empty()) throw std::invalid_argument(std::string("missing --") + name);
  return it->second[0];
}

void register_dlbook_linear(Registry& reg, EvalRegistry& eval) {
  dlbook::register_ridge(reg);
  dlbook::register_l1_diagonal(reg);
  dlbook::register_map(reg);
  dlbook::register_constraint(reg);
  dlbook::register_pseudoinverse(reg);

  eval.add({.name = "effective-params",
            .summary = "Effective number of parameters gamma = sum lambda_i/(lambda_i + alpha), Deep Learning eq. 7.8",
            .params = {{"eigs", "eigenvalues lambda_i of the PSD Hessian H (eq. 7.8; not a penalty weight), each finite, >= 0", true},
                       {"alpha", "weight-decay coefficient alpha (eq. 7.8), finite, >= 0 (0 gives the limit alpha -> 0+, the rank of H)",
                        false}},
            .eval = [](const EvalArgs& a) -> nlohmann::json {
              return theory::dlbook::effective_params(a.at("eigs"), a.at("alpha")[0]);
            }});
}

void register_dlbook_noise(Registry& reg, EvalRegistry& eval) {
  dlbook::register_noise(reg);
  dlbook::register_early_stopping(reg);
  dlbook::register_ensemble(reg);
  dlbook::register_weight_scaling(reg);
  dlbook::register_adversarial(reg);

  eval.add({.name = "ensemble-mse",
            .summary = "Expected squared error of the mean of k errors (variance v, covariance c): v/k + (k-1)c/k (sec. 7.10)",
            .params = {{"k", "ensemble size k (sec. 7.10), integer >= 1"},
                       {"v", "error variance v = E[eps_i^2] (sec. 7.10), finite, >= 0"},
                       {"c", "error covariance c = E[eps_i eps_j], i != j (sec. 7.10), in [-v/(k-1), v] (a PSD covariance; "
                             "|c| <= v for k = 1, where c does not enter the value)"}},
            .eval = [](const EvalArgs& a) -> nlohmann::json { return dl::ensemble_mse(arg(a, "k"), arg(a, "v"), arg(a, "c")); }});
  eval.add({.name = "early-stopping-alpha",
            .summary = "Exact per-direction L2 coefficient alpha_i = lambda q/(1-q), q = (1 - eta lambda)^tau, that makes tau GD steps "
                       "equal weight decay along eigenvector i (eqs. 7.26-7.27; not eq. 7.28's approximation 1/(tau eta)). "
                       "0 at eta lambda = 1 and negative for odd tau when 1 < eta lambda < 2",
            .params = {{"lambda", "a Hessian eigenvalue lambda_i (eq. 7.26's Lambda = diag(lambda_i)), not a penalty weight; finite, > 0"},
                       {"eta", "learning rate eta (eq. 7.26), with 0 < eta lambda < 2"},
                       {"tau", "number of gradient steps tau (eq. 7.26), integer >= 1"}},
            .eval = [](const EvalArgs& a) -> nlohmann::json {
              return dl::early_stopping_alpha(arg(a, "lambda"), arg(a, "eta"), arg(a, "tau"));
            }});
  eval.add({.name = "bootstrap-unique",
            .summary = "Expected fraction of distinct examples in a bootstrap resample: 1 - (1 - 1/n)^n (sec. 7.10)",
            .params = {{"n", "dataset size n, also the resample size (sec. 7.10), integer >= 1"}},
            .eval = [](const EvalArgs& a) -> nlohmann::json { return dl::bootstrap_unique_fraction(arg(a, "n")); }});
}

}  // namespace

void register_dlbook(Registry& reg, EvalRegistry& eval) {
  register_dlbook_linear(reg, eval);
  register_dlbook_noise(reg, eval);
  dlbook::register_tikhonov_input(reg);
  dlbook::register_tikhonov_weight(reg);
}

}  // namespace regcheck::claims
