// Layer semantics: the fast conv against the direct-loop reference, pooling on known inputs,
// PyTorch's batch-norm running statistics, masks of the stochastic layers, initialization,
// losses, metrics, the variance hook; ends with the shape errors that must be raised.
#include "nets/layers/conv2d_reference.hpp"
#include "nets/nets.hpp"
#include "sim/rng.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace regcheck::nets;

namespace {

template <class T>
Act<T> randn(Eigen::Index n, Eigen::Index d, std::uint64_t key) {
  regcheck::sim::Stream s(17, key, 0);
  Act<T> a(n, d);
  for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = static_cast<T>(s.normal());
  return a;
}

// Fast im2col+GEMM conv vs the direct loops. Both sum the same K = Cin*kh*kw products in
// different orders, so |fast - ref| <= 2 K eps sum|w x| (standard dot-product error bound
// applied to both); we use scale = K * max|w| * max|x| * K as sum|w x| bound.
template <class T>
void conv_matches_reference(Conv2dOptions o, Shape in, Eigen::Index N) {
  Sequential<T> m(in);
  m.template emplace<Conv2d<T>>(o);
  m.build(3);
  auto& conv = static_cast<Conv2d<T>&>(m.layer(0));
  const ConvGeometry g = conv.geometry();
  const Act<T> x = randn<T>(N, in.size(), 1);
  const Act<T> y = m.forward(x, {});
  const Act<T> yr = reference::conv2d_forward<T>(x, conv.weight().value, conv.bias().value, g);
  const double K = static_cast<double>(g.ckk()), eps = std::numeric_limits<T>::epsilon();
  const double bound = 2 * K * eps * K * conv.weight().value.cwiseAbs().maxCoeff() * x.cwiseAbs().maxCoeff() + 4 * eps;
  EXPECT_LE((y - yr).cwiseAbs().maxCoeff(), bound);
  const Act<T> dy = randn<T>(N, y.cols(), 2);
  m.zero_grad();
  const Act<T> dx = m.backward(dy, true);
  Mat<T> dW = Mat<T>::Zero(g.cout, g.ckk()), db = Mat<T>::Zero(g.cout, 1);
  const Act<T> dxr = reference::conv2d_backward<T>(x, conv.weight().value, dy, g, dW, db);
  // dW and db sum over N*Ho*Wo terms: bound 2 M eps sum|terms| with M the count.
  const double M = static_cast<double>(N * g.hw_out());
  const double bw = 2 * M * eps * M * dy.cwiseAbs().maxCoeff() * x.cwiseAbs().maxCoeff();
  EXPECT_LE((conv.weight().grad - dW).cwiseAbs().maxCoeff(), bw);
  EXPECT_LE((conv.bias().grad - db).cwiseAbs().maxCoeff(), 2 * M * eps * M * dy.cwiseAbs().maxCoeff());
  EXPECT_LE((dx - dxr).cwiseAbs().maxCoeff(), bound * dy.cwiseAbs().maxCoeff());
  EXPECT_GT(dW.cwiseAbs().maxCoeff(), 0);  // non-vacuous
}

}  // namespace

TEST(NetsLayers, ConvFastMatchesDirectLoops) {
  conv_matches_reference<double>({3, 3, 3, 1, 1}, {2, 6, 6}, 3);
  conv_matches_reference<double>({4, 3, 2, 2, 1}, {3, 7, 6}, 2);
  conv_matches_reference<double>({2, 5, 5, 3, 2}, {1, 9, 9}, 2);
  conv_matches_reference<double>({2, 1, 1, 1, 0}, {3, 4, 4}, 2);
  conv_matches_reference<float>({8, 3, 3, 1, 1}, {4, 10, 10}, 19);  // > 2 reduction chunks
  conv_matches_reference<float>({5, 4, 4, 2, 0}, {2, 11, 11}, 9);
}

