// Exact polynomial-model checks of Deep Learning 7.17 / 7.22 (declared in claims/dlbook/noise_polynomial.hpp):
// cubic models in two perturbed variables, noisy losses by exact Gauss-Hermite tensor rules
// (claims/dlbook/noise_rules.hpp), first-order coefficients from the polynomial's derivatives.
#include "claims/dlbook/noise_helpers.hpp"
#include "claims/dlbook/noise_polynomial.hpp"
#include "claims/dlbook/noise_rules.hpp"
#include "sim/rng.hpp"
#include "theory/dlbook_noise.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace regcheck::claims::dlbook {

namespace {

// A cubic polynomial in two perturbed variables u = (u1, u2): sum_{i + j <= 3} a_ij u1^i u2^j. The
// polynomial models of the exact checks: for input noise u = x (the model itself), for weight
// noise u = w (the model x P(w) + x^2 Q(w) at one example x, coefficients combined).
struct Poly2 {
  std::array<std::array<double, 4>, 4> a{};  // a[i][j], zero when i + j > 3
  // d^{k1 + k2} / du1^k1 du2^k2 at u.
  double deriv(const Eigen::Vector2d& u, int k1, int k2) const {
    auto ff = [](int n, int k) {  // falling factorial n (n-1) ... (n-k+1)
      double f = 1;
      for (int t = 0; t < k; ++t) f *= n - t;
      return f;
    };
    double s = 0;
    for (int i = k1; i <= 3; ++i)
      for (int j = k2; i + j <= 3; ++j)
        s += a[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] * ff(i, k1) * ff(j, k2) * std::pow(u[0], i - k1) *
             std::pow(u[1], j - k2);
    return s;
  }
  double value(const Eigen::Vector2d& u) const { return deriv(u, 0, 0); }
};

// One example of a polynomial noise check: the per-example polynomial in the perturbed variables,
// the point where the noise is added and the target.
struct PolyExample {
  Poly2 p;
  Eigen::Vector2d u0;
  double y = 0;
};

// E over u0 + sqrt(nu) z, z with independent coordinates of the given 1-D rule, of (p - y)^2,
// averaged over the examples; scale receives the largest |loss| at a node (for the tolerances).
template <class Rule>
double noisy_loss(const std::vector<PolyExample>& ex, const Rule& rule, double nu, double* scale = nullptr) {
  const double s = std::sqrt(nu);
  double total = 0, big = 0;
  for (const PolyExample& e : ex) {
    double acc = 0;
    for (std::size_t i = 0; i < rule.z.size(); ++i)
      for (std::size_t j = 0; j < rule.z.size(); ++j) {
        const double r = e.p.value(e.u0 + s * Eigen::Vector2d(rule.z[i], rule.z[j])) - e.y;
        acc += rule.w[i] * rule.w[j] * r * r;
        big = std::max(big, r * r);
      }
    total += acc;
  }
  if (scale) *scale = big;
  return total / static_cast<double>(ex.size());
}

// J and the first-order coefficient of 7.17 / 7.22 as printed (trace of the Hessian):
// E[(y^ - y) tr grad^2 y^] + E||grad y^||^2, from the polynomial's derivatives.
struct FirstOrder {
  double J = 0, c1 = 0;
};
FirstOrder first_order(const std::vector<PolyExample>& ex) {
  FirstOrder f;
  for (const PolyExample& e : ex) {
    const double r = e.p.value(e.u0) - e.y;
    const double g2 = std::pow(e.p.deriv(e.u0, 1, 0), 2) + std::pow(e.p.deriv(e.u0, 0, 1), 2);
    const double tr = e.p.deriv(e.u0, 2, 0) + e.p.deriv(e.u0, 0, 2);
    f.J += r * r;
    f.c1 += dl::noise_slope_exact(g2, r, tr);
  }
  f.J /= static_cast<double>(ex.size());
  f.c1 /= static_cast<double>(ex.size());
  return f;
}

Poly2 random_cubic(sim::Stream& rng, double sd) {
  Poly2 p;
  for (int i = 0; i <= 3; ++i)
    for (int j = 0; i + j <= 3; ++j) p.a[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] = sd * rng.normal();
  return p;
}

// Instance k of the polynomial checks, m = 4 examples whose targets are off the model (y^ - y of
// order 1: the Hessian term matters). Input noise: y^ a random cubic in x in R^2. Weight noise:
// y^(x; w) = x P(w) + x^2 Q(w), P, Q random cubics in w in R^2, scalar inputs x.
std::vector<PolyExample> poly_instance(const CheckContext& ctx, const std::string& id, int k, bool weights) {
  sim::Stream rng(ctx.seed, sim::stream_id(id + "/poly"), static_cast<std::uint64_t>(k));
  std::vector<PolyExample> ex(4);
  const Poly2 P = random_cubic(rng, 0.5), Q = random_cubic(rng, 0.5);
  const Eigen::Vector2d w(rng.normal(), rng.normal());
  for (PolyExample& e : ex) {
    if (weights) {
      const double x = rng.normal();
      for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t j = 0; j < 4; ++j) e.p.a[i][j] = x * P.a[i][j] + x * x * Q.a[i][j];
      e.u0 = w;
    } else {
      e.p = P;
      e.u0 = Eigen::Vector2d(rng.normal(), rng.normal());
    }
    e.y = e.p.value(e.u0) + rng.normal();
  }
  return ex;
}

}  // namespace

