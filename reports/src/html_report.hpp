#pragma once
// The HTML of `regcheck report`: one self-contained page (inline CSS and SVG figures, no scripts,
// fonts or URLs), readable on a laptop and printable, built from the verify and reproduce JSON.
#include "reports/src/figures.hpp"
#include "reports/src/report_inputs.hpp"

#include <string>
#include <vector>

namespace regcheck::report {

// How the report was made. Printed in the provenance block, the only part of the page that
// differs between two reports of the same inputs (it lies between kProvenanceBegin/End).
struct Provenance {
  std::string command_line, seed, scale, version, git_commit, compiler, eigen, boost, threads, date;
  double wall_seconds = 0;
};
inline constexpr const char* kProvenanceBegin = "<!-- provenance:begin -->";
inline constexpr const char* kProvenanceEnd = "<!-- provenance:end -->";

struct Report {
  std::string html;                     // index.html
  std::vector<RenderedFigure> figures;  // written beside it (and inlined in the html)
};

// `&`, `<`, `>`, `"` and `'` as entities.
std::string escape_html(const std::string& s);

// The provenance block, from kProvenanceBegin to kProvenanceEnd inclusive (the data files' SHA-256
// and run counts come from the reproduce JSON).
std::string provenance_html(const ReportInputs& in, const Provenance& prov);

// The report of the inputs. Sources in the order dropact, gcsr, tl1, dlbook (then any other);
// per source the analytic claims (with analytic_figures(source, verify)) and the empirical claims
// (with empirical_figures). Throws GnuplotError when gnuplot cannot draw.
Report build_report(const ReportInputs& in, const Provenance& prov);

}  // namespace regcheck::report
