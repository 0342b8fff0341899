#pragma once
// Synthetic tasks, each a pure function of (seed, options): every example i draws from its own
// sim::Stream(seed, stream_id("nets/data/<task>"), i), so the data never depend on thread count
// or on the order of generation.
#include <cstdint>
#include <vector>

#include "nets/data/dataset.hpp"

namespace regcheck::nets::data {

// 1-D regression on [x_min, x_max] with Gaussian label noise (Drop-Activation eq. 12:
// y_i = f(x_i) + eps, eps ~ N(0, 1), 20 points on [0, 10]). x_i ~ U(x_min, x_max) by default
// ("we sample 20 x_i's on the interval [0, 10]"); grid = true places them evenly instead.
struct Regression1dOptions {
  int n = 20;
  double x_min = 0.0, x_max = 10.0;
  double noise_sd = 1.0;
  bool grid = false;
};

// The piecewise constant target. The paper (Drop-Activation fig. 3b) does not print it; this
// default (4 steps on [0, 10]) is our choice. f(x) = levels[k] for breaks[k-1] <= x < breaks[k].
struct PiecewiseConstant {
  std::vector<double> breaks{2.5, 5.0, 7.5};       // increasing, size = levels.size() - 1
  std::vector<double> levels{-2.0, 2.0, 0.0, 3.0};
  double operator()(double x) const;
};

double xsinx(double x);  // the noise-free target x sin x

Dataset make_xsinx(std::uint64_t seed, const Regression1dOptions& opt = {});
Dataset make_piecewise_constant(std::uint64_t seed, const Regression1dOptions& opt = {}, const PiecewiseConstant& f = {});

// A random teacher MLP in -> hidden... -> out with ReLU hidden units, weights N(0, 2/fan_in)
// (He), biases N(0, 0.1^2). Inputs x ~ N(0, I). Regression (classify = false): y = teacher(x)
// + N(0, noise_sd^2). Classification: label = argmax teacher(x) (noise_sd ignored), classes = out.
struct TeacherOptions {
  int n = 1000;
  int in = 10;
  std::vector<int> hidden{32};
  int out = 1;
  double noise_sd = 0.1;
  bool classify = false;
};
Dataset make_teacher(std::uint64_t seed, const TeacherOptions& opt = {});

// Linearly separable Gaussian clusters: class centers c_k ~ N(0, separation^2 I); x ~ N(c_k,
// I) for label k = i mod classes, resampled until the nearest-center rule (a linear classifier:
// argmax_k c_k.x - ||c_k||^2 / 2) assigns k with a score margin >= margin. So the data are
// linearly separable by construction, with that classifier as a certificate.
struct SeparableOptions {
  int n = 200;
  int dim = 2;
  int classes = 2;
  double separation = 4.0;
  double margin = 0.5;
  int max_tries = 10000;  // per example; exceeding it throws (separation too small for margin)
};
Dataset make_separable(std::uint64_t seed, const SeparableOptions& opt = {});
// The certificate: centers used by make_separable for this seed (classes x dim).
Eigen::MatrixXd separable_centers(std::uint64_t seed, const SeparableOptions& opt = {});

}  // namespace regcheck::nets::data
