// The analytic figures of `regcheck report` (reports/src/analytic_figures*.cpp): every figure is
// valid XML (parsed by Python's xml.dom.minidom) and shows its data: a value with an independently
// known position (hand / bc-computed closed forms, values planted in a fixture verify JSON) is
// mapped to SVG pixels through the plot frame gnuplot draws (the border rectangle) and the plot's
// axis ranges, and a marker or a line vertex must sit at that pixel.
#include "reports/src/analytic_figures.hpp"
#include "reports/src/figures.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <regex>
#include <unistd.h>

namespace rr = regcheck::report;
using nlohmann::json;

namespace {

struct Frame {
  double left = 0, top = 0, right = 0, bottom = 0;
};

// gnuplot's svg terminal draws the plot border as one closed path
// "M l,t L l,b L r,b L r,t L l,t Z"; the key box (also a rectangle) is smaller, so the largest
// such rectangle is the frame.
std::optional<Frame> frame_of(const std::string& svg) {
  static const std::regex rect(R"(d='M([\d.]+),([\d.]+) L\1,([\d.]+) L([\d.]+),\3 L\4,\2 L\1,\2 Z)");
  std::optional<Frame> best;
  double best_area = 0;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), rect); it != std::sregex_iterator(); ++it) {
    Frame f{std::stod((*it)[1]), std::stod((*it)[2]), std::stod((*it)[4]), std::stod((*it)[3])};
    const double area = std::abs((f.right - f.left) * (f.bottom - f.top));
    if (area > best_area) best_area = area, best = f;
  }
  return best;
}

struct Pixel {
  double x, y;
};
// Data -> pixel through the frame and the plot's explicit axis ranges (log10 on a log axis).
Pixel to_pixel(const rr::Plot& p, const Frame& f, double x, double y) {
  auto frac = [](double v, std::pair<double, double> r, bool log) {
    return log ? (std::log10(v) - std::log10(r.first)) / (std::log10(r.second) - std::log10(r.first))
               : (v - r.first) / (r.second - r.first);
  };
  return {f.left + frac(x, *p.xrange, p.logx) * (f.right - f.left),
          f.bottom - frac(y, *p.yrange, p.logy) * (f.bottom - f.top)};
}

// gnuplot writes coordinates with 2 decimals (0.005 px rounding, on the frame corners too): a
// point is found when within 0.06 px, far below the 1-2 px spacing of distinct plotted values.
constexpr double kPxTol = 0.06;

std::vector<Pixel> markers(const std::string& svg) {  // <use ... transform='translate(x,y) ...'>
  static const std::regex use(R"(<use xlink:href='#gpPt\d+' transform='translate\(([\d.]+),([\d.]+)\))");
  std::vector<Pixel> out;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), use); it != std::sregex_iterator(); ++it)
    out.push_back({std::stod((*it)[1]), std::stod((*it)[2])});
  return out;
}
std::vector<Pixel> vertices(const std::string& svg) {  // every "M x,y" / "L x,y" of every path
  static const std::regex v(R"([ML]([\d.]+),([\d.]+))");
  std::vector<Pixel> out;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), v); it != std::sregex_iterator(); ++it)
    out.push_back({std::stod((*it)[1]), std::stod((*it)[2])});
  return out;
}
bool near(const std::vector<Pixel>& pts, Pixel want) {
  for (const Pixel& q : pts)
    if (std::abs(q.x - want.x) <= kPxTol && std::abs(q.y - want.y) <= kPxTol) return true;
  return false;
}
bool inside(const Frame& f, Pixel q) {
  return q.x >= f.left - kPxTol && q.x <= f.right + kPxTol && q.y >= f.top - kPxTol && q.y <= f.bottom + kPxTol;
}

// Valid XML: Debian's Python parses the document (not the pyenv python3 on PATH).
bool valid_xml(const std::string& svg, std::string* why) {
  const std::filesystem::path tmp = std::filesystem::temp_directory_path() / ("regcheck-fig-" + std::to_string(::getpid()) + ".svg");
  std::ofstream(tmp) << svg;
  const std::string cmd = "/usr/bin/python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' " +
                          tmp.string() + " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  char buf[512];
  std::string out;
  while (pipe && std::fgets(buf, sizeof buf, pipe)) out += buf;
  const int status = pipe ? ::pclose(pipe) : -1;
  std::filesystem::remove(tmp);
  *why = out;
  return status == 0;
}

