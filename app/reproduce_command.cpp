// regcheck reproduce: runs the empirical claims' experiments (claims/core/experiment.hpp) over
// seeds, keeps every finished run in the results store (claims/core/results_store.hpp), and
// reports per arm summaries and curves with 95% CIs, per claim the tests with Holm-adjusted
// p-values, detectable effects and verdicts. The exit code is verify's: 0 when every claim's
// verdict is the one the registry expects at this scale, 1 otherwise, 2 for bad usage, 130/143
// when interrupted by SIGINT/SIGTERM (finished runs are kept; the run in flight is dropped).
// The runs are trained by an executor (app/run_executor.hpp): serially, or over MPI ranks when
// built with -DREGCHECK_MPI=ON and started by mpirun. --shard K/N trains a deterministic 1/N of
// the planned runs (plan index i with i mod N = K-1) into a store of its own and prints no
// report; `regcheck merge` (app/merge_command.cpp) combines the shards' stores.
#ifdef REGCHECK_HAVE_NETS
#include "app/cli_support.hpp"
#include "app/commands.hpp"
#include "app/run_executor.hpp"
#include "claims/core/experiment.hpp"
#include "claims/core/results_store.hpp"
#include "claims/core/sha256.hpp"
#include "nets/data/digits.hpp"
#include "nets/data/idx.hpp"
#include "nets/train/trainer.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>

