// gcsr.eq2.update: the gradient-descent step of eq. (2) with the L2 and L1 penalty gradients,
// checked against central differences of the penalized objective on random instances.
#include "claims/gcsr/checks.hpp"
#include "sim/rng.hpp"
#include "theory/gcsr.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace regcheck::claims::gcsr {

namespace tg = theory::gcsr;

namespace {

constexpr double eps = std::numeric_limits<double>::epsilon();
// Weights lie on the grid k * 2^-10 and the difference step is h = 2^-12: w_j +- h and all the
// L1/L2 penalty sums are then exact in double, so the only rounding is in the loss part.
constexpr double kGrid = 1.0 / 1024.0;
constexpr double kStep = 1.0 / 4096.0;

struct Instance {
  Eigen::MatrixXd A;
  Eigen::VectorXd b;
  Eigen::ArrayXd w;
  double alpha = 0, lambda = 0;
};

// Random least-squares loss L(w) = 0.5 ||A w - b||^2 and a grid-valued w (nonzero entries when
// nonzero_w: the L1 case of eq. 2 is stated for w != 0).
Instance draw(sim::Stream& rng, bool nonzero_w) {
  Instance I;
  const int n = 1 + static_cast<int>(rng.below(8));
  const int m = n + static_cast<int>(rng.below(4));
  I.A.resize(m, n);
  I.b.resize(m);
  I.w.resize(n);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) I.A(i, j) = rng.normal();
    I.b(i) = 3.0 * rng.normal();
  }
  for (int j = 0; j < n; ++j) {
    double v = 0;
    do {
      v = std::round(rng.normal() * std::pow(10.0, rng.uniform() * 2.0 - 0.5) / kGrid) * kGrid;
    } while (nonzero_w && v == 0);
    I.w(j) = v;
  }
  I.alpha = std::pow(10.0, -3.0 * rng.uniform());
  I.lambda = std::pow(10.0, -3.0 + 4.0 * rng.uniform());
  return I;
}

double loss(const Instance& I, const Eigen::ArrayXd& w) { return 0.5 * (I.A * w.matrix() - I.b).squaredNorm(); }

// Magnitude bound of the loss computation: 0.5 || |A| |w| + |b| ||^2 bounds every partial sum.
double loss_scale(const Instance& I, const Eigen::ArrayXd& w) {
  return 0.5 * (I.A.cwiseAbs() * w.abs().matrix() + I.b.cwiseAbs()).squaredNorm();
}

struct Worst {
  double ratio = 0;  // error / tolerance
  std::string where;
};

}  // namespace