// Rendered figure with its frame; fails the test when the frame is missing.
struct Drawn {
  rr::FigureSpec spec;
  std::string svg;
  Frame frame;
};
Drawn draw(const rr::FigureSpec& f) {
  Drawn d{f, rr::render_svg(f.plot), {}};
  const auto fr = frame_of(d.svg);
  EXPECT_TRUE(fr.has_value()) << f.file_name << ": no plot frame found";
  if (fr) d.frame = *fr;
  return d;
}

// A verify JSON holding planted Monte Carlo rows (values chosen for the test, not computed).
json fixture() {
  return json::parse(R"({"seed": 42, "claims": [
    {"id": "dropact.prop5_2.shift-ratio", "checks": [{"method": "monte-carlo", "n": 1000000}],
     "extra": {"monte_carlo": [{"p": 0.5, "estimate": 0.9, "se": 0.01}, {"p": 0.3, "estimate": "nan", "se": "nan"}]}},
    {"id": "dropact.sec5_2.vs-dropout", "checks": [{"method": "monte-carlo", "n": 400000}],
     "extra": {"monte_carlo": [{"method": "dropout", "p": 0.5, "estimate": 0.4, "se": 0.002}]}},
    {"id": "gcsr.eq9.coherence-closed-form", "checks": [{"method": "monte-carlo", "n": 16384}],
     "extra": {"grid": [{"penalty": "L2", "lambda": 0.5, "sg": 1.0, "sw": 1.0, "estimate": 0.76, "ci": [0.755, 0.765]},
                        {"penalty": "L1", "lambda": 0.2, "sg": 0.1, "sw": 1.0, "estimate": 0.64, "ci": [0.635, 0.645]}]}},
    {"id": "dlbook.7_10.ensemble-mse", "checks": [{"method": "monte-carlo", "n": 131072}],
     "extra": {"grid": [{"k": 2, "v": 1.0, "c": 0.0, "mc": 0.51, "ci": [0.49, 0.53]},
                        {"k": 10, "v": 1.0, "c": -0.1, "mc": 0.0101, "ci": [0.0098, 0.0104]}]}},
    {"id": "dlbook.7_7.early-stopping", "checks": [],
     "extra": {"alpha_7_28_table": [{"tau_eta_lambda": 1.0, "rel_error": -0.418}, {"tau_eta_lambda": 0.01, "rel_error": 0.0}]}}
  ]})");
}

// Independent closed forms (the papers' formulas written out here, not theory/):
// eq. (15) of Drop-Activation and the L2 / L1 coherence of claims/CATALOG.md.
double shift_ratio_hand(double p) {
  const double pi = std::numbers::pi;
  return ((0.5 - 1 / (2 * pi)) * p * p - p + 1) / (1 - p / 2 - p * p / (2 * pi));
}
double dropout_ratio_hand(double p) {
  const double c2 = 1 / (2 * std::numbers::pi), v = 0.5 - c2;
  return v / ((c2 + v) / p - c2);
}

}  // namespace