namespace regcheck::app {

namespace {

namespace fs = std::filesystem;
using claims::Experiment;
using claims::RunRecord;
using claims::Scale;

constexpr double kAlpha = 0.05;  // family-wise level of the claims' tests (Holm)
constexpr const char* kDefaultStore = "reports/regcheck.sqlite";

struct ReproduceOptions {
  std::vector<std::string> claim_ids, sources;
  std::string scale = "quick";
  std::optional<int> seeds;
  int threads = 1;
  std::string store = kDefaultStore;
  bool fresh = false;
  std::string json;
  bool list = false;
  std::string config_dir = REGCHECK_CONFIG_DIR;
  std::string digits;
  std::string shard;  // "K/N", empty: every run
};

extern "C" void on_signal(int sig) { g_reproduce_signal = sig; }

// One planned run.
struct Planned {
  const Experiment* exp;
  std::size_t arm;
  std::uint64_t seed;
  nlohmann::json config;  // with threads and the resolved data path
  claims::RunKey key;
  std::optional<RunRecord> stored;
};

// The data files a config reads (the digits default and Fashion-MNIST's four IDX files included).
std::vector<fs::path> data_files(const nets::train::DataSpec& d) {
  std::vector<fs::path> f;
  if (d.kind == "digits") f.push_back(d.path.empty() ? fs::path(nets::data::kDigitsPath) : d.path);
  if (d.kind == "fashion-mnist")
    for (const char* name : nets::data::kFashionMnistFiles) f.push_back(d.dir / name);
  for (const fs::path& p : {d.train_images, d.train_labels, d.test_images, d.test_labels})
    if (!p.empty()) f.push_back(p);
  for (const auto& p : d.train_files) f.push_back(p);
  for (const auto& p : d.test_files) f.push_back(p);
  return f;
}

std::vector<const Experiment*> select(const ReproduceOptions& o) {
  const auto& reg = claims::all_experiments();
  std::string ids, srcs;
  std::set<std::string> known_sources;
  for (const Experiment& e : reg.experiments()) {
    ids += (ids.empty() ? "" : ", ") + e.id;
    if (known_sources.insert(e.source).second) srcs += (srcs.empty() ? "" : ", ") + e.source;
  }
  for (const std::string& id : o.claim_ids)
    if (!reg.find(id)) throw UsageError(fmt::format("--claim: unknown experiment ID '{}' (allowed: {})", id, ids));
  for (const std::string& s : o.sources)
    if (!known_sources.count(s)) throw UsageError(fmt::format("--source: unknown source '{}' (allowed: {})", s, srcs));
  std::vector<const Experiment*> out;
  for (const Experiment& e : reg.experiments()) {
    const bool by_id = o.claim_ids.empty() || std::find(o.claim_ids.begin(), o.claim_ids.end(), e.id) != o.claim_ids.end();
    const bool by_source = o.sources.empty() || std::find(o.sources.begin(), o.sources.end(), e.source) != o.sources.end();
    if (by_id && by_source) out.push_back(&e);
  }
  if (out.empty()) throw UsageError("no experiment matches the --claim/--source selection");
  return out;
}

nlohmann::json read_base_config(const ReproduceOptions& o, const Experiment& e, const std::string& file) {
  const fs::path p = fs::path(o.config_dir) / file;
  std::ifstream in(p);
  if (!in) throw UsageError(fmt::format("--config-dir: '{}' has no {} (a base config of {})", o.config_dir, file, e.id));
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& ex) {
    throw UsageError(fmt::format("{}: {}", p.string(), ex.what()));
  }
}

// Trains one run; nullopt when a signal arrived (the run is dropped).
std::optional<RunRecord> train(const Planned& p, const ReproduceOptions& o, const std::function<void(int, int)>& on_epoch) {
  nets::train::TrainConfig cfg = nets::train::parse_config(p.config, o.config_dir);
  nets::train::Trainer t(std::move(cfg));
  const auto start = std::chrono::steady_clock::now();
  while (!t.finished()) {
    if (g_reproduce_signal) return std::nullopt;
    t.run_epoch();
    on_epoch(t.epochs_done(), t.config().epochs);
  }
  if (g_reproduce_signal) return std::nullopt;
  RunRecord r;
  r.arm = p.exp->arms[p.arm].name, r.seed = p.seed;
  const nlohmann::json h = nets::train::history_json(t, false);
  for (const auto& e : h["epochs"]) r.history.push_back(claims::flatten_metrics(e));
  r.final = r.history.back();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

std::string expected_name(const std::optional<sim::Verdict>& v) { return v ? sim::to_string(*v) : std::string("unmeasured"); }

std::string fmt_opt(const std::optional<double>& v, const char* f = "{:.4g}") {
  return v && std::isfinite(*v) ? fmt::format(fmt::runtime(f), *v) : std::string("-");
}

void print_claim(const claims::ClaimReport& c, claims::Expectation x, const std::vector<claims::ExperimentRuns>& all) {
  const Experiment& e = *c.experiment;
  fmt::print("\n{}  {}  {}\n", e.id, sim::to_string(c.verdict), claims::describe(x, c));
  fmt::print("  claim: {}\n  test:  {}\n", e.claim, e.hypothesis);
  for (const auto& r : all) {
    if (r.experiment != &e) continue;
    for (std::size_t a = 0; a < e.arms.size(); ++a) {
      const auto x = r.finals(e.arms[a].name, e.metric);
      const claims::MetricSummary s = claims::summarize_metric(x);
      fmt::print("  arm {:<16} {} seeds  {} {:.4f} +- {:.4f} (sd), 95% CI [{:.4f}, {:.4f}]\n", e.arms[a].name, s.n, e.metric, s.mean,
                 s.sd, s.ci_lo, s.ci_hi);
    }
  }
  for (const claims::TestRow& t : c.rows) {
    std::string what;
    if (t.kind == "band")
      what = fmt::format("measured {} [{}, {}] vs band [{}, {}] (theory {})", fmt_opt(t.measured), fmt_opt(t.measured_ci_lo),
                         fmt_opt(t.measured_ci_hi), fmt_opt(t.band_lo), fmt_opt(t.band_hi), fmt_opt(t.theory));
    else if (t.kind == "descriptive")
      what = t.detail;
    else
      what = fmt::format("effect {} [{}, {}], size {}", fmt_opt(t.effect), fmt_opt(t.effect_ci_lo), fmt_opt(t.effect_ci_hi),
                         fmt_opt(t.effect_size, "{:.3g}"));
    fmt::print("  {:<44} {:<11} {}  t {}  p {}  p_holm {}  detectable {}  {}{}\n", t.name, t.kind, what, fmt_opt(t.statistic, "{:.3g}"),
               fmt_opt(t.p_value, "{:.3g}"), t.in_family ? fmt_opt(t.p_adjusted, "{:.3g}") : std::string("(not in family)"),
               fmt_opt(t.detectable, "{:.3g}"), sim::to_string(t.verdict), t.in_family ? "" : " (informative)");
  }
}

// "K/N" of --shard, 1 <= K <= N <= 100000.
std::pair<std::size_t, std::size_t> parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  const auto number = [&](const std::string& t) -> std::size_t {
    if (t.empty() || t.size() > 6 || t.find_first_not_of("0123456789") != std::string::npos) return 0;
    return std::stoul(t);
  };
  const std::size_t k = slash == std::string::npos ? 0 : number(text.substr(0, slash));
  const std::size_t n = slash == std::string::npos ? 0 : number(text.substr(slash + 1));
  if (k < 1 || n < 1 || k > n || n > 100000)
    throw UsageError(fmt::format("--shard: value '{}' is not allowed (allowed: K/N with 1 <= K <= N <= 100000, e.g. 3/8)", text));
  return {k, n};
}

int run_reproduce(const ReproduceOptions& o) {
  const Scale scale = [&] {
    try {
      return claims::parse_scale(o.scale);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  }();
  if (o.seeds) require_range("--seeds", *o.seeds, 2, 10000, "2..10000");
  require_range("--threads", o.threads, 1, 256, "1..256");
  std::optional<std::pair<std::size_t, std::size_t>> shard;
  if (!o.shard.empty()) shard = parse_shard(o.shard);
  if (shard && !o.json.empty())
    throw UsageError("--json: not allowed with --shard (a shard holds part of the runs; merge the shards' stores with "
                     "'regcheck merge' and run reproduce on the merged store for the report)");
  const std::vector<const Experiment*> selected = select(o);
  if (o.list) {
    for (const Experiment* e : selected) {
      fmt::print("{:<30} {:<7} {} arms, seeds smoke/quick/paper {}/{}/{}, expected {}/{}/{}  {}\n", e->id, e->source, e->arms.size(),
                 e->plan(Scale::Smoke).seeds, e->plan(Scale::Quick).seeds, e->plan(Scale::Paper).seeds,
                 expected_name(e->plan(Scale::Smoke).expected), expected_name(e->plan(Scale::Quick).expected),
                 expected_name(e->plan(Scale::Paper).expected), e->test);
      for (const auto& a : e->arms) fmt::print("    arm {:<16} {}\n", a.name, a.description);
    }
    return 0;
  }

  // Everything is validated before anything is written: configs, data, output paths, store.
  std::vector<Planned> plan;
  std::map<std::string, std::string> data_sha;  // path -> SHA-256
  for (const Experiment* e : selected) {
    const nlohmann::json exp_base = read_base_config(o, *e, e->base_config);
    const int seeds = o.seeds ? *o.seeds : e->plan(scale).seeds;
    for (std::size_t a = 0; a < e->arms.size(); ++a) {
      const nlohmann::json base = e->arms[a].base_config.empty() ? exp_base : read_base_config(o, *e, e->arms[a].base_config);
      for (int s = 1; s <= seeds; ++s) {
        Planned p{e, a, static_cast<std::uint64_t>(s), claims::run_config(*e, e->arms[a], scale, base, static_cast<std::uint64_t>(s)), {}, {}};
        if (!o.digits.empty() && p.config["data"].value("kind", "") == "digits")
          p.config["data"]["path"] = fs::absolute(o.digits).string();
        nets::train::TrainConfig cfg;
        try {
          cfg = nets::train::parse_config(p.config, o.config_dir);
        } catch (const std::invalid_argument& ex) {
          throw UsageError(fmt::format("{} arm '{}': {}", e->id, e->arms[a].name, ex.what()));
        }
        // The config hash: SHA-256 of the canonical JSON (keys sorted, nlohmann's shortest
        // round-trip numbers) without threads (results do not depend on them) and with each
        // data file's path (digits `path`, Fashion-MNIST `dir`) replaced by its content's SHA-256.
        nlohmann::json canon = p.config;
        canon.erase("threads");
        if (canon.contains("data")) canon["data"].erase("path"), canon["data"].erase("dir");
        nlohmann::json digests = nlohmann::json::array();
        for (const fs::path& f : data_files(cfg.data)) {
          std::error_code ec;
          if (!fs::is_regular_file(f, ec))
            throw UsageError(cfg.data.kind == "digits"
                                 ? fmt::format("--digits: data file '{}' does not exist (the UCI digits of Debian's python3-sklearn; pass --digits FILE)", f.string())
                                 : fmt::format("{} arm '{}': data file '{}' does not exist", e->id, e->arms[a].name, f.string()));
          auto it = data_sha.find(f.string());
          if (it == data_sha.end()) it = data_sha.emplace(f.string(), claims::sha256_file(f)).first;
          digests.push_back(it->second);
        }
        canon["data_sha256"] = digests;
        p.config["threads"] = o.threads;
        p.key = {e->id, e->arms[a].name, p.seed, claims::to_string(scale), claims::sha256_hex(canon.dump()), REGCHECK_VERSION};
        plan.push_back(std::move(p));
      }
    }
  }
  if (shard) {
    std::vector<Planned> mine;
    for (std::size_t i = 0; i < plan.size(); ++i)
      if (i % shard->second == shard->first - 1) mine.push_back(std::move(plan[i]));
    plan = std::move(mine);
  }

  // The store is checked and opened before MPI starts, so that an error there ends rank 0 like a
  // plain run (one line, exit 2; mpirun then ends the other ranks).
  bool leader = true;
#ifdef REGCHECK_MPI
  leader = !is_mpi_worker();
#endif
  std::optional<claims::ResultsStore> store;
  if (leader) {
    if (!o.json.empty()) check_writable("--json", o.json);
    if (o.store == kDefaultStore) {
      std::error_code ec;
      fs::create_directories(fs::path(o.store).parent_path(), ec);
    }
    check_writable("--store", o.store);
    claims::ResultsStore::check_compatible(o.store);
    store.emplace(o.store);
  }
  std::unique_ptr<RunExecutor> executor;
#ifdef REGCHECK_MPI
  executor = make_mpi_executor();
#endif
  if (!executor) executor = std::make_unique<SerialExecutor>();

  std::size_t reused = 0;
  double estimate = 0;
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    Planned& p = plan[i];
    if (leader && !o.fresh) p.stored = store->find(p.key);
    if (p.stored) ++reused;
    else estimate += p.exp->plan(scale).seconds_per_run, todo.push_back(i);
  }
  // Over several ranks the longest runs go first, so that no rank is left with a long run at the end.
  if (executor->ranks() > 1)
    std::stable_sort(todo.begin(), todo.end(), [&](std::size_t a, std::size_t b) {
      return plan[a].exp->plan(scale).seconds_per_run > plan[b].exp->plan(scale).seconds_per_run;
    });
  const std::size_t to_train = plan.size() - reused;
  if (leader) {
    fmt::print("regcheck reproduce: {} experiment(s), scale {}, {}{} planned runs ({} reused from {}, {} to train), estimated {}{}\n",
               selected.size(), claims::to_string(scale), shard ? fmt::format("shard {}/{}: ", shard->first, shard->second) : "",
               plan.size(), reused, o.store, to_train, format_duration(estimate),
               executor->ranks() > 1 ? fmt::format(" for one process; {} MPI ranks", executor->ranks()) : "");
    std::fflush(stdout);
  }

  struct sigaction sa{};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);

