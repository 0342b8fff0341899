// gcsr.fig1.tolerance (Gradient-coherent strong regularization, sec. 1 and 3.1, figs. 1 and 6):
// "the accuracy increases as we enforce stronger regularization with greater lambda. However, it
// suddenly drops to 1.0% [chance] after enforcing a little stronger regularization"; the delayed
// schedule (eq. 11, gamma = 5, "ours") "does not fail for higher values of lambda" but "performs
// poorly for very strong regularization", where the gated rule (eq. 8, mu = 0.6, "ours_orig")
// stays accurate because it "skips regularization if the quality of gradients is not good".
//
// nets/configs/gcsr-tolerance.json: a 64-128-128-128-10 ReLU MLP with dropout 0.5 on the UCI
// digits, the paper's common settings (SGD momentum 0.9, batch 128, lr 0.05, no batch norm, L1
// by the prox of eq. 10, biases not regularized; L2 arms with Omega = ||w||^2). The lambdas are
// fixed in advance from a seed-1 pilot sweep (L1 1e-3, 3e-3: accurate; 1e-2: partly failing; 2e-2,
// 3e-2: chance; L2 3e-3: 0.93, 1e-2: 0.74, 3e-2: chance), not chosen on the analysed runs (seed 1
// is among them; with effects of 0.6-0.9 in accuracy one seed does not drive the tests). All arms of a seed share the data split and the initial weights: paired tests.
#include "claims/core/experiment.hpp"
#include "claims/gcsr/tolerance_rows.hpp"

#include <fmt/format.h>

