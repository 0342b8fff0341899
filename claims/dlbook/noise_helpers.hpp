#pragma once
// Shared by the dlbook noise-group checks (Deep Learning ch. 7, sections 7.6-7.13; claims/dlbook/
// {noise,noise_polynomial,early_stopping,ensemble,weight_scaling,adversarial}_claims.cpp): exact
// records, worst-case records, Gaussian vectors and exact Gauss-Hermite expectations.
#include "claims/core/claim.hpp"
#include "sim/rng.hpp"
#include "theory/dlbook_noise.hpp"

#include <Eigen/Dense>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>

namespace regcheck::claims::dlbook {

namespace dl = theory::dlbook;
using Eigen::MatrixXd;
using Eigen::VectorXd;
inline constexpr double kEps = std::numeric_limits<double>::epsilon();

inline CheckRecord exact_record(std::string name, double theory, double estimate, double tolerance, std::string detail = "") {
  CheckRecord c;
  c.name = std::move(name);
  c.method = "exact";
  c.theory = theory;
  c.estimate = estimate;
  c.max_error = std::abs(estimate - theory);
  c.tolerance = tolerance;
  c.verdict = *c.max_error <= tolerance ? Verdict::Holds : Verdict::Fails;
  c.detail = std::move(detail);
  return c;
}

// A record summarizing many exact comparisons: the worst error relative to its own tolerance.
struct WorstError {
  double error = 0, tolerance = 1, ratio = 0;
  std::string where;
  void add(double err, double tol, const std::string& at) {
    if (std::isnan(ratio)) return;  // a NaN error is already the worst case: keep it
    const double r = err / tol;
    if (where.empty() || std::isnan(r) || r > ratio) {
      ratio = r;
      error = err;
      tolerance = tol;
      where = at;
    }
  }
  CheckRecord record(std::string name, std::string method = "exact") const {
    CheckRecord c;
    c.name = std::move(name);
    c.method = std::move(method);
    c.max_error = error;
    c.tolerance = tolerance;
    c.verdict = (error <= tolerance) ? Verdict::Holds : Verdict::Fails;
    c.detail = "worst case: " + where;
    return c;
  }
};

inline VectorXd normals(sim::Stream& rng, int n) {
  VectorXd z(n);
  for (int i = 0; i < n; ++i) z[i] = rng.normal();
  return z;
}

// E over z ~ N(0, nu I_d) of f(z) for f a polynomial of degree <= 3 in each coordinate, exactly:
// the tensor 2-point Gauss-Hermite rule (nodes +-sqrt(nu), weights 1/2) matches the Gaussian
// moments up to order 3 in each coordinate. 2^d nodes: exact enumeration, d <= 12.
inline double gauss2_expectation(int d, double nu, const std::function<double(const VectorXd&)>& f) {
  const double s = std::sqrt(nu);
  double sum = 0;
  for (std::uint32_t m = 0; m < (1u << d); ++m) {
    VectorXd e(d);
    for (int j = 0; j < d; ++j) e[j] = ((m >> j) & 1u) ? s : -s;
    sum += f(e);
  }
  return std::ldexp(sum, -d);
}

// E over z ~ N(0, nu) (one dimension) of a polynomial of degree <= 5, exactly: 3-point
// Gauss-Hermite rule, nodes 0, +-sqrt(3 nu), weights 2/3, 1/6, 1/6.
inline double gauss3_expectation(double nu, const std::function<double(double)>& f) {
  const double s = std::sqrt(3.0 * nu);
  return (2.0 / 3.0) * f(0.0) + (f(s) + f(-s)) / 6.0;
}

}  // namespace regcheck::claims::dlbook