  const bool tty = leader && executor->ranks() == 1 && ::isatty(STDERR_FILENO);
  const auto start = std::chrono::steady_clock::now();
  std::size_t done = 0;
  double work_done = 0;  // in estimated seconds
  auto last_draw = start - std::chrono::seconds(1);
  const TrainRun train_one = [&](std::size_t i, const std::function<void()>& between_epochs) {
    const Planned& p = plan[i];
    const double per_run = p.exp->plan(scale).seconds_per_run;
    auto bar = [&](int epoch, int epochs) {
      between_epochs();
      if (!tty) return;
      const auto now = std::chrono::steady_clock::now();  // redraw at most 5 times a second
      if (now - last_draw < std::chrono::milliseconds(200) && epoch != epochs) return;
      last_draw = now;
      const double frac = (work_done + per_run * epoch / epochs) / std::max(estimate, 1e-9);
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const int width = 30, fill = static_cast<int>(std::clamp(frac, 0.0, 1.0) * width);
      std::fprintf(stderr, "\r\x1b[K[%s%s] %zu/%zu runs  %s seed %llu epoch %d/%d  ETA %s", std::string(fill, '=').c_str(),
                   std::string(width - fill, ' ').c_str(), done, to_train, p.exp->arms[p.arm].name.c_str(),
                   static_cast<unsigned long long>(p.seed), epoch, epochs, format_duration(frac > 0 ? elapsed * (1 - frac) / frac : NAN).c_str());
      std::fflush(stderr);
    };
    std::optional<RunRecord> r = train(p, o, bar);
    if (tty) std::fprintf(stderr, "\r\x1b[K");
    return r;
  };
  const KeepRun keep = [&](std::size_t i, RunRecord&& r) {
    Planned& p = plan[i];
    store->put(p.key, r);  // one transaction: the run is in the store or not at all
    p.stored = std::move(r);
    ++done;
    work_done += p.exp->plan(scale).seconds_per_run;
    fmt::print("[{}/{}] {}  arm {}  seed {}  {} {:.6g}  {:.1f} s\n", done, to_train, p.exp->id, p.exp->arms[p.arm].name, p.seed,
               p.exp->metric, claims::metric(p.stored->final, p.exp->metric), p.stored->seconds);
    std::fflush(stdout);
  };
  const bool finished = executor->execute(todo, train_one, keep) && !g_reproduce_signal;
  if (!finished && g_reproduce_signal) {
    const int sig = g_reproduce_signal;
    if (leader)
      fmt::print(stderr, "regcheck reproduce: interrupted by {}: the run in flight was dropped; {} finished run(s) are in {} "
                         "(rerun the same command to resume)\n",
                 sig == SIGINT ? "SIGINT" : "SIGTERM", done, o.store);
    std::fflush(stderr);
    executor->abort(128 + sig);
    return 128 + sig;
  }
  if (!leader) return 0;  // an MPI worker: rank 0 reports
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (shard) {
    fmt::print("shard {}/{}: {} run(s) in {} ({} trained, {} reused), {}; combine the shards with 'regcheck merge STORE... --into STORE'\n",
               shard->first, shard->second, plan.size(), o.store, done, reused, format_duration(wall));
    return 0;
  }

