// `regcheck export-notebooks`: the notebooks are built from the results, cell by cell: which
// claims, tables and figures a notebook holds is decided by the JSON it is made from; the
// plotting helpers (one code cell) read the numbers from that JSON when the notebook runs.
#include "reports/src/notebooks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace regcheck::report {

namespace {

using nlohmann::json;

constexpr std::array<const char*, 4> kSources = {"dropact", "gcsr", "tl1", "dlbook"};

// The source titles of claims/CATALOG.md ("Sources").
std::string source_title(const std::string& s) {
  if (s == "dropact")
    return "S. Liang, Y. Khoo, H. Yang, \"Drop-Activation: Implicit Parameter Reduction and Harmonic Regularization\"";
  if (s == "gcsr")
    return "D. H. Park, C. M. Ho, Y. Chang, H. Zhang, \"Gradient-Coherent Strong Regularization for Deep Neural "
           "Networks\"";
  if (s == "tl1") return "\"Transformed l1 Regularization for Learning Sparse Deep Neural Networks\"";
  // A user's own source (claims/core/verify_driver.hpp): no catalog title; its claims carry their statements.
  if (s != "dlbook") return fmt::format("`{}` (claims declared with the regcheck library; each claim below carries its statement)", s);
  return "I. Goodfellow, Y. Bengio, A. Courville, *Deep Learning*, chapter 7 \"Regularization for Deep Learning\"";
}

// Notebook source text as nbformat's list of lines (each but the last ends in "\n").
json lines(const std::string& text) {
  json out = json::array();
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size() - 1;
    out.push_back(text.substr(start, nl - start + 1));
    start = nl + 1;
  }
  return out;
}

struct Cells {
  json list = json::array();
  void add(const char* type, const std::string& text) {
    // nbformat 4.5 cell ids: stable (index-based) so that the same results give the same file.
    json c = {{"cell_type", type}, {"id", fmt::format("cell-{:03d}", list.size())}, {"metadata", json::object()},
              {"source", lines(text)}};
    if (std::string(type) == "code") {
      c["execution_count"] = nullptr;
      c["outputs"] = json::array();
    }
    list.push_back(std::move(c));
  }
  void md(const std::string& t) { add("markdown", t); }
  void code(const std::string& t) { add("code", t); }
};

// A table cell's text: one line, '|' escaped so that it does not split the markdown row.
std::string cell(std::string s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|') out += "\\|";
    else if (ch == '\n' || ch == '\r') out += ' ';
    else out += ch;
  }
  return out;
}

// A JSON number as text (6 significant digits); regcheck writes non-finite numbers as the
// strings "inf", "-inf", "nan", shown as they are; a missing field is an empty cell.
std::string number(const json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains(key)) return "";
  const json& v = obj.at(key);
  if (v.is_number_unsigned()) return fmt::format("{}", v.get<std::uint64_t>());  // seeds, counts: exact
  if (v.is_number_integer()) return fmt::format("{}", v.get<std::int64_t>());
  if (v.is_number()) return fmt::format("{:.6g}", v.get<double>());
  if (v.is_string()) return v.get<std::string>();
  return "";
}

std::string text_of(const json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains(key) || !obj.at(key).is_string()) return "";
  return obj.at(key).get<std::string>();
}

// A Python string literal (json's escaping is valid Python for the characters regcheck writes).
std::string py(const std::string& s) { return json(s).dump(); }

std::vector<const json*> claims_of(const std::optional<json>& doc, const std::string& source) {
  std::vector<const json*> out;
  if (!doc) return out;
  for (const json& c : doc->at("claims"))
    if (c.is_object() && text_of(c, "source") == source) out.push_back(&c);
  return out;
}

const json* claim_by_id(const std::vector<const json*>& claims, const std::string& id) {
  for (const json* c : claims)
    if (text_of(*c, "id") == id) return c;
  return nullptr;
}

// True when the claim's `extra` holds a non-empty array under `key` (the table a figure needs).
bool has_table(const json* c, const char* key) {
  return c && c->contains("extra") && c->at("extra").is_object() && c->at("extra").contains(key) &&
         c->at("extra").at(key).is_array() && !c->at("extra").at(key).empty();
}

