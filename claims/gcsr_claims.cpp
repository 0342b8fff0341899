// The gcsr claims of ../shared/CLAIMS.md (analytic table) and the gcsr closed forms of
// `regcheck eval`. The checks live in claims/gcsr_*_claims.cpp (see claims/gcsr_checks.hpp).
#include "claims/core/mc_check.hpp"
#include "claims/core/registry.hpp"
#include "claims/gcsr_checks.hpp"
#include "theory/gcsr.hpp"
#include "theory/prox.hpp"

namespace regcheck::claims {

void register_gcsr(Registry& reg, EvalRegistry& eval) {
  reg.add({.id = "gcsr.eq2.update",
           .source = "gcsr",
           .method = "property",
           .statement = "GD update w <- w - alpha(dL/dw + lambda dOmega/dw) with dOmega/dw = 2w (L2, Omega = ||w||^2) "
                        "or sign(w) (L1, w != 0).",
           .expected = Verdict::Holds,
           .finding = "At w = 0 eq. 2 leaves the L1 gradient undefined; the implementation uses 0 (minimal-norm "
                      "subgradient), checked to lie in [-1, 1].",
           .mc_tests = 0,
           .check = gcsr::check_eq2_update});
  reg.add({.id = "gcsr.eq9.coherence-rate",
           .source = "gcsr",
           .method = "property",
           .statement = "pi = ||Theta(sign(g) .* sign(g + lambda dOmega))||_1 / n, g = dL/dw; entries with g = 0 "
                        "excluded (footnote 2); pi in [0, 1], pi = 1 when lambda = 0.",
           .expected = Verdict::Holds,
           .finding = "Conventions where the paper is silent: Theta(0) = 0 (a combined gradient of exactly 0 is not "
                      "coherent); dOmega/dw(0) = 0 for L1; no g != 0 returns status NoGradient with pi = 0 (never NaN).",
           .mc_tests = 0,
           .check = gcsr::check_eq9_coherence_rate});
  reg.add({.id = "gcsr.eq9.random-half",
           .source = "gcsr",
           .method = "monte-carlo",
           .statement = "The sign coherence rate between two independent random vectors is 0.5 in expectation.",
           .expected = Verdict::Holds,
           .finding = "Holds when at least one of the two vectors has entries with P(> 0) = P(< 0) = 1/2 (e.g. "
                      "symmetric, checked for normal, uniform, Laplace, Cauchy, Rademacher, and skewed Exp(1)-1 vs "
                      "normal). In general P(coherent) = pq + (1-p)(1-q), p, q = P(entry > 0): both Exp(1)-1 give "
                      "e^-2 + (1-e^-1)^2 = 0.5349, not 0.5.",
           .mc_tests = gcsr::kRandomHalfTests,
           .check = gcsr::check_eq9_random_half});
  reg.add({.id = "gcsr.eq9.coherence-closed-form",
           .source = "gcsr",
           .method = "monte-carlo",
           .statement = "(derived here, beyond the paper) g ~ N(0, sg^2), w ~ N(0, sw^2): L2: E pi = 1 - (1/pi) "
                        "arctan(2 lambda sw / sg); L1: E pi = 1 - (Phi(lambda/sg) - 1/2); both tend to 1/2.",
           .expected = Verdict::Holds,
           .finding = "Derivation re-done: L2 fails iff 2 lambda w opposes g and exceeds it (two wedges of angle "
                      "arctan(2 lambda sw/sg) of an isotropic pair); L1 fails iff sign(w) = -sign(g) and |g| < lambda "
                      "(probability P(|g| < lambda)/2). Both formulas are right; also checked by quadrature.",
           .mc_tests = gcsr::kClosedFormTests,
           .check = gcsr::check_eq9_closed_form});
  reg.add({.id = "gcsr.eq10.l1-prox",
           .source = "gcsr",
           .method = "closed form vs brute force + optimality property",
           .statement = "prox of alpha lambda |.| is soft thresholding S(a, z) = a - z if a > z; a + z if a < -z; 0 "
                        "otherwise.",
           .expected = Verdict::Holds,
           .finding = "",
           .mc_tests = 0,
           .check = gcsr::check_eq10_l1_prox});
  reg.add({.id = "gcsr.sec2_2.suppression",
           .source = "gcsr",
           .method = "exact/property: slope fit over random nets, depths 2..8",
           .statement = "For a bias-free ReLU MLP of depth L with all weights scaled by s -> 0, ||dL/dW_l|| ~ s^(L-1) "
                        "(log-log slope L - 1) while ||W_l|| ~ s: gradients are suppressed far more than weights.",
           .expected = Verdict::Holds,
           .finding = "Exact by positive homogeneity for a loss whose output residual does not vanish at yhat = 0 "
                      "(squared loss with y != 0, cross-entropy). Scope notes: at depth 2 the gradient slope is 1, "
                      "the same as the weights' (no 'far more' suppression); with y = 0 the slope is 2L - 1.",
           .mc_tests = 0,
           .check = gcsr::check_sec2_2_suppression});

  eval.add({.name = "soft-threshold",
            .summary = "Soft thresholding S(y, t), the prox of t|.| (gcsr eq. 10)",
            .params = {{"y", "the point (eq. 10's a in S(a, z)), finite"},
                       {"t", "the threshold (eq. 10's z = alpha lambda: step size times penalty weight), finite, >= 0"}},
            .eval = [](const EvalArgs& a) -> nlohmann::json {
              return theory::soft_threshold(a.at("y")[0], a.at("t")[0]);
            }});
  eval.add({.name = "coherence-l2",
            .summary = "E pi (eq. 9) for L2, g ~ N(0, sg^2), w ~ N(0, sw^2): 1 - arctan(2 lambda sw / sg) / pi",
            .params = {{"lambda", "penalty weight lambda of the L2 penalty lambda ||w||^2 (gradient 2 lambda w, eq. 9), finite, >= 0"},
                       {"sg", "standard deviation of the loss gradient dL/dw ~ N(0, sg^2), finite, > 0"},
                       {"sw", "standard deviation of the weights w ~ N(0, sw^2), finite, >= 0"}},
            .eval = [](const EvalArgs& a) -> nlohmann::json {
              return theory::gcsr::expected_coherence_l2(a.at("lambda")[0], a.at("sg")[0], a.at("sw")[0]);
            }});
  eval.add({.name = "coherence-l1",
            .summary = "E pi (eq. 9) for L1, g ~ N(0, sg^2): 1 - (Phi(lambda / sg) - 1/2)",
            .params = {{"lambda", "penalty weight lambda of the L1 penalty lambda ||w||_1 (gradient lambda sign(w), eq. 9), finite, >= 0"},
                       {"sg", "standard deviation of the loss gradient dL/dw ~ N(0, sg^2), finite, > 0"}},
            .eval = [](const EvalArgs& a) -> nlohmann::json {
              return theory::gcsr::expected_coherence_l1(a.at("lambda")[0], a.at("sg")[0]);
            }});
}

}  // namespace regcheck::claims
