#pragma once
// Rows shared by the gcsr tolerance experiments (gcsr.fig1.tolerance, gcsr.fig7.depth): "learning
// fails" as the final test accuracy at chance, and paired differences of two arms over seeds.
#include "claims/core/experiment.hpp"

#include <fmt/format.h>

#include <string>
#include <vector>

namespace regcheck::claims::gcsr_rows {

inline constexpr double kChance = 0.1;  // 10 balanced classes (the paper's 1.0% on CIFAR-100)
// "Chance": 1/10 +- 0.05. A net that learned nothing predicts one class, whose frequency in the
// seed's random 20% test split (359 images) is about 0.10 +- 0.016 (binomial sd); a net that
// learned reaches 0.9 and more, so the band separates the two by a wide margin.
inline constexpr double kChanceTol = 0.05;

// TOST that the arm's final test accuracy lies in kChance +- kChanceTol.
inline TestRow chance_row(const ExperimentRuns& runs, const std::string& arm, const std::string& label, const std::string& what) {
  return band_row(fmt::format("acc({}) in {} +- {}", label, kChance, kChanceTol), what, runs.finals(arm, "test_accuracy"),
                  kChance - kChanceTol, kChance + kChanceTol, kChance,
                  fmt::format("+-{}: a one-class predictor scores its class frequency, about 0.10 +- 0.016", kChanceTol));
}

// Per seed, final test accuracy of arm a minus that of arm b (the arms share seeds).
inline std::vector<double> accuracy_gap(const ExperimentRuns& runs, const std::string& a, const std::string& b) {
  const std::vector<double> x = runs.finals(a, "test_accuracy"), y = runs.finals(b, "test_accuracy");
  std::vector<double> d(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) d[i] = x[i] - y[i];
  return d;
}

}  // namespace regcheck::claims::gcsr_rows
