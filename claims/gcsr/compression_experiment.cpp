// gcsr.tab3.compression (Gradient-coherent strong regularization, sec. 3.3, Table 3): "we choose
// a sparse model whose accuracy is equal to or higher than that of L1 baseline"; "our approach
// always (7 out of 7) obtains higher sparsity" than the best-tuned L1 baseline, with compression
// rate (1 - s_base) / (1 - s_ours). Sparsity = fraction of exact zeros after the prox (weights;
// the trainer's `sparsity`), no threshold pruning.
//
// Arms: L1 at every step ("l1-<lambda>", the baseline) and L1 under the delayed schedule of eq. 11
// with gamma = 5 ("delayed-<lambda>", "ours"; nets/configs/gcsr-delayed.json) over one lambda grid.
// Selection bias: both choices of the paper (the baseline's best lambda by mean accuracy, and
// "ours (sparse)" = the sparsest delayed lambda whose mean accuracy >= that best mean accuracy)
// are made on the SELECTION seeds (the first half, seeds 1..n/2) only; the tests run on the other
// half (the TEST seeds), where both arms of a seed share the initialization and the batch order, so
// they are paired. If no delayed lambda reaches the baseline's best accuracy on the selection
// seeds, "ours" is the most accurate delayed lambda and the accuracy row decides whether that is
// good enough (the claim can then fail on accuracy).
#include "claims/core/experiment.hpp"

#include <fmt/format.h>

