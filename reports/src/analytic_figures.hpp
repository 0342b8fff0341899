#pragma once
// The analytic figures before rendering: each a gnuplot Plot (reports/src/gnuplot.hpp) with its
// file name and caption. analytic_figures() (reports/src/figures.hpp) renders these; the tests use
// the Plot's axis ranges to map a plotted value to SVG pixels.
#include "reports/src/gnuplot.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace regcheck::report {

struct FigureSpec {
  std::string file_name;
  std::string caption;
  Plot plot;
};

// The figures of one source ("dropact", "tl1", "gcsr", "dlbook") from the JSON of
// `regcheck verify --json`. Monte Carlo points come from the claims' `extra` tables when the
// document carries them, else (dropact, gcsr) from a small deterministic sweep seeded by the
// document's `seed` (1 when absent); the caption says which. dlbook's figures (ensemble MSE vs k,
// early-stopping alpha error) are drawn only from the tables, none when they are absent. Throws std::invalid_argument naming an unknown
// source, a `claims` field that is not an array, or an `extra` row without its numeric fields.
std::vector<FigureSpec> analytic_figure_specs(const std::string& source, const nlohmann::json& verify_doc);

namespace figures_detail {
// The claim object with this id in verify_doc["claims"], or nullptr.
const nlohmann::json* find_claim(const nlohmann::json& verify_doc, std::string_view id);
// extra[key] of a claim when it is a non-empty array, else nullptr.
const nlohmann::json* extra_table(const nlohmann::json* claim, std::string_view key);
// row[key] as a finite number: nullopt when absent or written as "nan"/"inf" (README: non-finite
// numbers are strings); throws std::invalid_argument naming the key when it is another type.
std::optional<double> number(const nlohmann::json& row, std::string_view key);
// row[key] that must be a finite number (std::invalid_argument naming the key and table otherwise).
double required(const nlohmann::json& row, std::string_view key, std::string_view table);
// row["ci"] as a numeric [lo, hi] pair (std::invalid_argument naming the row and table otherwise).
std::pair<double, double> ci_pair(const nlohmann::json& row, std::string_view table);
// Largest `n` over the claim's Monte Carlo sub-checks (checks[].method == "monte-carlo"), 0 if none.
double mc_samples(const nlohmann::json* claim);
// The document's seed (1 when absent).
std::uint64_t seed_of(const nlohmann::json& verify_doc);
// Samples in words for captions: 1000000 -> "10^6", 400000 -> "4x10^5", 16384 -> "16384".
std::string samples_text(double n);

std::vector<FigureSpec> dropact_specs(const nlohmann::json& verify_doc);
std::vector<FigureSpec> tl1_specs(const nlohmann::json& verify_doc);
std::vector<FigureSpec> gcsr_specs(const nlohmann::json& verify_doc);
std::vector<FigureSpec> dlbook_specs(const nlohmann::json& verify_doc);
}  // namespace figures_detail

}  // namespace regcheck::report
