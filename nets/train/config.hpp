#pragma once
// TrainConfig: everything a training run needs (model, data, loss, optimizer, lr schedule,
// regularizers per layer, gcsr schedule/gating, epochs, batch size, seed, threads), read from
// JSON and validated. Every problem is a std::invalid_argument whose message starts with the
// field's path, e.g.
//   model.layers[2].type: unknown layer 'convv' (allowed: dense, conv2d, ...)
//   optimizer.lr: value -0.1 is out of range (allowed: lr > 0)
//   data.dir: '/nope' has no file train-images-idx3-ubyte.gz
//   regularizer.kernal: unknown field (allowed: kind, lambda, a, mu, mu_linear, ...)
// so the CLI can print it as one line and exit 2. The format is documented field by field in
// nets/configs/README.md.
#include "nets/data/synthetic.hpp"
#include "nets/optim/adam.hpp"
#include "nets/optim/schedule.hpp"
#include "nets/optim/sgd.hpp"
#include "nets/regularize/gcsr.hpp"
#include "nets/regularize/regularizer.hpp"
#include "nets/tensor.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace regcheck::nets::train {

// One entry of model.layers. Only the fields of its type are meaningful (and allowed in JSON).
struct LayerSpec {
  std::string path;  // "model.layers[2]", for error messages
  std::string type;  // see layer_types()
  int out = 0;       // dense: out features; conv2d: out channels
  int kernel_h = 3, kernel_w = 3, stride = 1, padding = 0;  // conv2d
  bool bias = true;                                         // dense, conv2d
  int pool = 2, pool_stride = 0;                            // maxpool, avgpool (stride 0 = kernel)
  double p = 0.5;                                           // dropout (drop prob.), drop_activation (keep prob.)
  double slope = 0.01;                                      // leaky_relu
  double lower = 1.0 / 8.0, upper = 1.0 / 3.0;              // rrelu
  double momentum = 0.1, eps = 1e-5;                        // batchnorm
  std::vector<LayerSpec> branch;                            // residual: F of y = x + F(x)
};

// The accepted layer types, in the order error messages list them.
const std::vector<std::string>& layer_types();

struct ModelSpec {
  Shape input;                    // model.input: [features] or [channels, height, width]
  std::vector<LayerSpec> layers;
};

struct DataSpec {
  // fashion-mnist, idx, digits, cifar10, xsinx, piecewise-constant, teacher, separable
  std::string kind;
  std::filesystem::path dir;                                   // fashion-mnist
  std::filesystem::path train_images, train_labels, test_images, test_labels;  // idx
  int classes = 10;                                            // idx
  std::filesystem::path path;                                  // digits
  std::vector<std::filesystem::path> train_files, test_files;  // cifar10
  double test_fraction = 0.2;  // digits: held-out fraction (split from the seed)
  bool normalize = false;      // image kinds: standardize with mean/stddev
  std::vector<float> mean, stddev;
  long train_limit = 0, test_limit = 0;  // keep only the first k examples (0 = all)
  // Synthetic kinds: `n` training examples plus `test_n` test examples of the same task
  // (one generated set of n + test_n, split in order).
  long test_n = 0;
  data::Regression1dOptions regression;  // xsinx, piecewise-constant
  data::TeacherOptions teacher;
  data::SeparableOptions separable;
};

enum class LossKind { CrossEntropy, MeanSquaredError };

struct OptimizerSpec {
  enum class Type { Sgd, Adam } type = Type::Sgd;
  optim::SgdOptions sgd;
  optim::AdamOptions adam;
  double lr() const { return type == Type::Sgd ? sgd.lr : adam.lr; }
};

struct ScheduleSpec {
  enum class Type { Constant, Step, MultiStep } type = Type::Constant;
  int step_size = 30;
  std::vector<int> milestones;
  double gamma = 0.1;
  double lr(double lr0, int epoch) const;  // epoch counted from 0, PyTorch's closed forms
};

struct RegularizerSpec {
  std::string path;  // "regularizer" or "regularizer[1]"
  regularize::RegularizerOptions options;
  std::optional<std::pair<double, double>> mu_linear;  // mu_l from first to last weight layer
  std::vector<int> layers;  // layer numbers it applies to (empty: every layer with weights)
};

struct GcsrSpec {
  regularize::GcsrOptions options;  // mode always = plain regularization
  theory::gcsr::Penalty penalty = theory::gcsr::Penalty::L1;  // dOmega of pi (gated); from the regularizer kind
  bool log_pi = false;  // compute and record pi every step in any mode (gcsr fig. 3: pi of a lambda not imposed)
};

// Per-epoch measurement of the per-channel output variance of one layer in train and in eval
// mode (the "variance shift" of Drop-Activation sec. 5.2 / fig. 6), on the first `examples`
// test examples (training examples when there is no test set).
struct VarianceProbeSpec {
  int layer = -1;          // index into model.layers (top level); -1 = no probe
  long examples = 512;
};

