// The report as a reader sees it: index.html of `regcheck report` (from the fixtures of
// tests/support/report_fixtures.hpp) opened from disk in headless Chromium: no console message,
// no request leaving the file nor any other file loaded, every figure present with a non-empty
// drawing, a non-blank screenshot written for inspection, and the text of key cells as rendered
// (the FAILS row, a CI, a verdict). Skipped when chromium is not installed.
#include "tests/support/chromium.hpp"
#include "tests/support/report_fixtures.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

namespace fs = std::filesystem;
namespace rt = regcheck::test;

TEST(ReportBrowser, RendersSelfContainedWithFiguresAndKeyCells) {
  if (!rt::chromium_available()) GTEST_SKIP() << "chromium not installed at " << rt::chromium_binary();
  const fs::path out = rt::scratch() / "rep";
  const rt::CliRun r = rt::report_of_fixtures(out);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  // Rendered texts of key cells, read from outside the (script-free) page.
  const std::string probe = R"(JSON.stringify({
    ridge_verdict: document.querySelector('#c-dlbook-7-2-1-ridge td:nth-child(6)').innerText,
    ridge_detail: document.querySelector('#c-dlbook-7-2-1-ridge + tr.detail').innerText,
    v095_theory: document.querySelector('#c-dropact-prop5-2-value-095 td:nth-child(4)').innerText,
    decay_head: document.querySelector('#c-gcsr-fig2-gradient-decay').innerText,
    first_arm_ci: document.querySelector('#c-gcsr-fig2-gradient-decay ~ table tr:nth-child(2) td:nth-child(4)').innerText,
    figures: document.querySelectorAll('figure').length,
    captions: [...document.querySelectorAll('figcaption')].filter(c => c.innerText.includes('seeds per arm')).length}))";
  const fs::path shot = rt::scratch() / "report.png";
  // ~60 inline SVGs: allow 60 s on a loaded machine (a page alone takes ~1.5 s).
  const rt::BrowserView v = rt::render_in_chromium(out / "index.html", shot, std::chrono::milliseconds(60000), probe);
  std::printf("screenshot: %s (%ux%u, %llu ink pixels, %.1f s)\n", shot.c_str(), v.png_width, v.png_height,
              static_cast<unsigned long long>(v.ink_pixels), v.seconds);
  const auto problems = v.problems();
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_FALSE(v.has_console_errors());
  EXPECT_TRUE(v.external_requests.empty());
  EXPECT_TRUE(fs::is_regular_file(shot));
  EXPECT_GT(v.ink_pixels, 10000u);  // text, tables and figures, not a blank page
  // Every figure present and non-empty: one <svg> per SVG file written, each with a drawing.
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(out)) files += e.path().extension() == ".svg";
  ASSERT_GE(files, 8u);
  ASSERT_EQ(v.svgs.size(), files);
  for (const rt::SvgBox& s : v.svgs) {
    EXPECT_GT(s.bbox_width, 100) << s.id;
    EXPECT_GT(s.bbox_height, 100) << s.id;
    EXPECT_GT(s.width, 100) << s.id;  // laid out on the page at a readable size
  }
  nlohmann::json p = nlohmann::json::parse(v.probe.empty() ? "{}" : v.probe);
  if (p.is_string()) p = nlohmann::json::parse(p.get<std::string>());  // the probe's own JSON.stringify
  EXPECT_EQ(p.value("ridge_verdict", ""), "FAILS");
  EXPECT_NE(p.value("ridge_detail", "").find("Counterexample:"), std::string::npos) << p.dump();
  EXPECT_NE(p.value("ridge_detail", "").find("Corrected claim: dlbook.7_2_1.ridge.corrected"), std::string::npos) << p.dump();
  EXPECT_EQ(p.value("v095_theory", ""), "0.9377");
  EXPECT_NE(p.value("decay_head", "").find("gcsr.fig2.gradient-decay"), std::string::npos) << p.dump();
  EXPECT_NE(p.value("first_arm_ci", "").find(" ["), std::string::npos) << p.dump();  // mean [lo, hi]
  EXPECT_EQ(p.value("figures", 0), static_cast<int>(files));
  EXPECT_GE(p.value("captions", 0), 6);
}
