#include "sim/stats/tests.hpp"

#include "sim/rng.hpp"
#include "theory/require.hpp"

#include <Random123/philox.h>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/non_central_t.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/tools/roots.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace regcheck::sim::stats {

namespace bm = boost::math;

namespace {

void require_level(double level) {
  REGCHECK_REQUIRE(level > 0.0 && level < 1.0, fmt::format("confidence level {} is out of range (allowed: 0 < level < 1)", level));
}

// Neumaier-compensated sum: the centered values are small, but n can be 10^5 and more.
double sum(std::span<const double> x) {
  double s = 0.0, c = 0.0;
  for (double v : x) {
    const double t = s + v;
    c += std::abs(s) >= std::abs(v) ? (s - t) + v : (v - t) + s;
    s = t;
  }
  return s + c;
}

// Sum of squared deviations from the centered mean m by the corrected two-pass formula
// (Chan, Golub & LeVeque): sum (x - m)^2 - (sum (x - m))^2 / n; the second term removes the
// error of m itself.
double sum_sq_dev(std::span<const double> x, double m) {
  double s2 = 0.0, s1 = 0.0;
  for (double v : x) {
    const double d = v - m;
    s1 += d;
    s2 += d * d;
  }
  return std::max(0.0, s2 - s1 * s1 / static_cast<double>(x.size()));
}

double t_quantile_upper(double df, double tail) { return bm::quantile(bm::complement(bm::students_t(df), tail)); }

double two_sided_t_p(double t, double df) {
  if (std::isinf(t)) return 0.0;
  return std::min(1.0, 2.0 * bm::cdf(bm::complement(bm::students_t(df), std::abs(t))));
}

// Linear interpolation between order statistics at position q (n - 1) (numpy's default).
double percentile_sorted(const std::vector<double>& s, double q) {
  const double pos = q * static_cast<double>(s.size() - 1);
  const std::size_t i = static_cast<std::size_t>(std::floor(pos));
  if (i + 1 >= s.size()) return s.back();
  const double frac = pos - static_cast<double>(i);
  return s[i] + frac * (s[i + 1] - s[i]);
}

}  // namespace

Moments moments(std::span<const double> x, double ref) {
  REGCHECK_REQUIRE(!x.empty(), std::string("moments of an empty sample (allowed: at least 1 value)"));
  Moments m;
  m.n = x.size();
  const double n = static_cast<double>(m.n);
  m.cmean = sum(x) / n;
  m.mean = ref + m.cmean;
  if (m.n >= 2) {
    m.var = sum_sq_dev(x, m.cmean) / (n - 1.0);
    m.sd = std::sqrt(m.var);
    m.se = m.sd / std::sqrt(n);
  }
  return m;
}

Summary summarize(std::span<const double> x, double ref, double level) {
  require_level(level);
  REGCHECK_REQUIRE(x.size() >= 2, fmt::format("a summary needs at least 2 values, got {}", x.size()));
  Summary s;
  s.level = level;
  s.m = moments(x, ref);
  REGCHECK_REQUIRE(s.m.var > 0.0, fmt::format("all {} values are equal (zero variance: no interval or test is defined)", x.size()));
  const double tq = t_quantile_upper(static_cast<double>(s.m.n - 1), (1.0 - level) / 2.0);
  s.ci_lo = ref + (s.m.cmean - tq * s.m.se);
  s.ci_hi = ref + (s.m.cmean + tq * s.m.se);

  std::vector<double> sorted(x.begin(), x.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  s.median = ref + (n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]));
  const bm::binomial_distribution<double> bin(static_cast<double>(n), 0.5);
  const double tail = (1.0 - level) / 2.0;
  std::size_t l = 1;  // P(B <= l - 1) <= tail; the largest such l <= (n + 1) / 2
  while (l + 1 <= (n + 1) / 2 && bm::cdf(bin, static_cast<double>(l)) <= tail) ++l;
  s.median_ci_rank = l;
  s.median_ci_lo = ref + sorted[l - 1];
  s.median_ci_hi = ref + sorted[n - l];
  s.median_ci_coverage = 1.0 - 2.0 * bm::cdf(bin, static_cast<double>(l - 1));
  return s;
}

