// dlbook.7_13.linear-adversarial (Deep Learning 7.13).
// Helpers: claims/dlbook/noise_helpers.hpp. Registered in the order of claims/dlbook/claims.cpp.
#include "claims/core/registry.hpp"
#include "claims/dlbook/noise_helpers.hpp"
#include "sim/rng.hpp"
#include "theory/dlbook_noise.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace regcheck::claims::dlbook {

namespace {

// ---- 7.13 linear adversarial --------------------------------------------------------------------

ClaimResult check_adversarial(const CheckContext& ctx) {
  const std::string id = "dlbook.7_13.linear-adversarial";
  ClaimResult r;
  WorstError vert, attain, interior;
  for (int i = 0; i < 30; ++i) {
    sim::Stream rng(ctx.seed, sim::stream_id(id + "/instances"), static_cast<std::uint64_t>(i));
    const int n = 1 + i % 14;
    VectorXd w = normals(rng, n);
    if (i % 5 == 0) w[0] = 0.0;  // a zero weight: sign(0) = 0 is as good as +-eps there
    const double eps = 0.01 + rng.uniform();
    const double theory = dl::linear_adversarial_max(w, eps);
    // A linear function's maximum over the box is attained at a vertex: the vertex maximum is the
    // exact maximum over ||delta||_inf <= eps.
    double best = -INFINITY;
    for (std::uint32_t m = 0; m < (1u << n); ++m) {
      double s = 0;
      for (int j = 0; j < n; ++j) s += ((m >> j) & 1u) ? eps * w[j] : -eps * w[j];
      best = std::max(best, s);
    }
    // Sums of n terms of magnitude <= eps |w_j|: error <= n eps_mach eps ||w||_1 on each side.
    const double tol = 2.0 * (n + 1) * kEps * theory + std::numeric_limits<double>::min();
    vert.add(std::abs(best - theory), tol, fmt::format("n={} eps={:.4g} vertex max={:.17g} eps||w||_1={:.17g}", n, eps, best, theory));
    const VectorXd delta = dl::linear_adversarial_delta(w, eps);
    attain.add(std::abs(w.dot(delta) - theory) + std::max(0.0, delta.cwiseAbs().maxCoeff() - eps), tol,
               fmt::format("n={} w^T(eps sign w)={:.17g}", n, w.dot(delta)));
    double worst_excess = 0;
    for (int t = 0; t < 200; ++t) {
      VectorXd dl_(n);
      for (int j = 0; j < n; ++j) dl_[j] = eps * (2.0 * rng.uniform() - 1.0);
      worst_excess = std::max(worst_excess, w.dot(dl_) - theory);
    }
    interior.add(worst_excess, tol, fmt::format("n={} random interior points", n));
  }
  r.checks.push_back(vert.record("max over all 2^n vertices of the box = eps ||w||_1 (n <= 14, 30 instances incl. w_i = 0)"));
  r.checks.push_back(attain.record("attained at delta = eps sign(w), which is feasible"));
  r.checks.push_back(interior.record("no random point of the box exceeds eps ||w||_1 (200 per instance)", "property"));
  // "A very large amount if w is high-dimensional": eps ||w||_1 grows like n for w_i ~ N(0, 1),
  // while an L2 reading of the book's "eps |w|" would grow like sqrt(n).
  nlohmann::json growth = nlohmann::json::array();
  for (int n : {10, 100, 1000, 10000}) {
    sim::Stream rng(ctx.seed, sim::stream_id(id + "/growth"), static_cast<std::uint64_t>(n));
    const VectorXd w = normals(rng, n);
    growth.push_back({{"n", n}, {"l1", w.lpNorm<1>()}, {"l2", w.norm()}, {"l1_over_n", w.lpNorm<1>() / n}});
  }
  r.extra["growth_eps_1"] = growth;
  r.max_error = r.checks[0].max_error;
  summarize(r);
  return r;
}

}  // namespace

void register_adversarial(Registry& reg) {
  reg.add({.id = "dlbook.7_13.linear-adversarial",
           .source = "dlbook",
           .method = "property",
           .statement = "max over ||delta||_inf <= eps of w^T delta = eps ||w||_1, attained at delta = eps sign(w).",
           .expected = Verdict::Holds,
           .finding = "The book prints 'eps |w|'; the norm must be L1 (an L2 reading understates by up to sqrt(n)).",
           .mc_tests = 0,
           .check = check_adversarial});
}

}  // namespace regcheck::claims::dlbook