// The same-width stride-1 im2col / col2im (one shifted contiguous copy per kernel offset) against
// the general per-element loops, bit for bit, on random inputs with signed zeros, over chunked
// layouts (ld > Ho*Wo) and geometries where some kernel offsets see no valid row or column
// (5x5 kernel with padding 2 on a 2-wide image). col2im accumulates into a random dx, as the
// chunk loop does across examples, except that the real dx starts at +0 (see col2im_add).
template <class T>
void im2col_paths_agree(ConvGeometry g, Eigen::Index ld_extra) {
  ASSERT_TRUE(same_width_stride1(g));
  const Eigen::Index K = g.ckk(), Q = g.hw_out(), ld = Q + ld_extra, npix = static_cast<Eigen::Index>(g.cin) * g.h * g.w;
  Act<T> x = randn<T>(1, npix, 11);
  for (Eigen::Index i = 0; i < x.size(); i += 5) x.data()[i] = T(-0.0);
  Act<T> fast = Act<T>::Constant(K, ld, T(7)), general = Act<T>::Constant(K, ld, T(7));
  im2col(x.data(), g, fast.data(), ld);
  im2col_general(x.data(), g, general.data(), ld);
  EXPECT_EQ(0, std::memcmp(fast.data(), general.data(), sizeof(T) * static_cast<std::size_t>(fast.size())));
  Act<T> cols = randn<T>(K, ld, 12), dx_fast = Act<T>::Zero(1, npix), dx_general = Act<T>::Zero(1, npix);
  for (Eigen::Index i = 0; i < cols.size(); i += 3) cols.data()[i] = T(-0.0);
  Act<T> cols_copy = cols;  // col2im_add overwrites the padding entries of its scratch
  col2im_add(cols_copy.data(), g, dx_fast.data(), ld);
  col2im_add_general(cols.data(), g, dx_general.data(), ld);
  EXPECT_EQ(0, std::memcmp(dx_fast.data(), dx_general.data(), sizeof(T) * static_cast<std::size_t>(npix)));
  EXPECT_GT(dx_fast.cwiseAbs().maxCoeff(), 0);  // non-vacuous
}

TEST(NetsLayers, Im2colSameWidthPathBitIdenticalToGeneralLoops) {
  // {cin, h, w, cout, kh, kw, s, p, ho, wo}
  im2col_paths_agree<float>({1, 28, 28, 16, 3, 3, 1, 1, 28, 28}, 0);
  im2col_paths_agree<float>({3, 7, 7, 4, 3, 3, 1, 1, 7, 7}, 13);
  im2col_paths_agree<double>({2, 5, 2, 3, 5, 5, 1, 2, 5, 2}, 4);
  im2col_paths_agree<double>({2, 4, 6, 3, 1, 1, 1, 0, 4, 6}, 0);
  im2col_paths_agree<double>({1, 6, 5, 2, 3, 5, 1, 2, 8, 5}, 1);  // padding 2 on a 3-row kernel: taller output
}

TEST(NetsLayers, ConvOutputShape) {
  Sequential<float> m(Shape{3, 32, 32});
  m.emplace<Conv2d<float>>(Conv2dOptions{16, 5, 3, 2, 1});
  m.build(0);
  EXPECT_EQ(m.output_shape(), (Shape{16, 15, 16}));  // (32+2-5)/2+1 = 15, (32+2-3)/2+1 = 16
}

TEST(NetsLayers, PoolingOnKnownInput) {
  Sequential<double> mx(Shape{1, 4, 4}), av(Shape{1, 4, 4});
  mx.emplace<MaxPool2d<double>>(2);
  av.emplace<AvgPool2d<double>>(2);
  mx.build(0);
  av.build(0);
  Act<double> x(1, 16);
  for (int i = 0; i < 16; ++i) x(0, i) = (i * 7) % 16;  // 0 7 14 5 / 12 3 10 1 / 8 15 6 13 / 4 11 2 9
  const Act<double> ym = mx.forward(x, {}), ya = av.forward(x, {});
  EXPECT_EQ(ym, (Act<double>(1, 4) << 12, 14, 15, 13).finished());
  EXPECT_EQ(ya, (Act<double>(1, 4) << 5.5, 7.5, 9.5, 7.5).finished());
  const Act<double> dx = mx.backward(Act<double>::Ones(1, 4), true);
  EXPECT_EQ(dx.sum(), 4.0);
  EXPECT_EQ(dx(0, 4), 1.0);   // 12 at (1,0)
  EXPECT_EQ(dx(0, 2), 1.0);   // 14 at (0,2)
  EXPECT_EQ(dx(0, 9), 1.0);   // 15 at (2,1)
  EXPECT_EQ(dx(0, 11), 1.0);  // 13 at (2,3)
}

