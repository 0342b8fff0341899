// The finite-difference gradient check (nets/gradcheck.hpp) on every layer and both losses.
// Each layer is wrapped in a Sequential<double> with the loss L = sum(R .* y), R a fixed random
// matrix, so every entry of the Jacobian-vector product is exercised; parameters and the input
// are both checked. Tolerances: see nets/gradcheck.hpp (1e-6 relative, error budget ~1e-10).
#include "nets/gradcheck.hpp"
#include "nets/nets.hpp"
#include "sim/rng.hpp"

#include <gtest/gtest.h>

using namespace regcheck::nets;
using regcheck::sim::Stream;

namespace {

Act<double> random_act(Eigen::Index n, Eigen::Index d, std::uint64_t key, double margin = 0.0) {
  Stream s(7, key, 0);
  Act<double> a(n, d);
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    double v = s.normal();
    // Keep |v| >= margin so a step h never crosses the kink of ReLU-like layers at 0.
    if (margin > 0 && std::abs(v) < margin) v = v < 0 ? v - margin : v + margin;
    a.data()[i] = v;
  }
  return a;
}

LossFn projection_loss(const Act<double>& R) {
  return [R](const Act<double>& y, Act<double>& dy) {
    dy = R;
    return (y.array() * R.array()).sum();
  };
}

GradCheckReport check_layers(Shape in, std::vector<LayerPtr<double>> layers, bool train, Eigen::Index batch = 4,
                             double margin = 0.0, std::uint64_t key = 1) {
  Sequential<double> m(in);
  for (auto& l : layers) m.add(std::move(l));
  m.build(11);
  // Nonzero biases / BN affine so their terms matter in the check.
  for (Param<double>* p : m.params())
    if (!p->is_weight) p->value += 0.3 * random_act(p->value.rows(), p->value.cols(), key + 100).eval();
  const Act<double> x = random_act(batch, in.size(), key, margin);
  const Act<double> R = random_act(batch, m.output_shape().size(), key + 1);
  return gradcheck_model(m, x, projection_loss(R), RunContext{.train = train, .seed = 5, .step = 3});
}

template <class L, class... A>
std::vector<LayerPtr<double>> one(A&&... a) {
  std::vector<LayerPtr<double>> v;
  v.push_back(std::make_unique<L>(std::forward<A>(a)...));
  return v;
}

void expect_pass(const GradCheckReport& r) {
  EXPECT_GT(r.checked, 0u);
  EXPECT_LE(r.max_rel_error, GradCheckOptions{}.tol) << r.worst;
}

}  // namespace

TEST(NetsGradcheck, Dense) { expect_pass(check_layers({6}, one<Dense<double>>(5), true)); }
TEST(NetsGradcheck, DenseNoBias) { expect_pass(check_layers({6}, one<Dense<double>>(3, false), true)); }

TEST(NetsGradcheck, Conv3x3Padding) {
  expect_pass(check_layers({2, 5, 5}, one<Conv2d<double>>(Conv2dOptions{3, 3, 3, 1, 1}), true, 3));
}
TEST(NetsGradcheck, ConvStride2Padding1NonSquare) {
  expect_pass(check_layers({3, 7, 6}, one<Conv2d<double>>(Conv2dOptions{2, 3, 2, 2, 1}), true, 3));
}
TEST(NetsGradcheck, ConvStride3NoPadding) {
  expect_pass(check_layers({2, 8, 8}, one<Conv2d<double>>(Conv2dOptions{4, 2, 2, 3, 0}), true, 2));
}
// Max pooling: Gaussian inputs have distinct window values a.s., gaps >> h, so no argmax flips.
TEST(NetsGradcheck, MaxPool) { expect_pass(check_layers({2, 6, 6}, one<MaxPool2d<double>>(2), true)); }
TEST(NetsGradcheck, MaxPoolOverlapping) { expect_pass(check_layers({2, 7, 7}, one<MaxPool2d<double>>(3, 2), true)); }
TEST(NetsGradcheck, AvgPool) { expect_pass(check_layers({2, 6, 6}, one<AvgPool2d<double>>(2), true)); }
TEST(NetsGradcheck, AvgPoolOverlapping) { expect_pass(check_layers({1, 7, 5}, one<AvgPool2d<double>>(3, 2), true)); }
TEST(NetsGradcheck, Flatten) { expect_pass(check_layers({2, 3, 3}, one<Flatten<double>>(), true)); }
TEST(NetsGradcheck, BatchNormDenseTrain) { expect_pass(check_layers({5}, one<BatchNorm<double>>(), true, 6)); }
TEST(NetsGradcheck, BatchNormConvTrain) { expect_pass(check_layers({3, 3, 4}, one<BatchNorm<double>>(), true, 3)); }
TEST(NetsGradcheck, BatchNormEval) { expect_pass(check_layers({3, 2, 2}, one<BatchNorm<double>>(), false, 3)); }
TEST(NetsGradcheck, DropoutFixedMask) { expect_pass(check_layers({10}, one<Dropout<double>>(0.3), true, 5)); }
TEST(NetsGradcheck, ReLU) { expect_pass(check_layers({8}, one<ReLU<double>>(), true, 4, 0.01)); }
TEST(NetsGradcheck, LeakyReLU) { expect_pass(check_layers({8}, one<LeakyReLU<double>>(0.2), true, 4, 0.01)); }
TEST(NetsGradcheck, Identity) { expect_pass(check_layers({8}, one<Identity<double>>(), true)); }
TEST(NetsGradcheck, DropActivationTrainFixedMask) {
  expect_pass(check_layers({12}, one<DropActivation<double>>(0.6), true, 5, 0.01));
}
TEST(NetsGradcheck, DropActivationEval) {
  expect_pass(check_layers({12}, one<DropActivation<double>>(0.6), false, 5, 0.01));
}
TEST(NetsGradcheck, RReLUTrainFixedMask) { expect_pass(check_layers({12}, one<RReLU<double>>(), true, 5, 0.01)); }
TEST(NetsGradcheck, RReLUEval) { expect_pass(check_layers({12}, one<RReLU<double>>(), false, 5, 0.01)); }

