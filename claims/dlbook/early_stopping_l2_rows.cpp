// The quadratic arm of dlbook.fig7_3.early-stopping: formulas, regimes and citation in the header.
#include "claims/dlbook/early_stopping_l2_rows.hpp"

#include "claims/dlbook/noise_helpers.hpp"
#include "theory/dlbook_noise.hpp"
#include "theory/require.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace regcheck::claims::dlbook {

namespace {
constexpr double kEpsFloat = std::numeric_limits<float>::epsilon();  // the trainer computes in float32

double probe_value(const RunRecord& run, const std::string& key) {
  const double v = metric(run.final, key);
  REGCHECK_REQUIRE(std::isfinite(v), fmt::format("quadratic arm, seed {}: final metric '{}' is {} (allowed: a finite value; "
                                                 "the config needs \"weights_probe\": true)", run.seed, key, v));
  return v;
}
}  // namespace

std::vector<QuadraticDirection> quadratic_directions(const RunRecord& run) {
  int d = 0;
  while (run.final.contains(fmt::format("weights_probe.w.{}", d))) ++d;
  REGCHECK_REQUIRE(d >= 1, fmt::format("quadratic arm, seed {}: no weights_probe.w.0 in the final metrics (the config needs "
                                       "\"weights_probe\": true)", run.seed));
  const double eta = probe_value(run, "lr"), tau = probe_value(run, "weights_probe.steps"), n = probe_value(run, "weights_probe.n");
  const double yty = probe_value(run, "weights_probe.yty");
  REGCHECK_REQUIRE(eta > 0 && tau >= 1, fmt::format("quadratic arm, seed {}: lr = {}, steps = {} (allowed: lr > 0, steps >= 1)", run.seed, eta, tau));
  MatrixXd gram(d, d);
  VectorXd xty(d), w(d);
  for (int j = 0; j < d; ++j) {
    w[j] = probe_value(run, fmt::format("weights_probe.w.{}", j));
    xty[j] = probe_value(run, fmt::format("weights_probe.xty.{}", j));
    for (int k = 0; k < d; ++k) gram(j, k) = probe_value(run, fmt::format("weights_probe.gram.{}", j * d + k));
  }
  const Eigen::SelfAdjointEigenSolver<MatrixXd> es(gram);  // eigenvalues ascending
  const VectorXd g = es.eigenvalues();
  REGCHECK_REQUIRE(g[0] > 0, fmt::format("quadratic arm, seed {}: X^T X / n has eigenvalue {} (allowed: positive definite, "
                                         "so that w* is unique)", run.seed, g[0]));
  const double lambda_max = 2 * g[d - 1];
  REGCHECK_REQUIRE(eta * lambda_max < 1, fmt::format("quadratic arm, seed {}: eta lambda_max = {} (allowed: < 1, where "
                                                     "(1 - eta lambda)^tau is in (0, 1))", run.seed, eta * lambda_max));
  const MatrixXd& Q = es.eigenvectors();
  const VectorXd c = Q.transpose() * xty;            // Q^T (X^T y / n)
  const VectorXd qs = c.cwiseQuotient(g);            // Q^T w*, w* = (X^T X)^-1 X^T y
  const VectorXd qw = Q.transpose() * w;             // Q^T w(tau)
  const double ws = qs.norm();
  // Rounding bound of the float32 trainer (first order, eps_f = float epsilon). Per step, with
  // G = X^T X / n: z = X w carries <= d eps_f |X||w|, 2 (z - y) / n adds <= 4 eps_f (|X||w| + |y|),
  // the gradient X^T dz sums n terms: |fl(g) - g| <= (d + n + 4) eps_f (2/n) |X|^T (|X||w| + |y|),
  // whose 2-norm is <= (d + n + 4) eps_f (2 tr G ||w|| + 2 sqrt(tr G y^T y / n)) (|| |X| v || <=
  // ||X||_F ||v||, ||X||_F^2 = n tr G). The update w - fl(eta) g adds <= eps_f (||w|| + 2 eta ||g||),
  // ||g|| = ||H (w - w*)|| <= lambda_max ||w*||. Along the path |(Q^T w)_i| <= |(Q^T w*)_i|, so
  // ||w|| <= ||w*||; I - eta H has norm <= 1 (0 < eta lambda < 1), so the tau local errors add up.
  // The double-precision side (eigenvectors, w*) adds <= 16 d cond(G) eps_double ||w*||.
  const double tr = gram.trace();
  const double bound = tau * kEpsFloat *
                           ((d + n + 4) * eta * (2 * tr * ws + 2 * std::sqrt(tr * yty)) + ws + 2 * eta * lambda_max * ws) +
                       16.0 * d * (g[d - 1] / g[0]) * kEps * ws;
  const double A = 1.0 / (tau * eta);  // eq. 7.28's alpha
  std::vector<QuadraticDirection> out;
  for (int i = 0; i < d; ++i) {
    QuadraticDirection q;
    q.lambda = 2 * g[i];
    q.fraction_theory = dl::early_stopping_fraction(q.lambda, eta, tau);
    q.fraction_measured = qw[i] / qs[i];
    q.error = qw[i] - q.fraction_theory * qs[i];
    q.error_bound = bound;
    q.fraction_l2 = q.lambda / (q.lambda + A);
    q.alpha_tau_eta = q.lambda * (1 - q.fraction_measured) / q.fraction_measured * tau * eta;
    q.bound_7_28 = dl::early_stopping_approx_error_bound(q.lambda, eta, tau);
    // f = lambda / (lambda + alpha_i), alpha_i = A (1 + r) with |r| <= b (eq. 7.28's bound) and
    // alpha_i > 0, so lambda + alpha_i >= lambda + A max(1 - b, 0) and
    // |f - lambda / (lambda + A)| = lambda A |r| / ((lambda + A)(lambda + alpha_i)) <= the expression below.
    const double b = q.bound_7_28;
    q.fraction_bound = q.lambda * A * b / ((q.lambda + A) * (q.lambda + A * std::max(1 - b, 0.0)));
    out.push_back(q);
  }
  return out;
}

