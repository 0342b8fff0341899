#pragma once
// Independent numerics for the tl1 checks (claims/tl1/*.cpp and tests/test_tl1*.cpp):
//  - 50-digit references (Boost.Multiprecision cpp_bin_float_50) of rho_a and of the scalar TL1
//    prox, computed from the cubic's three trigonometric roots and a choice of the global
//    minimizer by comparing objectives in 50 digits (nothing shared with theory/prox.hpp);
//  - brute-force global minimization: a dense grid plus Boost.Math Brent refinement (1-D), and a
//    grid plus a compass/pattern search over every support pattern (2-3-D).
#include <boost/math/constants/constants.hpp>
#include <boost/math/tools/minima.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <utility>
#include <vector>

namespace regcheck::claims::tl1num {

using mp = boost::multiprecision::cpp_bin_float_50;

inline mp rho_mp(const mp& x, const mp& a) {
  const mp ax = abs(x);
  return (a + 1) * ax / (a + ax);
}

inline mp objective_mp(const mp& x, const mp& y, const mp& lambda, const mp& a) {
  return (x - y) * (x - y) / 2 + lambda * rho_mp(x, a);
}

// The nonzero branch as printed in eq. (36), evaluated in 50 digits (no clamping: the caller
// ensures |y| >= t, where the argument lies in [-1, 1]).
inline mp printed_branch_mp(const mp& y, const mp& lambda, const mp& a) {
  const mp ay = abs(y), s = a + ay;
  const mp phi = acos(1 - 27 * lambda * a * (a + 1) / (2 * s * s * s));
  const mp mag = mp(2) / 3 * s * cos(phi / 3) - 2 * a / 3 + ay / 3;
  return y < 0 ? mp(-mag) : mag;
}

// Global minimizer of 0.5 (x - y)^2 + lambda rho_a(x) in 50 digits. Candidates: x = 0 and every
// positive root of the stationarity cubic (for y >= 0; odd symmetry otherwise). With u = a + x,
// s = a + |y|, c = lambda a (a + 1), the cubic is u^3 - s u^2 + c = 0; its real roots are
// u_k = (s/3)(1 + 2 cos((phi - 2 pi k)/3)), cos phi = 1 - 27 c / (2 s^3), when that lies in
// [-1, 1]; otherwise its single real root is negative (c > 0), so x = u - a < 0 is not a
// candidate. Each root is polished by 3 Newton steps in 50 digits. Ties keep the smaller |x|.
struct ProxRef {
  mp x;        // the global minimizer (0 when 0 ties with the nonzero root)
  mp f;        // its objective
  mp f_other;  // the best objective among the other candidates (for tie diagnostics)
};
inline ProxRef prox_ref(const mp& y, const mp& lambda, const mp& a) {
  const mp ay = abs(y), s = a + ay, c = lambda * a * (a + 1);
  std::vector<mp> cand{mp(0)};
  const mp arg = 1 - 27 * c / (2 * s * s * s);
  if (arg >= -1 && arg <= 1) {
    const mp phi = acos(arg);
    const mp two_pi = 2 * boost::math::constants::pi<mp>();
    for (int k = 0; k < 3; ++k) {
      mp x = s / 3 * (1 + 2 * cos((phi - two_pi * k) / 3)) - a;
      for (int it = 0; it < 3 && x > 0; ++it) {
        const mp u = a + x;
        const mp r = x - ay + c / (u * u);
        const mp hp = 1 - 2 * c / (u * u * u);
        if (hp == 0) break;
        x -= r / hp;
      }
      if (x > 0) cand.push_back(x);
    }
  }
  ProxRef best{cand[0], objective_mp(cand[0], ay, lambda, a), mp(std::numeric_limits<double>::infinity())};
  for (std::size_t i = 1; i < cand.size(); ++i) {
    const mp f = objective_mp(cand[i], ay, lambda, a);
    if (f < best.f) {
      best.f_other = best.f;
      best.x = cand[i];
      best.f = f;
    } else if (f < best.f_other) {
      best.f_other = f;
    }
  }
  if (y < 0) best.x = -best.x;
  return best;
}
inline ProxRef prox_ref(double y, double lambda, double a) { return prox_ref(mp(y), mp(lambda), mp(a)); }

// Error of a double result in units in the last place of the (rounded) reference. A zero
// reference must be matched exactly (returns 0 or +inf).
inline double ulp_error(double computed, const mp& ref) {
  const double r = static_cast<double>(ref);
  if (r == 0) return computed == 0 ? 0.0 : std::numeric_limits<double>::infinity();
  const double ulp = std::nextafter(std::abs(r), INFINITY) - std::abs(r);
  return static_cast<double>(abs(mp(computed) - ref)) / ulp;
}

// Brute-force global minimum of a 1-D function on [lo, hi]: a grid of n + 1 points, then Brent
// (boost::math::tools::brent_find_minima, full double precision) on the two cells around each of
// the `refine` best grid local minima, plus the extra points (e.g. x = 0 exactly).
struct Min1 {
  double x, f;
};
inline Min1 brute_min_1d(const std::function<double(double)>& f, double lo, double hi, int n, int refine = 3,
                         const std::vector<double>& extra = {}) {
  std::vector<double> xs(n + 1), fs(n + 1);
  for (int i = 0; i <= n; ++i) {
    xs[i] = lo + (hi - lo) * i / n;
    fs[i] = f(xs[i]);
  }
  std::vector<int> mins;
  for (int i = 0; i <= n; ++i) {
    const bool left = i == 0 || fs[i] <= fs[i - 1], right = i == n || fs[i] <= fs[i + 1];
    if (left && right) mins.push_back(i);
  }
  std::sort(mins.begin(), mins.end(), [&](int p, int q) { return fs[p] < fs[q]; });
  Min1 best{xs[0], fs[0]};
  for (int i = 0; i <= n; ++i)
    if (fs[i] < best.f) best = {xs[i], fs[i]};
  for (std::size_t m = 0; m < mins.size() && static_cast<int>(m) < refine; ++m) {
    const int i = mins[m];
    const double l = xs[std::max(i - 1, 0)], h = xs[std::min(i + 1, n)];
    const auto r = boost::math::tools::brent_find_minima(f, l, h, std::numeric_limits<double>::digits);
    if (r.second < best.f) best = {r.first, r.second};
  }
  for (double x : extra) {
    const double v = f(x);
    if (v < best.f) best = {x, v};
  }
  return best;
}

// Compass search with diagonals (all 3^d - 1 directions of {-1,0,1}^d) from x, on the
// coordinates `active` only, halving the step from h down to h_min. Monotone: returns a point
// no worse than x.
inline double pattern_search(const std::function<double(const Eigen::VectorXd&)>& f, Eigen::VectorXd& x,
                             const std::vector<int>& active, double h, double h_min) {
  const int k = static_cast<int>(active.size());
  double fx = f(x);
  if (k == 0) return fx;
  int ndir = 1;
  for (int i = 0; i < k; ++i) ndir *= 3;
  Eigen::VectorXd z(x.size());  // reused: no allocation per trial point
  while (h >= h_min) {
    bool improved = false;
    for (int code = 0; code < ndir; ++code) {
      if (code == (ndir - 1) / 2) continue;  // the all-zero direction
      z = x;
      int c = code;
      for (int i = 0; i < k; ++i, c /= 3) z[active[i]] += h * (c % 3 - 1);
      const double fz = f(z);
      if (fz < fx) {
        x = z;
        fx = fz;
        improved = true;
      }
    }
    if (!improved) h *= 0.5;
  }
  return fx;
}

// A dense fan of unit directions in R^d, d <= 3: d = 1: +-1; d = 2: 2^13 evenly spaced angles
// (covering radius 4e-4 rad); d = 3: a Fibonacci sphere of 2^16 points (spacing ~1.4e-2 rad,
// covering radius ~8e-3 rad). Built once per d.
inline std::vector<Eigen::VectorXd> make_direction_fan(int d) {
  std::vector<Eigen::VectorXd> fan;
  const double pi = boost::math::constants::pi<double>();
  if (d == 1) {
    fan = {Eigen::VectorXd::Constant(1, 1.0), Eigen::VectorXd::Constant(1, -1.0)};
  } else if (d == 2) {
    const int m = 1 << 13;
    for (int k = 0; k < m; ++k) fan.push_back((Eigen::VectorXd(2) << std::cos(2 * pi * k / m), std::sin(2 * pi * k / m)).finished());
  } else {
    const int m = 1 << 16;
    const double golden = pi * (3.0 - std::sqrt(5.0));
    for (int k = 0; k < m; ++k) {
      const double z = 1.0 - (2.0 * k + 1.0) / m, r = std::sqrt(1.0 - z * z), th = golden * k;
      fan.push_back((Eigen::VectorXd(3) << r * std::cos(th), r * std::sin(th), z).finished());
    }
  }
  return fan;
}
inline const std::vector<Eigen::VectorXd>& direction_fan(int d) {
  static const std::vector<Eigen::VectorXd> f1 = make_direction_fan(1), f2 = make_direction_fan(2),
                                            f3 = make_direction_fan(3);
  return d == 1 ? f1 : d == 2 ? f2 : f3;
}

// Escape from a point where compass search stalls although a descent direction exists: at a
// kink (x = 0 for the group norm, a zero coordinate for L1/TL1) the descent cone can be far
// narrower than the angle between the 3^d - 1 compass directions (for the group prox at 0 its
// half-angle is arccos(tau/||v||), -> 0 as tau -> ||v||). Take the one-sided difference quotient
// (f(x + s u) - f(x)) / s along every direction u of the dense fan, and if the steepest is
// negative beyond rounding, minimize along it: a geometric scan of step lengths R 2^-k,
// k = 0..60, then Brent around the best. Returns true if x improved.
inline bool fan_descent(const std::function<double(const Eigen::VectorXd&)>& f, Eigen::VectorXd& x, double& fx,
                        double R) {
  const int d = static_cast<int>(x.size());
  if (d < 1 || d > 3) return false;
  const double s = 1e-7 * R;
  double best_q = 0;
  const Eigen::VectorXd* best_u = nullptr;
  Eigen::VectorXd z(d);
  for (const Eigen::VectorXd& u : direction_fan(d)) {
    z = x + s * u;
    const double q = (f(z) - fx) / s;
    if (q < best_q) best_q = q, best_u = &u;
  }
  // Rounding floor of the quotient: ~4 eps |f| / s.
  if (!best_u || -best_q <= 4 * std::numeric_limits<double>::epsilon() * (std::abs(fx) + 1e-300) / s) return false;
  const Eigen::VectorXd u = *best_u;
  auto g = [&](double r) { return f(x + r * u); };
  double best_r = 0, best_g = fx;
  int best_k = -1;
  for (int k = 0; k <= 60; ++k) {
    const double r = R * std::ldexp(1.0, -k), v = g(r);
    if (v < best_g) best_g = v, best_r = r, best_k = k;
  }
  if (best_k < 0) return false;
  const auto b = boost::math::tools::brent_find_minima(g, best_r / 2, std::min(2 * best_r, 2 * R),
                                                       std::numeric_limits<double>::digits);
  if (b.second < best_g) best_g = b.second, best_r = b.first;
  x = x + best_r * u;
  fx = best_g;
  return true;
}

// Brute-force global minimum over R^d (d <= 3) of f, assumed to have its minimizers in the box
// [-R, R]^d: for every support pattern S (coordinates outside S held at exactly 0), a grid of
// n points per active coordinate, then a pattern search from the `starts` best grid points down
// to step h_min, then a fan-descent polish of the best (see fan_descent). Returns the best point
// found (an upper bound of the true minimum, tight up to the search resolution).
struct MinN {
  Eigen::VectorXd x;
  double f;
};
inline MinN brute_min_nd(const std::function<double(const Eigen::VectorXd&)>& f, int d, double R, int n,
                         int starts, double h_min) {
  MinN best{Eigen::VectorXd::Zero(d), f(Eigen::VectorXd::Zero(d))};
  const double h = 2 * R / (n - 1);
  for (int mask = 1; mask < (1 << d); ++mask) {
    std::vector<int> active;
    for (int i = 0; i < d; ++i)
      if (mask >> i & 1) active.push_back(i);
    const int k = static_cast<int>(active.size());
    long total = 1;
    for (int i = 0; i < k; ++i) total *= n;
    // Grid values; a point with an active coordinate at 0 belongs to a smaller support pattern,
    // searched on its own (+inf here).
    std::vector<double> val(static_cast<std::size_t>(total));
    std::vector<unsigned> orth(static_cast<std::size_t>(total));
    Eigen::VectorXd z = Eigen::VectorXd::Zero(d);
    auto point = [&](long g, Eigen::VectorXd& x) {
      bool on_zero = false;
      unsigned o = 0;
      for (int i = 0; i < k; ++i, g /= n) {
        x[active[i]] = -R + h * static_cast<double>(g % n);
        on_zero |= std::abs(x[active[i]]) < 1e-9 * h;
        o |= (x[active[i]] < 0 ? 1u : 0u) << i;
      }
      return std::pair<bool, unsigned>{on_zero, o};
    };
    for (long g = 0; g < total; ++g) {
      const auto [on_zero, o] = point(g, z);
      val[g] = on_zero ? std::numeric_limits<double>::infinity() : f(z);
      orth[g] = o;
    }
    // Starts: every discrete local minimum of the grid within its orthant (no neighbour of the
    // same orthant is lower), best first, at most max(starts, 64) per orthant; plus the `starts`
    // best points of each orthant. Why local minima and not only the best values: penalties with
    // a kink at 0 (L1; TL1, nearly a step at 0 for small a) make F multimodal within an orthant,
    // and the best grid values can all sit in a basin that is not the global one (seen: TL1 +
    // group, a = 0.18).
    std::vector<std::vector<std::pair<double, long>>> cands(std::size_t{1} << k), best_pts(std::size_t{1} << k);
    long stride[3] = {1, n, n * n};
    for (long g = 0; g < total; ++g) {
      if (!std::isfinite(val[g])) continue;
      best_pts[orth[g]].emplace_back(val[g], g);
      bool is_min = true;
      for (int i = 0; i < k && is_min; ++i) {
        const long ci = g / stride[i] % n;
        for (int dir : {-1, 1}) {
          if (ci + dir < 0 || ci + dir >= n) continue;
          const long q = g + dir * stride[i];
          if (orth[q] == orth[g] && std::isfinite(val[q]) && val[q] < val[g]) is_min = false;
        }
      }
      if (is_min) cands[orth[g]].emplace_back(val[g], g);
    }
    // Why confined to the orthant: a compass step landing on x_i = 0 is often lower, and from
    // there the search cannot reach a better minimizer of the same support; steps that would zero
    // or flip an active coordinate are rejected (the zero faces are covered by smaller supports).
    for (unsigned orthant = 0; orthant < cands.size(); ++orthant) {
      auto& lm = cands[orthant];
      auto& bp = best_pts[orthant];
      std::sort(lm.begin(), lm.end());
      if (lm.size() > static_cast<std::size_t>(std::max(starts, 64))) lm.resize(static_cast<std::size_t>(std::max(starts, 64)));
      const std::size_t m = std::min<std::size_t>(static_cast<std::size_t>(starts), bp.size());
      std::partial_sort(bp.begin(), bp.begin() + static_cast<long>(m), bp.end());
      for (std::size_t q = 0; q < m; ++q)
        if (std::find(lm.begin(), lm.end(), bp[q]) == lm.end()) lm.push_back(bp[q]);
      auto confined = [&](const Eigen::VectorXd& x) {
        for (int i = 0; i < k; ++i)
          if (x[active[i]] == 0 || (x[active[i]] < 0) != static_cast<bool>(orthant >> i & 1u))
            return std::numeric_limits<double>::infinity();
        return f(x);
      };
      for (const auto& [v0, g] : lm) {
        Eigen::VectorXd x = Eigen::VectorXd::Zero(d);
        point(g, x);
        const double fx = pattern_search(confined, x, active, h, h_min);
        if (fx < best.f) best = {x, fx};
      }
    }
  }
  // Polish the best point, in rounds until nothing improves (at most 16):
  //  - global coordinate moves: each coordinate in turn minimized globally over [-R, R] with the
  //    others fixed (brute_min_1d: 2001-point grid + Brent + x_i = 0). This jumps between the
  //    basins a kinked, concave penalty creates along each axis (seen: TL1 + group, where the
  //    best grid start led to x_i = 0 although x_i = 0.39 was lower);
  //  - fan descent out of kinks, then compass search.
  std::vector<int> all(d);
  for (int i = 0; i < d; ++i) all[i] = i;
  for (int round = 0; round < 16; ++round) {
    const double before = best.f;
    for (int i = 0; i < d; ++i) {
      Eigen::VectorXd x = best.x;
      auto fi = [&](double t) {
        x[i] = t;
        return f(x);
      };
      const Min1 m = brute_min_1d(fi, -R, R, 2000, 3, {0.0, best.x[i]});
      if (m.f < best.f) best.x[i] = m.x, best.f = m.f;
    }
    if (fan_descent(f, best.x, best.f, R)) best.f = std::min(best.f, f(best.x));
    best.f = pattern_search(f, best.x, all, h, h_min);
    if (!(best.f < before)) break;
  }
  return best;
}

}  // namespace regcheck::claims::tl1num