// Exact polynomial check of 7.17 / 7.22 with Gaussian noise. The per-example loss is a polynomial
// of degree 6 in the noise, so J~(nu) = J + c1 nu + c2 nu^2 + c3 nu^3 exactly (odd moments vanish),
// and the 5-point Gauss-Hermite tensor rule (exact to degree 9 per coordinate) evaluates it exactly
// up to rounding. From D_k = J~(k) - J, k = 1, 2, 3: c1 = 3 D1 - 3/2 D2 + D3/3, c3 = (D3 - 3 D2 + 3 D1)/6,
// c2 = (D2 - 2 D1)/2 - 3 c3. Checks: (i) c1 equals the printed first-order coefficient; (ii) the
// remainder R(nu) = J~(nu) - J - nu c1_printed over nu^2 stays <= |c2| + |c3| nu at nu = 1e-1, 1e-2,
// 1e-3 (a first-order mismatch delta would make it ~ delta / nu).
// Tolerances: each quadrature sum has 25 positive terms per example bounded by L = max node loss,
// each with relative error <= 16 eps (cubic evaluation ~10 terms, squaring): error <= 40 eps L per
// value; c1 combines 4 values with weights summing <= 6: 256 eps L. For R / nu^2 the same error
// on J~(nu) and J, and on nu c1 (c1's own error ~ 64 eps L), over nu^2: 256 eps L / nu^2.
std::pair<CheckRecord, CheckRecord> polynomial_noise_exact(const CheckContext& ctx, const std::string& id, bool weights) {
  const noise_rules::Rule5 gh = noise_rules::gauss_hermite5();
  WorstError coef, rem;
  const char* sym = weights ? "eta" : "nu";
  for (int k = 0; k < 12; ++k) {
    const std::vector<PolyExample> ex = poly_instance(ctx, id, k, weights);
    const FirstOrder f = first_order(ex);
    double L = 0, Lk = 0;
    std::array<double, 3> D{};
    for (int j = 0; j < 3; ++j) {
      D[static_cast<std::size_t>(j)] = noisy_loss(ex, gh, j + 1.0, &Lk) - f.J;
      L = std::max(L, Lk);
    }
    const double c1 = 3.0 * D[0] - 1.5 * D[1] + D[2] / 3.0;
    const double c3 = (D[2] - 3.0 * D[1] + 3.0 * D[0]) / 6.0;
    const double c2 = (D[1] - 2.0 * D[0]) / 2.0 - 3.0 * c3;
    coef.add(std::abs(c1 - f.c1), 256 * kEps * L,
             fmt::format("instance {}: c1 from J~({}=1,2,3) = {:.17g}, printed E[(y^-y) tr H] + E||grad||^2 = {:.17g}", k, sym,
                         c1, f.c1));
    for (double nu : {1e-1, 1e-2, 1e-3}) {
      double Ln = 0;
      const double R = noisy_loss(ex, gh, nu, &Ln) - f.J - nu * f.c1;
      const double bound = std::abs(c2) + std::abs(c3) * nu;
      const double excess = std::max(0.0, std::abs(R) / (nu * nu) - bound);
      rem.add(excess, 256 * kEps * std::max(L, Ln) / (nu * nu),
              fmt::format("instance {0} {1}={2}: R/{1}^2 = {3:.10g}, |c2| + |c3| {1} = {4:.10g}", k, sym, nu, R / (nu * nu), bound));
    }
  }
  return {coef.record(fmt::format("polynomial models (cubic in 2 {}, 12 instances x 4 examples off E[y|x]): first-order "
                                  "coefficient of the exact J~({}) = printed E[(y^-y) tr H] + E||grad y^||^2",
                                  weights ? "weights" : "inputs", sym)),
          rem.record(fmt::format("same instances: remainder J~ - J - {0} c1 is O({0}^2): |R|/{0}^2 <= |c2| + |c3| {0} at "
                                 "{0} = 1e-1, 1e-2, 1e-3",
                                 sym))};
}

