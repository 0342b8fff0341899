// The gcsr claims of claims/CATALOG.md (analytic table) and the gcsr closed forms of
// `regcheck eval`. The checks live in claims/gcsr/*_claims.cpp (see claims/gcsr/checks.hpp).
#include "claims/core/mc_check.hpp"
#include "claims/core/registry.hpp"
#include "claims/gcsr/checks.hpp"
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
           .statement = "pi = #{i : g_i != 0, sign(g_i) = sign(g_i + lambda dOmega_i)} / #{i : g_i != 0}, g = dL/dw "
                        "(eq. 9 with footnote 2: g = 0 excluded from numerator and denominator); pi in [0, 1], pi = 1 "
                        "when lambda = 0.",
           .expected = Verdict::Holds,
           .finding = "Conventions where the paper is silent: sign(0) = 0, i.e. Theta(0) = 0 in eq. 9 (a combined "
                      "gradient of exactly 0 is not coherent: sign 0 != sign(g_i)); dOmega/dw(0) = 0 for L1 (the "
                      "minimal-norm subgradient), so an entry with w = 0 is coherent; no g != 0 returns status "
                      "NoGradient with pi = 0 (never NaN). Eq. 9 as printed divides by n, all parameters; footnote 2 "
                      "makes it the count over g != 0. Exact hand cases: g = [0, 1, -2], w = [5, -1, 0], lambda = 1 "
                      "gives pi = 1/2 (L1 and L2).",
           .mc_tests = 0,
           .check = gcsr::check_eq9_coherence_rate});
  reg.add({.id = "gcsr.eq9.random-half",
           .source = "gcsr",
           .method = "monte-carlo (randomized QMC)",
           .statement = "The sign coherence rate of two independent random vectors (entries nonzero a.s.) is 0.5 in "
                        "expectation when one is sign-symmetric; in general E pi = mean_i [q_i r_i + (1-q_i)(1-r_i)].",
           .expected = Verdict::Holds,
           .finding = "The paper's unconditional 'expected to be 0.5' needs one vector sign-symmetric (P(entry > 0) "
                      "= 1/2). General form checked by Monte Carlo for non-symmetric laws: both Exp(1)-1 give "
                      "e^-2 + (1-e^-1)^2 = 0.5349; N(1/2,1) vs U(-1/4,1) gives 0.8 Phi(1/2) + 0.2 (1 - Phi(1/2)) = "
                      "0.6149; non-identical entries N((i-15.5)/8, 1) vs N(sin i, 1): 0.4791. Both positive: pi = 1 "
                      "exactly.",
           .mc_tests = gcsr::kRandomHalfTests,
           .check = gcsr::check_eq9_random_half});
  reg.add({.id = "gcsr.eq9.coherence-closed-form",
           .source = "gcsr",
           .method = "monte-carlo (randomized QMC)",
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
           .statement = "Bias-free ReLU MLP of depth L, every layer scaled by s -> 0: ||dL/dW_l|| ~ s^(L-1) while "
                        "||W_l|| ~ s, so the gradient-to-weight ratio ~ s^(L-2): gradients suppressed far more than "
                        "weights for L >= 3.",
           .expected = Verdict::Holds,
           .finding = "Exact by positive homogeneity for a loss with nonzero gradient at output 0 (checked: squared "
                      "loss with y != 0 and softmax cross-entropy, depths 2..8). As printed without the depth "
                      "condition, 'far more suppressed than the weights' FAILS at L = 2: gradient slope 1 = the "
                      "weights' slope, the ratio is scale-free (slope 0); it holds for L >= 3 (ratio slope L - 2 >= "
                      "1). With y = 0 (zero gradient at output 0) the slope is 2L - 1 instead.",
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
