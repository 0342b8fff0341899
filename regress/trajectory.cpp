#include "regress/trajectory.hpp"

#include "nets/nets.hpp"
#include "nets/optim/adam.hpp"
#include "nets/optim/sgd.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <stdexcept>

namespace regcheck::regress {

namespace {

using namespace regcheck::nets;

constexpr int kSteps = 20, kBatch = 20, kClasses = 5;
constexpr std::uint64_t kSeed = 20261204;

// Inputs from a closed form (no RNG, so the data cannot drift): x[n][f] = sin(1.3 n + 0.7 f + 0.1 n f);
// labels n mod 5.
Act<float> inputs(int features) {
  Act<float> x(kBatch, features);
  for (int n = 0; n < kBatch; ++n)
    for (int f = 0; f < features; ++f) x(n, f) = static_cast<float>(std::sin(1.3 * n + 0.7 * f + 0.1 * n * f));
  return x;
}

template <class Opt>
Trajectory train(const std::string& name, const std::string& description, Sequential<float>& m, int features, Opt make_opt) {
  m.build(kSeed);
  auto opt = make_opt(m.params());
  const Act<float> x = inputs(features);
  std::vector<int> labels(kBatch);
  for (int n = 0; n < kBatch; ++n) labels[static_cast<std::size_t>(n)] = n % kClasses;
  Trajectory t{name, description, {}};
  Act<float> dz;
  for (int s = 0; s < kSteps; ++s) {
    m.zero_grad();
    StepRecord r;
    r.loss = softmax_cross_entropy<float>(m.forward(x, {.train = true, .seed = kSeed, .step = static_cast<std::uint64_t>(s)}),
                                          labels, dz);
    m.backward(dz);
    opt.step();
    for (Param<float>* p : m.params())
      for (Eigen::Index k = 0; k < p->value.size(); ++k) {
        const double w = p->value.data()[k];
        r.sum += w;
        r.sum_abs += std::abs(w);
        r.sum_sq += w * w;
      }
    t.steps.push_back(r);
  }
  return t;
}

}  // namespace

std::vector<std::string> trajectory_configs() { return {"mlp-sgd", "mlp-dropout-adam", "convnet-sgd-momentum"}; }

Trajectory run_trajectory(const std::string& config) {
  if (config == "mlp-sgd") {
    Sequential<float> m(Shape{20});
    m.emplace<Dense<float>>(32).emplace<ReLU<float>>().emplace<Dense<float>>(16).emplace<ReLU<float>>().emplace<Dense<float>>(kClasses);
    return train(config, "MLP 20-32-16-5 (ReLU), SGD lr 0.1, weight decay 5e-4, 20 steps on 20 fixed examples", m, 20,
                 [](std::vector<Param<float>*> ps) { return optim::Sgd<float>(ps, {.lr = 0.1, .weight_decay = 5e-4}); });
  }
  if (config == "mlp-dropout-adam") {
    Sequential<float> m(Shape{20});
    m.emplace<Dense<float>>(32).emplace<ReLU<float>>().emplace<Dropout<float>>(0.2).emplace<Dense<float>>(kClasses);
    return train(config, "MLP 20-32-5 with ReLU and dropout 0.2 (masks from the seed and step), Adam lr 1e-2, 20 steps", m, 20,
                 [](std::vector<Param<float>*> ps) { return optim::Adam<float>(ps, {.lr = 1e-2}); });
  }
  if (config == "convnet-sgd-momentum") {
    Sequential<float> m(Shape{1, 8, 8});
    m.emplace<Conv2d<float>>(Conv2dOptions{4, 3, 3, 1, 1})
        .emplace<ReLU<float>>()
        .emplace<MaxPool2d<float>>(2)
        .emplace<Flatten<float>>()
        .emplace<Dense<float>>(kClasses);
    return train(config, "conv 4x3x3 (pad 1), ReLU, max pool 2, dense 5 on 1x8x8 inputs, SGD lr 0.05 momentum 0.9, 20 steps", m,
                 64, [](std::vector<Param<float>*> ps) { return optim::Sgd<float>(ps, {.lr = 0.05, .momentum = 0.9}); });
  }
  throw std::invalid_argument(fmt::format("trajectory config '{}' is unknown (allowed: mlp-sgd, mlp-dropout-adam, "
                                          "convnet-sgd-momentum)", config));
}

nlohmann::json trajectory_json(const Trajectory& t) {
  nlohmann::json steps = nlohmann::json::array();
  for (const StepRecord& r : t.steps)
    steps.push_back({{"loss", r.loss}, {"sum", r.sum}, {"sum_abs", r.sum_abs}, {"sum_sq", r.sum_sq}});
  return {{"config", t.config},
          {"description", t.description},
          {"budget_relative", kTrajectoryBudget},
          {"regenerate", "regcheck regress --bless"},
          {"steps", steps}};
}

Trajectory trajectory_from_json(const nlohmann::json& j) {
  try {
    Trajectory t{j.at("config").get<std::string>(), j.value("description", std::string()), {}};
    for (const auto& s : j.at("steps"))
      t.steps.push_back({s.at("loss").get<double>(), s.at("sum").get<double>(), s.at("sum_abs").get<double>(),
                         s.at("sum_sq").get<double>()});
    return t;
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("trajectory: malformed JSON: ") + e.what());
  }
}

