// The full catalog: every source's claims and closed forms, registered once.
#include "claims/core/registry.hpp"

namespace regcheck::claims {
namespace {
struct Catalog {
  Registry claims;
  EvalRegistry eval;
  Catalog() {
    register_dropact(claims, eval);
    register_gcsr(claims, eval);
    register_tl1(claims, eval);
    register_dlbook(claims, eval);
  }
};
const Catalog& catalog() {
  static const Catalog c;
  return c;
}
}  // namespace

const Registry& all_claims() { return catalog().claims; }
const EvalRegistry& all_eval_functions() { return catalog().eval; }

}  // namespace regcheck::claims