BootstrapCi bootstrap_mean_ci(std::span<const double> x, double ref, double level, std::size_t resamples, std::uint64_t seed,
                              bool bca, int threads, std::uint64_t substream) {
  require_level(level);
  const std::size_t n = x.size();
  REGCHECK_REQUIRE(n >= 2 && n < (std::size_t{1} << 32), fmt::format("bootstrap: {} values (allowed: 2 .. 2^32 - 1)", n));
  REGCHECK_REQUIRE(resamples >= 100, fmt::format("bootstrap: {} resamples (allowed: at least 100)", resamples));
  REGCHECK_REQUIRE(threads >= 1, fmt::format("bootstrap: {} threads (allowed: at least 1)", threads));
  const Moments m = moments(x, ref);
  REGCHECK_REQUIRE(m.var > 0.0, fmt::format("bootstrap: all {} values are equal (zero variance)", n));

  std::vector<double> means(resamples);
  const std::uint32_t n32 = static_cast<std::uint32_t>(n);
  const std::uint32_t reject_below = static_cast<std::uint32_t>(-n32) % n32;  // 2^32 mod n
  const std::uint64_t stream = stream_id("stats.bootstrap");
  const long long B = static_cast<long long>(resamples);
#pragma omp parallel for schedule(dynamic, 16) num_threads(threads)
  for (long long b = 0; b < B; ++b) {
    r123::Philox4x64 rng;
    const r123::Philox4x64::key_type key{{seed, stream}};
    r123::Philox4x64::ctr_type ctr{{static_cast<std::uint64_t>(b), 0, substream, 0}};
    // Four partial sums in a fixed pattern (index i goes to sum i % 4): fast, and the same order
    // for any thread count.
    double acc[4] = {0.0, 0.0, 0.0, 0.0};
    std::size_t drawn = 0;
    // One Philox block gives 8 32-bit words; word k of the block goes to index `drawn` unless
    // rejected. While 8 more indices fit, no per-word bound check is needed.
    auto take = [&](std::uint32_t r) {
      const std::uint64_t prod = static_cast<std::uint64_t>(r) * n32;  // Lemire: index = prod >> 32
      if (static_cast<std::uint32_t>(prod) < reject_below) [[unlikely]]
        return;  // rejected: keeps the index exactly uniform
      acc[drawn & 3] += x[prod >> 32];
      ++drawn;
    };
    while (drawn + 8 <= n) {
      const r123::Philox4x64::ctr_type block = rng(ctr, key);
      ++ctr.v[1];
      for (int w = 0; w < 4; ++w) {
        take(static_cast<std::uint32_t>(block.v[w]));
        take(static_cast<std::uint32_t>(block.v[w] >> 32));
      }
    }
    while (drawn < n) {
      const r123::Philox4x64::ctr_type block = rng(ctr, key);
      ++ctr.v[1];
      for (int w = 0; w < 4 && drawn < n; ++w) {
        take(static_cast<std::uint32_t>(block.v[w]));
        if (drawn < n) take(static_cast<std::uint32_t>(block.v[w] >> 32));
      }
    }
    means[static_cast<std::size_t>(b)] = ((acc[0] + acc[1]) + (acc[2] + acc[3])) / static_cast<double>(n);
  }
  std::sort(means.begin(), means.end());

  BootstrapCi ci;
  ci.bca = bca;
  ci.resamples = resamples;
  ci.seed = seed;
  const double a2 = (1.0 - level) / 2.0;
  double q_lo = a2, q_hi = 1.0 - a2;
  if (bca) {
    const bm::normal_distribution<double> nd;
    const auto below = std::lower_bound(means.begin(), means.end(), m.cmean) - means.begin();
    const auto at_or_below = std::upper_bound(means.begin(), means.end(), m.cmean) - means.begin();
    const double frac = static_cast<double>(below + at_or_below) / (2.0 * static_cast<double>(resamples));
    REGCHECK_REQUIRE(frac > 0.0 && frac < 1.0,
                     fmt::format("bootstrap: every resample mean lies on one side of the estimate (BCa undefined; use the percentile method)"));
    ci.z0 = bm::quantile(nd, frac);
    // Jackknife for the mean: theta_(i) = (n mean - x_i) / (n - 1), so theta_dot - theta_(i)
    // = (x_i - mean) / (n - 1) and, with U_i = (n - 1)(theta_dot - theta_(i)) = x_i - mean,
    // a = sum U^3 / (6 (sum U^2)^(3/2)) (scipy's form; the n powers cancel).
    double s2 = 0.0, s3 = 0.0;
    for (double v : x) {
      const double u = v - m.cmean;
      s2 += u * u;
      s3 += u * u * u;
    }
    ci.accel = s3 / (6.0 * std::pow(s2, 1.5));
    auto adjust = [&](double q) {
      const double zq = bm::quantile(nd, q);
      const double num = ci.z0 + zq;
      return bm::cdf(nd, ci.z0 + num / (1.0 - ci.accel * num));
    };
    q_lo = adjust(a2);
    q_hi = adjust(1.0 - a2);
  }
  ci.lo = ref + percentile_sorted(means, q_lo);
  ci.hi = ref + percentile_sorted(means, q_hi);
  return ci;
}

