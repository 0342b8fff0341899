#pragma once
// Wall-clock profile of training steps, per top-level layer: forward, backward and the optimizer
// update of the layer's parameters (regcheck train --profile, bench_trainer --profile).
// Timing only reads std::chrono::steady_clock around calls that run exactly as without it, so
// a profiled run computes the same numbers bit for bit (tests/test_nets_train.cpp checks the
// weights). Seconds accumulate until clear().
#include <chrono>
#include <cstddef>
#include <vector>

namespace regcheck::nets {

using ProfileClock = std::chrono::steady_clock;

inline double seconds_since(ProfileClock::time_point t0) {
  return std::chrono::duration<double>(ProfileClock::now() - t0).count();
}

struct Profile {
  std::vector<double> forward, backward, update;  // seconds, indexed by top-level layer position
  void resize(std::size_t layers) {
    forward.resize(layers, 0.0);
    backward.resize(layers, 0.0);
    update.resize(layers, 0.0);
  }
  void clear() {
    const std::size_t n = forward.size();
    forward.assign(n, 0.0);
    backward.assign(n, 0.0);
    update.assign(n, 0.0);
  }
};

// Runs f(); when slot is not null, adds its wall-clock seconds to *slot.
template <class F>
void timed(double* slot, F&& f) {
  if (!slot) {
    f();
    return;
  }
  const auto t0 = ProfileClock::now();
  f();
  *slot += seconds_since(t0);
}

}  // namespace regcheck::nets
