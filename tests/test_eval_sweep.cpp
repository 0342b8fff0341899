// Magnitude sweep of every `regcheck eval` function against 50-digit references.
//
// Each function is evaluated on a deterministic grid of inputs whose magnitudes run from 1e-300
// to 1e300 (log-spaced, both signs where the domain allows, plus subnormals and the regime edges)
// and compared with the same closed form written straightforwardly in 50 significant digits
// (theory/reference/, Boost.Multiprecision cpp_bin_float_50, whose exponent range covers every
// double and every intermediate product here; `regcheck regress` uses the same references).
// Errors are measured in ulps of the correctly rounded reference (below DBL_MIN the ulp is the
// smallest subnormal). The TL1 prox reference does not use the double code path: it solves the
// stationarity equation by Newton's method in 50 digits and picks 0 or the root by comparing
// objective values.
//
// A function may throw std::invalid_argument only where the result is not representable (the
// reference exceeds DBL_MAX) or the input is outside the domain in exact arithmetic; such throws
// are counted and printed. Each function's worst error (in ulps, and in units of its allowed
// tolerance where that scales with a condition number) is printed to stdout and recorded with
// RecordProperty, so the numbers can be quoted.
#include "theory/dlbook_linear.hpp"
#include "theory/dlbook_noise.hpp"
#include "theory/dropact.hpp"
#include "theory/gcsr.hpp"
#include "theory/prox.hpp"
#include "theory/reference/dlbook.hpp"
#include "theory/reference/dropact.hpp"
#include "theory/reference/gcsr.hpp"
#include "theory/reference/tl1.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <iostream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

using R = regcheck::theory::reference::Real50;
namespace th = regcheck::theory;
namespace dl = regcheck::theory::dlbook;
namespace ref50 = regcheck::theory::reference;

constexpr double kMax = std::numeric_limits<double>::max();
constexpr double kTiny = std::numeric_limits<double>::denorm_min();

// ulp of the double nearest to r (subnormal spacing below DBL_MIN).
double ulp_at(double r) {
  r = std::abs(r);
  if (r < std::numeric_limits<double>::min()) return kTiny;
  if (r > kMax) r = kMax;
  int e = 0;
  std::frexp(r, &e);
  return std::ldexp(1.0, e - 53);
}

double ulps(double got, const R& ref) {
  const double rd = static_cast<double>(ref);
  return static_cast<double>(abs(R(got) - ref) / R(ulp_at(rd)));
}

// Magnitudes 10^e, e = -300, -300 + step, ..., 300, each times the mantissas given.
std::vector<double> magnitudes(int step, std::vector<double> mantissas = {1.0, 3.7}) {
  std::vector<double> out;
  for (int e = -300; e <= 300; e += step)
    for (double m : mantissas) out.push_back(m * std::pow(10.0, e));
  return out;
}

// Worst error of one function over its sweep. `score` = error / tolerance (must stay <= 1).
struct Sweep {
  explicit Sweep(std::string n) : name(std::move(n)) {}
  std::string name;
  double worst_ulps = 0, worst_score = 0;
  double worst_ulps_wc = 0;  // over the well-conditioned points (kappa <= 10)
  std::string worst_at;
  long points = 0, throws = 0, failures = 0;

  // Compares got with ref under tolerance tol (ulps); `at` describes the inputs.
  void compare(double got, const R& ref, double tol, const std::function<std::string()>& at, double kappa = 1) {
    ++points;
    const double e = ulps(got, ref);
    const double score = e / tol;
    if (e > worst_ulps) worst_ulps = e;
    if (kappa <= 10 && e > worst_ulps_wc) worst_ulps_wc = e;
    if (score > worst_score) {
      worst_score = score;
      worst_at = at();
    }
    if (!(score <= 1.0)) {  // also catches NaN
      if (++failures <= 5)
        ADD_FAILURE() << name << " at " << at() << ": got " << got << ", 50-digit reference " << ref.str(20)
                      << ", error " << e << " ulps > tolerance " << tol;
    }
  }
  // A std::invalid_argument thrown for in-domain input: allowed only when `allowed`.
  void thrown(bool allowed, const std::string& what, const std::function<std::string()>& at) {
    ++points;
    ++throws;
    if (!allowed && ++failures <= 5) ADD_FAILURE() << name << " at " << at() << " threw: " << what;
  }
  void report() {
    std::cout << "[sweep] " << name << ": " << points << " points, worst " << worst_ulps << " ulps (" << worst_ulps_wc
              << " where kappa <= 10), worst error/tolerance "
              << worst_score << " at " << worst_at << ", " << throws << " allowed throws (input outside the domain or result beyond DBL_MAX)\n";
    ::testing::Test::RecordProperty(name + "_worst_ulps", std::to_string(worst_ulps));
    ::testing::Test::RecordProperty(name + "_worst_ulps_kappa_le_10", std::to_string(worst_ulps_wc));
    ::testing::Test::RecordProperty(name + "_points", std::to_string(points));
    EXPECT_EQ(failures, 0) << name;
  }
};