TTest welch_t(std::span<const double> x, std::span<const double> y, double level) {
  require_level(level);
  REGCHECK_REQUIRE(x.size() >= 2 && y.size() >= 2, fmt::format("Welch t: groups of {} and {} values (allowed: at least 2 each)", x.size(), y.size()));
  const Moments a = moments(x, 0.0), b = moments(y, 0.0);
  const double va = a.var / static_cast<double>(a.n), vb = b.var / static_cast<double>(b.n);
  REGCHECK_REQUIRE(va + vb > 0.0, std::string("Welch t: both groups are constant (zero variance: no test is defined)"));
  TTest r;
  r.diff = a.cmean - b.cmean;
  r.se = std::sqrt(va + vb);
  r.t = r.diff / r.se;
  r.df = (va + vb) * (va + vb) / (va * va / static_cast<double>(a.n - 1) + vb * vb / static_cast<double>(b.n - 1));
  r.p_value = two_sided_t_p(r.t, r.df);
  const double tq = t_quantile_upper(r.df, (1.0 - level) / 2.0);
  r.ci_lo = r.diff - tq * r.se;
  r.ci_hi = r.diff + tq * r.se;
  const double dfp = static_cast<double>(a.n + b.n - 2);
  const double pooled = std::sqrt(((a.n - 1) * a.var + (b.n - 1) * b.var) / dfp);
  r.cohen_d = r.diff / pooled;
  // J(df) = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2)); tgamma_ratio avoids overflow for large df.
  r.hedges_g = r.cohen_d * bm::tgamma_ratio(dfp / 2.0, (dfp - 1.0) / 2.0) / std::sqrt(dfp / 2.0);
  return r;
}

