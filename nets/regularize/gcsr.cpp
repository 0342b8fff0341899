#include "nets/regularize/gcsr.hpp"

#include <cmath>
#include <stdexcept>

namespace regcheck::nets::regularize {

double gcsr_lambda(const GcsrOptions& opt, double lambda, int epoch, const theory::gcsr::Coherence& pi) {
  REGCHECK_REQUIRE(std::isfinite(lambda) && lambda >= 0, "gcsr_lambda: lambda must be finite and >= 0, got " + theory::detail::num(lambda));
  REGCHECK_REQUIRE(epoch >= 0, "gcsr_lambda: epoch must be >= 0, got " + std::to_string(epoch));
  REGCHECK_REQUIRE(opt.gamma >= 0, "GcsrOptions.gamma must be >= 0, got " + std::to_string(opt.gamma));
  REGCHECK_REQUIRE(opt.mu >= 0 && opt.mu < 1, "GcsrOptions.mu must be in [0, 1), got " + theory::detail::num(opt.mu));
  switch (opt.mode) {
    case GcsrMode::Always: return lambda;
    case GcsrMode::Delayed: return epoch >= opt.gamma ? lambda : 0.0;                   // eq. 11
    case GcsrMode::Gated:                                                                // eq. 8
      return (pi.status == theory::gcsr::CoherenceStatus::Ok && pi.pi > opt.mu) ? lambda : 0.0;
  }
  return lambda;
}

GcsrMode gcsr_mode_from_string(const std::string& s) {
  if (s == "always") return GcsrMode::Always;
  if (s == "delayed") return GcsrMode::Delayed;
  if (s == "gated") return GcsrMode::Gated;
  throw std::invalid_argument("unknown gcsr mode '" + s + "', expected always, delayed or gated");
}

}  // namespace regcheck::nets::regularize
