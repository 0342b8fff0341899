// gcsr.fig3.coherence (Gradient-coherent strong regularization, sec. 2.3, fig. 3): in a run
// trained WITHOUT regularization, the gradient sign coherence rate pi of eq. 9, computed with a
// strong lambda that is used only for pi and never added to the update, "is about 0.5 in the
// first couple of epochs", "quickly increases" and then, with convergence, "decreases a bit".
// The spec also said: with the strong lambda applied, pi stays near 0.5 (not the paper's text: reported only).
//
// The trainer records pi per step (gcsr.log_pi; nets/configs/gcsr-coherence.json: L1 lambda
// 0.01 under mode delayed with gamma beyond the last epoch, i.e. never imposed); the metric is
// its mean over the steps of an epoch. As in dlbook.fig7_3.early-stopping, the peak epoch is not
// chosen on the run it is tested on: for seed i, e(-i) is the argmax of the mean pi curve of the
// OTHER seeds (leave one out), so under "pi does not rise" the paired differences have no
// positive bias.
#include "claims/core/experiment.hpp"

#include <fmt/format.h>

namespace regcheck::claims {

namespace {
const char* kPi = "pi.mean";
constexpr double kRandomHalf = 0.5;  // E pi of two independent sign-symmetric vectors (gcsr.eq9.random-half)
// "About 0.5": +-0.05, a quarter of the paper's rise from 0.5 to about 0.7 (fig. 3), so a pi
// inside the band is nearer 0.5 than the risen value by a wide margin.
constexpr double kTol = 0.05;

std::vector<double> pi_curve(const RunRecord& r) {
  std::vector<double> v;
  for (const auto& e : r.history) v.push_back(metric(e, kPi));
  return v;
}

// 0-based argmax of the mean curve over the runs other than `skip` (all runs when skip >= size).
std::size_t argmax_others(const std::vector<std::vector<double>>& curves, std::size_t skip) {
  std::size_t best = 0;
  double best_v = -INFINITY;
  for (std::size_t k = 0; k < curves.front().size(); ++k) {
    double s = 0;
    for (std::size_t i = 0; i < curves.size(); ++i)
      if (i != skip) s += curves[i][k];
    if (s > best_v) best_v = s, best = k;
  }
  return best;
}

std::vector<TestRow> analyze(const ExperimentRuns& runs) {
  std::vector<std::vector<double>> pi;
  for (const RunRecord& r : runs.arm("not-applied")) pi.push_back(pi_curve(r));
  std::vector<double> start, rise, dip;
  for (std::size_t i = 0; i < pi.size(); ++i) {
    const std::size_t e = argmax_others(pi, i);
    start.push_back(pi[i].front());
    rise.push_back(pi[i][e] - pi[i].front());
    dip.push_back(pi[i][e] - pi[i].back());
  }
  const std::vector<double> applied = runs.finals("applied", kPi);
  const std::string why = fmt::format("+-{} = a quarter of the paper's rise from 0.5 to about 0.7", kTol);
  std::vector<TestRow> rows;
  rows.push_back(band_row("theory: pi(epoch 1) vs random-half 1/2",
                          "unapplied: pi over the first epoch matches the 1/2 of two independent random sign vectors (gcsr.eq9.random-half)",
                          start, kRandomHalf - kTol, kRandomHalf + kTol, kRandomHalf, why));
  rows.push_back(paired_row("pi(e*) - pi(epoch 1) > 0",
                            "unapplied: pi rises from the first epoch to the peak epoch e* (leave-one-seed-out argmax)", rise, +1));
  rows.push_back(paired_row("pi(e*) - pi(end) > 0", "unapplied: after the peak pi decreases a bit by the last epoch", dip, +1));
  // The applied arm tests a statement the catalog's spec added, not the paper's text (sec. 2.3
  // describes only the unapplied run): reported with its own verdict, outside the family, so it
  // does not decide the claim.
  TestRow applied_row = band_row("applied: pi(end) ~ 1/2", "with the strong lambda applied, pi at the last epoch stays near 1/2 "
                                 "(not the paper's statement: informative)",
                                 applied, kRandomHalf - kTol, kRandomHalf + kTol, kRandomHalf, why);
  applied_row.in_family = false;
  rows.push_back(applied_row);
  TestRow m = descriptive_row("peak epoch", "the argmax of the mean unapplied pi curve over all seeds");
  const std::size_t e_all = argmax_others(pi, pi.size());
  m.measured = static_cast<double>(e_all + 1);
  m.verdict = e_all > 0 && e_all + 1 < pi.front().size() ? sim::Verdict::Holds : sim::Verdict::Fails;
  m.detail = fmt::format("argmax epoch {} of {}", e_all + 1, pi.front().size());
  rows.push_back(m);
  return rows;
}
}  // namespace

void register_gcsr_fig3_coherence(ExperimentRegistry& r) {
  Experiment e;
  e.id = "gcsr.fig3.coherence";
  e.source = "gcsr";
  e.claim = "Unregularized, pi computed with a strong lambda that is not applied is about 0.5 at first, rises, then dips a bit "
            "(sec. 2.3, fig. 3); the applied-lambda arm is reported, not tested as the paper's claim.";
  e.hypothesis = "TOST: pi over epoch 1 in 1/2 +- 0.05 (gcsr.eq9.random-half); paired over seeds at the leave-one-out peak e*: "
                 "pi(e*) > pi(1), pi(e*) > pi(end); reported only: the applied arm's final pi against 1/2 +- 0.05";
  e.test = "equivalence (TOST) x2 + paired t x2 (one-sided)";
  e.base_config = "gcsr-coherence.json";
  e.arms = {
      {"not-applied", "the base config: no regularization; pi logged with L1 lambda = 0.01 that is never imposed", nlohmann::json::array()},
      {"applied", "the same L1 lambda = 0.01 imposed at every step (gcsr mode always), pi logged",
       nlohmann::json::parse(R"([{"op": "replace", "path": "/gcsr/mode", "value": "always"}])")},
  };
  e.metric = kPi;
  e.curves = {kPi, "test_accuracy", "sparsity"};
  using sim::Verdict;
  e.plans[static_cast<int>(Scale::Smoke)] = {3, epochs_patch(8), Verdict::Inconclusive, 0.1};
  e.plans[static_cast<int>(Scale::Quick)] = {10, epochs_patch(30), Verdict::Holds, 0.3};
  e.plans[static_cast<int>(Scale::Paper)] = {20, epochs_patch(60), Verdict::Holds, 1.0};
  // Measured (seeds 1..n, 2 threads, 2 shared cores at load ~3.5): smoke 0.6 s, quick 6 s, paper 40 s.
  //  pi(epoch 1) 0.4901 [0.4825, 0.4977] (smoke), 0.4892 [0.4877, 0.4908] (quick), 0.4887 [0.4877, 0.4898]
  //  (paper): inside 1/2 +- 0.05, HOLDS. Rise pi(e*) - pi(1): 0.077 [0.049, 0.105], 0.092 [0.084, 0.099],
  //  0.094 [0.088, 0.099] (peak at epoch 4, pi about 0.58, below the paper's 0.7); dip pi(e*) - pi(end):
  //  0.037 [0.021, 0.054], 0.095 [0.087, 0.103], 0.101 [0.096, 0.106]; all HOLDS. Applied: final pi
  //  0.762 [0.734, 0.791], 0.881 [0.876, 0.885], 0.906 [0.902, 0.910], far outside 1/2 +- 0.05: FAILS.
  e.finding = "The paper's net is VGG-16 on CIFAR-100; here a 64-128-64-10 MLP on the UCI digits with L1 (lambda 0.01). "
              "Unapplied, pi starts at 0.49 (the random-half 1/2), rises to about 0.58 by epoch 4 and falls back to about 0.48 "
              "(the paper: about 0.7, then a slight dip). Applied, pi does NOT stay near 0.5: the prox makes most weights exact "
              "zeros, where dOmega = 0 (L1 subgradient at 0, gcsr.eq9.coherence-rate), so those entries are coherent by "
              "definition and pi climbs to 0.88-0.91 with the sparsity. That statement was the spec's, not the paper's text "
              "(sec. 2.3 describes only the unapplied run), so it is reported outside Holm's family and does not decide the claim.";
  e.analyze = analyze;
  r.add(std::move(e));
}

}  // namespace regcheck::claims
