#pragma once
// The training loop: epochs of mini-batch proximal SGD/Adam from a TrainConfig, with per-epoch
// metrics. One step (t counts steps from 0 over the whole run):
//   1. forward in train mode (masks keyed by (seed, layer, t, example)), loss, backward: g = dL/dw
//   2. mean |dL/dw| per weight layer is accumulated from g (before any regularization term)
//   3. gcsr gate (gcsr eq. 8, 9, 11): on = always | epoch >= gamma | pi(g, w, lambda) > mu, with pi
//      the gradient sign coherence rate on the real gradients (zero entries excluded)
//   4. L2 regularizers add 2 lambda w to the gradient (when on)
//   5. optimizer step at lr(epoch) (schedule)
//   6. proximal regularizers: w <- prox_{lr lambda Omega}(w) (when on; gcsr eq. 10, tl1 eq. 22)
// Everything random (initialization, shuffling, masks, splits, synthetic data) is drawn from
// sim::Stream keyed by the seed, and every reduction has a fixed order, so the metrics (all but
// the timings) are a function of the seed alone, whatever the thread count.
#include "nets/model/metrics.hpp"
#include "nets/optim/adam.hpp"
#include "nets/optim/sgd.hpp"
#include "nets/profile.hpp"
#include "nets/regularize/gcsr.hpp"
#include "nets/regularize/regularizer.hpp"
#include "nets/train/build.hpp"
#include "nets/train/config.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>

namespace regcheck::nets::train {

struct EpochMetrics {
  int epoch = 0;  // 1-based
  double lr = 0;
  double train_loss = 0;      // mean over the epoch's training examples, train mode
  double train_accuracy = NAN;  // NaN for regression (JSON null)
  double test_loss = NAN, test_accuracy = NAN;  // eval mode; NaN without a test set
  double regularization = 0;  // sum over regularizers of lambda Omega(w) at the end of the epoch
  double sparsity = 0;        // fraction of weight entries exactly 0
  long neurons_removed = 0;   // rows (neurons / filters) of weights that are all 0
  std::vector<LayerSparsity> layers;  // per weight layer: sparsity, neurons removed, surviving-row sparsity
  LayerCost cost;             // params and FLOPs, dense and pruned
  std::vector<LayerGradStat> mean_abs_grad;  // per weight layer, averaged over the epoch's steps
  // Mean |dL/dw| over ALL weight entries (biases excluded; penalty gradient excluded), averaged
  // over the epoch's steps: the "average |grad L|" of gcsr sec. 2.2, fig. 2b-c (NaN: no weights).
  double mean_abs_grad_all = NAN;
  std::vector<double> pi_steps;  // gated gcsr or gcsr.log_pi: pi of every step (NaN when no gradient)
  double pi_mean = NAN;          // mean of the finite pi_steps
  long steps = 0, regularized_steps = 0;  // steps in which the regularizers were imposed
  double seconds = 0, samples_per_s = 0;  // training time of the epoch (evaluation excluded)
  // variance_probe: per-channel output variance of the probed layer, train and eval mode, and the
  // mean over channels of eval / train (channels with zero train variance left out; NaN if none).
  Eigen::VectorXd probe_var_train, probe_var_eval;
  double probe_shift_ratio = NAN;
  // dropout_inference (last epoch only; null otherwise): see Trainer::probe_dropout_inference.
  nlohmann::json dropout_inference;
  // predictions (last epoch only; null otherwise): {"output": {"0": y_0, ...}, "target": {...}}.
  nlohmann::json predictions;
  // early_stopping (last epoch only; null otherwise): Algorithms 7.1-7.3, see nets/train/early_stopping.hpp.
  nlohmann::json early_stopping;
  // weights_probe (last epoch only; null otherwise): {"w": {"0": w_0, ...}, "gram": {"k": (X^T X / n)_{k / d, k % d}},
  // "xty": {"j": (X^T y / n)_j}, "yty": y^T y / n, "n": n, "steps": optimizer steps taken}; see WeightsProbeSpec.
  nlohmann::json weights_probe;
  // fit_probe (last epoch only; NaN otherwise): see FitProbeSpec.
  double fit_train_mse = NAN, fit_grid_mse = NAN, fit_boundary_mse = NAN, fit_roughness = NAN;
  // fit_probe.curve (K > 0, last epoch only; null otherwise): {"x": {"0": x_0, ...}, "output": {"0":
  // f_net(x_0), ...}, "target": {"0": f(x_0), ...}} at the K evenly spaced points of FitProbeSpec::curve.
  nlohmann::json fit_curve;
  // profile (Trainer::set_profile(true) only; null otherwise): wall-clock seconds of the epoch's
  // training steps per top-level layer (forward, backward, optimizer update of its parameters)
  // and for the rest of the step; see profile_json in trainer.cpp for the fields. Timing, so it
  // is left out with include_timing = false.
  nlohmann::json profile;
};

// The metrics as JSON (NaN -> null). include_timing = false leaves out seconds and samples/s,
// the only fields that depend on the machine rather than on the seed.
nlohmann::json to_json(const EpochMetrics& m, bool include_timing = true);

struct StepProgress {
  int epoch;  // 1-based
  long step, steps;  // within the epoch, 1-based
  double loss, accuracy;  // running means over the epoch so far (accuracy NaN for regression)
  double samples_per_s;   // so far in this epoch
};

class Trainer {
 public:
  // Validates the config against the data and the model (std::invalid_argument naming the
  // field), loads the data, builds the model and the optimizer.
  explicit Trainer(TrainConfig cfg);
  // The same on the given data instead of loading cfg.data (early stopping's subtrain / validation
  // runs, nets/train/early_stopping.hpp); a bootstrap member still resamples data.train.
  Trainer(TrainConfig cfg, TrainData data);
  ~Trainer();

