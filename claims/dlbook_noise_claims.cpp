// dlbook claims, noise group: see claims/dlbook_claims.cpp.
#include "claims/core/mc_check.hpp"
#include "claims/core/registry.hpp"
#include "theory/dlbook_noise.hpp"

namespace regcheck::claims {

void register_dlbook_noise(Registry& reg, EvalRegistry& eval) {}

}  // namespace regcheck::claims