TTest paired_t(std::span<const double> d, double level) {
  require_level(level);
  REGCHECK_REQUIRE(d.size() >= 2, fmt::format("paired t: {} pairs (allowed: at least 2)", d.size()));
  const Moments m = moments(d, 0.0);
  REGCHECK_REQUIRE(m.var > 0.0, fmt::format("paired t: all {} differences are equal (zero variance: no test is defined)", d.size()));
  TTest r;
  r.diff = m.cmean;
  r.se = m.se;
  r.t = r.diff / r.se;
  r.df = static_cast<double>(m.n - 1);
  r.p_value = two_sided_t_p(r.t, r.df);
  const double tq = t_quantile_upper(r.df, (1.0 - level) / 2.0);
  r.ci_lo = r.diff - tq * r.se;
  r.ci_hi = r.diff + tq * r.se;
  r.cohen_d = r.diff / m.sd;
  // J(df) needs df > 1 (Gamma((df-1)/2) has a pole at df = 1): with 2 pairs g is undefined (NaN).
  r.hedges_g = r.df > 1.0 ? r.cohen_d * bm::tgamma_ratio(r.df / 2.0, (r.df - 1.0) / 2.0) / std::sqrt(r.df / 2.0) : NAN;
  return r;
}

namespace {
// Number of arrangements of n1 x's among n1 + n2 values with U = u, u = 0..n1 n2: the
// coefficients of the Gaussian binomial [n1 + n2 choose m]_q, m = min(n1, n2), built by
// [j, k] = [j - 1, k - 1] + q^k [j - 1, k] (sums of positive terms only: no cancellation).
std::vector<double> mwu_counts(std::size_t n1, std::size_t n2) {
  const std::size_t m = std::min(n1, n2), N = n1 + n2;
  std::vector<std::vector<double>> g(m + 1);
  g[0] = {1.0};
  for (std::size_t j = 1; j <= N; ++j) {
    for (std::size_t k = std::min(j, m); k >= 1; --k) {
      const std::size_t deg = k * (j - k);
      std::vector<double> next(deg + 1, 0.0);
      const std::vector<double>& a = g[k - 1];  // [j-1, k-1]
      for (std::size_t i = 0; i < a.size() && i <= deg; ++i) next[i] += a[i];
      const std::vector<double>& b = g[k];  // [j-1, k] (empty when k > j - 1)
      for (std::size_t i = 0; i < b.size(); ++i) next[i + k] += b[i];
      g[k] = std::move(next);
    }
  }
  return g[m];
}
}  // namespace

MannWhitney mann_whitney_u(std::span<const double> x, std::span<const double> y) {
  const std::size_t n1 = x.size(), n2 = y.size();
  REGCHECK_REQUIRE(n1 >= 1 && n2 >= 1, fmt::format("Mann-Whitney U: groups of {} and {} values (allowed: at least 1 each)", n1, n2));
  const std::size_t n = n1 + n2;
  std::vector<std::pair<double, std::size_t>> all(n);
  for (std::size_t i = 0; i < n1; ++i) all[i] = {x[i], i};
  for (std::size_t i = 0; i < n2; ++i) all[n1 + i] = {y[i], n1 + i};
  std::sort(all.begin(), all.end());
  double r1 = 0.0, tie_term = 0.0;
  bool ties = false;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && all[j].first == all[i].first) ++j;
    const double t = static_cast<double>(j - i);
    const double avg_rank = 0.5 * static_cast<double>(i + 1 + j);  // ranks i+1..j
    for (std::size_t k = i; k < j; ++k)
      if (all[k].second < n1) r1 += avg_rank;
    if (j - i > 1) ties = true;
    tie_term += t * t * t - t;
    i = j;
  }
  MannWhitney r;
  const double dn1 = static_cast<double>(n1), dn2 = static_cast<double>(n2), dn = static_cast<double>(n);
  r.u = r1 - dn1 * (dn1 + 1.0) / 2.0;
  const double u_max = std::max(r.u, dn1 * dn2 - r.u);
  const std::size_t m = std::min(n1, n2);
  const double cost = dn * static_cast<double>(m) * static_cast<double>(m) * static_cast<double>(n - m);
  r.exact = !ties && (n1 <= 8 || n2 <= 8) && cost <= 2e9;
  if (r.exact) {
    const std::vector<double> c = mwu_counts(n1, n2);
    const double total = std::accumulate(c.begin(), c.end(), 0.0);
    double upper = 0.0;
    for (std::size_t u = static_cast<std::size_t>(std::llround(u_max)); u < c.size(); ++u) upper += c[u];
    r.p_value = std::min(1.0, 2.0 * upper / total);
  } else {
    const double mu = dn1 * dn2 / 2.0;
    const double s = std::sqrt(dn1 * dn2 / 12.0 * ((dn + 1.0) - tie_term / (dn * (dn - 1.0))));
    REGCHECK_REQUIRE(s > 0.0, std::string("Mann-Whitney U: all values are equal (zero variance: no test is defined)"));
    const double z = (u_max - mu - 0.5) / s;
    r.p_value = std::clamp(2.0 * bm::cdf(bm::complement(bm::normal_distribution<double>(), z)), 0.0, 1.0);
  }
  return r;
}