std::string fmt3(double a, double b, double c) {
  std::ostringstream s;
  s.precision(17);
  s << "(" << a << ", " << b << ", " << c << ")";
  return s.str();
}

// Runs f; on a throw records it (allowed if the reference is out of range), else compares.
void run(Sweep& sw, const std::function<double()>& f, const R& ref, double tol, const std::function<std::string()>& at,
         double kappa = 1) {
  double got = 0;
  try {
    got = f();
  } catch (const std::invalid_argument& e) {
    sw.thrown(abs(ref) > R(kMax), e.what(), at);
    return;
  }
  if (abs(ref) > R(kMax)) {
    if (++sw.failures <= 5) ADD_FAILURE() << sw.name << " at " << at() << ": reference " << ref.str(10) << " exceeds DBL_MAX but got " << got;
    ++sw.points;
    return;
  }
  sw.compare(got, ref, tol, at, kappa);
}

R tl1_threshold_ref(double lambda, double a) { return *ref50::tl1_threshold(lambda, a); }

}  // namespace

// shift_ratio(p) = ((1/2 - 1/(2 pi)) p^2 - p + 1) / (1 - p/2 - p^2/(2 pi)). Numerator and
// denominator are >= 0.34 on [0, 1] and each is a short sum of nonnegative-coefficient-like terms:
// tolerance 8 ulps (two rounded constants, ~6 operations).
TEST(EvalSweep, ShiftRatios) {
  Sweep sr{"shift-ratio"}, dr{"dropout-shift-ratio"};
  std::vector<double> ps = magnitudes(5, {1.0, 2.3, 5.1});
  ps.insert(ps.end(), {0.0, 1.0, 1e-310, kTiny, 0.5, 0.999999, 1 - 1e-12, 0.3});
  for (double p : ps) {
    if (p > 1) continue;
    auto at = [p] { return std::to_string(p); };
    run(sr, [p] { return th::dropact::shift_ratio(p); }, *ref50::shift_ratio(p), 8, at);
    // dropout: v / ((c^2 + v)/p - c^2), v = 1/2 - c^2. Tolerance 4 ulps (3 ops and one rounded
    // constant, no cancellation: pi - p >= pi - 1).
    if (p > 0) run(dr, [p] { return th::dropact::dropout_shift_ratio(p); }, *ref50::dropout_shift_ratio(p), 4, at);
  }
  sr.report();
  dr.report();
}

// Soft thresholding: one subtraction, correctly rounded: tolerance 0.5 ulp.
TEST(EvalSweep, SoftThreshold) {
  Sweep sw{"soft-threshold"};
  std::vector<double> m = magnitudes(20);
  m.insert(m.end(), {0.0, 1e-310, kMax});
  for (double y : m)
    for (double s : {1.0, -1.0})
      for (double t : m) {
        const double yy = s * y;
        run(sw, [=] { return th::soft_threshold(yy, t); }, *ref50::soft_threshold(yy, t), 0.5, [=] { return fmt3(yy, t, 0); });
      }
  sw.report();
}

// TL1 threshold: <= 3 roundings plus a sqrt in either regime; misclassifying a tie changes
// nothing (both forms equal a/2 there): tolerance 4 ulps.
TEST(EvalSweep, Tl1Threshold) {
  Sweep sw{"tl1-threshold"};
  std::vector<double> m = magnitudes(10);
  m.insert(m.end(), {1e-310, kTiny, kMax, 0.5, 2.0});
  for (double lambda : m)
    for (double a : m) {
      if (a == 0) continue;
      run(sw, [=] { return th::tl1_threshold(lambda, a); }, tl1_threshold_ref(lambda, a), 4, [=] { return fmt3(lambda, a, 0); });
    }
  // lambda on the regime boundary a^2 / (2 (a+1)) and just off it.
  for (double a : m) {
    const double b = static_cast<double>(R(a) * R(a) / (2 * (R(a) + 1)));
    for (double lambda : {b, std::nextafter(b, 0.0), std::nextafter(b, kMax), b * (1 + 1e-9), b * (1 - 1e-9)})
      if (lambda > 0 && std::isfinite(lambda))
        run(sw, [=] { return th::tl1_threshold(lambda, a); }, tl1_threshold_ref(lambda, a), 4, [=] { return fmt3(lambda, a, 0); });
  }
  sw.report();
}

