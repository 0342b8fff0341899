// Same seed, same result, for 1 or 2 threads: every layer's randomness comes from sim::Stream
// keyed by (seed, layer, step, example) and every reduction has a fixed order (nets/parallel.hpp).
// Compares whole training runs bit for bit. (The forward+backward speed of the 784-512-512-10 MLP
// is a benchmark: bench/bench_trainer.cpp, BM_mlp_forward_backward.)
#include "nets/nets.hpp"
#include "sim/rng.hpp"

#include <gtest/gtest.h>
#include <omp.h>


using namespace regcheck::nets;

namespace {

Act<float> data(Eigen::Index n, Eigen::Index d, std::uint64_t key) {
  regcheck::sim::Stream s(3, key, 0);
  Act<float> a(n, d);
  for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = static_cast<float>(s.normal());
  return a;
}

std::unique_ptr<Sequential<float>> convnet() {
  auto m = std::make_unique<Sequential<float>>(Shape{3, 12, 12});
  auto res = std::make_unique<Residual<float>>();
  res->add(std::make_unique<Conv2d<float>>(Conv2dOptions{8, 3, 3, 1, 1}))
      .add(std::make_unique<BatchNorm<float>>())
      .add(std::make_unique<RReLU<float>>());
  m->emplace<Conv2d<float>>(Conv2dOptions{8, 3, 3, 1, 1})
      .emplace<BatchNorm<float>>()
      .emplace<DropActivation<float>>(0.9)
      .add(std::move(res))
      .emplace<MaxPool2d<float>>(2)
      .emplace<Conv2d<float>>(Conv2dOptions{16, 3, 3, 2, 1})
      .emplace<AvgPool2d<float>>(3)
      .emplace<Flatten<float>>()
      .emplace<Dense<float>>(300)
      .emplace<Dropout<float>>(0.3)
      .emplace<LeakyReLU<float>>(0.1)
      .emplace<Dense<float>>(10);
  return m;
}

// Trains a few plain SGD steps and returns all parameters concatenated.
std::vector<float> train(int threads, std::unique_ptr<Sequential<float>> m, Eigen::Index batch) {
  omp_set_num_threads(threads);
  m->build(42);
  const Act<float> x = data(batch, m->input_shape().size(), 1);
  std::vector<int> labels(batch);
  for (Eigen::Index n = 0; n < batch; ++n) labels[n] = static_cast<int>(n % 10);
  Act<float> dz;
  for (std::uint64_t t = 0; t < 3; ++t) {
    m->zero_grad();
    softmax_cross_entropy<float>(m->forward(x, {.train = true, .seed = 42, .step = t}), labels, dz);
    m->backward(dz);
    for (Param<float>* p : m->params()) p->value -= 0.05f * p->grad;
  }
  std::vector<float> out;
  for (Param<float>* p : m->params()) out.insert(out.end(), p->value.data(), p->value.data() + p->value.size());
  const Act<float>& z = m->forward(x, {.train = false});
  out.insert(out.end(), z.data(), z.data() + z.size());
  omp_set_num_threads(2);
  return out;
}

std::unique_ptr<Sequential<float>> mlp() {
  auto m = std::make_unique<Sequential<float>>(Shape{784});
  m->emplace<Dense<float>>(512).emplace<ReLU<float>>().emplace<Dense<float>>(512).emplace<ReLU<float>>().emplace<Dense<float>>(10);
  return m;
}

}  // namespace

TEST(NetsThreads, ConvnetBitIdenticalFor1And2Threads) {
  const auto a = train(1, convnet(), 37), b = train(2, convnet(), 37);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_TRUE(a == b);
  EXPECT_NE(train(1, convnet(), 37), train(1, convnet(), 36));  // sanity: the run depends on its input
}

TEST(NetsThreads, MlpBitIdenticalFor1And2Threads) {
  const auto a = train(1, mlp(), 128), b = train(2, mlp(), 128);
  EXPECT_TRUE(a == b);
}

// Large enough that Eigen would have split the GEMMs between threads, with a batch that is not a
// multiple of the tile size: tiles must still be fixed by shape alone.
TEST(NetsThreads, WideNetBitIdentical) {
  auto make = [] {
    auto m = std::make_unique<Sequential<float>>(Shape{1});
    m->emplace<Dense<float>>(1000).emplace<ReLU<float>>().emplace<Dense<float>>(800).emplace<ReLU<float>>()
        .emplace<Dense<float>>(200).emplace<ReLU<float>>().emplace<Dense<float>>(10);
    return m;
  };
  EXPECT_TRUE(train(1, make(), 20) == train(2, make(), 20));
}
