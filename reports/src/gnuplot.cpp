#include "reports/src/gnuplot.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>
#include <sys/wait.h>

namespace regcheck::report {

namespace {
// Gnuplot strings in double quotes with \ and " escaped. (Single-quoted strings double a quote,
// but gnuplot 5.4 misparses a run of them: 'f''''(x)' for f''(x) is a syntax error.)
std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out + "\"";
}

void check(const Series& s, std::size_t index) {
  const bool band = s.kind == Series::Kind::Band, bars = s.kind == Series::Kind::ErrorBars;
  const std::size_t n = s.x.size();
  auto bad = [&](const std::string& what) {
    throw std::invalid_argument(fmt::format("plot series {} ('{}'): {}", index, s.title, what));
  };
  if (n == 0) bad("no points");
  if (!band && s.y.size() != n) bad(fmt::format("{} x values but {} y values", n, s.y.size()));
  if ((band || bars) && (s.lo.size() != n || s.hi.size() != n))
    bad(fmt::format("{} x values but {} lo / {} hi values", n, s.lo.size(), s.hi.size()));
  for (const auto* v : {&s.x, &s.y, &s.lo, &s.hi})
    for (double d : *v)
      if (!std::isfinite(d)) bad(fmt::format("non-finite value {}", d));
}
}  // namespace

std::string gnuplot_script(const Plot& p) {
  if (p.series.empty()) throw std::invalid_argument(fmt::format("plot '{}': no series", p.title));
  std::ostringstream g;
  // %.17g: every double round-trips, so the plotted values are the reported ones.
  for (std::size_t i = 0; i < p.series.size(); ++i) {
    const Series& s = p.series[i];
    check(s, i);
    g << "$d" << i << " << EOD\n";
    for (std::size_t k = 0; k < s.x.size(); ++k) {
      g << fmt::format("{:.17g}", s.x[k]);
      if (s.kind != Series::Kind::Band) g << fmt::format(" {:.17g}", s.y[k]);
      if (s.kind == Series::Kind::Band || s.kind == Series::Kind::ErrorBars) g << fmt::format(" {:.17g} {:.17g}", s.lo[k], s.hi[k]);
      g << "\n";
    }
    g << "EOD\n";
  }
  g << fmt::format("set terminal svg size {},{} dynamic enhanced font 'sans,11' background rgb 'white'\n", p.width, p.height);
  g << "set encoding utf8\nset key outside right top box\nset grid\n";
  g << "set title " << quote(p.title) << " noenhanced\n";
  g << "set xlabel " << quote(p.xlabel) << " noenhanced\nset ylabel " << quote(p.ylabel) << " noenhanced\n";
  // '%g' tick labels: gnuplot's default on a log axis prints 10.000000.
  g << "set format x '%g'\nset format y '%g'\n";
  if (p.logx) g << "set logscale x\n";
  if (p.logy) g << "set logscale y\n";
  if (p.xrange) g << fmt::format("set xrange [{:.17g}:{:.17g}]\n", p.xrange->first, p.xrange->second);
  if (p.yrange) g << fmt::format("set yrange [{:.17g}:{:.17g}]\n", p.yrange->first, p.yrange->second);
  g << "plot ";
  for (std::size_t i = 0; i < p.series.size(); ++i) {
    const Series& s = p.series[i];
    const std::string t = s.title.empty() ? std::string("notitle") : "title " + quote(s.title) + " noenhanced";
    // Eight colours that stay apart on white and in grey print (gnuplot's default 6th, yellow, is
    // pale); Series::color picks one (a band and its line alike), 0 = by series index.
    static constexpr const char* kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"};
    const std::size_t colour = s.color > 0 ? static_cast<std::size_t>(s.color - 1) : i;
    const std::string lc = fmt::format("rgb '{}'", kColours[colour % 8]);
    if (i) g << ", \\\n     ";
    switch (s.kind) {
      case Series::Kind::Line: g << fmt::format("$d{} using 1:2 with lines lw 2 lc {} {}", i, lc, t); break;
      case Series::Kind::Points: g << fmt::format("$d{} using 1:2 with points pt 7 ps 0.6 lc {} {}", i, lc, t); break;
      case Series::Kind::ErrorBars: g << fmt::format("$d{} using 1:2:3:4 with yerrorbars pt 7 ps 0.6 lc {} {}", i, lc, t); break;
      case Series::Kind::Band: g << fmt::format("$d{} using 1:2:3 with filledcurves fs transparent solid 0.25 noborder lc {} {}", i, lc, t); break;
    }
  }
  g << "\n";
  return g.str();
}

std::string render_svg(const Plot& p) {
  const std::string script = gnuplot_script(p);
  const char* env = std::getenv("REGCHECK_GNUPLOT");
  const std::string program = env && *env ? env : "gnuplot";
  namespace fs = std::filesystem;
  // The script goes through a temporary file (no shell quoting of user text); SVG comes back on stdout.
  const fs::path tmp = fs::temp_directory_path() / fmt::format("regcheck-plot-{}-{}.gp", ::getpid(), static_cast<const void*>(&p));
  {
    std::ofstream f(tmp);
    f << script;
    if (!f) throw GnuplotError(fmt::format("cannot write the gnuplot script {}", tmp.string()));
  }
  const std::string cmd = program + " " + tmp.string() + " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) {
    fs::remove(tmp);
    throw GnuplotError(fmt::format("cannot run '{}' (install Debian gnuplot-nox)", program));
  }
  std::string out;
  std::array<char, 65536> buf{};
  for (std::size_t n; (n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0;) out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  fs::remove(tmp);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  const std::size_t svg = out.find("<?xml");
  if (code != 0 || svg == std::string::npos) {
    const std::string head = out.substr(0, 300);
    throw GnuplotError(code == 127 ? fmt::format("'{}' not found (install Debian gnuplot-nox)", program)
                                   : fmt::format("'{}' failed (exit {}): {}", program, code, head));
  }
  return out.substr(svg);
}

}  // namespace regcheck::report