  std::vector<claims::ExperimentRuns> runs;
  for (const Experiment* e : selected) {
    claims::ExperimentRuns r{e, std::vector<std::vector<RunRecord>>(e->arms.size())};
    for (const Planned& p : plan)
      if (p.exp == e) r.by_arm[p.arm].push_back(*p.stored);
    runs.push_back(std::move(r));
  }
  const std::vector<claims::ClaimReport> reports = claims::analyze_claims(runs, scale, kAlpha);
  const std::size_t m = claims::family_size(reports);
  const std::string family = fmt::format(
      "Holm step-down over the {} in-family tests of the {} claim(s) in this run, family-wise error (any false HOLDS) <= {}; "
      "detectable effects at power 0.8 and level {}/{} (Holm's first step); rows marked informative are outside the family",
      m, reports.size(), kAlpha, kAlpha, m);
  fmt::print("\n{}\n", family);
  // Expected verdicts are those of the full run of the scale (every registered ID, the scale's seeds).
  const bool full_family = selected.size() == claims::all_experiments().experiments().size();
  std::vector<claims::Expectation> status;
  int mismatches = 0, met = 0;
  for (const auto& c : reports) {
    const bool scale_seeds = !o.seeds || *o.seeds == c.experiment->plan(scale).seeds;
    status.push_back(claims::check_expectation(c, full_family, scale_seeds));
    print_claim(c, status.back(), runs);
    mismatches += status.back() == claims::Expectation::Mismatch;
    met += status.back() == claims::Expectation::Met || status.back() == claims::Expectation::SmallerFamily;
  }
  fmt::print("\n{} claim(s): {} as expected, {} mismatch(es), {} not compared; {} runs trained, {} reused, {}\n", reports.size(), met,
             mismatches, reports.size() - static_cast<std::size_t>(met + mismatches), done, reused, format_duration(wall));

