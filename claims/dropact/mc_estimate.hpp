#pragma once
// The Monte Carlo estimate of a shift ratio Var(X_test)/Var(X_train) with its delta-method
// standard error: the computation checked by dropact.prop5_2.shift-ratio and
// dropact.sec5_2.vs-dropout, and timed by bench/bench_mc.cpp.
//
// Per sample the statistic is (Y_tr, Y_tr^2, Y_te, Y_te^2) with Y = X - shift, shift a constant
// (the theoretical mean): variances are shift invariant, and centring avoids the cancellation of
// E[X^2] - E[X]^2 when the mean is large. MultiWelford<4> keeps the means and the covariance.
// Ratio g(m) = (m4 - m3^2) / (m2 - m1^2); delta method: se^2 = grad' Cov grad / n.
#include "claims/dropact/mc_kernel.hpp"
#include "sim/monte_carlo.hpp"
#include "sim/welford.hpp"

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace regcheck::claims::dropact_mc {

enum class Method { DropActivation, Dropout };

struct RatioEstimate {
  double ratio = NAN, se = NAN;
  double var_train = NAN, var_test = NAN;
  std::uint64_t n = 0;
};

// Conditional Monte Carlo given the inputs x (the masks integrated exactly from the layer's
// DEFINITION, used by the checks of claims/dropact/variance_claims.cpp): a Bernoulli(p) mask takes
// the layer's output at mask 0 (o0) with probability 1 - p and at mask 1 (o1) with probability p,
// and the masks are independent of each other and of x, so given x
//   E_P[X_train | x]   = sum_j w_j ((1 - p) o0_j + p o1_j)        (linearity of the weighted sum)
//   Var_P(X_train | x) = sum_j w_j^2 p (1 - p) (o1_j - o0_j)^2     (independent two-point variables)
// Drop-Activation, eq. (13): o0 = x, o1 = r(x); X_test by eq. (14). Inverted dropout after a ReLU
// (comparator): o0 = 0, o1 = r(x) / p; X_test = sum_j w_j r(x_j). Nothing here uses the closed
// forms under test (E X = p sum w / sqrt(2 pi), eq. (15), the dropout ratio): they all rest on
// E r(x) and E r(x)^2 for x ~ N(0, 1), which stay sampled (x by RQMC).
struct Conditional {
  double mean_train = 0, var_train = 0, test = 0;
};
inline Conditional conditional_given_x(Method method, const double* w, const double* x, int d, double p) {
  Conditional c;
  for (int j = 0; j < d; ++j) {
    const double r = x[j] > 0.0 ? x[j] : 0.0;
    const double o0 = method == Method::DropActivation ? x[j] : 0.0;
    const double o1 = method == Method::DropActivation ? r : r / p;
    const double diff = o1 - o0;
    c.mean_train += w[j] * ((1.0 - p) * o0 + p * o1);
    c.var_train += w[j] * w[j] * (p * (1.0 - p)) * (diff * diff);
    c.test += w[j] * (method == Method::DropActivation ? (1.0 - p) * x[j] + p * r : r);  // eq. (14) / dropout test
  }
  return c;
}

inline RatioEstimate ratio_from(const sim::MultiWelford<4>& acc) {
  using V = Eigen::Matrix<double, 4, 1>;
  const V m = acc.mean();
  RatioEstimate e;
  e.n = acc.count();
  const double vtr = m(1) - m(0) * m(0), vte = m(3) - m(2) * m(2);
  e.var_train = vtr;
  e.var_test = vte;
  e.ratio = vte / vtr;
  V grad;
  grad << 2.0 * m(0) * vte / (vtr * vtr), -vte / (vtr * vtr), -2.0 * m(2) / vtr, 1.0 / vtr;
  const double var = grad.dot(acc.covariance() * grad);
  e.se = std::sqrt(std::max(var, 0.0) / static_cast<double>(e.n));
  return e;
}

// n samples [first, first + n) of stream `stream` (sim::stream_id of a name). Generator::Lanes
// (Drop-Activation only) draws with sim::LaneStream (dropact_sample_lanes): other numbers, same law.
enum class Generator { Scalar, Lanes };
inline sim::MultiWelford<4> ratio_moments(Method method, const std::vector<double>& w, double p, double shift_train,
                                          double shift_test, std::uint64_t stream, std::uint64_t first,
                                          std::uint64_t n, const sim::McOptions& opt,
                                          Generator gen = Generator::Scalar) {
  const std::uint64_t keep = bernoulli_threshold(p);
  const int d = static_cast<int>(w.size());
  const double* wp = w.data();
  if (gen == Generator::Lanes && method != Method::DropActivation)
    throw std::invalid_argument("ratio_moments: Generator::Lanes is implemented for Method::DropActivation only");
  return sim::run_samples<sim::MultiWelford<4>>(stream, first, n, opt, [&](sim::Stream& s, std::uint64_t i) {
    sim::LaneStream ls(opt.seed, stream, i);
    const TrainTest t = gen == Generator::Lanes                 ? dropact_sample_lanes(ls, wp, d, p, keep)
                        : method == Method::DropActivation ? dropact_sample(s, wp, d, p, keep)
                                                           : dropout_sample(s, wp, d, p, keep);
    const double a = t.train - shift_train, b = t.test - shift_test;
    Eigen::Matrix<double, 4, 1> v;
    v << a, a * a, b, b * b;
    return v;
  });
}

}  // namespace regcheck::claims::dropact_mc
