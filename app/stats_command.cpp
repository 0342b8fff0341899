// regcheck stats: statistics on users' own results (a CSV with one row per run), e.g. accuracy
// per seed and per method. Subcommands summary, compare and power; a readable table on stdout
// and, with --json, the same numbers under plain keys. The numerics live in sim/stats/.
#include "app/cli_support.hpp"
#include "app/commands.hpp"
#include "sim/stats/table.hpp"
#include "sim/stats/tests.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <thread>

namespace regcheck::app {

namespace {

namespace st = sim::stats;

struct StatsOptions {
  std::string file, column, group, paired_by, json, method = "bca";
  double alpha = 0.05;
  std::uint64_t seed = 20261204;
  std::size_t resamples = 10000;
  std::optional<int> threads;
  bool bh = false;
  // power
  std::optional<double> delta, sd, n;
  double power = 0.8;
};

// JSON number; non-finite values as the strings "inf", "-inf", "nan" (never a bare NaN).
nlohmann::json num(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

// Output is collected and printed only once every number is computed: a run that ends in an
// error prints nothing on stdout (one error line on stderr).
struct Printer {
  std::string text;
  template <class... A>
  void operator()(fmt::format_string<A...> f, A&&... a) {
    fmt::format_to(std::back_inserter(text), f, std::forward<A>(a)...);
  }
  void flush() const { std::fwrite(text.data(), 1, text.size(), stdout); }
};

std::string g6(double v) { return fmt::format("{:.6g}", v); }
// A location (mean, bound, median) with its scale (se, sd): fixed decimals down to ~scale / 1000,
// so that a spread of 0.1 around 1e12 stays visible, but no decimal finer than 2 ulps of v (beyond
// that a double shows its binary rounding, not data).
std::string gm(double v, double scale) {
  if (!std::isfinite(v) || !(scale > 0) || std::abs(v) >= 1e15) return fmt::format("{:.6g}", v);
  const double ulp = std::nextafter(std::abs(v), INFINITY) - std::abs(v);
  const int max_decimals = std::max(0, static_cast<int>(std::floor(-std::log10(2.0 * ulp))));
  const int decimals = std::clamp(static_cast<int>(std::ceil(-std::log10(scale))) + 3, 0, max_decimals);
  return fmt::format("{:.{}f}", v, decimals);
}

// The data: one numeric column read exactly, split by the group column (in order of first
// appearance), with the key column when pairing.
struct Data {
  st::Csv csv;
  st::CenteredColumn col;
  std::vector<std::string> group_names;      // {""} without --group
  std::vector<std::vector<double>> groups;   // centered values per group
  std::vector<std::vector<std::string>> keys;  // per group, the --paired-by cell of each value
};

std::string pick_numeric_column(const st::Csv& csv, const StatsOptions& o) {
  std::vector<std::string> numeric;
  for (std::size_t j = 0; j < csv.header.size(); ++j) {
    if (csv.header[j] == o.group || csv.header[j] == o.paired_by) continue;
    bool all = true;
    for (const auto& row : csv.rows) all = all && st::is_decimal(row[j]);
    if (all) numeric.push_back(csv.header[j]);
  }
  if (numeric.size() == 1) return numeric[0];
  std::string names;
  for (const auto& h : csv.header) names += (names.empty() ? "" : ", ") + h;
  if (numeric.empty()) throw UsageError(fmt::format("{}: no numeric column (columns: {}); name one with --column", csv.source, names));
  std::string nn;
  for (const auto& h : numeric) nn += (nn.empty() ? "" : ", ") + h;
  throw UsageError(fmt::format("{}: several numeric columns ({}); name one with --column", csv.source, nn));
}

Data load(const StatsOptions& o, std::size_t min_rows) {
  Data d;
  d.csv = st::read_csv(o.file);
  if (d.csv.rows.size() < min_rows)
    throw UsageError(fmt::format("{}: {} data row(s) (allowed: at least {})", o.file, d.csv.rows.size(), min_rows));
  const std::size_t gcol = o.group.empty() ? 0 : st::column_index(d.csv, o.group);
  const std::size_t kcol = o.paired_by.empty() ? 0 : st::column_index(d.csv, o.paired_by);
  const std::string value_name = o.column.empty() ? pick_numeric_column(d.csv, o) : o.column;
  const std::size_t vcol = st::column_index(d.csv, value_name);
  if (!o.group.empty() && gcol == vcol) throw UsageError(fmt::format("--group: column '{}' is also the value column", o.group));
  d.col = st::read_centered(d.csv, vcol);
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < d.csv.rows.size(); ++i) {
    const std::string g = o.group.empty() ? std::string() : d.csv.rows[i][gcol];
    auto [it, fresh] = index.try_emplace(g, d.groups.size());
    if (fresh) {
      d.group_names.push_back(g);
      d.groups.emplace_back();
      d.keys.emplace_back();
    }
    d.groups[it->second].push_back(d.col.x[i]);
    if (!o.paired_by.empty()) d.keys[it->second].push_back(d.csv.rows[i][kcol]);
  }
  return d;
}

std::string group_label(const Data& d, std::size_t g) { return d.group_names[g].empty() ? std::string("(all)") : d.group_names[g]; }

void require_group_sizes(const Data& d, std::size_t min_n) {
  for (std::size_t g = 0; g < d.groups.size(); ++g)
    if (d.groups[g].size() < min_n)
      throw UsageError(fmt::format("group '{}' has {} value(s) in column '{}' (allowed: at least {})", group_label(d, g), d.groups[g].size(),
                                   d.col.name, min_n));
}

void require_not_constant(const Data& d, std::size_t g) {
  const auto& x = d.groups[g];
  for (double v : x)
    if (v != x[0]) return;
  throw UsageError(fmt::format("group '{}': all {} values of column '{}' are equal ({}): zero variance, no interval or test is defined",
                               group_label(d, g), x.size(), d.col.name, fmt::format("{}", d.col.ref_double + x[0])));
}

nlohmann::json header_json(const StatsOptions& o, const Data& d, const char* tool) {
  return {{"tool", std::string("regcheck stats ") + tool}, {"file", o.file}, {"column", d.col.name},
          {"group_by", o.group.empty() ? nlohmann::json() : nlohmann::json(o.group)}, {"alpha", o.alpha},
          {"confidence_level", 1.0 - o.alpha}};
}

void write_json(const StatsOptions& o, const nlohmann::json& doc) {
  if (!o.json.empty()) write_atomically(o.json, doc.dump(2) + "\n");
}

int run_summary(const StatsOptions& o) {
  Printer P;
  if (!o.json.empty()) check_writable("--json", o.json);
  const Data d = load(o, 2);
  require_group_sizes(d, 2);
  for (std::size_t g = 0; g < d.groups.size(); ++g) require_not_constant(d, g);
  const double level = 1.0 - o.alpha;
  const int threads = o.threads ? *o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const bool bca = o.method == "bca";
  nlohmann::json doc = header_json(o, d, "summary");
  doc["groups"] = nlohmann::json::array();
  P("regcheck stats summary: {} column '{}', {} row(s), {:g}% intervals; bootstrap {} with {} resamples, seed {}\n", o.file,
             d.col.name, d.csv.rows.size(), 100 * level, bca ? "BCa" : "percentile", o.resamples, o.seed);
  P("{:<16} {:>7} {:>16} {:>12} {:>12} {:>34} {:>16} {:>34} {:>34}\n", "group", "n", "mean", "sd", "se", "t CI", "median",
             "median CI (coverage)", "bootstrap CI");
  for (std::size_t g = 0; g < d.groups.size(); ++g) {
    const st::Summary s = st::summarize(d.groups[g], d.col.ref_double, level);
    const st::BootstrapCi b = st::bootstrap_mean_ci(d.groups[g], d.col.ref_double, level, o.resamples, o.seed, bca, threads, g);
    P("{:<16} {:>7} {:>16} {:>12} {:>12} {:>34} {:>16} {:>34} {:>34}\n", group_label(d, g), s.m.n, gm(s.m.mean, s.m.se), g6(s.m.sd),
               g6(s.m.se), fmt::format("[{}, {}]", gm(s.ci_lo, s.m.se), gm(s.ci_hi, s.m.se)), gm(s.median, s.m.se),
               fmt::format("[{}, {}] ({:.4f})", gm(s.median_ci_lo, s.m.se), gm(s.median_ci_hi, s.m.se), s.median_ci_coverage),
               fmt::format("[{}, {}]", gm(b.lo, s.m.se), gm(b.hi, s.m.se)));
    nlohmann::json j = {{"group", d.group_names[g].empty() ? nlohmann::json() : nlohmann::json(d.group_names[g])},
                        {"n", s.m.n}, {"mean", num(s.m.mean)}, {"sd", num(s.m.sd)}, {"se", num(s.m.se)},
                        {"ci_lo", num(s.ci_lo)}, {"ci_hi", num(s.ci_hi)}, {"median", num(s.median)},
                        {"median_ci_lo", num(s.median_ci_lo)}, {"median_ci_hi", num(s.median_ci_hi)},
                        {"median_ci_coverage", num(s.median_ci_coverage)}, {"median_ci_rank", s.median_ci_rank}};
    j["bootstrap"] = {{"method", bca ? "BCa" : "percentile"}, {"resamples", b.resamples}, {"seed", b.seed},
                      {"ci_lo", num(b.lo)}, {"ci_hi", num(b.hi)}, {"z0", num(b.z0)}, {"acceleration", num(b.accel)}};
    doc["groups"].push_back(j);
  }
  write_json(o, doc);
  P.flush();
  return 0;
}

nlohmann::json ttest_json(const char* name, const st::TTest& t, const std::string& a, const std::string& b) {
  return {{"test", name}, {"groups", {a, b}}, {"t", num(t.t)}, {"df", num(t.df)}, {"p_value", num(t.p_value)},
          {"diff", num(t.diff)}, {"se", num(t.se)}, {"ci_lo", num(t.ci_lo)}, {"ci_hi", num(t.ci_hi)},
          {"cohen_d", num(t.cohen_d)}, {"hedges_g", num(t.hedges_g)}};
}

void print_t(Printer& P, const char* name, const st::TTest& t) {
  P("{:<16} t = {}, df = {}, p = {}; difference {} [{}, {}], Cohen's d {}, Hedges' g {}\n", name, g6(t.t), g6(t.df),
             g6(t.p_value), g6(t.diff), g6(t.ci_lo), g6(t.ci_hi), g6(t.cohen_d), g6(t.hedges_g));
}

// Differences a_k - b_k for the keys present in both groups, each exactly once in each.
std::vector<double> paired_differences(const Data& d, const StatsOptions& o) {
  std::map<std::string, std::size_t> in_b;
  for (std::size_t i = 0; i < d.keys[1].size(); ++i)
    if (!in_b.try_emplace(d.keys[1][i], i).second)
      throw UsageError(fmt::format("--paired-by: key '{}' appears twice in group '{}' (allowed: each key once per group)", d.keys[1][i], group_label(d, 1)));
  std::map<std::string, int> seen;
  std::vector<double> diff;
  for (std::size_t i = 0; i < d.keys[0].size(); ++i) {
    const std::string& k = d.keys[0][i];
    if (seen[k]++) throw UsageError(fmt::format("--paired-by: key '{}' appears twice in group '{}' (allowed: each key once per group)", k, group_label(d, 0)));
    auto it = in_b.find(k);
    if (it == in_b.end())
      throw UsageError(fmt::format("--paired-by: key '{}' of group '{}' has no partner in group '{}' (column '{}')", k, group_label(d, 0), group_label(d, 1), o.paired_by));
    diff.push_back(d.groups[0][i] - d.groups[1][it->second]);  // both centered on the same reference: exact to ~1 ulp
  }
  if (diff.size() != d.keys[1].size())
    throw UsageError(fmt::format("--paired-by: group '{}' has keys without a partner in group '{}' (column '{}')", group_label(d, 1), group_label(d, 0), o.paired_by));
  return diff;
}

int run_compare(const StatsOptions& o) {
  Printer P;
  if (o.group.empty()) throw UsageError("compare: --group is required (the column naming each row's method or condition)");
  if (!o.json.empty()) check_writable("--json", o.json);
  const Data d = load(o, 2);
  if (d.groups.size() < 2)
    throw UsageError(fmt::format("--group: column '{}' has {} distinct value(s) (allowed: at least 2 groups)", o.group, d.groups.size()));
  if (!o.paired_by.empty() && d.groups.size() != 2)
    throw UsageError(fmt::format("--paired-by: needs exactly 2 groups, column '{}' has {}", o.group, d.groups.size()));
  require_group_sizes(d, 2);
  const double level = 1.0 - o.alpha;
  nlohmann::json doc = header_json(o, d, "compare");
  doc["groups"] = nlohmann::json::array();
  P("regcheck stats compare: {} column '{}' by '{}', {} groups, {:g}% intervals\n", o.file, d.col.name, o.group, d.groups.size(), 100 * level);
  P("{:<16} {:>7} {:>16} {:>12} {:>12}\n", "group", "n", "mean", "sd", "se");
  for (std::size_t g = 0; g < d.groups.size(); ++g) {
    const st::Moments m = st::moments(d.groups[g], d.col.ref_double);
    P("{:<16} {:>7} {:>16} {:>12} {:>12}\n", group_label(d, g), m.n, gm(m.mean, m.se), g6(m.sd), g6(m.se));
    doc["groups"].push_back({{"group", d.group_names[g]}, {"n", m.n}, {"mean", num(m.mean)}, {"sd", num(m.sd)}, {"se", num(m.se)}});
  }
  doc["tests"] = nlohmann::json::array();
  if (d.groups.size() == 2) {
    const std::string& a = d.group_names[0];
    const std::string& b = d.group_names[1];
    P("difference: '{}' - '{}'\n", a, b);
    const st::TTest w = st::welch_t(d.groups[0], d.groups[1], level);
    print_t(P, "Welch t", w);
    doc["tests"].push_back(ttest_json("welch_t", w, a, b));
    if (!o.paired_by.empty()) {
      const st::TTest p = st::paired_t(paired_differences(d, o), level);
      print_t(P, "paired t", p);
      doc["tests"].push_back(ttest_json("paired_t", p, a, b));
    }
    const st::MannWhitney u = st::mann_whitney_u(d.groups[0], d.groups[1]);
    P("{:<16} U = {}, p = {} ({})\n", "Mann-Whitney U", g6(u.u), g6(u.p_value), u.exact ? "exact" : "normal approximation, tie and continuity corrected");
    doc["tests"].push_back({{"test", "mann_whitney_u"}, {"groups", {a, b}}, {"u", num(u.u)}, {"p_value", num(u.p_value)},
                            {"method", u.exact ? "exact" : "asymptotic"}});
  } else {
    std::vector<std::span<const double>> spans(d.groups.begin(), d.groups.end());
    const st::Anova an = st::one_way_anova(spans);
    P("{:<16} F = {}, df = ({}, {}), p = {}\n", "one-way ANOVA", g6(an.f), an.df_between, an.df_within, g6(an.p_value));
    doc["tests"].push_back({{"test", "anova"}, {"f", num(an.f)}, {"df_between", an.df_between}, {"df_within", an.df_within},
                            {"p_value", num(an.p_value)}, {"ss_between", num(an.ss_between)}, {"ss_within", num(an.ss_within)}});
    std::vector<st::TTest> pairs;
    std::vector<std::pair<std::size_t, std::size_t>> which;
    std::vector<double> p;
    for (std::size_t i = 0; i < d.groups.size(); ++i)
      for (std::size_t j = i + 1; j < d.groups.size(); ++j) {
        pairs.push_back(st::welch_t(d.groups[i], d.groups[j], level));
        which.emplace_back(i, j);
        p.push_back(pairs.back().p_value);
      }
    const std::vector<double> ph = st::holm(p);
    const std::vector<double> pb = st::benjamini_hochberg(p);
    P("all pairs (Welch t; unadjusted {:g}% CIs), p-values adjusted by Holm{}:\n", 100 * level, o.bh ? " and Benjamini-Hochberg" : "");
    for (std::size_t k = 0; k < pairs.size(); ++k) {
      const auto [i, j] = which[k];
      const st::TTest& t = pairs[k];
      P("  {} - {}: diff {} [{}, {}], t = {}, df = {}, p = {}, p_holm = {}{}\n", d.group_names[i], d.group_names[j], g6(t.diff),
                 g6(t.ci_lo), g6(t.ci_hi), g6(t.t), g6(t.df), g6(t.p_value), g6(ph[k]), o.bh ? ", p_bh = " + g6(pb[k]) : "");
      nlohmann::json jt = ttest_json("welch_t", t, d.group_names[i], d.group_names[j]);
      jt["p_holm"] = num(ph[k]);
      if (o.bh) jt["p_bh"] = num(pb[k]);
      doc["tests"].push_back(jt);
    }
  }
  write_json(o, doc);
  P.flush();
  return 0;
}

int run_power(const StatsOptions& o) {
  Printer P;
  if (!o.json.empty()) check_writable("--json", o.json);
  double sd = 0.0;
  std::optional<double> n = o.n;
  nlohmann::json doc = {{"tool", "regcheck stats power"}, {"alpha", o.alpha}, {"power", o.power}};
  if (o.sd) {
    if (!o.file.empty()) throw UsageError("--sd: give either --sd or a FILE to estimate the sd from, not both");
    sd = *o.sd;
    if (!(sd > 0 && std::isfinite(sd))) throw UsageError(fmt::format("--sd: value {} is not allowed (allowed: a finite sd > 0)", sd));
    doc["sd_source"] = "--sd";
  } else {
    if (o.file.empty()) throw UsageError("power: give --sd or a FILE with runs to estimate the sd from");
    const Data d = load(o, 2);
    require_group_sizes(d, 2);
    // Pooled within-group sd (the t test's sd); one group: the sample sd.
    double ss = 0.0, dfw = 0.0;
    std::size_t nmin = d.groups[0].size();
    for (std::size_t g = 0; g < d.groups.size(); ++g) {
      const st::Moments m = st::moments(d.groups[g], 0.0);
      ss += m.var * static_cast<double>(m.n - 1);
      dfw += static_cast<double>(m.n - 1);
      nmin = std::min(nmin, m.n);
    }
    sd = std::sqrt(ss / dfw);
    if (!(sd > 0)) throw UsageError(fmt::format("{}: column '{}' is constant within groups (zero variance): the sd cannot be estimated", o.file, d.col.name));
    if (!n) n = static_cast<double>(nmin);
    doc["file"] = o.file;
    doc["column"] = d.col.name;
    doc["sd_source"] = d.groups.size() > 1 ? "pooled within-group sd" : "sample sd";
  }
  doc["sd"] = num(sd);
  P("regcheck stats power: two-sided two-sample t test, sd {}, alpha {:g}, target power {:g}\n", g6(sd), o.alpha, o.power);
  if (o.delta) {
    const std::size_t need = st::runs_needed(*o.delta, sd, o.alpha, o.power);
    const double achieved = st::t_test_power(*o.delta, sd, static_cast<double>(need), o.alpha);
    P("runs needed per group to detect a difference of {}: {} (power {:.4f})\n", g6(*o.delta), need, achieved);
    doc["delta"] = num(*o.delta);
    doc["runs_needed"] = need;
    doc["power_at_runs_needed"] = num(achieved);
  }
  if (n) {
    const double dd = st::detectable_difference(*n, sd, o.alpha, o.power);
    P("smallest difference detectable with {} runs per group: {} ({} sd)\n", *n, g6(dd), g6(dd / sd));
    doc["n"] = *n;
    doc["detectable_difference"] = num(dd);
  }
  if (!o.delta && !n) throw UsageError("power: give --delta (runs needed) and/or --n (detectable difference)");
  write_json(o, doc);
  P.flush();
  return 0;
}

void common_options(CLI::App* c, StatsOptions& o, bool file_required) {
  auto* f = c->add_option("FILE", o.file, "CSV file with a header row, one row per run");
  if (file_required) f->required();
  c->add_option("--column", o.column, "Numeric column (default: the only numeric one)");
  c->add_option("--group", o.group, "Grouping column (method, condition)");
  c->add_option("--alpha", o.alpha, "1 - confidence level, and test level (0 < alpha < 0.5; default 0.05)");
  c->add_option("--json", o.json, "Write the results as JSON to this file (atomically)");
}

}  // namespace

Runner add_stats_command(CLI::App& app) {
  auto o = std::make_shared<StatsOptions>();
  CLI::App* cmd = app.add_subcommand("stats", "Statistics on your own results (CSV): summary, compare, power");
  // No require_subcommand: an unknown or missing subcommand is reported by the runner, naming
  // the value given and the allowed ones (CLI11 would only say "A subcommand is required").
  cmd->allow_extras();
  CLI::App* summary = cmd->add_subcommand("summary", "n, mean, sd, se, t CI, median with exact CI, seeded bootstrap CI");
  common_options(summary, *o, true);
  summary->add_option("--seed", o->seed, "Bootstrap seed, 0..2^64-1 (results are byte-identical for a seed)")->check(seed_validator());
  summary->add_option("--resamples", o->resamples, "Bootstrap resamples (100..10^7; default 10000)");
  summary->add_option("--method", o->method, "Bootstrap interval: bca or percentile")->check(CLI::IsMember({"bca", "percentile"}));
  summary->add_option("--threads", o->threads, "Threads (1..256; default: all cores); results do not depend on it");
  CLI::App* compare = cmd->add_subcommand("compare", "Welch t, paired t, Mann-Whitney U; ANOVA with Holm/BH for more groups");
  common_options(compare, *o, true);
  compare->add_option("--paired-by", o->paired_by, "Key column pairing the rows of two groups (e.g. seed)");
  compare->add_flag("--bh", o->bh, "Also Benjamini-Hochberg adjusted p-values (more than 2 groups)");
  CLI::App* power = cmd->add_subcommand("power", "Runs needed for a difference, smallest detectable difference for n runs");
  common_options(power, *o, false);
  power->add_option("--delta", o->delta, "Difference to detect");
  power->add_option("--power", o->power, "Target power (alpha < power < 1; default 0.8)");
  power->add_option("--n", o->n, "Runs per group (default with FILE: the smallest group)");
  power->add_option("--sd", o->sd, "Standard deviation of one run (instead of estimating it from FILE)");
  return [o, root = &app, cmd, summary, compare, power]() {
    if (!summary->parsed() && !compare->parsed() && !power->parsed()) {
      const auto extra = cmd->remaining();
      if (extra.empty()) throw UsageError("stats: a subcommand is required (allowed: summary, compare, power)");
      throw UsageError(fmt::format("stats: subcommand '{}' is unknown (allowed: summary, compare, power)", extra.front()));
    }
    std::vector<std::string> extra;
    for (CLI::App* a : {root, cmd, summary, compare, power})
      for (const std::string& e : a->remaining()) extra.push_back(e);
    if (!extra.empty())
      throw UsageError(fmt::format("stats: argument '{}' is not allowed here (see 'regcheck stats {} --help')", extra.front(),
                                   summary->parsed() ? "summary" : compare->parsed() ? "compare" : "power"));
    if (!(o->alpha > 0 && o->alpha < 0.5))
      throw UsageError(fmt::format("--alpha: value {} is out of range (allowed: 0 < alpha < 0.5)", o->alpha));
    if (o->threads) require_range("--threads", *o->threads, 1, 256, "1..256");
    if (o->resamples < 100 || o->resamples > 10000000)
      throw UsageError(fmt::format("--resamples: value {} is out of range (allowed: 100..10000000)", o->resamples));
    if (!(o->power > o->alpha && o->power < 1))
      throw UsageError(fmt::format("--power: value {} is out of range (allowed: alpha < power < 1)", o->power));
    if (o->n && !(*o->n >= 2 && *o->n <= 1e12 && std::floor(*o->n) == *o->n))
      throw UsageError(fmt::format("--n: value {} is not allowed (allowed: an integer 2..10^12)", *o->n));
    if (o->delta && !(std::isfinite(*o->delta) && *o->delta != 0))
      throw UsageError(fmt::format("--delta: value {} is not allowed (allowed: a finite nonzero difference)", *o->delta));
    if (summary->parsed()) return run_summary(*o);
    if (compare->parsed()) return run_compare(*o);
    if (power->parsed()) return run_power(*o);
    return 2;
  };
}

}  // namespace regcheck::app
