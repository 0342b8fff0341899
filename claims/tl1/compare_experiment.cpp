// tl1.tab2.compare (Transformed L1 for sparse DNNs, sec. 4.3, Table 2): the integrated TL1
// regularizer (eq. 16) reaches accuracy "comparable" to L1, the sparse group lasso (SGL) and
// CGES, with fewer FLOPs and fewer parameters used (3 runs, mean +- std; Table 2's data are
// MNIST, Fashion-MNIST, SDD, PENDIGITS, CIFAR-10; DIGITS is used elsewhere in the paper).
//
// Here: DIGITS (nets/configs/digits-tl1.json, 64-128-64-10 ReLU MLP, SGD momentum, 30 epochs),
// five arms differing only in the regularizer. The paper picks lambda by grid search for the
// "best performance"; the stated rule here: each method's lambda is the LARGEST of the grid
// {0.002, 0.003, 0.0045, 0.0068, 0.01, 0.015} whose mean test accuracy over tuning seeds
// 101..110 (never used by the tests, seeds 1..n) stays within 0.01 of the unregularized
// baseline's (0.9677): L1 0.0045, SGL 0.003, CGES 0.003, integrated TL1 0.003 (a = 1, mu_l linear
// 0.2 -> 0.8 as in the paper's "group sparsity in lower layers, TL1 in upper"; SGL and CGES take
// the same mu_l). Tuning means, accuracy / params used %: L1 0.9602 / 32.3, SGL 0.9618 / 55.6,
// CGES 0.9607 / 51.3, integrated 0.9582 / 42.2; one grid step stronger each falls below 0.9577
// (L1 0.9560, SGL 0.9554, CGES 0.9571, integrated 0.9549).
//
// Tests, paired over seeds (shared split and init), all in the Holm family:
//   accuracy(integrated) - accuracy(X) in +-0.02 (TOST) for X = L1, SGL, CGES;
//   FLOPs % and params % of X minus the integrated's > 0 (one-sided paired t).
#include "claims/tl1/experiment_metrics.hpp"

#include <fmt/format.h>

