// dropact.tab1-4.vs-rrelu (Drop-Activation, sec. 4.1.1 and 4.3.1, tables 1-4): "Drop-Activation
// consistently results in superior performance over RReLU and almost all baseline methods"
// (RReLU slopes ~ U(1/8, 1/3), eq. 6; single runs, no significance claimed; Drop-Activation is
// worse than the baseline in 2 of its 20 rows).
//
// Two settings stand in for the paper's CIFAR/SVHN/EMNIST networks: a 64-256-256-10 MLP on the
// UCI digits and a 784-256-256-10 MLP on a Fashion-MNIST subset, each with ReLU (the baseline),
// RReLU U(1/8, 1/3) (test time: the mean slope 11/48, as torch.nn.RReLU; nets/layers/activations.hpp)
// and Drop-Activation p = 0.95 (test time: leaky ReLU with slope 0.05, eq. 5). The three arms of
// a setting and seed share the data order and the initial weights, so the tests are paired over
// seeds. In Holm's family: DA's test error < RReLU's in each setting ("in every comparison").
// Reported outside the family: DA's test error < ReLU's ("almost all", not every, baseline).
#include "claims/core/experiment.hpp"
#include "theory/require.hpp"

#include <fmt/format.h>

namespace regcheck::claims {

namespace {
constexpr const char* kSettings[] = {"digits", "fashion"};

std::vector<double> error_gap(const ExperimentRuns& runs, const std::string& worse, const std::string& better) {
  const std::vector<double> a = runs.finals(worse, "test_accuracy"), b = runs.finals(better, "test_accuracy");
  REGCHECK_REQUIRE(a.size() == b.size(), fmt::format("dropact.tab1-4.vs-rrelu: arm '{}' has {} runs, arm '{}' has {}: the gaps are paired "
                                                     "over seeds", worse, a.size(), better, b.size()));
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = 100.0 * (b[i] - a[i]);  // err(worse) - err(better), percent
  return d;
}

std::vector<TestRow> analyze(const ExperimentRuns& runs) {
  std::vector<TestRow> rows;
  for (const char* s : kSettings)
    rows.push_back(paired_row(fmt::format("{}: err(RReLU) - err(DA) > 0", s),
                              fmt::format("{}: Drop-Activation has lower test error (%) than RReLU", s),
                              error_gap(runs, fmt::format("{}-rrelu", s), fmt::format("{}-drop-activation", s)), +1));
  for (const char* s : kSettings) {
    TestRow r = paired_row(fmt::format("{}: err(ReLU) - err(DA) > 0", s),
                           fmt::format("{}: Drop-Activation has lower test error (%) than the ReLU baseline (the paper: "
                                       "in most settings, not all; reported)", s),
                           error_gap(runs, fmt::format("{}-relu", s), fmt::format("{}-drop-activation", s)), +1);
    r.in_family = false;
    rows.push_back(r);
  }
  return rows;
}

}  // namespace

void register_dropact_tab1_4_vs_rrelu(ExperimentRegistry& r) {
  Experiment e;
  e.id = "dropact.tab1-4.vs-rrelu";
  e.source = "dropact";
  e.claim = "Drop-Activation (p = 0.95) has lower test error than RReLU (slopes ~ U(1/8, 1/3)) in every comparison, and than "
            "the ReLU baseline in most settings.";
  e.hypothesis = "paired over seeds (shared data and init), per setting (digits MLP, Fashion-MNIST MLP): err(RReLU) > err(DA); "
                 "reported outside the family: err(ReLU) > err(DA)";
  e.test = "paired t (2 rows in the family + 2 reported, one-sided)";
  e.base_config = "dropact-vs-rrelu.json";
  const nlohmann::json fashion = nlohmann::json::array(
      {replace_op("/data", {{"kind", "fashion-mnist"}, {"dir", "/usr/share/datasets/fashion-mnist"}, {"normalize", true},
                         {"train_limit", 3000}, {"test_limit", 3000}}),
       replace_op("/model/input", {1, 28, 28})});
  const nlohmann::json rrelu = {{"type", "rrelu"}, {"lower", 0.125}, {"upper", 1.0 / 3.0}};
  const nlohmann::json da = {{"type", "drop_activation"}, {"p", 0.95}};
  auto arm = [&](const char* setting, const char* act, const nlohmann::json& layer, const std::string& what) {
    nlohmann::json patch = std::string(setting) == "fashion" ? fashion : nlohmann::json::array();
    if (!layer.is_null())
      for (int l : {2, 4}) patch.push_back(replace_op(fmt::format("/model/layers/{}", l), layer));
    return Arm{fmt::format("{}-{}", setting, act), what, patch};
  };
  for (const char* s : kSettings) {
    const std::string data = std::string(s) == "digits" ? "UCI digits (the base config)"
                                                        : "the first 3000 / 3000 Fashion-MNIST training / test images";
    e.arms.push_back(arm(s, "relu", nullptr, data + ", ReLU"));
    e.arms.push_back(arm(s, "rrelu", rrelu, data + ", RReLU U(1/8, 1/3) (test-time slope 11/48)"));
    e.arms.push_back(arm(s, "drop-activation", da, data + ", Drop-Activation p = 0.95"));
  }
  e.metric = "test_accuracy";
  e.curves = {"test_accuracy"};
  using sim::Verdict;
  // Smoke: the pipeline only. Fashion-MNIST's decompression takes 0.5 s per run, so at smoke the
  // "fashion" arms are also trained on the UCI digits (data and input replaced; the first 300
  // training images), 8 epochs.
  const nlohmann::json smoke =
      nlohmann::json::array({replace_op("/data", {{"kind", "digits"}, {"test_fraction", 0.5}, {"train_limit", 300}}),
                             replace_op("/model/input", {1, 8, 8}), replace_op("/epochs", 8)});
  // Measured (seeds 1..n, 2 threads, 2 shared cores at load 5-6, other helpers building):
  //  smoke (3 seeds, 8 epochs on 300 digits, 1.5 s at load ~4; 6 s at load 6): FAILS. The undertrained
  //  nets (test accuracy 0.83) are better with RReLU: err(RReLU) - err(DA) = -1.71 [-2.13, -1.28]
  //  percentage points in both settings (at smoke both are the digits). A smoke artefact, not the claim.
  //  quick (5 seeds, 15 epochs, 78.5 s at load ~6, 61 s at load ~3.5): INCONCLUSIVE. digits err(RReLU) - err(DA) 0.044 [-0.288,
  //  0.377] (detectable 0.45 at level 0.05/2), fashion 0.313 [-1.53, 2.16] (detectable 2.5); against
  //  ReLU (reported) digits 0.022 [-0.277, 0.322], fashion -0.167 [-2.49, 2.16]. Test errors: digits
  //  4.2% in all three arms, fashion 17.7% (ReLU), 18.2% (RReLU), 17.9% (DA).
  e.plans[static_cast<int>(Scale::Smoke)] = {3, smoke, Verdict::Fails, 0.05};
  e.plans[static_cast<int>(Scale::Quick)] = {5, nlohmann::json::array(), Verdict::Inconclusive, 2.6};
  e.plans[static_cast<int>(Scale::Paper)] = {20, nlohmann::json::array({replace_op("/epochs", 30)}), std::nullopt, 4.0};  // not measured
  e.finding = "The paper's comparisons are single runs of ResNets on CIFAR/SVHN/EMNIST; here two small MLPs (UCI digits, a "
              "Fashion-MNIST subset), RReLU's test-time slope the mean 11/48 (the paper does not say). At quick scale (5 seeds) "
              "the three activations are indistinguishable: err(RReLU) - err(DA) = 0.044 [-0.288, 0.377] points on the digits "
              "and 0.31 [-1.53, 2.16] on Fashion-MNIST; the paper's gaps (0.3-1.5 points) are below the detectable 2.5 points "
              "on Fashion-MNIST. At smoke (300 digits, 8 epochs) RReLU is better (-1.71 [-2.13, -1.28]): an undertrained-net "
              "artefact, recorded as the smoke verdict FAILS.";
  e.analyze = analyze;
  r.add(std::move(e));
}

}  // namespace regcheck::claims