  // Runs the next epoch and returns its metrics (also kept in history()).
  const EpochMetrics& run_epoch(const std::function<void(const StepProgress&)>& progress = {});
  // Runs the remaining epochs; on_epoch is called after each.
  void run(const std::function<void(const EpochMetrics&)>& on_epoch = {},
           const std::function<void(const StepProgress&)>& progress = {});

  // Evaluation-mode loss and accuracy (NaN for regression) on a dataset, in batches.
  std::pair<double, double> evaluate(const Dataset& ds);

  const TrainConfig& config() const { return cfg_; }
  Sequential<float>& model() { return *model_; }
  const TrainData& data() const { return data_; }
  const std::vector<EpochMetrics>& history() const { return history_; }
  int epochs_done() const { return static_cast<int>(history_.size()); }
  bool finished() const { return epochs_done() >= cfg_.epochs; }
  LossKind loss_kind() const { return loss_; }
  int threads() const { return threads_; }
  // Per-layer timing of the following epochs into EpochMetrics::profile. Changes no result.
  void set_profile(bool on);

 private:
  struct Reg {
    std::string path;
    regularize::Regularizer<float> reg;
    std::vector<Param<float>*> params;  // the weights it applies to (and their layers' biases are never included)
  };
  void set_lr(double lr);
  void optimizer_step(std::vector<double>* param_seconds = nullptr);
  void probe_variance(EpochMetrics& m);
  void probe_dropout_inference(EpochMetrics& m);
  void probe_predictions(EpochMetrics& m);
  void probe_fit(EpochMetrics& m);
  void probe_weights(EpochMetrics& m);
  double loss_and_grad(const Act<float>& z, Eigen::Index n, double& hits);
  void init();  // everything after the data are in data_

  TrainConfig cfg_;
  TrainData data_;
  std::unique_ptr<Sequential<float>> model_;
  LossKind loss_;
  std::vector<Param<float>*> params_;
  std::unique_ptr<optim::Sgd<float>> sgd_;
  std::unique_ptr<optim::Adam<float>> adam_;
  std::vector<Reg> regs_;
  std::vector<EpochMetrics> history_;
  std::uint64_t step_ = 0;
  int threads_ = 1;
  // Reused batch buffers (no allocation per step once the batch size is fixed).
  Act<float> xb_, yb_, dz_;
  std::vector<int> lb_;
  bool profiling_ = false;
  Profile prof_;
  std::vector<std::size_t> param_layer_;  // top-level layer position of params_[i]
};

// The parts of a training step outside the layers and the optimizer (seconds over an epoch).
struct StepOverhead {
  double data = 0, zero_grad = 0, loss = 0, grad_stats = 0, regularize = 0;
};
// EpochMetrics::profile: {"steps", "samples", "step_s" (the epoch's training time), "layers": [{
// "position", "layer", "kind", "forward_s", "backward_s", "update_s" and for dense / conv2d
// "forward_gflops", "backward_gflops"}], "data_s", "zero_grad_s", "loss_s", "grad_stats_s",
// "regularize_s", "unaccounted_s" (step_s minus all of the above: progress callback, loop)}.
nlohmann::json profile_json(Sequential<float>& model, const Profile& p, const StepOverhead& o, long steps, double samples,
                            double seconds);
// A profile as a text table (regcheck train --profile, bench_trainer --profile).
std::string profile_table(const nlohmann::json& profile);

// The whole history document written by `regcheck train --json` (also used by the tests).
nlohmann::json history_json(const Trainer& t, bool include_timing = true);

}  // namespace regcheck::nets::train
