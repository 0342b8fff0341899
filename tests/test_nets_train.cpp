// The trainer (nets/train) and `regcheck train`: training converges on synthetic tasks, the
// metrics are a function of the seed alone (1 vs 2 threads bit-identical), gcsr gating and
// delay act as specified, regularizers produce exact zeros, the shipped configs parse and fit
// their data, the history JSON carries its fields, and the CLI runs; the file ends with the
// configuration errors that must be raised (std::invalid_argument naming the field; exit 2, one
// line, no file from the CLI).
#include "nets/train/trainer.hpp"

#include <gtest/gtest.h>

#include "tests/support/cli_harness.hpp"
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace regcheck::nets::train;
using nlohmann::json;

namespace {

// 2-D, 3-class linearly separable clusters; a 2-32-3 MLP.
json separable_config() {
  return json::parse(R"({
    "model": {"input": [2], "layers": [{"type": "dense", "out": 32}, {"type": "relu"}, {"type": "dense", "out": 3}]},
    "data": {"kind": "separable", "n": 300, "test_n": 300, "dim": 2, "classes": 3, "separation": 4.0, "margin": 0.5},
    "optimizer": {"type": "sgd", "lr": 0.05, "momentum": 0.9},
    "epochs": 10, "batch_size": 32, "seed": 7, "threads": 1
  })");
}

// Images (16 features as 1x4x4) through conv, batch norm, Drop-Activation, dropout and dense,
// with gated L1: every random and reduction path of a training step.
json conv_config() {
  return json::parse(R"({
    "model": {"input": [1, 4, 4], "layers": [
      {"type": "conv2d", "out": 6, "kernel": 3, "padding": 1}, {"type": "batchnorm"}, {"type": "drop_activation", "p": 0.9},
      {"type": "maxpool", "kernel": 2}, {"type": "flatten"}, {"type": "dropout", "p": 0.2},
      {"type": "dense", "out": 24}, {"type": "rrelu"}, {"type": "dense", "out": 4}]},
    "data": {"kind": "separable", "n": 256, "test_n": 128, "dim": 16, "classes": 4, "separation": 2.0, "margin": 0.2},
    "optimizer": {"type": "sgd", "lr": 0.05, "momentum": 0.9, "weight_decay": 0.0001},
    "regularizer": {"kind": "l1", "lambda": 0.001},
    "gcsr": {"mode": "gated", "mu": 0.5},
    "epochs": 2, "batch_size": 64, "seed": 11
  })");
}

std::string fashion_small(int threads) {
  return R"({
    "model": {"input": [1, 28, 28], "layers": [{"type": "flatten"}, {"type": "dense", "out": 512}, {"type": "relu"},
                                                {"type": "dense", "out": 512}, {"type": "relu"}, {"type": "dense", "out": 10}]},
    "data": {"kind": "fashion-mnist", "normalize": true, "train_limit": 384, "test_limit": 200},
    "optimizer": {"type": "sgd", "lr": 0.02, "momentum": 0.9},
    "regularizer": {"kind": "l2", "lambda": 0.0001},
    "epochs": 2, "batch_size": 128, "seed": 3, "threads": )" + std::to_string(threads) + "}";
}

std::string error_of(const json& j) {
  try {
    Trainer t(parse_config(j));
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no exception)";
}

// Expects std::invalid_argument whose message starts with `prefix`.
void expect_error(const json& j, const std::string& prefix) {
  const std::string msg = error_of(j);
  EXPECT_EQ(msg.rfind(prefix, 0), 0u) << "expected a message starting with\n  " << prefix << "\ngot\n  " << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

using regcheck::test::CliRun;
using regcheck::test::lines;
using regcheck::test::scratch;
using regcheck::test::slurp;
using regcheck::test::write;

CliRun cli(const std::string& args) { return regcheck::test::run("train " + args); }

}  // namespace

// ---- training works ----

TEST(NetsTrain, SeparableClassificationConverges) {
  Trainer t(parse_config(separable_config()));
  const auto [loss0, acc0] = t.evaluate(t.data().train);
  t.run();
  const auto& last = t.history().back();
  // Initial cross-entropy of 3 classes is about ln 3 = 1.1; trained on separable clusters
  // (margin 0.5 at separation 4) it must fall at least 10-fold and classify the held-out set.
  EXPECT_GT(loss0, 0.5);
  EXPECT_LT(last.train_loss, loss0 / 10) << "initial " << loss0;
  EXPECT_GT(last.test_accuracy, 0.97);
  EXPECT_LT(acc0, 0.9);  // not already solved at initialization
  ASSERT_EQ(t.history().size(), 10u);
  EXPECT_LT(t.history().back().train_loss, t.history().front().train_loss);
}

TEST(NetsTrain, TeacherRegressionConverges) {
  json j = json::parse(R"({
    "model": {"input": [5], "layers": [{"type": "dense", "out": 64}, {"type": "relu"}, {"type": "dense", "out": 1}]},
    "data": {"kind": "teacher", "n": 512, "test_n": 256, "in": 5, "hidden": [16], "out": 1, "noise_sd": 0.05},
    "optimizer": {"type": "adam", "lr": 0.003},
    "epochs": 30, "batch_size": 64, "seed": 5, "threads": 2
  })");
  Trainer t(parse_config(j));
  EXPECT_EQ(t.loss_kind(), LossKind::MeanSquaredError);
  const double mse0 = t.evaluate(t.data().test).first;
  t.run();
  const auto& last = t.history().back();
  // The student (64 hidden) can represent the teacher (16 hidden): test MSE must fall >= 5-fold.
  EXPECT_LT(last.test_loss, mse0 / 5) << "initial " << mse0;
  EXPECT_TRUE(std::isnan(last.test_accuracy));
  EXPECT_TRUE(history_json(t).at("epochs").back().at("test_accuracy").is_null());
}

TEST(NetsTrain, LearningRateScheduleIsApplied) {
  json j = separable_config();
  j["epochs"] = 5;
  j["schedule"] = {{"type", "multistep"}, {"milestones", {2, 4}}, {"gamma", 0.1}};
  Trainer t(parse_config(j));
  t.run();
  const double want[] = {0.05, 0.05, 0.005, 0.005, 0.0005};
  for (int e = 0; e < 5; ++e) EXPECT_NEAR(t.history()[e].lr, want[e], 1e-15) << "epoch " << e;
}

