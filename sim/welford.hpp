#pragma once
// Running mean and variance by Welford's update, with Chan et al.'s pairwise merge.
// Why not E[x^2] - E[x]^2: that difference cancels catastrophically when the mean is large
// relative to the spread; Welford's recurrence keeps the sum of squared deviations directly.
#include <Eigen/Dense>

#include <cmath>
#include <cstdint>
#include <limits>

namespace regcheck::sim {

class Welford {
 public:
  void add(double x) {
    ++n_;
    const double delta = x - mean_;
    mean_ += delta / static_cast<double>(n_);
    m2_ += delta * (x - mean_);
  }
  // Chan, Golub, LeVeque (1979): combine two partial accumulators exactly.
  void merge(const Welford& o) {
    if (o.n_ == 0) return;
    if (n_ == 0) {
      *this = o;
      return;
    }
    const double n = static_cast<double>(n_ + o.n_);
    const double delta = o.mean_ - mean_;
    mean_ += delta * static_cast<double>(o.n_) / n;
    m2_ += o.m2_ + delta * delta * static_cast<double>(n_) * static_cast<double>(o.n_) / n;
    n_ += o.n_;
  }
  // Rebuilds an accumulator from its state (count, mean, sum of squared deviations).
  static Welford from_moments(std::uint64_t n, double mean, double m2) {
    Welford w;
    w.n_ = n;
    w.mean_ = mean;
    w.m2_ = m2;
    return w;
  }
  std::uint64_t count() const { return n_; }
  double mean() const { return mean_; }
  // Unbiased sample variance (n - 1 denominator); NaN with fewer than two values.
  double variance() const {
    return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : std::numeric_limits<double>::quiet_NaN();
  }
  double stddev() const { return std::sqrt(variance()); }
  // Standard error of the mean.
  double standard_error() const { return std::sqrt(variance() / static_cast<double>(n_)); }

 private:
  std::uint64_t n_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;
};

// K statistics per sample: means and the full covariance (co-moment) matrix, for delta-method
// intervals on ratios and differences of means.
template <int K>
class MultiWelford {
 public:
  using Vec = Eigen::Matrix<double, K, 1>;
  using Mat = Eigen::Matrix<double, K, K>;

  void add(const Vec& x) {
    ++n_;
    const Vec delta = x - mean_;
    mean_ += delta / static_cast<double>(n_);
    m2_.noalias() += delta * (x - mean_).transpose();
  }
  void merge(const MultiWelford& o) {
    if (o.n_ == 0) return;
    if (n_ == 0) {
      *this = o;
      return;
    }
    const double n = static_cast<double>(n_ + o.n_);
    const Vec delta = o.mean_ - mean_;
    mean_ += delta * static_cast<double>(o.n_) / n;
    m2_ += o.m2_ + delta * delta.transpose() * (static_cast<double>(n_) * static_cast<double>(o.n_) / n);
    n_ += o.n_;
  }
  std::uint64_t count() const { return n_; }
  const Vec& mean() const { return mean_; }
  Mat covariance() const { return m2_ / static_cast<double>(n_ - 1); }
  // Accumulator of one component alone, e.g. for a per-statistic mean test.
  Welford component(int k) const { return Welford::from_moments(n_, mean_(k), m2_(k, k)); }

 private:
  std::uint64_t n_ = 0;
  Vec mean_ = Vec::Zero();
  Mat m2_ = Mat::Zero();
};

}  // namespace regcheck::sim
