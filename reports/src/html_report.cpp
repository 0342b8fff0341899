#include "reports/src/html_report.hpp"

#include "reports/src/empirical_figures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace regcheck::report {

namespace {

using nlohmann::json;

constexpr const char* kVerdicts[] = {"HOLDS", "FAILS", "INCONCLUSIVE", "ERROR"};

// Print-friendly, no external fonts: system font stacks only.
constexpr const char* kCss = R"(body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1100px;padding:1em 1.5em;color:#111;line-height:1.4}
h1{font-size:1.6em}h2{border-bottom:2px solid #333;margin-top:2em}h3{margin-top:1.5em;font-family:monospace;font-size:1.05em}
table{border-collapse:collapse;margin:.5em 0;font-size:.88em;width:100%}th,td{border:1px solid #bbb;padding:.25em .4em;vertical-align:top;text-align:left}
th{background:#eee}td.num{font-family:monospace;overflow-wrap:break-word}code,.id{font-family:monospace}
.HOLDS{color:#064;font-weight:bold}.FAILS{color:#a00;font-weight:bold}.INCONCLUSIVE{color:#850;font-weight:bold}.ERROR{color:#fff;background:#a00;font-weight:bold}
.mismatch{color:#c00;font-weight:bold}tr.mismatch td{background:#fee}.detail{background:#fafafa;font-size:.92em}
figure{margin:1em 0;page-break-inside:avoid;break-inside:avoid}figure svg{max-width:100%;height:auto}figcaption{font-size:.85em;color:#333}
.prov td:first-child{white-space:nowrap;font-weight:bold;width:12em}.prov td{font-family:monospace;word-break:break-all}
@media print{body{max-width:none;font-size:10pt}h2{page-break-before:always}h2.first{page-break-before:avoid}tr,figure{page-break-inside:avoid}a{color:inherit;text-decoration:none}}
)";

std::string esc(const std::string& s) { return escape_html(s); }

std::string num(const std::optional<double>& v) {
  if (!v) return "-";
  if (std::isnan(*v)) return "nan";
  if (std::isinf(*v)) return *v > 0 ? "inf" : "-inf";
  return fmt::format("{:.4g}", *v);
}

std::string verdict_cell(const std::string& v) { return fmt::format("<span class=\"{}\">{}</span>", esc(v), esc(v)); }

std::string ci_text(const json& o, const char* lo, const char* hi) {
  const auto l = number_at(o, lo), h = number_at(o, hi);
  if (!l && !h) return "";
  return fmt::format(" [{}, {}]", num(l), num(h));
}

std::string anchor(const std::string& id) { return "c-" + file_stem(id); }

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

// The <svg> element without the XML prolog, its element ids (gnuplot gives every figure the same
// gnuplot_canvas, gpPt0.., textbox, greybox) and their references prefixed with `prefix`, so that
// the ids stay unique in the page.
std::string inline_svg(const std::string& svg, const std::string& prefix) {
  const std::size_t at = svg.find("<svg");
  if (at == std::string::npos) return {};
  std::string s = svg.substr(at);
  for (const char* q : {"'", "\""}) {
    replace_all(s, fmt::format("id={}", q), fmt::format("id={}{}", q, prefix));
    replace_all(s, fmt::format("href={}#", q), fmt::format("href={}#{}", q, prefix));
  }
  replace_all(s, "url(#", "url(#" + prefix);
  return s;
}

std::string figure_html(const RenderedFigure& f) {
  const std::string stem = file_stem(f.file_name);
  return fmt::format("<figure id=\"f-{}\">{}<figcaption>{} (<code>{}</code>)</figcaption></figure>\n", esc(stem),
                     inline_svg(f.svg, stem + "-"), esc(f.caption), esc(f.file_name));
}

bool verify_mismatch(const json& c) { return c.contains("matches_expected") && c["matches_expected"].is_boolean() && !c["matches_expected"].get<bool>(); }
bool reproduce_mismatch(const json& c) { return text_at(c, "expectation").find("MISMATCH") != std::string::npos; }

std::vector<std::string> sources_of(const ReportInputs& in) {
  std::vector<std::string> out{"dropact", "gcsr", "tl1", "dlbook"};
  for (const auto* doc : {&in.verify, &in.reproduce})
    if (*doc)
      for (const json& c : (**doc)["claims"]) {
        const std::string s = text_at(c, "source");
        if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
      }
  return out;
}

std::string summary(const ReportInputs& in) {
  std::string h = "<h2 class=\"first\" id=\"summary\">Summary</h2>\n";
  std::string mism;
  auto count_row = [&](const char* what, const std::optional<json>& doc, auto mismatch) {
    if (!doc) return fmt::format("<tr><td>{}</td><td colspan=\"6\">not in this report (no input)</td></tr>\n", what);
    std::map<std::string, int> n;
    int bad = 0;
    for (const json& c : (*doc)["claims"]) {
      ++n[text_at(c, "verdict")];
      if (mismatch(c)) {
        ++bad;
        mism += fmt::format("<tr class=\"mismatch\"><td>{}</td><td><a href=\"#{}\" class=\"id\">{}</a></td><td>{}</td><td>{}</td></tr>\n", what,
                            anchor(text_at(c, "id")), esc(text_at(c, "id")), verdict_cell(text_at(c, "verdict")),
                            esc(c.contains("expected") && c["expected"].is_string() ? c["expected"].get<std::string>() : "-"));
      }
    }
    std::string r = fmt::format("<tr><td>{}</td><td class=\"num\">{}</td>", what, (*doc)["claims"].size());
    for (const char* v : kVerdicts) r += fmt::format("<td class=\"num {}\">{}</td>", n[v] ? v : "", n[v]);
    return r + fmt::format("<td class=\"num{}\">{}</td></tr>\n", bad ? " mismatch" : "", bad);
  };
  const std::string rows = count_row("analytic (verify)", in.verify, verify_mismatch) +
                           count_row("empirical (reproduce)", in.reproduce, reproduce_mismatch);
  if (!mism.empty())
    h += "<p class=\"mismatch\">Verdicts that differ from the registry's expectation:</p>\n<table><tr><th>kind</th><th>claim</th>"
         "<th>verdict</th><th>expected</th></tr>\n" + mism + "</table>\n";
  h += "<table><tr><th>claims</th><th>total</th><th>HOLDS</th><th>FAILS</th><th>INCONCLUSIVE</th><th>ERROR</th><th>mismatches</th></tr>\n" + rows +
       "</table>\n";
  if (in.verify)
    h += fmt::format("<p>Analytic claims: Monte Carlo family-wise false-FAIL budget alpha = {} over {} tests (Bonferroni), seed {}.</p>\n",
                     num(number_at(*in.verify, "alpha")), num(number_at(*in.verify, "mc_tests_total")), (*in.verify).contains("seed") ? (*in.verify)["seed"].dump() : std::string("-"));
  if (in.reproduce && in.reproduce->contains("family"))
    h += fmt::format("<p>Empirical claims (scale {}): {}</p>\n", esc(text_at(*in.reproduce, "scale")), esc(text_at((*in.reproduce)["family"], "statement")));
  return h;
}

std::string analytic_section(const std::string& source, const json& verify, std::vector<RenderedFigure>& figs) {
  std::string rows;
  std::set<std::string> ids;
  for (const json& c : verify["claims"]) ids.insert(text_at(c, "id"));
  for (const json& c : verify["claims"]) {
    if (text_at(c, "source") != source) continue;
    const std::string id = text_at(c, "id"), verdict = text_at(c, "verdict");
    std::string theory = text_at(c, "theory_text");
    if (theory.empty()) theory = num(number_at(c, "theory"));
    std::string est = num(number_at(c, "estimate")) + ci_text(c, "ci_lo", "ci_hi");
    if (const auto r = number_at(c, "error_to_tolerance"); r && number_at(c, "max_error"))
      est += fmt::format("<br>worst error {} = {} &times; tolerance", num(number_at(c, "max_error")), num(r));
    else if (r)
      est += fmt::format("<br>worst error / tolerance {}", num(r));
    const bool bad = verify_mismatch(c);
    rows += fmt::format("<tr id=\"{}\"{}><td class=\"id\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                        "<td>{}{}</td><td class=\"num\">{}</td></tr>\n",
                        anchor(id), bad ? " class=\"mismatch\"" : "", esc(id), esc(text_at(c, "statement")), esc(text_at(c, "method")), esc(theory),
                        est, verdict_cell(verdict), bad ? fmt::format(" <span class=\"mismatch\">(expected {})</span>", esc(text_at(c, "expected"))) : "",
                        num(number_at(c, "detectable_deviation")));
    std::string detail;
    if (const std::string ce = text_at(c, "counterexample"); !ce.empty()) detail += "<b>Counterexample:</b> " + esc(ce) + "<br>";
    if (const std::string f = text_at(c, "finding"); !f.empty() && (verdict != "HOLDS" || id.ends_with(".corrected")))
      detail += "<b>Finding:</b> " + esc(f) + "<br>";
    if (verdict == "FAILS" && ids.count(id + ".corrected"))
      detail += fmt::format("<b>Corrected claim:</b> <a href=\"#{}\" class=\"id\">{}.corrected</a><br>", anchor(id + ".corrected"), esc(id));
    if (!detail.empty()) rows += "<tr class=\"detail\"><td></td><td colspan=\"6\">" + detail + "</td></tr>\n";
  }
  if (rows.empty()) return "";
  std::string h = "<h3>Analytic claims</h3>\n<table><tr><th>ID</th><th>statement (as printed)</th><th>method</th><th>theory</th>"
                  "<th>estimate [CI] / worst error</th><th>verdict</th><th>detectable deviation</th></tr>\n" + rows + "</table>\n";
  // A source declared with the library (a user's Registry) has no catalog figures.
  const bool catalog_source = source == "dropact" || source == "gcsr" || source == "tl1" || source == "dlbook";
  for (RenderedFigure& f : catalog_source ? analytic_figures(source, verify) : std::vector<RenderedFigure>{}) {
    h += figure_html(f);
    figs.push_back(std::move(f));
  }
  return h;
}

std::string empirical_claim(const json& c, std::vector<RenderedFigure>& figs) {
  const std::string id = text_at(c, "id"), metric = text_at(c, "metric");
  const bool bad = reproduce_mismatch(c);
  std::string h = fmt::format("<h3 id=\"{}\">{} &mdash; {} <span class=\"{}\">{}</span></h3>\n", anchor(id), esc(id), verdict_cell(text_at(c, "verdict")),
                              bad ? "mismatch" : "", esc(text_at(c, "expectation")));
  h += fmt::format("<p><b>Claim:</b> {}<br><b>Test:</b> {} ({})</p>\n", esc(text_at(c, "claim")), esc(text_at(c, "hypothesis")), esc(text_at(c, "test")));
  if (const std::string f = text_at(c, "finding"); !f.empty()) h += "<p><b>Finding:</b> " + esc(f) + "</p>\n";
  h += fmt::format("<table><tr><th>arm</th><th>description</th><th>seeds</th><th>{} mean [95% CI]</th></tr>\n", esc(metric));
  for (const json& a : c["arms"]) {
    std::string v = "-";
    if (a.contains("final") && a["final"].contains(metric)) v = num(number_at(a["final"][metric], "mean")) + ci_text(a["final"][metric], "ci_lo", "ci_hi");
    h += fmt::format("<tr><td class=\"id\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n", esc(text_at(a, "name")),
                     esc(text_at(a, "description")), a.contains("seeds") ? a["seeds"].size() : 0, v);
  }
  h += "</table>\n<table><tr><th>test</th><th>kind</th><th>effect [95% CI]</th><th>p</th><th>Holm p</th><th>detectable effect</th><th>verdict</th></tr>\n";
  for (const json& t : c["tests"]) {
    const bool fam = t.value("in_family", false);
    std::string eff = num(number_at(t, "effect")) + ci_text(t, "effect_ci_lo", "effect_ci_hi");
    if (text_at(t, "kind") == "band")
      eff += fmt::format("<br>measured {}{} in [{}, {}]", num(number_at(t, "measured")), ci_text(t, "measured_ci_lo", "measured_ci_hi"),
                         num(number_at(t, "band_lo")), num(number_at(t, "band_hi")));
    std::string name = esc(text_at(t, "name"));
    if (const std::string d = text_at(t, "detail"); !d.empty()) name += "<br><small>" + esc(d) + "</small>";
    h += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}{}</td></tr>\n",
                     name, esc(text_at(t, "kind")), eff, num(number_at(t, "p_value")), fam ? num(number_at(t, "p_adjusted")) : "not in family",
                     num(number_at(t, "detectable")), verdict_cell(text_at(t, "verdict")), fam ? "" : " (informative)");
  }
  h += "</table>\n";
  for (RenderedFigure& f : empirical_figures(c)) {
    h += figure_html(f);
    figs.push_back(std::move(f));
  }
  return h;
}

}  // namespace

std::string provenance_html(const ReportInputs& in, const Provenance& p) {
  std::string rows;
  auto row = [&](const char* k, const std::string& v) { rows += fmt::format("<tr><td>{}</td><td>{}</td></tr>\n", k, esc(v)); };
  row("command line", p.command_line);
  row("seed (verify)", p.seed);
  row("scale (reproduce)", p.scale);
  row("regcheck", p.version + " (git " + p.git_commit + ")");
  row("compiler", p.compiler);
  row("Eigen", p.eigen);
  row("Boost", p.boost);
  row("threads", p.threads);
  row("date (UTC)", p.date);
  row("wall time", fmt::format("{:.1f} s", p.wall_seconds));
  if (in.reproduce && in.reproduce->contains("data_files"))
    for (const json& d : (*in.reproduce)["data_files"]) row("data file SHA-256", text_at(d, "sha256") + "  " + text_at(d, "path") + text_at(d, "dir"));
  if (in.reproduce && in.reproduce->contains("runs"))
    row("reproduce runs", fmt::format("{} planned, {} reused, {} trained, {} s", num(number_at((*in.reproduce)["runs"], "planned")),
                                      num(number_at((*in.reproduce)["runs"], "reused")), num(number_at((*in.reproduce)["runs"], "trained")),
                                      num(number_at((*in.reproduce)["runs"], "wall_seconds"))));
  return fmt::format("{}\n<h2 id=\"provenance\">Provenance</h2>\n<table class=\"prov\">\n{}</table>\n{}", kProvenanceBegin, rows, kProvenanceEnd);
}

std::string escape_html(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  return o;
}

Report build_report(const ReportInputs& in, const Provenance& prov) {
  Report r;
  std::string body = summary(in);
  for (const std::string& s : sources_of(in)) {
    std::string part;
    if (in.verify) part += analytic_section(s, *in.verify, r.figures);
    std::string emp;
    if (in.reproduce)
      for (const json& c : (*in.reproduce)["claims"])
        if (text_at(c, "source") == s) emp += empirical_claim(c, r.figures);
    if (!emp.empty()) part += "<h3>Empirical claims</h3>\n" + emp;
    if (!part.empty()) body += fmt::format("<h2 id=\"src-{}\">{}</h2>\n", esc(s), esc(s)) + part;
  }
  r.html = fmt::format("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                       "<title>regcheck report</title>\n<style>\n{}</style>\n</head>\n<body>\n<h1>regcheck report</h1>\n"
                       "<p>Claim texts and expected verdicts come from the in-repository catalog (claims/CATALOG.md) through the JSON of "
                       "<code>regcheck verify</code> and <code>regcheck reproduce</code>, copied beside this page as verify.json and reproduce.json.</p>\n"
                       "{}{}\n</body>\n</html>\n",
                       kCss, body, provenance_html(in, prov));
  return r;
}

}  // namespace regcheck::report