std::vector<TestRow> quadratic_rows(const std::vector<RunRecord>& runs) {
  REGCHECK_REQUIRE(runs.size() >= 2, fmt::format("quadratic arm: {} run(s) (allowed: >= 2 seeds)", runs.size()));
  std::vector<std::vector<QuadraticDirection>> dirs;
  for (const RunRecord& r : runs) dirs.push_back(quadratic_directions(r));
  const std::size_t d = dirs.front().size();
  for (const auto& v : dirs)
    REGCHECK_REQUIRE(v.size() == d, fmt::format("quadratic arm: {} and {} weights in two runs (allowed: the same model)", d, v.size()));
  std::vector<TestRow> exact, approx;
  for (std::size_t i = 0; i < d; ++i) {
    std::vector<double> e, a, ft, fm, fl, el, ul, ate;
    for (std::size_t s = 0; s < dirs.size(); ++s) {
      const QuadraticDirection& q = dirs[s][i];
      const double eta = metric(runs[s].final, "lr"), tau = metric(runs[s].final, "weights_probe.steps");
      e.push_back(q.error / q.error_bound);
      a.push_back((q.fraction_measured - q.fraction_l2) / q.fraction_bound);
      ft.push_back(q.fraction_theory), fm.push_back(q.fraction_measured), fl.push_back(q.fraction_l2);
      el.push_back(eta * q.lambda), ul.push_back(tau * eta * q.lambda), ate.push_back(q.alpha_tau_eta);
    }
    const MetricSummary sft = summarize_metric(ft), sfm = summarize_metric(fm), sfl = summarize_metric(fl), sate = summarize_metric(ate);
    const double el_max = *std::max_element(el.begin(), el.end()), ul_min = *std::min_element(ul.begin(), ul.end()),
                 ul_max = *std::max_element(ul.begin(), ul.end());
    TestRow x = band_row(fmt::format("quadratic dir {}: GD = eq. 7.26", i + 1),
                         fmt::format("eigen-direction {} (eigenvalues of H ascending): the trained (Q^T w(tau))_i equals "
                                     "[1 - (1 - eta lambda_i)^tau] (Q^T w*)_i within float32 rounding", i + 1),
                         e, -1.0, 1.0, 0.0,
                         "error / B per seed in [-1, 1], B = first-order float32 rounding bound of the trainer's tau "
                         "steps (tau eps_f [(d + n + 4) eta (2 tr G ||w*|| + 2 sqrt(tr G y^T y / n)) + (1 + 2 eta lambda_max) "
                         "||w*||] + the double-precision eigen-solve): a worst case, not a fit");
    x.detail = fmt::format("fraction measured {:.6g} [{:.6g}, {:.6g}] vs eq. 7.26 {:.6g}; max |error| / B {:.3g}", sfm.mean, sfm.ci_lo,
                           sfm.ci_hi, sft.mean, std::max(std::abs(*std::max_element(e.begin(), e.end())), std::abs(*std::min_element(e.begin(), e.end()))));
    exact.push_back(x);
    TestRow y = band_row(fmt::format("quadratic dir {}: alpha ~ 1/(tau eta)", i + 1),
                         fmt::format("eigen-direction {}: the trained fraction equals the L2 solution's lambda_i / (lambda_i + alpha) "
                                     "with alpha = 1/(tau eta) within eq. 7.28's bound (informative)", i + 1),
                         a, -1.0, 1.0, 0.0,
                         "(fraction - lambda/(lambda + 1/(tau eta))) / F per seed in [-1, 1], F = eq. 7.28's bound |alpha_i tau "
                         "eta - 1| <= eta lambda + tau eta lambda / (2 (1 - eta lambda)) carried to the fraction");
    y.in_family = false;
    const bool regime = el_max <= 0.1 && ul_max <= 0.1;
    y.detail = fmt::format("fraction measured {:.4g} [{:.4g}, {:.4g}] vs L2 with alpha = 1/(tau eta) {:.4g}; alpha_i tau eta {:.4g} "
                           "[{:.4g}, {:.4g}] (1 in the book); eta lambda <= {:.3g}, tau eta lambda in [{:.3g}, {:.3g}]: {}",
                           sfm.mean, sfm.ci_lo, sfm.ci_hi, sfl.mean, sate.mean, sate.ci_lo, sate.ci_hi, el_max, ul_min, ul_max,
                           regime ? "in the book's regime (eta lambda << 1, lambda/alpha << 1)"
                                  : "outside the book's regime (tau eta lambda = lambda/alpha not << 1): only the bound is claimed");
    approx.push_back(y);
  }
  exact.insert(exact.end(), approx.begin(), approx.end());
  return exact;
}

}  // namespace regcheck::claims::dlbook