// The plotting helpers, run in the notebook: they read the loaded JSON, never numbers pasted here.
constexpr const char* kHelpers = R"PY(# Plotting helpers: every number comes from the JSON loaded above.
import math
import matplotlib.pyplot as plt

Z95 = 1.959963984540054  # standard normal 0.975 quantile: a 95% interval is estimate +- Z95 * se


def show(fig):
    """Shows a figure as a PNG output, whatever the matplotlib backend (e.g. MPLBACKEND=Agg under nbconvert)."""
    import io
    from IPython.display import Image, display
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format='png', dpi=90)
    plt.close(fig)
    display(Image(buf.getvalue()))


def num(x):
    """A JSON number; regcheck writes non-finite values as the strings 'inf', '-inf', 'nan'."""
    if x is None:
        return math.nan
    return float(x)


def claim(doc, claim_id):
    """The claim object with this id in a regcheck results document."""
    return next(c for c in doc['claims'] if c['id'] == claim_id)


def seeds_text(arm):
    return f"{arm['name']} (n = {len(arm.get('seeds', []))} seeds)"


def plot_curves(doc, claim_id):
    """Per-epoch curves of an empirical claim's metrics: each arm's mean over seeds with its 95% CI band."""
    c = claim(doc, claim_id)
    metrics = sorted({m for a in c['arms'] for m in a.get('curves', {})})
    fig, axes = plt.subplots(1, len(metrics), figsize=(max(7.5, 6 * len(metrics)), 4.5), squeeze=False)
    for ax, m in zip(axes[0], metrics):
        for a in c['arms']:
            pts = a.get('curves', {}).get(m, [])
            if not pts:
                continue
            epoch = [p['epoch'] for p in pts]
            line, = ax.plot(epoch, [num(p['mean']) for p in pts], marker='.', label=seeds_text(a))
            ax.fill_between(epoch, [num(p['ci_lo']) for p in pts], [num(p['ci_hi']) for p in pts],
                            color=line.get_color(), alpha=0.18, linewidth=0)
        ax.set_xlabel('epoch')
        ax.set_ylabel(m)
        ax.grid(alpha=0.3)
        ax.legend(fontsize='x-small')
    fig.suptitle(f"{claim_id}\nper-epoch mean over seeds, 95% Student-t CI band ({doc.get('scale', '')} scale)",
                 fontsize='medium')
    show(fig)


def plot_final(doc, claim_id):
    """An empirical claim's final metric per arm: mean over seeds with its 95% Student-t CI bar."""
    c = claim(doc, claim_id)
    m = c['metric']
    arms = [a for a in c['arms'] if m in a.get('final', {})]
    mean = [num(a['final'][m]['mean']) for a in arms]
    lo = [num(a['final'][m]['ci_lo']) for a in arms]
    hi = [num(a['final'][m]['ci_hi']) for a in arms]
    fig, ax = plt.subplots(figsize=(max(5.0, 0.9 * len(arms) + 2.5), 4.2))
    x = list(range(len(arms)))
    ax.errorbar(x, mean, yerr=[[mu - l for mu, l in zip(mean, lo)], [h - mu for mu, h in zip(mean, hi)]],
                fmt='o', capsize=4)
    ax.set_xticks(x)
    ax.set_xticklabels([seeds_text(a) for a in arms], rotation=30, ha='right', fontsize='small')
    ax.set_ylabel(f"final {m}")
    ax.grid(alpha=0.3)
    ax.set_title(f"{claim_id}\nfinal {m} per arm, mean and 95% CI over seeds", fontsize='medium')
    show(fig)