namespace regcheck::claims {

namespace {
const char* kAcc = "test_accuracy";
using gcsr_rows::accuracy_gap;

std::vector<TestRow> analyze(const ExperimentRuns& runs) {
  std::vector<TestRow> rows;
  rows.push_back(paired_row("acc(L1 1e-3) - acc(none) > 0", "accuracy rises with lambda below the tolerance: L1 lambda = 1e-3 beats "
                            "no L1 (both with dropout)", accuracy_gap(runs, "l1-1e-3", "none"), +1));
  rows.push_back(paired_row("acc(L1 1e-3) - acc(L1 2e-2) > 0", "a little stronger lambda (beyond the tolerance) makes the accuracy "
                            "drop suddenly", accuracy_gap(runs, "l1-1e-3", "l1-2e-2"), +1));
  rows.push_back(gcsr_rows::chance_row(runs, "l1-2e-2", "L1 2e-2", "beyond the tolerance learning fails: the accuracy is at chance"));
  rows.push_back(paired_row("acc(delayed 2e-2) - acc(L1 2e-2) > 0", "the delayed schedule (eq. 11, gamma = 5) avoids the collapse at "
                            "the lambda where the baseline collapses", accuracy_gap(runs, "delayed-2e-2", "l1-2e-2"), +1));
  rows.push_back(paired_row("acc(delayed 2e-2) - acc(delayed 1e-1) > 0", "the delayed schedule performs poorly for very strong "
                            "lambda", accuracy_gap(runs, "delayed-2e-2", "delayed-1e-1"), +1));
  rows.push_back(paired_row("acc(gated 1e-1) - acc(delayed 1e-1) > 0", "at very strong lambda the gated rule (eq. 8, mu = 0.6) "
                            "stays accurate where the delayed one does not", accuracy_gap(runs, "gated-1e-1", "delayed-1e-1"), +1));
  // The same collapse and rescue with L2 (Omega = ||w||^2), lambdas from the same pilot (3e-3: 0.93, 3e-2: chance).
  rows.push_back(paired_row("acc(L2 3e-3) - acc(L2 3e-2) > 0", "L2: a stronger lambda beyond the tolerance makes the accuracy drop "
                            "suddenly", accuracy_gap(runs, "l2-3e-3", "l2-3e-2"), +1));
  rows.push_back(gcsr_rows::chance_row(runs, "l2-3e-2", "L2 3e-2", "L2 beyond the tolerance: the accuracy is at chance"));
  rows.push_back(paired_row("acc(delayed L2 3e-2) - acc(L2 3e-2) > 0", "L2: the delayed schedule avoids the collapse",
                            accuracy_gap(runs, "delayed-l2-3e-2", "l2-3e-2"), +1));
  // How much the gated rule regularized: sparsity (exact zeros) and the share of imposed steps.
  TestRow g = descriptive_row("gated 1e-1: sparsity, imposed steps", "how often eq. 8 imposed the very strong lambda (informative)");
  const auto sp = summarize_metric(runs.finals("gated-1e-1", "sparsity"));
  double on = 0, all = 0;  // over every epoch and seed
  for (const RunRecord& run : runs.arm("gated-1e-1"))
    for (const auto& ep : run.history) on += metric(ep, "regularized_steps"), all += metric(ep, "steps");
  g.measured = on / all;
  g.verdict = sim::Verdict::Holds;
  g.detail = fmt::format("mean final sparsity {:.3f}; {:.0f} of {:.0f} steps imposed (all epochs and seeds)", sp.mean, on, all);
  rows.push_back(g);
  return rows;
}

nlohmann::json arm_patch(double lambda, const char* mode, const char* kind = "l1") {
  nlohmann::json p = nlohmann::json::array({{{"op", "replace"}, {"path", "/regularizer"}, {"value", {{"kind", kind}, {"lambda", lambda}}}}});
  if (std::string(mode) == "delayed")
    p.push_back({{"op", "replace"}, {"path", "/gcsr"}, {"value", {{"mode", "delayed"}, {"gamma", 5}}}});
  if (std::string(mode) == "gated") p.push_back({{"op", "replace"}, {"path", "/gcsr"}, {"value", {{"mode", "gated"}, {"mu", 0.6}}}});
  return p;
}
}  // namespace

void register_gcsr_fig1_tolerance(ExperimentRegistry& r) {
  Experiment e;
  e.id = "gcsr.fig1.tolerance";
  e.source = "gcsr";
  e.claim = "Accuracy rises with lambda, then drops suddenly to chance beyond a tolerance; the delayed schedule (eq. 11) avoids "
            "the collapse there but degrades at very strong lambda, where the gated rule (eq. 8) stays accurate (figs. 1, 6).";
  e.hypothesis = "paired over seeds (shared split and init): acc(L1 1e-3) > acc(none); acc(L1 1e-3) > acc(L1 2e-2); TOST: "
                 "acc(L1 2e-2) in 1/10 +- 0.05; acc(delayed 2e-2) > acc(L1 2e-2); acc(delayed 2e-2) > acc(delayed 1e-1); "
                 "acc(gated 1e-1) > acc(delayed 1e-1); L2: acc(3e-3) > acc(3e-2), TOST acc(3e-2) in 1/10 +- 0.05, "
                 "acc(delayed 3e-2) > acc(3e-2)";
  e.test = "paired t x7 (one-sided) + equivalence (TOST) x2";
  e.base_config = "gcsr-tolerance.json";
  e.arms = {
      {"none", "no L1 (dropout only): regularizer lambda 0", arm_patch(0.0, "always")},
      {"l1-1e-3", "baseline L1 lambda = 1e-3 (below the tolerance) from the first step", arm_patch(1e-3, "always")},
      {"l1-2e-2", "the base config: baseline L1 lambda = 2e-2 (beyond the tolerance) from the first step", nlohmann::json::array()},
      {"delayed-2e-2", "L1 lambda = 2e-2 from epoch gamma = 5 on (eq. 11, 'ours')", arm_patch(2e-2, "delayed")},
      {"delayed-1e-1", "L1 lambda = 1e-1 (very strong) from epoch 5 on", arm_patch(1e-1, "delayed")},
      {"gated-1e-1", "L1 lambda = 1e-1 imposed only when pi > mu = 0.6 (eq. 8, 'ours_orig')", arm_patch(1e-1, "gated")},
      {"l2-3e-3", "baseline L2 (Omega = ||w||^2) lambda = 3e-3 from the first step", arm_patch(3e-3, "always", "l2")},
      {"l2-3e-2", "baseline L2 lambda = 3e-2 (beyond the tolerance) from the first step", arm_patch(3e-2, "always", "l2")},
      {"delayed-l2-3e-2", "L2 lambda = 3e-2 from epoch gamma = 5 on (eq. 11)", arm_patch(3e-2, "delayed", "l2")},
  };
  e.metric = kAcc;
  e.curves = {kAcc, "sparsity", "mean_abs_grad_all"};
  using sim::Verdict;
  auto op = [](const char* path, const nlohmann::json& v) { return nlohmann::json{{"op", "replace"}, {"path", path}, {"value", v}}; };
  // Smoke only: hidden widths 32, 600 training and 200 test images, batch 32, 8 epochs.
  nlohmann::json smoke = nlohmann::json::array({op("/epochs", 8), op("/batch_size", 32), op("/model/layers/0/out", 32),
                                                op("/model/layers/3/out", 32), op("/model/layers/6/out", 32)});
  smoke.push_back({{"op", "add"}, {"path", "/data/train_limit"}, {"value", 600}});
  smoke.push_back({{"op", "add"}, {"path", "/data/test_limit"}, {"value", 200}});
  // Measured (seeds 1..n, 1 thread, 2 shared cores at load ~4-7), effects [95% CI]:
  //  smoke (3 seeds, 1 s): every row INCONCLUSIVE (drop 0.323 [0.175, 0.472], p_holm 0.05; rise -0.005 [-0.18, 0.17]).
  //  quick (10 seeds, 20 epochs, 43 s at load ~4.2): rise 0.0003 [-0.0026, 0.0032] (detectable 0.005): INCONCLUSIVE;
  //  L1: drop 0.879 [0.872, 0.886], L1 2e-2 at 0.084 [0.077, 0.092] (chance band), delayed - L1 0.736 [0.692, 0.780],
  //  delayed 2e-2 - delayed 1e-1 0.736 [0.692, 0.780], gated - delayed 1e-1 0.879 [0.872, 0.887]; L2: drop 0.867
  //  [0.855, 0.879], L2 3e-2 at 0.084 [0.077, 0.092], delayed - L2 0.576 [0.503, 0.648]: HOLDS (p_holm <= 5e-8).
  e.plans[static_cast<int>(Scale::Smoke)] = {3, smoke, Verdict::Inconclusive, 0.05};
  e.plans[static_cast<int>(Scale::Quick)] = {10, nlohmann::json::array({op("/epochs", 20)}), Verdict::Inconclusive, 0.5};
  //  paper (30 seeds, 30 epochs, 4 min 2 s at load ~4): rise 0.0010 [-0.0015, 0.0035] (detectable 0.004):
  //  INCONCLUSIVE; drop 0.881 [0.875, 0.886], chance 0.085 [0.082, 0.089], delayed - L1 0.807 [0.797, 0.816], delayed
  //  degrades 0.807, gated - delayed 0.880 [0.875, 0.885]; L2 drop 0.873 [0.868, 0.879], chance 0.086 [0.082, 0.090],
  //  delayed - L2 0.615 [0.580, 0.650]: HOLDS; gated imposed 0 of 10800 steps.
  e.plans[static_cast<int>(Scale::Paper)] = {30, nlohmann::json::array(), Verdict::Inconclusive, 0.9};
  e.finding = "The paper's nets are VGG-16 and AlexNet on CIFAR-100; here a 3-hidden-layer MLP with dropout 0.5 on the UCI digits. "
              "The collapse is reproduced: L1 2e-2 from the first step ends at chance (0.085, one class), 0.88 below L1 1e-3; the "
              "delayed schedule (gamma = 5) reaches 0.82-0.89 there and itself collapses at 1e-1. With L2 the same: 3e-2 at chance, "
              "0.87 below 3e-3, the delayed schedule 0.66 there. The rise of accuracy with lambda "
              "is not seen (L1 1e-3 - none: +0.001 [-0.0015, 0.0035] over 30 seeds; dropout already regularizes this small net), "
              "so the claim is INCONCLUSIVE. The gated rule 'stays accurate' only by never imposing: with mu = 0.6 the gate opened "
              "in 0 of 10800 steps (pi peaks near 0.58 on this net, gcsr.fig3.coherence), so the arm equals the unregularized net.";
  e.analyze = analyze;
  r.add(std::move(e));
}

}  // namespace regcheck::claims
