#pragma once
// The checks of the gcsr claims (claims/CATALOG.md, section "gcsr"), one file per group:
// update_claims.cpp (eq. 2), coherence_claims.cpp (eq. 9), prox_claims.cpp
// (eq. 10), suppression_claims.cpp (sec. 2.2). Registered in claims.cpp.
#include "claims/core/claim.hpp"

#include <fmt/format.h>

#include <string>

namespace regcheck::claims::gcsr {

ClaimResult check_eq2_update(const CheckContext& ctx);
ClaimResult check_eq9_coherence_rate(const CheckContext& ctx);
ClaimResult check_eq9_random_half(const CheckContext& ctx);
ClaimResult check_eq9_closed_form(const CheckContext& ctx);
ClaimResult check_eq10_l1_prox(const CheckContext& ctx);
ClaimResult check_sec2_2_suppression(const CheckContext& ctx);

// Monte Carlo hypothesis tests each check performs (the Claim's mc_tests; power self-tests are
// recorded but do not decide the verdict, so they are not counted, see claims/core/mc_check.hpp).
inline constexpr int kRandomHalfTests = 7;  // 4 pairs with E pi = 0.5 + 3 non-symmetric pairs
inline constexpr int kClosedFormTests = 18;  // 9 grid points for L2 + 9 for L1

// summarize(r), and for FAILS a counterexample listing every failing sub-check with its detail.
inline void summarize_listing_failures(ClaimResult& r) {
  summarize(r);
  if (r.verdict == Verdict::Fails)
    for (const CheckRecord& c : r.checks)
      if (c.verdict == Verdict::Fails) r.counterexample += c.name + ": " + c.detail + "\n";
}

}  // namespace regcheck::claims::gcsr