def plot_shift_ratios(doc):
    """Drop-Activation and dropout shift ratios over p (closed forms), Monte Carlo points with 95% CI bars."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    c = claim(doc, 'dropact.sec5_2.vs-dropout')
    rows = sorted(c['extra']['side_by_side'], key=lambda r: r['p'])
    p = [r['p'] for r in rows]
    ax.plot(p, [num(r['drop_activation']) for r in rows], label='Drop-Activation, theory (eq. 15)')
    ax.plot(p, [num(r['dropout']) for r in rows], label='dropout, theory')
    for method in sorted({r['method'] for r in c['extra'].get('monte_carlo', [])}):
        mc = [r for r in c['extra']['monte_carlo'] if r['method'] == method]
        ax.errorbar([r['p'] for r in mc], [num(r['estimate']) for r in mc],
                    yerr=[Z95 * num(r['se']) for r in mc], fmt='o', capsize=4,
                    label=f'{method}, Monte Carlo (95% CI)')
    for name, value in c['extra'].get('operating_points', {}).items():
        ax.annotate(f"{name}: {num(value):.4f}", (float(name.rsplit('_', 1)[1]), num(value)),
                    textcoords='offset points', xytext=(-160, -18), fontsize='small',
                    arrowprops={'arrowstyle': '->'})
    ax.set_xlabel('p (probability of keeping the nonlinearity / a unit)')
    ax.set_ylabel('variance shift ratio (test / train)')
    ax.set_ylim(0, 1.05)
    ax.grid(alpha=0.3)
    ax.legend(fontsize='small')
    ax.set_title('dropact.sec5_2.vs-dropout: shift ratios over p')
    show(fig)


def plot_shift_ratio_mc(doc):
    """Property 5.2: the shift ratio's closed form against its Monte Carlo estimates (95% CI bars) per width d."""
    c = claim(doc, 'dropact.prop5_2.shift-ratio')
    rows = sorted(c['extra']['monte_carlo'], key=lambda r: r['p'])
    p = [r['p'] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(p, [num(r['theory']) for r in rows], 'x', markersize=9, label='theory (eq. 15)')
    ax.errorbar(p, [num(r['estimate']) for r in rows], yerr=[Z95 * num(r['se']) for r in rows], fmt='o', mfc='none',
                capsize=4, label='Monte Carlo (95% CI)')
    for r in rows:
        ax.annotate(f"d = {r['d']}", (r['p'], num(r['estimate'])), textcoords='offset points', xytext=(6, -12),
                    fontsize='x-small')
    ax.set_xlabel('p (probability of keeping the nonlinearity)')
    ax.set_ylabel('variance shift ratio (test / train)')
    ax.grid(alpha=0.3)
    ax.legend(fontsize='small')
    ax.set_title('dropact.prop5_2.shift-ratio: closed form vs Monte Carlo')
    show(fig)


def plot_coherence(doc):
    """GCSR eq. (9): coherence closed form over lambda against Monte Carlo (CI at the check's alpha)."""
    c = claim(doc, 'gcsr.eq9.coherence-closed-form')
    rows = c['extra']['grid']
    keys = sorted({(r['penalty'], r['sw'], r['sg']) for r in rows})
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for pen, sw, sg in keys:
        rk = sorted([r for r in rows if (r['penalty'], r['sw'], r['sg']) == (pen, sw, sg)], key=lambda r: r['lambda'])
        lam = [r['lambda'] for r in rk]
        line, = ax.plot(lam, [num(r['theory']) for r in rk], label=f'{pen}, sw = {sw}, sg = {sg}: closed form')
        est = [num(r['estimate']) for r in rk]
        ax.errorbar(lam, est, yerr=[[e - num(r['ci'][0]) for e, r in zip(est, rk)],
                                    [num(r['ci'][1]) - e for e, r in zip(est, rk)]],
                    fmt='o', capsize=3, color=line.get_color())
    ax.set_xscale('log')
    ax.set_xlabel('lambda (regularization strength)')
    ax.set_ylabel('coherence probability')
    ax.grid(alpha=0.3)
    ax.legend(fontsize='x-small')
    ax.set_title("gcsr.eq9.coherence-closed-form\nlines: closed form, points Monte Carlo (CI at the check's alpha)")
    show(fig)


def plot_tl1_prox(doc):
    """TL1 prox (Zhang & Xin, Thm. 3.1) at the 50-digit reference points, one panel per a."""
    c = claim(doc, 'tl1.eq36.prox')
    rows = c['extra']['reference_points']
    avals = sorted({r['a'] for r in rows})
    ncol = min(3, len(avals))
    nrow = (len(avals) + ncol - 1) // ncol
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 3.6 * nrow), squeeze=False)
    for ax in axes.flat[len(avals):]:
        ax.set_visible(False)
    for ax, a in zip(axes.flat, avals):
        ra = [r for r in rows if r['a'] == a]
        for lam in sorted({r['lambda'] for r in ra}):
            rl = [r for r in ra if r['lambda'] == lam]
            ax.plot([r['y'] for r in rl], [num(r['ref']) for r in rl], 'o', label=f'lambda = {lam:.3g}')
        ys = [r['y'] for r in ra]
        ax.plot([min(ys), max(ys)], [min(ys), max(ys)], color='grey', linewidth=0.8, label='identity')
        ax.set_xscale('symlog', linthresh=max(1e-12, min(abs(y) for y in ys)))
        ax.set_yscale('symlog', linthresh=max(1e-12, min(abs(y) for y in ys)))
        ax.set_xlabel('y (input)')
        ax.set_ylabel('prox(y) (50-digit reference)')
        ax.set_title(f'a = {a:g}', fontsize='small')
        ax.legend(fontsize='xx-small')
    fig.suptitle('tl1.eq36.prox: TL1 proximal map at the reference points')
    show(fig)


