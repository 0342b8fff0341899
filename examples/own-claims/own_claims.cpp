// Checking one's own claims with regcheck (README "Checking your own claims"): four statements a
// draft might print about standard building blocks, none from regcheck's four sources, checked
// with the library's parts and run by the same driver as `regcheck verify`:
//
//   basics.dropout.variance   inverted dropout y = m x / (1 - p), m ~ Bernoulli(1 - p), has
//                             Var y = p / (1 - p) x^2 (Srivastava et al., "Dropout", JMLR 15, 2014,
//                             section 10: r / q with r ~ Bernoulli(q) has variance (1 - q) / q)
//   basics.enet.prox          prox of l1 |x| + (l2 / 2) x^2 is sign(v) max(|v| - l1, 0) / (1 + l2)
//                             (Parikh and Boyd, "Proximal Algorithms", 2014, section 6.5, elastic net)
//   basics.relu.second-moment E[ReLU(Z)^2] = 1/2 for Z ~ N(0, 1) (Cho and Saul, "Kernel Methods for
//                             Deep Learning", NIPS 2009: the degree-1 arc-cosine kernel k(x, x) = |x|^2)
//   basics.relu.mean          "E[ReLU(Z)] = 1/2" -- deliberately false as printed: the half-normal
//                             mean is 1 / sqrt(2 pi) = 0.398942; expected FAILS, with its counterexample
//
//   ./own_claims list
//   ./own_claims verify [--claim ID] [--seed N] [--threads N] [--json FILE]
//
// Exit code 0 when every verdict is the expected one (the false claim's expected verdict is FAILS).
#include "claims/core/declare.hpp"
#include "claims/core/verify_driver.hpp"
#include "sim/rqmc.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

using namespace regcheck;
using claims::CheckContext;
using claims::CheckRecord;
using claims::Claim;

