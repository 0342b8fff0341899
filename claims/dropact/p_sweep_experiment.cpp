// dropact.fig2.p-sweep (Drop-Activation, sec. 4.2.1, fig. 2): the test error of a simple convnet
// (3 x [conv3x3, BN, ReLU, average pooling] + two dense layers) against the keep probability
// p = 0.60, 0.65, ..., 1.00 (p = 1 is plain ReLU), 20 runs per p with 95% CIs, "is minimal at
// p = 0.95"; the paper uses it as "a rough estimate" of p and claims no significance.
//
// Tests (test error e in percent; every arm of a seed shares the data order and initial weights,
// so each seed is a block and the tests are one-sample t tests of per-seed linear contrasts):
//   e(1.00) - e(0.95) > 0 (Drop-Activation at the paper's p beats plain ReLU);
//   the quadratic e = a + b u + c u^2, u = p - 0.8, fitted by least squares to each seed's nine
//   errors, has a minimum inside [0.85, 1.00]: its slope b + 2 c u is negative at p = 0.85 and
//   positive at p = 1.00 (together they imply c > 0; the curvature is reported outside the family).
// The contrasts have fixed weights (the p grid is the same for every seed), so no argmin is chosen
// on the runs that are tested; the argmin of the mean curve is reported only.
#include "claims/core/experiment.hpp"
#include "theory/require.hpp"

#include <Eigen/Dense>
#include <fmt/format.h>

#include <array>

