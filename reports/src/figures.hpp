#pragma once
// The figures of `regcheck report`: rendered SVG documents with their captions.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace regcheck::report {

struct RenderedFigure {
  std::string file_name;  // e.g. "dropact-shift-ratio.svg", written beside index.html
  std::string caption;    // what is plotted, the number of seeds / samples
  std::string svg;        // the SVG document (gnuplot's)
};

// The analytic figures of one source ("dropact", "gcsr", "tl1", "dlbook") from the JSON of
// `regcheck verify --json` (claims/theory closed forms against their Monte Carlo estimates):
// the Drop-Activation and dropout shift ratios over p, the TL1 prox / thresholding for several a,
// the GCSR coherence closed forms. Implemented in reports/src/analytic_figures.cpp.
std::vector<RenderedFigure> analytic_figures(const std::string& source, const nlohmann::json& verify_doc);

}  // namespace regcheck::report