Drift compare_trajectory(const Trajectory& o, const Trajectory& n) {
  Drift d;
  d.config = n.config;
  if (o.steps.size() != n.steps.size()) {
    d.regressed = true;
    d.max_rel = std::numeric_limits<double>::infinity();
    d.line = fmt::format("trajectory {}: {} steps, the stored one {} (run `regcheck regress --bless`)", n.config, n.steps.size(),
                         o.steps.size());
    return d;
  }
  for (std::size_t s = 0; s < n.steps.size(); ++s) {
    const StepRecord &a = o.steps[s], &b = n.steps[s];
    const struct {
      const char* name;
      double old_v, new_v, scale;
    } q[] = {{"loss", a.loss, b.loss, std::abs(a.loss)},
             {"sum", a.sum, b.sum, a.sum_abs},
             {"sum_abs", a.sum_abs, b.sum_abs, a.sum_abs},
             {"sum_sq", a.sum_sq, b.sum_sq, a.sum_sq}};
    for (const auto& x : q) {
      const double rel = x.old_v == x.new_v ? 0.0 : std::abs(x.new_v - x.old_v) / x.scale;
      if (!(rel <= d.max_rel)) {  // NaN counts as worst
        d.max_rel = std::isnan(rel) ? std::numeric_limits<double>::infinity() : rel;
        d.worst_step = s;
        d.worst_quantity = x.name;
        d.old_value = x.old_v;
        d.new_value = x.new_v;
      }
    }
  }
  if (!(d.max_rel <= kTrajectoryBudget)) {
    d.regressed = true;
    d.line = fmt::format("trajectory {} at step {}: {} {:.17g} -> {:.17g}, relative drift {:.3g} > budget {:g}", d.config,
                         d.worst_step, d.worst_quantity, d.old_value, d.new_value, d.max_rel, kTrajectoryBudget);
  }
  return d;
}

std::vector<Drift> run_trajectories(const std::string& dir) {
  std::vector<Drift> out;
  for (const std::string& c : trajectory_configs()) {
    const std::string path = dir + "/" + c + ".json";
    std::ifstream in(path);
    if (!in) throw std::invalid_argument(fmt::format("trajectory: cannot read '{}' (write it with --bless)", path));
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      throw std::invalid_argument(fmt::format("trajectory: '{}' is not JSON: {}", path, e.what()));
    }
    out.push_back(compare_trajectory(trajectory_from_json(j), run_trajectory(c)));
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> bless_trajectories(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& c : trajectory_configs())
    out.emplace_back(dir + "/" + c + ".json", trajectory_json(run_trajectory(c)).dump(2) + "\n");
  return out;
}

std::string drift_text(const std::vector<Drift>& d) {
  std::string out = fmt::format("{:<21} {:>12} {:>6} {:<9} {}\n", "trajectory", "max_rel", "step", "quantity", "verdict");
  for (const Drift& x : d)
    out += fmt::format("{:<21} {:>12.3g} {:>6} {:<9} {}\n", x.config, x.max_rel, x.worst_step,
                       x.worst_quantity.empty() ? "-" : x.worst_quantity, x.regressed ? "REGRESSED" : "ok");
  return out;
}

nlohmann::json drift_json(const std::vector<Drift>& d) {
  nlohmann::json out = nlohmann::json::array();
  for (const Drift& x : d) {
    nlohmann::json j = {{"config", x.config},
                        {"max_relative_drift", std::isfinite(x.max_rel) ? nlohmann::json(x.max_rel) : nlohmann::json("inf")},
                        {"worst_step", x.worst_step},
                        {"worst_quantity", x.worst_quantity},
                        {"budget_relative", kTrajectoryBudget},
                        {"verdict", x.regressed ? "regressed" : "ok"}};
    if (x.regressed) j["regression"] = x.line;
    out.push_back(j);
  }
  return out;
}

std::string drift_markdown(const std::vector<Drift>& d) {
  std::string out = "| trajectory | max relative drift | worst step | quantity | verdict |\n|---|---:|---:|---|---|\n";
  for (const Drift& x : d)
    out += fmt::format("| {} | {:.3g} | {} | {} | {} |\n", x.config, x.max_rel, x.worst_step, x.worst_quantity,
                       x.regressed ? "**REGRESSED**" : "ok");
  return out;
}

}  // namespace regcheck::regress