def plot_ensemble_mse(doc):
    """Deep Learning 7.10: ensemble MSE v/k + (k-1)c/k against Monte Carlo (CI at the check's alpha)."""
    c = claim(doc, 'dlbook.7_10.ensemble-mse')
    rows = c['extra']['grid']
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for v, cc in sorted({(r['v'], r['c']) for r in rows}):
        rk = sorted([r for r in rows if (r['v'], r['c']) == (v, cc)], key=lambda r: r['k'])
        k = [r['k'] for r in rk]
        line, = ax.plot(k, [num(r['theory']) for r in rk], label=f'v = {v:g}, c = {cc:g}: v/k + (k-1)c/k')
        mc = [num(r['mc']) for r in rk]
        ax.errorbar(k, mc, yerr=[[m - num(r['ci'][0]) for m, r in zip(mc, rk)], [num(r['ci'][1]) - m for m, r in zip(mc, rk)]],
                    fmt='o', capsize=4, color=line.get_color())
    ax.set_xlabel('k (ensemble members)')
    ax.set_ylabel('expected squared error of the ensemble')
    ax.grid(alpha=0.3)
    ax.legend(fontsize='small')
    ax.set_title("dlbook.7_10.ensemble-mse\nlines: theory, points Monte Carlo (CI at the check's alpha)")
    show(fig)


