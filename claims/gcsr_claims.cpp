// The gcsr claims of ../shared/CLAIMS.md and their checks.
#include "claims/core/mc_check.hpp"
#include "claims/core/registry.hpp"
#include "theory/gcsr.hpp"

namespace regcheck::claims {

void register_gcsr(Registry& reg, EvalRegistry& eval) {}

}  // namespace regcheck::claims
