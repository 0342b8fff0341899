// The training loop (see trainer.hpp for the step and the determinism argument).
#include "nets/train/trainer.hpp"

#include "nets/data/split.hpp"
#include "nets/loss.hpp"
#include "nets/train/early_stopping.hpp"
#include "nets/train/json_reader.hpp"
#include "sim/rng.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <span>
#include <set>
#include <thread>

namespace regcheck::nets::train {

namespace {

nlohmann::json num_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

// Rows idx[begin, begin + n) of ds into xb (and labels / targets).
void gather(const Dataset& ds, const std::vector<Eigen::Index>& idx, std::size_t begin, std::size_t n, Act<float>& xb,
            Act<float>& yb, std::vector<int>& lb) {
  const auto N = static_cast<Eigen::Index>(n);
  if (xb.rows() != N || xb.cols() != ds.x.cols()) xb.resize(N, ds.x.cols());
  for (Eigen::Index r = 0; r < N; ++r) xb.row(r) = ds.x.row(idx[begin + static_cast<std::size_t>(r)]);
  if (!ds.labels.empty()) {
    lb.resize(n);
    for (std::size_t r = 0; r < n; ++r) lb[r] = ds.labels[static_cast<std::size_t>(idx[begin + r])];
  } else {
    if (yb.rows() != N || yb.cols() != ds.y.cols()) yb.resize(N, ds.y.cols());
    for (Eigen::Index r = 0; r < N; ++r) yb.row(r) = ds.y.row(idx[begin + static_cast<std::size_t>(r)]);
  }
}

}  // namespace

nlohmann::json profile_json(Sequential<float>& model, const Profile& p, const StepOverhead& o, long steps, double samples,
                            double seconds) {
  nlohmann::json layers = nlohmann::json::array();
  double in_layers = 0;
  for (std::size_t i = 0; i < model.size(); ++i) {
    Layer<float>& l = model.layer(i);
    const double f = p.forward[i], b = p.backward[i], u = p.update[i];
    in_layers += f + b + u;
    nlohmann::json r = {{"position", i}, {"layer", l.index()}, {"kind", l.kind()}, {"forward_s", f}, {"backward_s", b},
                        {"update_s", u}};
    // GEMM rate of the matrix-product layers: forward 2 M K N per example (LayerCost::flops),
    // backward the dW product plus, except for the first layer (no dL/dx needed), the dx product.
    if (l.kind() == "dense" || l.kind() == "conv2d") {
      const double fl = l.cost().flops * samples;
      r["forward_gflops"] = f > 0 ? fl / f * 1e-9 : 0.0;
      r["backward_gflops"] = b > 0 ? (i == 0 ? 1.0 : 2.0) * fl / b * 1e-9 : 0.0;
    }
    layers.push_back(r);
  }
  const double other = o.data + o.zero_grad + o.loss + o.grad_stats + o.regularize;
  return {{"steps", steps},
          {"samples", samples},
          {"step_s", seconds},
          {"layers", layers},
          {"data_s", o.data},
          {"zero_grad_s", o.zero_grad},
          {"loss_s", o.loss},
          {"grad_stats_s", o.grad_stats},
          {"regularize_s", o.regularize},
          {"unaccounted_s", seconds - in_layers - other}};
}

// regcheck train --profile: the epoch's per-layer table (EpochMetrics::profile): milliseconds per step of each
// top-level layer's forward, backward and optimizer update, its share of the step, and for the
// matrix-product layers the GFLOP/s reached (compare with the machine's sgemm peak,
// bench/vs-pytorch --gemm); then the step's other parts.
std::string profile_table(const nlohmann::json& p) {
  std::string out;
  const double steps = std::max(1.0, p["steps"].get<double>()), total = p["step_s"].get<double>();
  auto ms = [&](const nlohmann::json& v) { return 1e3 * v.get<double>() / steps; };
  auto pct = [&](double s) { return total > 0 ? 100.0 * s / total : 0.0; };
  out += fmt::format("  profile (ms per step, {} steps, {:.3f} ms/step)\n", p["steps"].get<long>(), 1e3 * total / steps);
  out += fmt::format("  {:>3} {:<12} {:>9} {:>9} {:>9} {:>6} {:>9} {:>9}\n", "#", "layer", "forward", "backward", "update", "%", "fwd GF/s",
             "bwd GF/s");
  for (const auto& l : p["layers"]) {
    const double s = l["forward_s"].get<double>() + l["backward_s"].get<double>() + l["update_s"].get<double>();
    const std::string gf = l.contains("forward_gflops") ? fmt::format("{:9.1f}", l["forward_gflops"].get<double>()) : fmt::format("{:>9}", "-");
    const std::string gb = l.contains("backward_gflops") ? fmt::format("{:9.1f}", l["backward_gflops"].get<double>()) : fmt::format("{:>9}", "-");
    out += fmt::format("  {:>3} {:<12} {:9.3f} {:9.3f} {:9.3f} {:6.1f} {} {}\n", l["layer"].get<int>(), l["kind"].get<std::string>(),
               ms(l["forward_s"]), ms(l["backward_s"]), ms(l["update_s"]), pct(s), gf, gb);
  }
  for (const char* k : {"data_s", "zero_grad_s", "loss_s", "grad_stats_s", "regularize_s", "unaccounted_s"})
    out += fmt::format("  {:>3} {:<12} {:9.3f} {:>9} {:>9} {:6.1f}\n", "", std::string(k).substr(0, std::string(k).size() - 2), ms(p[k]), "",
               "", pct(p[k].get<double>()));
  return out;
}

nlohmann::json to_json(const EpochMetrics& m, bool include_timing) {
  nlohmann::json j;
  j["epoch"] = m.epoch;
  j["lr"] = m.lr;
  j["train_loss"] = num_or_null(m.train_loss);
  j["train_accuracy"] = num_or_null(m.train_accuracy);
  j["test_loss"] = num_or_null(m.test_loss);
  j["test_accuracy"] = num_or_null(m.test_accuracy);
  j["regularization"] = m.regularization;
  j["sparsity"] = m.sparsity;
  j["neurons_removed"] = m.neurons_removed;
  nlohmann::json ls = nlohmann::json::object();  // keyed by layer number: flattened to "layers.<l>.<field>"
  for (const LayerSparsity& l : m.layers)
    ls[std::to_string(l.layer)] = {{"neurons", l.neurons}, {"neurons_removed", l.neurons_removed}, {"sparsity", l.sparsity},
                                   {"surviving_sparsity", l.surviving_sparsity}};
  j["layers"] = ls;
  j["params"] = m.cost.params;
  j["params_pruned"] = m.cost.params_pruned;
  j["flops"] = m.cost.flops;
  j["flops_pruned"] = m.cost.flops_pruned;
  nlohmann::json g = nlohmann::json::array();
  for (const auto& s : m.mean_abs_grad) g.push_back({{"layer", s.layer}, {"name", s.name}, {"mean_abs_grad", s.mean_abs_grad}});
  j["mean_abs_grad"] = g;
  j["mean_abs_grad_all"] = num_or_null(m.mean_abs_grad_all);
  j["steps"] = m.steps;
  j["regularized_steps"] = m.regularized_steps;
  if (!m.pi_steps.empty()) {
    nlohmann::json p = nlohmann::json::array();
    for (double v : m.pi_steps) p.push_back(num_or_null(v));
    j["pi"] = {{"mean", num_or_null(m.pi_mean)}, {"steps", p}};
  }
  if (m.probe_var_train.size() > 0) {
    nlohmann::json tr = nlohmann::json::array(), ev = nlohmann::json::array();
    for (Eigen::Index c = 0; c < m.probe_var_train.size(); ++c) {
      tr.push_back(num_or_null(m.probe_var_train(c)));
      ev.push_back(num_or_null(m.probe_var_eval(c)));
    }
    j["variance_probe"] = {{"var_train", tr}, {"var_eval", ev}, {"shift_ratio_mean", num_or_null(m.probe_shift_ratio)}};
  }
  if (!m.dropout_inference.is_null()) j["dropout_inference"] = m.dropout_inference;
  if (!m.predictions.is_null()) j["predictions"] = m.predictions;
  if (!m.early_stopping.is_null()) j["early_stopping"] = m.early_stopping;
  if (!m.weights_probe.is_null()) j["weights_probe"] = m.weights_probe;
  if (std::isfinite(m.fit_grid_mse))
    j["fit_probe"] = {{"train_mse", num_or_null(m.fit_train_mse)}, {"grid_mse", num_or_null(m.fit_grid_mse)},
                      {"boundary_mse", num_or_null(m.fit_boundary_mse)}, {"roughness", num_or_null(m.fit_roughness)}};
  if (!m.fit_curve.is_null() && j.contains("fit_probe")) j["fit_probe"]["curve"] = m.fit_curve;
  if (include_timing) {
    j["seconds"] = m.seconds;
    j["samples_per_s"] = m.samples_per_s;
    if (!m.profile.is_null()) j["profile"] = m.profile;
  }
  return j;
}

Trainer::~Trainer() = default;

Trainer::Trainer(TrainConfig cfg) : cfg_(std::move(cfg)) {
  validate_run_fields(cfg_);
  threads_ = cfg_.threads > 0 ? cfg_.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  omp_set_num_threads(threads_);
  data_ = load_data(cfg_.data, cfg_.seed);
  init();
}

Trainer::Trainer(TrainConfig cfg, TrainData data) : cfg_(std::move(cfg)), data_(std::move(data)) {
  validate_run_fields(cfg_);
  threads_ = cfg_.threads > 0 ? cfg_.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  omp_set_num_threads(threads_);
  init();
}

void Trainer::init() {
  if (cfg_.bootstrap_member >= 0) {  // bagging (Deep Learning sec. 7.10): n draws with replacement
    const Dataset& d = data_.train;
    sim::Stream s(cfg_.seed, sim::stream_id("nets/data/bootstrap"), static_cast<std::uint64_t>(cfg_.bootstrap_member));
    std::vector<Eigen::Index> idx(static_cast<std::size_t>(d.size()));
    for (auto& i : idx) i = static_cast<Eigen::Index>(s.below(static_cast<std::uint64_t>(d.size())));
    Dataset b = d;
    Act<float> x, y;
    std::vector<int> l;
    gather(d, idx, 0, idx.size(), x, y, l);
    b.x = x;
    if (!d.labels.empty()) b.labels = l;
    else b.y = y;
    data_.train = std::move(b);
  }
  model_ = build_model(cfg_.model, cfg_.seed);
  loss_ = check_model_fits_data(cfg_.model, *model_, data_, cfg_.loss);
  params_ = model_->params();
  if (cfg_.zero_init)
    for (Param<float>* p : params_) p->value.setZero();

  if (cfg_.optimizer.type == OptimizerSpec::Type::Sgd)
    sgd_ = std::make_unique<optim::Sgd<float>>(params_, cfg_.optimizer.sgd);
  else
    adam_ = std::make_unique<optim::Adam<float>>(params_, cfg_.optimizer.adam);

  // Regularizers: each on the weights of its layers (all weight layers when none are listed).
  std::map<int, std::string> weight_layers;  // layer number -> kind, for messages
  for (Layer<float>* l : model_->all_layers())
    for (Param<float>* p : l->params())
      if (p->is_weight) weight_layers[p->layer] = l->kind();
  for (const RegularizerSpec& rs : cfg_.regularizers) {
    std::vector<Param<float>*> ps;
    if (rs.layers.empty()) {
      for (Param<float>* p : params_)
        if (p->is_weight) ps.push_back(p);
    } else {
      std::set<int> want;
      for (std::size_t i = 0; i < rs.layers.size(); ++i) {
        const int l = rs.layers[i];
        if (!weight_layers.count(l)) {
          std::string have;
          for (auto& [k, v] : weight_layers) have += (have.empty() ? "" : ", ") + fmt::format("{} ({})", k, v);
          field_error(fmt::format("{}.layers[{}]", rs.path, i), fmt::format("layer {} has no weights (layers with weights: {})", l, have));
        }
        want.insert(l);
      }
      for (Param<float>* p : params_)
        if (p->is_weight && want.count(p->layer)) ps.push_back(p);
    }
    std::set<int> layers;
    for (Param<float>* p : ps) layers.insert(p->layer);
    regularize::RegularizerOptions o = rs.options;
    if (rs.mu_linear) o.mu = regularize::mu_linear(static_cast<int>(layers.size()), rs.mu_linear->first, rs.mu_linear->second);
    if (o.mu.size() != 1 && o.mu.size() != layers.size())
      field_error(rs.path + ".mu", fmt::format("{} values but the regularizer acts on {} weight layers (allowed: 1 value or one per layer)",
                                               o.mu.size(), layers.size()));
    regs_.push_back({rs.path, regularize::Regularizer<float>(o), std::move(ps)});
  }
  if (cfg_.predictions.examples > 0) {
    if (loss_ != LossKind::MeanSquaredError || data_.train.y.cols() != 1)
      field_error("predictions", "needs a regression with one output (mse loss, one target)");
    if (data_.test.size() == 0) field_error("predictions", "needs a test set");
  }
  if (cfg_.weights_probe.enabled &&
      (params_.size() != 1 || !params_[0]->is_weight || params_[0]->value.rows() != 1 || loss_ != LossKind::MeanSquaredError))
    field_error("weights_probe", fmt::format("needs one dense layer with one output and no bias, trained with mse (the model has {} "
                                             "parameter tensor(s), the first {} x {})",
                                             params_.size(), params_.empty() ? 0 : params_[0]->value.rows(),
                                             params_.empty() ? 0 : params_[0]->value.cols()));
  if (!cfg_.dropout_inference.samples.empty()) {
    bool dropout = false;
    for (Layer<float>* l : model_->all_layers()) {
      if (l->kind() == "batchnorm")  // train-mode forwards would move its running averages
        field_error("dropout_inference", "the model has a batchnorm layer (allowed: models without batch norm)");
      dropout = dropout || l->kind() == "dropout";
    }
    if (!dropout) field_error("dropout_inference", "the model has no dropout layer");
    if (loss_ != LossKind::CrossEntropy) field_error("dropout_inference", "needs a classifier (cross-entropy loss)");
  }
  if (cfg_.early_stopping.patience > 0) {
    for (Layer<float>* l : model_->all_layers())
      if (l->kind() == "batchnorm")  // running averages are not parameters: theta* would not restore them
        field_error("early_stopping", "the model has a batchnorm layer (allowed: models without batch norm)");
    if (data_.test.size() == 0) field_error("early_stopping", "needs a test set (the final comparison of Algorithms 7.1-7.3)");
    const std::string problem = split_problem(cfg_.early_stopping.validation_fraction, data_.train.size());
    if (!problem.empty()) field_error("early_stopping.validation_fraction", problem);
  }
}

void Trainer::set_lr(double lr) {
  if (sgd_) sgd_->set_lr(lr);
  else adam_->set_lr(lr);
}
void Trainer::optimizer_step(std::vector<double>* param_seconds) {
  if (sgd_) sgd_->step(param_seconds);
  else adam_->step(param_seconds);
}

void Trainer::set_profile(bool on) {
  profiling_ = on;
  model_->set_profile(on ? &prof_ : nullptr);
  param_layer_.clear();
  for (std::size_t i = 0; i < model_->size(); ++i)  // Sequential::params() lists them in this order
    for (std::size_t k = 0; k < model_->layer(i).params().size(); ++k) param_layer_.push_back(i);
}

// Loss of the batch output z and dz = dL/dz; hits += correctly classified examples.
double Trainer::loss_and_grad(const Act<float>& z, Eigen::Index n, double& hits) {
  if (loss_ == LossKind::CrossEntropy) {
    const std::span<const int> labels(lb_.data(), static_cast<std::size_t>(n));
    const double l = softmax_cross_entropy(z, labels, dz_);
    hits += accuracy(z, labels) * static_cast<double>(n);
    return l;
  }
  return mean_squared_error(z, yb_, dz_);
}

// Train- and eval-mode variances of the probed layer's channels on the same examples; train mode
// draws its masks for step t = step_ (the next step's index, never used by an update yet) and
// leaves batch-norm running averages untouched (channel_output_variance).
void Trainer::probe_variance(EpochMetrics& m) {
  const Dataset& ds = data_.test.size() > 0 ? data_.test : data_.train;
  const std::size_t n = static_cast<std::size_t>(std::min<Eigen::Index>(cfg_.variance_probe.examples, ds.size()));
  std::vector<Eigen::Index> idx(n);
  std::iota(idx.begin(), idx.end(), Eigen::Index{0});
  Act<float> xp, yp;
  std::vector<int> lp;
  gather(ds, idx, 0, n, xp, yp, lp);
  const auto layer = static_cast<std::size_t>(cfg_.variance_probe.layer);
  m.probe_var_train = channel_output_variance(*model_, layer, xp, {.train = true, .seed = cfg_.seed, .step = step_});
  m.probe_var_eval = channel_output_variance(*model_, layer, xp, {.train = false, .seed = cfg_.seed, .step = step_});
  double sum = 0;
  int k = 0;
  for (Eigen::Index c = 0; c < m.probe_var_train.size(); ++c)
    if (m.probe_var_train(c) > 0) sum += m.probe_var_eval(c) / m.probe_var_train(c), ++k;
  m.probe_shift_ratio = k > 0 ? sum / k : NAN;
}

// Weight-scaling inference against Monte Carlo averages over sampled sub-networks (Deep Learning
// sec. 7.11, eq. 7.30), on the first `examples` test examples, after the last epoch:
//   ws            eval mode (inverted dropout: the weight scaling rule), p_ws = softmax(z_ws);
//   geometric     the renormalized geometric mean of the N sub-networks' softmax outputs, which is
//                 softmax(mean_s z_s) (log softmax(z) = z - logsumexp(z); the second term cancels);
//   arithmetic    mean_s softmax(z_s).
// Sub-network s uses the train-mode masks of step 2^62 + s (never a training step). For each N
// of `samples` (prefixes of one draw): accuracy and NLL of each average, their mean total
// variation distance to p_ws, and the squared bias of the geometric average's logits,
//   bias2_N = mean over examples and classes of (zbar_N - z_ws)^2 - s^2 / N,
// with logits centered per example (softmax ignores a per-example shift) and s^2 the unbiased
// sample variance of the N centered logits: E[(zbar_N - z_ws)^2] = Var(z_s) / N + bias^2, so
// bias2_N is unbiased for the squared bias, which is 0 exactly when the geometric mean over all
// masks equals weight scaling (softmax regression, eq. 7.30 ff.). bias2_rel_N = bias2_N / mean s^2.
void Trainer::probe_dropout_inference(EpochMetrics& m) {
  const Dataset& ds = data_.test.size() > 0 ? data_.test : data_.train;
  const std::size_t n = static_cast<std::size_t>(std::min<Eigen::Index>(cfg_.dropout_inference.examples, ds.size()));
  std::vector<Eigen::Index> idx(n);
  std::iota(idx.begin(), idx.end(), Eigen::Index{0});
  Act<float> xp, yp;
  std::vector<int> lp;
  gather(ds, idx, 0, n, xp, yp, lp);
  const auto N = static_cast<Eigen::Index>(n);
  auto centered = [](const Act<float>& z) {
    Eigen::MatrixXd c = z.cast<double>();
    c.colwise() -= c.rowwise().mean();
    return c;
  };
  auto softmax_rows = [](const Eigen::MatrixXd& z) {
    Eigen::MatrixXd p = z;
    for (Eigen::Index r = 0; r < p.rows(); ++r) {
      p.row(r).array() -= p.row(r).maxCoeff();  // exp of non-positive values: no overflow
      p.row(r) = p.row(r).array().exp().matrix();
      p.row(r) /= p.row(r).sum();
    }
    return p;
  };
  // Accuracy and mean NLL of probabilities p against the labels.
  auto score = [&](const Eigen::MatrixXd& p, nlohmann::json& acc_out, nlohmann::json& nll_out) {
    double acc = 0, nll = 0;
    for (Eigen::Index r = 0; r < N; ++r) {
      Eigen::Index k = 0;
      p.row(r).maxCoeff(&k);
      const int y = lp[static_cast<std::size_t>(r)];
      acc += k == y;
      nll -= std::log(std::max(p(r, y), 1e-300));  // an exact 0 would be an infinite loss
    }
    acc_out = acc / static_cast<double>(N), nll_out = nll / static_cast<double>(N);
  };
  auto tv = [&](const Eigen::MatrixXd& p, const Eigen::MatrixXd& q) { return 0.5 * (p - q).cwiseAbs().sum() / static_cast<double>(N); };

  const Eigen::MatrixXd z_ws = centered(model_->forward(xp, {.train = false, .seed = cfg_.seed, .step = step_}));
  const Eigen::MatrixXd p_ws = softmax_rows(z_ws);
  nlohmann::json j;
  score(p_ws, j["ws_accuracy"], j["ws_nll"]);
  Eigen::MatrixXd sum_z = Eigen::MatrixXd::Zero(N, z_ws.cols()), sum_d2 = sum_z, sum_p = sum_z;
  long s = 0;
  for (long want : cfg_.dropout_inference.samples) {
    for (; s < want; ++s) {
      const Eigen::MatrixXd z = centered(model_->forward(xp, {.train = true, .seed = cfg_.seed, .step = (std::uint64_t{1} << 62) + static_cast<std::uint64_t>(s)}));
      // Deviations from z_ws: their sample variance equals that of z without cancellation of large means.
      const Eigen::MatrixXd d = z - z_ws;
      sum_z += d, sum_d2 += d.cwiseProduct(d), sum_p += softmax_rows(z);
    }
    const double k = static_cast<double>(want);
    const Eigen::MatrixXd dbar = sum_z / k;
    const Eigen::MatrixXd var = (sum_d2 - k * dbar.cwiseProduct(dbar)) / (k - 1);
    const double var_mean = var.mean();
    const double bias2 = (dbar.cwiseProduct(dbar) - var / k).mean();
    const Eigen::MatrixXd p_geo = softmax_rows(z_ws + dbar), p_ar = sum_p / k;
    const std::string t = std::to_string(want);
    score(p_geo, j["geo_accuracy_" + t], j["geo_nll_" + t]);
    score(p_ar, j["arith_accuracy_" + t], j["arith_nll_" + t]);
    j["geo_tv_" + t] = tv(p_geo, p_ws), j["arith_tv_" + t] = tv(p_ar, p_ws);
    j["bias2_" + t] = bias2, j["logit_var_" + t] = var_mean;
    j["bias2_rel_" + t] = var_mean > 0 ? bias2 / var_mean : NAN;
  }
  for (auto it = j.begin(); it != j.end(); ++it) *it = num_or_null(it->get<double>());
  m.dropout_inference = j;
}

// Eval-mode outputs and targets of the first `examples` test examples (one-output regression).
void Trainer::probe_predictions(EpochMetrics& m) {
  const Dataset& ds = data_.test;
  const std::size_t n = static_cast<std::size_t>(std::min<Eigen::Index>(cfg_.predictions.examples, ds.size()));
  std::vector<Eigen::Index> idx(n);
  std::iota(idx.begin(), idx.end(), Eigen::Index{0});
  Act<float> xp, yp;
  std::vector<int> lp;
  gather(ds, idx, 0, n, xp, yp, lp);
  const Act<float>& z = model_->forward(xp, {.train = false, .seed = cfg_.seed, .step = step_});
  nlohmann::json out = nlohmann::json::object(), tgt = nlohmann::json::object();
  for (std::size_t i = 0; i < n; ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    out[std::to_string(i)] = static_cast<double>(z(r, 0)), tgt[std::to_string(i)] = static_cast<double>(yp(r, 0));
  }
  m.predictions = {{"output", out}, {"target", tgt}};
}

// The final weights of the one-layer linear model and the training moments, in double (WeightsProbeSpec).
void Trainer::probe_weights(EpochMetrics& m) {
  const Dataset& tr = data_.train;
  const Eigen::MatrixXd x = tr.x.cast<double>();
  const Eigen::VectorXd y = tr.y.col(0).cast<double>();
  const double n = static_cast<double>(x.rows());
  const Eigen::MatrixXd gram = x.transpose() * x / n;
  const Eigen::VectorXd xty = x.transpose() * y / n;
  const auto& w = params_[0]->value;  // 1 x d
  nlohmann::json jw = nlohmann::json::object(), jg = nlohmann::json::object(), jb = nlohmann::json::object();
  const Eigen::Index d = w.cols();
  for (Eigen::Index j = 0; j < d; ++j) {
    jw[std::to_string(j)] = static_cast<double>(w(0, j));
    jb[std::to_string(j)] = xty(j);
    for (Eigen::Index k = 0; k < d; ++k) jg[std::to_string(j * d + k)] = gram(j, k);
  }
  m.weights_probe = {{"w", jw}, {"gram", jg}, {"xty", jb}, {"yty", y.squaredNorm() / n}, {"n", n}, {"steps", static_cast<double>(step_)}};
}

// Eval-mode predictions on the training points and on the grid (FitProbeSpec), accumulated in
// double. The noise-free target is the data kind's f (the default PiecewiseConstant is the one
// the data were generated from).
void Trainer::probe_fit(EpochMetrics& m) {
  const auto& r = cfg_.data.regression;
  const bool xs = cfg_.data.kind == "xsinx";
  const data::PiecewiseConstant pc;
  auto f = [&](double x) { return xs ? data::xsinx(x) : pc(x); };
  const RunContext eval{.train = false, .seed = cfg_.seed, .step = step_};
  const Dataset& tr = data_.train;
  const Act<float> zt = model_->forward(tr.x, eval);
  double se = 0;
  for (Eigen::Index i = 0; i < tr.size(); ++i) se += std::pow(static_cast<double>(zt(i, 0)) - tr.y(i, 0), 2);
  m.fit_train_mse = se / static_cast<double>(tr.size());
  const Eigen::Index n = cfg_.fit_probe.grid;
  const double h = (r.x_max - r.x_min) / static_cast<double>(n - 1);
  Act<float> xg(n, 1);
  for (Eigen::Index i = 0; i < n; ++i) xg(i, 0) = static_cast<float>(r.x_min + h * static_cast<double>(i));
  const Act<float> zg = model_->forward(xg, eval);
  double all = 0, edge = 0, tv = 0;
  long n_edge = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double x = static_cast<double>(xg(i, 0)), e2 = std::pow(static_cast<double>(zg(i, 0)) - f(x), 2);
    all += e2;
    if (x - r.x_min <= cfg_.fit_probe.boundary || r.x_max - x <= cfg_.fit_probe.boundary) edge += e2, ++n_edge;
    if (i > 0 && i + 1 < n) tv += std::abs(static_cast<double>(zg(i + 1, 0)) - 2.0 * zg(i, 0) + static_cast<double>(zg(i - 1, 0))) / h;
  }
  m.fit_grid_mse = all / static_cast<double>(n);
  m.fit_boundary_mse = n_edge > 0 ? edge / static_cast<double>(n_edge) : NAN;
  m.fit_roughness = tv;
  // The curve: K points x_k = x_min + k (x_max - x_min) / (K - 1), fed to the net as floats (the
  // recorded x is that float), the target f evaluated at the same x.
  if (const Eigen::Index k = cfg_.fit_probe.curve; k >= 2) {
    const double hk = (r.x_max - r.x_min) / static_cast<double>(k - 1);
    Act<float> xc(k, 1);
    for (Eigen::Index i = 0; i < k; ++i) xc(i, 0) = static_cast<float>(r.x_min + hk * static_cast<double>(i));
    const Act<float> zc = model_->forward(xc, eval);
    nlohmann::json xs_j = nlohmann::json::object(), out = nlohmann::json::object(), tgt = nlohmann::json::object();
    for (Eigen::Index i = 0; i < k; ++i) {
      const std::string key = std::to_string(i);
      const double x = static_cast<double>(xc(i, 0));
      xs_j[key] = x;
      out[key] = num_or_null(static_cast<double>(zc(i, 0)));
      tgt[key] = f(x);
    }
    m.fit_curve = {{"x", xs_j}, {"output", out}, {"target", tgt}};
  }
}