// TL1 prox: the nonzero branch errs by O(kappa) ulps for a backward-stable evaluation (kappa the
// relative condition number, tl1::prox_condition); tolerance 16 (1 + kappa) ulps. Within 16 ulps
// of the supercritical threshold the prox jumps (both 0 and g(t) are minimizers at t), so there
// either value is accepted. y runs over the magnitude grid and over t (1 + 2^-40), t (1 + 1e-6),
// 1.5 t, 10 t for each (lambda, a), both signs.
TEST(EvalSweep, Tl1Prox) {
  Sweep sw{"tl1-prox"};
  std::vector<double> m = magnitudes(50);
  m.insert(m.end(), {1.0, 1e-310, 1.4e308});
  for (double lambda : m)
    for (double a : m) {
      const R tref = tl1_threshold_ref(lambda, a);
      const double t = static_cast<double>(tref);
      std::vector<double> ys = m;
      for (double f : {1 + 0x1p-40, 1 + 1e-6, 1.5, 10.0, 1 - 1e-6})
        if (t * f < kMax && t * f > 0) ys.push_back(t * f);
      for (double y0 : ys)
        for (double s : {1.0, -1.0}) {
          const double y = s * y0;
          const R ref = *ref50::tl1_prox(y, lambda, a);
          const bool supercritical = R(lambda) > R(a) * R(a) / (2 * (R(a) + 1));
          auto at = [=] { return fmt3(y, lambda, a); };
          double got = 0;
          try {
            got = th::tl1_prox(y, lambda, a);
          } catch (const std::invalid_argument& e) {
            sw.thrown(false, e.what(), at);
            continue;
          }
          if (supercritical && abs(abs(R(y)) - tref) <= 16 * R(ulp_at(t))) {
            if (got == 0) continue;  // the other minimizer at the jump
          }
          if (ref == 0) {
            sw.compare(got, ref, 0.5, at);  // exact 0 required (|y| well inside the threshold)
            continue;
          }
          const double kappa = static_cast<double>(ref50::tl1_prox_condition(ref, y, lambda, a));
          sw.compare(got, ref, 16 * (1 + kappa), at, kappa);
        }
    }
  // The examples, explicitly (grid above contains most of them only approximately).
  for (auto [y, lambda, a] : std::vector<std::array<double, 3>>{
           {1.4e308, 1, 1}, {1e200, 1e308, 1}, {3, 1, 1e308}, {1e150, 1e149, 1e160}, {1e201, 1e200, 1e200}}) {
    const R ref = *ref50::tl1_prox(y, lambda, a);
    sw.compare(th::tl1_prox(y, lambda, a), ref, 16 * (1 + static_cast<double>(ref50::tl1_prox_condition(ref, y, lambda, a))),
               // Captured by copy as plain locals: clang 14 (the hardening build) cannot capture
               // structured bindings, a C++20 feature it lacks.
               [y = y, lambda = lambda, a = a] { return fmt3(y, lambda, a); });
  }
  sw.report();
}

