#include "regress/baseline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace regcheck::regress {

double ulps_budget(double old_ulps) { return std::max(2 * old_ulps, old_ulps + 2); }

nlohmann::json json_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

namespace {
double number_of(const nlohmann::json& j, const std::string& fn, const char* key) {
  if (!j.contains(key)) throw std::invalid_argument(fmt::format("baseline: function '{}' lacks '{}'", fn, key));
  const nlohmann::json& v = j.at(key);
  if (v.is_number()) return v.get<double>();
  if (v == "inf") return std::numeric_limits<double>::infinity();
  throw std::invalid_argument(fmt::format("baseline: function '{}': '{}' is not a number", fn, key));
}
std::string ulps_text(double u) { return std::isfinite(u) ? fmt::format("{:.4g}", u) : "inf"; }
}  // namespace

nlohmann::json baseline_json(const std::vector<Stats>& stats) {
  nlohmann::json out;
  out["format"] = 1;
  out["rule"] = "a function regresses when a row's error exceeds max(2 old, old + 2) ulps, a row with a value is refused, "
                "its mismatches grow, or its row count changed (README, section regress)";
  nlohmann::json fs = nlohmann::json::object();
  for (const Stats& s : stats)
    fs[s.function] = {{"rows", s.rows},           {"points", s.points},     {"error_rows", s.error_rows},
                      {"mismatches", s.mismatches}, {"max_ulps", json_number(s.max_ulps)}, {"mean_ulps", json_number(s.mean_ulps)},
                      {"lre_min", s.lre_min},     {"lre_mean", s.lre_mean}, {"worst_input", s.worst_input}};
  for (const Stats& s : stats) {
    nlohmann::json rows = nlohmann::json::array();
    for (double u : s.row_ulps) rows.push_back(std::isnan(u) ? nlohmann::json(nullptr) : json_number(u));
    fs[s.function]["row_ulps"] = rows;
  }
  out["functions"] = fs;
  return out;
}

std::vector<Verdict> compare(const nlohmann::json& baseline, const std::vector<Stats>& stats) {
  if (!baseline.is_object() || !baseline.contains("functions") || !baseline["functions"].is_object())
    throw std::invalid_argument("baseline: expected an object with a 'functions' object");
  const nlohmann::json& fs = baseline["functions"];
  std::vector<Verdict> out;
  for (const Stats& s : stats) {
    Verdict v;
    v.function = s.function;
    if (!fs.contains(s.function)) {
      v.regressed = true;
      v.line = fmt::format("{}: no baseline entry (new function? run `regcheck regress --bless`)", s.function);
      out.push_back(v);
      continue;
    }
    const nlohmann::json& b = fs[s.function];
    v.has_baseline = true;
    v.old_max = number_of(b, s.function, "max_ulps");
    v.old_mean = number_of(b, s.function, "mean_ulps");
    const double old_mismatches = number_of(b, s.function, "mismatches");
    const nlohmann::json& old_rows = b.contains("row_ulps") ? b["row_ulps"] : nlohmann::json::array();
    if (!old_rows.is_array() || old_rows.size() != s.row_ulps.size()) {
      v.regressed = true;
      v.line = fmt::format("{}: the table has {} rows, the baseline {} (tables regenerated? run `regcheck regress --bless`)",
                           s.function, s.row_ulps.size(), old_rows.is_array() ? old_rows.size() : 0);
      out.push_back(v);
      continue;
    }
    // The row exceeding its budget by the largest factor is the one named.
    double worst_ratio = 0;
    for (std::size_t i = 0; i < s.row_ulps.size(); ++i) {
      const nlohmann::json& o = old_rows[i];
      if (o.is_null()) continue;  // error row (or a mismatch already counted in the baseline)
      const double old_u = o.is_number() ? o.get<double>() : std::numeric_limits<double>::infinity();
      const double new_u = s.row_ulps[i];
      const double budget = ulps_budget(old_u);
      const bool refused = std::isnan(new_u);
      if (!refused && new_u <= budget) continue;
      ++v.rows_over_budget;
      const double ratio = refused ? std::numeric_limits<double>::infinity() : new_u / budget;
      if (v.rows_over_budget > 1 && !(ratio > worst_ratio)) continue;
      worst_ratio = ratio;
      v.regressed = true;
      v.budget_max = budget;
      const std::string& input = s.row_inputs[i];
      v.line = refused ? fmt::format("{} at {} (row {}): error {} ulps -> refuses the input (the table has a value)", s.function,
                                     input, i + 1, ulps_text(old_u))
                       : fmt::format("{} at {} (row {}): error {} ulps -> {} ulps (budget {} ulps)", s.function, input, i + 1,
                                     ulps_text(old_u), ulps_text(new_u), ulps_text(budget));
    }
    if (v.rows_over_budget > 1) v.line += fmt::format("; {} rows over budget", v.rows_over_budget);
    if (!v.regressed && static_cast<double>(s.mismatches) > old_mismatches) {
      v.regressed = true;
      v.line = fmt::format("{}: {} (mismatches {} -> {})", s.function, s.first_mismatch, old_mismatches, s.mismatches);
    }
    out.push_back(v);
  }
  return out;
}

