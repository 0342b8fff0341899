// gcsr.fig2.gradient-decay (Gradient-coherent strong regularization, sec. 2.2, fig. 2c): with a
// lambda just below the tolerance, "in a couple of epochs" the models "obtain gradients that are
// two orders of magnitude greater than their initial gradients"; beyond it "the magnitudes of
// gradients rather decay exponentially". |grad L| is the gradient of the loss WITHOUT the penalty.
//
// The trainer logs mean_abs_grad_all, the mean |dL/dw| over all weights averaged over an epoch's
// steps (before the penalty's gradient is added). Per seed, the least-squares slope of
// ln(mean_abs_grad_all) against the epoch over the first kWindow epochs (the window is fixed in
// advance, not chosen on the runs): negative = exponential decay, positive = growth; the growth
// factor is the ratio at epoch kWindow to epoch 1 (a fixed epoch, so no peak is picked on the runs).
// Base config nets/configs/gcsr-tolerance.json (L1 by the prox, mode always): lambda 3e-3 (below
// the tolerance: seed-1 pilot accuracy 0.96) against 2e-2 (beyond it: chance). The paper's pair is
// 1e-3 / 2e-3 on VGG-16; ours are a factor 7 apart because the MLP's tolerance lies between them.
#include "claims/core/experiment.hpp"

#include <fmt/format.h>

#include <cmath>