// ---- determinism ----

TEST(NetsTrain, SameSeedSameHistoryFor1And2Threads) {
  for (const json& base : {conv_config(), json::parse(fashion_small(1))}) {
    json a = base, b = base;
    a["threads"] = 1;
    b["threads"] = 2;
    Trainer ta(parse_config(a)), tb(parse_config(b));
    ta.run();
    tb.run();
    // Everything but the timings, as exact decimal text: bit-identical doubles give equal dumps.
    const std::string ha = history_json(ta, false).at("epochs").dump(), hb = history_json(tb, false).at("epochs").dump();
    EXPECT_EQ(ha, hb);
    // ...and the run really learned something and depends on the seed.
    json c = a;
    c["seed"] = 12345;
    Trainer tc(parse_config(c));
    tc.run_epoch();
    EXPECT_NE(to_json(tc.history()[0], false).dump(), to_json(ta.history()[0], false).dump());
  }
}

// --profile only reads the clock: the weights (every parameter, bit for bit) and the metrics are
// those of the same run without it; the conv config covers conv, batch norm, masks, pooling, dense
// and a regularizer, and Adam is checked on the MLP.
TEST(NetsTrain, ProfileChangesNoResult) {
  json adam = separable_config();
  adam["optimizer"] = {{"type", "adam"}, {"lr", 0.01}};
  adam["epochs"] = 2;
  for (const json& cfg : {conv_config(), adam}) {
    Trainer plain(parse_config(cfg)), profiled(parse_config(cfg));
    profiled.set_profile(true);
    plain.run();
    profiled.run();
    EXPECT_EQ(history_json(plain, false).at("epochs").dump(), history_json(profiled, false).at("epochs").dump());
    const auto pa = plain.model().params(), pb = profiled.model().params();
    ASSERT_EQ(pa.size(), pb.size());
    for (std::size_t i = 0; i < pa.size(); ++i) {
      ASSERT_EQ(pa[i]->value.size(), pb[i]->value.size()) << pa[i]->name;
      EXPECT_EQ(std::memcmp(pa[i]->value.data(), pb[i]->value.data(), sizeof(float) * static_cast<std::size_t>(pa[i]->value.size())), 0)
          << pa[i]->name;
    }
    // The profile is there (with timing only) and accounts for every top-level layer.
    EXPECT_FALSE(history_json(plain).at("epochs")[0].contains("profile"));
    const json prof = history_json(profiled).at("epochs")[0].at("profile");
    EXPECT_FALSE(history_json(profiled, false).at("epochs")[0].contains("profile"));
    EXPECT_EQ(prof.at("layers").size(), profiled.model().size());
    EXPECT_EQ(prof.at("steps").get<long>(), profiled.history()[0].steps);
    double parts = prof.at("data_s").get<double>() + prof.at("zero_grad_s").get<double>() + prof.at("loss_s").get<double>() +
                   prof.at("grad_stats_s").get<double>() + prof.at("regularize_s").get<double>() + prof.at("unaccounted_s").get<double>();
    for (const json& l : prof.at("layers")) {
      for (const char* k : {"forward_s", "backward_s", "update_s"}) EXPECT_GE(l.at(k).get<double>(), 0.0) << k;
      parts += l.at("forward_s").get<double>() + l.at("backward_s").get<double>() + l.at("update_s").get<double>();
      EXPECT_EQ(l.contains("forward_gflops"), l.at("kind") == "dense" || l.at("kind") == "conv2d");
    }
    // The parts add up to the step time by construction (unaccounted = the rest): 1e-9 relative
    // covers the rounding of ~30 additions of doubles.
    EXPECT_NEAR(parts, prof.at("step_s").get<double>(), 1e-9 * prof.at("step_s").get<double>());
    // Only parameter-holding layers spend time in the optimizer update.
    for (std::size_t i = 0; i < profiled.model().size(); ++i)
      if (profiled.model().layer(i).params().empty()) {
        EXPECT_EQ(prof.at("layers")[i].at("update_s").get<double>(), 0.0) << i;
      }
    EXPECT_NE(profile_table(prof).find("forward"), std::string::npos);
  }
}

// ---- regularizers and gcsr ----

TEST(NetsTrain, GatedGcsrRecordsPiPerStepAndGates) {
  Trainer t(parse_config(conv_config()));
  t.run();
  long regularized = 0, steps = 0;
  for (const auto& m : t.history()) {
    ASSERT_EQ(static_cast<long>(m.pi_steps.size()), m.steps);
    for (double p : m.pi_steps) {
      ASSERT_TRUE(std::isfinite(p));
      EXPECT_GE(p, 0.0);
      EXPECT_LE(p, 1.0);
    }
    long above = 0;
    for (double p : m.pi_steps) above += p > 0.5;
    EXPECT_EQ(m.regularized_steps, above) << "gate: impose lambda exactly when pi > mu";
    regularized += m.regularized_steps, steps += m.steps;
  }
  EXPECT_GT(steps, 0);
  EXPECT_TRUE(history_json(t).at("epochs")[0].contains("pi"));
}

TEST(NetsTrain, DelayedGcsrStartsAtGamma) {
  json j = separable_config();
  j["epochs"] = 4;
  j["regularizer"] = {{"kind", "l1"}, {"lambda", 0.01}};
  j["gcsr"] = {{"mode", "delayed"}, {"gamma", 2}};
  Trainer t(parse_config(j));
  t.run();
  for (int e = 0; e < 4; ++e) EXPECT_EQ(t.history()[e].regularized_steps, e >= 2 ? t.history()[e].steps : 0) << "epoch " << e;
  EXPECT_EQ(t.history()[1].sparsity, 0.0);  // no prox yet: no exact zeros from the init
  EXPECT_GT(t.history()[3].sparsity, 0.0);  // soft thresholding makes exact zeros
}

