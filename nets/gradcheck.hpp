#pragma once
// The finite-difference gradient checker (double precision, central differences).
//
// For each scalar variable v with analytic gradient a, the numeric gradient is
//   g = (f(v + h) - f(v - h)) / (2h)
// and the check is rel = |a - g| / max(|a|, |g|, floor) <= tol.
// Error budget (double, eps = 2.2e-16, h = 1e-5, f and its derivatives O(1)):
//   truncation  h^2 |f'''| / 6  ~ 2e-11,   rounding  ~ eps |f| / h ~ 2e-11,
// so |a - g| ~ 1e-10 for a correct gradient. tol = 1e-6 with floor = 1e-4 leaves a margin of
// 100x for gradients of size >= 1e-4 (and an absolute 1e-10 criterion below it), while a wrong
// gradient (a missing factor, a dropped term, a transposed index) gives rel = O(1).
// Kinks (ReLU at 0, max-pool ties) are avoided by the caller's choice of inputs: the step h
// must not cross a kink.
#include "nets/model/sequential.hpp"

#include <fmt/format.h>

#include <cmath>
#include <functional>

namespace regcheck::nets {

struct GradCheckOptions {
  double h = 1e-5;
  double tol = 1e-6;
  double floor = 1e-4;
};

struct GradVar {
  std::string name;
  double* value;           // perturbed in place, restored after
  const double* analytic;  // the analytic gradient of each entry
  Eigen::Index size;
};

struct GradCheckReport {
  std::size_t checked = 0;
  double max_rel_error = 0;
  std::string worst;  // "name[i]: analytic a numeric g"
  bool passed(const GradCheckOptions& o = {}) const { return checked > 0 && max_rel_error <= o.tol; }
};

inline GradCheckReport finite_difference_check(const std::function<double()>& f, const std::vector<GradVar>& vars,
                                               const GradCheckOptions& o = {}) {
  GradCheckReport r;
  for (const GradVar& v : vars)
    for (Eigen::Index i = 0; i < v.size; ++i) {
      const double saved = v.value[i];
      v.value[i] = saved + o.h;
      const double fp = f();
      v.value[i] = saved - o.h;
      const double fm = f();
      v.value[i] = saved;
      const double g = (fp - fm) / (2 * o.h), a = v.analytic[i];
      const double rel = std::abs(a - g) / std::max({std::abs(a), std::abs(g), o.floor});
      ++r.checked;
      const double relv = std::isnan(rel) ? INFINITY : rel;  // a NaN gradient must fail
      if (r.checked == 1 || relv > r.max_rel_error) {
        r.max_rel_error = relv;
        r.worst = fmt::format("{}[{}]: analytic {:.10g} numeric {:.10g}", v.name, i, a, g);
      }
    }
  return r;
}

// Loss of the model's output: returns L and writes dL/d(output).
using LossFn = std::function<double(const Act<double>&, Act<double>&)>;

// Checks dL/dθ for every parameter and dL/dx for the input of a built model at a fixed
// RunContext (a fixed step means fixed dropout / Drop-Activation / RReLU masks).
inline GradCheckReport gradcheck_model(Sequential<double>& m, const Act<double>& x0, const LossFn& loss,
                                       const RunContext& ctx, const GradCheckOptions& o = {}) {
  Act<double> x = x0, dout;
  m.zero_grad();
  loss(m.forward(x, ctx), dout);
  Act<double> dx = m.backward(dout, true);
  std::vector<Param<double>*> ps = m.params();
  std::vector<Mat<double>> grads;
  for (Param<double>* p : ps) grads.push_back(p->grad);
  std::vector<GradVar> vars;
  for (std::size_t k = 0; k < ps.size(); ++k) vars.push_back({ps[k]->name, ps[k]->value.data(), grads[k].data(), ps[k]->value.size()});
  vars.push_back({"input", x.data(), dx.data(), x.size()});
  Act<double> scratch;
  return finite_difference_check([&] { return loss(m.forward(x, ctx), scratch); }, vars, o);
}

}  // namespace regcheck::nets