  if (!o.json.empty()) {
    nlohmann::json doc = {{"tool", "regcheck reproduce"}, {"regcheck_version", REGCHECK_VERSION}, {"scale", claims::to_string(scale)},
                          {"alpha", kAlpha}, {"power", 0.8}, {"store", o.store}, {"fresh", o.fresh}, {"threads", o.threads}};
    doc["family"] = {{"method", "holm"}, {"size", m}, {"statement", family}};
    nlohmann::json files = nlohmann::json::array();
    for (const auto& [path, sha] : data_sha) files.push_back({{"path", path}, {"sha256", sha}});
    doc["data_files"] = files;
    doc["runs"] = {{"planned", plan.size()}, {"reused", reused}, {"trained", done}, {"wall_seconds", wall}};
    nlohmann::json cl = nlohmann::json::array();
    for (std::size_t i = 0; i < reports.size(); ++i) {
      const auto& c = reports[i];
      const Experiment& e = *c.experiment;
      nlohmann::json j = {{"id", e.id}, {"source", e.source}, {"claim", e.claim}, {"hypothesis", e.hypothesis}, {"test", e.test},
                          {"base_config", "nets/configs/" + e.base_config}, {"metric", e.metric}, {"finding", e.finding},
                          {"scale_patch", e.plan(scale).patch}, {"verdict", sim::to_string(c.verdict)},
                          {"expected", c.expected ? nlohmann::json(sim::to_string(*c.expected)) : nlohmann::json()},
                          {"expectation", claims::describe(status[i], c)}};
      nlohmann::json arms = nlohmann::json::array();
      for (std::size_t a = 0; a < e.arms.size(); ++a) {
        nlohmann::json aj = claims::arm_report(e, runs[i], a);
        nlohmann::json hashes = nlohmann::json::array(), secs = nlohmann::json::array();
        for (const Planned& p : plan)
          if (p.exp == &e && p.arm == a) hashes.push_back(p.key.config_hash), secs.push_back(p.stored->seconds);
        aj["config_hashes"] = hashes;
        aj["seconds"] = secs;
        arms.push_back(aj);
      }
      j["arms"] = arms;
      nlohmann::json tests = nlohmann::json::array();
      for (const auto& t : c.rows) tests.push_back(claims::to_json(t));
      j["tests"] = tests;
      cl.push_back(j);
    }
    doc["claims"] = cl;
    doc["mismatches"] = mismatches;
    write_atomically(o.json, doc.dump(2) + "\n");
    fmt::print("report written to {}\n", o.json);
  }
  return mismatches == 0 ? 0 : 1;
}

}  // namespace

