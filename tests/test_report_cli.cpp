// regcheck report as a user runs it: from --from fixtures made here (verify of three claims, one
// of which FAILS as printed; reproduce at smoke scale of two empirical claims), the HTML holds the
// FAILS row with its counterexample and corrected claim, CIs, verdicts and the figures (each a
// valid XML document, inlined and written beside index.html), the inputs copied beside it, no
// script or external request, and two reports of the same inputs are byte-identical outside the
// provenance block. Then the errors: one line, exit 2, no report folder (nor temporary folder).
#include "tests/support/report_fixtures.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

namespace fs = std::filesystem;

namespace {
using regcheck::test::CliRun;
using regcheck::test::lines;
using regcheck::test::run;
using regcheck::test::scratch;
using regcheck::test::slurp;

const regcheck::test::ReportFixtures& fixtures() { return regcheck::test::report_fixtures(); }
CliRun report(const fs::path& out) { return regcheck::test::report_of_fixtures(out); }

std::string without_provenance(std::string html) {
  const std::size_t b = html.find("<!-- provenance:begin -->"), e = html.find("<!-- provenance:end -->");
  EXPECT_NE(b, std::string::npos);
  EXPECT_NE(e, std::string::npos);
  if (b != std::string::npos && e != std::string::npos) html.erase(b, e - b);
  return html;
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

// The entries of `parent` whose name contains `part` (a report or temporary folder left behind).
int entries_named(const fs::path& parent, const std::string& part) {
  int n = 0;
  if (fs::exists(parent))
    for (const auto& e : fs::directory_iterator(parent)) n += e.path().filename().string().find(part) != std::string::npos;
  return n;
}

// One error line, exit 2, nothing written beside `out` (neither the report nor a temporary folder).
void expect_refused(const CliRun& r, const fs::path& out, const std::string& named) {
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("regcheck: error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(named), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out)) << out;
  EXPECT_EQ(entries_named(out.parent_path(), out.filename().string()), 0);
}
}  // namespace

TEST(ReportCli, HtmlHoldsClaimsVerdictsCisFiguresAndInputs) {
  const fs::path out = scratch() / "rep";
  const CliRun r = report(out);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find((out / "index.html").string()), std::string::npos) << r.out;  // prints the path
  const std::string html = slurp(out / "index.html");
  ASSERT_FALSE(html.empty());
  // The FAILS row, its counterexample and its corrected claim (linked).
  const std::size_t row = html.find("<tr id=\"c-dlbook-7-2-1-ridge\"");
  ASSERT_NE(row, std::string::npos);
  const std::string after = html.substr(row, html.find("</tr>", html.find("class=\"detail\"", row)) - row);
  EXPECT_NE(after.find("<span class=\"FAILS\">FAILS</span>"), std::string::npos) << after;
  EXPECT_NE(after.find("<b>Counterexample:</b>"), std::string::npos) << after;
  EXPECT_NE(after.find("href=\"#c-dlbook-7-2-1-ridge-corrected\""), std::string::npos) << after;
  EXPECT_NE(html.find("<tr id=\"c-dlbook-7-2-1-ridge-corrected\""), std::string::npos);
  // The 0.9377 of Drop-Activation section 5.2 as the theory value, and its verdict.
  const std::size_t v095 = html.find("<tr id=\"c-dropact-prop5-2-value-095\"");
  ASSERT_NE(v095, std::string::npos);
  const std::string r095 = html.substr(v095, html.find("</tr>", v095) - v095);
  EXPECT_NE(r095.find(">0.9377<"), std::string::npos) << r095;
  EXPECT_NE(r095.find("<span class=\"HOLDS\">HOLDS</span>"), std::string::npos) << r095;
  // Summary: 3 analytic claims, 1 FAILS; 2 empirical claims; no mismatch row.
  EXPECT_NE(html.find("<tr><td>analytic (verify)</td><td class=\"num\">3</td><td class=\"num HOLDS\">2</td><td class=\"num FAILS\">1</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<tr><td>empirical (reproduce)</td><td class=\"num\">2</td>"), std::string::npos);
  EXPECT_EQ(html.find("Verdicts that differ"), std::string::npos);
  // Empirical: arms with mean [CI], tests with effect [CI], p and Holm p.
  EXPECT_NE(html.find("<h3 id=\"c-gcsr-fig2-gradient-decay\">"), std::string::npos);
  EXPECT_NE(html.find("<h3 id=\"c-dlbook-7-10-bagging\">"), std::string::npos);
  EXPECT_TRUE(std::regex_search(html, std::regex(R"(<td class="num">-?[0-9.e+-]+ \[-?[0-9.e+-]+, -?[0-9.e+-]+\]</td>)"))) << "no mean [CI] cell";
  EXPECT_NE(html.find("<th>Holm p</th>"), std::string::npos);
  // Figures: each written beside index.html, inlined once, a valid XML document.
  int svgs = 0;
  for (const auto& e : fs::directory_iterator(out)) {
    if (e.path().extension() != ".svg") continue;
    ++svgs;
    EXPECT_EQ(count(html, "(<code>" + e.path().filename().string() + "</code>)"), 1u) << e.path();
    const std::string cmd = "/usr/bin/python3 -c 'import xml.dom.minidom,sys; d=xml.dom.minidom.parse(sys.argv[1]); "
                            "sys.exit(0 if d.documentElement.tagName==\"svg\" else 1)' " + e.path().string();
    EXPECT_EQ(std::system(cmd.c_str()), 0) << e.path();
  }
  // gradient decay: 3 curves + final; bagging: 2 curves + final + ensemble over k; and the
  // analytic figures of the sources (none or more, drawn by analytic_figures).
  EXPECT_GE(svgs, 8);
  EXPECT_EQ(count(html, "<figure "), static_cast<std::size_t>(svgs));
  EXPECT_EQ(count(html, "<svg"), static_cast<std::size_t>(svgs));
  EXPECT_NE(html.find("gcsr-fig2-gradient-decay-curve-mean-abs-grad-all.svg"), std::string::npos);
  EXPECT_NE(html.find("dlbook-7-10-bagging-ensemble-k.svg"), std::string::npos);
  EXPECT_NE(html.find("seeds per arm"), std::string::npos);
  // Self-contained: no script, stylesheet link, import or fetched URL (the SVG namespace
  // identifiers xmlns="http://www.w3.org/..." are names, not requests).
  for (const char* bad : {"<script", "<link", "@import", "src=", "url(http", "href=\"http", "<img", "<iframe"})
    EXPECT_EQ(html.find(bad), std::string::npos) << bad;
  EXPECT_NE(html.find("@media print"), std::string::npos);
  // Provenance: the git commit, the data file's SHA-256 (the digits file of the smoke runs).
  EXPECT_NE(html.find("<td>data file SHA-256</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>regcheck</td><td>0.1.0 (git "), std::string::npos);
  // The inputs, copied byte for byte.
  EXPECT_EQ(slurp(out / "verify.json"), slurp(fixtures().verify));
  EXPECT_EQ(slurp(out / "reproduce.json"), slurp(fixtures().reproduce));
}

TEST(ReportCli, DeterministicOutsideProvenanceAndReplacedWhole) {
  const fs::path a = scratch() / "a", b = scratch() / "b";
  ASSERT_EQ(report(a).code, 0);
  ASSERT_EQ(report(b).code, 0);
  const std::string ha = slurp(a / "index.html"), hb = slurp(b / "index.html");
  EXPECT_NE(ha, hb);  // the provenance differs (command line with --out, date, wall time)
  EXPECT_EQ(without_provenance(ha), without_provenance(hb));
  for (const auto& e : fs::directory_iterator(a))  // the figures and the input copies
    if (e.path().filename() != "index.html") {
      EXPECT_TRUE(slurp(e.path()) == slurp(b / e.path().filename())) << e.path();
    }
  // A second report into the same folder replaces it whole (a stale file is gone), no leftovers.
  std::ofstream(a / "stale.svg") << "x";
  ASSERT_EQ(report(a).code, 0);
  EXPECT_FALSE(fs::exists(a / "stale.svg"));
  EXPECT_EQ(entries_named(scratch(), ".a."), 0);
}

TEST(ReportCli, MismatchFirstInRedAndTextEscaped) {
  // A verify document whose FAILS claim was expected to hold, with markup in a statement.
  nlohmann::json v = nlohmann::json::parse(slurp(fixtures().verify));
  for (auto& c : v["claims"])
    if (c["id"] == "dlbook.7_2_1.ridge") {
      c["expected"] = "HOLDS", c["matches_expected"] = false;
      c["statement"] = "<script>alert('x')</script> & \"more\"";
    }
  const fs::path d = scratch(), out = d / "mm";
  std::ofstream(d / "mm.json") << v.dump();
  const CliRun r = run("report --from " + (d / "mm.json").string() + " --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string html = slurp(out / "index.html");
  const std::size_t warn = html.find("<p class=\"mismatch\">Verdicts that differ from the registry's expectation:</p>");
  const std::size_t counts = html.find("<th>claims</th><th>total</th>");
  ASSERT_NE(warn, std::string::npos);
  EXPECT_LT(warn, counts);  // the mismatch comes first
  EXPECT_NE(html.find("<tr class=\"mismatch\"><td>analytic (verify)</td><td><a href=\"#c-dlbook-7-2-1-ridge\""), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num mismatch\">1</td>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("<td>empirical (reproduce)</td><td colspan=\"6\">not in this report (no input)</td>"), std::string::npos);
  EXPECT_TRUE(fs::exists(out / "verify.json"));
  EXPECT_FALSE(fs::exists(out / "reproduce.json"));
}

// The two figures drawn from parts of the reproduce JSON the fixtures lack, on claims made from
// the fixture's first by hand: an arm with `profiles` of fit_probe.curve (x, output, target at
// x = 0, 5, 10) gives dropact.fig3.regression its fitted-curve figure; a band row on "acc(...)"
// (band [0.05, 0.15]) is drawn as the chance band of the final test-accuracy figure. Without
// profiles (the fixture as is) there is no fitted-curve figure.
TEST(ReportCli, FitCurveAndChanceBandFigures) {
  using nlohmann::json;
  const json doc0 = json::parse(slurp(fixtures().reproduce));
  json doc = doc0, fit = doc0["claims"][0], tol = doc0["claims"][0];
  const json summary = {{"n", 3}, {"mean", 0.5}, {"sd", 0.1}, {"ci_lo", 0.4}, {"ci_hi", 0.6}};
  auto profile = [](std::vector<double> mean, double half) {
    std::vector<double> lo, hi;
    for (double m : mean) lo.push_back(m - half), hi.push_back(m + half);
    return json{{"n", 3}, {"index", {0, 1, 2}}, {"mean", mean}, {"ci_lo", lo}, {"ci_hi", hi}};
  };
  fit["id"] = "dropact.fig3.regression", fit["metric"] = "fit_probe.grid_mse";
  for (json& a : fit["arms"]) {
    a["final"]["fit_probe.grid_mse"] = summary;
    a["profiles"] = {{"fit_probe.curve.x", profile({0, 5, 10}, 0)},
                     {"fit_probe.curve.output", profile({0, -3, -4}, 1)},
                     {"fit_probe.curve.target", profile({0, 5 * std::sin(5.0), 10 * std::sin(10.0)}, 0)}};
  }
  tol["id"] = "gcsr.fig1.tolerance", tol["metric"] = "test_accuracy";
  for (json& a : tol["arms"]) a["final"]["test_accuracy"] = summary;
  json band = tol["tests"][0];
  band["name"] = "acc(L1 2e-2) in 0.1 +- 0.05", band["kind"] = "band", band["band_lo"] = 0.05, band["band_hi"] = 0.15;
  tol["tests"].push_back(band);
  doc["claims"] = json::array({fit, tol});
  const fs::path d = scratch(), out = d / "fc";
  std::ofstream(d / "fc.json") << doc.dump();
  const CliRun r = run("report --from " + (d / "fc.json").string() + " --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const std::string curve = slurp(out / "dropact-fig3-regression-fit-curve.svg");
  ASSERT_FALSE(curve.empty());
  EXPECT_NE(curve.find("noise-free target"), std::string::npos);
  EXPECT_NE(curve.find("(mean, 95% CI)"), std::string::npos);
  const std::string html = slurp(out / "index.html");
  EXPECT_NE(html.find("Fitted curves after the last epoch"), std::string::npos);
  EXPECT_NE(html.find("seeds per arm"), std::string::npos);
  const std::string acc = slurp(out / "gcsr-fig1-tolerance-final-test-accuracy.svg");
  EXPECT_NE(acc.find("chance band [0.05, 0.15]"), std::string::npos);
  EXPECT_NE(html.find("band test of a collapse to chance accuracy, [0.05, 0.15] for acc(L1 2e-2)"), std::string::npos);
  // The fixture itself has no profiles: no fitted-curve figure.
  const fs::path plain = d / "plain";
  ASSERT_EQ(report(plain).code, 0);
  for (const auto& e : fs::directory_iterator(plain)) EXPECT_EQ(e.path().filename().string().find("fit-curve"), std::string::npos) << e.path();
}

// The errors that must be raised: one line, exit 2, no report folder.
TEST(ReportCli, BadInputsUnwritableOutAndMissingGnuplot) {
  const fs::path d = scratch(), out = d / "never";
  // Not JSON.
  std::ofstream(d / "notes.json") << "hello";
  expect_refused(run("report --from " + (d / "notes.json").string() + " --out " + out.string()), out, "is not JSON");
  // JSON of another tool.
  std::ofstream(d / "other.json") << R"({"tool": "someone else", "claims": []})";
  expect_refused(run("report --from " + (d / "other.json").string() + " --out " + out.string()), out, "tool 'someone else'");
  // Another format version of regcheck verify.
  nlohmann::json v = nlohmann::json::parse(slurp(fixtures().verify));
  v["versions"]["regcheck"] = "0.0.1";
  std::ofstream(d / "old.json") << v.dump();
  expect_refused(run("report --from " + (d / "old.json").string() + " --out " + out.string()), out, "0.0.1");
  // Two documents of the same tool.
  expect_refused(run("report --from " + fixtures().verify.string() + " --from " + fixtures().verify.string() + " --out " + out.string()), out,
                 "second");
  // A missing file.
  expect_refused(run("report --from " + (d / "missing.json").string() + " --out " + out.string()), out, "cannot read");
  // Unwritable --out: its parent is a regular file.
  std::ofstream(d / "file") << "x";
  const CliRun u = report(d / "file" / "rep");
  EXPECT_EQ(u.code, 2) << u.err;
  EXPECT_EQ(lines(u.err), 1) << u.err;
  EXPECT_NE(u.err.find("--out"), std::string::npos) << u.err;
  EXPECT_EQ(slurp(d / "file"), "x");
  // --out is a file.
  const CliRun f = report(d / "file");
  EXPECT_EQ(f.code, 2) << f.err;
  EXPECT_EQ(lines(f.err), 1) << f.err;
  EXPECT_NE(f.err.find("is not a folder"), std::string::npos) << f.err;
  EXPECT_EQ(slurp(d / "file"), "x");
  EXPECT_EQ(entries_named(d, ".file."), 0);
  // gnuplot missing: no half-written report.
  const std::string cmd = "REGCHECK_GNUPLOT=/nonexistent/gnuplot " + std::string(REGCHECK_BIN) + " report --from " + fixtures().verify.string() +
                          " --from " + fixtures().reproduce.string() + " --out " + out.string() + " >" + (d / "g.out").string() + " 2>" +
                          (d / "g.err").string();
  const int status = std::system(cmd.c_str());
  expect_refused(CliRun{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(d / "g.out"), slurp(d / "g.err")}, out, "/nonexistent/gnuplot");
}
