// gcsr.fig7.depth (Gradient-coherent strong regularization, sec. 3.2, fig. 7): "As more hidden
// layers are added to the network, the tolerance level where the baseline suddenly fails is more
// and more decreased" (VGG-11/16/19 on SVHN, L2). Sec. 2.2 explains it: dL/dw of a layer carries
// the product of the later layers' weights, which strong regularization shrinks (eq. 5).
//
// nets/configs/gcsr-depth.json: ReLU MLPs of width 128 with dropout 0.5 on the UCI digits, the
// paper's common settings, L2 with Omega = ||w||^2 from the first step (the baseline). Depths 1,
// 3, 5 hidden layers; lambdas fixed in advance from a seed-1 pilot (20 epochs: depth 5 fails at
// 3e-3, depth 3 at 3e-2, depth 1 not at 3e-2): the tolerance ordering tol(5) <= 3e-3 < tol(3) <=
// 3e-2 < tol(1) is tested as "fails" (TOST at chance) and "the shallower one does not" (paired
// over seeds: the arms of a seed share the data split). Seed 1 of the pilot is among the tested
// seeds; with effects of this size (accuracy 0.9 against 0.1) one seed does not drive the tests.
#include "claims/core/experiment.hpp"
#include "claims/gcsr/tolerance_rows.hpp"

#include <fmt/format.h>