// The 2x2 / stride-2 average pooling fast path against the general window loops it replaces
// (issue 13): bit-identical outputs and input gradients, including odd heights and widths (the
// last row / column lies in no window), signed zeros and float and double. Inputs are N(0, 1)
// with some entries set to -0 and +0, and dy likewise: the paths must agree on the sign of zero.
template <class T>
void avgpool_fast_matches_general(Shape in, Eigen::Index N) {
  Sequential<T> fast(in), general(in);
  fast.template emplace<AvgPool2d<T>>(2);
  general.template emplace<AvgPool2d<T>>(2);
  fast.build(0);
  general.build(0);
  static_cast<AvgPool2d<T>&>(general.layer(0)).use_general_loops(true);
  Act<T> x = randn<T>(N, in.size(), 5);
  for (Eigen::Index i = 0; i < x.size(); i += 7) x.data()[i] = (i % 2) ? T(-0.0) : T(0.0);
  const Act<T> yf = fast.forward(x, {.train = true}), yg = general.forward(x, {.train = true});
  ASSERT_EQ(yf.rows(), yg.rows());
  ASSERT_EQ(yf.cols(), yg.cols());
  EXPECT_EQ(0, std::memcmp(yf.data(), yg.data(), sizeof(T) * static_cast<std::size_t>(yf.size()))) << in.str();
  Act<T> dy = randn<T>(N, yf.cols(), 6);
  for (Eigen::Index i = 3; i < dy.size(); i += 5) dy.data()[i] = T(-0.0);
  const Act<T> dxf = fast.backward(dy, true), dxg = general.backward(dy, true);
  ASSERT_EQ(dxf.size(), dxg.size());
  EXPECT_EQ(0, std::memcmp(dxf.data(), dxg.data(), sizeof(T) * static_cast<std::size_t>(dxf.size()))) << in.str();
  EXPECT_GT(dxf.cwiseAbs().maxCoeff(), 0);  // non-vacuous
}

TEST(NetsLayers, AvgPoolFastPathBitIdenticalToGeneralLoops) {
  avgpool_fast_matches_general<float>({16, 28, 28}, 3);
  avgpool_fast_matches_general<float>({3, 7, 5}, 2);
  avgpool_fast_matches_general<double>({2, 6, 9}, 2);
  avgpool_fast_matches_general<double>({1, 2, 2}, 4);
}

// PyTorch semantics: running_mean <- 0.9 rm + 0.1 mean, running_var <- 0.9 rv + 0.1 unbiased var;
// normalization by the biased variance; eval uses the running averages.
TEST(NetsLayers, BatchNormRunningStatsLikePytorch) {
  Sequential<double> m(Shape{2, 3, 1});
  m.emplace<BatchNorm<double>>();
  m.build(0);
  const Act<double> x = 2.0 + 3.0 * randn<double>(4, 6, 5).array();
  const Act<double> y = m.forward(x, {.train = true});
  auto& bn = static_cast<BatchNorm<double>&>(m.layer(0));
  for (int c = 0; c < 2; ++c) {
    const Eigen::VectorXd v = Eigen::Map<const Eigen::VectorXd>(Act<double>(x.middleCols(3 * c, 3).transpose()).data(), 12);
    const double mean = v.mean(), var = (v.array() - mean).square().sum() / 12.0;
    EXPECT_NEAR(bn.running_mean()(c), 0.1 * mean, 1e-13);
    EXPECT_NEAR(bn.running_var()(c), 0.9 + 0.1 * var * 12.0 / 11.0, 1e-13);
    EXPECT_NEAR(y(1, 3 * c + 2), (x(1, 3 * c + 2) - mean) / std::sqrt(var + 1e-5), 1e-12);
  }
  const Act<double> ye = m.forward(x, {.train = false});
  EXPECT_NEAR(ye(0, 4), (x(0, 4) - bn.running_mean()(1)) / std::sqrt(bn.running_var()(1) + 1e-5), 1e-12);
  // Measurement passes leave the running averages alone.
  const Eigen::VectorXd rm = bn.running_mean();
  m.forward(x, {.train = true, .update_running_stats = false});
  EXPECT_EQ(bn.running_mean(), rm);
}