std::pair<double, double> Trainer::evaluate(const Dataset& ds) {
  omp_set_num_threads(threads_);
  if (ds.size() == 0) return {NAN, NAN};
  std::vector<Eigen::Index> idx(static_cast<std::size_t>(ds.size()));
  std::iota(idx.begin(), idx.end(), Eigen::Index{0});
  double loss = 0, hits = 0;
  Act<float> dz;
  for (std::size_t b = 0; b < idx.size(); b += static_cast<std::size_t>(cfg_.eval_batch_size)) {
    const std::size_t n = std::min(idx.size() - b, static_cast<std::size_t>(cfg_.eval_batch_size));
    gather(ds, idx, b, n, xb_, yb_, lb_);
    const Act<float>& z = model_->forward(xb_, {.train = false, .seed = cfg_.seed, .step = step_});
    loss += loss_and_grad(z, static_cast<Eigen::Index>(n), hits) * static_cast<double>(n);
  }
  const double N = static_cast<double>(ds.size());
  return {loss / N, loss_ == LossKind::CrossEntropy ? hits / N : NAN};
}

const EpochMetrics& Trainer::run_epoch(const std::function<void(const StepProgress&)>& progress) {
  if (finished()) throw std::invalid_argument(fmt::format("Trainer::run_epoch: all {} epochs are done", cfg_.epochs));
  omp_set_num_threads(threads_);
  const int e = epochs_done();  // 0-based epoch
  EpochMetrics m;
  m.epoch = e + 1;
  m.lr = cfg_.schedule.lr(cfg_.optimizer.lr(), e);
  set_lr(m.lr);

  const Dataset& tr = data_.train;
  const auto batches = data::epoch_batches(tr.size(), cfg_.seed, static_cast<std::uint64_t>(e),
                                           {.batch_size = std::min<Eigen::Index>(cfg_.batch_size, tr.size()),
                                            .shuffle = cfg_.shuffle, .drop_last = cfg_.drop_last});
  const bool gated = cfg_.gcsr.options.mode == regularize::GcsrMode::Gated;
  const bool want_pi = gated || cfg_.gcsr.log_pi;
  std::vector<double> grad_sum;
  std::vector<LayerGradStat> grad_names;
  double loss_sum = 0, hits = 0, seen = 0, pi_sum = 0, pi_n = 0, grad_all_sum = 0;
  // --profile: the step's parts outside the layers (seconds; pointers null when not profiling).
  double t_data = 0, t_zero = 0, t_loss = 0, t_stats = 0, t_reg = 0;
  std::vector<double> param_seconds(profiling_ ? params_.size() : 0, 0.0);
  if (profiling_) prof_.clear();
  auto slot = [&](double& s) { return profiling_ ? &s : nullptr; };
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t bi = 0; bi < batches.size(); ++bi) {
    const auto& idx = batches[bi];
    const Eigen::Index n = static_cast<Eigen::Index>(idx.size());
    timed(slot(t_data), [&] { gather(tr, idx, 0, idx.size(), xb_, yb_, lb_); });
    timed(slot(t_zero), [&] { model_->zero_grad(); });
    const Act<float>& z = model_->forward(xb_, {.train = true, .seed = cfg_.seed, .step = step_});
    timed(slot(t_loss), [&] { loss_sum += loss_and_grad(z, n, hits) * static_cast<double>(n); });
    seen += static_cast<double>(n);
    model_->backward(dz_);

    timed(slot(t_stats), [&] {
      const auto sums = grad_abs_sums(params_);  // one pass for both statistics
      const auto g = mean_abs_grad(sums);
      if (grad_sum.empty()) grad_sum.assign(g.size(), 0.0), grad_names = g;
      for (std::size_t k = 0; k < g.size(); ++k) grad_sum[k] += g[k].mean_abs_grad;
      grad_all_sum += mean_abs_grad_all(sums);
    });

    bool on = true;
    const auto t_reg0 = std::chrono::steady_clock::now();
    if (!regs_.empty()) {
      theory::gcsr::Coherence pi;
      if (want_pi) {
        pi = regularize::coherence_rate(regs_[0].params, regs_[0].reg.lambda(), cfg_.gcsr.penalty);
        const double v = pi.status == theory::gcsr::CoherenceStatus::Ok ? pi.pi : NAN;
        m.pi_steps.push_back(v);
        if (std::isfinite(v)) pi_sum += v, pi_n += 1;
      }
      // gcsr_lambda with lambda = 1 is the gate itself (1 = impose, 0 = not this step).
      on = regularize::gcsr_lambda(cfg_.gcsr.options, 1.0, e, pi) > 0;
      if (on)
        for (const Reg& r : regs_) r.reg.add_gradient(r.params, r.reg.lambda());
    }
    if (profiling_) t_reg += seconds_since(t_reg0);
    optimizer_step(profiling_ ? &param_seconds : nullptr);
    timed(slot(t_reg), [&] {
      if (on)
        for (const Reg& r : regs_) r.reg.prox(r.params, m.lr, r.reg.lambda());
    });
    m.regularized_steps += (on && !regs_.empty());
    ++m.steps;
    ++step_;
    if (progress) {
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      progress({m.epoch, static_cast<long>(bi + 1), static_cast<long>(batches.size()), loss_sum / seen,
                loss_ == LossKind::CrossEntropy ? hits / seen : NAN, s > 0 ? seen / s : 0.0});
    }
  }
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  m.samples_per_s = m.seconds > 0 ? seen / m.seconds : 0.0;
  m.train_loss = loss_sum / seen;
  m.train_accuracy = loss_ == LossKind::CrossEntropy ? hits / seen : NAN;
  if (profiling_) {
    for (std::size_t i = 0; i < param_seconds.size(); ++i) prof_.update[param_layer_[i]] += param_seconds[i];
    m.profile = profile_json(*model_, prof_, {t_data, t_zero, t_loss, t_stats, t_reg}, m.steps, seen, m.seconds);
  }
  for (std::size_t k = 0; k < grad_names.size(); ++k)
    m.mean_abs_grad.push_back({grad_names[k].layer, grad_names[k].name, grad_sum[k] / static_cast<double>(m.steps)});
  if (!grad_names.empty()) m.mean_abs_grad_all = grad_all_sum / static_cast<double>(m.steps);
  if (pi_n > 0) m.pi_mean = pi_sum / pi_n;

  std::tie(m.test_loss, m.test_accuracy) = evaluate(data_.test);
  for (const Reg& r : regs_) m.regularization += r.reg.value(r.params);
  m.sparsity = weight_sparsity(params_);
  m.neurons_removed = neurons_removed(params_);
  m.layers = layer_sparsity(params_);
  m.cost = network_cost(*model_);
  if (cfg_.variance_probe.layer >= 0) probe_variance(m);
  if (!cfg_.dropout_inference.samples.empty() && m.epoch == cfg_.epochs) probe_dropout_inference(m);
  if (cfg_.predictions.examples > 0 && m.epoch == cfg_.epochs) probe_predictions(m);
  if (cfg_.fit_probe.grid > 0 && m.epoch == cfg_.epochs) probe_fit(m);
  if (cfg_.weights_probe.enabled && m.epoch == cfg_.epochs) probe_weights(m);
  if (cfg_.early_stopping.patience > 0 && m.epoch == cfg_.epochs) m.early_stopping = to_json(run_early_stopping(cfg_, data_));
  history_.push_back(std::move(m));
  return history_.back();
}

