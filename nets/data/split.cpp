#include "nets/data/split.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "sim/rng.hpp"

namespace regcheck::nets::data {

std::vector<Eigen::Index> permutation(Eigen::Index n, std::uint64_t seed, const std::string& purpose, std::uint64_t round) {
  if (n < 0) throw std::invalid_argument("permutation: n must be >= 0, got " + std::to_string(n));
  std::vector<Eigen::Index> p(static_cast<std::size_t>(n));
  std::iota(p.begin(), p.end(), Eigen::Index{0});
  sim::Stream s(seed, sim::stream_id("nets/data/" + purpose), round);
  for (Eigen::Index i = n - 1; i > 0; --i) {
    const auto j = static_cast<Eigen::Index>(s.below(static_cast<std::uint64_t>(i) + 1));
    std::swap(p[i], p[j]);
  }
  return p;
}

Dataset subset(const Dataset& ds, const std::vector<Eigen::Index>& idx) {
  Dataset out;
  out.name = ds.name;
  out.classes = ds.classes;
  out.channels = ds.channels;
  out.height = ds.height;
  out.width = ds.width;
  const Eigen::Index n = static_cast<Eigen::Index>(idx.size());
  out.x.resize(n, ds.x.cols());
  if (ds.y.size() > 0) out.y.resize(n, ds.y.cols());
  if (!ds.labels.empty()) out.labels.resize(idx.size());
  for (Eigen::Index r = 0; r < n; ++r) {
    const Eigen::Index i = idx[r];
    if (i < 0 || i >= ds.size())
      throw std::invalid_argument("subset: index " + std::to_string(i) + " out of range [0, " + std::to_string(ds.size()) + ")");
    out.x.row(r) = ds.x.row(i);
    if (ds.y.size() > 0) out.y.row(r) = ds.y.row(i);
    if (!ds.labels.empty()) out.labels[r] = ds.labels[i];
  }
  return out;
}

std::pair<Dataset, Dataset> train_val_split(const Dataset& ds, double val_fraction, std::uint64_t seed) {
  if (!(val_fraction >= 0.0 && val_fraction < 1.0))
    throw std::invalid_argument("train_val_split: val_fraction must be in [0, 1), got " + std::to_string(val_fraction));
  const Eigen::Index n = ds.size();
  const auto n_val = static_cast<Eigen::Index>(std::llround(val_fraction * static_cast<double>(n)));
  auto p = permutation(n, seed, "split");
  std::vector<Eigen::Index> val(p.begin(), p.begin() + n_val), train(p.begin() + n_val, p.end());
  std::sort(val.begin(), val.end());
  std::sort(train.begin(), train.end());
  auto tr = subset(ds, train), va = subset(ds, val);
  tr.name = ds.name + "/train";
  va.name = ds.name + "/val";
  return {std::move(tr), std::move(va)};
}

std::vector<std::vector<Eigen::Index>> epoch_batches(Eigen::Index n, std::uint64_t seed, std::uint64_t epoch,
                                                     const BatchOptions& opt) {
  if (opt.batch_size < 1) throw std::invalid_argument("epoch_batches: batch_size must be >= 1, got " + std::to_string(opt.batch_size));
  std::vector<Eigen::Index> order;
  if (opt.shuffle) {
    order = permutation(n, seed, "shuffle", epoch);
  } else {
    order.resize(static_cast<std::size_t>(std::max<Eigen::Index>(n, 0)));
    std::iota(order.begin(), order.end(), Eigen::Index{0});
  }
  std::vector<std::vector<Eigen::Index>> out;
  for (Eigen::Index start = 0; start < n; start += opt.batch_size) {
    const Eigen::Index end = std::min(n, start + opt.batch_size);
    if (end - start < opt.batch_size && opt.drop_last) break;
    out.emplace_back(order.begin() + start, order.begin() + end);
  }
  return out;
}

}  // namespace regcheck::nets::data