def plot_early_stopping(doc):
    """Deep Learning eq. (7.28): relative error of alpha = 1 / (tau eta) against the exact alpha, over tau * eta * lambda."""
    c = claim(doc, 'dlbook.7_7.early-stopping')
    rows = sorted(c['extra']['alpha_7_28_table'], key=lambda r: r['tau_eta_lambda'])
    x = [r['tau_eta_lambda'] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(x, [abs(num(r['rel_error'])) for r in rows], 'o', label='|alpha_7.28 / alpha_exact - 1|')
    ax.plot(x, [num(r['bound']) for r in rows], 'x', label='bound eta lambda + tau eta lambda / (2 (1 - eta lambda))')
    ax.set_xscale('log')
    ax.set_yscale('log')
    ax.set_xlabel('tau * eta * lambda (dimensionless)')
    ax.set_ylabel('relative error of eq. (7.28)')
    ax.grid(alpha=0.3)
    ax.legend(fontsize='small')
    ax.set_title('dlbook.7_7.early-stopping: eq. (7.28) against the exact alpha')
    show(fig)


def plot_mean_shift(doc):
    """Drop-Activation eqs. (13)-(14): the pre-activation mean's closed form against the train / test Monte Carlo means."""
    c = claim(doc, 'dropact.prop5_2.mean')
    rows = sorted(c['extra']['grid'], key=lambda r: (r['d'], r['p']))
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for d in sorted({r['d'] for r in rows}):
        rd = [r for r in rows if r['d'] == d]
        p = [r['p'] for r in rd]
        line, = ax.plot(p, [num(r['theory']) for r in rd], marker='x', linestyle='--', label=f'theory, d = {d}')
        ax.plot(p, [num(r['mean_train']) for r in rd], 'o', color=line.get_color(), label=f'Monte Carlo train, d = {d}')
        ax.plot(p, [num(r['mean_test']) for r in rd], 's', mfc='none', color=line.get_color(), label=f'Monte Carlo test, d = {d}')
    ax.set_xlabel('p (probability of keeping the nonlinearity)')
    ax.set_ylabel('mean of the next pre-activation')
    ax.grid(alpha=0.3)
    ax.legend(fontsize='small')
    ax.set_title('dropact.prop5_2.mean: closed form vs Monte Carlo')
    show(fig)


def plot_tl1_limits(doc):
    """TL1 prox: distance to hard thresholding as a -> 0 and to soft thresholding as a -> inf, per lambda."""
    c = claim(doc, 'tl1.eq36.regimes')
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), squeeze=False)
    for ax, key, col, title in ((axes[0][0], 'hard_limit', 'max|prox - hard|', 'a -> 0: hard thresholding'),
                                (axes[0][1], 'soft_limit', 'max|prox - soft|', 'a -> inf: soft thresholding')):
        rows = c['extra'].get(key, [])
        for lam in sorted({r['lambda'] for r in rows}):
            rl = sorted([r for r in rows if r['lambda'] == lam], key=lambda r: r['a'])
            ax.plot([r['a'] for r in rl], [num(r[col]) for r in rl], marker='o', label=f'lambda = {lam:g}')
        ax.set_xscale('log')
        ax.set_yscale('log')
        ax.set_xlabel('a (TL1 shape parameter)')
        ax.set_ylabel(col)
        ax.set_title(title, fontsize='medium')
        ax.grid(alpha=0.3)
        ax.legend(fontsize='x-small')
    fig.suptitle('tl1.eq36.regimes: limits of the TL1 proximal map')
    show(fig)


def plot_bootstrap(doc):
    """Deep Learning 7.10: expected fraction of distinct examples in a bootstrap sample over n, limit 1 - 1/e."""
    c = claim(doc, 'dlbook.7_10.bootstrap')
    rows = sorted(c['extra']['fraction_table'], key=lambda r: r['n'])
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot([r['n'] for r in rows], [num(r['fraction']) for r in rows], 'o-', label='exact expected fraction')
    ax.axhline(1 - math.exp(-1), color='grey', linestyle='--', label='limit 1 - 1/e')
    ax.axhline(2 / 3, color='black', linestyle=':', label="the book's 'about two-thirds'")
    ax.set_xscale('log')
    ax.set_xlabel('n (examples in the data set)')
    ax.set_ylabel('fraction of distinct examples')
    ax.grid(alpha=0.3)
    ax.legend(fontsize='small')
    ax.set_title('dlbook.7_10.bootstrap: distinct examples in a bootstrap sample')
    show(fig)


def plot_adversarial(doc):
    """Deep Learning 7.13: the largest change of w^T x under ||eta||_inf <= 1 grows like n (its L1 norm)."""
    c = claim(doc, 'dlbook.7_13.linear-adversarial')
    rows = sorted(c['extra']['growth_eps_1'], key=lambda r: r['n'])
    n = [r['n'] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(n, [num(r['l1']) for r in rows], 'o-', label='max change = ||w||_1')
    ax.plot(n, [num(r['l2']) for r in rows], 's-', label='||w||_2 (for comparison)')
    ax.set_xscale('log')
    ax.set_yscale('log')
    ax.set_xlabel('n (input dimension)')
    ax.set_ylabel('change of the linear output')
    ax.grid(alpha=0.3)
    ax.legend(fontsize='small')
    ax.set_title('dlbook.7_13.linear-adversarial: growth with the dimension (eps = 1)')
    show(fig)
)PY";

struct AnalyticFigure {
  const char* source;
  const char* claim_id;
  const char* table;  // the `extra` table the figure needs
  const char* call;
  const char* what;
};