TEST(NetsTrain, LogPiRecordsPiInEveryModeWithoutGating) {
  json j = separable_config();
  j["epochs"] = 3;
  j["regularizer"] = {{"kind", "l1"}, {"lambda", 0.01}};
  j["gcsr"] = {{"mode", "delayed"}, {"gamma", 2}, {"log_pi", true}};  // pi of a lambda not imposed in epochs 0 and 1
  Trainer t(parse_config(j));
  t.run();
  for (int e = 0; e < 3; ++e) {
    EXPECT_EQ(static_cast<long>(t.history()[e].pi_steps.size()), t.history()[e].steps) << "epoch " << e;
    EXPECT_EQ(t.history()[e].regularized_steps, e >= 2 ? t.history()[e].steps : 0) << "epoch " << e;  // the schedule, not pi, decides
  }
}

// fit_probe on a net set by hand to f_net(x) = max(x - 5, 0) (dense w = 1, b = -5; relu; dense
// w = 1, b = 0; SGD with lr 1e-30 leaves these values unchanged in float: |lr g| << eps/2), grid
// of 3 points x = 0, 5, 10 (h = 5), boundary 1 (the points 0 and 10). Hand values: predictions
// 0, 0, 5 against x sin x = 0, 5 sin 5, 10 sin 10: grid_mse = ((5 sin 5)^2 + (5 - 10 sin 10)^2) / 3,
// boundary_mse = (5 - 10 sin 10)^2 / 2, roughness = |5 - 2 * 0 + 0| / 5 = 1 (the slope's jump);
// train_mse from the training points' own x and y. Tolerance 1e-12 relative: double sums of a
// few terms (the predictions are exact in float). The curve with K = 3 is at the same x = 0, 5,
// 10: outputs 0, 0, 5 within 1e-12 (the output bias starts at 0, so the 1e-30 step moves it to
// about -2e-31, far below), targets x sin x in double (the x exact in
// float), compared to std::sin within 4 ulps of the larger magnitude 10 |sin 10|.
TEST(NetsTrain, FitProbeByHand) {
  json j = json::parse(R"({
    "model": {"input": [1], "layers": [{"type": "dense", "out": 1}, {"type": "relu"}, {"type": "dense", "out": 1}]},
    "data": {"kind": "xsinx", "n": 20, "test_n": 0}, "fit_probe": {"grid": 3, "boundary": 1.0, "curve": 3},
    "optimizer": {"type": "sgd", "lr": 1e-30}, "epochs": 1, "batch_size": 20, "seed": 3, "threads": 1
  })");
  Trainer t(parse_config(j));
  for (auto* p : t.model().params()) p->value.setConstant(p->is_weight ? 1.0f : (p->layer == 0 ? -5.0f : 0.0f));
  t.run();
  const auto& m = t.history().back();
  const double a = 5 * std::sin(5.0), b = 5 - 10 * std::sin(10.0);
  EXPECT_NEAR(m.fit_grid_mse, (a * a + b * b) / 3, 1e-12 * (a * a + b * b));
  EXPECT_NEAR(m.fit_boundary_mse, b * b / 2, 1e-12 * b * b);
  EXPECT_NEAR(m.fit_roughness, 1.0, 1e-12);
  double se = 0;
  for (Eigen::Index i = 0; i < 20; ++i) {
    const double x = t.data().train.x(i, 0), y = t.data().train.y(i, 0);
    se += std::pow(std::max(x - 5, 0.0) - y, 2);
  }
  EXPECT_NEAR(m.fit_train_mse, se / 20, 1e-6 * se / 20);  // float predictions: relative 1e-6
  EXPECT_TRUE(history_json(t).at("epochs")[0].contains("fit_probe"));
  const json c = history_json(t).at("epochs")[0].at("fit_probe").at("curve");
  EXPECT_EQ(c.at("x"), json({{"0", 0.0}, {"1", 5.0}, {"2", 10.0}}));
  const double want[] = {0.0, 0.0, 5.0};
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(c.at("output").at(std::to_string(k)).get<double>(), want[k], 1e-12) << "k = " << k;
  const double tol = 4 * std::numeric_limits<double>::epsilon() * 10;
  EXPECT_NEAR(c.at("target").at("0").get<double>(), 0.0, tol);
  EXPECT_NEAR(c.at("target").at("1").get<double>(), 5 * std::sin(5.0), tol);
  EXPECT_NEAR(c.at("target").at("2").get<double>(), 10 * std::sin(10.0), tol);
}

// init "zero" and weights_probe: from w(0) = 0 one full-batch GD step on J(w) = (1/n) sum (w.x_i -
// y_i)^2 gives w(1) = -eta grad J(0) = 2 eta X^T y / n (hand derivation), computed here in double
// from the training data. Tolerance: the float gradient sums n = 8 products after the residuals
// 2 (z - y) / n, so |error| <= (n + 4) eps_f 2 eta sum_i |x_ij y_i| / n, plus eps_f |w| for the
// update; 16 eps_f covers it. The probe's moments are double sums of products of floats (exact in
// double), relative 1e-12.
TEST(NetsTrain, ZeroInitAndWeightsProbeByHand) {
  json j = json::parse(R"({
    "model": {"input": [3], "layers": [{"type": "dense", "out": 1, "bias": false}]},
    "data": {"kind": "teacher", "n": 8, "in": 3, "hidden": [], "out": 1}, "init": "zero", "weights_probe": true,
    "loss": "mse", "optimizer": {"type": "sgd", "lr": 0.05}, "epochs": 1, "batch_size": 8, "shuffle": false, "seed": 4, "threads": 1
  })");
  Trainer t(parse_config(j));
  EXPECT_EQ(t.model().params()[0]->value.cwiseAbs().maxCoeff(), 0.0f);
  t.run();
  const nlohmann::json p = history_json(t).at("epochs")[0].at("weights_probe");
  const auto& x = t.data().train.x;
  const auto& y = t.data().train.y;
  const double eps_f = std::numeric_limits<float>::epsilon();
  EXPECT_EQ(p.at("n").get<double>(), 8.0);
  EXPECT_EQ(p.at("steps").get<double>(), 1.0);
  double yty = 0;
  for (Eigen::Index i = 0; i < 8; ++i) yty += static_cast<double>(y(i, 0)) * y(i, 0);
  EXPECT_NEAR(p.at("yty").get<double>(), yty / 8, 1e-12 * yty);
  for (int c = 0; c < 3; ++c) {
    double xty = 0, mag = 0;
    for (Eigen::Index i = 0; i < 8; ++i) xty += static_cast<double>(x(i, c)) * y(i, 0), mag += std::abs(static_cast<double>(x(i, c)) * y(i, 0));
    EXPECT_NEAR(p.at("w").at(std::to_string(c)).get<double>(), 2 * 0.05 * xty / 8, 16 * eps_f * 2 * 0.05 * mag / 8) << c;
    EXPECT_NEAR(p.at("xty").at(std::to_string(c)).get<double>(), xty / 8, 1e-12 * mag);
    for (int k = 0; k < 3; ++k) {
      double g = 0, gm = 0;
      for (Eigen::Index i = 0; i < 8; ++i) g += static_cast<double>(x(i, c)) * x(i, k), gm += std::abs(static_cast<double>(x(i, c)) * x(i, k));
      EXPECT_NEAR(p.at("gram").at(std::to_string(c * 3 + k)).get<double>(), g / 8, 1e-12 * gm) << c << k;
    }
  }
}

