// Reading and validating a TrainConfig from JSON (see config.hpp for the error format and
// nets/configs/README.md for the fields).
#include "nets/train/config.hpp"

#include "nets/data/digits.hpp"
#include "nets/data/idx.hpp"
#include "nets/train/json_reader.hpp"

#include <fstream>
#include <sstream>

namespace regcheck::nets::train {

namespace fs = std::filesystem;

const std::vector<std::string>& layer_types() {
  static const std::vector<std::string> t{"dense",   "conv2d",     "maxpool",         "avgpool", "flatten",
                                          "batchnorm", "dropout",  "relu",            "leaky_relu",
                                          "drop_activation", "rrelu", "identity",     "residual"};
  return t;
}

double ScheduleSpec::lr(double lr0, int epoch) const {
  switch (type) {
    case Type::Constant: return lr0;
    case Type::Step: return optim::StepLR{lr0, step_size, gamma}(epoch);
    case Type::MultiStep: return optim::MultiStepLR{lr0, milestones, gamma}(epoch);
  }
  return lr0;
}

namespace {

constexpr long kMaxWidth = 1L << 24;  // a sanity bound on layer widths and data sizes

const auto positive = [](double x) { return x > 0; };
const auto nonneg = [](double x) { return x >= 0; };
const auto any = [](double) { return true; };

LayerSpec parse_layer(const nlohmann::json& v, const std::string& path);

std::vector<LayerSpec> parse_layers(const nlohmann::json& v, const std::string& path) {
  array_at(v, path);
  if (v.empty()) field_error(path, "empty (allowed: at least one layer)");
  std::vector<LayerSpec> out;
  for (std::size_t i = 0; i < v.size(); ++i) out.push_back(parse_layer(v[i], fmt::format("{}[{}]", path, i)));
  return out;
}

LayerSpec parse_layer(const nlohmann::json& v, const std::string& path) {
  Obj o(v, path);
  LayerSpec s;
  s.path = path;
  s.type = o.str_required("type");
  const auto& types = layer_types();
  if (std::find(types.begin(), types.end(), s.type) == types.end())
    field_error(o.sub("type"), fmt::format("unknown layer '{}' (allowed: {})", s.type, join(types)));
  const std::string range = fmt::format("1..{}", kMaxWidth);
  if (s.type == "dense") {
    if (!o.has("out")) field_error(o.sub("out"), "missing (required: the number of output features)");
    s.out = static_cast<int>(o.integer("out", 0, 1, kMaxWidth, range));
    s.bias = o.boolean("bias", true);
  } else if (s.type == "conv2d") {
    if (!o.has("out")) field_error(o.sub("out"), "missing (required: the number of output channels)");
    s.out = static_cast<int>(o.integer("out", 0, 1, kMaxWidth, range));
    if (o.has("kernel")) {
      const auto& k = v.at("kernel");
      if (k.is_array()) {
        if (k.size() != 2) field_error(o.sub("kernel"), "expected an integer or [height, width], got " + show(k));
        s.kernel_h = static_cast<int>(Obj::int_value(k[0], o.sub("kernel") + "[0]", 1, 1024, "1..1024"));
        s.kernel_w = static_cast<int>(Obj::int_value(k[1], o.sub("kernel") + "[1]", 1, 1024, "1..1024"));
      } else {
        s.kernel_h = s.kernel_w = static_cast<int>(Obj::int_value(k, o.sub("kernel"), 1, 1024, "1..1024"));
      }
    }
    s.stride = static_cast<int>(o.integer("stride", 1, 1, 1024, "1..1024"));
    s.padding = static_cast<int>(o.integer("padding", 0, 0, 1024, "0..1024"));
    s.bias = o.boolean("bias", true);
  } else if (s.type == "maxpool" || s.type == "avgpool") {
    s.pool = static_cast<int>(o.integer("kernel", 2, 1, 1024, "1..1024"));
    s.pool_stride = static_cast<int>(o.integer("stride", 0, 0, 1024, "0..1024, 0 = the kernel size"));
  } else if (s.type == "dropout") {
    s.p = o.num("p", 0.5, [](double x) { return x >= 0 && x < 1; }, "drop probability 0 <= p < 1");
  } else if (s.type == "drop_activation") {
    s.p = o.num("p", 0.95, [](double x) { return x >= 0 && x <= 1; }, "keep probability 0 <= p <= 1");
  } else if (s.type == "leaky_relu") {
    s.slope = o.num("slope", 0.01, any, "a finite slope");
  } else if (s.type == "rrelu") {
    s.lower = o.num("lower", 1.0 / 8.0, nonneg, "lower >= 0");
    s.upper = o.num("upper", 1.0 / 3.0, nonneg, "upper >= 0");
    if (s.upper < s.lower) field_error(o.sub("upper"), fmt::format("value {} is below lower = {} (allowed: lower <= upper)", s.upper, s.lower));
  } else if (s.type == "batchnorm") {
    s.momentum = o.num("momentum", 0.1, [](double x) { return x >= 0 && x <= 1; }, "0 <= momentum <= 1");
    s.eps = o.num("eps", 1e-5, positive, "eps > 0");
  } else if (s.type == "residual") {
    s.branch = parse_layers(o.at("layers"), o.sub("layers"));
  }
  o.done();
  return s;
}

Shape parse_shape(const nlohmann::json& v, const std::string& path) {
  array_at(v, path);
  if (v.size() != 1 && v.size() != 3)
    field_error(path, "expected [features] or [channels, height, width], got " + show(v));
  std::vector<int> d;
  for (std::size_t i = 0; i < v.size(); ++i)
    d.push_back(static_cast<int>(Obj::int_value(v[i], fmt::format("{}[{}]", path, i), 1, kMaxWidth, fmt::format("1..{}", kMaxWidth))));
  return v.size() == 1 ? Shape{d[0], 1, 1} : Shape{d[0], d[1], d[2]};
}

fs::path resolve(const fs::path& p, const fs::path& base) { return p.is_absolute() || base.empty() ? p : base / p; }

fs::path existing_file(Obj& o, const std::string& key, const fs::path& base, std::optional<fs::path> def = std::nullopt) {
  fs::path p;
  if (!o.has(key)) {
    if (!def) field_error(o.sub(key), "missing (required: a file path)");
    p = *def;
  } else {
    p = resolve(o.str_required(key), base);
  }
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) field_error(o.sub(key), fmt::format("file '{}' does not exist or is not a regular file", p.string()));
  return p;
}

std::vector<float> float_list(Obj& o, const std::string& key, std::vector<float> def, bool positive_only) {
  if (!o.has(key)) return def;
  const auto& v = array_at(o.at(key), o.sub(key));
  if (v.empty()) field_error(o.sub(key), "empty (allowed: one value or one per channel)");
  std::vector<float> out;
  for (std::size_t i = 0; i < v.size(); ++i)
    out.push_back(static_cast<float>(Obj::num_value(v[i], fmt::format("{}[{}]", o.sub(key), i),
                                                    positive_only ? std::function<bool(double)>(positive) : any,
                                                    positive_only ? "> 0" : "finite")));
  return out;
}

void parse_images(Obj& o, DataSpec& d, std::vector<float> mean, std::vector<float> sd) {
  d.normalize = o.boolean("normalize", false);
  d.mean = float_list(o, "mean", mean, false);
  d.stddev = float_list(o, "stddev", sd, true);
}

void parse_limits(Obj& o, DataSpec& d) {
  d.train_limit = o.integer("train_limit", 0, 0, kMaxWidth * 64, "0 (all) or a positive count");
  d.test_limit = o.integer("test_limit", 0, 0, kMaxWidth * 64, "0 (all) or a positive count");
}

DataSpec parse_data(const nlohmann::json& v, const fs::path& base) {
  Obj o(v, "data");
  DataSpec d;
  d.kind = o.choice("kind", "", {"fashion-mnist", "idx", "digits", "cifar10", "xsinx", "piecewise-constant", "teacher", "separable"},
                    "data kind");
  const long big = kMaxWidth * 64;
  if (d.kind == "fashion-mnist") {
    d.dir = resolve(o.str("dir", data::kFashionMnistDir), base);
    std::error_code ec;
    if (!fs::is_directory(d.dir, ec)) field_error(o.sub("dir"), fmt::format("folder '{}' does not exist", d.dir.string()));
    for (const char* f : data::kFashionMnistFiles)
      if (!fs::is_regular_file(d.dir / f, ec)) field_error(o.sub("dir"), fmt::format("'{}' has no file {}", d.dir.string(), f));
    parse_images(o, d, {0.2860f}, {0.3530f});  // Fashion-MNIST train-set pixel mean and sd
    parse_limits(o, d);
  } else if (d.kind == "idx") {
    d.train_images = existing_file(o, "train_images", base);
    d.train_labels = existing_file(o, "train_labels", base);
    d.test_images = existing_file(o, "test_images", base);
    d.test_labels = existing_file(o, "test_labels", base);
    d.classes = static_cast<int>(o.integer("classes", 10, 2, 100000, "2..100000"));
    parse_images(o, d, {0.0f}, {1.0f});
    parse_limits(o, d);
  } else if (d.kind == "digits") {
    d.path = existing_file(o, "path", base, fs::path(data::kDigitsPath));
    d.test_fraction = o.num("test_fraction", 0.2, [](double x) { return x >= 0 && x < 1; }, "0 <= test_fraction < 1");
    parse_limits(o, d);
  } else if (d.kind == "cifar10") {
    for (auto [key, out] : {std::pair{"train_files", &d.train_files}, std::pair{"test_files", &d.test_files}}) {
      const auto& a = array_at(o.at(key), o.sub(key));
      if (a.empty()) field_error(o.sub(key), "empty (allowed: one or more CIFAR-10 .bin files)");
      for (std::size_t i = 0; i < a.size(); ++i) {
        const std::string p = fmt::format("{}[{}]", o.sub(key), i);
        const fs::path f = resolve(Obj::str_value(a[i], p), base);
        std::error_code ec;
        if (!fs::is_regular_file(f, ec)) field_error(p, fmt::format("file '{}' does not exist or is not a regular file", f.string()));
        out->push_back(f);
      }
    }
    parse_images(o, d, {0.4914f, 0.4822f, 0.4465f}, {0.2470f, 0.2435f, 0.2616f});
    parse_limits(o, d);
  } else if (d.kind == "xsinx" || d.kind == "piecewise-constant") {
    auto& r = d.regression;
    r.n = static_cast<int>(o.integer("n", 20, 1, big, "n >= 1"));
    d.test_n = o.integer("test_n", 0, 0, big, "test_n >= 0");
    r.x_min = o.num("x_min", 0.0, any, "finite");
    r.x_max = o.num("x_max", 10.0, [&](double x) { return x > r.x_min; }, "x_max > x_min");
    r.noise_sd = o.num("noise_sd", 1.0, nonneg, "noise_sd >= 0");
    r.grid = o.boolean("grid", false);
  } else if (d.kind == "teacher") {
    auto& t = d.teacher;
    t.n = static_cast<int>(o.integer("n", 1000, 1, big, "n >= 1"));
    d.test_n = o.integer("test_n", 0, 0, big, "test_n >= 0");
    t.in = static_cast<int>(o.integer("in", 10, 1, kMaxWidth, "in >= 1"));
    t.out = static_cast<int>(o.integer("out", 1, 1, kMaxWidth, "out >= 1"));
    if (o.has("hidden")) {
      const auto& h = array_at(o.at("hidden"), o.sub("hidden"));
      t.hidden.clear();
      for (std::size_t i = 0; i < h.size(); ++i)
        t.hidden.push_back(static_cast<int>(Obj::int_value(h[i], fmt::format("{}[{}]", o.sub("hidden"), i), 1, kMaxWidth, "width >= 1")));
    }
    t.noise_sd = o.num("noise_sd", 0.1, nonneg, "noise_sd >= 0");
    t.classify = o.boolean("classify", false);
    if (t.classify && t.out < 2) field_error(o.sub("out"), fmt::format("value {} is out of range (allowed: out >= 2 when classify)", t.out));
  } else if (d.kind == "separable") {
    auto& s = d.separable;
    s.n = static_cast<int>(o.integer("n", 200, 1, big, "n >= 1"));
    d.test_n = o.integer("test_n", 0, 0, big, "test_n >= 0");
    s.dim = static_cast<int>(o.integer("dim", 2, 1, kMaxWidth, "dim >= 1"));
    s.classes = static_cast<int>(o.integer("classes", 2, 2, 100000, "2..100000"));
    s.separation = o.num("separation", 4.0, positive, "separation > 0");
    s.margin = o.num("margin", 0.5, nonneg, "margin >= 0");
  }
  o.done();
  return d;
}

OptimizerSpec parse_optimizer(const nlohmann::json& v) {
  Obj o(v, "optimizer");
  OptimizerSpec s;
  const std::string type = o.choice("type", "sgd", {"sgd", "adam"}, "optimizer");
  if (type == "sgd") {
    s.type = OptimizerSpec::Type::Sgd;
    auto& g = s.sgd;
    g.lr = o.num_required("lr", positive, "lr > 0");
    g.momentum = o.num("momentum", 0.0, [](double x) { return x >= 0 && x < 1; }, "0 <= momentum < 1");
    g.dampening = o.num("dampening", 0.0, [](double x) { return x >= 0 && x <= 1; }, "0 <= dampening <= 1");
    g.weight_decay = o.num("weight_decay", 0.0, nonneg, "weight_decay >= 0");
    g.nesterov = o.boolean("nesterov", false);
    g.decay_non_weights = o.boolean("decay_non_weights", true);
    if (g.nesterov && !(g.momentum > 0 && g.dampening == 0))
      field_error(o.sub("nesterov"), fmt::format("needs momentum > 0 and dampening = 0, got momentum {}, dampening {}", g.momentum, g.dampening));
  } else {
    s.type = OptimizerSpec::Type::Adam;
    auto& a = s.adam;
    a.lr = o.num("lr", 1e-3, positive, "lr > 0");
    a.beta1 = o.num("beta1", 0.9, [](double x) { return x >= 0 && x < 1; }, "0 <= beta1 < 1");
    a.beta2 = o.num("beta2", 0.999, [](double x) { return x >= 0 && x < 1; }, "0 <= beta2 < 1");
    a.eps = o.num("eps", 1e-8, positive, "eps > 0");
    a.weight_decay = o.num("weight_decay", 0.0, nonneg, "weight_decay >= 0");
    a.decay_non_weights = o.boolean("decay_non_weights", true);
  }
  o.done();
  return s;
}

ScheduleSpec parse_schedule(const nlohmann::json& v) {
  Obj o(v, "schedule");
  ScheduleSpec s;
  const std::string type = o.choice("type", "constant", {"constant", "step", "multistep"}, "schedule");
  if (type == "step") {
    s.type = ScheduleSpec::Type::Step;
    s.step_size = static_cast<int>(o.integer("step_size", 30, 1, 1000000, "step_size >= 1"));
    s.gamma = o.num("gamma", 0.1, positive, "gamma > 0");
  } else if (type == "multistep") {
    s.type = ScheduleSpec::Type::MultiStep;
    const auto& m = array_at(o.at("milestones"), o.sub("milestones"));
    for (std::size_t i = 0; i < m.size(); ++i) {
      const std::string p = fmt::format("{}[{}]", o.sub("milestones"), i);
      const long e = Obj::int_value(m[i], p, 1, 1000000, "an epoch >= 1");
      if (!s.milestones.empty() && e <= s.milestones.back())
        field_error(p, fmt::format("value {} is not above the previous milestone {} (allowed: strictly increasing)", e, s.milestones.back()));
      s.milestones.push_back(static_cast<int>(e));
    }
    s.gamma = o.num("gamma", 0.1, positive, "gamma > 0");
  }
  o.done();
  return s;
}

RegularizerSpec parse_regularizer(const nlohmann::json& v, const std::string& path) {
  Obj o(v, path);
  RegularizerSpec s;
  s.path = path;
  auto& r = s.options;
  const std::string kind = o.choice("kind", "", {"none", "l2", "l1", "tl1", "group-lasso", "sparse-group-lasso", "cges", "integrated-tl1"},
                                    "regularizer");
  r.kind = regularize::kind_from_string(kind);
  r.lambda = o.num_required("lambda", nonneg, "lambda >= 0");
  r.a = o.num("a", 1.0, positive, "a > 0");
  const auto unit = [](double x) { return x >= 0 && x <= 1; };
  if (o.has("mu") && o.has("mu_linear")) field_error(o.sub("mu_linear"), "give either mu or mu_linear, not both");
  if (o.has("mu")) {
    const auto& m = o.at("mu");
    r.mu.clear();
    if (m.is_array()) {
      if (m.empty()) field_error(o.sub("mu"), "empty (allowed: one value or one per weight layer, each in [0, 1])");
      for (std::size_t i = 0; i < m.size(); ++i) r.mu.push_back(Obj::num_value(m[i], fmt::format("{}[{}]", o.sub("mu"), i), unit, "0 <= mu <= 1"));
    } else {
      r.mu.push_back(Obj::num_value(m, o.sub("mu"), unit, "0 <= mu <= 1"));
    }
  }
  if (o.has("mu_linear")) {
    const auto& m = array_at(o.at("mu_linear"), o.sub("mu_linear"));
    if (m.size() != 2) field_error(o.sub("mu_linear"), "expected [mu_first, mu_last], got " + show(m));
    s.mu_linear = std::pair{Obj::num_value(m[0], o.sub("mu_linear") + "[0]", unit, "0 <= mu <= 1"),
                            Obj::num_value(m[1], o.sub("mu_linear") + "[1]", unit, "0 <= mu <= 1")};
  }
  r.exact_exclusive_prox = o.boolean("exact_exclusive_prox", false);
  if (o.has("layers")) {
    const auto& l = array_at(o.at("layers"), o.sub("layers"));
    if (l.empty()) field_error(o.sub("layers"), "empty (omit it to regularize every layer with weights)");
    for (std::size_t i = 0; i < l.size(); ++i)
      s.layers.push_back(static_cast<int>(Obj::int_value(l[i], fmt::format("{}[{}]", o.sub("layers"), i), 0, 1000000, "a layer number >= 0")));
  }
  o.done();
  return s;
}

std::uint64_t parse_seed(Obj& o) {
  if (!o.has("seed")) return 1;
  const auto& v = o.at("seed");
  if (!v.is_number_integer() || (v.is_number_integer() && !v.is_number_unsigned() && v.get<long long>() < 0))
    field_error("seed", "expected an integer 0..18446744073709551615, got " + show(v));
  return v.get<std::uint64_t>();
}

}  // namespace

