#pragma once
// Deep Learning sec. 7.8, Algorithms 7.1-7.3 (early stopping and the two ways of then using all the
// data), as separate trainings of one config. The "training set" is the config's training data;
// a seeded share `validation_fraction` of it (permutation "nets/data/early-stopping") is the
// validation set, the rest the subtrain set; the config's test set stays untouched for the
// final comparison. The unit of "n steps" is `every` epochs (the book, sec. 7.8: retraining "for
// the same number of epochs" when overfitting is the concern). Validation error = the eval-mode
// loss J.
//   Alg. 7.1: from theta_o (the config's initialization), train on subtrain; every `every` epochs
//             v' = J(valid); if v' < v: j = 0, theta* = theta, i* = i, v = v', else j = j + 1;
//             stop when j = patience (or at the cap max_epochs); return theta*, i*.
//   Alg. 7.2: initialize again (the same initialization theta_o) and train on all the training
//             data for i* epochs.
//   Alg. 7.3: from theta*, eps = J(theta*, subtrain); train on all the training data `every`
//             epochs at a time while J(valid) > eps, capped at max_epochs (the book: "not even
//             guaranteed to terminate"; `reached` says whether it did).
// Parameters are snapshotted by value; models with batch norm are refused (their running
// averages are not parameters and would not be restored with theta*).
#include "nets/train/build.hpp"
#include "nets/train/config.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

namespace regcheck::nets::train {

// Alg. 7.1's bookkeeping: v = +inf, j = 0, i* = 0 at the start; observe(i, v') after the
// evaluation at epoch i: if v' < v then j = 0, i* = i, v = v' and it returns true (store theta*),
// else j = j + 1 and it returns false. stop() is j >= patience.
struct Alg71Monitor {
  int patience = 1;
  int j = 0, i_star = 0;
  double v = INFINITY;
  bool observe(int i, double v_new);
  bool stop() const { return j >= patience; }
};

struct FinalModel {
  int epochs = 0;                             // epochs trained
  double test_loss = NAN, test_accuracy = NAN;  // on the config's test set, eval mode
};

struct EarlyStoppingResult {
  int i_star = 0;              // Alg. 7.1: epochs to the best validation loss
  long i_star_steps = 0;       // the same in parameter updates (on subtrain)
  double best_valid_loss = NAN;  // v at theta*
  FinalModel alg71;            // theta* (epochs = epochs run before stopping, i* + every * patience unless capped)
  double eps = NAN;            // Alg. 7.3: J(theta*, subtrain)
  FinalModel alg72;            // retrained from theta_o on all the training data for i* epochs
  FinalModel alg73;            // continued from theta* (epochs = the extra epochs)
  bool alg73_reached = false;  // J(valid) <= eps before the cap
  double alg73_valid_loss = NAN;  // J(valid) at the end of Alg. 7.3
};
nlohmann::json to_json(const EarlyStoppingResult& r);

// Empty when `fraction` of n training examples leaves >= 2 for validation and for subtrain; else the problem.
std::string split_problem(double fraction, Eigen::Index n);

// Runs the three algorithms for cfg (cfg.early_stopping.patience > 0) on data (its train and
// test sets). Throws std::invalid_argument naming the field when patience < 1 or the split leaves
// fewer than 2 examples on a side (the Trainer checks both, and batch norm, at construction).
EarlyStoppingResult run_early_stopping(const TrainConfig& cfg, const TrainData& data);

}  // namespace regcheck::nets::train