namespace regcheck::claims {

namespace {
using tl1x::percent_used;
// "Comparable accuracy": +-0.02. The tuning rule lets each method lose up to 0.01 against the
// unregularized baseline, so two tuned methods may differ by up to about 0.02 while each is
// comparable to the baseline; 0.02 is 7 of the 360 held-out images.
constexpr double kMargin = 0.02;
const char* kCompetitors[] = {"l1", "sgl", "cges"};

std::vector<TestRow> analyze(const ExperimentRuns& runs) {
  std::vector<TestRow> rows;
  const std::vector<double> acc = runs.finals("integrated-tl1", "test_accuracy");
  const std::string why = fmt::format("+-{}: each method's lambda keeps it within 0.01 of the unregularized accuracy", kMargin);
  for (const char* x : kCompetitors)
    rows.push_back(band_row(fmt::format("acc(integrated) - acc({}) in +-{}", x, kMargin),
                            fmt::format("integrated TL1's accuracy is comparable to {}'s (paired over seeds)", x),
                            differences(acc, runs.finals(x, "test_accuracy")), -kMargin, kMargin, 0.0, why));
  for (const char* what : {"flops", "params"}) {
    const std::vector<double> ours = percent_used(runs, "integrated-tl1", what);
    for (const char* x : kCompetitors)
      rows.push_back(paired_row(fmt::format("{}%({}) - {}%(integrated) > 0", what, x, what),
                                fmt::format("integrated TL1 uses a smaller percentage of {} than {}", what, x),
                                differences(percent_used(runs, x, what), ours), +1));
  }
  TestRow base = descriptive_row("acc(integrated) - acc(none)", "the accuracy cost of integrated TL1 against no regularizer (informative)");
  const MetricSummary s = summarize_metric(differences(acc, runs.finals("none", "test_accuracy")));
  base.measured = s.mean, base.measured_ci_lo = s.ci_lo, base.measured_ci_hi = s.ci_hi;
  base.detail = fmt::format("{:.4f} [{:.4f}, {:.4f}]", s.mean, s.ci_lo, s.ci_hi);
  rows.push_back(base);
  return rows;
}
}  // namespace

void register_tl1_tab2_compare(ExperimentRegistry& r) {
  Experiment e;
  e.id = "tl1.tab2.compare";
  e.source = "tl1";
  e.claim = "Integrated TL1 reaches accuracy comparable to L1, the sparse group lasso and CGES with fewer FLOPs and parameters "
            "(sec. 4.3, Table 2).";
  e.hypothesis = "paired over seeds, lambdas tuned on other seeds: accuracy(integrated) - accuracy(X) in +-0.02 (TOST) and "
                 "FLOPs %, params %(X) > those of integrated TL1, for X = L1, SGL, CGES";
  e.test = "equivalence (TOST) x3 + paired t x6 (one-sided)";
  e.base_config = "digits-tl1.json";
  auto reg = [](const char* kind, double lambda) {
    nlohmann::json j = {{"kind", kind}, {"lambda", lambda}};
    if (std::string(kind) != "l1" && std::string(kind) != "none") j["mu_linear"] = {0.2, 0.8};
    if (std::string(kind) == "integrated-tl1") j["a"] = 1.0;
    return tl1x::set_regularizer(j);
  };
  e.arms = {
      {"none", "no regularizer (the baseline of the tuning rule)", reg("none", 0.0)},
      {"l1", "L1, lambda 0.0045 (prox: soft thresholding)", reg("l1", 0.0045)},
      {"sgl", "sparse group lasso, lambda 0.003, mu_l linear 0.2 -> 0.8", reg("sparse-group-lasso", 0.003)},
      {"cges", "CGES (group + exclusive sparsity), lambda 0.003, mu_l linear 0.2 -> 0.8", reg("cges", 0.003)},
      {"integrated-tl1", "integrated TL1 (eq. 16), lambda 0.003, a = 1, mu_l linear 0.2 -> 0.8", reg("integrated-tl1", 0.003)},
  };
  e.metric = "params_pruned";
  e.curves = {"test_accuracy", "sparsity"};
  using sim::Verdict;
  // Measured (seeds 1..n, 1 thread, 2 shared cores at load ~5.5): smoke 15 runs 0.4 s: FAILS (after
  //  3 epochs L1 already prunes more: params %(L1) - (integrated) -3.58 [-4.23, -2.92]); SGL > integrated
  //  HOLDS unadjusted. Quick 50 runs 16 s: accuracy differences integrated - L1 0.0011 [-0.0020, 0.0043],
  //  - SGL -0.0025 [-0.0047, -0.0003], - CGES 0.0017 [-0.0029, 0.0062], all inside +-0.02 (p_holm <= 1.1e-5,
  //  HOLDS); FLOPs % SGL - integrated 13.7 [12.8, 14.7], CGES - integrated 8.0 [7.2, 8.9] (HOLDS, p_holm
  //  <= 1.4e-8); L1 - integrated -10.8 [-11.5, -10.1] (FLOPs) and -10.6 [-11.3, -9.9] (params): FAILS.
  e.plans[static_cast<int>(Scale::Smoke)] = {3, epochs_patch(3), Verdict::Fails, 0.05};
  e.plans[static_cast<int>(Scale::Quick)] = {10, epochs_patch(30), Verdict::Fails, 0.3};
  //  Paper 100 runs 87 s: accuracy within +-0.02 of all three (HOLDS); FLOPs % SGL - integrated 9.7 [9.1, 10.3],
  //  CGES - integrated 11.6 [11.0, 12.2] (HOLDS); L1 - integrated -3.7 [-4.1, -3.3], params -3.5 [-3.8, -3.1]: FAILS.
  e.plans[static_cast<int>(Scale::Paper)] = {20, epochs_patch(60), Verdict::Fails, 0.9};
  e.finding = "Table 2's data sets do not include DIGITS (the spec's choice); Fashion-MNIST is not run yet. On a 64-128-64-10 MLP "
              "with each lambda tuned on other seeds to stay within 0.01 of the unregularized accuracy, integrated TL1's accuracy "
              "is comparable to all three and it uses fewer FLOPs and parameters than SGL and CGES (HOLDS), but more than L1 "
              "(quick: 43% against 33% of the parameters): FAILS. The tuning grid agrees at matched accuracy (integrated 0.9549 "
              "at 27.9% of the parameters, L1 0.9560 at 22.6%).";
  e.analyze = analyze;
  r.add(std::move(e));
}

}  // namespace regcheck::claims
