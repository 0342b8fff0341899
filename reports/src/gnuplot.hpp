#pragma once
// Figures of `regcheck report`, drawn by gnuplot (Debian gnuplot-nox) from C++: a Plot is written
// as one gnuplot script with inline data blocks, piped to `gnuplot`, and its SVG read back. No
// SVG is drawn here; gnuplot does the plotting.
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace regcheck::report {

struct Series {
  enum class Kind { Line, Points, ErrorBars, Band };
  Kind kind = Kind::Line;
  std::string title;                 // legend entry ("" = none)
  std::vector<double> x, y;          // Line, Points, ErrorBars: y; Band: unused
  std::vector<double> lo, hi;        // ErrorBars and Band: the interval at each x
  int color = 0;                     // 1..8: one of the eight colours of gnuplot.cpp (a band and its line alike); 0: by series index
};

struct Plot {
  std::string title, xlabel, ylabel;  // axes labelled with units
  bool logx = false, logy = false;
  std::optional<std::pair<double, double>> xrange, yrange;
  std::vector<Series> series;
  int width = 640, height = 400;      // pixels
};

// gnuplot is not installed or failed: the report cannot be drawn (exit 2 in the CLI).
struct GnuplotError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The gnuplot script of a plot (inline data blocks; deterministic for the same plot).
std::string gnuplot_script(const Plot& p);
// Runs `gnuplot` (or $REGCHECK_GNUPLOT) on the script; returns the SVG document. Throws
// GnuplotError naming the program and its exit status; std::invalid_argument on a malformed plot
// (series lengths differ, non-finite values, no series).
std::string render_svg(const Plot& p);

}  // namespace regcheck::report