// Spatial size 4x5 = 20: the statistics' 8-lane sums run two full blocks and a tail of 4. In float,
// against the mean and biased variance computed here in double from the same float inputs: the
// layer accumulates in double too, so the only float rounding is the final cast (running mean
// and var, xhat): 4 float eps relative covers it with room.
TEST(NetsLayers, BatchNormLaneSumsMatchDoubleStatistics) {
  Sequential<float> m(Shape{2, 4, 5});
  m.emplace<BatchNorm<float>>();
  m.build(0);
  const Act<float> x = (1.5f + 2.0f * randn<float>(5, 40, 9).array()).matrix();
  const Act<float> y = m.forward(x, {.train = true});
  auto& bn = static_cast<BatchNorm<float>&>(m.layer(0));
  const double eps = std::numeric_limits<float>::epsilon();
  for (int c = 0; c < 2; ++c) {
    double s = 0, ss = 0;
    for (int n = 0; n < 5; ++n)
      for (int q = 0; q < 20; ++q) s += x(n, 20 * c + q);
    const double mean = s / 100.0;
    for (int n = 0; n < 5; ++n)
      for (int q = 0; q < 20; ++q) ss += (x(n, 20 * c + q) - mean) * (x(n, 20 * c + q) - mean);
    const double var = ss / 100.0;
    EXPECT_NEAR(bn.running_mean()(c), 0.1 * mean, 4 * eps * std::abs(0.1 * mean));
    EXPECT_NEAR(bn.running_var()(c), 0.9 + 0.1 * var * 100.0 / 99.0, 4 * eps * (0.9 + 0.1 * var * 100.0 / 99.0));
    const double h = (x(4, 20 * c + 19) - mean) / std::sqrt(var + 1e-5);  // the last tail element
    EXPECT_NEAR(y(4, 20 * c + 19), h, 8 * eps * (1 + std::abs(h)));
  }
  // Backward: dbeta = sum dy (dy = 1: exactly 100 per channel), dgamma = sum xhat (0 up to rounding).
  m.zero_grad();
  m.backward(Act<float>::Ones(5, 40), true);
  EXPECT_EQ(bn.beta().grad(0, 0), 100.0f);
  EXPECT_EQ(bn.beta().grad(1, 0), 100.0f);
  EXPECT_NEAR(bn.gamma().grad(0, 0), 0.0, 100 * 8 * eps);
}

TEST(NetsLayers, DropoutMaskIsInvertedAndKeyedBySeedStep) {
  Sequential<float> m(Shape{1000});
  m.emplace<Dropout<float>>(0.25);
  m.build(0);
  const Act<float> x = Act<float>::Ones(8, 1000);
  const Act<float> y1 = m.forward(x, {.train = true, .seed = 1, .step = 4});
  const double kept = (y1.array() != 0).cast<double>().mean();
  // 8000 Bernoulli(0.75): sd 0.0048; 6 sd band.
  EXPECT_NEAR(kept, 0.75, 0.03);
  EXPECT_TRUE(((y1.array() == 0) || (y1.array() == 1.0f / 0.75f)).all());
  EXPECT_EQ(y1, m.forward(x, {.train = true, .seed = 1, .step = 4}));
  EXPECT_NE(y1, m.forward(x, {.train = true, .seed = 1, .step = 5}));
  EXPECT_NE(y1, m.forward(x, {.train = true, .seed = 2, .step = 4}));
  EXPECT_EQ(m.forward(x, {.train = false}), x);
}