// Weight noise with a skewed zero-mean law of covariance eta I (noise_rules::skewed_two_point,
// E z^3 = 3/2): the remainder of 7.22 is C3 eta^{3/2} + O(eta^2), C3 from
// dl::noise_third_order_coefficient. The hand instance y^ = w^2 x at w = 1, (x, y) = (1, 0):
// E(1 + e)^4 = 1 + 6 eta + 4 E e^3 + E e^4 = 1 + 6 eta + 6 eta^{3/2} + (13/4) eta^2.
// Measured: the log-log slope of |R(eta)| between eta = 1e-4 and 1e-6 (3/2 + O(sqrt(eta)) when
// C3 != 0; 2 for Gaussian noise) on the hand instance and the polynomial instances; and R / eta^{3/2}
// the exact eta^{3/2} coefficient of J~ (see measure below) against C3.
SkewSlopes skewed_weight_noise(const CheckContext& ctx, const std::string& id) {
  const noise_rules::Rule2 sk = noise_rules::skewed_two_point();
  const noise_rules::Rule5 gh = noise_rules::gauss_hermite5();
  SkewSlopes out;
  // Hand instance as a 2-weight polynomial (second weight unused): p(w) = w1^2, u0 = (1, 0), y = 0.
  std::vector<PolyExample> hand(1);
  hand[0].p.a[2][0] = 1.0;
  hand[0].u0 = Eigen::Vector2d(1.0, 0.0);
  // The unused second coordinate contributes nothing: E over it of a function not depending on it.
  const double eta_h = 1e-2;
  const double exact_h = 1 + 6 * eta_h + 6 * std::pow(eta_h, 1.5) + 3.25 * eta_h * eta_h;
  double Lh = 0;
  const double got_h = noisy_loss(hand, sk, eta_h, &Lh);
  out.hand = exact_record("skewed two-point noise, y^ = w^2 x at w = 1, (x, y) = (1, 0): J~(eta) = 1 + 6 eta + 6 eta^{3/2} + "
                          "(13/4) eta^2 at eta = 1e-2",
                          exact_h, got_h, 64 * kEps * Lh, "remainder after J + 6 eta (7.22 as printed) is 6 eta^{3/2} + ...");
  WorstError slope, coef;
  auto measure = [&](const std::vector<PolyExample>& ex, const std::string& name) {
    const FirstOrder f = first_order(ex);
    double c3 = 0;
    for (const PolyExample& e : ex) {
      const Eigen::Vector2d u = e.u0;
      c3 += dl::noise_third_order_coefficient(Eigen::Vector2d(e.p.deriv(u, 1, 0), e.p.deriv(u, 0, 1)),
                                              Eigen::Vector2d(e.p.deriv(u, 2, 0), e.p.deriv(u, 0, 2)), e.p.value(u) - e.y,
                                              Eigen::Vector2d(e.p.deriv(u, 3, 0), e.p.deriv(u, 0, 3)), noise_rules::kSkewedMu3);
    }
    c3 /= static_cast<double>(ex.size());
    auto R = [&](const auto& rule, double eta) { return noisy_loss(ex, rule, eta) - f.J - eta * f.c1; };
    const double s_skew = std::log(std::abs(R(sk, 1e-4)) / std::abs(R(sk, 1e-6))) / std::log(100.0);
    const double s_gauss = std::log(std::abs(R(gh, 1e-2)) / std::abs(R(gh, 1e-3))) / std::log(10.0);
    // Exact C3: with the two-point law, J~ is a polynomial in s = sqrt(eta) of degree 6 with no s^1
    // term, J~ - J - c1 s^2 = C3 s^3 + C4 s^4 + C5 s^5 + C6 s^6. Its values at s = 1, 2, 3, 4 give a
    // 4 x 4 system M C = rhs, M_ij = s_i^{3+j}; error <= ||M^-1||_inf * 4 * (64 eps L) with L the
    // largest node loss (value error 40 eps L, c1 s^2 error 16 eps L s^2 relative to J~).
    Eigen::Matrix4d M;
    Eigen::Vector4d rhs;
    double L = 0;
    for (int i = 0; i < 4; ++i) {
      const double sv = i + 1.0;
      double Li = 0;
      rhs[i] = noisy_loss(ex, sk, sv * sv, &Li) - f.J - sv * sv * f.c1;
      L = std::max({L, Li, std::abs(f.c1) * sv * sv});
      for (int j = 0; j < 4; ++j) M(i, j) = std::pow(sv, 3 + j);
    }
    const Eigen::Matrix4d Minv = M.inverse();
    const Eigen::Vector4d C = Minv * rhs;
    const double tol = Minv.cwiseAbs().rowwise().sum().maxCoeff() * 4.0 * 64.0 * kEps * L;
    out.table.push_back({{"instance", name}, {"slope_skewed", s_skew}, {"slope_gaussian", s_gauss}, {"C3", c3}, {"C3_exact", C[0]}});
    coef.add(std::abs(C[0] - c3), tol, fmt::format("{}: eta^{{3/2}} coefficient of the exact J~ = {:.12g}, C3 = {:.12g}", name, C[0], c3));
    // |slope - 3/2| <= 0.05 where the eta^{3/2} term dominates at eta <= 1e-4: if the higher terms
    // |C4| s + |C5| s^2 + |C6| s^3 (s = 1e-2) are <= 5% of |C3|, R(1e-4) and R(1e-6) are within 5% of
    // C3 eta^{3/2} and the slope within ln(1.05 / 0.95) / ln(100) = 0.022 of 3/2. Instances outside that
    // regime (small C3 against C4: the slope still drifts at these eta) are reported in extra, not asserted.
    const double sr = 1e-2;
    const bool asymptotic = std::abs(C[1]) * sr + std::abs(C[2]) * sr * sr + std::abs(C[3]) * sr * sr * sr <= 0.05 * std::abs(C[0]);
    out.table.back()["asymptotic_at_1e-4"] = asymptotic;
    if (asymptotic)
      slope.add(std::abs(s_skew - 1.5), 0.05, fmt::format("{}: slope {:.4f} (Gaussian {:.4f}), C3 = {:.6g}", name, s_skew, s_gauss, c3));
  };
  measure(hand, "hand y^=w^2 x");
  for (int k = 0; k < 6; ++k) measure(poly_instance(ctx, id, k, true), fmt::format("poly#{}", k));
  out.slope = slope.record("scope (finding): skewed noise of covariance eta I makes the remainder O(eta^{3/2}): log-log "
                           "slope of |R| between eta = 1e-4 and 1e-6 is 3/2 (Gaussian: 2)");
  out.coefficient = coef.record("exact eta^{3/2} coefficient of J~ (skewed noise) = C3 = E z^3 (sum g_i H_ii + (y^-y)/3 sum T_iii)");
  return out;
}

}  // namespace regcheck::claims::dlbook
