#include "regress/measure.hpp"

#include <boost/math/special_functions/next.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace regcheck::regress {

double ulp_distance(double got, const Real50& ref) {
  const double r = static_cast<double>(ref);  // correctly rounded (cpp_bin_float rounds to nearest)
  if (!std::isfinite(got) || !std::isfinite(r)) return std::numeric_limits<double>::infinity();
  return std::abs(boost::math::float_distance(got, r));
}

double lre(double got, const Real50& ref) {
  if (!std::isfinite(got)) return 0.0;
  const Real50 err = abs(Real50(got) - ref);
  if (err == 0) return kLreCap;
  const Real50 rel = ref == 0 ? err : err / abs(ref);
  const double v = -static_cast<double>(log10(rel));
  return std::clamp(v, 0.0, kLreCap) + 0.0;  // + 0.0: no "-0" for an error of 100%
}

Observation observe(const FunctionSpec& spec, const Args& args, const Reference& ref, const Evaluator& eval) {
  Observation o;
  o.input = describe(spec, args);
  o.ref = ref;
  try {
    o.got = eval(spec, args);
  } catch (const std::invalid_argument& e) {
    o.error = e.what();
  }
  return o;
}

namespace {
std::string join_doubles(const std::vector<double>& v) { return join_list(v, number_text); }
std::string join_refs(const std::vector<Real50>& v) {
  return join_list(v, [](const Real50& r) { return r.str(20, std::ios_base::scientific); });
}
}  // namespace

Stats measure(const std::string& function, const std::vector<Observation>& obs) {
  Stats s;
  s.function = function;
  double sum_ulps = 0, sum_lre = 0;
  for (const Observation& o : obs) {
    ++s.rows;
    s.row_ulps.push_back(std::numeric_limits<double>::quiet_NaN());
    s.row_inputs.push_back(o.input);
    auto mismatch = [&](const std::string& what) {
      if (s.mismatches++ == 0) s.first_mismatch = fmt::format("row {} ({}): {}", o.row, o.input, what);
    };
    if (!o.ref) {
      if (o.got) mismatch("returned " + join_doubles(*o.got) + " where the input is outside the domain or the value beyond DBL_MAX");
      else ++s.error_rows;
      continue;
    }
    if (!o.got) {
      mismatch("refused the input (" + o.error + ") where the 50-digit reference is " + join_refs(*o.ref));
      continue;
    }
    if (o.got->size() != o.ref->size()) {
      mismatch(fmt::format("returned {} values, the reference has {}", o.got->size(), o.ref->size()));
      continue;
    }
    RowError r{.row = o.row, .line = o.line, .input = o.input, .ulps = 0, .lre = kLreCap,
               .got = join_doubles(*o.got), .ref = join_refs(*o.ref)};
    for (std::size_t i = 0; i < o.got->size(); ++i) {
      const double u = ulp_distance((*o.got)[i], (*o.ref)[i]);
      const double l = lre((*o.got)[i], (*o.ref)[i]);
      ++s.points;
      sum_ulps += u;
      sum_lre += l;
      r.ulps = std::max(r.ulps, u);
      r.lre = std::min(r.lre, l);
      s.lre_min = std::min(s.lre_min, l);
    }
    s.row_ulps.back() = r.ulps;
    if (s.all.empty() || r.ulps > s.max_ulps) {  // the first row of the largest error
      s.max_ulps = r.ulps;
      s.worst_input = r.input;
    }
    s.all.push_back(std::move(r));
  }
  if (s.points > 0) {
    s.mean_ulps = sum_ulps / static_cast<double>(s.points);
    s.lre_mean = sum_lre / static_cast<double>(s.points);
  }
  std::vector<RowError> sorted = s.all;
  std::stable_sort(sorted.begin(), sorted.end(), [](const RowError& a, const RowError& b) { return a.ulps > b.ulps; });
  sorted.resize(std::min<std::size_t>(sorted.size(), 5));
  s.worst = std::move(sorted);
  return s;
}

}  // namespace regcheck::regress
