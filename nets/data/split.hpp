#pragma once
// Deterministic shuffling, train/validation splits and mini-batch indices, all from the seed.
#include <cstdint>
#include <utility>
#include <vector>

#include "nets/data/dataset.hpp"

namespace regcheck::nets::data {

// A uniformly random permutation of 0..n-1 (Fisher-Yates with sim::Stream(seed,
// stream_id("nets/data/" + purpose), round)): the same (seed, purpose, round) always gives the
// same permutation; different rounds (e.g. epochs) give independent ones.
std::vector<Eigen::Index> permutation(Eigen::Index n, std::uint64_t seed, const std::string& purpose = "shuffle",
                                      std::uint64_t round = 0);

// The rows idx of ds (features, labels or targets), in that order; shape fields are kept.
Dataset subset(const Dataset& ds, const std::vector<Eigen::Index>& idx);

// Splits off round(val_fraction * n) examples, chosen by permutation(n, seed, "split"), as the
// validation set; both parts keep their original relative order. val_fraction in [0, 1).
std::pair<Dataset, Dataset> train_val_split(const Dataset& ds, double val_fraction, std::uint64_t seed);

// Mini-batches of one epoch: consecutive chunks of batch_size indices of a permutation (from
// round = epoch) or of 0..n-1 when shuffle is false; the last short batch is kept unless
// drop_last.
struct BatchOptions {
  Eigen::Index batch_size = 128;
  bool shuffle = true;
  bool drop_last = false;
};
std::vector<std::vector<Eigen::Index>> epoch_batches(Eigen::Index n, std::uint64_t seed, std::uint64_t epoch,
                                                     const BatchOptions& opt = {});

}  // namespace regcheck::nets::data
