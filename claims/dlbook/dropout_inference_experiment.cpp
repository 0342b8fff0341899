// dlbook.7_11.inference (Deep Learning, sec. 7.11, eq. 7.30 ff.): weight scaling inference
// against Monte Carlo averaging over sampled sub-networks, dropout with retain probability 1/2.
// The book states (a) for softmax regression the renormalized geometric mean over all masks
// equals weight scaling exactly, (b) for deep models with nonlinearities it is only an
// approximation, and (c) no direction: which inference is more accurate is problem-dependent.
//
// Measured by the trainer's dropout_inference probe (nets/configs/dlbook-dropout-inference.json)
// after the last epoch: the geometric average of N sub-networks is softmax(mean_s z_s), so (a)
// says the masks' mean centered logits equal the weight-scaled ones; bias2_rel_N (the unbiased
// estimate of that squared bias over the logit variance of one sub-network) has expectation 0
// exactly under (a), and > 0 when (b) holds. Both arms train on the same data; (c) is reported
// (accuracy gaps with 95% CI), never tested for a direction.
#include "claims/core/experiment.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace regcheck::claims {

namespace {
const std::string kProbe = "dropout_inference.";

// The largest sample count N with a "dropout_inference.bias2_rel_<N>" metric in the run's final record.
long max_samples(const RunRecord& r) {
  long best = 0;
  const std::string pre = kProbe + "bias2_rel_";
  for (auto it = r.final.begin(); it != r.final.end(); ++it)
    if (it.key().rfind(pre, 0) == 0) best = std::max(best, std::stol(it.key().substr(pre.size())));
  if (best == 0) throw std::invalid_argument(fmt::format("run of arm '{}' seed {} has no dropout_inference metrics", r.arm, r.seed));
  return best;
}

std::vector<double> diff(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
  return d;
}

TestRow summary_row(std::string name, std::string hypothesis, const std::vector<double>& x, const std::string& note) {
  TestRow r = descriptive_row(std::move(name), std::move(hypothesis));
  const MetricSummary s = summarize_metric(x);
  r.measured = s.mean, r.measured_ci_lo = s.ci_lo, r.measured_ci_hi = s.ci_hi;
  r.detail = fmt::format("{:.5g} [{:.5g}, {:.5g}] over {} seeds; {}", s.mean, s.ci_lo, s.ci_hi, s.n, note);
  return r;
}

// Tolerance of the exactness band: the squared bias of the geometric average within 1e-3 of one
// sub-network's logit variance (|bias| < 0.032 sd). The Monte Carlo error of bias2_rel at
// N = 1000 over 899 x 10 logits is ~sqrt(2) / N / sqrt(8990) = 1.5e-5 per run, so the band is
// ~70 standard errors wide: an exact rule passes it, a bias of this size is resolved. Chosen after
// a one-seed pilot (softmax regression -1e-5, the MLP 0.003): a first choice of +-1e-2 would have
// held the MLP's clearly nonzero bias inside the band too, so it could not tell exact from approximate.
constexpr double kTol = 1e-3;

std::vector<TestRow> analyze(const ExperimentRuns& runs) {
  const long n = max_samples(runs.arm("mlp").front());
  const std::string N = std::to_string(n);
  const std::vector<double> sr = runs.finals("softmax-regression", kProbe + "bias2_rel_" + N);
  const std::vector<double> mlp = runs.finals("mlp", kProbe + "bias2_rel_" + N);
  std::vector<TestRow> rows;
  rows.push_back(band_row(fmt::format("softmax regression: bias2_rel({}) ~ 0", n),
                          "softmax regression: the geometric average of the sampled sub-networks has the weight-scaled "
                          "logits as its mean (squared bias over one sub-network's logit variance in +-1e-3)",
                          sr, -kTol, kTol, 0.0,
                          "+-1e-3 of one sub-network's logit variance (|bias| < 0.032 sd); ~70 Monte Carlo standard errors of the estimate"));
  rows.push_back(paired_row(fmt::format("mlp: bias2_rel({}) > 0", n),
                            "ReLU MLP: the geometric average over masks differs from weight scaling (squared logit bias > 0): "
                            "weight scaling is only an approximation",
                            mlp, +1));
  for (const char* arm : {"mlp", "softmax-regression"}) {
    const std::string a = arm;
    const auto ws = runs.finals(a, kProbe + "ws_accuracy");
    for (const std::string& k : {std::string("20"), N}) {
      rows.push_back(summary_row(fmt::format("{}: acc(ws) - acc(geo, {})", a, k), "accuracy of weight scaling minus the geometric MC average",
                                 diff(ws, runs.finals(a, kProbe + "geo_accuracy_" + k)), "no direction claimed (book: problem-dependent)"));
      rows.push_back(summary_row(fmt::format("{}: acc(ws) - acc(arith, {})", a, k), "accuracy of weight scaling minus the arithmetic MC average",
                                 diff(ws, runs.finals(a, kProbe + "arith_accuracy_" + k)), "no direction claimed (book: problem-dependent)"));
    }
    rows.push_back(summary_row(fmt::format("{}: TV(geo {}, ws)", a, N), "mean total variation between the geometric MC average and weight scaling",
                               runs.finals(a, kProbe + "geo_tv_" + N), "the gap (Monte Carlo error included)"));
    rows.push_back(summary_row(fmt::format("{}: TV(arith {}, ws)", a, N), "mean total variation between the arithmetic MC average and weight scaling",
                               runs.finals(a, kProbe + "arith_tv_" + N), "the arithmetic mean is not what eq. 7.30 averages"));
  }
  return rows;
}
}  // namespace