void Trainer::run(const std::function<void(const EpochMetrics&)>& on_epoch,
                  const std::function<void(const StepProgress&)>& progress) {
  while (!finished()) {
    const EpochMetrics& m = run_epoch(progress);
    if (on_epoch) on_epoch(m);
  }
}

nlohmann::json history_json(const Trainer& t, bool include_timing) {
  nlohmann::json doc;
  doc["tool"] = "regcheck train";
  doc["config"] = t.config().source;
  doc["seed"] = t.config().seed;
  if (include_timing) doc["threads"] = t.threads();
  doc["epochs_planned"] = t.config().epochs;
  doc["epochs_done"] = t.epochs_done();
  doc["complete"] = t.finished();
  doc["train_examples"] = t.data().train.size();
  doc["test_examples"] = t.data().test.size();
  nlohmann::json e = nlohmann::json::array();
  for (const EpochMetrics& m : t.history()) e.push_back(to_json(m, include_timing));
  doc["epochs"] = e;
  if (!t.history().empty()) {
    const EpochMetrics& last = t.history().back();
    doc["final"] = {{"train_loss", num_or_null(last.train_loss)}, {"train_accuracy", num_or_null(last.train_accuracy)},
                    {"test_loss", num_or_null(last.test_loss)}, {"test_accuracy", num_or_null(last.test_accuracy)},
                    {"sparsity", last.sparsity}};
  }
  return doc;
}

}  // namespace regcheck::nets::train
