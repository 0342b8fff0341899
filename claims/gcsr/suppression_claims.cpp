// gcsr.sec2_2.suppression: for a bias-free ReLU MLP of depth L with every weight scaled by s -> 0,
// ||dL/dW_l|| ~ s^(L-1) (log-log slope L - 1) while ||W_l|| ~ s (slope 1), so the gradient-to-
// weight ratio ~ s^(L-2): "far more" suppression of gradients than weights needs L >= 3 (at L = 2
// the ratio does not depend on s).
//
// Why it is exact up to the loss: ReLU is positively homogeneous, so with all weights scaled by s
// the pre-activations of layer l scale by s^l, the activation patterns do not change, and
// yhat(s) = s^L yhat(1). Backprop (eq. 3-4) is linear in the output residual R and picks up one
// factor s per weight matrix it passes and per activation it uses, L - 1 in all:
//   dL/dW_l(s) = s^(L-1) B_l(R(s)),   R(s) = s^L yhat(1) - y   (squared loss),
// with B_l the backward map of the unscaled net. Hence, with A = ||B_l(y)||, C = ||B_l(yhat(1))||,
//   log ||dL/dW_l(s)|| = log A + (L - 1) log s + delta(s),  |delta(s)| <= -log(1 - s^L C / A),
// and the least-squares slope over points x_k = log s_k deviates from L - 1 by at most
// max|delta| * sum|x_k - xbar| / sum (x_k - xbar)^2. That bound (plus rounding) is the tolerance.
// It needs y != 0 (A > 0): with y = 0 the residual itself is s^L yhat and the slope is 2L - 1.
//
// Scales are powers of two, so s W is exact in floating point and the forward/backward passes of
// the scaled net are the unscaled ones times exact powers of two, up to the rounding of R(s).
#include "claims/gcsr/checks.hpp"
#include "sim/rng.hpp"
#include "theory/gcsr.hpp"

#include <boost/multiprecision/cpp_bin_float.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace regcheck::claims::gcsr {

namespace tg = theory::gcsr;

namespace {

constexpr double eps = std::numeric_limits<double>::epsilon();
constexpr double kGrid = 1.0 / (1 << 20);  // weights on the grid k 2^-20: w +- 2^-16 is exact
constexpr double kStep = 1.0 / (1 << 16);

struct Problem {
  tg::ReluMlp net;
  Eigen::MatrixXd X, Y;
  int width = 0;
};

// Random bias-free ReLU MLP: input dim 3..6, hidden widths 3..8, output dim 2..4, batch 4,
// He-scaled Gaussian weights (N(0, 2 / fan_in)) rounded to the 2^-20 grid, X and Y ~ N(0, 1).
Problem draw(sim::Stream& rng, int depth) {
  Problem p;
  constexpr int kBatch = 4;
  std::vector<int> dims{3 + static_cast<int>(rng.below(4))};
  for (int l = 1; l < depth; ++l) dims.push_back(3 + static_cast<int>(rng.below(6)));
  dims.push_back(2 + static_cast<int>(rng.below(3)));
  for (int l = 0; l < depth; ++l) {
    Eigen::MatrixXd W(dims[l + 1], dims[l]);
    const double sd = std::sqrt(2.0 / dims[l]);
    for (Eigen::Index i = 0; i < W.size(); ++i) W(i) = std::round(sd * rng.normal() / kGrid) * kGrid;
    p.net.W.push_back(W);
  }
  p.width = *std::max_element(dims.begin(), dims.end());
  p.X.resize(dims[0], kBatch);
  p.Y.resize(dims.back(), kBatch);
  for (Eigen::Index i = 0; i < p.X.size(); ++i) p.X(i) = rng.normal();
  for (Eigen::Index i = 0; i < p.Y.size(); ++i) p.Y(i) = rng.normal();
  return p;
}

double ls_slope(const std::vector<double>& x, const std::vector<double>& y) {
  double xm = 0, ym = 0;
  for (std::size_t k = 0; k < x.size(); ++k) xm += x[k], ym += y[k];
  xm /= static_cast<double>(x.size());
  ym /= static_cast<double>(y.size());
  double sxy = 0, sxx = 0;
  for (std::size_t k = 0; k < x.size(); ++k) sxy += (x[k] - xm) * (y[k] - ym), sxx += (x[k] - xm) * (x[k] - xm);
  return sxy / sxx;
}

// dLoss/dyhat of the softmax cross-entropy sum_b -log softmax(yhat_b)[label_b]: softmax(yhat) - onehot.
// At yhat = 0 it is 1/c - onehot != 0, so the loss has a nonzero gradient at output 0.
Eigen::MatrixXd cross_entropy_residual(const Eigen::MatrixXd& Z, const std::vector<int>& labels) {
  Eigen::MatrixXd R(Z.rows(), Z.cols());
  for (Eigen::Index b = 0; b < Z.cols(); ++b) {
    // Shifted by the column max so exp never overflows (softmax is shift-invariant).
    const Eigen::VectorXd e = (Z.col(b).array() - Z.col(b).maxCoeff()).exp().matrix();
    R.col(b) = e / e.sum();
    R(labels[static_cast<std::size_t>(b)], b) -= 1.0;
  }
  return R;
}

std::vector<Eigen::MatrixXd> patterns(const tg::MlpPass& p) {
  std::vector<Eigen::MatrixXd> out;
  for (std::size_t l = 0; l + 1 < p.z.size(); ++l) out.push_back((p.z[l].array() > 0).cast<double>().matrix());
  return out;
}

}  // namespace