void validate_run_fields(const TrainConfig& c) {
  if (c.epochs < 1 || c.epochs > 1000000) field_error("epochs", fmt::format("value {} is out of range (allowed: 1..1000000)", c.epochs));
  if (c.threads < 0 || c.threads > 256) field_error("threads", fmt::format("value {} is out of range (allowed: 0 (all cores)..256)", c.threads));
  if (c.batch_size < 1) field_error("batch_size", fmt::format("value {} is out of range (allowed: batch_size >= 1)", c.batch_size));
}

TrainConfig parse_config(const nlohmann::json& j, const fs::path& base_dir) {
  Obj o(j, "");
  TrainConfig c;
  o.str("description", "");
  {
    Obj m(o.at("model"), "model");
    c.model.input = parse_shape(m.at("input"), "model.input");
    c.model.layers = parse_layers(m.at("layers"), "model.layers");
    m.done();
  }
  c.data = parse_data(o.at("data"), base_dir);
  if (o.has("loss")) {
    const std::string l = o.choice("loss", "", {"cross-entropy", "mse"}, "loss");
    c.loss = l == "mse" ? LossKind::MeanSquaredError : LossKind::CrossEntropy;
  }
  c.optimizer = parse_optimizer(o.at("optimizer"));
  if (o.has("schedule")) c.schedule = parse_schedule(o.at("schedule"));
  if (o.has("regularizer")) {
    const auto& r = o.at("regularizer");
    if (r.is_array()) {
      for (std::size_t i = 0; i < r.size(); ++i) c.regularizers.push_back(parse_regularizer(r[i], fmt::format("regularizer[{}]", i)));
    } else {
      c.regularizers.push_back(parse_regularizer(r, "regularizer"));
    }
  }
  if (o.has("gcsr")) {
    Obj g(o.at("gcsr"), "gcsr");
    auto& go = c.gcsr.options;
    go.mode = regularize::gcsr_mode_from_string(g.choice("mode", "always", {"always", "delayed", "gated"}, "gcsr mode"));
    go.gamma = static_cast<int>(g.integer("gamma", 5, 0, 1000000, "gamma >= 0 (first regularized epoch, from 0)"));
    go.mu = g.num("mu", 0.5, [](double x) { return x >= 0 && x < 1; }, "0 <= mu < 1");
    c.gcsr.log_pi = g.boolean("log_pi", false);
    g.done();
    if (go.mode != regularize::GcsrMode::Always && c.regularizers.empty())
      field_error("gcsr.mode", "delayed or gated regularization needs a regularizer (none given)");
    if (go.mode == regularize::GcsrMode::Gated || c.gcsr.log_pi) {
      using regularize::Kind;
      if (c.regularizers.size() != 1 || (c.regularizers[0].options.kind != Kind::L1 && c.regularizers[0].options.kind != Kind::L2))
        field_error(go.mode == regularize::GcsrMode::Gated ? "gcsr.mode" : "gcsr.log_pi",
                    fmt::format("{} needs exactly one regularizer of kind l1 or l2 (pi uses its dOmega/dw, gcsr eq. 9)",
                                go.mode == regularize::GcsrMode::Gated ? "gated" : "log_pi"));
      c.gcsr.penalty = c.regularizers[0].options.kind == Kind::L1 ? theory::gcsr::Penalty::L1 : theory::gcsr::Penalty::L2;
    }
  }
  if (o.has("variance_probe")) {
    Obj v(o.at("variance_probe"), "variance_probe");
    const long n_layers = static_cast<long>(c.model.layers.size());
    c.variance_probe.layer = static_cast<int>(
        v.integer("layer", -1, 0, std::max(0L, n_layers - 1), fmt::format("0..{} (an index into model.layers)", n_layers - 1)));
    if (c.variance_probe.layer < 0) field_error("variance_probe.layer", "missing (allowed: an index into model.layers)");
    c.variance_probe.examples = v.integer("examples", 512, 2, 1000000, "2..1000000");
    v.done();
  }
  if (o.has("predictions")) {
    Obj v(o.at("predictions"), "predictions");
    c.predictions.examples = v.integer("examples", 0, 1, 1000000, "1..1000000");
    if (c.predictions.examples == 0) field_error("predictions.examples", "missing (required)");
    v.done();
  }
  if (o.has("bootstrap")) {
    Obj v(o.at("bootstrap"), "bootstrap");
    c.bootstrap_member = v.integer("member", -1, 0, 1000000, "0..1000000");
    if (c.bootstrap_member < 0) field_error("bootstrap.member", "missing (required)");
    v.done();
  }
  if (o.has("dropout_inference")) {
    Obj v(o.at("dropout_inference"), "dropout_inference");
    const nlohmann::json& s = v.at("samples");
    if (!s.is_array() || s.empty()) field_error("dropout_inference.samples", "expected a non-empty array of sample counts, got " + s.dump());
    for (std::size_t i = 0; i < s.size(); ++i) {
      const long n = Obj::int_value(s[i], fmt::format("dropout_inference.samples[{}]", i), 2, 100000, "2..100000");
      if (!c.dropout_inference.samples.empty() && n <= c.dropout_inference.samples.back())
        field_error(fmt::format("dropout_inference.samples[{}]", i), fmt::format("{} does not exceed the previous count (allowed: increasing)", n));
      c.dropout_inference.samples.push_back(n);
    }
    c.dropout_inference.examples = v.integer("examples", 512, 2, 1000000, "2..1000000");
    v.done();
  }
  if (o.has("early_stopping")) {
    Obj v(o.at("early_stopping"), "early_stopping");
    auto& es = c.early_stopping;
    es.patience = static_cast<int>(v.integer("patience", 0, 1, 1000000, "1..1000000"));
    if (es.patience == 0) field_error("early_stopping.patience", "missing (required)");
    es.every = static_cast<int>(v.integer("every", 1, 1, 1000000, "1..1000000 epochs"));
    es.validation_fraction = v.num("validation_fraction", 0.2, [](double x) { return x > 0 && x < 1; }, "0 < validation_fraction < 1");
    es.max_epochs = static_cast<int>(v.integer("max_epochs", 0, 1, 1000000, "1..1000000 (default: epochs)"));
    v.done();
  }
  if (o.has("fit_probe")) {
    Obj f(o.at("fit_probe"), "fit_probe");
    if (c.data.kind != "xsinx" && c.data.kind != "piecewise-constant")
      field_error("fit_probe", fmt::format("needs 1-D regression data (xsinx or piecewise-constant), got data.kind '{}'", c.data.kind));
    c.fit_probe.grid = f.integer("grid", 1001, 3, 1000000, "3..1000000");
    const double width = c.data.regression.x_max - c.data.regression.x_min;
    c.fit_probe.boundary = f.num("boundary", 1.0, [&](double b) { return b > 0 && 2 * b <= width; },
                                 "0 < boundary <= (x_max - x_min) / 2");
    c.fit_probe.curve = f.integer("curve", 0, 0, 1001, "0 (off) or 2..1001");
    if (c.fit_probe.curve == 1) field_error("fit_probe.curve", "1 is not allowed (0 = off, or 2..1001 points)");
    f.done();
  }
  if (o.has("init")) c.zero_init = o.choice("init", "default", {"default", "zero"}, "init") == "zero";
  c.weights_probe.enabled = o.boolean("weights_probe", false);
  c.epochs = static_cast<int>(o.integer("epochs", 10, 1, 1000000, "1..1000000"));
  c.batch_size = o.integer("batch_size", 128, 1, kMaxWidth * 64, "batch_size >= 1");
  c.eval_batch_size = o.integer("eval_batch_size", 1000, 1, kMaxWidth * 64, "eval_batch_size >= 1");
  c.shuffle = o.boolean("shuffle", true);
  c.drop_last = o.boolean("drop_last", false);
  c.seed = parse_seed(o);
  c.threads = static_cast<int>(o.integer("threads", 0, 0, 256, "0 (all cores)..256"));
  o.done();
  validate_run_fields(c);
  c.source = j;
  return c;
}

TrainConfig load_config(const fs::path& file) {
  std::ifstream in(file);
  std::error_code ec;
  if (!in || fs::is_directory(file, ec)) throw std::invalid_argument(fmt::format("--config: cannot read '{}'", file.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j;
  try {
    j = parse_without_duplicate_keys(ss.str());
  } catch (const std::invalid_argument& e) {  // a repeated key, named with its path
    throw std::invalid_argument(fmt::format("--config: '{}': {}", file.string(), e.what()));
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range.406 for a number such as 1e999
    // e.what() is one line: "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
    throw std::invalid_argument(fmt::format("--config: '{}' is not valid JSON: {}", file.string(), e.what()));
  }
  return parse_config(j, file.parent_path());
}

}  // namespace regcheck::nets::train