ClaimResult check_eq2_update(const CheckContext& ctx) {
  ClaimResult r;
  const std::uint64_t sid = sim::stream_id("gcsr.eq2.update/instances");
  constexpr int kInstances = 400;
  nlohmann::json table = nlohmann::json::array();

  for (tg::Penalty kind : {tg::Penalty::L2, tg::Penalty::L1}) {
    Worst fd, omega, decay;
    std::size_t entries = 0;
    for (int inst = 0; inst < kInstances; ++inst) {
      sim::Stream rng(ctx.seed, sid, static_cast<std::uint64_t>(inst), kind == tg::Penalty::L1 ? 1 : 0);
      const Instance I = draw(rng, kind == tg::Penalty::L1);
      const Eigen::ArrayXd g = (I.A.transpose() * (I.A * I.w.matrix() - I.b)).array();  // dL/dw
      const Eigen::ArrayXd upd = tg::gd_update(I.w, g, I.alpha, I.lambda, kind);
      const auto F = [&](const Eigen::ArrayXd& w) { return loss(I, w) + I.lambda * tg::penalty(w, kind); };
      const int n = static_cast<int>(I.w.size());
      const int m = static_cast<int>(I.A.rows());
      for (int j = 0; j < n; ++j) {
        ++entries;
        Eigen::ArrayXd wp = I.w, wm = I.w;
        wp(j) += kStep;  // exact (grid values)
        wm(j) -= kStep;
        // Along e_j, F is a quadratic in t (for L1 because |w_j| >= 2^-10 > h keeps |.| linear),
        // so the central difference equals dF/dw_j exactly in real arithmetic. Rounding: the loss
        // is a sum of m squares of (n+1)-term dot products, error <= (2(n+1) + m + 4) eps S per
        // evaluation (S its magnitude bound); the lambda Omega part is exact here except for the
        // final product and sum (2 eps of its size). Two evaluations over 2h, times 2 for margin.
        const double S = std::max(loss_scale(I, wp), loss_scale(I, wm)) +
                         I.lambda * std::max(tg::penalty(wp, kind), tg::penalty(wm, kind));
        const double errF = (2.0 * (n + 1) + m + 6) * eps * S;
        const double dF = (F(wp) - F(wm)) / (2.0 * kStep);
        const double tol_grad = 2.0 * errF / kStep;
        const double expect = I.w(j) - I.alpha * dF;
        // The two updates round w - alpha(...) once or twice each: 4 eps of the operands' size.
        const double tol = I.alpha * tol_grad + 4.0 * eps * (std::abs(I.w(j)) + I.alpha * (std::abs(dF) + tol_grad));
        const double err = std::abs(upd(j) - expect);
        if (err / tol > fd.ratio || std::isnan(err))
          fd = {std::isnan(err) ? INFINITY : err / tol,
                fmt::format("instance {} entry {}: w={:.17g} alpha={:.6g} lambda={:.6g}: eq.2 gives {:.17g}, "
                            "central difference gives {:.17g}, |diff|={:.3g}, tol={:.3g}",
                            inst, j, I.w(j), I.alpha, I.lambda, upd(j), expect, err, tol)};

        // dOmega/dw against exact one-sided differences of Omega along e_j (exact: grid values).
        const double Om = tg::penalty(I.w, kind);
        const double right = (tg::penalty(wp, kind) - Om) / kStep, left = (Om - tg::penalty(wm, kind)) / kStep;
        const double d = tg::penalty_gradient(I.w(j), kind);
        double om_err = 0;
        if (kind == tg::Penalty::L2) {
          om_err = std::abs(d - 0.5 * (left + right));  // quadratic: the central difference is 2 w_j exactly
        } else {
          om_err = std::abs(d - left) + std::abs(d - right);  // w_j != 0: both one-sided slopes are sign(w_j)
        }
        if (om_err > omega.ratio)
          omega = {om_err, fmt::format("instance {} entry {}: w={:.17g}: dOmega/dw={} but one-sided slopes {} and {}",
                                       inst, j, I.w(j), d, left, right)};

        if (kind == tg::Penalty::L2) {
          // Weight-decay form of the L2 step: w (1 - 2 alpha lambda) - alpha g. Both sides round
          // about 4 times operands of size |w| + alpha |g| + 2 alpha lambda |w|: 8 eps of that.
          const double wd = I.w(j) * (1.0 - 2.0 * I.alpha * I.lambda) - I.alpha * g(j);
          const double tol_wd = 8.0 * eps * (std::abs(I.w(j)) * (1.0 + 2.0 * I.alpha * I.lambda) + I.alpha * std::abs(g(j)));
          const double e = std::abs(wd - upd(j)) / tol_wd;
          if (e > decay.ratio)
            decay = {e, fmt::format("instance {} entry {}: eq.2 {:.17g} vs weight decay form {:.17g}", inst, j, upd(j), wd)};
        }
      }
    }
    // L1 at w = 0: eq. 2 leaves dOmega/dw undefined; the implementation's 0 must lie in the
    // subdifferential [D- |.|(0), D+ |.|(0)] = [-1, 1], computed here by one-sided differences.
    if (kind == tg::Penalty::L1) {
      Eigen::ArrayXd z = Eigen::ArrayXd::Zero(1), zp = z, zm = z;
      zp(0) = kStep;
      zm(0) = -kStep;
      const double right = (tg::penalty(zp, kind) - tg::penalty(z, kind)) / kStep;
      const double left = (tg::penalty(z, kind) - tg::penalty(zm, kind)) / kStep;
      const double d = tg::penalty_gradient(0.0, kind);
      const double outside = std::max({0.0, left - d, d - right});
      r.checks.push_back(tolerance_record("L1 at w = 0: returned dOmega/dw in the subdifferential", "property", outside, 0.0,
                                      fmt::format("one-sided slopes {} and {}, returned {} (eq. 2 defines sign(w) only "
                                                  "for w != 0; 0 is the minimal-norm subgradient)",
                                                  left, right, d)));
    }
    const std::string k = tg::to_string(kind);
    r.checks.push_back(tolerance_record(
        k + ": eq. 2 step vs w - alpha * central difference of L + lambda Omega", "property", fd.ratio, 1.0,
        fmt::format("{} instances, {} entries; max error in units of the per-entry rounding bound (exact central "
                    "difference of a quadratic piece); worst: {}",
                    kInstances, entries, fd.where)));
    r.checks.push_back(tolerance_record(
        k + ": dOmega/dw vs exact one-sided differences of Omega", "exact", omega.ratio, 0.0,
        fmt::format("{} entries on the 2^-10 grid (Omega differences exact in double){}", entries,
                    omega.where.empty() ? "" : "; worst: " + omega.where)));
    if (kind == tg::Penalty::L2)
      r.checks.push_back(tolerance_record("L2: step = weight decay form w(1 - 2 alpha lambda) - alpha dL/dw", "property",
                                      decay.ratio, 1.0,
                                      fmt::format("max error in units of 8 eps of the operands; worst: {}", decay.where)));
    table.push_back({{"penalty", k}, {"instances", kInstances}, {"entries", entries}, {"fd_error_over_tol", fd.ratio},
                     {"omega_error", omega.ratio}});
  }
  r.extra["by_penalty"] = table;
  // Top level: the largest eq. 2 error in units of its rounding bound (HOLDS needs <= 1).
  double worst = 0;
  for (const CheckRecord& c : r.checks)
    if (c.name.find("eq. 2 step") != std::string::npos) worst = std::max(worst, *c.max_error);
  r.max_error = worst;
  summarize_listing_failures(r);
  return r;
}

}  // namespace regcheck::claims::gcsr