// The analytic figures of the report that the verify JSON's `extra` tables support.
constexpr std::array<AnalyticFigure, 10> kAnalytic = {{
    {"dropact", "dropact.sec5_2.vs-dropout", "side_by_side", "plot_shift_ratios(verify)",
     "Drop-Activation and dropout shift ratios over p, with the Monte Carlo points and the operating points."},
    {"dropact", "dropact.prop5_2.shift-ratio", "monte_carlo", "plot_shift_ratio_mc(verify)",
     "Property 5.2: the shift ratio's closed form against Monte Carlo."},
    {"dropact", "dropact.prop5_2.mean", "grid", "plot_mean_shift(verify)",
     "Eqs. (13)-(14): the mean of the next pre-activation at training and test time."},
    {"gcsr", "gcsr.eq9.coherence-closed-form", "grid", "plot_coherence(verify)",
     "The coherence closed forms against their Monte Carlo estimates."},
    {"tl1", "tl1.eq36.prox", "reference_points", "plot_tl1_prox(verify)",
     "The TL1 proximal map for several a at the 50-digit reference points."},
    {"tl1", "tl1.eq36.regimes", "hard_limit", "plot_tl1_limits(verify)",
     "The TL1 proximal map tends to hard thresholding as a -> 0 and to soft thresholding as a -> inf."},
    {"dlbook", "dlbook.7_10.ensemble-mse", "grid", "plot_ensemble_mse(verify)",
     "Ensemble MSE over k with the prediction v/k + (k-1)c/k."},
    {"dlbook", "dlbook.7_7.early-stopping", "alpha_7_28_table", "plot_early_stopping(verify)",
     "Early stopping as L2: eq. (7.28) against the exact equivalent coefficient."},
    {"dlbook", "dlbook.7_10.bootstrap", "fraction_table", "plot_bootstrap(verify)",
     "The expected fraction of distinct examples in a bootstrap sample."},
    {"dlbook", "dlbook.7_13.linear-adversarial", "growth_eps_1", "plot_adversarial(verify)",
     "How far a linear model's output moves under a max-norm perturbation, over the dimension."},
}};

std::string verify_table(const std::vector<const json*>& claims) {
  std::string t =
      "| ID | method | theory | estimate | CI (check's alpha) | err/tol | verdict | expected |\n"
      "|---|---|---|---|---|---|---|---|\n";
  for (const json* c : claims) {
    std::string theory = number(*c, "theory");
    if (theory.empty()) theory = text_of(*c, "theory_text");
    std::string ci = c->contains("ci_lo") ? fmt::format("[{}, {}]", number(*c, "ci_lo"), number(*c, "ci_hi")) : "";
    std::string verdict = text_of(*c, "verdict");
    if (verdict == "FAILS") verdict = "**FAILS**";
    t += fmt::format("| `{}` | {} | {} | {} | {} | {} | {} | {} |\n", cell(text_of(*c, "id")), cell(text_of(*c, "method")),
                     cell(theory), number(*c, "estimate"), ci, number(*c, "error_to_tolerance"), verdict,
                     cell(text_of(*c, "expected")));
  }
  // Each FAILS with its smallest counterexample and the corrected claim when there is one.
  std::string fails;
  for (const json* c : claims) {
    if (text_of(*c, "verdict") != "FAILS") continue;
    const std::string id = text_of(*c, "id");
    fails += fmt::format("- `{}` FAILS. Counterexample: {}", id, text_of(*c, "counterexample"));
    if (claim_by_id(claims, id + ".corrected")) fails += fmt::format(" Corrected claim: `{}.corrected`.", id);
    fails += "\n";
  }
  if (!fails.empty()) t += "\n" + fails;
  return t;
}

std::string reproduce_table(const std::vector<const json*>& claims) {
  std::string t =
      "| ID | test row | effect | 95% CI of the effect | Holm p | detectable effect | row verdict | claim verdict | "
      "expected |\n|---|---|---|---|---|---|---|---|---|\n";
  for (const json* c : claims) {
    const json& tests = c->contains("tests") && c->at("tests").is_array() ? c->at("tests") : json::array();
    std::string verdict = text_of(*c, "verdict");
    if (verdict == "FAILS") verdict = "**FAILS**";
    for (const json& r : tests) {
      std::string holm = r.value("in_family", false) ? number(r, "p_adjusted") : "(informative)";
      t += fmt::format("| `{}` | {} | {} | [{}, {}] | {} | {} | {} | {} | {} |\n", cell(text_of(*c, "id")),
                       cell(text_of(r, "name")), number(r, "effect"), number(r, "effect_ci_lo"),
                       number(r, "effect_ci_hi"), holm, number(r, "detectable"), text_of(r, "verdict"), verdict,
                       cell(text_of(*c, "expected")));
    }
    if (tests.empty())
      t += fmt::format("| `{}` | | | | | | | {} | {} |\n", cell(text_of(*c, "id")), verdict, cell(text_of(*c, "expected")));
  }
  return t;
}

}  // namespace

