#include "nets/data/synthetic.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "sim/rng.hpp"
#include "theory/require.hpp"

namespace regcheck::nets::data {

namespace {

void check_1d(const Regression1dOptions& o, const char* fn) {
  REGCHECK_REQUIRE(o.n >= 1, std::string(fn) + ": n must be >= 1, got " + std::to_string(o.n));
  REGCHECK_REQUIRE(std::isfinite(o.x_min) && std::isfinite(o.x_max) && o.x_min < o.x_max,
          std::string(fn) + ": need finite x_min < x_max, got [" + std::to_string(o.x_min) + ", " + std::to_string(o.x_max) + "]");
  REGCHECK_REQUIRE(std::isfinite(o.noise_sd) && o.noise_sd >= 0, std::string(fn) + ": noise_sd must be finite and >= 0, got " + std::to_string(o.noise_sd));
}

template <class F>
Dataset make_1d(std::uint64_t seed, const Regression1dOptions& o, const char* task, F f) {
  Dataset ds;
  ds.name = task;
  ds.x.resize(o.n, 1);
  ds.y.resize(o.n, 1);
  const auto sid = sim::stream_id(std::string("nets/data/") + task);
  for (int i = 0; i < o.n; ++i) {
    sim::Stream s(seed, sid, static_cast<std::uint64_t>(i));
    const double u = o.grid ? (o.n == 1 ? 0.5 : static_cast<double>(i) / (o.n - 1)) : s.uniform();
    const double x = o.x_min + (o.x_max - o.x_min) * u;
    ds.x(i, 0) = static_cast<float>(x);
    ds.y(i, 0) = static_cast<float>(f(x) + o.noise_sd * s.normal());
  }
  return ds;
}

}  // namespace

double xsinx(double x) { return x * std::sin(x); }

double PiecewiseConstant::operator()(double x) const {
  REGCHECK_REQUIRE(levels.size() == breaks.size() + 1, "PiecewiseConstant: need levels.size() = breaks.size() + 1, got " +
                                                  std::to_string(levels.size()) + " and " + std::to_string(breaks.size()));
  std::size_t k = 0;
  while (k < breaks.size() && x >= breaks[k]) ++k;
  return levels[k];
}

Dataset make_xsinx(std::uint64_t seed, const Regression1dOptions& opt) {
  check_1d(opt, "make_xsinx");
  return make_1d(seed, opt, "xsinx", xsinx);
}

Dataset make_piecewise_constant(std::uint64_t seed, const Regression1dOptions& opt, const PiecewiseConstant& f) {
  check_1d(opt, "make_piecewise_constant");
  REGCHECK_REQUIRE(f.levels.size() == f.breaks.size() + 1, "make_piecewise_constant: need levels.size() = breaks.size() + 1, got " +
                                                      std::to_string(f.levels.size()) + " and " + std::to_string(f.breaks.size()));
  for (std::size_t k = 1; k < f.breaks.size(); ++k)
    REGCHECK_REQUIRE(f.breaks[k - 1] < f.breaks[k], "make_piecewise_constant: breaks must be increasing, got " +
                                               std::to_string(f.breaks[k - 1]) + " then " + std::to_string(f.breaks[k]));
  return make_1d(seed, opt, "piecewise", f);
}

Dataset make_teacher(std::uint64_t seed, const TeacherOptions& o) {
  REGCHECK_REQUIRE(o.n >= 1 && o.in >= 1 && o.out >= 1, "make_teacher: n, in, out must be >= 1, got n = " + std::to_string(o.n) +
                                                   ", in = " + std::to_string(o.in) + ", out = " + std::to_string(o.out));
  for (int h : o.hidden) REGCHECK_REQUIRE(h >= 1, "make_teacher: hidden widths must be >= 1, got " + std::to_string(h));
  REGCHECK_REQUIRE(std::isfinite(o.noise_sd) && o.noise_sd >= 0, "make_teacher: noise_sd must be finite and >= 0, got " + std::to_string(o.noise_sd));
  REGCHECK_REQUIRE(!o.classify || o.out >= 2, "make_teacher: classification needs out >= 2 classes, got " + std::to_string(o.out));
  // Teacher weights: layer l from its own stream index so widths of one layer do not shift others.
  std::vector<int> widths{o.in};
  widths.insert(widths.end(), o.hidden.begin(), o.hidden.end());
  widths.push_back(o.out);
  std::vector<Eigen::MatrixXd> W;
  std::vector<Eigen::VectorXd> b;
  const auto wid = sim::stream_id("nets/data/teacher/weights");
  for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
    sim::Stream s(seed, wid, l);
    const double sd = std::sqrt(2.0 / widths[l]);
    W.emplace_back(widths[l + 1], widths[l]);
    b.emplace_back(widths[l + 1]);
    for (Eigen::Index r = 0; r < W.back().rows(); ++r)
      for (Eigen::Index c = 0; c < W.back().cols(); ++c) W.back()(r, c) = sd * s.normal();
    for (Eigen::Index r = 0; r < b.back().size(); ++r) b.back()(r) = 0.1 * s.normal();
  }
  Dataset ds;
  ds.name = o.classify ? "teacher-classification" : "teacher-regression";
  ds.x.resize(o.n, o.in);
  if (o.classify) {
    ds.classes = o.out;
    ds.labels.resize(o.n);
  } else {
    ds.y.resize(o.n, o.out);
  }
  const auto xid = sim::stream_id("nets/data/teacher/examples");
  for (int i = 0; i < o.n; ++i) {
    sim::Stream s(seed, xid, static_cast<std::uint64_t>(i));
    Eigen::VectorXd a(o.in);
    for (int j = 0; j < o.in; ++j) a(j) = s.normal();
    ds.x.row(i) = a.cast<float>().transpose();
    for (std::size_t l = 0; l < W.size(); ++l) {
      a = W[l] * a + b[l];
      if (l + 1 < W.size()) a = a.cwiseMax(0.0);
    }
    if (o.classify) {
      Eigen::Index k;
      a.maxCoeff(&k);
      ds.labels[i] = static_cast<int>(k);
    } else {
      for (int k = 0; k < o.out; ++k) ds.y(i, k) = static_cast<float>(a(k) + o.noise_sd * s.normal());
    }
  }
  return ds;
}

