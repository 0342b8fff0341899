// Efficiency of the claims' Monte Carlo estimators: (95% CI half-width)^2 x CPU seconds for one
// estimand, the figure bench/mc-vs-numpy compares with NumPy's plain Monte Carlo
// (bench/numpy_efficiency.py) on the same estimand and the same instance. Lower is better; for
// plain Monte Carlo it does not depend on the sample size (half-width^2 ~ 1/n, seconds ~ n).
//
// Estimands (the instances are the claims' own, drawn from the default seed 20261123):
//   shift-ratio : Var(X_test) / Var(X_train) of Drop-Activation, eqs. (13)-(15), at grid point
//                 p = 0.95, d = 16 of dropact.prop5_2.shift-ratio (w all positive).
//                 regcheck: dropact_checks::ratio_rqmc, exactly the call the claim makes (RQMC,
//                 64 scramblings x 2^13 Sobol' points, masks integrated given x).
//   penalty     : E_P ||W2 (I - P + P r)(W1 x) - y||^2 (Property 5.1's left side) on the
//                 d = 64, m = 8, n_in = 16, p = 0.8 net of dropact.prop5_1.penalty.
//                 regcheck: dropact_checks::penalty_mc (RQMC over the masks, control variate),
//                 64 scramblings x 2^14 points.
// The timed call is the claim's whole sub-check: the estimate AND its power self-test (a second,
// independent set of 64 scramblings), so regcheck's seconds are twice what the estimate alone
// costs: the efficiency ratio printed is conservative by that factor 2.
//
// Usage: bench_mc_efficiency ESTIMAND [--instance FILE]
//   prints one JSON line {"estimand", "estimate", "hw95", "cpu_s", "points", "theory"};
//   --instance writes the instance (w, or W1, W2, x, y and p) as JSON for the NumPy script.
// One thread (CheckContext::threads = 1); CPU time of the process (CLOCK_PROCESS_CPUTIME_ID): the
// machine is shared, and wall time would count other jobs' time slices.
#include "claims/dropact/checks.hpp"
#include "sim/mean_test.hpp"
#include "theory/dropact.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {
using namespace regcheck;
using namespace regcheck::claims;
using namespace regcheck::claims::dropact_checks;
namespace td = regcheck::theory::dropact;

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

std::vector<double> to_vector(const Eigen::MatrixXd& m) {  // row-major flattening
  std::vector<double> v;
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j) v.push_back(m(i, j));
  return v;
}

int usage() {
  std::cerr << "usage: bench_mc_efficiency shift-ratio|penalty [--instance FILE]\n";
  return 2;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string estimand = argv[1];
  std::string instance_file;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--instance" && i + 1 < argc)
      instance_file = argv[++i];
    else
      return usage();
  }
  CheckContext ctx;  // default seed, 1 thread, default power
  nlohmann::json out, inst;
  const double alpha95 = 0.05;
  if (estimand == "shift-ratio") {
    const double p = 0.95;
    const int d = 16;
    const std::vector<double> w = shift_ratio_mc_w(ctx, kShiftRatioBenchPoint, d);
    double sum_w = 0;
    for (double v : w) sum_w += v;
    const double theory = td::shift_ratio(p);
    const sim::RqmcOptions ro = rqmc_size(ctx, 13, 16);
    const double t0 = cpu_seconds();
    const auto e = ratio_rqmc(ctx, "p=0.95 d=16", "dropact.prop5_2.shift-ratio/rqmc/p=0.95 d=16", dropact_mc::Method::DropActivation,
                              w, p, theory, td::mean_x(p, sum_w), ro);
    const double dt = cpu_seconds() - t0;
    // The replicate t interval: R - 1 degrees of freedom.
    const double hw = sim::student_t_upper_quantile(alpha95 / 2, ro.replicates - 1) * e.se[0];
    out = {{"estimate", e.estimate[0]}, {"hw95", hw}, {"theory", theory},
           {"points", 2.0 * ro.replicates * std::ldexp(1.0, ro.log2_points)}};
    out["cpu_s"] = dt;
    inst = {{"p", p}, {"w", w}};
  } else if (estimand == "penalty") {
    const td::OneHidden net = penalty_mc_net(ctx, "dropact.prop5_1.penalty");
    const sim::RqmcOptions ro = rqmc_size(ctx, 14, 16);  // the sizes of penalty_claims.cpp's mc_large_d
    const double t0 = cpu_seconds();
    const std::vector<CheckRecord> recs = penalty_mc(ctx, false, 1.0);
    const double dt = cpu_seconds() - t0;
    const CheckRecord& c = recs.at(0);
    // The record's interval is the t interval at level 1 - alpha (R - 1 dof): back to the se, then
    // to the 95% half-width.
    const double crit = sim::student_t_upper_quantile(*c.alpha / 2, ro.replicates - 1);
    const double se = (*c.ci_hi - *c.ci_lo) / (2 * crit);
    const double hw = sim::student_t_upper_quantile(alpha95 / 2, ro.replicates - 1) * se;
    out = {{"estimate", *c.estimate}, {"hw95", hw}, {"theory", td::penalty_rhs_corrected(net, 0.8)},
           {"points", 2.0 * ro.replicates * std::ldexp(1.0, ro.log2_points)}};
    out["cpu_s"] = dt;
    inst = {{"p", 0.8},
            {"W1", to_vector(net.W1)}, {"W1_shape", {net.W1.rows(), net.W1.cols()}},
            {"W2", to_vector(net.W2)}, {"W2_shape", {net.W2.rows(), net.W2.cols()}},
            {"x", std::vector<double>(net.x.begin(), net.x.end())},
            {"y", std::vector<double>(net.y.begin(), net.y.end())}};
  } else {
    return usage();
  }
  out["estimand"] = estimand;
  if (!instance_file.empty()) {
    std::ofstream f(instance_file);
    f << inst.dump() << '\n';  // JSON numbers round-trip doubles exactly
  }
  std::cout << out.dump() << std::endl;
  return 0;
}