Anova one_way_anova(const std::vector<std::span<const double>>& groups) {
  const std::size_t k = groups.size();
  REGCHECK_REQUIRE(k >= 2, fmt::format("ANOVA: {} groups (allowed: at least 2)", k));
  std::size_t N = 0;
  double total = 0.0;
  std::vector<Moments> ms;
  for (const auto& g : groups) {
    REGCHECK_REQUIRE(!g.empty(), std::string("ANOVA: an empty group"));
    ms.push_back(moments(g, 0.0));
    N += g.size();
    total += ms.back().cmean * static_cast<double>(g.size());
  }
  REGCHECK_REQUIRE(N > k, fmt::format("ANOVA: {} values in {} groups (allowed: more values than groups)", N, k));
  const double grand = total / static_cast<double>(N);
  Anova a;
  for (std::size_t i = 0; i < k; ++i) {
    const double d = ms[i].cmean - grand;
    a.ss_between += static_cast<double>(ms[i].n) * d * d;
    a.ss_within += ms[i].var * static_cast<double>(ms[i].n - 1);
  }
  a.df_between = static_cast<double>(k - 1);
  a.df_within = static_cast<double>(N - k);
  REGCHECK_REQUIRE(a.ss_within > 0.0, std::string("ANOVA: every group is constant (zero within-group variance: no test is defined)"));
  a.f = (a.ss_between / a.df_between) / (a.ss_within / a.df_within);
  a.p_value = bm::cdf(bm::complement(bm::fisher_f(a.df_between, a.df_within), a.f));
  return a;
}

std::vector<double> holm(std::span<const double> p) {
  const std::size_t m = p.size();
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  std::vector<double> adj(m);
  double running = 0.0;
  for (std::size_t r = 0; r < m; ++r) {
    running = std::max(running, std::min(1.0, static_cast<double>(m - r) * p[order[r]]));
    adj[order[r]] = running;
  }
  return adj;
}

std::vector<double> benjamini_hochberg(std::span<const double> p) {
  const std::size_t m = p.size();
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  std::vector<double> adj(m);
  double running = 1.0;
  for (std::size_t r = m; r-- > 0;) {
    running = std::min(running, static_cast<double>(m) / static_cast<double>(r + 1) * p[order[r]]);
    adj[order[r]] = running;
  }
  return adj;
}

LinearFit linear_fit(std::span<const double> x, double ref_x, std::span<const double> y, double ref_y) {
  REGCHECK_REQUIRE(x.size() == y.size(), fmt::format("linear fit: {} x values and {} y values", x.size(), y.size()));
  REGCHECK_REQUIRE(x.size() >= 3, fmt::format("linear fit: {} points (allowed: at least 3)", x.size()));
  const double n = static_cast<double>(x.size());
  const double mx = sum(x) / n, my = sum(y) / n;
  double sxx = 0.0, sxy = 0.0, syy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double dx = x[i] - mx, dy = y[i] - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  REGCHECK_REQUIRE(sxx > 0.0, std::string("linear fit: all x values are equal (zero variance)"));
  LinearFit f;
  f.b1 = sxy / sxx;
  // Intercept at the references: b0 = (ref_y + my) - b1 (ref_x + mx), grouped so that the large
  // references meet only once.
  f.b0 = (ref_y - f.b1 * ref_x) + (my - f.b1 * mx);
  // Residual sum of squares from centered residuals (not syy - b1 sxy, which cancels when R^2 ~ 1).
  double rss = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double r = (y[i] - my) - f.b1 * (x[i] - mx);
    rss += r * r;
  }
  f.residual_sd = std::sqrt(rss / (n - 2.0));
  f.r2 = 1.0 - rss / syy;
  f.se_b1 = f.residual_sd / std::sqrt(sxx);
  const double xbar = ref_x + mx;
  f.se_b0 = f.residual_sd * std::sqrt(1.0 / n + xbar * xbar / sxx);
  return f;
}