namespace regcheck::claims {

namespace {
const char* kAcc = "test_accuracy";
using gcsr_rows::accuracy_gap;
using gcsr_rows::chance_row;

std::vector<TestRow> analyze(const ExperimentRuns& runs) {
  std::vector<TestRow> rows;
  rows.push_back(chance_row(runs, "depth5-3e-3", "depth5-3e-3", "5 hidden layers fail (chance accuracy) at L2 lambda = 3e-3"));
  rows.push_back(paired_row("acc(depth3 3e-3) - acc(depth5 3e-3) > 0", "3 hidden layers do not fail at lambda = 3e-3 where 5 do",
                            accuracy_gap(runs, "depth3-3e-3", "depth5-3e-3"), +1));
  rows.push_back(chance_row(runs, "depth3-3e-2", "depth3-3e-2", "3 hidden layers fail (chance accuracy) at L2 lambda = 3e-2"));
  rows.push_back(paired_row("acc(depth1 3e-2) - acc(depth3 3e-2) > 0", "1 hidden layer does not fail at lambda = 3e-2 where 3 do",
                            accuracy_gap(runs, "depth1-3e-2", "depth3-3e-2"), +1));
  // Control: without L2 the 5-layer net learns, so its failure is the regularization's.
  TestRow c = descriptive_row("acc(depth5 no L2)", "the deepest net learns without L2 (informative control)");
  const MetricSummary s = summarize_metric(runs.finals("depth5-none", kAcc));
  c.measured = s.mean, c.measured_ci_lo = s.ci_lo, c.measured_ci_hi = s.ci_hi;
  c.verdict = s.ci_lo > gcsr_rows::kChance + gcsr_rows::kChanceTol ? sim::Verdict::Holds : sim::Verdict::Fails;
  c.detail = fmt::format("mean {:.4f} [{:.4f}, {:.4f}] (above chance + {} when HOLDS)", s.mean, s.ci_lo, s.ci_hi, gcsr_rows::kChanceTol);
  rows.push_back(c);
  return rows;
}

// Hidden layers of width w with dropout 0.5, then the 10-way output.
nlohmann::json layers(int depth, int width) {
  nlohmann::json l = nlohmann::json::array();
  for (int i = 0; i < depth; ++i) {
    l.push_back({{"type", "dense"}, {"out", width}});
    l.push_back({{"type", "relu"}});
    l.push_back({{"type", "dropout"}, {"p", 0.5}});
  }
  l.push_back({{"type", "dense"}, {"out", 10}});
  return l;
}
nlohmann::json arm_patch(int depth, double lambda) {
  return nlohmann::json::array({{{"op", "replace"}, {"path", "/model/layers"}, {"value", layers(depth, 128)}},
                                {{"op", "replace"}, {"path", "/regularizer/lambda"}, {"value", lambda}}});
}
}  // namespace

void register_gcsr_fig7_depth(ExperimentRegistry& r) {
  Experiment e;
  e.id = "gcsr.fig7.depth";
  e.source = "gcsr";
  e.claim = "Deeper networks fail at smaller lambda: the baseline's tolerance level of L2 regularization decreases as hidden layers "
            "are added (sec. 3.2, fig. 7).";
  e.hypothesis = "TOST: acc(depth 5, L2 3e-3) and acc(depth 3, L2 3e-2) in 1/10 +- 0.05; paired over seeds: acc(depth 3) > acc(depth 5) "
                 "at 3e-3, acc(depth 1) > acc(depth 3) at 3e-2";
  e.test = "equivalence (TOST) x2 + paired t x2 (one-sided)";
  e.base_config = "gcsr-depth.json";
  e.arms = {
      {"depth5-3e-3", "the base config: 5 hidden layers, L2 lambda = 3e-3", nlohmann::json::array()},
      {"depth3-3e-3", "3 hidden layers, L2 lambda = 3e-3", arm_patch(3, 3e-3)},
      {"depth3-3e-2", "3 hidden layers, L2 lambda = 3e-2", arm_patch(3, 3e-2)},
      {"depth1-3e-2", "1 hidden layer, L2 lambda = 3e-2", arm_patch(1, 3e-2)},
      {"depth5-none", "5 hidden layers, no L2 (lambda 0): control", arm_patch(5, 0.0)},
  };
  e.metric = kAcc;
  e.curves = {kAcc, "mean_abs_grad_all"};
  using sim::Verdict;
  auto op = [](const char* path, const nlohmann::json& v) { return nlohmann::json{{"op", "replace"}, {"path", path}, {"value", v}}; };
  // Smoke only: 600 training and 200 test images, batch 32, 8 epochs.
  nlohmann::json smoke = nlohmann::json::array({op("/epochs", 8), op("/batch_size", 32)});
  smoke.push_back({{"op", "add"}, {"path", "/data/train_limit"}, {"value", 600}});
  smoke.push_back({{"op", "add"}, {"path", "/data/test_limit"}, {"value", 200}});
  // Measured (seeds 1..n, 1 thread, 2 shared cores at load ~5.5), effects [95% CI]:
  //  smoke (3 seeds, 2 s wall / 1 s CPU; with 400 images and 6 epochs it took 1.1 s but the chance bands reached
  //  p 0.01-0.03: HOLDS alone, INCONCLUSIVE in the full family, so the smoke verdict would depend on the run): depth 3 - depth 5 at 3e-3 0.690 [0.653, 0.727], depth 1 - depth 3 at 3e-2
  //  0.727 [0.577, 0.876] HOLD; chance bands 0.072 [0.032, 0.112] (3 seeds): INCONCLUSIVE.
  //  quick (10 seeds, 20 epochs, 21 s): depth 5 at 3e-3 0.084 [0.077, 0.092], depth 3 at 3e-2 0.084 [0.077, 0.092]
  //  (chance), depth 3 - depth 5 0.867 [0.855, 0.879], depth 1 - depth 3 0.805 [0.794, 0.815]: HOLDS (p_holm <= 3e-6).
  e.plans[static_cast<int>(Scale::Smoke)] = {3, smoke, Verdict::Inconclusive, 0.1};
  e.plans[static_cast<int>(Scale::Quick)] = {10, nlohmann::json::array({op("/epochs", 20)}), Verdict::Holds, 0.4};
  //  paper (30 seeds, 30 epochs, 2 min 53 s): chance 0.087 [0.083, 0.091] and 0.086 [0.082, 0.090], depth 3 - depth 5
  //  0.873 [0.867, 0.878], depth 1 - depth 3 0.802 [0.796, 0.808]: HOLDS; control depth 5 without L2 0.763 [0.731, 0.796].
  e.plans[static_cast<int>(Scale::Paper)] = {30, nlohmann::json::array(), Verdict::Holds, 1.2};
  e.finding = "The paper's nets are VGG-11/16/19 on SVHN; here dropout MLPs with 1, 3, 5 hidden layers on the UCI digits, L2 only. "
              "The tolerance ordering tol(5) <= 3e-3 < tol(3) <= 3e-2 < tol(1) holds with large effects: 5 hidden layers are at "
              "chance at 3e-3 where 3 reach 0.96, and 3 are at chance at 3e-2 where 1 reaches 0.89. The deepest net also learns "
              "slowly without L2 (0.51 after 20 epochs, 0.76 after 30: dropout 0.5 after every layer), but far above chance.";
  e.analyze = analyze;
  r.add(std::move(e));
}

}  // namespace regcheck::claims