namespace {
// One line per function in the given row format (text or markdown), shared by both reports.
std::string table_rows(const std::vector<Stats>& stats, const std::vector<Verdict>& verdicts, std::string_view row,
                       const char* regressed) {
  std::string out;
  for (std::size_t i = 0; i < stats.size(); ++i) {
    const Stats& s = stats[i];
    const Verdict* v = i < verdicts.size() ? &verdicts[i] : nullptr;
    out += fmt::format(fmt::runtime(row), s.function, s.rows, s.points, ulps_text(s.max_ulps), s.mean_ulps, s.lre_min, s.lre_mean,
                       v && v->has_baseline ? ulps_text(v->old_max) : "-", v ? (v->regressed ? regressed : "ok") : "-",
                       s.worst_input);
  }
  return out;
}
}  // namespace

std::string text_report(const std::vector<Stats>& stats, const std::vector<Verdict>& verdicts) {
  return fmt::format("{:<21} {:>5} {:>6} {:>10} {:>10} {:>7} {:>8} {:>10}  {:<9} {}\n", "function", "rows", "points", "max_ulps",
                     "mean_ulps", "LRE_min", "LRE_mean", "old_max", "verdict", "worst input") +
         table_rows(stats, verdicts, "{:<21} {:>5} {:>6} {:>10} {:>10.3g} {:>7.2f} {:>8.2f} {:>10}  {:<9} {}\n", "REGRESSED");
}

nlohmann::json json_report(const std::vector<Stats>& stats, const std::vector<Verdict>& verdicts) {
  nlohmann::json fs = nlohmann::json::array();
  bool any = false;
  for (std::size_t i = 0; i < stats.size(); ++i) {
    const Stats& s = stats[i];
    nlohmann::json f = baseline_json({s})["functions"][s.function];
    f.erase("row_ulps");
    f["function"] = s.function;
    nlohmann::json worst = nlohmann::json::array();
    for (const RowError& r : s.worst)
      worst.push_back({{"row", r.row}, {"input", r.input}, {"ulps", json_number(r.ulps)}, {"lre", r.lre}, {"value", r.got}, {"reference", r.ref}});
    f["worst_rows"] = worst;
    if (s.mismatches) f["first_mismatch"] = s.first_mismatch;
    if (i < verdicts.size()) {
      const Verdict& v = verdicts[i];
      any = any || v.regressed;
      f["verdict"] = v.regressed ? "regressed" : "ok";
      if (v.has_baseline) f["baseline"] = {{"max_ulps", json_number(v.old_max)}, {"mean_ulps", json_number(v.old_mean)}};
      f["rows_over_budget"] = v.rows_over_budget;
      if (v.regressed) f["regression"] = v.line;
    }
    fs.push_back(f);
  }
  return {{"functions", fs}, {"verdict", any ? "regressed" : "ok"}};
}

std::string markdown_report(const std::vector<Stats>& stats, const std::vector<Verdict>& verdicts) {
  std::string out =
      "| function | rows | points | max ulps | mean ulps | LRE min | LRE mean | baseline max ulps | verdict | worst input |\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n" +
      table_rows(stats, verdicts, "| {} | {} | {} | {} | {:.3g} | {:.2f} | {:.2f} | {} | {} | `{}` |\n", "**REGRESSED**");
  for (const Verdict& v : verdicts)
    if (v.regressed) out += "\n- " + v.line;
  return out + "\n";
}

}  // namespace regcheck::regress
