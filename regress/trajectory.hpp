#pragma once
// Golden training trajectories of the trainer (nets/): a few small configs run for a few steps;
// per step the loss and a weight checksum (sum, sum of |w|, sum of w^2 over every parameter, in
// double) are compared with regress/trajectories/<config>.json in relative error.
//
// Budget: 1e-5 relative per quantity and step (the sum's error is taken relative to the sum of
// |w|, as the signed sum may cancel). Reason: the trainer computes in float32; a different
// summation order (compiler, flags, Eigen, BLAS) moves each step by ~1e-7 relative and 20 steps of
// these contracting runs keep that below 1e-5 (tests/test_nets_golden.cpp matches PyTorch, whose
// sums are ordered differently, to 1e-5), while a changed layer, gradient or optimizer step moves
// the losses by 1e-3 to 1e-1. The runs are thread-count independent (the trainer is deterministic
// for 1 or N threads) and take milliseconds.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace regcheck::regress {

inline constexpr double kTrajectoryBudget = 1e-5;

struct StepRecord {
  double loss = 0, sum = 0, sum_abs = 0, sum_sq = 0;
};
struct Trajectory {
  std::string config, description;
  std::vector<StepRecord> steps;
};

// The configs, in order: mlp-sgd, mlp-dropout-adam, convnet-sgd-momentum.
std::vector<std::string> trajectory_configs();
// Runs one config (std::invalid_argument for an unknown name).
Trajectory run_trajectory(const std::string& config);

nlohmann::json trajectory_json(const Trajectory& t);
Trajectory trajectory_from_json(const nlohmann::json& j);  // std::invalid_argument if malformed

struct Drift {
  std::string config;
  double max_rel = 0;  // largest relative drift over steps and quantities
  std::size_t worst_step = 0;
  std::string worst_quantity;
  double old_value = 0, new_value = 0;
  bool regressed = false;
  std::string line;  // for a regression: config, step, quantity, old and new value
};
Drift compare_trajectory(const Trajectory& old_t, const Trajectory& new_t);

// Runs every config and compares it with DIR/<config>.json (std::invalid_argument when a stored
// trajectory is missing or malformed).
std::vector<Drift> run_trajectories(const std::string& dir);
// Runs every config and returns DIR/<config>.json paths with their new content (for --bless).
std::vector<std::pair<std::string, std::string>> bless_trajectories(const std::string& dir);

// Reports: a text table, a JSON array, markdown rows.
std::string drift_text(const std::vector<Drift>& d);
nlohmann::json drift_json(const std::vector<Drift>& d);
std::string drift_markdown(const std::vector<Drift>& d);

}  // namespace regcheck::regress
