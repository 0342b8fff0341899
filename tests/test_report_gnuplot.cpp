// The gnuplot driver of `regcheck report` (reports/src/gnuplot.hpp): scripts carry every value
// exactly, gnuplot returns an SVG document, and malformed plots or a missing gnuplot are errors.
#include "reports/src/gnuplot.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>

namespace rr = regcheck::report;

namespace {
rr::Plot two_series() {
  rr::Plot p;
  p.title = "shift ratio", p.xlabel = "p (keep probability)", p.ylabel = "ratio";
  p.series.push_back({rr::Series::Kind::Line, "theory", {0.5, 0.75, 1.0}, {0.8, 0.9, 1.0}, {}, {}});
  p.series.push_back({rr::Series::Kind::ErrorBars, "Monte Carlo", {0.5, 1.0}, {0.81, 0.99}, {0.79, 0.98}, {0.83, 1.0}});
  return p;
}
}  // namespace

TEST(ReportGnuplot, ScriptCarriesEveryValueExactly) {
  const std::string s = rr::gnuplot_script(two_series());
  EXPECT_NE(s.find("$d0 << EOD\n0.5 0.80000000000000004\n"), std::string::npos) << s;  // %.17g round-trips 0.8
  EXPECT_NE(s.find("with yerrorbars"), std::string::npos);
  EXPECT_NE(s.find("set title \"shift ratio\""), std::string::npos);
  EXPECT_EQ(s, rr::gnuplot_script(two_series()));  // deterministic
}

TEST(ReportGnuplot, RendersAnSvgDocument) {
  const std::string svg = rr::render_svg(two_series());
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_NE(svg.find("shift ratio"), std::string::npos);
  EXPECT_NE(svg.find("Monte Carlo"), std::string::npos);
}

// Labels with quotes and backslashes reach gnuplot intact (f''(x) once broke its single-quote parser).
TEST(ReportGnuplot, QuotesAndBackslashesInLabels) {
  rr::Plot p = two_series();
  p.ylabel = "f''(x) of \"it's\" \\n";
  p.series[0].title = "it's";
  EXPECT_NE(rr::gnuplot_script(p).find("set ylabel \"f''(x) of \\\"it's\\\" \\\\n\""), std::string::npos) << rr::gnuplot_script(p);
  const std::string svg = rr::render_svg(p);
  EXPECT_NE(svg.find("<text>f''(x) of \"it's\" \\n</text>"), std::string::npos);  // gnuplot writes quotes unescaped in text content
}

// ---- errors that must be raised ----

TEST(ReportGnuplot, MalformedPlotsAndMissingGnuplot) {
  rr::Plot p = two_series();
  p.series[1].lo.pop_back();
  EXPECT_THROW(rr::gnuplot_script(p), std::invalid_argument);
  p = two_series();
  p.series[0].y[1] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(rr::gnuplot_script(p), std::invalid_argument);
  EXPECT_THROW(rr::gnuplot_script(rr::Plot{}), std::invalid_argument);
  ::setenv("REGCHECK_GNUPLOT", "/nonexistent/gnuplot", 1);
  try {
    rr::render_svg(two_series());
    FAIL() << "no error";
  } catch (const rr::GnuplotError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/gnuplot"), std::string::npos) << e.what();
  }
  ::unsetenv("REGCHECK_GNUPLOT");
}