namespace {

Claim claim(std::string name, std::string method, std::string statement, int mc_tests,
            std::function<claims::ClaimResult(const CheckContext&)> check) {
  Claim c;
  c.id = "basics." + std::move(name);
  c.source = "basics";
  c.method = std::move(method);
  c.statement = std::move(statement);
  c.mc_tests = mc_tests;
  c.check = std::move(check);
  return c;
}

constexpr double kEps = std::numeric_limits<double>::epsilon();

// --- inverted dropout ---
claims::ClaimResult dropout_variance(const CheckContext& ctx) {
  const double p = 0.3, x = 1.7;
  const double theory = p / (1 - p) * x * x;  // the claim's formula: 1.238571...
  // Exact: y takes x / (1 - p) with probability 1 - p and 0 with probability p; the two-point
  // moments in long double (64-bit mantissa), rounded once. Tolerance 8 eps |theory|: the formula
  // rounds 4 times (division, subtraction, two products), the enumeration once more.
  const long double keep = 1.0L - p, y1 = x / keep;
  const long double mean = keep * y1, second = keep * y1 * y1;
  std::vector<CheckRecord> checks{claims::exact_record("two-point enumeration, p = 0.3, x = 1.7",
                                                       static_cast<double>(second - mean * mean), theory, 8 * kEps * theory,
                                                       "8 eps x |theory|: 4 roundings of the formula, 1 of the enumeration")};
  // Monte Carlo: E[(y - x)^2] = Var y (E y = x exactly), from sampled masks alone; each sample is the
  // mean over 64 masks of one stream (fewer, cheaper samples). sd of (y - x)^2 is 1.081 (two-point,
  // by hand), 0.873 x theory, so a 1e-3 relative resolution at alpha ~3.3e-7 and power 0.99
  // (c ~ 7.4) needs ~4.2e7 masks: 2^20 samples of 64 = 6.7e7.
  claims::McCheckSpec s;
  s.name = "E[(y - x)^2], p = 0.3, x = 1.7";
  s.stream = "basics.dropout.variance/mc";
  s.n = ctx.mc_n(1u << 20, 100ull << 20);
  s.theory = theory;
  s.resolution = ctx.target_relative_resolution() * theory;
  for (CheckRecord& r : claims::mc_mean_check(ctx, s, [=](sim::Stream& g, std::uint64_t) {
         double sum = 0;
         for (int k = 0; k < 64; ++k) {
           const double y = g.bernoulli(1 - p) ? x / (1 - p) : 0.0;
           sum += (y - x) * (y - x);
         }
         return sum / 64;
       }))
    checks.push_back(std::move(r));
  return claims::result_of(std::move(checks));
}

// --- elastic-net prox ---
constexpr double kL1 = 0.5, kL2 = 1.0;
double enet_prox(double v) { return std::copysign(std::max(std::abs(v) - kL1, 0.0), v) / (1 + kL2); }

claims::ClaimResult enet_prox_claim(const CheckContext& ctx) {
  std::vector<double> grid;
  for (int i = -300; i <= 300; ++i) grid.push_back(0.01 * i + 0.0013);  // |v| <= 3, off the kinks +-l1
  std::vector<CheckRecord> checks;
  // Brent at 53 bits locates a smooth minimum to ~sqrt(eps) x scale = 1.5e-8 (|v| <= 3, bracket
  // v +- 4), the kink at 0 to a few eps: 1e-6 leaves a factor 60.
  checks.push_back(claims::prox_vs_brute_force(
      "closed form vs Brent, l1 = 0.5, l2 = 1", enet_prox,
      [](double x, double v) { return 0.5 * (x - v) * (x - v) + kL1 * std::abs(x) + 0.5 * kL2 * x * x; }, grid, 4.0, 1e-6,
      "Brent's location accuracy ~1.5e-8 on this scale"));
  // Property: the prox of a (1 + l2)-strongly convex function is 1 / (1 + l2)-Lipschitz; over
  // random pairs (u, v) in [-5, 5]^2, with 4 eps of rounding slack.
  using Pair = std::pair<double, double>;
  checks.push_back(claims::property_check<Pair>(
      ctx, "|prox(u) - prox(v)| <= |u - v| / (1 + l2)", "basics.enet.prox/lipschitz", 100000,
      [](sim::Stream& g) { return Pair{10 * g.uniform() - 5, 10 * g.uniform() - 5}; },
      [](const Pair& q) { return std::abs(enet_prox(q.first) - enet_prox(q.second)) <= std::abs(q.first - q.second) / (1 + kL2) + 4 * kEps * 5; },
      [](const Pair& q) { return fmt::format("u = {:.17g}, v = {:.17g}", q.first, q.second); },
      [](const Pair& q) { return std::abs(q.first - q.second); }));
  return claims::result_of(std::move(checks));
}

// --- moments of ReLU(Z) ---
// Stratified sampling: each sample is (1/K) sum_j f(z_j) with z_j = Phi^{-1}(u_j), u_j uniform on
// the j-th of K = 64 equal strata of (0, 1), so its mean is E f(Z) exactly and its spread is only
// the within-stratum one. Phi^{-1} is Wichura's AS 241 (sim/rqmc.hpp, relative error ~1e-16);
// the upper strata are drawn as -Phi^{-1}(lower strata) (Z and -Z have the same law), so u is never
// 0 or 1 (Stream::uniform is in (0, 1]) and z is always finite.
template <class F>
claims::ClaimResult relu_moment(const CheckContext& ctx, const std::string& id, double theory, F f) {
  constexpr int K = 64;
  claims::McCheckSpec s;
  s.name = "stratified, 64 strata of Phi^{-1}";
  s.stream = id + "/mc";
  // sd of one sample (by quadrature of the within-stratum variances): 0.0290 for ReLU^2, 0.0055 for
  // ReLU; at alpha ~3.3e-7 and power 0.99 (c ~ 7.43) a 1e-3 relative resolution of 1/2 needs
  // 1.9e5 samples (2^19 used: 6e-4), 1e-4 (--power high) 1.9e7 (25 x 2^20 used).
  s.n = ctx.mc_n(1u << 19, 25ull << 20);
  s.theory = theory;
  s.resolution = ctx.target_relative_resolution() * theory;
  return claims::result_of(claims::mc_mean_check(ctx, s, [f](sim::Stream& g, std::uint64_t) {
    double sum = 0;
    for (int j = 0; j < K; ++j) {
      const double u = g.uniform();
      sum += f(j < K / 2 ? sim::normal_from_uniform((j + u) / K) : -sim::normal_from_uniform((K - 1 - j + u) / K));
    }
    return sum / K;
  }));
}

claims::Registry basics() {
  claims::Registry reg({"basics"});
  reg.add(claim("dropout.variance", "exact + monte-carlo",
                "Inverted dropout y = m x / (1 - p), m ~ Bernoulli(1 - p): Var y = p / (1 - p) x^2", 1, dropout_variance));
  reg.add(claim("enet.prox", "closed-form-vs-numerics + property",
                "prox of l1 |x| + (l2 / 2) x^2 at v is sign(v) max(|v| - l1, 0) / (1 + l2)", 0, enet_prox_claim));
  reg.add(claim("relu.second-moment", "monte-carlo", "E[ReLU(Z)^2] = 1/2 for Z ~ N(0, 1)", 1, [](const CheckContext& ctx) {
    return relu_moment(ctx, "basics.relu.second-moment", 0.5, [](double z) { return z > 0 ? z * z : 0.0; });
  }));
  Claim mean = claim("relu.mean", "monte-carlo", "E[ReLU(Z)] = 1/2 for Z ~ N(0, 1)", 1, [](const CheckContext& ctx) {
    return relu_moment(ctx, "basics.relu.mean", 0.5, [](double z) { return std::max(z, 0.0); });
  });
  mean.expected = sim::Verdict::Fails;
  mean.finding = "as printed it is false: E[ReLU(Z)] is the half-normal mean 1 / sqrt(2 pi) = 0.398942";
  reg.add(mean);
  return reg;
}

}  // namespace

int main(int argc, char** argv) { return claims::verify_main(argc, argv, basics()); }
