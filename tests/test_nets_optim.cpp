// Optimizers and learning-rate schedules of the trainer (nets/optim/) against PyTorch semantics.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <limits>
#include <vector>

#include "nets/optim/adam.hpp"
#include "nets/optim/schedule.hpp"
#include "nets/optim/sgd.hpp"
#include "sim/rng.hpp"

using namespace regcheck::nets;
using namespace regcheck::nets::optim;

namespace {

template <class T>
Param<T> scalar_param(double v, bool is_weight) {
  Param<T> p;
  p.name = is_weight ? "w" : "b";
  p.value = Mat<T>::Constant(1, 1, static_cast<T>(v));
  p.grad = Mat<T>::Zero(1, 1);
  p.is_weight = is_weight;
  p.layer = 0;
  return p;
}

template <class F>
void expect_invalid(F f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "no exception, expected one naming '" << needle << "'";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

}  // namespace

// ---- SGD, hand-computed (double; each expected value is a short exact recurrence) ---------------

TEST(Sgd, MomentumAndWeightDecayMatchHandComputedSteps) {
  // w0 = 1, g = 0.5 each step, lr 0.1, momentum 0.9, wd 0.1 (PyTorch: d_p = g + wd w;
  // buf = d_p at step 1, then 0.9 buf + d_p; w -= lr buf):
  //   step 1: d_p = 0.6,   buf = 0.6,                      w = 0.94
  //   step 2: d_p = 0.594, buf = 0.9 * 0.6 + 0.594 = 1.134, w = 0.8266
  auto w = scalar_param<double>(1.0, true);
  Sgd<double> opt({&w}, {.lr = 0.1, .momentum = 0.9, .weight_decay = 0.1});
  w.grad(0, 0) = 0.5;
  opt.step();
  EXPECT_NEAR(w.value(0, 0), 0.94, 4e-16);  // a few ulps of 1: 3 roundings
  EXPECT_NEAR(opt.momentum_buffer(0)(0, 0), 0.6, 4e-16);
  opt.step();
  EXPECT_NEAR(opt.momentum_buffer(0)(0, 0), 1.134, 1e-15);
  EXPECT_NEAR(w.value(0, 0), 0.8266, 1e-15);
}

TEST(Sgd, PlainSgdWithoutMomentumIsGradientDescent) {
  auto w = scalar_param<double>(2.0, true);
  Sgd<double> opt({&w}, {.lr = 0.25});
  w.grad(0, 0) = -4.0;
  opt.step();
  EXPECT_EQ(w.value(0, 0), 3.0);  // exact in binary
  EXPECT_EQ(opt.momentum_buffer(0).size(), 0);
}

TEST(Sgd, WeightDecayOnAllParamsByDefaultOrWeightsOnly) {
  // g = 0, lr 0.5, wd 0.5: a decayed param is multiplied by 0.75 exactly.
  for (bool all : {true, false}) {
    auto w = scalar_param<double>(1.0, true), b = scalar_param<double>(1.0, false);
    Sgd<double> opt({&w, &b}, {.lr = 0.5, .weight_decay = 0.5, .decay_non_weights = all});
    opt.step();
    EXPECT_EQ(w.value(0, 0), 0.75);
    EXPECT_EQ(b.value(0, 0), all ? 0.75 : 1.0);
  }
}

TEST(Sgd, NesterovAndDampening) {
  // Nesterov (PyTorch): d_p = d_p + momentum buf. Step 1: buf = g = 1, d_p = 1 + 0.5 = 1.5.
  auto w = scalar_param<double>(0.0, true);
  Sgd<double> nes({&w}, {.lr = 1.0, .momentum = 0.5, .nesterov = true});
  w.grad(0, 0) = 1.0;
  nes.step();
  EXPECT_EQ(w.value(0, 0), -1.5);
  nes.step();  // buf = 0.5 + 1 = 1.5, d_p = 1 + 0.75 = 1.75
  EXPECT_EQ(w.value(0, 0), -3.25);
  // Dampening: the first step ignores it (buf = clone(d_p)), later buf = m buf + (1 - damp) d_p.
  auto v = scalar_param<double>(0.0, true);
  Sgd<double> damp({&v}, {.lr = 1.0, .momentum = 0.5, .dampening = 0.5});
  v.grad(0, 0) = 1.0;
  damp.step();
  EXPECT_EQ(v.value(0, 0), -1.0);
  damp.step();  // buf = 0.5 + 0.5 = 1
  EXPECT_EQ(v.value(0, 0), -2.0);
}

// ---- Adam, hand-computed -------------------------------------------------------------------------

TEST(Adam, ConstantGradientGivesBiasCorrectedSignSteps) {
  // With a constant gradient g, bias correction makes m_hat = g and v_hat = g^2 exactly in real
  // arithmetic, so every step is lr g / (|g| + eps) (PyTorch's eps sits outside the sqrt).
  auto w = scalar_param<double>(1.0, true);
  Adam<double> opt({&w}, {.lr = 0.1});
  const double g = 0.5, step = 0.1 * g / (g + 1e-8);
  for (int t = 1; t <= 10; ++t) {
    w.grad(0, 0) = g;
    opt.step();
    // Rounding: m and v are sums of t terms, bc1/bc2 differences near 1e-3 lose ~3 digits;
    // 1e-12 absolute is 1e4 ulps of 1, ample for that and still far below one step (0.05).
    EXPECT_NEAR(w.value(0, 0), 1.0 - t * step, 1e-12) << "step " << t;
  }
  EXPECT_EQ(opt.steps(), 10);
}

TEST(Adam, FirstStepWithWeightDecayByHand) {
  // t = 1: g' = g + wd w = 0.2 + 0.1 * 2 = 0.4; m = 0.04, v = 0.001 * 0.16;
  // step_size = lr / 0.1; denom = sqrt(v) / sqrt(0.001) + eps = 0.4 + eps;
  // w = 2 - 0.01 / 0.1 * 0.04 / (0.4 + 1e-8).
  auto w = scalar_param<double>(2.0, true);
  Adam<double> opt({&w}, {.lr = 0.01, .weight_decay = 0.1});
  w.grad(0, 0) = 0.2;
  opt.step();
  EXPECT_NEAR(w.value(0, 0), 2.0 - 0.1 * 0.04 / (0.4 + 1e-8), 1e-15);
}

// The blocked Adam update (nets/optim/adam.hpp: the Eigen expressions on 2048-entry blocks, threads
// over blocks; issue 13) against the whole-tensor expressions it replaced, kept here as the
// reference: bit-identical parameters after 6 steps, float, with and without weight
// decay, on tensors of 1, 15, 2048, 4099 and 70000 entries (a partial last block, a tail shorter
// than one 16-float vector, and the multi-threaded size n >= 2^16), gradients N(0, 1) redrawn each
// step. The reference is what Adam::step computed before the change, line for line.
namespace {

struct AdamReference {
  AdamOptions o;
  std::vector<Mat<float>> m, v;
  long t = 0;
  void step(std::vector<Param<float>*>& ps) {
    ++t;
    const double bc1 = 1.0 - std::pow(o.beta1, static_cast<double>(t));
    const double bc2 = 1.0 - std::pow(o.beta2, static_cast<double>(t));
    const float step_size = static_cast<float>(o.lr / bc1), bc2_sqrt = static_cast<float>(std::sqrt(bc2));
    const float b1 = static_cast<float>(o.beta1), b2 = static_cast<float>(o.beta2);
    const float one_b1 = static_cast<float>(1.0 - o.beta1), one_b2 = static_cast<float>(1.0 - o.beta2);
    const float eps = static_cast<float>(o.eps);
    m.resize(ps.size()), v.resize(ps.size());
    for (std::size_t i = 0; i < ps.size(); ++i) {
      Param<float>& p = *ps[i];
      Mat<float> g = p.grad;
      if (o.weight_decay != 0 && (p.is_weight || o.decay_non_weights)) g += static_cast<float>(o.weight_decay) * p.value;
      if (m[i].size() == 0) m[i] = Mat<float>::Zero(g.rows(), g.cols()), v[i] = Mat<float>::Zero(g.rows(), g.cols());
      m[i] = b1 * m[i] + one_b1 * g;
      v[i] = b2 * v[i] + one_b2 * g.cwiseProduct(g);
      const Mat<float> denom = ((v[i].array().sqrt() / bc2_sqrt) + eps).matrix();
      p.value.array() -= step_size * (m[i].array() / denom.array());
    }
  }
};

bool same_bits(const Mat<float>& a, const Mat<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(float) * static_cast<std::size_t>(a.size())) == 0;
}

}  // namespace