namespace regcheck::claims {

namespace {
const char* kGrad = "mean_abs_grad_all";
constexpr std::size_t kWindow = 10;  // epochs 1..10 (the paper's close-up shows the first 20 of VGG-16's)

// Least-squares slope of ln g_e against e = 1..kWindow (closed form: sum (e - ebar) ln g_e / sum (e - ebar)^2).
double log_slope(const RunRecord& r) {
  if (r.history.size() < kWindow)
    throw std::invalid_argument(fmt::format("gcsr.fig2.gradient-decay: {} epochs, need >= {}", r.history.size(), kWindow));
  const double ebar = (kWindow + 1) / 2.0;
  double sxy = 0, sxx = 0;
  for (std::size_t k = 0; k < kWindow; ++k) {
    const double x = static_cast<double>(k + 1) - ebar;
    sxy += x * std::log(metric(r.history[k], kGrad));
    sxx += x * x;
  }
  return sxy / sxx;
}
// log10 of g(epoch kWindow) / g(epoch 1) minus 1: positive when the gradient grew by more than
// an order of magnitude.
double orders_beyond_one(const RunRecord& r) {
  return std::log10(metric(r.history[kWindow - 1], kGrad) / metric(r.history.front(), kGrad)) - 1;
}

std::vector<double> per_run(const std::vector<RunRecord>& runs, double (*f)(const RunRecord&)) {
  std::vector<double> v;
  for (const RunRecord& r : runs) v.push_back(f(r));
  return v;
}

std::vector<TestRow> analyze(const ExperimentRuns& runs) {
  const auto& below = runs.arm("below");
  const auto& beyond = runs.arm("beyond");
  std::vector<TestRow> rows;
  rows.push_back(paired_row(fmt::format("slope ln|g| (beyond), epochs 1-{} < 0", kWindow),
                            "beyond the tolerance the mean |dL/dw| decays exponentially: negative log-linear slope per epoch",
                            per_run(beyond, log_slope), -1));
  rows.push_back(paired_row(fmt::format("slope ln|g| (below), epochs 1-{} > 0", kWindow),
                            "below the tolerance the mean |dL/dw| grows: positive log-linear slope per epoch", per_run(below, log_slope), +1));
  rows.push_back(paired_row(fmt::format("log10 g({})/g(1) (below) - 1 > 0", kWindow),
                            "below the tolerance the gradients grow by orders of magnitude (more than a factor 10; the paper: 100)",
                            per_run(below, orders_beyond_one), +1));
  // The factors themselves (geometric means over seeds), informative.
  TestRow f = descriptive_row(fmt::format("g({0})/g(1) below, beyond", kWindow), "growth and decay factors of the mean |dL/dw| (informative)");
  auto gmean = [](const std::vector<RunRecord>& arm) {
    double s = 0;
    for (const RunRecord& r : arm) s += std::log10(metric(r.history[kWindow - 1], kGrad) / metric(r.history.front(), kGrad));
    return std::pow(10.0, s / static_cast<double>(arm.size()));
  };
  f.measured = gmean(below);
  f.verdict = sim::Verdict::Holds;
  f.detail = fmt::format("geometric means over seeds: x{:.3g} below, x{:.3g} beyond", gmean(below), gmean(beyond));
  rows.push_back(f);
  return rows;
}
}  // namespace

void register_gcsr_fig2_gradient_decay(ExperimentRegistry& r) {
  Experiment e;
  e.id = "gcsr.fig2.gradient-decay";
  e.source = "gcsr";
  e.claim = "Beyond the tolerance the mean |dL/dw| decays exponentially over the first epochs; just below it the gradients grow "
            "by orders of magnitude (two, in fig. 2c) in a couple of epochs.";
  e.hypothesis = "one-sample t over seeds of per-seed least-squares slopes of ln mean|dL/dw| over epochs 1-10: slope(beyond) < 0, "
                 "slope(below) > 0; growth below: log10 g(10)/g(1) > 1";
  e.test = "one-sample t x3 (one-sided)";
  e.base_config = "gcsr-tolerance.json";
  e.arms = {
      {"below", "L1 lambda = 3e-3 (below the tolerance) from the first step",
       nlohmann::json::parse(R"([{"op": "replace", "path": "/regularizer/lambda", "value": 0.003}])")},
      {"beyond", "the base config: L1 lambda = 2e-2 (beyond the tolerance) from the first step", nlohmann::json::array()},
  };
  e.metric = kGrad;
  e.curves = {kGrad, "test_accuracy", "train_loss"};
  using sim::Verdict;
  // Smoke only: 400 training and 200 test images, batch 32.
  nlohmann::json smoke = epochs_patch(10);
  smoke.push_back({{"op", "replace"}, {"path", "/batch_size"}, {"value", 32}});
  smoke.push_back({{"op", "add"}, {"path", "/data/train_limit"}, {"value", 400}});
  smoke.push_back({{"op", "add"}, {"path", "/data/test_limit"}, {"value", 200}});
  // Measured (seeds 1..n, 1 thread, 2 shared cores at load ~5-6), effects [95% CI]:
  //  smoke (3 seeds, 1.2 s): slope beyond -0.302 [-0.338, -0.266], below +0.227 [0.206, 0.247]; growth x5.3,
  //  log10 - 1 = -0.276 [-0.327, -0.226]: FAILS.
  //  quick (10 seeds, 6 s): slope beyond -0.323 [-0.332, -0.313], below +0.240 [0.232, 0.248] (both HOLD, p_holm
  //  <= 2e-13); log10 g(10)/g(1) - 1 = -0.268 [-0.299, -0.238]: FAILS (growth x5.4, not 10).
  e.plans[static_cast<int>(Scale::Smoke)] = {3, smoke, Verdict::Fails, 0.1};
  e.plans[static_cast<int>(Scale::Quick)] = {10, epochs_patch(10), Verdict::Fails, 0.3};
  //  paper (30 seeds, 20 epochs, 43 s at load ~5.8): slopes -0.322 [-0.328, -0.315] and +0.245 [0.240, 0.250] HOLD;
  //  growth x5.6 (decay x0.057 beyond), log10 - 1 = -0.250 [-0.269, -0.231]: FAILS.
  e.plans[static_cast<int>(Scale::Paper)] = {30, epochs_patch(20), Verdict::Fails, 0.7};
  e.finding = "The paper's net is VGG-16 on CIFAR-100 (lambda 1e-3 vs 2e-3); here a 3-hidden-layer MLP with dropout 0.5 on the "
              "UCI digits, L1 3e-3 vs 2e-2. Both directions are reproduced: beyond the tolerance ln mean|dL/dw| falls by 0.32 per "
              "epoch (x0.06 over 10 epochs, then a floor near 2e-5), below it rises by 0.24 per epoch. But the growth is a factor "
              "5-6 over 10 epochs, not the orders of magnitude of the claim (two in the paper), so the claim FAILS as stated; the "
              "size of the growth likely depends on depth (eq. 5: products of later layers' weights), which this small net lacks.";
  e.analyze = analyze;
  r.add(std::move(e));
}

}  // namespace regcheck::claims
