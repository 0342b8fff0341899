// Deep Learning sec. 7.8, Algorithms 7.1-7.3 in the trainer (nets/train/early_stopping.hpp):
// Alg. 7.1's bookkeeping on hand-made validation curves (fixed expected i*, stopping epoch);
// on a tiny deterministic problem, each algorithm's model against an independent reconstruction
// from plain trainings (the documented split, i* epochs on subtrain, i* epochs from the same
// initialization on all the data), which must match exactly: the same operations in the same
// order give bit-identical losses (the trainer's results are a function of the seed alone);
// the file ends with the configuration errors that must be raised.
#include "nets/train/early_stopping.hpp"

#include "nets/data/split.hpp"
#include "nets/train/trainer.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace regcheck::nets;
using namespace regcheck::nets::train;
using nlohmann::json;

namespace {

// Runs the monitor over a curve of validation losses evaluated every `every` epochs (curve[k] at
// epoch (k + 1) * every) until it stops or the curve ends; returns {i*, epoch stopped at}.
std::pair<int, int> monitor(const std::vector<double>& curve, int patience, int every) {
  Alg71Monitor m{.patience = patience};
  int i = 0;
  for (std::size_t k = 0; k < curve.size() && !m.stop(); ++k) m.observe(i += every, curve[k]);
  return {m.i_star, i};
}

// A small, noisy teacher regression that a 10-64-64-1 net overfits: 40 training examples.
json tiny_config() {
  return json::parse(R"({
    "model": {"input": [4], "layers": [{"type": "dense", "out": 64}, {"type": "relu"}, {"type": "dense", "out": 64}, {"type": "relu"},
                                       {"type": "dense", "out": 1}]},
    "data": {"kind": "teacher", "n": 40, "test_n": 200, "in": 4, "hidden": [8], "out": 1, "noise_sd": 0.5},
    "optimizer": {"type": "adam", "lr": 0.01},
    "early_stopping": {"patience": 3, "every": 2, "validation_fraction": 0.25, "max_epochs": 60},
    "epochs": 5, "batch_size": 8, "seed": 3, "threads": 1
  })");
}

TrainConfig plain(const TrainConfig& c, int epochs) {
  TrainConfig p = c;
  p.early_stopping = {};
  p.epochs = epochs;
  return p;
}

}  // namespace

// Hand-made curves (every = 1, patience 2): 5, 4, 3, 3.5, 2.9, 3, 3.1, 3.2: improvements at epochs
// 1, 2, 3, 5; after 2.9 (epoch 5) two worse values (epochs 6, 7) stop it at 7 with i* = 5.
TEST(EarlyStoppingMonitor, HandCurves) {
  const std::vector<double> c = {5, 4, 3, 3.5, 2.9, 3, 3.1, 3.2};
  EXPECT_EQ(monitor(c, 2, 1), std::make_pair(5, 7));
  // every = 2 (the same values now at epochs 2, 4, ..., 16): i* = 10, stopped at 14.
  EXPECT_EQ(monitor(c, 2, 2), std::make_pair(10, 14));
  // patience 1: the first worse value (3.5 at epoch 4) stops it, i* = 3.
  EXPECT_EQ(monitor(c, 1, 1), std::make_pair(3, 4));
  // A tie is not an improvement (v' < v is strict): 2, 2, 2 with patience 2 stops at 3, i* = 1.
  EXPECT_EQ(monitor({2, 2, 2}, 2, 1), std::make_pair(1, 3));
  // A falling curve never stops before its end (the trainer's cap): i* = the last epoch.
  EXPECT_EQ(monitor({3, 2, 1}, 2, 1), std::make_pair(3, 3));
  // NaN never improves.
  EXPECT_EQ(monitor({1, NAN, NAN}, 2, 1), std::make_pair(1, 3));
}