// Group prox: the norm (stableNorm) errs by <= (n + 2) eps relative; (norm - tau)/norm amplifies
// it by the conditioning tau / (norm - tau), plus 2 roundings: tolerance 4 (n + 2)(1 + tau/(norm - tau))
// ulps per entry.
TEST(EvalSweep, GroupProx) {
  Sweep sw{"group-prox"};
  std::vector<double> m = magnitudes(25);
  m.insert(m.end(), {1e-310, kTiny, 1e308});
  auto check = [&](const std::vector<double>& v, double tau) {
    R n2 = 0;
    for (double x : v) n2 += R(x) * R(x);
    const R norm = sqrt(n2);
    const Eigen::VectorXd got = th::group_prox(Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size())), tau);
    const double cond = norm > R(tau) ? static_cast<double>(R(tau) / (norm - R(tau))) : 0.0;
    const std::vector<R> ref = *ref50::group_prox(v, tau);
    for (std::size_t i = 0; i < v.size(); ++i) {
      sw.compare(got[static_cast<Eigen::Index>(i)], ref[i], 4.0 * static_cast<double>(v.size() + 2) * (1 + cond),
                 [&] { return fmt3(v[0], v.size() > 1 ? v[1] : 0.0, tau); }, 1 + cond);
    }
  };
  for (double x : m)
    for (double y : m)
      for (double s : {1.0, -1.0}) {
        const std::vector<double> v{x, s * y};
        const double nrm = static_cast<double>(sqrt(R(x) * R(x) + R(y) * R(y)));
        for (double tau : {0.0, 1e-10 * nrm, 0.5 * nrm, 0.999 * nrm, 1.001 * nrm, 10 * nrm, x})
          if (std::isfinite(tau)) check(v, tau);
      }
  check({1e200, 1e200}, 1e201);
  check({1e-200, 1e-200}, 1e-201);
  check({1e154, 1e154, 1e154}, 1e153);
  sw.report();
}

// Coherence closed forms: results in [1/2, 1], atan and erf accurate to ~1 ulp, the ratio to
// 1.5 ulp (its error reaches the result damped by ratio / ((1 + ratio^2) atan) <= 1): tolerance 4 ulps.
TEST(EvalSweep, Coherence) {
  Sweep l2{"coherence-l2"}, l1{"coherence-l1"};
  std::vector<double> m = magnitudes(25);
  m.insert(m.end(), {0.0, 1e-310, kMax});
  for (double lambda : m)
    for (double sg : m) {
      if (sg == 0) continue;
      run(l1, [=] { return th::gcsr::expected_coherence_l1(lambda, sg); }, *ref50::coherence_l1(lambda, sg), 4,
          [=] { return fmt3(lambda, sg, 0); });
      for (double sw : m) {
        const R ref = *ref50::coherence_l2(lambda, sg, sw);
        run(l2, [=] { return th::gcsr::expected_coherence_l2(lambda, sg, sw); }, ref, 4, [=] { return fmt3(lambda, sg, sw); });
      }
    }
  l2.report();
  l1.report();
}

// Effective parameters: each term <= 3 roundings (2 eps), nonnegative terms, n - 1 additions:
// tolerance 2 (n + 2) ulps.
TEST(EvalSweep, EffectiveParams) {
  Sweep sw{"effective-params"};
  std::vector<double> m = magnitudes(20);
  m.insert(m.end(), {0.0, 1e-310, kMax});
  for (double alpha : m)
    for (double l1 : m)
      for (double l2 : {-1.0, 0.0, 1.0, 1e-300, 1e300}) {
        std::vector<double> eigs{l1};
        if (l2 >= 0) eigs.push_back(l2);
        run(sw, [&] { return dl::effective_params(eigs, alpha); }, *ref50::effective_params(eigs, alpha), 2.0 * static_cast<double>(eigs.size() + 2),
            [=] { return fmt3(l1, l2, alpha); });
      }
  sw.report();
}

// Ensemble MSE (v + (k-1) c) / k: fma then one division (plus the rounding of k - 1 above 2^53,
// < 1 ulp); near c = -v/(k-1) the problem's condition number kappa = (v + (k-1)|c|) / |v + (k-1)c|
// amplifies input-level errors: tolerance 4 (1 + kappa) ulps. A throw is correct exactly when c
// is outside [-v/(k-1), v] in exact arithmetic and is not the rounded bound fl(-v/(k-1)).
TEST(EvalSweep, EnsembleMse) {
  Sweep sw{"ensemble-mse"};
  std::vector<double> m = magnitudes(20);
  m.insert(m.end(), {0.0, 1e-310, kMax});
  for (double k : {1.0, 2.0, 3.0, 10.0, 1e6, 0x1p53, 1e15, 1e300})
    for (double v : m) {
      const double low = k == 1 ? -v : -v / (k - 1);
      for (double c : {v, 0.5 * v, 0.0, low, 0.5 * low, std::nextafter(low, 0.0), 1e-10 * v, -1e-10 * v}) {
        // c = fl(-v/(k-1)) just outside the exact bound is accepted as the boundary (value 0).
        const std::optional<R> ref = ref50::ensemble_mse(k, v, c);
        const bool valid = ref.has_value();
        auto at = [=] { return fmt3(k, v, c); };
        double got = 0;
        try {
          got = dl::ensemble_mse(k, v, c);
        } catch (const std::invalid_argument& e) {
          sw.thrown(!valid, e.what(), at);
          continue;
        }
        if (!valid) {
          sw.thrown(false, "returned a value for c outside [-v/(k-1), v]", at);
          continue;
        }
        const R K = R(k), num = *ref * K;  // v + (k-1) c, clamped at 0 on the rounded bound
        const double kappa = num == 0 ? 0.0 : static_cast<double>((R(v) + (K - 1) * abs(R(c))) / num);
        sw.compare(got, *ref, 4 * (1 + kappa), at, kappa);
      }
    }
  sw.report();
}