TEST(ReportFigures, DropactShowsTheoryCurvesMonteCarloPointsAndTheOperatingPoint) {
  const auto specs = rr::analytic_figure_specs("dropact", fixture());
  ASSERT_EQ(specs.size(), 1u);
  const Drawn d = draw(specs[0]);
  EXPECT_EQ(d.spec.file_name, "dropact-shift-ratio.svg");
  // The 0.9377 point: eq. (15) at p = 0.95 = 0.93772332152382421210... (bc -l, 40 digits).
  EXPECT_TRUE(near(markers(d.svg), to_pixel(d.spec.plot, d.frame, 0.95, 0.93772332152382421))) << d.svg;
  EXPECT_NE(d.svg.find("p = 0.95: 0.9377"), std::string::npos);
  // The planted Monte Carlo points (Drop-Activation 0.9 and dropout 0.4 at p = 0.5).
  EXPECT_TRUE(near(markers(d.svg), to_pixel(d.spec.plot, d.frame, 0.5, 0.9)));
  EXPECT_TRUE(near(markers(d.svg), to_pixel(d.spec.plot, d.frame, 0.5, 0.4)));
  // Its 95% bar: the segment end at 0.9 + 1.959964 * 0.01.
  EXPECT_TRUE(near(vertices(d.svg), to_pixel(d.spec.plot, d.frame, 0.5, 0.9 + 1.959963984540054 * 0.01)));
  // Theory curves at p = 0.5: eq. (15) 0.82399603287615205 and dropout 0.40536012444603735 (bc -l).
  EXPECT_TRUE(near(vertices(d.svg), to_pixel(d.spec.plot, d.frame, 0.5, 0.82399603287615205)));
  EXPECT_TRUE(near(vertices(d.svg), to_pixel(d.spec.plot, d.frame, 0.5, 0.40536012444603735)));
  // Caption: sample counts and seed; the "nan" row is omitted and said so.
  EXPECT_NE(d.spec.caption.find("10^6 samples"), std::string::npos) << d.spec.caption;
  EXPECT_NE(d.spec.caption.find("4x10^5 samples"), std::string::npos) << d.spec.caption;
  EXPECT_NE(d.spec.caption.find("seed 42"), std::string::npos) << d.spec.caption;
  EXPECT_NE(d.spec.caption.find("1 rows without a finite estimate omitted"), std::string::npos) << d.spec.caption;
}

// Without Monte Carlo tables the report computes a small sweep from the document's seed. Each
// point must agree with the hand closed form within 4.42 se: per-point false-failure rate 1e-5,
// 10 points 1e-4 (the seed is fixed, so the outcome itself is deterministic).
TEST(ReportFigures, DropactFallbackSweepIsDeterministicFastAndOnTheCurve) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto a = rr::analytic_figure_specs("dropact", json{{"seed", 7}});
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(secs, 1.0);
  const auto b = rr::analytic_figure_specs("dropact", json{{"seed", 7}});
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(rr::gnuplot_script(a[0].plot), rr::gnuplot_script(b[0].plot));
  EXPECT_NE(a[0].caption.find("computed for this report, seed 7, 20000 samples per point"), std::string::npos) << a[0].caption;
  int checked = 0;
  for (const rr::Series& s : a[0].plot.series) {
    if (s.kind != rr::Series::Kind::ErrorBars) continue;
    const bool dropout = s.title.rfind("dropout", 0) == 0;
    for (std::size_t k = 0; k < s.x.size(); ++k, ++checked) {
      const double se = (s.hi[k] - s.lo[k]) / (2 * 1.959963984540054);
      const double theory = dropout ? dropout_ratio_hand(s.x[k]) : shift_ratio_hand(s.x[k]);
      EXPECT_LE(std::abs(s.y[k] - theory), 4.42 * se) << s.title << " p=" << s.x[k];
    }
  }
  EXPECT_EQ(checked, 10);
}

TEST(ReportFigures, Tl1ProxCurvesAndBruteForcePoints) {
  const auto specs = rr::analytic_figure_specs("tl1", json::object());
  ASSERT_EQ(specs.size(), 1u);
  const Drawn d = draw(specs[0]);
  // a = 1, lambda = 1, y = 2.75: the largest root of x - y + 2 / (1 + x)^2 = 0 by 200 bisections
  // (Python): 2.5952729438513917; objective 1.456 there against 3.781 at x = 0, so it is the prox.
  // The curve passes through it (y = 2.75 is a sample of the curve)...
  EXPECT_TRUE(near(vertices(d.svg), to_pixel(d.spec.plot, d.frame, 2.75, 2.5952729438513917)));
  // ...and the grid argmin (step 1e-3: within 5e-4 of it, < 0.03 px at 49 px per unit) is drawn there.
  EXPECT_TRUE(near(markers(d.svg), to_pixel(d.spec.plot, d.frame, 2.75, 2.595)));
  // Below every threshold (t >= 1.1 for these a at lambda = 1), y = 0.75 maps to 0.
  EXPECT_TRUE(near(markers(d.svg), to_pixel(d.spec.plot, d.frame, 0.75, 0.0)));
  EXPECT_NE(d.svg.find("a = 0.2 (eq. 36)"), std::string::npos);
  EXPECT_NE(d.spec.caption.find("a = 1: t = 1.5000"), std::string::npos) << d.spec.caption;  // sqrt(2*1*2) - 1/2
}