TEST(Adam, BlockedUpdateBitIdenticalToWholeTensorExpressions) {
  for (const double wd : {0.0, 1e-2}) {
    std::vector<Param<float>> fast, ref;
    for (const Eigen::Index n : {1, 15, 2048, 4099, 70000}) {
      Param<float> p;
      p.name = "w" + std::to_string(n);
      p.value = Mat<float>::Random(n, 1);
      p.grad = Mat<float>::Zero(n, 1);
      p.is_weight = true;
      fast.push_back(p), ref.push_back(p);
    }
    std::vector<Param<float>*> pf, pr;
    for (auto& p : fast) pf.push_back(&p);
    for (auto& p : ref) pr.push_back(&p);
    const AdamOptions o{.lr = 1e-2, .weight_decay = wd};
    Adam<float> adam(pf, o);
    AdamReference reference;
    reference.o = o;
    regcheck::sim::Stream s(23, 1, 0);
    for (int t = 0; t < 6; ++t) {
      for (std::size_t i = 0; i < fast.size(); ++i)
        for (Eigen::Index k = 0; k < fast[i].grad.size(); ++k)
          fast[i].grad.data()[k] = ref[i].grad.data()[k] = static_cast<float>(s.normal());
      adam.step();
      reference.step(pr);
    }
    for (std::size_t i = 0; i < fast.size(); ++i) {
      EXPECT_TRUE(same_bits(fast[i].value, ref[i].value)) << fast[i].name << " wd " << wd;
      EXPECT_FALSE(same_bits(fast[i].value, Mat<float>::Zero(fast[i].value.rows(), 1)));  // non-vacuous
    }
  }
}