// Early-stopping alpha = lambda q / (1 - q), q = (1 - eta lambda)^tau. With x = eta lambda,
// m = tau x / |1 - x| and u = -tau log|1 - x|, the relative condition number over (lambda, eta, tau)
// is kappa = 1 + (2 m + u) / |1 - q|; tolerance 8 (1 + kappa) ulps. alpha = 1/(tau eta)-size
// results above DBL_MAX must throw.
TEST(EvalSweep, EarlyStoppingAlpha) {
  Sweep sw{"early-stopping-alpha"};
  const std::vector<double> m = magnitudes(25);
  for (double lambda : m)
    for (double x : {1e-300, 1e-20, 1e-10, 1e-3, 0.3, 0.5, 0.9, 1 - 1e-6, 1 - 0x1p-40, 1.0, 1 + 1e-6, 1.3, 1.7, 2 - 1e-9})
      for (double tau : {1.0, 2.0, 3.0, 10.0, 1e3, 1e6, 1e12}) {
        const double eta = x / lambda;
        if (!(eta > 0) || !std::isfinite(eta) || !(eta * lambda < 2)) continue;
        const R ref = *ref50::early_stopping_alpha(lambda, eta, tau);
        const R kappa = ref50::early_stopping_alpha_condition(lambda, eta, tau);
        run(sw, [=] { return dl::early_stopping_alpha(lambda, eta, tau); }, ref, 8 * (1 + static_cast<double>(kappa)),
            [=] { return fmt3(lambda, eta, tau); }, static_cast<double>(kappa));
      }
  sw.report();
}

// Bootstrap: 1 - (1 - 1/n)^n = -expm1(n log1p(-1/n)) in 50 digits. The result is in [0.63, 1],
// a smooth function of n whose relative condition number is < 1: tolerance 4 ulps.
TEST(EvalSweep, BootstrapUnique) {
  Sweep sw{"bootstrap-unique"};
  std::vector<double> ns{1, 2, 3, 4, 5, 7, 10, 100, 12345, 0x1p53, 0x1p53 + 2, kMax};
  for (double n : magnitudes(10))
    if (n >= 1) ns.push_back(std::round(n));
  for (double n : ns) {
    run(sw, [=] { return dl::bootstrap_unique_fraction(n); }, *ref50::bootstrap_unique(n), 4, [=] { return std::to_string(n); });
  }
  sw.report();
}

// ---- errors that must be raised ----------------------------------------------------------------

TEST(EvalSweepErrors, OutOfDomainInputsThrow) {
  EXPECT_THROW(th::tl1_threshold(1, 0), std::invalid_argument);
  EXPECT_THROW(th::tl1_prox(std::numeric_limits<double>::infinity(), 1, 1), std::invalid_argument);
  EXPECT_THROW(th::group_prox(Eigen::Vector2d(1, std::nan("")), 1.0), std::invalid_argument);
  EXPECT_THROW(dl::ensemble_mse(1, 1, 1.5), std::invalid_argument);   // |c| > v also for k = 1
  EXPECT_THROW(dl::ensemble_mse(1, 1, -1.5), std::invalid_argument);
  EXPECT_THROW(dl::ensemble_mse(3, 1, -0.6), std::invalid_argument);  // c < -v/(k-1)
  EXPECT_THROW(dl::early_stopping_alpha(1e-300, 1e-320, 1), std::invalid_argument);  // alpha ~ 1e320
  EXPECT_THROW(dl::early_stopping_alpha(1, 2, 1), std::invalid_argument);            // eta lambda >= 2
  EXPECT_THROW(th::gcsr::expected_coherence_l2(1, 0, 1), std::invalid_argument);
  EXPECT_THROW(th::dropact::dropout_shift_ratio(0), std::invalid_argument);
}