TEST(ReportFigures, GcsrClosedFormsAgainstMonteCarloOnALogAxis) {
  const auto specs = rr::analytic_figure_specs("gcsr", fixture());
  ASSERT_EQ(specs.size(), 1u);
  const Drawn d = draw(specs[0]);
  ASSERT_TRUE(d.spec.plot.logx);
  // L2 at s = 2 lambda sw / sg = 1: 1 - atan(1)/pi = 3/4 exactly; L1 at s = 1:
  // 1 - erf(1/sqrt 2)/2 = 0.6586552539314571 (Python math.erf).
  EXPECT_TRUE(near(vertices(d.svg), to_pixel(d.spec.plot, d.frame, 1.0, 0.75)));
  EXPECT_TRUE(near(vertices(d.svg), to_pixel(d.spec.plot, d.frame, 1.0, 0.6586552539314571)));
  // Planted points: L2 lambda = 0.5, sg = sw = 1 at s = 1; L1 lambda = 0.2, sg = 0.1 at s = 2.
  EXPECT_TRUE(near(markers(d.svg), to_pixel(d.spec.plot, d.frame, 1.0, 0.76)));
  EXPECT_TRUE(near(markers(d.svg), to_pixel(d.spec.plot, d.frame, 2.0, 0.64)));
  EXPECT_TRUE(near(vertices(d.svg), to_pixel(d.spec.plot, d.frame, 2.0, 0.645)));  // CI end
  EXPECT_NE(d.spec.caption.find("2 grid points"), std::string::npos) << d.spec.caption;
  EXPECT_NE(d.spec.caption.find("16384 samples"), std::string::npos) << d.spec.caption;
}

// Fallback sweep: within 4.42 se of the hand closed forms (false-failure rate 1e-5 per point, 10 points).
TEST(ReportFigures, GcsrFallbackSweepOnTheCurve) {
  const auto specs = rr::analytic_figure_specs("gcsr", json{{"seed", 11}});
  ASSERT_EQ(specs.size(), 1u);
  EXPECT_NE(specs[0].caption.find("seed 11"), std::string::npos);
  int checked = 0;
  for (const rr::Series& s : specs[0].plot.series) {
    if (s.kind != rr::Series::Kind::ErrorBars) continue;
    const bool l2 = s.title.rfind("L2", 0) == 0;
    for (std::size_t k = 0; k < s.x.size(); ++k, ++checked) {
      const double se = (s.hi[k] - s.lo[k]) / (2 * 1.959963984540054);
      const double theory = l2 ? 1 - std::atan(s.x[k]) / std::numbers::pi : 1 - std::erf(s.x[k] / std::sqrt(2.0)) / 2;
      EXPECT_LE(std::abs(s.y[k] - theory), 4.42 * se) << s.title << " s=" << s.x[k];
    }
  }
  EXPECT_EQ(checked, 10);
}

TEST(ReportFigures, DlbookEnsembleAndEarlyStoppingFromTheTables) {
  const auto specs = rr::analytic_figure_specs("dlbook", fixture());
  ASSERT_EQ(specs.size(), 2u);
  const Drawn e = draw(specs[0]);
  EXPECT_EQ(e.spec.file_name, "dlbook-ensemble-mse.svg");
  // v/k + (k-1)c/k by hand: v = 1, c = 0 at k = 2: 1/2; v = 1, c = -0.1 at k = 10: 0.1 - 0.09 = 0.01.
  EXPECT_TRUE(near(vertices(e.svg), to_pixel(e.spec.plot, e.frame, 2, 0.5)));
  EXPECT_TRUE(near(vertices(e.svg), to_pixel(e.spec.plot, e.frame, 10, 0.01)));
  EXPECT_TRUE(near(markers(e.svg), to_pixel(e.spec.plot, e.frame, 2, 0.51)));  // planted MC point
  // c = -0.1 is PSD only up to k = 1 + v/|c| = 11: its curve stops there.
  EXPECT_EQ(e.spec.plot.series[1].x.back(), 11);
  EXPECT_NE(e.spec.caption.find("131072 samples"), std::string::npos) << e.spec.caption;
  const Drawn s = draw(specs[1]);
  EXPECT_EQ(s.spec.file_name, "dlbook-early-stopping-alpha.svg");
  // Continuum at u = 1: 1 - 1/(e - 1) = 0.41802329313067355 (Python); planted point |-0.418|.
  EXPECT_TRUE(near(vertices(s.svg), to_pixel(s.spec.plot, s.frame, 1.0, 0.41802329313067355)));
  EXPECT_TRUE(near(markers(s.svg), to_pixel(s.spec.plot, s.frame, 1.0, 0.418)));
  EXPECT_NE(s.spec.caption.find("1 with zero error not drawn"), std::string::npos) << s.spec.caption;
  EXPECT_TRUE(rr::analytic_figure_specs("dlbook", json::object()).empty());  // no tables, no figure
}

