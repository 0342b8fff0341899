#include "sim/calibration.hpp"

#include <boost/math/distributions/binomial.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace regcheck::sim {

namespace bm = boost::math;

std::uint64_t binomial_upper_limit(std::uint64_t k, double p, double q) {
  if (!(p >= 0 && p <= 1)) throw std::invalid_argument(fmt::format("binomial_upper_limit: p must be in [0, 1], got {}", p));
  if (!(q > 0 && q < 1)) throw std::invalid_argument(fmt::format("binomial_upper_limit: q must be in (0, 1), got {}", q));
  if (k == 0 || p == 0) return 0;
  if (p == 1) return k;
  const bm::binomial_distribution<double> b(static_cast<double>(k), p);
  const auto tail = [&](std::uint64_t c) { return bm::cdf(bm::complement(b, static_cast<double>(c))); };  // P(X > c)
  double guess = bm::quantile(bm::complement(b, q));
  auto c = static_cast<std::uint64_t>(std::clamp(std::ceil(guess), 0.0, static_cast<double>(k)));
  while (c < k && tail(c) > q) ++c;
  while (c > 0 && tail(c - 1) <= q) --c;
  return c;
}

RateInterval clopper_pearson(std::uint64_t x, std::uint64_t n, double alpha) {
  if (n == 0) throw std::invalid_argument("clopper_pearson: n must be >= 1, got 0");
  if (x > n) throw std::invalid_argument(fmt::format("clopper_pearson: x = {} exceeds n = {}", x, n));
  if (!(alpha > 0 && alpha < 1)) throw std::invalid_argument(fmt::format("clopper_pearson: alpha must be in (0, 1), got {}", alpha));
  using B = bm::binomial_distribution<double>;
  const double nn = static_cast<double>(n), xx = static_cast<double>(x);
  return {x == 0 ? 0.0 : B::find_lower_bound_on_p(nn, xx, alpha / 2),
          x == n ? 1.0 : B::find_upper_bound_on_p(nn, xx, alpha / 2)};
}

double prob_excludes(std::uint64_t n, double p_true, double p_nominal, double alpha) {
  if (!(p_true >= 0 && p_true <= 1)) throw std::invalid_argument(fmt::format("prob_excludes: p_true must be in [0, 1], got {}", p_true));
  // The interval's bounds increase with x, so the x that exclude p_nominal form two tails:
  // x >= x_hi (lower bound above p_nominal) and x <= x_lo (upper bound below it).
  const auto excl_above = [&](std::uint64_t x) { return clopper_pearson(x, n, alpha).lo > p_nominal; };
  const auto excl_below = [&](std::uint64_t x) { return clopper_pearson(x, n, alpha).hi < p_nominal; };
  std::uint64_t lo = 0, hi = n + 1;  // first x with excl_above, n + 1 if none
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (excl_above(mid)) hi = mid; else lo = mid + 1;
  }
  const std::uint64_t x_hi = lo;
  std::int64_t l2 = -1, h2 = static_cast<std::int64_t>(n);  // last x with excl_below, -1 if none
  while (l2 < h2) {
    const std::int64_t mid = l2 + (h2 - l2 + 1) / 2;
    if (excl_below(static_cast<std::uint64_t>(mid))) l2 = mid; else h2 = mid - 1;
  }
  const bm::binomial_distribution<double> b(static_cast<double>(n), p_true);
  double p = 0;
  if (x_hi <= n) p += x_hi == 0 ? 1.0 : bm::cdf(bm::complement(b, static_cast<double>(x_hi - 1)));
  if (l2 >= 0) p += bm::cdf(b, static_cast<double>(l2));
  return std::min(1.0, p);
}

std::uint64_t trials_to_detect(double p_nominal, double factor, double alpha, double power) {
  const double p_true = factor * p_nominal;
  if (!(factor > 0 && factor != 1 && p_true > 0 && p_true < 1 && p_nominal > 0 && p_nominal < 1))
    throw std::invalid_argument(fmt::format("trials_to_detect: need p_nominal and factor * p_nominal in (0, 1), factor != 1; got p_nominal = {}, factor = {}", p_nominal, factor));
  if (!(power > 0 && power < 1)) throw std::invalid_argument(fmt::format("trials_to_detect: power must be in (0, 1), got {}", power));
  for (std::uint64_t n = 1; n < 10'000'000; n += std::max<std::uint64_t>(1, n / 64)) {
    if (prob_excludes(n, p_true, p_nominal, alpha) < power) continue;
    bool stays = true;
    for (std::uint64_t m = n + 1; m <= 2 * n && stays; m += std::max<std::uint64_t>(1, n / 32))
      stays = prob_excludes(m, p_true, p_nominal, alpha) >= power;
    if (stays) return n;
  }
  throw std::invalid_argument("trials_to_detect: more than 10^7 trials needed");
}

}  // namespace regcheck::sim
