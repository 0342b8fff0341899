// dlbook.7_11.weight-scaling (Deep Learning 7.11).
// Helpers: claims/dlbook/noise_helpers.hpp. Registered in the order of claims/dlbook/claims.cpp.
#include "claims/core/registry.hpp"
#include "claims/dlbook/noise_helpers.hpp"
#include "sim/rng.hpp"
#include "theory/dlbook_noise.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>

namespace regcheck::claims::dlbook {

namespace {

// ---- 7.11 weight scaling ------------------------------------------------------------------------

// Neumaier-compensated accumulation of a vector sum: error O(eps) independent of the 2^n terms.
struct CompensatedVec {
  VectorXd sum, comp;
  explicit CompensatedVec(int k) : sum(VectorXd::Zero(k)), comp(VectorXd::Zero(k)) {}
  void add(const VectorXd& x) {
    for (int i = 0; i < x.size(); ++i) {
      const double t = sum[i] + x[i];
      comp[i] += std::abs(sum[i]) >= std::abs(x[i]) ? (sum[i] - t) + x[i] : (x[i] - t) + sum[i];
      sum[i] = t;
    }
  }
  VectorXd value() const { return sum + comp; }
};

// Renormalized geometric mean over all 2^n input masks, weights p^|d| (1 - p)^(n - |d|) (exactly
// 2^-n at p = 1/2): log P_ens = log_softmax(sum_d w_d log P(. | v; d)).
template <class LogProbs>
VectorXd geometric_ensemble(int n, int K, double p, LogProbs&& logp) {
  CompensatedVec acc(K);
  const double lp = std::log(p), lq = std::log1p(-p);
  for (std::uint32_t m = 0; m < (1u << n); ++m) {
    const int ones = __builtin_popcount(m);
    const double w = p == 0.5 ? std::ldexp(1.0, -n) : std::exp(ones * lp + (n - ones) * lq);
    acc.add(w * logp(m));
  }
  return dl::log_softmax(acc.value());
}

VectorXd masked(const VectorXd& v, std::uint32_t m) {
  VectorXd out = v;
  for (int j = 0; j < v.size(); ++j)
    if (!((m >> j) & 1u)) out[j] = 0.0;
  return out;
}

ClaimResult check_weight_scaling(const CheckContext& ctx) {
  const std::string id = "dlbook.7_11.weight-scaling";
  ClaimResult r;
  WorstError softmax_reg, linear_hidden;
  double max_gap_tanh = 0, max_gap_relu = 0, tol_at_max = 0;
  nlohmann::json table = nlohmann::json::array();
  for (int i = 0; i < 24; ++i) {
    sim::Stream rng(ctx.seed, sim::stream_id(id + "/instances"), static_cast<std::uint64_t>(i));
    const int n = 1 + i % 12, K = 2 + i % 4, H = 8;
    const double p = std::array<double, 3>{0.5, 0.8, 0.3}[static_cast<std::size_t>(i % 3)];
    MatrixXd W(n, K);
    for (int j = 0; j < n * K; ++j) W.data()[j] = rng.normal();
    const VectorXd b = normals(rng, K), v = normals(rng, n);

    // Softmax regression: exact as printed.
    const VectorXd ens = geometric_ensemble(n, K, p, [&](std::uint32_t m) {
      return dl::log_softmax(W.transpose() * masked(v, m) + b);
    });
    const VectorXd ws = dl::weight_scaled_log_probs(W, b, v, p);
    double S = b.cwiseAbs().maxCoeff();
    S += (W.cwiseAbs().transpose() * v.cwiseAbs()).maxCoeff();
    const double scale = 2.0 * S + std::log(double(K)) + 1.0;
    // Tolerance: per mask, logits are n-term dot products (error n eps S), log_softmax adds
    // (K + 3) eps scale; the mask weights carry relative error <= (2 n + 2) eps (log, products, exp),
    // the compensated sum O(eps), and the final log_softmax another (K + 3) eps scale.
    // Factor 8 for the weight-scaled side's own roundings.
    const double tol = 8.0 * (3.0 * n + 2.0 * K + 10.0) * kEps * scale;
    softmax_reg.add((ens - ws).cwiseAbs().maxCoeff(), tol, fmt::format("n={} K={} p={}", n, K, p));

    // One hidden layer (H units) on the masked input: linear (exact by the same argument), tanh and
    // ReLU (only approximate). Weight-scaled: hidden pre-activation U (p v) + c0.
    MatrixXd U(H, n), W2(H, K);
    for (int j = 0; j < H * n; ++j) U.data()[j] = rng.normal();
    for (int j = 0; j < H * K; ++j) W2.data()[j] = rng.normal();
    const VectorXd c0 = normals(rng, H);
    auto net_lp = [&](const VectorXd& vin, int act) {
      VectorXd h = U * vin + c0;
      if (act == 1) h = h.array().tanh().matrix();
      if (act == 2) h = h.cwiseMax(0.0);
      return dl::log_softmax(W2.transpose() * h + b);
    };
    double gaps[3], kls[3];
    for (int act = 0; act < 3; ++act) {
      const VectorXd e = geometric_ensemble(n, K, p, [&](std::uint32_t m) { return net_lp(masked(v, m), act); });
      const VectorXd s = net_lp(p * v, act);
      gaps[act] = (e - s).cwiseAbs().maxCoeff();
      kls[act] = (e.array().exp() * (e - s).array()).sum();
    }
    double S2 = b.cwiseAbs().maxCoeff() + (W2.cwiseAbs().transpose() * (U.cwiseAbs() * v.cwiseAbs() + c0.cwiseAbs())).maxCoeff();
    const double scale2 = 2.0 * S2 + std::log(double(K)) + 1.0;
    const double tol2 = 8.0 * (3.0 * (n + H) + 2.0 * K + 10.0) * kEps * scale2;  // two layers of dot products
    linear_hidden.add(gaps[0], tol2, fmt::format("n={} K={} p={}", n, K, p));
    if (gaps[1] > max_gap_tanh) {
      max_gap_tanh = gaps[1];
      tol_at_max = tol2;
    }
    max_gap_relu = std::max(max_gap_relu, gaps[2]);
    table.push_back({{"n", n}, {"K", K}, {"p", p}, {"softmax_regression_gap", (ens - ws).cwiseAbs().maxCoeff()},
                     {"linear_hidden_gap", gaps[0]}, {"tanh_hidden_gap", gaps[1]}, {"tanh_hidden_kl", kls[1]},
                     {"relu_hidden_gap", gaps[2]}, {"relu_hidden_kl", kls[2]}});
  }
  r.checks.push_back(softmax_reg.record("softmax regression: renormalized geometric mean over all 2^n masks = softmax(p W^T v + b) (n <= 12, p in {1/2, 0.8, 0.3})"));
  r.checks.push_back(linear_hidden.record("linear hidden layer (no nonlinearity): weight scaling exact"));
  CheckRecord approx;
  approx.name = "tanh hidden layer: weight scaling only approximate (max |log-prob gap| over instances exceeds 100x rounding tolerance)";
  approx.method = "exact";
  approx.estimate = max_gap_tanh;
  approx.tolerance = 100.0 * tol_at_max;
  approx.verdict = max_gap_tanh > 100.0 * tol_at_max ? Verdict::Holds : Verdict::Fails;
  approx.detail = fmt::format("max gap tanh {:.4g}, ReLU {:.4g} (log-probabilities); per-instance gaps and KL in extra", max_gap_tanh, max_gap_relu);
  r.checks.push_back(approx);
  r.extra["gaps"] = table;
  r.max_error = r.checks[0].max_error;
  summarize(r);
  return r;
}

}  // namespace

void register_weight_scaling(Registry& reg) {
  reg.add({.id = "dlbook.7_11.weight-scaling",
           .source = "dlbook",
           .method = "exact enumeration (n <= 12)",
           .statement = "Softmax regression: the renormalized geometric mean over all 2^n dropout masks equals softmax with "
                        "weights W/2 (retain 1/2); with retain prob p and mask-probability weights, weights pW. Only "
                        "approximate for nonlinear hidden layers.",
           .expected = Verdict::Holds,
           .finding = "Exact also for a linear hidden layer; measured gaps for tanh and ReLU hidden layers in extra.",
           .mc_tests = 0,
           .check = check_weight_scaling});
}

}  // namespace regcheck::claims::dlbook