Eigen::MatrixXd separable_centers(std::uint64_t seed, const SeparableOptions& o) {
  REGCHECK_REQUIRE(o.classes >= 2 && o.dim >= 1, "make_separable: need classes >= 2 and dim >= 1, got classes = " +
                                            std::to_string(o.classes) + ", dim = " + std::to_string(o.dim));
  REGCHECK_REQUIRE(std::isfinite(o.separation) && o.separation > 0, "make_separable: separation must be finite and > 0, got " + std::to_string(o.separation));
  sim::Stream s(seed, sim::stream_id("nets/data/separable/centers"), 0);
  Eigen::MatrixXd c(o.classes, o.dim);
  for (int k = 0; k < o.classes; ++k)
    for (int j = 0; j < o.dim; ++j) c(k, j) = o.separation * s.normal();
  return c;
}

Dataset make_separable(std::uint64_t seed, const SeparableOptions& o) {
  REGCHECK_REQUIRE(o.n >= 1, "make_separable: n must be >= 1, got " + std::to_string(o.n));
  REGCHECK_REQUIRE(std::isfinite(o.margin) && o.margin >= 0, "make_separable: margin must be finite and >= 0, got " + std::to_string(o.margin));
  REGCHECK_REQUIRE(o.max_tries >= 1, "make_separable: max_tries must be >= 1, got " + std::to_string(o.max_tries));
  const Eigen::MatrixXd c = separable_centers(seed, o);
  const Eigen::VectorXd half_norm2 = 0.5 * c.rowwise().squaredNorm();
  Dataset ds;
  ds.name = "separable";
  ds.classes = o.classes;
  ds.x.resize(o.n, o.dim);
  ds.labels.resize(o.n);
  const auto sid = sim::stream_id("nets/data/separable/examples");
  for (int i = 0; i < o.n; ++i) {
    const int k = i % o.classes;
    sim::Stream s(seed, sid, static_cast<std::uint64_t>(i));
    Eigen::VectorXd x(o.dim);
    int tries = 0;
    for (;; ++tries) {
      if (tries == o.max_tries)
        throw std::invalid_argument("make_separable: could not draw example " + std::to_string(i) + " with margin " +
                                    std::to_string(o.margin) + " in " + std::to_string(o.max_tries) +
                                    " tries; increase separation (" + std::to_string(o.separation) + ") or lower margin");
      for (int j = 0; j < o.dim; ++j) x(j) = c(k, j) + s.normal();
      const Eigen::VectorXd score = c * x - half_norm2;
      double best_other = -INFINITY;
      for (int m = 0; m < o.classes; ++m)
        if (m != k) best_other = std::max(best_other, score(m));
      if (score(k) - best_other >= o.margin) break;
    }
    ds.x.row(i) = x.cast<float>().transpose();
    ds.labels[i] = k;
  }
  return ds;
}

}  // namespace regcheck::nets::data