// ---- Cross-check against PyTorch 1.13 (float32) ----------------------------------------------------
// Values printed by nets/optim/torch_reference.py (run with /usr/bin/python3, torch 1.13): W (2x2,
// row-major) then b (2x1) after 5 steps with the gradient g = p - 0.5 + 0.1 (t + 1).

namespace {

std::vector<float> replay(bool adam, bool decay_all) {
  Param<float> W, b;
  W.value.resize(2, 2);
  W.value << 0.5f, -1.0f, 2.0f, 0.25f;
  b.value.resize(2, 1);
  b.value << 0.1f, -0.2f;
  W.is_weight = true;
  b.is_weight = false;
  std::vector<Param<float>*> ps{&W, &b};
  Sgd<float> sgd(ps, {.lr = 0.1, .momentum = 0.9, .weight_decay = 0.01, .decay_non_weights = decay_all});
  Adam<float> ad(ps, {.lr = 0.01, .weight_decay = 0.01, .decay_non_weights = decay_all});
  for (int t = 0; t < 5; ++t) {
    for (auto* p : ps) p->grad = ((p->value.array() - 0.5f) + static_cast<float>(0.1 * (t + 1))).matrix();
    adam ? ad.step() : sgd.step();
  }
  return {W.value(0, 0), W.value(0, 1), W.value(1, 0), W.value(1, 1), b.value(0, 0), b.value(1, 0)};
}

}  // namespace