volatile std::sig_atomic_t g_reproduce_signal = 0;

Runner add_reproduce_command(CLI::App& app) {
  auto o = std::make_shared<ReproduceOptions>();
  CLI::App* cmd = app.add_subcommand("reproduce", "Reproduce the empirical claims over seeds, with CIs, tests and verdicts");
  allowed(cmd->add_option("--claim", o->claim_ids, "Experiment ID (repeatable; default all, see --list)"),
          "an experiment ID from 'regcheck reproduce --list'");
  allowed(cmd->add_option("--source", o->sources, "Only the experiments of this source (repeatable)"), "dropact, gcsr, tl1, dlbook");
  allowed(cmd->add_option("--scale", o->scale, "smoke (seconds, for CI) | quick (default, minutes) | paper (the sources' designs)"),
          "smoke, quick, paper");
  allowed(cmd->add_option("--seeds", o->seeds, "Seeds per arm (2..10000; default: the scale's)"), "2..10000");
  allowed(cmd->add_option("--threads", o->threads, "Trainer threads (1..256, default 1); results do not depend on it"), "1..256");
  allowed(cmd->add_option("--store", o->store, "Results store (SQLite; default reports/regcheck.sqlite)"), "a file path in a writable folder");
  cmd->add_flag("--fresh", o->fresh, "Ignore stored runs: train every run again (and replace them in the store)");
  allowed(cmd->add_option("--json", o->json, "Write the full report as JSON (atomically)"), "a file path in a writable folder");
  cmd->add_flag("--list", o->list, "List the experiments and exit");
  allowed(cmd->add_option("--config-dir", o->config_dir, "Folder of the base configs (default: the source tree's nets/configs)"),
          "a folder holding the nets/configs/*.json files");
  allowed(cmd->add_option("--shard", o->shard,
                          "Train only shard K of N (plan index i with i mod N = K-1) into --store, print no report; "
                          "combine the shards with 'regcheck merge'"),
          "K/N with 1 <= K <= N <= 100000");
  allowed(cmd->add_option("--digits", o->digits, "The UCI digits file (default: python3-sklearn's digits.csv.gz)"), "a digits.csv.gz file");
  return [o]() {
    if (o->threads > 1) reexec_with_passive_wait();
    return run_reproduce(*o);
  };
}

}  // namespace regcheck::app
#endif