namespace {
void require_power_inputs(double sd, double alpha) {
  REGCHECK_REQUIRE(sd > 0.0 && std::isfinite(sd), fmt::format("power: sd {} is not allowed (allowed: a finite sd > 0)", sd));
  REGCHECK_REQUIRE(alpha > 0.0 && alpha < 1.0, fmt::format("power: alpha {} is out of range (allowed: 0 < alpha < 1)", alpha));
}
}  // namespace

double t_test_power(double delta, double sd, double n, double alpha) {
  require_power_inputs(sd, alpha);
  REGCHECK_REQUIRE(n >= 2.0, fmt::format("power: {} runs per group (allowed: at least 2)", n));
  const double df = 2.0 * n - 2.0;
  const double tc = t_quantile_upper(df, alpha / 2.0);
  const double nc = std::abs(delta) / (sd * std::sqrt(2.0 / n));
  if (nc == 0.0) return alpha;
  const bm::non_central_t_distribution<double> nct(df, nc);
  return bm::cdf(bm::complement(nct, tc)) + bm::cdf(nct, -tc);
}

std::size_t runs_needed(double delta, double sd, double alpha, double power) {
  require_power_inputs(sd, alpha);
  REGCHECK_REQUIRE(delta != 0.0 && std::isfinite(delta), fmt::format("power: difference {} is not allowed (allowed: a finite nonzero difference)", delta));
  REGCHECK_REQUIRE(power > alpha && power < 1.0, fmt::format("power: target power {} is out of range (allowed: alpha < power < 1)", power));
  // Power increases with n: double until reached, then bisect on integers.
  std::size_t lo = 1, hi = 2;
  while (t_test_power(delta, sd, static_cast<double>(hi), alpha) < power) {
    lo = hi;
    hi *= 2;
    REGCHECK_REQUIRE(hi <= (std::size_t{1} << 40), fmt::format("power: difference {} needs more than 2^40 runs", delta));
  }
  while (hi - lo > 1) {
    const std::size_t mid = lo + (hi - lo) / 2;
    (t_test_power(delta, sd, static_cast<double>(mid), alpha) >= power ? hi : lo) = mid;
  }
  return hi;
}

double detectable_difference(double n, double sd, double alpha, double power) {
  require_power_inputs(sd, alpha);
  REGCHECK_REQUIRE(n >= 2.0, fmt::format("power: {} runs per group (allowed: at least 2)", n));
  REGCHECK_REQUIRE(power > alpha && power < 1.0, fmt::format("power: target power {} is out of range (allowed: alpha < power < 1)", power));
  // Power in delta is increasing from alpha (delta = 0): find the root in delta / sd with TOMS 748.
  auto f = [&](double d) { return t_test_power(d, 1.0, n, alpha) - power; };
  double hi = 1.0;
  while (f(hi) < 0.0) hi *= 2.0;
  std::uintmax_t iters = 200;
  const auto r = bm::tools::toms748_solve(f, 0.0, hi, f(0.0), f(hi), bm::tools::eps_tolerance<double>(50), iters);
  return sd * 0.5 * (r.first + r.second);
}

}  // namespace regcheck::sim::stats