TEST(NetsTrain, IntegratedTl1PrunesAndCountsCost) {
  json j = separable_config();
  j["regularizer"] = {{"kind", "integrated-tl1"}, {"lambda", 0.02}, {"a", 1.0}, {"mu_linear", {0.2, 0.8}}};
  Trainer t(parse_config(j));
  t.run();
  const auto& m = t.history().back();
  EXPECT_GT(m.sparsity, 0.1);
  EXPECT_LT(m.cost.params_pruned, m.cost.params);
  EXPECT_LT(m.cost.flops_pruned, m.cost.flops);
  EXPECT_DOUBLE_EQ(m.cost.params, 2 * 32 + 32 + 32 * 3 + 3);
  ASSERT_EQ(m.mean_abs_grad.size(), 2u);  // two weight layers
  for (const auto& g : m.mean_abs_grad) EXPECT_GT(g.mean_abs_grad, 0.0);
  // The all-weights mean lies between the per-layer means (a size-weighted mean of them).
  EXPECT_GE(m.mean_abs_grad_all, std::min(m.mean_abs_grad[0].mean_abs_grad, m.mean_abs_grad[1].mean_abs_grad) * (1 - 1e-12));
  EXPECT_LE(m.mean_abs_grad_all, std::max(m.mean_abs_grad[0].mean_abs_grad, m.mean_abs_grad[1].mean_abs_grad) * (1 + 1e-12));
  EXPECT_GT(m.regularization, 0.0);
}

// ---- shipped configs and history fields ----

TEST(NetsTrain, ShippedConfigsParseAndFitTheirData) {
  int n = 0;
  for (const auto& f : fs::directory_iterator(fs::path(REGCHECK_SOURCE_DIR) / "nets/configs")) {
    if (f.path().extension() != ".json") continue;
    ++n;
    SCOPED_TRACE(f.path().string());
    TrainConfig c = load_config(f.path());
    c.data.train_limit = 64;  // the model/data checks only; keep the test fast
    c.data.test_limit = 64;
    EXPECT_NO_THROW(Trainer t(c));
  }
  EXPECT_GE(n, 6);
}

TEST(NetsTrain, HistoryJsonHasTheFields) {
  json j = separable_config();
  j["epochs"] = 2;
  Trainer t(parse_config(j));
  t.run();
  const json h = history_json(t);
  for (const char* k : {"tool", "config", "seed", "threads", "epochs_planned", "epochs_done", "complete", "epochs", "final"})
    EXPECT_TRUE(h.contains(k)) << k;
  ASSERT_EQ(h.at("epochs").size(), 2u);
  for (const char* k : {"epoch", "lr", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "regularization", "sparsity",
                        "neurons_removed", "params", "params_pruned", "flops", "flops_pruned", "mean_abs_grad", "mean_abs_grad_all", "steps",
                        "regularized_steps", "seconds", "samples_per_s"})
    EXPECT_TRUE(h.at("epochs")[1].contains(k)) << k;
  EXPECT_TRUE(h.at("epochs")[1].at("test_accuracy").is_number());
  EXPECT_EQ(h.at("complete"), true);
}

TEST(NetsTrainCli, TrainWritesHistoryAndHonoursOverrides) {
  json j = separable_config();
  const fs::path cfg = write("ok.json", j.dump());
  const fs::path out = scratch() / "hist.json";
  fs::remove(out);
  const CliRun r = cli("--config " + cfg.string() + " --epochs 3 --seed 99 --threads 2 --json " + out.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const json h = json::parse(slurp(out));
  EXPECT_EQ(h.at("epochs").size(), 3u);
  EXPECT_EQ(h.at("seed"), 99);
  EXPECT_EQ(h.at("threads"), 2);
  EXPECT_EQ(h.at("config").at("epochs"), 3);
  EXPECT_TRUE(h.at("epochs")[2].at("test_accuracy").is_number());
  EXPECT_EQ(lines(r.out), 3 + 3);  // header, one line per epoch, final, history path
  EXPECT_TRUE(r.err.empty()) << "no progress line when stderr is not a terminal: " << r.err;
  // The seed override is a real override: same as the config with seed 99.
  j["seed"] = 99;
  j["epochs"] = 3;
  Trainer t(parse_config(j));
  t.run();
  json from_cli = h.at("epochs");
  for (auto& x : from_cli) {
    x.erase("seconds");
    x.erase("samples_per_s");
  }
  EXPECT_EQ(history_json(t, false).at("epochs").dump(), from_cli.dump());
}

TEST(NetsTrainCli, ProfilePrintsTheTableAndWritesTheSection) {
  const fs::path cfg = write("prof.json", separable_config().dump());
  const fs::path out = scratch() / "prof-hist.json";
  fs::remove(out);
  const CliRun r = cli("--config " + cfg.string() + " --epochs 2 --profile --json " + out.string());
  ASSERT_EQ(r.code, 0) << r.err;
  // Header, 2 epoch lines, final, history path; per epoch: the table's title, its column header,
  // 3 layers (dense, relu, dense) and 6 rows for the rest of the step.
  EXPECT_EQ(lines(r.out), 5 + 2 * (2 + 3 + 6)) << r.out;
  EXPECT_NE(r.out.find("0 dense"), std::string::npos) << r.out;
  const json h = json::parse(slurp(out));
  for (const json& e : h.at("epochs")) EXPECT_EQ(e.at("profile").at("layers").size(), 3u);
}

// A FIFO as --json gets the whole history once, at the end: rewriting it every epoch would block
// on the second epoch, after the reader has seen end-of-file.
TEST(NetsTrainCli, FifoGetsTheHistoryOnce) {
  const fs::path cfg = write("fifo-cfg.json", separable_config().dump());
  const fs::path fifo = scratch() / "history.fifo";
  fs::remove(fifo);
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] { received = slurp(fifo); });  // blocks until the CLI opens the FIFO
  const CliRun r = cli("--config " + cfg.string() + " --epochs 3 --json " + fifo.string());
  const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);  // release the reader if never opened
  if (fd >= 0) ::close(fd);
  reader.join();
  EXPECT_EQ(r.code, 0) << r.err;
  const json h = json::parse(received, nullptr, false);
  ASSERT_FALSE(h.is_discarded()) << received.substr(0, 200);
  EXPECT_EQ(h.at("epochs").size(), 3u);
}

