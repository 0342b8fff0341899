// Model and data construction from a TrainConfig.
#include "nets/train/build.hpp"

#include "nets/data/cifar.hpp"
#include "nets/data/digits.hpp"
#include "nets/data/idx.hpp"
#include "nets/data/split.hpp"
#include "nets/data/synthetic.hpp"
#include "nets/nets.hpp"
#include "nets/train/json_reader.hpp"

#include <numeric>

namespace regcheck::nets::train {

LayerPtr<float> make_layer(const LayerSpec& s) {
  using T = float;
  if (s.type == "dense") return std::make_unique<Dense<T>>(s.out, s.bias);
  if (s.type == "conv2d")
    return std::make_unique<Conv2d<T>>(Conv2dOptions{.out_channels = s.out, .kernel_h = s.kernel_h, .kernel_w = s.kernel_w,
                                                     .stride = s.stride, .padding = s.padding, .bias = s.bias});
  if (s.type == "maxpool") return std::make_unique<MaxPool2d<T>>(s.pool, s.pool_stride);
  if (s.type == "avgpool") return std::make_unique<AvgPool2d<T>>(s.pool, s.pool_stride);
  if (s.type == "flatten") return std::make_unique<Flatten<T>>();
  if (s.type == "batchnorm") return std::make_unique<BatchNorm<T>>(s.momentum, s.eps);
  if (s.type == "dropout") return std::make_unique<Dropout<T>>(s.p);
  if (s.type == "relu") return std::make_unique<ReLU<T>>();
  if (s.type == "leaky_relu") return std::make_unique<LeakyReLU<T>>(s.slope);
  if (s.type == "drop_activation") return std::make_unique<DropActivation<T>>(s.p);
  if (s.type == "rrelu") return std::make_unique<RReLU<T>>(s.lower, s.upper);
  if (s.type == "identity") return std::make_unique<Identity<T>>();
  if (s.type == "residual") {
    auto r = std::make_unique<Residual<T>>();
    for (const LayerSpec& b : s.branch) r->add(make_layer(b));
    return r;
  }
  field_error(s.path + ".type", fmt::format("unknown layer '{}' (allowed: {})", s.type, join(layer_types())));
}

std::unique_ptr<Sequential<float>> build_model(const ModelSpec& spec, std::uint64_t seed) {
  // Probe the shapes layer by layer first, so that an error names the config path of the layer
  // (Sequential::build would only name the layer number).
  Shape shape = spec.input;
  int next = 0;
  for (const LayerSpec& s : spec.layers) {
    LayerPtr<float> probe = make_layer(s);
    next = probe->assign_indices(next);
    try {
      shape = probe->setup(shape);
    } catch (const std::invalid_argument& e) {
      field_error(s.path, e.what());
    }
  }
  auto m = std::make_unique<Sequential<float>>(spec.input);
  for (const LayerSpec& s : spec.layers) m->add(make_layer(s));
  m->build(seed);
  return m;
}

namespace {

Dataset first(const Dataset& ds, long limit) {
  if (limit <= 0 || limit >= ds.size()) return ds;
  std::vector<Eigen::Index> idx(static_cast<std::size_t>(limit));
  std::iota(idx.begin(), idx.end(), Eigen::Index{0});
  return data::subset(ds, idx);
}

// Splits a generated set of n + test_n examples into the first n (train) and the rest (test).
TrainData split_generated(const Dataset& all, long n) {
  std::vector<Eigen::Index> a(static_cast<std::size_t>(n)), b(static_cast<std::size_t>(all.size() - n));
  std::iota(a.begin(), a.end(), Eigen::Index{0});
  std::iota(b.begin(), b.end(), Eigen::Index{n});
  return {data::subset(all, a), data::subset(all, b)};
}

data::ImageOptions image_options(const DataSpec& s) { return {s.normalize, s.mean, s.stddev}; }

std::vector<std::string> strings(const std::vector<std::filesystem::path>& p) {
  std::vector<std::string> out;
  for (const auto& x : p) out.push_back(x.string());
  return out;
}

TrainData load_unchecked(const DataSpec& s, std::uint64_t seed) {
  TrainData d;
  if (s.kind == "fashion-mnist") {
    d.train = data::load_fashion_mnist(data::Split::Train, image_options(s), s.dir.string());
    d.test = data::load_fashion_mnist(data::Split::Test, image_options(s), s.dir.string());
  } else if (s.kind == "idx") {
    d.train = data::load_idx_dataset(s.train_images.string(), s.train_labels.string(), s.classes, image_options(s), "idx-train");
    d.test = data::load_idx_dataset(s.test_images.string(), s.test_labels.string(), s.classes, image_options(s), "idx-test");
  } else if (s.kind == "cifar10") {
    d.train = data::load_cifar10(strings(s.train_files), image_options(s));
    d.test = data::load_cifar10(strings(s.test_files), image_options(s));
  } else if (s.kind == "digits") {
    const Dataset all = data::load_digits({}, s.path.string());
    auto [train, test] = data::train_val_split(all, s.test_fraction, seed);
    d.train = std::move(train);
    d.test = std::move(test);
  } else if (s.kind == "xsinx" || s.kind == "piecewise-constant") {
    data::Regression1dOptions o = s.regression;
    o.n = static_cast<int>(s.regression.n + s.test_n);
    d = split_generated(s.kind == "xsinx" ? data::make_xsinx(seed, o) : data::make_piecewise_constant(seed, o), s.regression.n);
  } else if (s.kind == "teacher") {
    data::TeacherOptions o = s.teacher;
    o.n = static_cast<int>(s.teacher.n + s.test_n);
    d = split_generated(data::make_teacher(seed, o), s.teacher.n);
  } else if (s.kind == "separable") {
    data::SeparableOptions o = s.separable;
    o.n = static_cast<int>(s.separable.n + s.test_n);
    d = split_generated(data::make_separable(seed, o), s.separable.n);
  } else {
    field_error("data.kind", "unknown data kind '" + s.kind + "'");
  }
  d.train = first(d.train, s.train_limit);
  d.test = first(d.test, s.test_limit);
  return d;
}

}  // namespace

TrainData load_data(const DataSpec& s, std::uint64_t seed) {
  // A malformed data file (wrong magic, truncated, bad label) is a bad input of the run: report
  // it as std::invalid_argument naming the data field, like every other config problem.
  try {
    TrainData d = load_unchecked(s, seed);
    if (d.train.size() == 0) field_error("data", "the training set is empty");
    return d;
  } catch (const std::runtime_error& e) {
    field_error("data", fmt::format("{} data could not be loaded: {}", s.kind, e.what()));
  }
}

LossKind check_model_fits_data(const ModelSpec& spec, const Sequential<float>& m, const TrainData& d,
                               std::optional<LossKind> loss) {
  const Eigen::Index features = d.train.x.cols();
  if (spec.input.size() != features)
    field_error("model.input", fmt::format("shape {} has {} features but the {} data have {} per example", spec.input.str(),
                                           spec.input.size(), d.train.name, features));
  const Eigen::Index out = m.output_shape().size();
  const LossKind kind = loss.value_or(d.classification() ? LossKind::CrossEntropy : LossKind::MeanSquaredError);
  if (kind == LossKind::CrossEntropy) {
    if (!d.classification()) field_error("loss", "cross-entropy needs labelled data, but the data are a regression task (use mse)");
    if (out != d.train.classes)
      field_error("model.layers", fmt::format("the model's output has {} features but the data have {} classes", out, d.train.classes));
  } else {
    if (d.classification()) field_error("loss", "mse needs regression targets, but the data are labelled classes (use cross-entropy)");
    if (out != d.train.y.cols())
      field_error("model.layers", fmt::format("the model's output has {} features but the targets have {}", out, d.train.y.cols()));
  }
  return kind;
}

}  // namespace regcheck::nets::train
