// The headless-Chromium harness (tests/support/chromium.hpp) detects what a report test must
// catch: console messages, requests leaving the file, missing DOM content, a blank screenshot.
// Fixtures are written by the test; the network is blocked (--host-resolver-rules), so nothing
// leaves the machine. Skipped only when chromium is not installed (CI installs it).
#include "tests/support/chromium.hpp"

#include "reports/src/gnuplot.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

namespace rt = regcheck::test;
namespace fs = std::filesystem;

namespace {

fs::path scratch() {
  const fs::path d = fs::temp_directory_path() / ("regcheck-chromium-test-" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

fs::path page(const std::string& name, const std::string& body) {
  const fs::path p = scratch() / name;
  fs::create_directories(p.parent_path());
  std::ofstream(p) << "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" << name
                   << "</title></head>\n<body style=\"font: 24px sans-serif\">\n"
                   << body << "\n</body></html>\n";
  return p;
}

#define REQUIRE_CHROMIUM()                                                                  \
  if (!rt::chromium_available())                                                            \
  GTEST_SKIP() << "chromium not installed at " << rt::chromium_binary()                     \
               << " (scripts/setup.sh installs it; REGCHECK_CHROMIUM overrides the path)"

bool has_text(const rt::BrowserView& v, const std::string& text) {
  return std::any_of(v.console.begin(), v.console.end(), [&](const auto& m) { return m.text == text; });
}

}  // namespace

TEST(ChromiumHarness, CleanPageHasNoMessagesNoRequestsAndInk) {
  REQUIRE_CHROMIUM();
  const fs::path shot = scratch() / "clean.png";
  // A folder name with a space and a '#', which must be percent-encoded in the file: URL.
  const auto v =
      rt::render_in_chromium(page("with space #1/clean.html", "<h1 id=\"t\">regcheck clean page 42</h1>"), shot);
  EXPECT_NE(v.dom.find("<h1 id=\"t\">regcheck clean page 42</h1>"), std::string::npos) << v.dom;
  EXPECT_TRUE(v.console.empty()) << v.console.front().text;
  EXPECT_TRUE(v.requests.empty()) << v.requests.front();
  EXPECT_TRUE(v.external_requests.empty());
  EXPECT_EQ(v.screenshot, fs::absolute(shot));
  EXPECT_TRUE(fs::is_regular_file(shot));
  EXPECT_EQ(v.png_width, 1280u);
  EXPECT_EQ(v.png_height, 2000u);
  // A 24 px heading of 22 characters inks a few thousand pixels; far fewer than the page.
  EXPECT_GT(v.ink_pixels, 500u);
  EXPECT_LT(v.ink_pixels, 100000u);
  EXPECT_LT(v.seconds, 10.0);
  EXPECT_TRUE(v.problems().empty()) << v.problems().front();
}

TEST(ChromiumHarness, BlankPageHasNoInk) {
  REQUIRE_CHROMIUM();
  const auto v = rt::render_in_chromium(page("blank.html", ""), scratch() / "blank.png");
  EXPECT_EQ(v.ink_pixels, 0u);  // what "the screenshot is non-trivial" must tell apart
  EXPECT_GT(v.png_bytes, 0u);
  ASSERT_EQ(v.problems().size(), 1u);
  EXPECT_EQ(v.problems()[0].rfind("blank screenshot: ", 0), 0u);
}

TEST(ChromiumHarness, ConsoleErrorAndUncaughtExceptionAreDetected) {
  REQUIRE_CHROMIUM();
  const auto v = rt::render_in_chromium(page("console.html",
                                             "<p>console</p>\n<script>console.error(\"boom\");</script>\n"
                                             "<script>throw new Error(\"bang\");</script>"),
                                        scratch() / "console.png");
  ASSERT_EQ(v.console.size(), 2u) << v.log;
  EXPECT_EQ(v.console[0].level, "error");
  EXPECT_EQ(v.console[0].text, "boom");
  EXPECT_EQ(v.console[0].line, 5);  // doctype, html+head, body, <p>, then the script on line 5
  EXPECT_NE(v.console[0].source.find("console.html"), std::string::npos);
  EXPECT_EQ(v.console[1].text, "Uncaught Error: bang");
  EXPECT_EQ(v.console[1].level, "error");
  EXPECT_TRUE(v.has_console_errors());
  EXPECT_TRUE(has_text(v, "boom"));
}

TEST(ChromiumHarness, ExternalRequestIsDetectedAndBlocked) {
  REQUIRE_CHROMIUM();
  const auto v = rt::render_in_chromium(
      page("external.html",
           "<p>external</p><img id=\"i\" src=\"http://example.invalid/x.png\">\n"
           "<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\"><img src=\"sibling.png\">\n"
           "<script>window.onload = () => document.body.insertAdjacentHTML('beforeend',"
           " '<p id=\"w\">naturalWidth ' + document.getElementById('i').naturalWidth + '</p>');</script>"),
      scratch() / "external.png");
  ASSERT_EQ(v.external_requests.size(), 1u) << v.log;
  EXPECT_EQ(v.external_requests[0], "http://example.invalid/x.png");
  EXPECT_EQ(v.network_requests, v.external_requests);  // the network layer saw the same request
  // The sibling file is a request too, not leaving the file; the data: image is decoded in the
  // renderer and is no request at all.
  const auto requested = [&](const std::string& u) { return std::count(v.requests.begin(), v.requests.end(), u); };
  EXPECT_EQ(v.requests.size(), 2u);
  EXPECT_EQ(requested("http://example.invalid/x.png"), 1);
  EXPECT_EQ(requested(rt::chromium_detail::file_url(fs::weakly_canonical(scratch()) / "sibling.png")), 1);
  // Both failed loads are console errors (Log.entryAdded), and problems() lists them all.
  const auto problems = v.problems();
  EXPECT_EQ(v.console.size(), 2u);
  EXPECT_TRUE(v.has_console_errors());
  EXPECT_NE(std::find(problems.begin(), problems.end(), "request leaves the file: http://example.invalid/x.png"),
            problems.end());
  EXPECT_EQ(std::count_if(problems.begin(), problems.end(),
                          [](const std::string& p) { return p.rfind("loads another file: file://", 0) == 0; }),
            1);
  EXPECT_NE(v.dom.find("<p id=\"w\">naturalWidth 0</p>"), std::string::npos) << v.dom;  // blocked: no image
}

TEST(ChromiumHarness, InlineSvgIsInTheDomWithItsSize) {
  REQUIRE_CHROMIUM();
  const auto v = rt::render_in_chromium(
      page("svg.html",
           "<svg id=\"f\" width=\"400\" height=\"300\" viewBox=\"0 0 400 300\">"
           "<rect id=\"r\" x=\"10\" y=\"20\" width=\"200\" height=\"100\" fill=\"steelblue\"/></svg>\n"
           "<script>const b = document.getElementById('r').getBBox();"
           " const s = document.getElementById('f').getBoundingClientRect();"
           " document.body.insertAdjacentHTML('beforeend', '<p id=\"bbox\">' + b.width + 'x' + b.height"
           " + ' in ' + s.width + 'x' + s.height + '</p>');</script>"),
      scratch() / "svg.png");
  EXPECT_NE(v.dom.find("<svg id=\"f\""), std::string::npos) << v.dom;
  EXPECT_NE(v.dom.find("<p id=\"bbox\">200x100 in 400x300</p>"), std::string::npos) << v.dom;
  EXPECT_TRUE(v.console.empty());
  EXPECT_GE(v.ink_pixels, 200u * 100u);  // the filled rectangle alone
  // The same sizes measured from outside the page (a report has no script), and a probe.
  ASSERT_EQ(v.svgs.size(), 1u);
  EXPECT_EQ(v.svgs[0].id, "f");
  EXPECT_EQ(v.svgs[0].bbox_width, 200.0);  // exact: integer user units, identity viewBox scale
  EXPECT_EQ(v.svgs[0].bbox_height, 100.0);
  EXPECT_EQ(v.svgs[0].width, 400.0);
  EXPECT_EQ(v.svgs[0].height, 300.0);
  EXPECT_TRUE(v.probe.empty());
}

TEST(ChromiumHarness, ProbeEvaluatesFromOutsideTheScriptFreePage) {
  REQUIRE_CHROMIUM();
  const auto v = rt::render_in_chromium(page("probe.html", "<table><tr><td class=\"v\">FAILS</td></tr></table>"),
                                        scratch() / "probe.png", std::chrono::milliseconds(10000),
                                        "[...document.querySelectorAll('td.v')].map(e => e.textContent)");
  EXPECT_EQ(v.probe, R"(["FAILS"])");
  EXPECT_TRUE(v.svgs.empty());
  EXPECT_TRUE(v.problems().empty()) << v.problems().front();
}

// A gnuplot figure (reports/src/gnuplot.hpp) inlined as the report inlines it: no requests, no
// messages, a non-empty drawing. Its text labels are in the DOM.
TEST(ChromiumHarness, InlinedGnuplotFigureIsSelfContained) {
  REQUIRE_CHROMIUM();
  namespace rr = regcheck::report;
  rr::Plot p;
  p.title = "shift ratio", p.xlabel = "p (keep probability)", p.ylabel = "ratio";
  p.series.push_back({rr::Series::Kind::Line, "theory", {0.5, 0.75, 1.0}, {0.8, 0.9, 1.0}, {}, {}});
  const std::string svg = rr::render_svg(p);
  const auto v = rt::render_in_chromium(
      page("gnuplot.html", svg.substr(svg.find("<svg")) +
                               "\n<script>const b = document.querySelector('svg').getBBox();"
                               " document.body.insertAdjacentHTML('beforeend', '<p id=\"bbox\">' +"
                               " (b.width > 100 && b.height > 100) + '</p>');</script>"),
      scratch() / "gnuplot.png");
  EXPECT_TRUE(v.problems().empty()) << v.problems().front();
  EXPECT_NE(v.dom.find("<p id=\"bbox\">true</p>"), std::string::npos) << v.dom;
  ASSERT_EQ(v.svgs.size(), 1u);
  EXPECT_GT(v.svgs[0].bbox_width, 100.0);
  EXPECT_GT(v.svgs[0].height, 100.0);
  EXPECT_NE(v.dom.find("p (keep probability)"), std::string::npos);
  EXPECT_GT(v.ink_pixels, 5000u);  // axes, tics, labels and the curve
}

TEST(ChromiumHarness, DevToolsEventsBecomeConsoleMessages) {
  // Events as this chromium sends them (abridged), and one that is no console message.
  namespace cd = rt::chromium_detail;
  const auto ev = [](const char* text) { return nlohmann::json::parse(text); };
  rt::ConsoleMessage m;
  ASSERT_TRUE(cd::console_message(
      ev(R"({"method":"Runtime.consoleAPICalled","params":{"type":"warning","args":[{"type":"string","value":"w"},
          {"type":"number","value":2,"description":"2"}],"stackTrace":{"callFrames":[{"url":"file:///p.html","lineNumber":4}]}}})"),
      m));
  EXPECT_EQ(m.level, "warning");
  EXPECT_EQ(m.text, "w 2");
  EXPECT_EQ(m.source, "file:///p.html");
  EXPECT_EQ(m.line, 5);  // DevTools counts lines from 0
  m = {};
  ASSERT_TRUE(cd::console_message(
      ev(R"({"method":"Runtime.exceptionThrown","params":{"exceptionDetails":{"text":"Uncaught","lineNumber":8,
          "url":"file:///p.html","exception":{"description":"TypeError: x is null\n    at file:///p.html:9:14"}}}})"),
      m));
  EXPECT_EQ(m.level, "error");
  EXPECT_EQ(m.text, "Uncaught TypeError: x is null");
  EXPECT_EQ(m.line, 9);
  m = {};
  ASSERT_TRUE(cd::console_message(
      ev(R"({"method":"Log.entryAdded","params":{"entry":{"source":"network","level":"error",
          "text":"Failed to load resource: net::ERR_FILE_NOT_FOUND","url":"file:///missing.png"}}})"),
      m));
  EXPECT_EQ(m.level, "error");
  EXPECT_EQ(m.source, "file:///missing.png");
  EXPECT_FALSE(cd::console_message(ev(R"({"method":"Page.loadEventFired","params":{"timestamp":1}})"), m));
  EXPECT_EQ(cd::file_url("/a b/#1/r~s.html"), "file:///a%20b/%231/r~s.html");
  EXPECT_EQ(cd::base64_decode("iVBORw0KGgo="), std::string("\x89PNG\r\n\x1a\n", 8));
}