TEST(TorchReference, SgdAndAdamTrajectoriesMatchPyTorch) {
  const std::vector<std::vector<double>> expected{
      {0.225673422, 0.280895829, 0.170450896, 0.234877169, 0.240399435, 0.251443893},      // sgd
      {0.225673422, 0.280895829, 0.170450896, 0.234877169, 0.242027998, 0.250775963},      // sgd-wonly
      {0.451213151, -0.950549781, 1.94983339, 0.2636123, 0.13821888, -0.152397305},        // adam
      {0.451213151, -0.950549781, 1.94983339, 0.2636123, 0.138329655, -0.1524093}};        // adam-wonly
  int k = 0;
  for (bool adam : {false, true})
    for (bool decay_all : {true, false}) {
      const auto got = replay(adam, decay_all);
      for (std::size_t i = 0; i < got.size(); ++i) {
        // float32 tolerance: 5 steps x ~4 roundings each, whose order or FMA fusion may differ
        // between Eigen and ATen, amplified up to 1/(1 - momentum) = 10 by the momentum sum:
        // 200 float eps relative, plus the 9-digit printing of the reference.
        const double tol = 200 * std::numeric_limits<float>::epsilon() * std::max(1.0, std::abs(expected[k][i])) + 1e-9;
        EXPECT_NEAR(got[i], expected[k][i], tol) << "run " << k << " entry " << i;
      }
      ++k;
    }
}

// ---- Learning-rate schedules -----------------------------------------------------------------------

TEST(Schedules, StepLrAndMultiStepLrClosedForms) {
  const StepLR s{.lr0 = 0.1, .step_size = 30, .gamma = 0.1};
  EXPECT_DOUBLE_EQ(s(0), 0.1);
  EXPECT_DOUBLE_EQ(s(29), 0.1);
  EXPECT_DOUBLE_EQ(s(30), 0.01);
  EXPECT_DOUBLE_EQ(s(65), 0.001);
  const MultiStepLR m{.lr0 = 1.0, .milestones = {30, 80}, .gamma = 0.5};
  EXPECT_EQ(m(0), 1.0);
  EXPECT_EQ(m(29), 1.0);
  EXPECT_EQ(m(30), 0.5);  // bisect_right: the milestone epoch itself is already decayed
  EXPECT_EQ(m(79), 0.5);
  EXPECT_EQ(m(80), 0.25);
  EXPECT_EQ(m(1000), 0.25);
  auto w = scalar_param<double>(1.0, true);
  Sgd<double> opt({&w}, {.lr = 0.1});
  opt.set_lr(s(30));
  EXPECT_DOUBLE_EQ(opt.lr(), 0.01);
}

// ---- Errors that must be raised --------------------------------------------------------------------

TEST(OptimErrors, BadOptionsAndShapes) {
  auto w = scalar_param<double>(1.0, true);
  expect_invalid([&] { Sgd<double>({&w}, {.lr = -1}); }, "SgdOptions.lr must be finite and >= 0, got -1");
  expect_invalid([&] { Sgd<double>({&w}, {.momentum = NAN}); }, "SgdOptions.momentum");
  expect_invalid([&] { Sgd<double>({&w}, {.weight_decay = -0.1}); }, "SgdOptions.weight_decay");
  expect_invalid([&] { Sgd<double>({&w}, {.nesterov = true}); }, "nesterov needs momentum > 0");
  expect_invalid([&] { Sgd<double>({nullptr}, {}); }, "parameter 0 is null");
  expect_invalid([&] { Adam<double>({&w}, {.beta1 = 1.0}); }, "beta1 must be in [0, 1), got 1");
  expect_invalid([&] { Adam<double>({&w}, {.beta2 = -0.5}); }, "beta2");
  expect_invalid([&] { Adam<double>({&w}, {.eps = 0}); }, "eps must be finite and > 0");
  Sgd<double> opt({&w}, {});
  expect_invalid([&] { opt.set_lr(INFINITY); }, "lr must be finite");
  w.grad.resize(2, 1);
  expect_invalid([&] { opt.step(); }, "grad of 'w' is 2x1 but value is 1x1");
  expect_invalid([] { StepLR{.step_size = 0}(1); }, "step_size must be >= 1, got 0");
  expect_invalid([] { StepLR{}(-1); }, "epoch must be >= 0, got -1");
  expect_invalid([] { MultiStepLR{.milestones = {5, 5}}(1); }, "strictly increasing, got 5 then 5");
}