namespace regcheck::claims {

namespace {
constexpr std::array<double, 4> kLambdas = {0.001, 0.003, 0.01, 0.03};
// Non-inferiority margin of "accuracy >= the baseline's best" on the test seeds: 0.01 (one point;
// 3.6 of the 360 DIGITS test images). The paper's condition is on observed means (its "ours"
// accuracies exceed the baseline's by 0.03-0.12 points with sd 0.01-0.62); a test of ">= exactly"
// cannot be won by a tie, so the tested statement is "no more than one point below".
constexpr double kMargin = 0.01;

std::string arm_name(bool delayed, double lambda) { return fmt::format("{}-{:g}", delayed ? "delayed" : "l1", lambda); }

// Mean of metric `key` of arm `name` over the runs with index in [lo, hi).
double mean_over(const ExperimentRuns& runs, const std::string& name, const char* key, std::size_t lo, std::size_t hi) {
  const std::vector<double> v = runs.finals(name, key);
  double s = 0;
  for (std::size_t i = lo; i < hi; ++i) s += v[i];
  return s / static_cast<double>(hi - lo);
}

std::vector<TestRow> analyze(const ExperimentRuns& runs) {
  const std::size_t n = runs.by_arm.front().size(), half = n / 2;
  if (half < 2 || n - half < 2) throw std::invalid_argument(fmt::format("gcsr.tab3.compression: {} seeds (need >= 4: half select, half test)", n));
  // Selection on seeds [0, half).
  std::string base, ours, best_delayed;
  double acc_star = -INFINITY, ours_sparsity = -INFINITY, best_delayed_acc = -INFINITY;
  for (double l : kLambdas) {
    const double a = mean_over(runs, arm_name(false, l), "test_accuracy", 0, half);
    if (a > acc_star) acc_star = a, base = arm_name(false, l);
  }
  for (double l : kLambdas) {
    const std::string d = arm_name(true, l);
    const double a = mean_over(runs, d, "test_accuracy", 0, half), s = mean_over(runs, d, "sparsity", 0, half);
    if (a >= acc_star && s > ours_sparsity) ours_sparsity = s, ours = d;
    if (a > best_delayed_acc) best_delayed_acc = a, best_delayed = d;
  }
  const bool reached = !ours.empty();
  if (!reached) ours = best_delayed;
  // Tests on seeds [half, n).
  auto test_half = [&](const std::string& arm, const char* key) {
    const std::vector<double> v = runs.finals(arm, key);
    return std::vector<double>(v.begin() + static_cast<std::ptrdiff_t>(half), v.end());
  };
  const std::vector<double> sb = test_half(base, "sparsity"), so = test_half(ours, "sparsity");
  const std::vector<double> ab = test_half(base, "test_accuracy"), ao = test_half(ours, "test_accuracy");
  std::vector<double> d_sparsity, d_acc, rate;
  for (std::size_t i = 0; i < sb.size(); ++i) {
    d_sparsity.push_back(so[i] - sb[i]);
    d_acc.push_back(ao[i] - ab[i] + kMargin);
    rate.push_back((1 - sb[i]) / (1 - so[i]));  // nonzero weights of the baseline / of ours
  }
  std::vector<TestRow> rows;
  TestRow sel = descriptive_row("selection (seeds 1..n/2)", "the baseline's best lambda by mean accuracy, and ours (sparse) = the sparsest "
                                "delayed lambda whose mean accuracy >= the baseline's best");
  sel.measured = acc_star;
  sel.verdict = reached ? sim::Verdict::Holds : sim::Verdict::Fails;
  sel.detail = reached ? fmt::format("baseline {} (mean accuracy {:.4f}); ours (sparse) {} (sparsity {:.4f})", base, acc_star, ours, ours_sparsity)
                       : fmt::format("baseline {} (mean accuracy {:.4f}); no delayed lambda reached it; most accurate: {} ({:.4f})", base,
                                     acc_star, ours, best_delayed_acc);
  rows.push_back(sel);
  rows.push_back(paired_row(fmt::format("sparsity({}) - sparsity({}) > 0", ours, base),
                            "test seeds: ours (sparse) has a larger fraction of exact zeros than the best L1 baseline", d_sparsity, +1));
  rows.push_back(paired_row(fmt::format("acc({}) - acc({}) + {} > 0", ours, base, kMargin),
                            fmt::format("test seeds: ours (sparse) is at most {} below the best baseline's accuracy (non-inferiority)", kMargin),
                            d_acc, +1));
  const MetricSummary r = summarize_metric(rate);
  TestRow c = descriptive_row("compression rate (1 - s_base)/(1 - s_ours)", "test seeds: mean over seeds of the per-seed rate, 95% CI (Table 3: 1.9x-9.9x)");
  c.measured = r.mean, c.measured_ci_lo = r.ci_lo, c.measured_ci_hi = r.ci_hi;
  c.verdict = r.ci_lo > 1 ? sim::Verdict::Holds : r.ci_hi < 1 ? sim::Verdict::Fails : sim::Verdict::Inconclusive;
  c.detail = fmt::format("{:.3g}x [{:.3g}, {:.3g}]", r.mean, r.ci_lo, r.ci_hi);
  rows.push_back(c);
  return rows;
}
}  // namespace

void register_gcsr_tab3_compression(ExperimentRegistry& r) {
  Experiment e;
  e.id = "gcsr.tab3.compression";
  e.source = "gcsr";
  e.claim = "L1 under the delayed schedule (eq. 11, gamma = 5) reaches higher sparsity (exact zeros) than the best-tuned L1 baseline "
            "at an accuracy at least the baseline's best (sec. 3.3, Table 3).";
  e.hypothesis = "lambdas chosen on seeds 1..n/2; paired over the other seeds: sparsity(ours) > sparsity(base), acc(ours) > acc(base) - 0.01; "
                 "compression rate with its CI (descriptive)";
  e.test = "paired t x2 (one-sided), selection on held-out seeds";
  e.base_config = "gcsr-delayed.json";
  for (bool delayed : {false, true})
    for (double l : kLambdas)
      e.arms.push_back({arm_name(delayed, l),
                        fmt::format("L1 lambda {:g} {}", l, delayed ? "from epoch gamma = 5 on (eq. 11)" : "at every step (baseline)"),
                        nlohmann::json::array({{{"op", "replace"}, {"path", "/gcsr/mode"}, {"value", delayed ? "delayed" : "always"}},
                                               {{"op", "replace"}, {"path", "/regularizer/lambda"}, {"value", l}}})});
  e.metric = "sparsity";
  e.curves = {"test_accuracy", "sparsity"};
  using sim::Verdict;
  // Smoke: 5 epochs with the schedule starting at epoch 2 (gamma = 5 would leave too few regularized epochs), 64-32-10.
  nlohmann::json smoke = epochs_patch(5);
  smoke.push_back({{"op", "replace"}, {"path", "/gcsr/gamma"}, {"value", 2}});
  smoke.push_back({{"op", "replace"}, {"path", "/model/layers/0/out"}, {"value", 64}});
  smoke.push_back({{"op", "replace"}, {"path", "/model/layers/2/out"}, {"value", 32}});
  // Measured (seeds 1..n, 2 threads, 2 shared cores). Smoke (6 seeds: 3 select, 3 test; 1.0 s alone at load ~1,
  // 90 runs of the 7-ID smoke family in 8 s): selects l1-0.001 (acc 0.903) and delayed-0.003; sparsity +0.0194
  // [0.0167, 0.0222] (p 0.00053), accuracy + 0.01 = 0.0119 [0.0079, 0.0159] (p 0.0030): HOLDS alone, but INCONCLUSIVE in the
  // full 15-ID smoke family of 50 rows (the accuracy row's p 0.003 > 0.05/50; a tiny 5-epoch net, not the claim's regime). Quick (30 seeds: 15 + 15; 44 s at load ~3): mean test accuracy over all 30 seeds l1 0.9688 /
  // 0.9654 / 0.9525 / 0.5279 (collapse at 0.03), delayed 0.9694 / 0.9669 / 0.9566 / 0.9472; sparsity l1 0.161 /
  // 0.551 / 0.860 / 0.991, delayed 0.135 / 0.486 / 0.826 / 0.952. Selection: l1-0.001 (0.9708) and delayed-0.001,
  // the only delayed lambda reaching it; sparsity difference -0.0261 [-0.0273, -0.0249]: FAILS; accuracy row
  // 0.0107 [0.0093, 0.0122] (HOLDS); compression rate 0.970x [0.968, 0.971]. Paper (60 seeds: 30 + 30, 60 epochs;
  // 480 runs, 0.5-1.2 s each at load ~4.5, about 5 min): accuracy l1 0.9708 / 0.9676 / 0.9579 / 0.5299, delayed
  // 0.9709 / 0.9679 / 0.9594 / 0.9480; sparsity l1 0.385 / 0.729 / 0.917 / 0.992, delayed 0.355 / 0.709 / 0.905 /
  // 0.966. Selection: l1-0.001 (0.9713); no delayed lambda reached it (delayed-0.001 just below, used): sparsity
  // -0.0306 [-0.0318, -0.0293]: FAILS; accuracy row HOLDS; compression rate 0.953x [0.951, 0.955].
  e.plans[static_cast<int>(Scale::Smoke)] = {6, smoke, Verdict::Inconclusive, 0.02};
  e.plans[static_cast<int>(Scale::Quick)] = {30, epochs_patch(30), Verdict::Fails, 0.2};
  e.plans[static_cast<int>(Scale::Paper)] = {60, epochs_patch(60), Verdict::Fails, 0.45};
  e.finding = "The paper's nets are AlexNet and VGG on CIFAR and SVHN; here the 64-128-64-10 MLP of gcsr-delayed.json on the UCI digits, "
              "lambda in {0.001, 0.003, 0.01, 0.03}, 30 epochs. L1 does not raise the accuracy here: the baseline's best is its weakest "
              "lambda, and at equal lambda the delayed schedule regularizes fewer epochs, so it is less sparse; stronger delayed "
              "lambdas are sparser but below the baseline's best accuracy. The schedule does avoid the baseline's collapse at "
              "lambda = 0.03 (accuracy 0.95 vs 0.53, the paper's fig. 1/6 story), but the Table 3 claim FAILS on this data.";
  e.analyze = analyze;
  r.add(std::move(e));
}

}  // namespace regcheck::claims
