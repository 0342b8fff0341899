#include "nets/train/early_stopping.hpp"

#include "nets/data/split.hpp"
#include "nets/train/json_reader.hpp"
#include "nets/train/trainer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace regcheck::nets::train {

namespace {
std::vector<Mat<float>> snapshot(Trainer& t) {
  std::vector<Mat<float>> v;
  for (Param<float>* p : t.model().params()) v.push_back(p->value);
  return v;
}
void restore(Trainer& t, const std::vector<Mat<float>>& v) {
  const auto ps = t.model().params();
  for (std::size_t i = 0; i < ps.size(); ++i) ps[i]->value = v[i];
}
// The config of one inner training: no probes and no nested early stopping, `epochs` as the cap.
TrainConfig inner(const TrainConfig& cfg, int epochs) {
  TrainConfig c = cfg;
  c.early_stopping = {};
  c.predictions = {};
  c.dropout_inference = {};
  c.fit_probe = {};
  c.variance_probe = {};
  c.bootstrap_member = -1;  // the data passed in are already resampled if the run is bootstrapped
  c.epochs = epochs;
  return c;
}
FinalModel on_test(Trainer& t, const Dataset& test, int epochs) {
  FinalModel f;
  f.epochs = epochs;
  std::tie(f.test_loss, f.test_accuracy) = t.evaluate(test);
  return f;
}
}  // namespace

bool Alg71Monitor::observe(int i, double v_new) {
  if (v_new < v) {  // a NaN loss never improves
    j = 0, i_star = i, v = v_new;
    return true;
  }
  ++j;
  return false;
}

nlohmann::json to_json(const EarlyStoppingResult& r) {
  auto num = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
  auto model = [&](const FinalModel& f) {
    return nlohmann::json{{"epochs", f.epochs}, {"test_loss", num(f.test_loss)}, {"test_accuracy", num(f.test_accuracy)}};
  };
  nlohmann::json a73 = model(r.alg73);
  a73["reached"] = r.alg73_reached ? 1 : 0;
  a73["valid_loss"] = num(r.alg73_valid_loss);
  return {{"i_star", r.i_star}, {"i_star_steps", r.i_star_steps}, {"best_valid_loss", num(r.best_valid_loss)}, {"eps", num(r.eps)},
          {"alg71", model(r.alg71)}, {"alg72", model(r.alg72)}, {"alg73", a73}};
}

std::string split_problem(double fraction, Eigen::Index n) {
  const auto n_val = static_cast<Eigen::Index>(std::llround(fraction * static_cast<double>(n)));
  if (n_val >= 2 && n - n_val >= 2) return {};
  return fmt::format("{} of {} training examples leaves {} for validation and {} for subtrain (need >= 2 each)", fraction, n, n_val, n - n_val);
}

EarlyStoppingResult run_early_stopping(const TrainConfig& cfg, const TrainData& data) {
  const EarlyStoppingSpec& es = cfg.early_stopping;
  if (es.patience < 1) field_error("early_stopping.patience", fmt::format("{} (allowed: 1..1000000)", es.patience));
  const int cap = es.max_epochs > 0 ? es.max_epochs : cfg.epochs;
  const Dataset& all = data.train;
  const auto n_val = static_cast<Eigen::Index>(std::llround(es.validation_fraction * static_cast<double>(all.size())));
  if (n_val < 2 || all.size() - n_val < 2) field_error("early_stopping.validation_fraction", split_problem(es.validation_fraction, all.size()));
  const auto perm = data::permutation(all.size(), cfg.seed, "early-stopping");
  std::vector<Eigen::Index> vi(perm.begin(), perm.begin() + n_val), ti(perm.begin() + n_val, perm.end());
  std::sort(vi.begin(), vi.end());
  std::sort(ti.begin(), ti.end());
  const Dataset valid = data::subset(all, vi), subtrain = data::subset(all, ti);

  EarlyStoppingResult r;
  // Alg. 7.1 on (subtrain, valid): the inner trainer's test set is the validation set.
  Trainer t71(inner(cfg, cap), TrainData{subtrain, valid});
  std::vector<Mat<float>> best = snapshot(t71);
  Alg71Monitor mon{.patience = es.patience};
  long steps = 0;
  while (!mon.stop() && !t71.finished()) {
    for (int k = 0; k < es.every && !t71.finished(); ++k) steps += t71.run_epoch().steps;
    if (mon.observe(t71.epochs_done(), t71.evaluate(valid).first)) best = snapshot(t71), r.i_star_steps = steps;
  }
  const int stopped = t71.epochs_done();
  restore(t71, best);
  r.i_star = mon.i_star;
  r.best_valid_loss = mon.v;
  r.alg71 = on_test(t71, data.test, stopped);
  r.eps = t71.evaluate(subtrain).first;

  // Alg. 7.2: theta_o again, all the training data, i* epochs (none when no evaluation improved on +inf, i.e. i* = 0).
  if (r.i_star > 0) {
    Trainer t72(inner(cfg, r.i_star), TrainData{all, data.test});
    t72.run();
    r.alg72 = on_test(t72, data.test, r.i_star);
  } else {
    Trainer t72(inner(cfg, 1), TrainData{all, data.test});
    r.alg72 = on_test(t72, data.test, 0);
  }

  // Alg. 7.3: theta* on all the training data until J(valid) <= eps or the cap.
  Trainer t73(inner(cfg, cap), TrainData{all, data.test});
  restore(t73, best);
  double jv = t73.evaluate(valid).first;
  while (jv > r.eps && !t73.finished()) {
    for (int k = 0; k < es.every && !t73.finished(); ++k) t73.run_epoch();
    jv = t73.evaluate(valid).first;
  }
  r.alg73_reached = jv <= r.eps;
  r.alg73_valid_loss = jv;
  r.alg73 = on_test(t73, data.test, t73.epochs_done());
  return r;
}

}  // namespace regcheck::nets::train
