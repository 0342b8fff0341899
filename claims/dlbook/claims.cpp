// The dlbook claims (Deep Learning, ch. 7) of claims/CATALOG.md, registered in three groups:
// linear-algebraic claims (7.2-7.4; claims/dlbook_linear_claims.cpp), noise, early stopping,
// ensembles, dropout and adversarial claims (7.6-7.13; claims/dlbook_noise_claims.cpp), and the
// 7.6 equivalence claims (claims/dlbook_noise_tikhonov.cpp).
#include "claims/core/registry.hpp"

namespace regcheck::claims {

void register_dlbook_linear(Registry& reg, EvalRegistry& eval);
void register_dlbook_noise(Registry& reg, EvalRegistry& eval);
void register_dlbook_noise_tikhonov(Registry& reg);

void register_dlbook(Registry& reg, EvalRegistry& eval) {
  register_dlbook_linear(reg, eval);
  register_dlbook_noise(reg, eval);
  register_dlbook_noise_tikhonov(reg);
}

}  // namespace regcheck::claims