TEST(NetsGradcheck, ResidualBlock) {
  auto r = std::make_unique<Residual<double>>();
  r->add(std::make_unique<Dense<double>>(6)).add(std::make_unique<BatchNorm<double>>()).add(std::make_unique<ReLU<double>>());
  r->add(std::make_unique<Dense<double>>(6));
  std::vector<LayerPtr<double>> v;
  v.push_back(std::move(r));
  expect_pass(check_layers({6}, std::move(v), true, 5));
}

TEST(NetsGradcheck, SmallConvNetEndToEndWithCrossEntropy) {
  Sequential<double> m(Shape{2, 6, 6});
  m.emplace<Conv2d<double>>(Conv2dOptions{3, 3, 3, 1, 1})
      .emplace<BatchNorm<double>>()
      .emplace<DropActivation<double>>(0.8)
      .emplace<AvgPool2d<double>>(2)
      .emplace<Flatten<double>>()
      .emplace<Dense<double>>(7)
      .emplace<Dropout<double>>(0.2)
      .emplace<RReLU<double>>()
      .emplace<Dense<double>>(4);
  m.build(3);
  const Act<double> x = random_act(5, m.input_shape().size(), 9);
  const std::vector<int> labels{0, 3, 1, 2, 3};
  auto loss = [&](const Act<double>& z, Act<double>& dz) { return softmax_cross_entropy<double>(z, labels, dz); };
  expect_pass(gradcheck_model(m, x, loss, RunContext{.train = true, .seed = 1, .step = 2}));
}

// The losses themselves: d loss / d output by central differences.
TEST(NetsGradcheck, SoftmaxCrossEntropy) {
  Act<double> z = 3.0 * random_act(6, 5, 21);
  const std::vector<int> labels{4, 0, 2, 2, 1, 3};
  Act<double> dz, scratch;
  softmax_cross_entropy<double>(z, labels, dz);
  const Act<double> analytic = dz;
  const GradCheckReport r = finite_difference_check(
      [&] { return softmax_cross_entropy<double>(z, labels, scratch); }, {{"logits", z.data(), analytic.data(), z.size()}});
  expect_pass(r);
}

TEST(NetsGradcheck, MeanSquaredError) {
  Act<double> y = random_act(4, 3, 22);
  const Act<double> t = random_act(4, 3, 23);
  Act<double> dy, scratch;
  mean_squared_error<double>(y, t, dy);
  const Act<double> analytic = dy;
  expect_pass(finite_difference_check([&] { return mean_squared_error<double>(y, t, scratch); },
                                      {{"output", y.data(), analytic.data(), y.size()}}));
}

// The checker must catch a wrong gradient: a deliberately halved analytic gradient fails.
TEST(NetsGradcheck, CheckerDetectsAWrongGradient) {
  Act<double> y = random_act(3, 3, 24);
  const Act<double> t = random_act(3, 3, 25);
  Act<double> dy, scratch;
  mean_squared_error<double>(y, t, dy);
  const Act<double> wrong = 0.5 * dy;
  const GradCheckReport r = finite_difference_check([&] { return mean_squared_error<double>(y, t, scratch); },
                                                    {{"output", y.data(), wrong.data(), y.size()}});
  EXPECT_FALSE(r.passed());
  EXPECT_NEAR(r.max_rel_error, 0.5, 1e-6);
}

// Errors that must be raised.
TEST(NetsGradcheck, LossMisuseThrows) {
  Act<double> z = Act<double>::Zero(2, 3), dz;
  EXPECT_THROW(softmax_cross_entropy<double>(z, std::vector<int>{0, 3}, dz), std::invalid_argument);
  EXPECT_THROW(softmax_cross_entropy<double>(z, std::vector<int>{0}, dz), std::invalid_argument);
  EXPECT_THROW(mean_squared_error<double>(z, Act<double>::Zero(3, 2), dz), std::invalid_argument);
}