// Drop-Activation eq. 4 (train) and eq. 5 (eval: leaky ReLU with slope 1 - p).
TEST(NetsLayers, DropActivationTrainAndEval) {
  const double p = 0.8;
  Sequential<double> m(Shape{2000});
  m.emplace<DropActivation<double>>(p);
  m.build(0);
  Act<double> x = -Act<double>::Ones(4, 2000);
  x.col(0).setConstant(2.0);
  const Act<double> y = m.forward(x, {.train = true, .seed = 3, .step = 1});
  EXPECT_TRUE(((y.array() == 0) || (y.array() == -1) || (y.array() == 2)).all());
  EXPECT_TRUE((y.col(0).array() == 2).all());  // positives pass unchanged
  // P(kept nonlinearity) = p: zeros among the 7996 negatives ~ p (sd 0.0045; 6 sd band).
  EXPECT_NEAR((y.rightCols(1999).array() == 0).cast<double>().mean(), p, 0.03);
  const Act<double> ye = m.forward(x, {.train = false});
  EXPECT_DOUBLE_EQ(ye(0, 1), -(1 - p));
  EXPECT_DOUBLE_EQ(ye(0, 0), 2.0);
}

TEST(NetsLayers, RReLUSlopesInRangeAndMeanInEval) {
  Sequential<double> m(Shape{3000});
  m.emplace<RReLU<double>>();
  m.build(0);
  const Act<double> x = -Act<double>::Ones(2, 3000);
  const Act<double> y = m.forward(x, {.train = true, .seed = 3, .step = 1});
  EXPECT_GE((-y).minCoeff(), 1.0 / 8);
  EXPECT_LE((-y).maxCoeff(), 1.0 / 3);
  // Mean slope (1/8+1/3)/2 = 0.2292, sd of the mean of 6000 U: 0.0601/sqrt(6000) = 7.8e-4.
  EXPECT_NEAR(-y.mean(), (1.0 / 8 + 1.0 / 3) / 2, 6e-3);
  EXPECT_DOUBLE_EQ(m.forward(x, {.train = false})(0, 0), -(1.0 / 8 + 1.0 / 3) / 2);
}

TEST(NetsLayers, LeakyAndReluValues) {
  Sequential<double> m(Shape{3});
  m.emplace<LeakyReLU<double>>(0.1).emplace<ReLU<double>>();
  m.build(0);
  const Act<double> x = (Act<double>(1, 3) << -2, 0.5, 3).finished();
  EXPECT_EQ(m.forward(x, {}), (Act<double>(1, 3) << 0, 0.5, 3).finished());
  EXPECT_DOUBLE_EQ(m.output(0)(0, 0), -0.2);
}

// PyTorch default init: W, b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)); a function of the seed.
TEST(NetsLayers, InitIsPytorchDefaultAndSeeded) {
  auto make = [](std::uint64_t seed) {
    auto m = std::make_unique<Sequential<double>>(Shape{2, 10, 10});
    m->emplace<Conv2d<double>>(Conv2dOptions{50, 3, 3, 1, 0}).emplace<Flatten<double>>().emplace<Dense<double>>(400);
    m->build(seed);
    return m;
  };
  auto a = make(9), b = make(9), c = make(10);
  const auto pa = a->params(), pb = b->params(), pc = c->params();
  const double fan[] = {18, 18, 3200, 3200};
  for (std::size_t k = 0; k < pa.size(); ++k) {
    EXPECT_EQ(pa[k]->value, pb[k]->value);
    EXPECT_NE(pa[k]->value, pc[k]->value);
    const double bound = 1 / std::sqrt(fan[k]);
    EXPECT_LE(pa[k]->value.cwiseAbs().maxCoeff(), bound);
    if (pa[k]->value.size() > 1000) {  // variance of U(-b, b) is b^2/3; relative sd sqrt(0.8/n)
      const double var = pa[k]->value.array().square().mean();
      EXPECT_NEAR(var / (bound * bound / 3), 1.0, 6 * std::sqrt(0.8 / pa[k]->value.size()));
    }
  }
  EXPECT_TRUE(pa[0]->is_weight);
  EXPECT_FALSE(pa[1]->is_weight);
  EXPECT_EQ(pa[2]->layer, 2);
  EXPECT_EQ(pa[2]->name, "2.dense.weight");
}

