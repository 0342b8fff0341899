#pragma once
// The exact polynomial-model checks of Deep Learning 7.17 / 7.22 (claims/dlbook/noise_polynomial.cpp),
// used by the dlbook.7_6_1.input-noise and dlbook.7_6_2.weight-noise checks (claims/dlbook/noise_claims.cpp).
#include "claims/core/claim.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>

namespace regcheck::claims::dlbook {

// Gaussian noise on cubic models: the first-order coefficient and the O(nu^2) remainder records.
std::pair<CheckRecord, CheckRecord> polynomial_noise_exact(const CheckContext& ctx, const std::string& id, bool weights);

// Skewed two-point weight noise: the eta^{3/2} remainder (records and per-instance table).
struct SkewSlopes {
  CheckRecord hand, slope, coefficient;
  nlohmann::json table = nlohmann::json::array();
};
SkewSlopes skewed_weight_noise(const CheckContext& ctx, const std::string& id);

}  // namespace regcheck::claims::dlbook
