// dropact.fig6.bn-shift (Drop-Activation, sec. 5.2, fig. 6): in a batch-normalized network
// trained with Drop-Activation the shift ratio Var(X_test) / Var(X_train) of the BN input
// "stabilizes at 1 in the end of training". Measured by the trainer's variance_probe
// (nets/configs/dropact-bn-shift.json, the residual block's output = the next BN's input, mean
// over channels of eval / train variance on the held-out examples) after the last epoch.
#include "claims/core/experiment.hpp"
#include "theory/dropact.hpp"

#include <fmt/format.h>

namespace regcheck::claims {

namespace {
constexpr double kKeep = 0.95;  // the config's Drop-Activation keep probability (and dropout's retain probability)
const char* kRatio = "variance_probe.shift_ratio_mean";

std::vector<TestRow> analyze(const ExperimentRuns& runs) {
  const std::vector<double> da = runs.finals("drop-activation", kRatio), dr = runs.finals("dropout", kRatio);
  const double eq15 = theory::dropact::shift_ratio(kKeep), li = theory::dropact::dropout_shift_ratio(kKeep);
  // Tolerance of every band: half the gap between eq. 15's iid-Gaussian value and 1, so the band
  // "about 1" and the band around the theory do not overlap: a HOLDS in one excludes the other.
  const double tol = (1 - eq15) / 2, tol_dropout = (1 - li) / 2;
  const std::string why = fmt::format("+-{:.4f} = (1 - eq. 15 at p = {}) / 2: the bands around 1 and around eq. 15 do not overlap", tol, kKeep);
  std::vector<TestRow> rows;
  rows.push_back(band_row("ratio(drop-activation) ~ 1", "the final shift ratio with Drop-Activation lies within the band around 1",
                          da, 1 - tol, 1 + tol, 1.0, why));
  rows.push_back(welch_row("ratio(drop-activation) > ratio(dropout)",
                           "the final shift ratio is larger (closer to 1) with Drop-Activation than with dropout at the same keep probability",
                           da, dr, +1));
  TestRow t = band_row("theory: ratio(drop-activation) vs eq. 15",
                       fmt::format("the trained net's ratio matches eq. 15 at p = {} (iid N(0, 1) inputs): {:.4f}", kKeep, eq15), da,
                       eq15 - tol, eq15 + tol, eq15, why);
  t.in_family = false;
  rows.push_back(t);
  TestRow d = band_row("theory: ratio(dropout) vs Li et al.",
                       fmt::format("the dropout arm's ratio matches dropout's closed form at retain {} (iid N(0, 1) inputs): {:.4f}", kKeep, li),
                       dr, li - tol_dropout, li + tol_dropout, li,
                       fmt::format("+-{:.4f} = (1 - dropout's ratio) / 2, the same rule as for eq. 15", tol_dropout));
  d.in_family = false;
  rows.push_back(d);
  return rows;
}
}  // namespace

void register_dropact_fig6_bn_shift(ExperimentRegistry& r) {
  Experiment e;
  e.id = "dropact.fig6.bn-shift";
  e.source = "dropact";
  e.claim = "In a BN network trained with Drop-Activation the shift ratio Var(test) / Var(train) of the BN input ends at about 1.";
  e.hypothesis = "TOST: the final ratio's mean lies in 1 +- (1 - eq. 15)/2; Welch: it exceeds the dropout arm's; "
                 "rows against eq. 15 and dropout's closed form (not in the family)";
  e.test = "equivalence (TOST) + Welch t; theory rows";
  e.base_config = "dropact-bn-shift.json";
  e.arms = {
      {"drop-activation", "the base config: Drop-Activation (keep p = 0.95) in the residual branch and after the last BN", nlohmann::json::array()},
      {"dropout", "each Drop-Activation replaced by ReLU followed by dropout (drop 0.05, retain 0.95)",
       nlohmann::json::parse(R"([
         {"op": "replace", "path": "/model/layers/3/layers/2", "value": {"type": "relu"}},
         {"op": "add", "path": "/model/layers/3/layers/3", "value": {"type": "dropout", "p": 0.05}},
         {"op": "replace", "path": "/model/layers/5", "value": {"type": "relu"}},
         {"op": "add", "path": "/model/layers/6", "value": {"type": "dropout", "p": 0.05}}
       ])")},
  };
  e.metric = kRatio;
  e.curves = {kRatio, "test_loss", "test_accuracy"};
  using sim::Verdict;
  // Expected verdicts as measured (seeds 1..n, 2 shared cores; seconds per run measured too):
  //  quick (20 epochs): ratio 0.9705 [0.9575, 0.9836], not yet inside 1 +- 0.031; dropout 0.9668.
  //  paper (40 epochs): ratio 0.9811 [0.9754, 0.9868] inside the band (TOST HOLDS, p_holm 2.6e-4),
  //  but the dropout arm's ratio is as close to 1 (0.9773 [0.9702, 0.9843]; difference 0.0038,
  //  detectable 0.014): no advantage over dropout is shown, so the claim stays INCONCLUSIVE.
  e.plans[static_cast<int>(Scale::Smoke)] = {3, epochs_patch(3), Verdict::Inconclusive, 0.1};
  e.plans[static_cast<int>(Scale::Quick)] = {10, epochs_patch(20), Verdict::Inconclusive, 0.5};
  e.plans[static_cast<int>(Scale::Paper)] = {20, epochs_patch(40), Verdict::Inconclusive, 1.1};
  e.finding = "The paper's net is ResNet-164 on CIFAR-100; here a residual MLP on the UCI digits. At paper scale the final "
              "ratio is about 1 (0.981, within 1 +- 0.031) and well above eq. 15's iid-Gaussian 0.938 (theory row FAILS), "
              "but the dropout arm's ratio is just as close to 1 (0.977; the residual path carries undropped variance), so "
              "Drop-Activation shows no measurable advantage here: INCONCLUSIVE.";
  e.analyze = analyze;
  r.add(std::move(e));
}

}  // namespace regcheck::claims