std::string results_kind(const json& doc, const std::string& label, const std::string& expected_version) {
  if (!doc.is_object())
    throw std::invalid_argument(fmt::format("{} is not regcheck JSON (not a JSON object)", label));
  const std::string tool = doc.contains("tool") && doc.at("tool").is_string() ? doc.at("tool").get<std::string>() : "";
  std::string kind;
  if (tool == "regcheck verify") kind = "verify";
  else if (tool == "regcheck reproduce") kind = "reproduce";
  else
    throw std::invalid_argument(fmt::format(
        "{} is not regcheck JSON (\"tool\" is {}; allowed: \"regcheck verify\", \"regcheck reproduce\")", label,
        doc.contains("tool") ? doc.at("tool").dump() : "missing"));
  const std::string version = kind == "verify" ? (doc.contains("versions") ? text_of(doc.at("versions"), "regcheck") : "")
                                              : text_of(doc, "regcheck_version");
  if (version != expected_version)
    throw std::invalid_argument(fmt::format("{} was written by regcheck {} (format version '{}'); this is regcheck {}: rerun "
                                            "`regcheck {}`",
                                            label, version.empty() ? "of unknown version" : version, version,
                                            expected_version, kind));
  if (!doc.contains("claims") || !doc.at("claims").is_array())
    throw std::invalid_argument(fmt::format("{} is not regcheck JSON (no \"claims\" array)", label));
  for (const json& c : doc.at("claims"))
    if (!c.is_object() || !c.contains("id") || !c.contains("source") || !c.at("source").is_string())
      throw std::invalid_argument(fmt::format("{} is not regcheck JSON (a claim without \"id\" or \"source\")", label));
  if (kind == "reproduce")
    for (const json& c : doc.at("claims"))
      if (!c.contains("arms") || !c.at("arms").is_array())
        throw std::invalid_argument(
            fmt::format("{} is not regcheck JSON (claim {} has no \"arms\" array)", label, c.at("id").dump()));
  return kind;
}

std::vector<std::string> notebook_sources(const NotebookInputs& in) {
  std::vector<std::string> out;
  for (const char* s : kSources)
    if (!claims_of(in.verify, s).empty() || !claims_of(in.reproduce, s).empty()) out.emplace_back(s);
  // Then the sources of claims declared with the library (Registry(sources)), in order of first
  // appearance; only names a Registry accepts ([a-z0-9_-]), since each names a file.
  for (const std::optional<json>* doc : {&in.verify, &in.reproduce}) {
    if (!*doc) continue;
    for (const json& c : (**doc).at("claims")) {
      const std::string s = c.is_object() ? text_of(c, "source") : "";
      const bool name_ok = !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
      });
      if (name_ok && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    }
  }
  return out;
}