// After the last epoch: weight-scaling inference (eval mode; the dropout layers are inverted, so
// eval mode is the rule of Deep Learning sec. 7.11 with the weights scaled by the retain
// probability) against Monte Carlo averages over sampled sub-networks (train-mode masks), on the
// first `examples` test examples. Needs a classifier with a dropout layer and no batch norm.
struct DropoutInferenceSpec {
  std::vector<long> samples;  // increasing sample counts (prefixes of one draw); empty = no probe
  long examples = 512;
};

// After the last epoch: the eval-mode outputs and targets of the first `examples` test examples
// of a one-output regression (per example, for analyses across runs such as bagging).
struct PredictionsSpec {
  long examples = 0;  // 0 = no probe
};

// After the LAST epoch only, for 1-D regression data (xsinx, piecewise-constant): the eval-mode
// fit (Drop-Activation sec. 5.1, fig. 3). train_mse = mean (f_net(x_i) - y_i)^2 on the training
// points; on `grid` evenly spaced x over [x_min, x_max] against the NOISE-FREE target f:
// grid_mse = mean (f_net - f)^2, boundary_mse = the same over the grid points within `boundary`
// of either end, roughness = sum_i |f_net(x_{i+1}) - 2 f_net(x_i) + f_net(x_{i-1})| / h, the
// total variation of the slope (~ integral of |f_net''|; finite for a piecewise linear ReLU net).
struct FitProbeSpec {
  long grid = 0;          // 0 = no probe
  double boundary = 1.0;  // width of each end region
  long curve = 0;         // K evenly spaced points x_k = x_min + k (x_max - x_min) / (K - 1) at which the fitted
                          // values and the noise-free target are recorded (fit_probe.curve); 0 = off
};

// After the LAST epoch: Deep Learning sec. 7.8, Algorithms 7.1-7.3, run as separate trainings from
// the same config on a seeded split of the training set into subtrain and validation
// (nets/train/early_stopping.hpp). The unit of "n steps" is `every` epochs.
struct EarlyStoppingSpec {
  int patience = 0;                  // p of Alg. 7.1, evaluations without improvement; 0 = not run
  int every = 1;                     // n of Alg. 7.1 and 7.3, in epochs between evaluations
  double validation_fraction = 0.2;  // share of the training set held out as the validation set
  int max_epochs = 0;                // cap of Alg. 7.1 and of Alg. 7.3 (which need not terminate); 0 = `epochs`
};

// After the LAST epoch, for a model whose only parameter is one dense weight matrix with one
// output (one dense layer, no bias) trained with mse: the final weight vector w and, in double
// from the float training data, the moments gram = X^T X / n, xty = X^T y / n and yty = y^T y / n
// (for rounding bounds), from which the
// Hessian of the mse training loss J(w) = (1/n) sum (w.x_i - y_i)^2 is H = 2 gram and its
// minimizer w* solves gram w* = xty (Deep Learning sec. 7.8, the quadratic of eqs. 7.33-7.45).
struct WeightsProbeSpec {
  bool enabled = false;
};

struct TrainConfig {
  ModelSpec model;
  bool zero_init = false;  // "init": "zero": every parameter starts at 0 (default: PyTorch's init)
  WeightsProbeSpec weights_probe;
  PredictionsSpec predictions;
  // >= 0: train on a bootstrap resample of the training set (n draws with replacement from
  // sim::Stream(seed, stream_id("nets/data/bootstrap"), member)); -1 = the training set as loaded.
  long bootstrap_member = -1;
  VarianceProbeSpec variance_probe;
  DropoutInferenceSpec dropout_inference;
  FitProbeSpec fit_probe;
  EarlyStoppingSpec early_stopping;
  DataSpec data;
  std::optional<LossKind> loss;  // default: cross-entropy for labelled data, mse for regression
  OptimizerSpec optimizer;
  ScheduleSpec schedule;
  std::vector<RegularizerSpec> regularizers;
  GcsrSpec gcsr;
  int epochs = 10;
  long batch_size = 128;  // larger than the training set = full batch
  long eval_batch_size = 1000;
  bool shuffle = true;
  bool drop_last = false;
  std::uint64_t seed = 1;
  int threads = 0;  // 0 = all hardware threads; results do not depend on it
  nlohmann::json source;  // the JSON it was read from (with CLI overrides applied), for the history
};

// Reads and validates a config. Relative data paths are taken relative to base_dir (the config
// file's folder). Throws std::invalid_argument naming the field path.
TrainConfig parse_config(const nlohmann::json& j, const std::filesystem::path& base_dir = {});
// Reads the file (JSON syntax errors name the file and byte offset) and calls parse_config.
TrainConfig load_config(const std::filesystem::path& file);
// Range checks of the top-level scalars (re-run after CLI overrides of epochs/seed/threads).
void validate_run_fields(const TrainConfig& c);

}  // namespace regcheck::nets::train