namespace regcheck::claims {

namespace {
constexpr std::array<double, 9> kP{0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95, 1.00};
constexpr double kCenter = 0.8;  // u = p - 0.8 centres the grid: the 3 x 3 normal matrix is well conditioned
constexpr double kLo = 0.85, kHi = 1.00;  // the fitted minimum must lie in [kLo, kHi]

std::string arm_name(double p) { return fmt::format("p={:.2f}", p); }

// Rows 0..2 of the least-squares map from the nine errors to (a, b, c): W = (X^T X)^{-1} X^T with
// X = [1, u, u^2], by Householder QR (not the normal equations) for accuracy.
Eigen::Matrix<double, 3, 9> fit_weights() {
  Eigen::Matrix<double, 9, 3> X;
  for (int i = 0; i < 9; ++i) {
    const double u = kP[i] - kCenter;
    X(i, 0) = 1, X(i, 1) = u, X(i, 2) = u * u;
  }
  return X.householderQr().solve(Eigen::Matrix<double, 9, 9>::Identity());
}

std::vector<TestRow> analyze(const ExperimentRuns& runs) {
  std::vector<std::vector<double>> err;  // [arm][seed], percent
  for (double p : kP) {
    std::vector<double> e = runs.finals(arm_name(p), "test_accuracy");
    for (double& v : e) v = 100.0 * (1.0 - v);
    err.push_back(std::move(e));
  }
  const std::size_t n = err.front().size();
  for (std::size_t i = 0; i < kP.size(); ++i)
    REGCHECK_REQUIRE(err[i].size() == n, fmt::format("dropact.fig2.p-sweep: arm '{}' has {} runs, arm '{}' has {}: the contrasts are "
                                                     "per seed", arm_name(kP[i]), err[i].size(), arm_name(kP[0]), n));
  const Eigen::Matrix<double, 3, 9> W = fit_weights();
  std::vector<double> contrast, slope_lo, slope_hi, curv;
  for (std::size_t s = 0; s < n; ++s) {
    Eigen::Matrix<double, 9, 1> y;
    for (int i = 0; i < 9; ++i) y(i) = err[i][s];
    const Eigen::Vector3d abc = W * y;
    contrast.push_back(err[8][s] - err[7][s]);
    slope_lo.push_back(-(abc(1) + 2 * abc(2) * (kLo - kCenter)));
    slope_hi.push_back(abc(1) + 2 * abc(2) * (kHi - kCenter));
    curv.push_back(abc(2));
  }
  std::vector<TestRow> rows;
  rows.push_back(paired_row("err(p=1) - err(p=0.95) > 0", "Drop-Activation at p = 0.95 has lower test error (%) than plain ReLU (p = 1)",
                            contrast, +1));
  rows.push_back(paired_row("-slope(0.85) > 0",
                            "the per-seed quadratic fit of test error (%) over p falls at p = 0.85 (its minimum lies above 0.85)",
                            slope_lo, +1));
  rows.push_back(paired_row("slope(1.00) > 0",
                            "the per-seed quadratic fit of test error (%) over p rises at p = 1 (its minimum lies below 1)", slope_hi, +1));
  TestRow c = paired_row("curvature > 0", "the fitted quadratic is convex (implied by the two slope rows; reported)", curv, +1);
  c.in_family = false;
  rows.push_back(c);
  // The argmin of the mean curve and the vertex of the quadratic fitted to it (the mean of the
  // per-seed fits, the fit being linear in the errors): reported, chosen on these runs, never tested.
  std::array<double, 9> mean{};
  for (int i = 0; i < 9; ++i) {
    for (double v : err[i]) mean[i] += v / static_cast<double>(n);
  }
  int best = 0;
  for (int i = 1; i < 9; ++i)
    if (mean[i] < mean[best]) best = i;
  const Eigen::Vector3d abc = W * Eigen::Map<const Eigen::Matrix<double, 9, 1>>(mean.data());
  TestRow m = descriptive_row("argmin p", "the p of the lowest mean test error, and the vertex of the quadratic fitted to the mean curve");
  m.measured = kP[best];
  const bool convex = abc(2) > 0;
  const double vertex = convex ? kCenter - abc(1) / (2 * abc(2)) : NAN;
  m.verdict = best == 7 ? sim::Verdict::Holds : sim::Verdict::Fails;
  m.detail = fmt::format("mean test error {:.3f}% at p = {:.2f} (p = 0.95: {:.3f}%, p = 1: {:.3f}%); fitted quadratic {}", mean[best],
                         kP[best], mean[7], mean[8], convex ? fmt::format("convex, vertex p = {:.3f}", vertex) : std::string("not convex"));
  rows.push_back(m);
  return rows;
}

}  // namespace

void register_dropact_fig2_p_sweep(ExperimentRegistry& r) {
  Experiment e;
  e.id = "dropact.fig2.p-sweep";
  e.source = "dropact";
  e.claim = "The test error of a simple BN convnet over the keep probability p in 0.60..1.00 (step 0.05) is minimal at p = 0.95 "
            "(a rough estimate, no significance claimed).";
  e.hypothesis = "paired over seeds (shared data and init): err(p = 1) > err(p = 0.95); the per-seed least-squares quadratic of "
                 "err over p has slope < 0 at p = 0.85 and > 0 at p = 1 (a convex fit with its minimum in [0.85, 1])";
  e.test = "paired t on per-seed contrasts (3 rows, one-sided)";
  e.base_config = "dropact-p-sweep.json";
  for (double p : kP) {
    nlohmann::json patch = nlohmann::json::array();
    for (int layer : {2, 6, 10, 14}) patch.push_back(replace_op(fmt::format("/model/layers/{}/p", layer), p));
    e.arms.push_back({arm_name(p), p == 1.0 ? "keep probability 1: plain ReLU (the base config)"
                                            : fmt::format("every ReLU replaced by Drop-Activation, keep probability {:.2f}", p),
                      patch});
  }
  e.metric = "test_accuracy";
  e.curves = {"test_accuracy"};
  using sim::Verdict;
  auto widths = [](int c1, int c2, int c3, int fc) {
    return std::vector<nlohmann::json>{replace_op("/model/layers/0/out", c1), replace_op("/model/layers/4/out", c2),
                                       replace_op("/model/layers/8/out", c3), replace_op("/model/layers/13/out", fc)};
  };
  // Smoke: the pipeline only. Fashion-MNIST's decompression alone takes 0.5 s per run, so smoke
  // trains on the first 300 UCI digits as 1 x 8 x 8 images (8 -> 4 -> 2 -> 1 under the three
  // poolings), channels 4-8-16, FC 16, 4 epochs. Quick: channels 8-16-32, FC 64, the
  // first 1500 / 1000 Fashion-MNIST images, 2 epochs, 4 seeds. Paper: the shipped config
  // (16-32-64, FC 128, 6000 / 5000 images, 6 epochs), 20 seeds as in the paper.
  nlohmann::json smoke = nlohmann::json::array({replace_op("/data", {{"kind", "digits"}, {"test_fraction", 0.5}, {"train_limit", 300}}),
                                                replace_op("/model/input", {1, 8, 8}), replace_op("/epochs", 4)});
  for (auto& p : widths(4, 8, 16, 16)) smoke.push_back(p);
  nlohmann::json quick =
      nlohmann::json::array({replace_op("/data/train_limit", 1500), replace_op("/data/test_limit", 1000), replace_op("/epochs", 2)});
  for (auto& p : widths(8, 16, 32, 64)) quick.push_back(p);
  // Measured (seeds 1..n, 2 threads, 2 shared cores while other helpers built and ran):
  //  smoke (3 seeds, 1.5 s for both dropact IDs at load ~4): INCONCLUSIVE; the tiny digits convnet
  //  is barely trained (test accuracy 0.22-0.42), err(1) - err(0.95) 0.15 [-14.0, 14.3] points.
  //  quick (4 seeds, 79 s at load 3.9, 2.2 s per run; earlier designs: 2000 / 2000 images, batch 128,
  //  3 epochs 259 s at load 6-7.6; 2000 / 1000 images, batch 32, 2 epochs 132 s at load ~4, cut to
  //  1500 training images): INCONCLUSIVE. Test error 25.9-29.3% over p, lowest mean at p = 0.75
  //  (25.90%; p = 0.95: 29.25%, p = 1: 28.40%), mean-curve fit convex with vertex p = 0.739.
  //  err(1) - err(0.95) = -0.85 [-4.03, 2.33] points (detectable 4.9 at level 0.05/3);
  //  -slope(0.85) -5.2 [-22.9, 12.5] (detectable 27), slope(1) 12.2 [-21.7, 46.0] (detectable 52),
  //  points per unit p; curvature 23 [-31, 77] (reported).
  //  paper (20 seeds, 6 epochs on 6000 images, about 16 s per run): planned, not measured.
  e.plans[static_cast<int>(Scale::Smoke)] = {3, smoke, Verdict::Inconclusive, 0.05};
  e.plans[static_cast<int>(Scale::Quick)] = {4, quick, Verdict::Inconclusive, 2.2};
  e.plans[static_cast<int>(Scale::Paper)] = {20, nlohmann::json::array(), std::nullopt, 16};  // not measured (about 48 min)
  e.finding = "The paper's net is on CIFAR-10 with augmentation, 20 runs per p, channels, optimizer and epochs not given; here "
              "Fashion-MNIST subsets and SGD. The paper claims a point minimum at p = 0.95 and no significance. At quick scale "
              "(4 seeds, 1500 images, 2 epochs) the test error is flat over p within the seed noise (25.9-29.3%, lowest mean at "
              "p = 0.75): p = 0.95 is not better than ReLU (-0.85 [-4.03, 2.33] points) and the per-seed quadratic fits show "
              "no minimum in [0.85, 1]; the contrasts detect only effects of several points, far above the paper's.";
  e.analyze = analyze;
  r.add(std::move(e));
}

}  // namespace regcheck::claims
