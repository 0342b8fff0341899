// The analytic figures of `regcheck report` (reports/src/figures.hpp): one FigureSpec builder per
// source (analytic_figures_<source>.cpp), rendered here by gnuplot (reports/src/gnuplot.hpp).
#include "reports/src/analytic_figures.hpp"
#include "reports/src/figures.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace regcheck::report {

namespace figures_detail {

const nlohmann::json* find_claim(const nlohmann::json& doc, std::string_view id) {
  if (!doc.is_object() || !doc.contains("claims")) return nullptr;
  const nlohmann::json& claims = doc["claims"];
  if (!claims.is_array())
    throw std::invalid_argument(fmt::format("verify JSON: 'claims' must be an array, got {}", claims.type_name()));
  for (const nlohmann::json& c : claims)
    if (c.is_object() && c.value("id", std::string()) == id) return &c;
  return nullptr;
}

const nlohmann::json* extra_table(const nlohmann::json* claim, std::string_view key) {
  if (!claim || !claim->contains("extra")) return nullptr;
  const nlohmann::json& extra = (*claim)["extra"];
  const std::string k(key);
  if (!extra.is_object() || !extra.contains(k)) return nullptr;
  const nlohmann::json& t = extra[k];
  return t.is_array() && !t.empty() ? &t : nullptr;
}

std::optional<double> number(const nlohmann::json& row, std::string_view key) {
  const std::string k(key);
  if (!row.is_object() || !row.contains(k)) return std::nullopt;
  const nlohmann::json& v = row[k];
  if (v.is_number()) {
    const double d = v.get<double>();
    return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
  }
  if (v.is_string() && (v == "nan" || v == "inf" || v == "-inf")) return std::nullopt;
  throw std::invalid_argument(fmt::format("verify JSON: field '{}' must be a number, got {} {}", k, v.type_name(), v.dump()));
}

double required(const nlohmann::json& row, std::string_view key, std::string_view table) {
  const std::optional<double> v = number(row, key);
  if (!v)
    throw std::invalid_argument(
        fmt::format("verify JSON: row {} of table '{}' has no finite numeric '{}'", row.dump(), table, key));
  return *v;
}

std::pair<double, double> ci_pair(const nlohmann::json& row, std::string_view table) {
  if (!row.is_object() || !row.contains("ci") || !row["ci"].is_array() || row["ci"].size() != 2 ||
      !row["ci"][0].is_number() || !row["ci"][1].is_number())
    throw std::invalid_argument(fmt::format("verify JSON: row {} of table '{}' has no numeric 'ci' [lo, hi]", row.dump(), table));
  return {row["ci"][0].get<double>(), row["ci"][1].get<double>()};
}

double mc_samples(const nlohmann::json* claim) {
  double n = 0;
  if (!claim || !claim->contains("checks") || !(*claim)["checks"].is_array()) return 0;
  for (const nlohmann::json& c : (*claim)["checks"])
    if (c.is_object() && c.value("method", std::string()) == "monte-carlo")
      if (const auto v = number(c, "n")) n = std::max(n, *v);
  return n;
}

std::uint64_t seed_of(const nlohmann::json& doc) {
  if (!doc.is_object() || !doc.contains("seed")) return 1;
  const nlohmann::json& s = doc["seed"];
  // nlohmann stores a non-negative literal as unsigned when parsed, as signed when built in C++.
  if (s.is_number_unsigned() || (s.is_number_integer() && s.get<std::int64_t>() >= 0)) return s.get<std::uint64_t>();
  return 1;
}

std::string samples_text(double n) {
  if (n <= 0) return "an unrecorded number of";
  const int e = static_cast<int>(std::floor(std::log10(n)));
  const double m = n / std::pow(10.0, e);
  if (e >= 5 && std::abs(m - std::round(m)) < 1e-9)
    return std::round(m) == 1 ? fmt::format("10^{}", e) : fmt::format("{}x10^{}", std::round(m), e);
  return fmt::format("{}", n);
}

}  // namespace figures_detail

std::vector<FigureSpec> analytic_figure_specs(const std::string& source, const nlohmann::json& verify_doc) {
  if (source == "dropact") return figures_detail::dropact_specs(verify_doc);
  if (source == "tl1") return figures_detail::tl1_specs(verify_doc);
  if (source == "gcsr") return figures_detail::gcsr_specs(verify_doc);
  if (source == "dlbook") return figures_detail::dlbook_specs(verify_doc);
  throw std::invalid_argument(fmt::format("analytic figures: unknown source '{}' (dropact, tl1, gcsr, dlbook)", source));
}

std::vector<RenderedFigure> analytic_figures(const std::string& source, const nlohmann::json& verify_doc) {
  std::vector<RenderedFigure> out;
  for (const FigureSpec& f : analytic_figure_specs(source, verify_doc))
    out.push_back({f.file_name, f.caption, render_svg(f.plot)});
  return out;
}

}  // namespace regcheck::report
