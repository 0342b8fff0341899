#pragma once
// Shared by the dlbook linear-group checks (Deep Learning ch. 7, sections 7.2-7.4; claims/dlbook/
// {ridge,l1_diagonal,map,constraint,pseudoinverse}_claims.cpp): random instances and worst-case records.
//
// Every check here is exact (closed form against independent numerics or exact algebra on random
// instances drawn from sim::Stream(seed, stream_id("<claim id>/instances"), i)); none is Monte
// Carlo, so every claim has mc_tests = 0. Tolerances are k * eps * (scale) with the condition
// number that bounds the forward error of the computation; each is stated where it is used.
#include "claims/core/claim.hpp"
#include "sim/rng.hpp"
#include "theory/dlbook_linear.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>

namespace regcheck::claims::dlbook {

namespace dl = theory::dlbook;
using Eigen::MatrixXd;
using Eigen::VectorXd;
inline constexpr double eps = std::numeric_limits<double>::epsilon();

// ---- instance helpers ----

inline sim::Stream instance_stream(const CheckContext& ctx, const std::string& claim_id, std::uint64_t i) {
  return sim::Stream(ctx.seed, sim::stream_id(claim_id + "/instances"), i);
}

inline MatrixXd gaussian(sim::Stream& s, Eigen::Index r, Eigen::Index c) {
  MatrixXd M(r, c);
  for (Eigen::Index j = 0; j < c; ++j)
    for (Eigen::Index i = 0; i < r; ++i) M(i, j) = s.normal();
  return M;
}

// n x k matrix with orthonormal columns (Q factor of a Gaussian matrix: Haar up to signs).
inline MatrixXd orthonormal(sim::Stream& s, Eigen::Index n, Eigen::Index k) {
  Eigen::HouseholderQR<MatrixXd> qr(gaussian(s, n, k));
  return qr.householderQ() * MatrixXd::Identity(n, k);
}

inline double log_uniform(sim::Stream& s, double lo_exp10, double hi_exp10) {
  return std::pow(10.0, lo_exp10 + (hi_exp10 - lo_exp10) * s.uniform());
}

// SPD matrix Q diag(lambda) Q^T with eigenvalues log-uniform in [10^lo, 10^hi], exactly symmetrized.
inline MatrixXd spd_matrix(sim::Stream& s, Eigen::Index n, double lo_exp10, double hi_exp10) {
  const MatrixXd Q = orthonormal(s, n, n);
  VectorXd lambda(n);
  for (Eigen::Index i = 0; i < n; ++i) lambda[i] = log_uniform(s, lo_exp10, hi_exp10);
  const MatrixXd H = Q * lambda.asDiagonal() * Q.transpose();
  return 0.5 * (H + H.transpose());
}

inline std::string vec_str(const VectorXd& v) {
  std::string out = "(";
  for (Eigen::Index i = 0; i < v.size(); ++i) out += fmt::format("{}{:.6g}", i ? ", " : "", v[i]);
  return out + ")";
}

// The worst instance of a sub-check, measured as error / tolerance (instances have their own
// tolerances because their condition numbers differ). A NaN error counts as infinitely bad.
struct Worst {
  double ratio = 0, err = 0, tol = 0;
  std::string where;
  std::size_t n = 0;
  void add(double e, double t, const std::string& w) {
    ++n;
    const double q = std::isnan(e) ? INFINITY : e / t;
    if (n == 1 || q > ratio) {
      ratio = q;
      err = e;
      tol = t;
      where = w;
    }
  }
  bool ok() const { return n > 0 && ratio <= 1.0; }
};

inline CheckRecord record(const std::string& name, const std::string& method, const Worst& w, const std::string& detail) {
  CheckRecord c;
  c.name = name;
  c.method = method;
  c.max_error = w.err;
  c.tolerance = w.tol;
  c.n = w.n;
  c.verdict = w.ok() ? Verdict::Holds : Verdict::Fails;
  c.detail = detail + (w.n ? fmt::format(" | worst (error/tolerance = {:.3g}): {}", w.ratio, w.where) : " | no instances");
  return c;
}

inline CheckRecord boolean_record(const std::string& name, const std::string& method, bool ok, const std::string& detail) {
  CheckRecord c;
  c.name = name;
  c.method = method;
  c.verdict = ok ? Verdict::Holds : Verdict::Fails;
  c.detail = detail;
  return c;
}

// Overall max_error of a claim: the worst error/tolerance ratio over its exact sub-checks.
inline void set_worst_ratio(ClaimResult& r, std::initializer_list<const Worst*> ws) {
  double q = 0;
  for (const Worst* w : ws) q = std::max(q, w->ratio);
  r.max_error = q;
  r.theory_text = "max error / tolerance over all instances (<= 1 holds)";
}

inline double cond_spd(const VectorXd& lambda, double alpha) {
  return (lambda.maxCoeff() + alpha) / (std::max(lambda.minCoeff(), 0.0) + alpha);
}

}  // namespace regcheck::claims::dlbook
