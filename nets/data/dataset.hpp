#pragma once
// An in-memory dataset: one example per row.
#include <Eigen/Dense>

#include <string>
#include <vector>

namespace regcheck::nets {

struct Dataset {
  std::string name;
  // n x d features, row-major so an example (a row) is contiguous; images are flattened
  // channel-major (c, h, w) as in PyTorch.
  Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> x;
  // Classification: labels in [0, classes). Regression: empty labels, targets in y (n x k).
  std::vector<int> labels;
  Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> y;
  int classes = 0;
  int channels = 1, height = 0, width = 0;  // image shape when the rows are images; 0 otherwise
  Eigen::Index size() const { return x.rows(); }
};

}  // namespace regcheck::nets