json make_notebook(const std::string& source, const NotebookInputs& in) {
  const auto analytic = claims_of(in.verify, source);
  const auto empirical = claims_of(in.reproduce, source);
  Cells cells;

  // Header: the source and the provenance of the results.
  std::string head = fmt::format("# regcheck: {}\n\nSource: {}.\n\n", source, source_title(source));
  head += "Generated by `regcheck export-notebooks` from the results below (claim texts: `claims/CATALOG.md`). "
          "Rerun `regcheck export-notebooks` to remake it; edits here are not kept.\n\n"
          "| results | regcheck version | scale | seed | date of the results (UTC) | claims of this source |\n"
          "|---|---|---|---|---|---|\n";
  if (in.verify) {
    const json& v = *in.verify;
    std::string version = v.contains("versions") ? text_of(v.at("versions"), "regcheck") : "";
    head += fmt::format("| `regcheck verify` (data/verify.json) | {} | analytic (no scale) | {} | {} | {} |\n",
                        cell(version), number(v, "seed"), in.verify_date, analytic.size());
  }
  if (in.reproduce) {
    const json& r = *in.reproduce;
    head += fmt::format("| `regcheck reproduce` (data/reproduce.json) | {} | {} | seeds 1..n per arm | {} | {} |\n",
                        cell(text_of(r, "regcheck_version")), cell(text_of(r, "scale")), in.reproduce_date,
                        empirical.size());
  }
  cells.md(head);

  std::string load = "# The results, read with the standard json module (paths relative to this notebook).\n"
                     "import json\nimport pathlib\n\nDATA = pathlib.Path('data')\n";
  load += in.verify ? "verify = json.loads((DATA / 'verify.json').read_text())\n" : "verify = None\n";
  load += in.reproduce ? "reproduce = json.loads((DATA / 'reproduce.json').read_text())\n" : "reproduce = None\n";
  load += fmt::format("print('analytic claims of {0}:', 0 if verify is None else sum(c['source'] == {1} for c in "
                      "verify['claims']))\nprint('empirical claims of {0}:', 0 if reproduce is None else "
                      "sum(c['source'] == {1} for c in reproduce['claims']))\n",
                      source, py(source));
  cells.code(load);

  if (!analytic.empty())
    cells.md(fmt::format("## Analytic claims (`regcheck verify`)\n\nFamily-wise alpha {}, {} Monte Carlo tests in "
                         "the run.\n\n{}",
                         number(*in.verify, "alpha"), number(*in.verify, "mc_tests_total"), verify_table(analytic)));
  if (!empirical.empty()) {
    std::string family;
    if (in.reproduce->contains("family")) family = text_of(in.reproduce->at("family"), "statement");
    cells.md(fmt::format("## Empirical claims (`regcheck reproduce`, {} scale)\n\n{}\n\n{}",
                         cell(text_of(*in.reproduce, "scale")), family, reproduce_table(empirical)));
  }

  const bool any_analytic_figure = [&] {
    for (const auto& f : kAnalytic)
      if (f.source == source && has_table(claim_by_id(analytic, f.claim_id), f.table)) return true;
    return false;
  }();
  if (any_analytic_figure || !empirical.empty()) cells.code(kHelpers);

  if (any_analytic_figure) cells.md("## Figures of the analytic claims");
  for (const auto& f : kAnalytic) {
    if (f.source != source || !has_table(claim_by_id(analytic, f.claim_id), f.table)) continue;
    cells.md(fmt::format("### `{}`\n\n{} Verdict: {}.", f.claim_id, f.what,
                         text_of(*claim_by_id(analytic, f.claim_id), "verdict")));
    cells.code(f.call);
  }

  if (!empirical.empty()) cells.md("## Figures of the empirical claims");
  for (const json* c : empirical) {
    const std::string id = text_of(*c, "id");
    cells.md(fmt::format("### `{}`\n\n{}\n\nTest: {}. Verdict: **{}** (expected {}).", id, text_of(*c, "claim"),
                         text_of(*c, "test"), text_of(*c, "verdict"), text_of(*c, "expected")));
    bool curves = false, final_metric = false;
    const std::string metric = text_of(*c, "metric");
    for (const json& a : c->at("arms")) {
      if (a.contains("curves") && a.at("curves").is_object() && !a.at("curves").empty()) curves = true;
      if (!metric.empty() && a.contains("final") && a.at("final").contains(metric)) final_metric = true;
    }
    if (curves) cells.code(fmt::format("plot_curves(reproduce, {})", py(id)));
    if (final_metric) cells.code(fmt::format("plot_final(reproduce, {})", py(id)));
  }

  return json{{"cells", std::move(cells.list)},
              {"metadata",
               {{"kernelspec", {{"display_name", "Python 3"}, {"language", "python"}, {"name", "python3"}}},
                {"language_info", {{"name", "python"}}}}},
              {"nbformat", 4},
              {"nbformat_minor", 5}};
}

}  // namespace regcheck::report