// Every figure of every source, from the fixture and from an empty document: valid XML, a frame,
// every plotted point inside it, a caption.
TEST(ReportFigures, EveryFigureIsValidXmlWithItsPointsInsideTheFrame) {
  for (const json& doc : {fixture(), json::object()}) {
    for (const std::string source : {"dropact", "tl1", "gcsr", "dlbook"}) {
      const auto specs = rr::analytic_figure_specs(source, doc);
      const auto figs = rr::analytic_figures(source, doc);
      ASSERT_EQ(specs.size(), figs.size());
      ASSERT_TRUE(!figs.empty() || (source == "dlbook" && doc.empty())) << source;
      for (std::size_t i = 0; i < figs.size(); ++i) {
        std::string why;
        EXPECT_TRUE(valid_xml(figs[i].svg, &why)) << figs[i].file_name << ": " << why;
        EXPECT_EQ(figs[i].file_name, specs[i].file_name);
        EXPECT_GT(figs[i].caption.size(), 80u);
        const auto fr = frame_of(figs[i].svg);
        ASSERT_TRUE(fr.has_value()) << figs[i].file_name;
        const auto ms = markers(figs[i].svg);
        for (const rr::Series& s : specs[i].plot.series) {
          if (s.kind == rr::Series::Kind::Line) continue;
          for (std::size_t k = 0; k < s.x.size(); ++k) {
            const Pixel px = to_pixel(specs[i].plot, *fr, s.x[k], s.y[k]);
            EXPECT_TRUE(inside(*fr, px)) << figs[i].file_name << " " << s.title << " (" << s.x[k] << ", " << s.y[k] << ")";
            EXPECT_TRUE(near(ms, px)) << figs[i].file_name << " " << s.title << " (" << s.x[k] << ", " << s.y[k] << ")";
          }
        }
      }
    }
  }
}

// ---- errors that must be raised ----

TEST(ReportFigures, MalformedInputIsRejectedNamingTheValue) {
  auto message = [](const std::string& source, const json& doc) {
    try {
      rr::analytic_figure_specs(source, doc);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("dropactt", json::object()).find("'dropactt'"), std::string::npos);
  EXPECT_NE(message("dropact", json{{"claims", "x"}}).find("'claims' must be an array"), std::string::npos);
  json no_p = fixture();
  no_p["claims"][0]["extra"]["monte_carlo"][0].erase("p");
  EXPECT_NE(message("dropact", no_p).find("numeric 'p'"), std::string::npos) << message("dropact", no_p);
  json bad_est = fixture();
  bad_est["claims"][0]["extra"]["monte_carlo"][0]["estimate"] = "abc";
  EXPECT_NE(message("dropact", bad_est).find("'estimate' must be a number"), std::string::npos) << message("dropact", bad_est);
  json no_ci = fixture();
  no_ci["claims"][2]["extra"]["grid"][1].erase("ci");
  EXPECT_NE(message("gcsr", no_ci).find("'ci'"), std::string::npos) << message("gcsr", no_ci);
  json ens_no_ci = fixture();
  ens_no_ci["claims"][3]["extra"]["grid"][0].erase("ci");
  EXPECT_NE(message("dlbook", ens_no_ci).find("'ci'"), std::string::npos) << message("dlbook", ens_no_ci);
  json es_bad = fixture();
  es_bad["claims"][4]["extra"]["alpha_7_28_table"][0]["rel_error"] = "nan";
  EXPECT_NE(message("dlbook", es_bad).find("numeric 'rel_error'"), std::string::npos) << message("dlbook", es_bad);
}
