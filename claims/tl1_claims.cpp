// The tl1 claims of ../shared/CLAIMS.md and their checks.
#include "claims/core/mc_check.hpp"
#include "claims/core/registry.hpp"
#include "theory/tl1.hpp"

namespace regcheck::claims {

void register_tl1(Registry& reg, EvalRegistry& eval) {}

}  // namespace regcheck::claims