TEST(NetsLayers, CrossEntropyStableAndExact) {
  Act<float> z(2, 3), dz;
  z << 1000, 0, -1000, 1, 2, 3;
  const std::vector<int> y{0, 1};
  const double l = softmax_cross_entropy<float>(z, y, dz);
  const double l1 = std::log(std::exp(-1.0) + 1 + std::exp(1.0));  // row 2: lse - 2
  EXPECT_TRUE(std::isfinite(l));
  EXPECT_NEAR(l, (0 + l1) / 2, 1e-6);
  EXPECT_NEAR(dz.sum(), 0.0, 1e-6);  // softmax rows sum to 1, minus one-hot
  Act<float> t = Act<float>::Zero(2, 3), dy;
  EXPECT_NEAR(mean_squared_error<float>((Act<float>(2, 3) << 1, 2, 3, 0, 0, 0).finished(), t, dy), 14.0 / 6, 1e-6);
  EXPECT_FLOAT_EQ(dy(0, 2), 2 * 3.0f / 6);
}

TEST(NetsLayers, PruningMetrics) {
  Sequential<double> m(Shape{1, 6, 6});
  m.emplace<Conv2d<double>>(Conv2dOptions{4, 3, 3, 1, 0}).emplace<Flatten<double>>().emplace<Dense<double>>(5);
  m.build(1);
  auto ps = m.params();
  ps[0]->value.row(1).setZero();   // one filter removed
  ps[0]->value(0, 0) = 0;          // one more zero weight
  ps[2]->value.row(4).setZero();   // one neuron removed
  const double wtotal = 4 * 9 + 5 * 64, zeros = 9 + 1 + 64;
  EXPECT_DOUBLE_EQ(weight_sparsity(ps), zeros / wtotal);
  EXPECT_EQ(neurons_removed(ps), 2);
  // Per layer (hand counts): conv 4 filters of 9, one removed, one more zero among the 27 surviving
  // entries; dense 5 neurons of 64 inputs, one removed, the 256 surviving entries nonzero.
  const auto ls = layer_sparsity(ps);
  ASSERT_EQ(ls.size(), 2u);
  EXPECT_EQ(ls[0].layer, 0);
  EXPECT_EQ(ls[0].neurons, 4);
  EXPECT_EQ(ls[0].neurons_removed, 1);
  EXPECT_DOUBLE_EQ(ls[0].sparsity, 10.0 / 36);
  EXPECT_DOUBLE_EQ(ls[0].surviving_sparsity, 1.0 / 27);
  EXPECT_EQ(ls[1].layer, 2);
  EXPECT_EQ(ls[1].neurons_removed, 1);
  EXPECT_DOUBLE_EQ(ls[1].sparsity, 64.0 / 320);
  EXPECT_DOUBLE_EQ(ls[1].surviving_sparsity, 0.0);
  const LayerCost c = network_cost(m);
  EXPECT_DOUBLE_EQ(c.params, 4 * 9 + 4 + 5 * 64 + 5);
  EXPECT_DOUBLE_EQ(c.params_pruned, (36 - 10) + 3 + (320 - 64) + 4);
  EXPECT_DOUBLE_EQ(c.flops, 2 * 36 * 16 + 2 * 320);
  EXPECT_DOUBLE_EQ(c.flops_pruned, 2 * 26 * 16 + 2 * 256);
  // mean |dL/dw|: a filter with zero weights still has gradients; compare with a direct mean.
  m.zero_grad();
  const Act<double> x = randn<double>(3, 36, 4);
  Act<double> dz;
  softmax_cross_entropy<double>(m.forward(x, {}), std::vector<int>{0, 1, 2}, dz);
  m.backward(dz);
  const auto g = mean_abs_grad(ps);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_DOUBLE_EQ(g[1].mean_abs_grad, ps[2]->grad.cwiseAbs().mean());
  EXPECT_EQ(g[0].layer, 0);
  // Over all weights together (gcsr fig. 2): |g| = 1 on the 36 conv weights, 4 on the 320 dense
  // weights, biases (set to 100) left out: (36 * 1 + 320 * 4) / 356 = 1316 / 356 exactly in double.
  ps[0]->grad.setConstant(1.0), ps[1]->grad.setConstant(100.0), ps[2]->grad.setConstant(-4.0), ps[3]->grad.setConstant(100.0);
  EXPECT_DOUBLE_EQ(mean_abs_grad_all(ps), 1316.0 / 356.0);
}

