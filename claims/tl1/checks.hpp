#pragma once
// The checks of the tl1 claims (claims/CATALOG.md, section "tl1"), registered by
// claims/tl1/claims.cpp and defined in claims/tl1/prox_claims.cpp (scalar TL1: eq. 14, 36) and
// claims/tl1/group_claims.cpp (group prox eq. 23, composition eq. 22).
#include "claims/core/claim.hpp"

namespace regcheck::claims::tl1 {

ClaimResult check_limits(const CheckContext&);       // tl1.eq14.limits
ClaimResult check_prox(const CheckContext&);         // tl1.eq36.prox
ClaimResult check_regimes(const CheckContext&);      // tl1.eq36.regimes
ClaimResult check_group_prox(const CheckContext&);   // tl1.eq23.group-prox
ClaimResult check_composition(const CheckContext&);  // tl1.eq22.composition

}  // namespace regcheck::claims::tl1