ClaimResult check_sec2_2_suppression(const CheckContext& ctx) {
  ClaimResult r;
  const std::uint64_t sid = sim::stream_id("gcsr.sec2_2.suppression/instances");
  constexpr int kNetsPerDepth = 12;
  // s = 2^-10 ... 2^-26 (about 1e-3 ... 1.5e-8), 9 points equally spaced in log s.
  std::vector<double> s_grid, x;
  for (int k = 10; k <= 26; k += 2) s_grid.push_back(std::ldexp(1.0, -k)), x.push_back(-k * std::log(2.0));
  double xm = 0;
  for (double v : x) xm += v;
  xm /= static_cast<double>(x.size());
  double sabs = 0, ssq = 0;
  for (double v : x) sabs += std::abs(v - xm), ssq += (v - xm) * (v - xm);
  const double lever = sabs / ssq;  // |slope error| <= lever * max |delta_k|

  double worst_grad = 0, worst_w = 0, worst_fd = 0, worst_ratio = 0, worst_ce = 0;  // in units of their tolerances
  std::string grad_where, w_where, fd_where, ratio_where, ce_where;
  double worst_loss = 0;  // theory::gcsr::mlp_squared_loss vs the 50-digit forward pass, in units of gamma S
  std::string loss_where;
  std::size_t layers = 0, zero_grad = 0, fd_entries = 0, fd_skipped = 0, out_of_range = 0;
  std::size_t ce_layers = 0, ce_zero = 0, ce_out_of_range = 0;
  nlohmann::json by_depth = nlohmann::json::array();
  for (int L = 2; L <= 8; ++L) {
    double dmin = INFINITY, dmax = -INFINITY, wdev = 0, rmin = INFINITY, rmax = -INFINITY;
    for (int net_i = 0; net_i < kNetsPerDepth; ++net_i) {
      sim::Stream rng(ctx.seed, sid, static_cast<std::uint64_t>(L * 1000 + net_i));
      const Problem P = draw(rng, L);
      const tg::MlpPass base = tg::mlp_forward(P.net, P.X);
      const std::vector<Eigen::MatrixXd> BY = tg::mlp_backward(P.net, base, P.Y);
      const std::vector<Eigen::MatrixXd> Byhat = tg::mlp_backward(P.net, base, base.a.back());
      std::vector<std::vector<double>> lg(L), lw(L);

      // Cross-entropy with labels drawn after the net. dL/dW_l(s) = s^(L-1) B_l(R(s)), B_l the
      // backward map of the unscaled net (linear), R(s) = softmax(s^L yhat(1)) - onehot, R0 = R(0).
      // With e_k = ||B_l(R(s_k) - R0)|| / ||B_l(R0)|| (computed on the unscaled net),
      // |log ||B_l(R(s_k))|| - log ||B_l(R0)||| <= -log(1 - e_k): tolerance lever * max_k of it + 1e-9.
      std::vector<int> labels;
      for (Eigen::Index b = 0; b < P.X.cols(); ++b) labels.push_back(static_cast<int>(rng.below(static_cast<std::uint64_t>(P.Y.rows()))));
      const Eigen::MatrixXd R0 = cross_entropy_residual(Eigen::MatrixXd::Zero(P.Y.rows(), P.Y.cols()), labels);
      const std::vector<Eigen::MatrixXd> BR0 = tg::mlp_backward(P.net, base, R0);
      std::vector<std::vector<double>> lce(L), ece(L);
      for (double s : s_grid) {
        const tg::ReluMlp net = P.net.scaled(s);
        const tg::MlpPass ps = tg::mlp_forward(net, P.X);
        const Eigen::MatrixXd Rs = cross_entropy_residual(ps.a.back(), labels);
        const std::vector<Eigen::MatrixXd> G = tg::mlp_backward(net, ps, Rs);
        const std::vector<Eigen::MatrixXd> D = tg::mlp_backward(P.net, base, Rs - R0);
        for (int l = 0; l < L; ++l) {
          lce[l].push_back(std::log(G[l].norm()));
          ece[l].push_back(D[l].norm() / BR0[l].norm());
        }
      }
      for (int l = 0; l < L; ++l) {
        ++ce_layers;
        if (BR0[l].norm() == 0) {
          ++ce_zero;
          continue;
        }
        const double e = *std::max_element(ece[l].begin(), ece[l].end());
        if (!(e < 0.5)) {
          ++ce_out_of_range;
          continue;
        }
        const double tol = lever * -std::log1p(-e) + 1e-9;  // rounding term as for the squared loss below
        const double dev = std::abs(ls_slope(x, lce[l]) - (L - 1)) / tol;
        if (dev > worst_ce || std::isnan(dev)) {
          worst_ce = std::isnan(dev) ? INFINITY : dev;
          ce_where = fmt::format("depth {} net {} layer {}: slope {:.12f}, claimed {}, tol {:.3g}", L, net_i, l + 1,
                                 ls_slope(x, lce[l]), L - 1, tol);
        }
      }

      for (double s : s_grid) {
        const tg::ReluMlp net = P.net.scaled(s);
        const std::vector<Eigen::MatrixXd> G = tg::mlp_squared_loss_gradients(net, P.X, P.Y);
        for (int l = 0; l < L; ++l) {
          lg[l].push_back(std::log(G[l].norm()));
          lw[l].push_back(std::log(net.W[l].norm()));
        }
      }
      for (int l = 0; l < L; ++l) {
        ++layers;
        const double A = BY[l].norm(), C = Byhat[l].norm();
        if (A == 0) {  // every path through layer l is dead: the gradient is 0 at every s
          ++zero_grad;
          continue;
        }
        const double e = std::pow(s_grid.front(), L) * C / A;
        if (e >= 0.5) {  // not yet asymptotic on this grid: cannot decide this layer
          ++out_of_range;
          continue;
        }
        // Tolerance: the homogeneity bound on delta (see top) plus 1e-9 for rounding: the log-norms
        // carry relative errors of order L (width + batch) eps ~ 1e-13 even with 10^3-fold
        // cancellation in the residual, times lever < 1; 1e-9 is still 10^9 below the unit gaps
        // between the competing exponents L - 1, L - l, L, 2L - 1.
        const double tol = lever * -std::log1p(-e) + 1e-9;
        const double slope = ls_slope(x, lg[l]);
        const double dev = std::abs(slope - (L - 1));
        dmin = std::min(dmin, slope - (L - 1));
        dmax = std::max(dmax, slope - (L - 1));
        if (dev / tol > worst_grad || std::isnan(dev)) {
          worst_grad = std::isnan(dev) ? INFINITY : dev / tol;
          grad_where = fmt::format("depth {} net {} layer {}: slope {:.12f}, claimed {}, tol {:.3g}", L, net_i, l + 1,
                                   slope, L - 1, tol);
        }
        // ||s W_l|| = s ||W_l|| exactly (power-of-two s); the only rounding is the log (1 ulp).
        const double wslope = ls_slope(x, lw[l]);
        double lmax = 0;
        for (double v : lw[l]) lmax = std::max(lmax, std::abs(v));
        const double wtol = lever * 4.0 * eps * lmax + 16.0 * eps;
        wdev = std::max(wdev, std::abs(wslope - 1.0));
        if (std::abs(wslope - 1.0) / wtol > worst_w) {
          worst_w = std::abs(wslope - 1.0) / wtol;
          w_where = fmt::format("depth {} net {} layer {}: weight slope {:.17g}", L, net_i, l + 1, wslope);
        }
        // Gradient-to-weight ratio ||dL/dW_l|| / ||W_l||: its log is the difference of the two
        // logs, so its slope deviates from (L - 1) - 1 = L - 2 by at most the sum of the two bounds.
        std::vector<double> lr(lg[l].size());
        for (std::size_t k = 0; k < lr.size(); ++k) lr[k] = lg[l][k] - lw[l][k];
        const double rslope = ls_slope(x, lr);
        const double rdev = std::abs(rslope - (L - 2)) / (tol + wtol);
        rmin = std::min(rmin, rslope);
        rmax = std::max(rmax, rslope);
        if (rdev > worst_ratio || std::isnan(rdev)) {
          worst_ratio = std::isnan(rdev) ? INFINITY : rdev;
          ratio_where = fmt::format("depth {} net {} layer {}: ratio slope {:.12f}, claimed {}", L, net_i, l + 1,
                                    rslope, L - 2);
        }
      }

      // Backprop vs central differences on the first net of each depth. Along one weight, with
      // the ReLU patterns unchanged (checked at w +- h), yhat is linear and the loss quadratic, so
      // the central difference is exact in real arithmetic. Rounding of the loss is bounded by
      // gamma S, gamma = (L (width + 2) + 8) eps and S = 0.5 sum (|yhat|_abs + |y|)^2 from the
      // absolute-value network (|W| |x| bounds every partial sum); the difference of two losses
      // over 2h is then within gamma S / h; x2 margin (also covers backprop's own rounding).
      if (net_i == 0) {
        const std::vector<Eigen::MatrixXd> G = tg::mlp_squared_loss_gradients(P.net, P.X, P.Y);
        const std::vector<Eigen::MatrixXd> pat = patterns(base);
        Eigen::MatrixXd absout = P.X.cwiseAbs();
        for (int l = 0; l < L; ++l) absout = P.net.W[l].cwiseAbs() * absout;
        const double S = 0.5 * (absout + P.Y.cwiseAbs()).squaredNorm();
        const double gamma = (L * (P.width + 2) + 8) * eps;
        const double tol = 2.0 * gamma * S / kStep;
        // The loss itself (theory::gcsr::mlp_squared_loss) against the definition written out:
        // Loss = (1/2) sum_b ||W_L r(... r(W_1 x_b)) - y_b||^2 (sec. 2.2), a forward pass in 50 digits
        // with explicit loops (independent of mlp_forward and Eigen). Its double evaluation errs by
        // <= gamma S (the same absolute-value network bound); a wrong 1/2 or a missing ReLU is O(S).
        {
          using mp = boost::multiprecision::cpp_bin_float_50;
          mp loss = 0;
          for (Eigen::Index b = 0; b < P.X.cols(); ++b) {
            std::vector<mp> act(static_cast<std::size_t>(P.X.rows()));
            for (Eigen::Index i = 0; i < P.X.rows(); ++i) act[static_cast<std::size_t>(i)] = P.X(i, b);
            for (int l = 0; l < L; ++l) {
              const Eigen::MatrixXd& W = P.net.W[static_cast<std::size_t>(l)];
              std::vector<mp> next(static_cast<std::size_t>(W.rows()), mp(0));
              for (Eigen::Index i = 0; i < W.rows(); ++i) {
                for (Eigen::Index j = 0; j < W.cols(); ++j) next[static_cast<std::size_t>(i)] += mp(W(i, j)) * act[static_cast<std::size_t>(j)];
                if (l + 1 < L && next[static_cast<std::size_t>(i)] < 0) next[static_cast<std::size_t>(i)] = 0;  // ReLU, hidden layers only
              }
              act = std::move(next);
            }
            for (Eigen::Index i = 0; i < P.Y.rows(); ++i) loss += (act[static_cast<std::size_t>(i)] - P.Y(i, b)) * (act[static_cast<std::size_t>(i)] - P.Y(i, b)) / 2;
          }
          const double got = tg::mlp_squared_loss(P.net, P.X, P.Y);
          const double q = static_cast<double>(abs(mp(got) - loss)) / (gamma * S);
          if (q > worst_loss || std::isnan(q) || loss_where.empty()) {
            worst_loss = std::isnan(q) ? INFINITY : std::max(worst_loss, q);
            loss_where = fmt::format("depth {}: mlp_squared_loss {:.17g}, 50-digit forward pass {:.17g}", L, got,
                                     static_cast<double>(loss));
          }
        }
        for (int l = 0; l < L; ++l) {
          for (Eigen::Index i = 0; i < P.net.W[l].size(); ++i) {
            tg::ReluMlp plus = P.net, minus = P.net;
            plus.W[l](i) += kStep;  // exact on the 2^-20 grid
            minus.W[l](i) -= kStep;
            const tg::MlpPass pp = tg::mlp_forward(plus, P.X), pm = tg::mlp_forward(minus, P.X);
            if (patterns(pp) != pat || patterns(pm) != pat) {
              ++fd_skipped;  // a ReLU kink within +-h: the difference is not exact there
              continue;
            }
            ++fd_entries;
            const double fd = (0.5 * (pp.a.back() - P.Y).squaredNorm() - 0.5 * (pm.a.back() - P.Y).squaredNorm()) /
                              (2.0 * kStep);
            const double err = std::abs(fd - G[l](i)) / tol;
            if (err > worst_fd || std::isnan(err)) {
              worst_fd = std::isnan(err) ? INFINITY : err;
              fd_where = fmt::format("depth {} layer {} entry {}: backprop {:.17g}, central difference {:.17g}", L,
                                     l + 1, i, G[l](i), fd);
            }
          }
        }
      }
    }
    by_depth.push_back({{"depth", L}, {"claimed_grad_slope", L - 1}, {"min_slope_minus_claim", dmin},
                        {"max_slope_minus_claim", dmax}, {"max_weight_slope_deviation", wdev},
                        {"claimed_ratio_slope", L - 2}, {"min_ratio_slope", rmin}, {"max_ratio_slope", rmax},
                        {"gradients_suppressed_far_more_than_weights", L >= 3}});
  }
  r.checks.push_back(tolerance_record(
      "backprop (eq. 3-4) = exact central differences", "exact", worst_fd, 1.0,
      fmt::format("{} weights of 7 nets (depths 2..8), {} skipped at a ReLU kink; error in units of the rounding "
                  "bound{}",
                  fd_entries, fd_skipped, fd_where.empty() ? "" : "; worst: " + fd_where)));
  r.checks.push_back(tolerance_record("squared loss (sec. 2.2) = 50-digit forward pass written out", "exact", worst_loss, 1.0,
                                      "first net of each depth 2..8; error in units of the rounding bound gamma S; worst: " +
                                          loss_where));
  r.checks.push_back(tolerance_record(
      "log-log slope of ||dL/dW_l|| vs s equals L - 1", "exact", worst_grad, 1.0,
      fmt::format("{} layers of {} random nets per depth, depths 2..8, s = 2^-10..2^-26 (9 points); deviation in "
                  "units of the homogeneity bound + 1e-9; {} layers with identically zero gradient (dead ReLU paths) "
                  "excluded; worst: {}",
                  layers - zero_grad - out_of_range, kNetsPerDepth, zero_grad, grad_where)));
  r.checks.push_back(tolerance_record(
      "cross-entropy loss: log-log slope of ||dL/dW_l|| vs s equals L - 1", "exact", worst_ce, 1.0,
      fmt::format("{} layers of the same nets with random labels, {} with zero gradient (dead paths) and {} outside "
                  "the asymptotic range excluded; worst: {}",
                  ce_layers - ce_zero - ce_out_of_range, ce_zero, ce_out_of_range, ce_where)));
  r.checks.push_back(tolerance_record("log-log slope of ||W_l|| vs s equals 1", "exact", worst_w, 1.0,
                                  fmt::format("deviation in units of 1-ulp log rounding; worst: {}", w_where)));
  r.checks.push_back(tolerance_record(
      "log-log slope of the gradient-to-weight ratio ||dL/dW_l|| / ||W_l|| equals L - 2", "exact", worst_ratio, 1.0,
      fmt::format("same layers; deviation in units of the sum of the two bounds; ratio slope 0 at L = 2 (scale-free: "
                  "no 'far more' suppression), >= 1 for L >= 3; worst: {}",
                  ratio_where)));
  if (out_of_range + ce_out_of_range > 0) {
    CheckRecord c;
    c.name = "layers outside the asymptotic range";
    c.method = "property";
    c.verdict = Verdict::Inconclusive;
    c.detail = fmt::format("{} (squared loss) + {} (cross-entropy) layers with a relative residual change >= 1/2: "
                           "slope not decidable on this s grid",
                           out_of_range, ce_out_of_range);
    r.checks.push_back(c);
  }
  r.max_error = std::max({worst_grad, worst_ratio, worst_ce});
  r.extra["by_depth"] = by_depth;
  r.extra["zero_gradient_layers"] = zero_grad;
  summarize_listing_failures(r);
  return r;
}

}  // namespace regcheck::claims::gcsr