// The variance hook: Drop-Activation's train/eval outputs differ in variance (the quantity of its
// Property 5.2); the hook's variance equals a direct computation, and eval is deterministic.
TEST(NetsLayers, ChannelVarianceHook) {
  Sequential<double> m(Shape{2, 4, 4});
  m.emplace<Identity<double>>().emplace<DropActivation<double>>(0.5);
  m.build(0);
  const Act<double> x = randn<double>(200, 32, 8);
  const Eigen::VectorXd v0 = channel_output_variance(m, 0, x, {.train = false});
  const Act<double> c0 = x.leftCols(16);
  const double mean = c0.mean();
  EXPECT_NEAR(v0(0), (c0.array() - mean).square().mean(), 1e-12);
  const Eigen::VectorXd tr = channel_output_variance(m, 1, x, {.train = true, .seed = 1, .step = 0});
  const Eigen::VectorXd ev = channel_output_variance(m, 1, x, {.train = false});
  EXPECT_GT((tr - ev).cwiseAbs().minCoeff(), 0.01);  // train variance exceeds eval's
  EXPECT_EQ(ev, channel_output_variance(m, 1, x, {.train = false}));
}

// Errors that must be raised: shape mismatches name the layer and the shapes.
TEST(NetsLayers, ShapeErrorsNameLayerAndShapes) {
  auto expect_msg = [](auto&& f, const std::string& part) {
    try {
      f();
      ADD_FAILURE() << "no exception, expected one containing: " << part;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  expect_msg([] { Sequential<float> m(Shape{1, 8, 8}); m.emplace<Dense<float>>(3); m.build(0); },
             "layer 0 (dense): input shape (1,8,8) is not flat");
  expect_msg([] { Sequential<float> m(Shape{1, 4, 4}); m.emplace<Conv2d<float>>(Conv2dOptions{2, 5, 5, 1, 0}); m.build(0); },
             "kernel 5x5 (padding 0) does not fit input shape (1,4,4)");
  expect_msg([] { Sequential<float> m(Shape{1, 4, 4}); m.emplace<Flatten<float>>().emplace<MaxPool2d<float>>(2); m.build(0); },
             "layer 1 (maxpool2d)");
  expect_msg([] {
    Sequential<float> m(Shape{4});
    auto r = std::make_unique<Residual<float>>();
    r->add(std::make_unique<Dense<float>>(3));
    m.add(std::move(r));
    m.build(0);
  }, "maps shape (4) to (3)");
  expect_msg([] { Sequential<float> m(Shape{4}); m.emplace<Dropout<float>>(1.0); m.build(0); }, "got 1");
  expect_msg([] { Sequential<float> m(Shape{4}); m.emplace<DropActivation<float>>(1.5); m.build(0); }, "got 1.5");
  expect_msg([] { Sequential<float> m(Shape{4}); m.emplace<RReLU<float>>(0.5, 0.2); m.build(0); }, "lower 0.5 upper 0.2");
  expect_msg([] { Sequential<float> m(Shape{4}); m.emplace<Dense<float>>(0); m.build(0); }, "out_features must be positive, got 0");
  expect_msg([] { Sequential<float> m(Shape{4}); m.build(0); }, "no layers");
  expect_msg([] { Sequential<float> m(Shape{4}); m.emplace<Dense<float>>(2); Act<float> x(1, 4); m.forward(x, {}); },
             "build(seed) first");
  expect_msg([] {
    Sequential<float> m(Shape{4});
    m.emplace<BatchNorm<float>>();
    m.build(0);
    Act<float> x = Act<float>::Ones(1, 4);
    m.forward(x, {.train = true});
  }, "more than 1 value per channel");
}
