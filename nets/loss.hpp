#pragma once
// Losses with PyTorch's default 'mean' reduction; each returns the loss and writes dL/d(output).
//
// Softmax cross-entropy (torch.nn.CrossEntropyLoss): z (N, K) logits, labels y_n in [0, K):
//   L = (1/N) sum_n [log sum_k exp z[n,k] - z[n, y_n]]
//   dL/dz[n,k] = (softmax(z_n)[k] - [k == y_n]) / N
//   log-sum-exp is evaluated as M + log sum_k exp(z[n,k] - M), M = max_k z[n,k]: every exponent
//   is <= 0 so exp cannot overflow (z = 100 would overflow float's exp), and the k = argmax term
//   is exactly 1, so the log's argument is >= 1 (no log 0 when all exps underflow).
// Mean squared error (torch.nn.MSELoss): y, t (N, K):
//   L = (1/(N K)) sum (y - t)^2,  dL/dy = 2 (y - t) / (N K).
#include "nets/tensor.hpp"

#include <fmt/format.h>

#include <cmath>
#include <span>

namespace regcheck::nets {

template <class T>
double softmax_cross_entropy(const Act<T>& z, std::span<const int> labels, Act<T>& dz) {
  const Eigen::Index N = z.rows(), K = z.cols();
  if (static_cast<Eigen::Index>(labels.size()) != N)
    throw std::invalid_argument(fmt::format("softmax_cross_entropy: {} labels for a batch of {}", labels.size(), N));
  if (N == 0 || K == 0) throw std::invalid_argument(fmt::format("softmax_cross_entropy: empty logits {}x{}", N, K));
  dz.resize(N, K);
  double total = 0;
  for (Eigen::Index n = 0; n < N; ++n) {
    const int y = labels[static_cast<std::size_t>(n)];
    if (y < 0 || y >= K)
      throw std::invalid_argument(fmt::format("softmax_cross_entropy: label {} of example {} not in [0, {})", y, n, K));
    const T M = z.row(n).maxCoeff();
    dz.row(n) = (z.row(n).array() - M).exp();
    const T sum = dz.row(n).sum();
    total += static_cast<double>(M) + std::log(static_cast<double>(sum)) - static_cast<double>(z(n, y));
    dz.row(n) *= T(1) / (sum * static_cast<T>(N));
    dz(n, y) -= T(1) / static_cast<T>(N);
  }
  return total / static_cast<double>(N);
}

template <class T>
double mean_squared_error(const Act<T>& y, const Act<T>& t, Act<T>& dy) {
  if (y.rows() != t.rows() || y.cols() != t.cols())
    throw std::invalid_argument(
        fmt::format("mean_squared_error: output {}x{} but target {}x{}", y.rows(), y.cols(), t.rows(), t.cols()));
  if (y.size() == 0) throw std::invalid_argument("mean_squared_error: empty output");
  const double count = static_cast<double>(y.size());
  dy = (y - t) * static_cast<T>(2.0 / count);
  double total = 0;
  for (Eigen::Index n = 0; n < y.rows(); ++n) total += static_cast<double>((y.row(n) - t.row(n)).squaredNorm());
  return total / count;
}

// Fraction of rows whose argmax (first on ties) equals the label.
template <class T>
double accuracy(const Act<T>& z, std::span<const int> labels) {
  if (static_cast<Eigen::Index>(labels.size()) != z.rows() || z.rows() == 0)
    throw std::invalid_argument(fmt::format("accuracy: {} labels for a batch of {}", labels.size(), z.rows()));
  Eigen::Index hits = 0;
  for (Eigen::Index n = 0; n < z.rows(); ++n) {
    Eigen::Index k;
    z.row(n).maxCoeff(&k);
    hits += (k == labels[static_cast<std::size_t>(n)]);
  }
  return static_cast<double>(hits) / static_cast<double>(z.rows());
}

}  // namespace regcheck::nets