// ---- the errors that must be raised ----

// variance_probe: with Drop-Activation at keep probability p = 1 the train and eval modes are the
// same function, so the probed variances must agree exactly (ratio 1); at p = 0.5 the train-mode
// variance of the layer's output is larger (the masks add variance: eq. 15 gives 0.824 for iid
// Gaussian inputs), so the ratio must fall clearly below 1.
TEST(NetsTrain, VarianceProbeMeasuresTheTrainEvalShift) {
  auto run = [](double p) {
    json j = separable_config();
    j["model"]["layers"] = json::parse(R"([{"type": "dense", "out": 32}, {"type": "drop_activation", "p": 0.5},
                                            {"type": "dense", "out": 16}, {"type": "relu"}, {"type": "dense", "out": 3}])");
    j["model"]["layers"][1]["p"] = p;
    j["variance_probe"] = {{"layer", 2}, {"examples", 200}};
    j["epochs"] = 2;
    Trainer t(parse_config(j));
    t.run();
    return history_json(t).at("epochs")[1].at("variance_probe");
  };
  const json same = run(1.0), shifted = run(0.5);
  ASSERT_EQ(same.at("var_train").size(), 16u);
  EXPECT_EQ(same.at("var_train"), same.at("var_eval"));
  EXPECT_EQ(same.at("shift_ratio_mean").get<double>(), 1.0);
  const double r = shifted.at("shift_ratio_mean").get<double>();
  EXPECT_GT(r, 0.3);
  EXPECT_LT(r, 0.95) << "the Drop-Activation masks at p = 0.5 must raise the train-mode variance";
}

// dropout_inference: (1) with drop probability 0 every sampled sub-network IS the weight-scaled
// net, so every gap is exactly 0 (bias2 = 0, logit variance 0, TV 0, equal accuracies; the
// relative bias is undefined: null). (2) For nets without hidden nonlinearities (softmax
// regression, and two stacked dense layers) the mean logits over masks equal the weight-scaled
// ones (Deep Learning sec. 7.11, eq. 7.30 ff.), so bias2_rel, an unbiased estimate of the squared
// bias over one sub-network's logit variance, has mean 0; its Monte Carlo sd at N = 1000 over
// 200 x 3 logits is about sqrt(2) / N / sqrt(600) = 6e-5 (correlated classes make it larger), so
// |bias2_rel| < 1e-3 (>= 15 sd) has a negligible false-failure rate; the seed is fixed anyway.
TEST(NetsTrain, DropoutInferenceProbeExactCases) {
  auto run = [](const char* layers, double p) {
    json j = separable_config();
    j["model"]["layers"] = json::parse(layers);
    j["model"]["layers"][0]["p"] = p;
    j["dropout_inference"] = {{"samples", {20, 1000}}, {"examples", 200}};
    j["epochs"] = 2;
    Trainer t(parse_config(j));
    t.run();
    const json h = history_json(t).at("epochs");
    EXPECT_FALSE(h[0].contains("dropout_inference")) << "the probe runs after the last epoch only";
    return h[1].at("dropout_inference");
  };
  const char* softmax_regression = R"([{"type": "dropout", "p": 0.5}, {"type": "dense", "out": 3}])";
  const json none = run(softmax_regression, 0.0);
  for (const char* n : {"20", "1000"}) {
    const std::string k = n;
    EXPECT_EQ(none.at("bias2_" + k).get<double>(), 0.0);
    EXPECT_EQ(none.at("logit_var_" + k).get<double>(), 0.0);
    EXPECT_TRUE(none.at("bias2_rel_" + k).is_null());
    EXPECT_EQ(none.at("geo_tv_" + k).get<double>(), 0.0);
    // The arithmetic mean sums N equal probabilities and divides by N: relative error <= (N - 1) eps
    // per probability (naive summation), so TV <= 0.5 * 3 classes * N eps.
    EXPECT_LE(none.at("arith_tv_" + k).get<double>(), 1.5 * std::stod(k) * std::numeric_limits<double>::epsilon());
    EXPECT_EQ(none.at("geo_accuracy_" + k), none.at("ws_accuracy"));
    EXPECT_EQ(none.at("arith_accuracy_" + k), none.at("ws_accuracy"));
  }
  for (const char* layers : {softmax_regression, R"([{"type": "dropout", "p": 0.5}, {"type": "dense", "out": 16}, {"type": "dense", "out": 3}])"}) {
    const json half = run(layers, 0.5);
    EXPECT_GT(half.at("logit_var_1000").get<double>(), 0.0) << layers;
    EXPECT_LT(std::abs(half.at("bias2_rel_1000").get<double>()), 1e-3) << layers;
  }
}

