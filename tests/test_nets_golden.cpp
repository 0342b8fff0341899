// Golden trajectories against PyTorch 1.13 (tests/golden/make_golden.py wrote the JSON): the same
// initial weights and data, 20 steps of SGD with momentum 0.9 and weight decay 5e-4 in float32;
// the losses must match to 1e-5 relative. Both sides compute in float32 with different summation
// orders; per-step rounding is ~1e-7 relative and 20 steps of a contracting SGD keep it well
// below 1e-5 (a wrong gradient, init layout or optimizer step gives differences of O(1e-2)).
#include "nets/nets.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using namespace regcheck::nets;

namespace {

nlohmann::json load(const std::string& name) {
  const auto path = std::filesystem::path(__FILE__).parent_path() / "golden" / name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  return nlohmann::json::parse(in);
}

// torch.optim.SGD: d_p = g + wd w; buf = d_p at the first step, then momentum buf + d_p;
// w -= lr buf (dampening 0, no Nesterov). Local so the test does not depend on nets/optim.
struct LocalSgd {
  float lr, momentum, wd;
  std::vector<Mat<float>> buf;
  void step(const std::vector<Param<float>*>& ps) {
    if (buf.empty())
      for (Param<float>* p : ps) buf.push_back(p->grad + wd * p->value);
    else
      for (std::size_t k = 0; k < ps.size(); ++k) buf[k] = momentum * buf[k] + (ps[k]->grad + wd * ps[k]->value);
    for (std::size_t k = 0; k < ps.size(); ++k) ps[k]->value -= lr * buf[k];
  }
};

void replay(Sequential<float>& m, const nlohmann::json& g) {
  m.build(0);
  const auto ps = m.params();
  ASSERT_EQ(ps.size(), g["params"].size());
  for (std::size_t k = 0; k < ps.size(); ++k) {
    const auto& rows = g["params"][k]["value"];
    ASSERT_EQ(static_cast<Eigen::Index>(rows.size()), ps[k]->value.rows()) << ps[k]->name;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      ASSERT_EQ(static_cast<Eigen::Index>(rows[r].size()), ps[k]->value.cols()) << ps[k]->name;
      for (std::size_t c = 0; c < rows[r].size(); ++c) ps[k]->value(r, c) = rows[r][c].get<float>();
    }
  }
  const auto& xs = g["x"];
  Act<float> x(xs.size(), xs[0].size());
  for (std::size_t n = 0; n < xs.size(); ++n)
    for (std::size_t f = 0; f < xs[n].size(); ++f) x(n, f) = xs[n][f].get<float>();
  const std::vector<int> labels = g["labels"].get<std::vector<int>>();
  LocalSgd opt{g["lr"].get<float>(), g["momentum"].get<float>(), g["weight_decay"].get<float>(), {}};
  const std::vector<double> want = g["losses"].get<std::vector<double>>();
  ASSERT_EQ(want.size(), 20u);
  Act<float> dz;
  double worst = 0;
  for (std::size_t t = 0; t < want.size(); ++t) {
    m.zero_grad();
    const double loss = softmax_cross_entropy<float>(m.forward(x, {.train = true, .seed = 0, .step = t}), labels, dz);
    m.backward(dz);
    opt.step(ps);
    const double rel = std::abs(loss - want[t]) / std::abs(want[t]);
    worst = std::max(worst, rel);
    EXPECT_LE(rel, 1e-5) << "step " << t << ": regcheck " << loss << " pytorch " << want[t];
  }
  // The trajectory must actually move: the losses fall (else matching them proves little).
  EXPECT_LT(want.back(), 0.8 * want.front());
  // Final weights agree too (absolute 1e-4 on weights of size ~0.1-1; float32 drift).
  for (std::size_t k = 0; k < ps.size(); ++k) {
    const auto& rows = g["params"][k]["final"];
    double err = 0;
    for (std::size_t r = 0; r < rows.size(); ++r)
      for (std::size_t c = 0; c < rows[r].size(); ++c)
        err = std::max(err, std::abs(static_cast<double>(ps[k]->value(r, c)) - rows[r][c].get<double>()));
    EXPECT_LE(err, 1e-4) << ps[k]->name;
  }
  ::testing::Test::RecordProperty("max_rel_loss_error", std::to_string(worst));
}

}  // namespace

TEST(NetsGolden, MlpMatchesPytorch) {
  const auto g = load("mlp.json");
  Sequential<float> m(Shape{20});
  m.emplace<Dense<float>>(32).emplace<ReLU<float>>().emplace<Dense<float>>(16).emplace<ReLU<float>>().emplace<Dense<float>>(5);
  replay(m, g);
}

TEST(NetsGolden, ConvnetMatchesPytorch) {
  const auto g = load("convnet.json");
  Sequential<float> m(Shape{1, 8, 8});
  m.emplace<Conv2d<float>>(Conv2dOptions{4, 3, 3, 1, 1})
      .emplace<ReLU<float>>()
      .emplace<MaxPool2d<float>>(2)
      .emplace<Flatten<float>>()
      .emplace<Dense<float>>(5);
  replay(m, g);
}

// Errors that must be raised: a golden file whose shapes disagree with the model is rejected by
// the model's own validation (wrong input width).
TEST(NetsGolden, WrongInputWidthThrows) {
  Sequential<float> m(Shape{20});
  m.emplace<Dense<float>>(5);
  m.build(0);
  Act<float> x = Act<float>::Zero(3, 19);
  EXPECT_THROW(m.forward(x, {}), std::invalid_argument);
}