TEST(EarlyStopping, AlgorithmsMatchPlainTrainings) {
  const TrainConfig cfg = parse_config(tiny_config());
  Trainer t(cfg);
  t.run();
  const json es = to_json(t.history().back()).at("early_stopping");
  ASSERT_TRUE(es.is_object());
  // The documented split: permutation "early-stopping" of the 40 training examples, the first
  // llround(0.25 * 40) = 10 are the validation set.
  const Dataset& all = t.data().train;
  ASSERT_EQ(all.size(), 40);
  const auto perm = data::permutation(all.size(), cfg.seed, "early-stopping");
  std::vector<Eigen::Index> vi(perm.begin(), perm.begin() + 10), ti(perm.begin() + 10, perm.end());
  std::sort(vi.begin(), vi.end());
  std::sort(ti.begin(), ti.end());
  const Dataset valid = data::subset(all, vi), sub = data::subset(all, ti);

  // Alg. 7.1 by hand: the validation loss after every 2nd epoch of a plain 60-epoch run on subtrain.
  Trainer curve_run(plain(cfg, 60), TrainData{sub, valid});
  std::vector<double> curve;
  while (!curve_run.finished()) {
    curve_run.run_epoch();
    if (curve_run.epochs_done() % 2 == 0) curve.push_back(curve_run.history().back().test_loss);
  }
  const auto [i_star, stopped] = monitor(curve, 3, 2);
  ASSERT_GT(i_star, 0);
  EXPECT_EQ(es["i_star"], i_star);
  EXPECT_EQ(es["alg71"]["epochs"], stopped);
  EXPECT_EQ(es["best_valid_loss"].get<double>(), curve[static_cast<std::size_t>(i_star / 2 - 1)]);
  EXPECT_LT(stopped, 60) << "the tiny problem overfits, so patience (not the cap) stops Alg. 7.1";
  EXPECT_EQ(es["i_star_steps"], static_cast<long>(i_star) * 4);  // 30 subtrain examples in batches of 8: 4 steps per epoch

  // theta* = the model after i* epochs on subtrain: its test loss and J(subtrain) = eps.
  Trainer at_star(plain(cfg, i_star), TrainData{sub, t.data().test});
  at_star.run();
  EXPECT_EQ(es["alg71"]["test_loss"].get<double>(), at_star.evaluate(t.data().test).first);
  EXPECT_EQ(es["eps"].get<double>(), at_star.evaluate(sub).first);

  // Alg. 7.2: the same initialization on all 40 examples for i* epochs.
  Trainer retrain(plain(cfg, i_star), TrainData{all, t.data().test});
  retrain.run();
  EXPECT_EQ(es["alg72"]["epochs"], i_star);
  EXPECT_EQ(es["alg72"]["test_loss"].get<double>(), retrain.evaluate(t.data().test).first);

  // Alg. 7.3: stops exactly when J(valid) <= eps, in steps of 2 epochs, or at the cap of 60.
  const bool reached = es["alg73"]["reached"] == 1;
  const double jv = es["alg73"]["valid_loss"].get<double>(), eps = es["eps"].get<double>();
  EXPECT_EQ(reached, jv <= eps);
  const int e73 = es["alg73"]["epochs"].get<int>();
  EXPECT_TRUE(reached ? e73 % 2 == 0 && e73 <= 60 : e73 == 60) << e73;
  EXPECT_TRUE(reached) << "the validation examples are now trained on, so their loss falls below eps";
}

// The algorithms run only after the last epoch and leave the run's own history alone.
TEST(EarlyStopping, RunHistoryUnchanged) {
  json with = tiny_config(), without = tiny_config();
  without.erase("early_stopping");
  Trainer a(parse_config(with)), b(parse_config(without));
  a.run();
  b.run();
  for (int e = 0; e < 5; ++e) {
    EXPECT_EQ(a.history()[e].test_loss, b.history()[e].test_loss);
    EXPECT_EQ(e < 4, to_json(a.history()[e]).contains("early_stopping") == false);
  }
}

// Errors that must be raised (std::invalid_argument naming the field).
TEST(EarlyStoppingErrors, BadConfigs) {
  auto fails = [](json j, const std::string& field) {
    try {
      Trainer t(parse_config(j));
      ADD_FAILURE() << "no error for " << field;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  json j = tiny_config();
  j["early_stopping"].erase("patience");
  fails(j, "early_stopping.patience");
  j = tiny_config(), j["early_stopping"]["patience"] = 0;
  fails(j, "early_stopping.patience");
  j = tiny_config(), j["early_stopping"]["every"] = 0;
  fails(j, "early_stopping.every");
  j = tiny_config(), j["early_stopping"]["validation_fraction"] = 1.0;
  fails(j, "early_stopping.validation_fraction");
  j = tiny_config(), j["early_stopping"]["validation_fraction"] = 0.01;  // llround(0.4) = 0 validation examples
  fails(j, "early_stopping.validation_fraction");
  j = tiny_config(), j["early_stopping"]["max_epochs"] = 0;
  fails(j, "early_stopping.max_epochs");
  j = tiny_config(), j["early_stopping"]["patince"] = 2;
  fails(j, "early_stopping.patince");
  j = tiny_config(), j["model"]["layers"].insert(j["model"]["layers"].begin() + 1, json{{"type", "batchnorm"}});
  fails(j, "early_stopping");
  j = tiny_config(), j["data"]["test_n"] = 0;
  fails(j, "early_stopping");
  EXPECT_THROW(run_early_stopping(plain(parse_config(tiny_config()), 5), TrainData{}), std::invalid_argument);  // patience 0
}