// bootstrap + predictions (bagging): a member trains on n draws with replacement (same size, a
// different training loss per member, the same history for the same member); predictions holds
// the eval-mode output and the target of each of the first `examples` test examples, the targets
// being the data set's own.
TEST(NetsTrain, BootstrapMembersAndPredictions) {
  auto run = [](long member) {
    json j = json::parse(R"({
      "model": {"input": [3], "layers": [{"type": "dense", "out": 8}, {"type": "relu"}, {"type": "dense", "out": 1}]},
      "data": {"kind": "teacher", "n": 50, "test_n": 20, "in": 3, "hidden": [4], "out": 1, "noise_sd": 0.1},
      "optimizer": {"type": "adam", "lr": 0.01}, "predictions": {"examples": 30},
      "epochs": 2, "batch_size": 16, "seed": 5, "threads": 1})");
    if (member >= 0) j["bootstrap"] = {{"member", member}};
    Trainer t(parse_config(j));
    t.run();
    EXPECT_EQ(t.data().train.size(), 50);
    const json h = history_json(t, false);
    const json& p = h.at("epochs")[1].at("predictions");
    EXPECT_EQ(p.at("output").size(), 20u);  // min(examples, test set)
    for (int i = 0; i < 20; ++i) EXPECT_EQ(p.at("target").at(std::to_string(i)).get<double>(), static_cast<double>(t.data().test.y(i, 0)));
    EXPECT_FALSE(h.at("epochs")[0].contains("predictions"));
    return h;
  };
  const json plain = run(-1), m0 = run(0), m0_again = run(0), m1 = run(1);
  EXPECT_EQ(m0, m0_again);
  EXPECT_NE(m0.at("epochs")[1].at("train_loss"), m1.at("epochs")[1].at("train_loss"));
  EXPECT_NE(m0.at("epochs")[1].at("train_loss"), plain.at("epochs")[1].at("train_loss"));
}

