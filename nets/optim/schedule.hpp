#pragma once
// Learning-rate step schedules with PyTorch's closed forms (epoch counted from 0):
//   StepLR:      lr(epoch) = lr0 * gamma^(epoch // step_size)
//   MultiStepLR: lr(epoch) = lr0 * gamma^(number of milestones <= epoch)   (bisect_right)
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "nets/optim/check.hpp"

namespace regcheck::nets::optim {

struct StepLR {
  double lr0 = 0.1;
  int step_size = 30;
  double gamma = 0.1;
  double operator()(int epoch) const {
    check_finite_nonneg(lr0, "StepLR.lr0");
    check_finite_nonneg(gamma, "StepLR.gamma");
    REGCHECK_REQUIRE(step_size >= 1, "StepLR.step_size must be >= 1, got " + std::to_string(step_size));
    REGCHECK_REQUIRE(epoch >= 0, "StepLR: epoch must be >= 0, got " + std::to_string(epoch));
    return lr0 * std::pow(gamma, epoch / step_size);
  }
};

struct MultiStepLR {
  double lr0 = 0.1;
  std::vector<int> milestones;  // strictly increasing epochs
  double gamma = 0.1;
  double operator()(int epoch) const {
    check_finite_nonneg(lr0, "MultiStepLR.lr0");
    check_finite_nonneg(gamma, "MultiStepLR.gamma");
    REGCHECK_REQUIRE(epoch >= 0, "MultiStepLR: epoch must be >= 0, got " + std::to_string(epoch));
    for (std::size_t k = 1; k < milestones.size(); ++k)
      REGCHECK_REQUIRE(milestones[k - 1] < milestones[k], "MultiStepLR.milestones must be strictly increasing, got " +
                                                             std::to_string(milestones[k - 1]) + " then " + std::to_string(milestones[k]));
    const auto passed = std::upper_bound(milestones.begin(), milestones.end(), epoch) - milestones.begin();
    return lr0 * std::pow(gamma, static_cast<double>(passed));
  }
};

}  // namespace regcheck::nets::optim