void register_dlbook_7_11_inference(ExperimentRegistry& r) {
  Experiment e;
  e.id = "dlbook.7_11.inference";
  e.source = "dlbook";
  e.claim = "Weight scaling inference equals the renormalized geometric mean over dropout sub-networks for softmax regression "
            "and only approximates it for nets with nonlinear hidden units; MC vs weight scaling accuracy is problem-dependent.";
  e.hypothesis = "TOST: softmax regression's squared logit bias of the geometric MC average (N = max samples) over one "
                 "sub-network's logit variance lies in +-1e-3; one-sample t: the ReLU MLP's is > 0; accuracy gaps and "
                 "TV distances reported with 95% CI (no direction claimed)";
  e.test = "TOST band + one-sample t; descriptive gaps";
  e.base_config = "dlbook-dropout-inference.json";
  e.arms = {
      {"mlp", "the base config: 64-256-256-10 ReLU MLP, dropout retain 1/2 after each hidden layer", nlohmann::json::array()},
      {"softmax-regression", "no hidden layer: dropout retain 1/2 on the 64 inputs, then dense 10 (eq. 7.30's model)",
       nlohmann::json::parse(R"([{"op": "replace", "path": "/model/layers",
                                  "value": [{"type": "dropout", "p": 0.5}, {"type": "dense", "out": 10}]}])")},
  };
  e.metric = kProbe + "geo_tv_20";  // present at every scale
  e.curves = {"test_loss", "test_accuracy"};
  using sim::Verdict;
  auto plan = [](int epochs, const char* samples, int examples) {
    return nlohmann::json::array({{{"op", "replace"}, {"path", "/epochs"}, {"value", epochs}},
                                  {{"op", "replace"}, {"path", "/dropout_inference"},
                                   {"value", {{"samples", nlohmann::json::parse(samples)}, {"examples", examples}}}}});
  };
  e.plans[static_cast<int>(Scale::Smoke)] = {3, plan(3, "[20, 1000]", 50), Verdict::Inconclusive, 0.3};
  e.plans[static_cast<int>(Scale::Quick)] = {10, plan(30, "[20, 100, 1000]", 899), Verdict::Holds, 5.2};
  e.plans[static_cast<int>(Scale::Paper)] = {20, plan(30, "[20, 100, 1000]", 899), Verdict::Holds, 4.7};
  // Measured (seeds 1..n, 2 shared cores at load ~2.5-3.8): smoke 1.8 s, HOLDS in the 7-test family of the three
  // implemented IDs (MLP row p 0.0055 with 3 seeds; p_holm 0.039 in the 9-test family with dlbook.7_10.bagging);
  // quick 104 s: softmax regression 1.7e-6 [-8.1e-6, 1.16e-5] (p_holm 3e-18), MLP 0.0040 [0.0030, 0.0050] (p_holm 4e-6);
  // paper (20 seeds, same design) 188 s: -2.2e-6 [-1.17e-5, 7.4e-6] (p_holm 9e-34), MLP 0.0035 [0.0030, 0.0040] (p_holm 9e-12).
  e.finding = "UCI digits instead of MNIST; inverted dropout, so eval mode is the weight scaling rule. Weight scaling is exact for "
              "softmax regression (squared logit bias 0 within Monte Carlo error) and a close approximation for the ReLU MLP "
              "(squared bias 0.4% of a sub-network's logit variance; accuracy within 0.002 of the geometric and arithmetic "
              "averages of 1000 sub-networks, no direction).";
  e.analyze = analyze;
  r.add(std::move(e));
}

}  // namespace regcheck::claims