TEST(NetsTrainErrors, EachBadConfigNamesItsField) {
  const json ok = separable_config();
  auto with = [&](const std::function<void(json&)>& f) {
    json j = ok;
    f(j);
    return j;
  };
  expect_error(with([](json& j) { j["model"]["layers"][1]["type"] = "convv"; }),
               "model.layers[1].type: unknown layer 'convv' (allowed: dense, conv2d,");
  expect_error(with([](json& j) { j["model"]["layers"][0].erase("out"); }), "model.layers[0].out: missing");
  expect_error(with([](json& j) { j["model"]["layers"][0]["kernal"] = 3; }), "model.layers[0].kernal: unknown field (allowed: type, out, bias)");
  expect_error(with([](json& j) { j["model"]["input"] = {1, 2}; }), "model.input: expected [features] or [channels, height, width]");
  expect_error(with([](json& j) { j["model"]["input"] = {3}; }), "model.input: shape (3) has 3 features but");
  expect_error(with([](json& j) { j["model"]["layers"][2]["out"] = 5; }), "model.layers: the model's output has 5 features but the data have 3 classes");
  expect_error(with([](json& j) { j["model"]["input"] = {1, 1, 2}; j["model"]["layers"][0] = {{"type", "maxpool"}, {"kernel", 2}}; }),
               "model.layers[0]: layer 0 (maxpool2d): kernel 2x2 does not fit input shape (1,1,2)");
  expect_error(with([](json& j) { j["model"]["input"] = {1, 1, 2}; }), "model.layers[0]: layer 0 (dense): input shape (1,1,2) is not flat");
  expect_error(with([](json& j) { j["model"]["layers"][1] = {{"type", "dropout"}, {"p", 1.5}}; }),
               "model.layers[1].p: value 1.5 is out of range (allowed: drop probability 0 <= p < 1)");
  expect_error(with([](json& j) { j["model"]["layers"][1] = {{"type", "drop_activation"}, {"p", -0.1}}; }),
               "model.layers[1].p: value -0.1 is out of range (allowed: keep probability 0 <= p <= 1)");
  expect_error(with([](json& j) { j["optimizer"]["lr"] = 0; }), "optimizer.lr: value 0 is out of range (allowed: lr > 0)");
  expect_error(with([](json& j) { j["optimizer"]["lr"] = -0.1; }), "optimizer.lr: value -0.1 is out of range (allowed: lr > 0)");
  expect_error(with([](json& j) { j["optimizer"]["momentum"] = 1.0; }), "optimizer.momentum: value 1.0 is out of range");
  expect_error(with([](json& j) { j["optimizer"]["lrr"] = 0.1; }), "optimizer.lrr: unknown field (allowed: type, lr, momentum,");
  expect_error(with([](json& j) { j["optimizer"]["type"] = "rmsprop"; }), "optimizer.type: unknown optimizer 'rmsprop' (allowed: sgd, adam)");
  expect_error(with([](json& j) { j["batch_size"] = 0; }), "batch_size: value 0 is out of range (allowed: batch_size >= 1)");
  expect_error(with([](json& j) { j["epochs"] = 0; }), "epochs: value 0 is out of range");
  expect_error(with([](json& j) { j["variance_probe"] = {{"layer", 3}}; }),
               "variance_probe.layer: value 3 is out of range (allowed: 0..2 (an index into model.layers))");
  expect_error(with([](json& j) { j["variance_probe"] = {{"examples", 100}}; }), "variance_probe.layer: missing");
  expect_error(with([](json& j) { j["variance_probe"] = {{"layer", 0}, {"examples", 1}}; }), "variance_probe.examples: value 1 is out of range");
  expect_error(with([](json& j) { j["dropout_inference"] = {{"samples", {20}}}; }), "dropout_inference: the model has no dropout layer");
  expect_error(with([](json& j) { j["predictions"] = {{"examples", 10}}; }), "predictions: needs a regression with one output");
  expect_error(with([](json& j) { j["predictions"] = {{"examples", 0}}; }), "predictions.examples: value 0 is out of range (allowed: 1..1000000)");
  expect_error(with([](json& j) { j["predictions"] = json::object(); }), "predictions.examples: missing");
  expect_error(with([](json& j) { j["bootstrap"] = json::object(); }), "bootstrap.member: missing");
  expect_error(with([](json& j) { j["bootstrap"] = {{"member", -2}}; }), "bootstrap.member: value -2 is out of range (allowed: 0..1000000)");
  expect_error(with([](json& j) { j["dropout_inference"] = {{"samples", {100, 20}}}; }),
               "dropout_inference.samples[1]: 20 does not exceed the previous count (allowed: increasing)");
  expect_error(with([](json& j) { j["dropout_inference"] = {{"samples", {1}}}; }), "dropout_inference.samples[0]: value 1 is out of range (allowed: 2..100000)");
  expect_error(with([](json& j) { j["dropout_inference"] = {{"samples", json::array()}}; }), "dropout_inference.samples: expected a non-empty array");
  expect_error(with([](json& j) { j["dropout_inference"] = {{"examples", 10}}; }), "dropout_inference.samples: missing");
  expect_error(with([](json& j) {
                 j["model"]["layers"] = json::parse(R"([{"type": "dense", "out": 8}, {"type": "batchnorm"}, {"type": "dropout", "p": 0.5}, {"type": "dense", "out": 3}])");
                 j["dropout_inference"] = {{"samples", {20}}};
               }),
               "dropout_inference: the model has a batchnorm layer");
  expect_error(with([](json& j) { j["fit_probe"] = {{"grid", 11}}; }), "fit_probe: needs 1-D regression data (xsinx or piecewise-constant)");
  expect_error(with([](json& j) {
                 j["data"] = {{"kind", "xsinx"}, {"n", 20}, {"test_n", 0}};
                 j["fit_probe"] = {{"curve", 1}};
               }),
               "fit_probe.curve: 1 is not allowed (0 = off, or 2..1001 points)");
  expect_error(with([](json& j) {
                 j["data"] = {{"kind", "xsinx"}, {"n", 20}, {"test_n", 0}};
                 j["fit_probe"] = {{"curve", 1002}};
               }),
               "fit_probe.curve: value 1002 is out of range (allowed: 0 (off) or 2..1001)");
  expect_error(with([](json& j) { j["init"] = "ones"; }), "init: unknown init 'ones' (allowed: default, zero)");
  expect_error(with([](json& j) { j["weights_probe"] = 1; }), "weights_probe: expected true or false, got 1");
  expect_error(with([](json& j) { j["weights_probe"] = true; }), "weights_probe: needs one dense layer with one output and no bias, trained with mse");
  expect_error(with([](json& j) { j["epochs"] = "ten"; }), "epochs: expected an integer, got \"ten\"");
  expect_error(with([](json& j) { j["epoch"] = 3; }), "epoch: unknown field (allowed: description, model, data, loss,");
  expect_error(with([](json& j) { j["threads"] = 999; }), "threads: value 999 is out of range");
  expect_error(with([](json& j) { j["seed"] = -1; }), "seed: expected an integer 0..18446744073709551615");
  expect_error(with([](json& j) { j["loss"] = "mse"; }), "loss: mse needs regression targets");
  expect_error(with([](json& j) { j["regularizer"] = {{"kind", "l1"}, {"lambda", -0.5}}; }),
               "regularizer.lambda: value -0.5 is out of range (allowed: lambda >= 0)");
  expect_error(with([](json& j) { j["regularizer"] = {{"kind", "l3"}, {"lambda", 0.1}}; }), "regularizer.kind: unknown regularizer 'l3'");
  expect_error(with([](json& j) { j["regularizer"] = {{"kind", "tl1"}, {"lambda", 0.1}, {"a", 0}}; }), "regularizer.a: value 0 is out of range (allowed: a > 0)");
  expect_error(with([](json& j) { j["regularizer"] = {{"kind", "sparse-group-lasso"}, {"lambda", 0.1}, {"mu", {0.1, 0.2, 0.3}}}; }),
               "regularizer.mu: 3 values but the regularizer acts on 2 weight layers");
  expect_error(with([](json& j) { j["regularizer"] = {{"kind", "cges"}, {"lambda", 0.1}, {"mu", 1.5}}; }), "regularizer.mu: value 1.5 is out of range");
  expect_error(with([](json& j) { j["regularizer"] = json::array({{{"kind", "l1"}, {"lambda", 0.1}, {"layers", {1}}}}); }),
               "regularizer[0].layers[0]: layer 1 has no weights (layers with weights: 0 (dense), 2 (dense))");
  expect_error(with([](json& j) { j["regularizer"] = {{"kind", "tl1"}, {"lambda", 0.1}}; j["gcsr"] = {{"mode", "gated"}}; }),
               "gcsr.mode: gated needs exactly one regularizer of kind l1 or l2");
  expect_error(with([](json& j) { j["gcsr"] = {{"mode", "delayed"}}; }), "gcsr.mode: delayed or gated regularization needs a regularizer");
  expect_error(with([](json& j) { j["regularizer"] = {{"kind", "tl1"}, {"lambda", 0.1}}; j["gcsr"] = {{"log_pi", true}}; }),
               "gcsr.log_pi: log_pi needs exactly one regularizer of kind l1 or l2");
  expect_error(with([](json& j) { j["regularizer"] = {{"kind", "l1"}, {"lambda", 0.1}}; j["gcsr"] = {{"mode", "gated"}, {"mu", 1.0}}; }),
               "gcsr.mu: value 1.0 is out of range (allowed: 0 <= mu < 1)");
  expect_error(with([](json& j) { j["schedule"] = {{"type", "multistep"}, {"milestones", {3, 2}}}; }),
               "schedule.milestones[1]: value 2 is not above the previous milestone 3");
  expect_error(with([](json& j) { j["data"] = {{"kind", "digits"}, {"path", "/nonexistent/digits.csv.gz"}}; }),
               "data.path: file '/nonexistent/digits.csv.gz' does not exist");
  expect_error(with([](json& j) { j["data"] = {{"kind", "fashion-mnist"}, {"dir", "/nonexistent"}}; }), "data.dir: folder '/nonexistent' does not exist");
  expect_error(with([](json& j) { j["data"]["kind"] = "mnist"; }), "data.kind: unknown data kind 'mnist'");
  expect_error(with([](json& j) { j["data"]["noise"] = 1; }), "data.noise: unknown field");
  expect_error(with([](json& j) { j.erase("optimizer"); }), "optimizer: missing (required)");
  expect_error(with([](json& j) { j["model"]["layers"] = json::array(); }), "model.layers: empty");
}

