// The dlbook claims (Deep Learning, ch. 7) of ../shared/CLAIMS.md, registered in two groups:
// linear-algebraic claims (7.2-7.4; claims/dlbook_linear_claims.cpp) and noise, early stopping,
// ensembles, dropout and adversarial claims (7.6-7.13; claims/dlbook_noise_claims.cpp).
#include "claims/core/registry.hpp"

namespace regcheck::claims {

void register_dlbook_linear(Registry& reg, EvalRegistry& eval);
void register_dlbook_noise(Registry& reg, EvalRegistry& eval);

void register_dlbook(Registry& reg, EvalRegistry& eval) {
  register_dlbook_linear(reg, eval);
  register_dlbook_noise(reg, eval);
}

}  // namespace regcheck::claims