// ---- errors that must be raised ----

TEST(ChromiumHarness, Errors) {
  EXPECT_THROW(rt::render_in_chromium(scratch() / "no-such.html", scratch() / "x.png"), std::invalid_argument);
  rt::BrowserView v;
  EXPECT_THROW(rt::chromium_detail::inspect_png("not a png at all, just text........", v), rt::ChromiumError);
  EXPECT_THROW(rt::chromium_detail::parse_netlog("{\"events\": [", v), rt::ChromiumError);
  if (rt::chromium_available()) {  // a probe that throws names itself
    try {
      rt::render_in_chromium(page("p.html", "<p>p</p>"), scratch() / "p.png", std::chrono::milliseconds(10000),
                             "no_such_function()");
      ADD_FAILURE() << "no error";
    } catch (const rt::ChromiumError& e) {
      EXPECT_NE(std::string(e.what()).find("probe `no_such_function()` threw"), std::string::npos) << e.what();
    }
  }
  ::setenv("REGCHECK_CHROMIUM", "/nonexistent/chromium", 1);
  EXPECT_FALSE(rt::chromium_available());
  try {
    rt::render_in_chromium(page("e.html", "<p>e</p>"), scratch() / "e.png");
    ADD_FAILURE() << "no error";
  } catch (const rt::ChromiumError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/chromium"), std::string::npos) << e.what();
  }
  ::unsetenv("REGCHECK_CHROMIUM");
}

TEST(ChromiumHarness, HangingPageTimesOut) {
  REQUIRE_CHROMIUM();
  try {
    rt::render_in_chromium(page("hang.html", "<script>for (;;) {}</script>"), scratch() / "hang.png",
                           std::chrono::milliseconds(3000));
    ADD_FAILURE() << "no timeout";
  } catch (const rt::ChromiumError& e) {
    EXPECT_NE(std::string(e.what()).find("timed out after 3000 ms waiting for the load event"), std::string::npos)
        << e.what();
  }
}