// A key given twice in one object (plain JSON parsing keeps the last silently): an error naming
// the file, the key's path and the duplication, at any depth (top level, nested object, object
// inside an array).
TEST(NetsTrainErrors, DuplicateKeysAreRejectedWithTheirPath) {
  auto error_for = [](const std::string& name, const std::string& text) -> std::string {
    const fs::path p = write(name, text);
    try {
      load_config(p);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "(no exception)";
  };
  const std::string layers = R"([{"type": "dense", "out": 32}, {"type": "relu"}, {"type": "dense", "out": 3}])";
  const std::string data = R"({"kind": "separable", "n": 30, "test_n": 30, "dim": 2, "classes": 3})";
  auto config = [&](const std::string& layers_text, const std::string& optimizer_text, const std::string& tail) {
    return R"({"model": {"input": [2], "layers": )" + layers_text + R"(}, "data": )" + data + R"(, "optimizer": )" +
           optimizer_text + R"(, "epochs": 1)" + tail + "}";
  };
  // Sanity: without duplicates the same text loads.
  EXPECT_NO_THROW(load_config(write("nodup.json", config(layers, R"({"type": "sgd", "lr": 0.1})", ""))));
  const std::string top = error_for("dup-top.json", config(layers, R"({"type": "sgd", "lr": 0.1})", R"(, "epochs": 2)"));
  EXPECT_NE(top.find("dup-top.json"), std::string::npos) << top;
  EXPECT_NE(top.find("epochs: duplicate key"), std::string::npos) << top;
  const std::string nested = error_for("dup-opt.json", config(layers, R"({"type": "sgd", "lr": 0.1, "lr": 0.5})", ""));
  EXPECT_NE(nested.find("optimizer.lr: duplicate key"), std::string::npos) << nested;
  const std::string in_array = error_for(
      "dup-layer.json", config(R"([{"type": "dense", "out": 32}, {"type": "relu"}, {"type": "dense", "out": 3, "out": 4}])",
                               R"({"type": "sgd", "lr": 0.1})", ""));
  EXPECT_NE(in_array.find("model.layers[2].out: duplicate key"), std::string::npos) << in_array;
  EXPECT_EQ(in_array.find('\n'), std::string::npos) << in_array;
  // The same key in two different objects is not a duplicate.
  EXPECT_NO_THROW(load_config(write("samekey.json", config(layers, R"({"type": "sgd", "lr": 0.1})", R"(, "description": "x")"))));
}

// `train --config X --json X` would overwrite the config with the history; an output that is the
// config (directly, or through another spelling of the path) is refused before anything runs.
TEST(NetsTrainErrors, OutputThatIsAnInputIsRefused) {
  const std::string text = separable_config().dump();
  const fs::path cfg = write("self.json", text);
  const std::vector<std::string> spellings = {cfg.string(), (cfg.parent_path() / "." / cfg.filename()).string()};
  for (const std::string& out : spellings) {
    const CliRun r = cli("--config " + cfg.string() + " --json " + out);
    EXPECT_EQ(r.code, 2) << out << "\n" << r.err;
    EXPECT_EQ(lines(r.err), 1) << r.err;
    EXPECT_EQ(r.err.rfind("regcheck: error: --json: '", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("is the --config input"), std::string::npos) << r.err;
    EXPECT_EQ(slurp(cfg), text) << "the config must be untouched";
  }
  // A data file named by the config is an input too.
  json j = separable_config();
  const fs::path digits = write("digits-copy.csv", "0,1\n");
  j["data"] = {{"kind", "digits"}, {"path", digits.string()}};
  const fs::path cfg2 = write("digits-cfg.json", j.dump());
  const CliRun r = cli("--config " + cfg2.string() + " --json " + digits.string());
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("is the data.path input"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(digits), "0,1\n");
}

TEST(NetsTrainErrors, CorruptDataFileIsAConfigError) {
  const fs::path bad = write("bad-images.idx", std::string("\x00\x00\x09\x99\x00\x00\x00\x01", 8));
  json j = separable_config();
  j["data"] = {{"kind", "idx"}, {"train_images", bad.string()}, {"train_labels", bad.string()}, {"test_images", bad.string()}, {"test_labels", bad.string()}};
  expect_error(j, "data: idx data could not be loaded:");
}

TEST(NetsTrainErrors, CliBadInputsExit2WithOneLineAndNoFile) {
  json bad = separable_config();
  bad["model"]["layers"][0]["type"] = "convv";
  const fs::path bad_cfg = write("bad.json", bad.dump());
  const fs::path ok_cfg = write("ok2.json", separable_config().dump());
  const fs::path out = scratch() / "never.json";
  const std::string json_flag = " --json " + out.string();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--config " + bad_cfg.string() + json_flag, "regcheck: error: model.layers[0].type: unknown layer 'convv'"},
      {"--config /nonexistent/cfg.json" + json_flag, "regcheck: error: --config: cannot read '/nonexistent/cfg.json'"},
      {"--config " + write("syntax.json", "{\"model\": ").string() + json_flag, "regcheck: error: --config: '"},
      {"--config " + ok_cfg.string() + " --threads 0" + json_flag, "regcheck: error: --threads: value 0"},
      {"--config " + ok_cfg.string() + " --epochs 0" + json_flag, "regcheck: error: --epochs: value 0"},
      {"--config " + ok_cfg.string() + " --seed -3" + json_flag, "regcheck: error: --seed: "},
      {"--config " + ok_cfg.string() + " --json /nonexistent/dir/h.json", "regcheck: error: --json: folder '/nonexistent/dir'"},
      {json_flag, "regcheck: error: --config is required"},
  };
  for (const auto& [args, prefix] : cases) {
    fs::remove(out);
    const CliRun r = cli(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_EQ(lines(r.err), 1) << args << "\n" << r.err;
    EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << args << "\nexpected prefix " << prefix << "\ngot " << r.err;
    EXPECT_FALSE(fs::exists(out)) << args;
  }
}
