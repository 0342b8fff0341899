// regcheck report: runs `regcheck verify` and `regcheck reproduce` as child processes of this
// binary (or reads their JSON with --from) and writes a self-contained HTML report with its SVG
// figures and copies of its inputs (verify.json, reproduce.json) into DIR (default
// reports/<YYYY-MM-DD>-<scale>/). The report is written into a temporary folder beside DIR and
// renamed into place, so no half-written report is ever left. Exit 0 when written; 2 for bad
// usage, unreadable or foreign input, an unwritable --out, a failed child run or a missing gnuplot
// (one error line, no output folder).
#include "app/cli_support.hpp"
#include "app/commands.hpp"
#include "reports/src/gnuplot.hpp"
#include "reports/src/html_report.hpp"

#include <Eigen/Core>
#include <boost/version.hpp>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#ifndef REGCHECK_GIT_COMMIT
#define REGCHECK_GIT_COMMIT "unknown"
#endif

namespace regcheck::app {

namespace {

namespace fs = std::filesystem;

struct ReportOptions {
  std::string scale = "quick";
  std::optional<std::string> seed;
  std::vector<std::string> from;
  std::string out, store;
  std::optional<int> threads;
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, const std::string& content) {
  std::ofstream out(p, std::ios::binary);
  out << content;
  out.close();
  if (!out) throw UsageError(fmt::format("--out: cannot write '{}'", p.string()));
}

// The command line of this process, for the provenance block.
std::string command_line() {
  std::string raw = read_file("/proc/self/cmdline"), s;
  for (char c : raw) s += c ? c : ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

std::string utc_now(const char* format) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

// A child run stopped by SIGINT/SIGTERM (Ctrl-C reaches the whole process group): no report,
// the child's exit code (130/143); finished training runs stay in the store.
struct Interrupted {
  int code;
};

// Runs this binary with `args` (its progress on our stdout/stderr); exit 0 or 1 (verdict
// mismatches, still reported) are accepted. While it runs this process ignores SIGINT and
// SIGTERM, so that the child stops cleanly and the temporary folder is removed here.
void run_child(const std::vector<std::string>& args) {
  std::fflush(stdout), std::fflush(stderr);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw UsageError("cannot start a child process (fork failed)");
  if (pid == 0) {
    std::signal(SIGINT, SIG_DFL), std::signal(SIGTERM, SIG_DFL);
    ::execv("/proc/self/exe", argv.data());
    std::perror("regcheck report: execv /proc/self/exe");
    ::_exit(127);
  }
  auto old_int = std::signal(SIGINT, SIG_IGN), old_term = std::signal(SIGTERM, SIG_IGN);
  int status = 0, rc = 0;
  while ((rc = ::waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
  }
  std::signal(SIGINT, old_int), std::signal(SIGTERM, old_term);
  if (rc < 0) throw UsageError("waitpid failed");
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (code == 130 || code == 143) throw Interrupted{code};
  if (code != 0 && code != 1) throw UsageError(fmt::format("'regcheck {}' exited with status {}; no report written", args[1], code));
}

// Removes the temporary folder unless it was renamed into place.
struct TempDir {
  fs::path path;
  bool keep = false;
  ~TempDir() {
    std::error_code ec;
    if (!keep && !path.empty()) fs::remove_all(path, ec);
  }
};

int run_report(const ReportOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  report::ReportInputs in;
  struct Copy { std::string from, name; };
  std::vector<Copy> copies;
  for (const std::string& f : o.from) {
    const bool had_verify = in.verify.has_value();
    try {
      report::add_input(in, f, REGCHECK_VERSION);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
    copies.push_back({f, in.verify.has_value() != had_verify ? "verify.json" : "reproduce.json"});
  }
  const std::string scale = !o.from.empty() ? (in.reproduce ? report::text_at(*in.reproduce, "scale") : std::string("verify-only")) : o.scale;
  fs::path out = o.out.empty() ? fs::path("reports") / (utc_now("%Y-%m-%d") + "-" + scale) : fs::path(o.out);
  out = fs::absolute(out).lexically_normal();
  if (out.filename().empty()) out = out.parent_path();  // "DIR/"
  std::error_code ec;
  if (fs::exists(out, ec) && !fs::is_directory(out, ec))
    throw UsageError(fmt::format("--out: '{}' exists and is not a folder", out.string()));
  fs::create_directories(out.parent_path(), ec);
  TempDir tmp{out.parent_path() / fmt::format(".{}.tmp-{}", out.filename().string(), ::getpid())};
  if (!fs::create_directory(tmp.path, ec) || ec || ::access(tmp.path.c_str(), W_OK) != 0)
    throw UsageError(fmt::format("--out: cannot write into '{}' ({})", out.parent_path().string(), ec ? ec.message() : "not writable"));

  if (o.from.empty()) {
    std::vector<std::string> v{"regcheck", "verify", "--json", (tmp.path / "verify.json").string()};
    std::vector<std::string> r{"regcheck", "reproduce", "--scale", o.scale, "--json", (tmp.path / "reproduce.json").string()};
    if (o.seed) v.insert(v.end(), {"--seed", *o.seed});
    if (o.threads) {
      v.insert(v.end(), {"--threads", std::to_string(*o.threads)});
      r.insert(r.end(), {"--threads", std::to_string(*o.threads)});
    }
    if (!o.store.empty()) r.insert(r.end(), {"--store", o.store});
    fmt::print("regcheck report: running verify, then reproduce at scale {}\n", o.scale);
    run_child(v);
    run_child(r);
    for (const char* name : {"verify.json", "reproduce.json"}) try {
        report::add_input(in, (tmp.path / name).string(), REGCHECK_VERSION);
      } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
      }
  } else {
    for (const Copy& c : copies) write_file(tmp.path / c.name, read_file(c.from));
  }

  report::Provenance prov;
  prov.command_line = command_line();
  prov.seed = in.verify ? report::text_at(*in.verify, "seed") : "-";
  if (in.verify && (*in.verify)["seed"].is_number()) prov.seed = std::to_string((*in.verify)["seed"].get<std::uint64_t>());
  prov.scale = in.reproduce ? report::text_at(*in.reproduce, "scale") : "-";
  prov.version = REGCHECK_VERSION;
  prov.git_commit = REGCHECK_GIT_COMMIT;
  prov.compiler = __VERSION__;
  prov.eigen = fmt::format("{}.{}.{}", EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION);
  prov.boost = fmt::format("{}.{}.{}", BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100);
  auto threads_of = [](const std::optional<nlohmann::json>& d) {
    return d && d->contains("threads") ? (*d)["threads"].dump() : std::string("-");
  };
  prov.threads = fmt::format("verify {}, reproduce {}", threads_of(in.verify), threads_of(in.reproduce));
  prov.date = utc_now("%Y-%m-%d %H:%M:%S");
  report::Report rep;
  try {
    rep = report::build_report(in, prov);
  } catch (const report::GnuplotError& e) {  // one error line: gnuplot's own message folded
    std::string line;
    for (char c : std::string(e.what())) line += c == '\n' ? ' ' : c;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    throw UsageError(line);
  }
  // The wall time covers the runs and the figures: the provenance block is redrawn with it.
  prov.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::size_t b = rep.html.find(report::kProvenanceBegin), e = rep.html.find(report::kProvenanceEnd);
  rep.html.replace(b, e + std::string(report::kProvenanceEnd).size() - b, report::provenance_html(in, prov));
  write_file(tmp.path / "index.html", rep.html);
  for (const report::RenderedFigure& f : rep.figures) write_file(tmp.path / f.file_name, f.svg);

  // Into place: an existing report of the same name is replaced whole.
  const fs::path old = out.parent_path() / fmt::format(".{}.old-{}", out.filename().string(), ::getpid());
  const bool replace = fs::exists(out, ec);
  if (replace) fs::rename(out, old, ec);
  if (ec) throw UsageError(fmt::format("--out: cannot replace '{}' ({})", out.string(), ec.message()));
  fs::rename(tmp.path, out, ec);
  if (ec) {
    if (replace) fs::rename(old, out, ec);
    throw UsageError(fmt::format("--out: cannot create '{}'", out.string()));
  }
  tmp.keep = true;
  if (replace) fs::remove_all(old, ec);
  fmt::print("regcheck report: {} analytic, {} empirical claims, {} figures, {:.1f} s\n",
             in.verify ? (*in.verify)["claims"].size() : 0, in.reproduce ? (*in.reproduce)["claims"].size() : 0, rep.figures.size(),
             prov.wall_seconds);
  fmt::print("{}\n", (out / "index.html").string());
  return 0;
}

}  // namespace

Runner add_report_command(CLI::App& app) {
  auto o = std::make_shared<ReportOptions>();
  CLI::App* cmd = app.add_subcommand("report", "Write an HTML report of verify and reproduce (runs them, or reads --from JSON)");
  cmd->add_option("--scale", o->scale, "Scale of reproduce: smoke, quick (default) or paper")->check(CLI::IsMember({"smoke", "quick", "paper"}));
  allowed(cmd->add_option("--seed", o->seed, "Seed of verify, 0..2^64-1"), "an integer 0..18446744073709551615")->check(seed_validator());
  allowed(cmd->add_option("--from", o->from, "Read this JSON of 'regcheck verify/reproduce --json' instead of running it (repeatable)"),
          "a JSON file of regcheck verify or reproduce");
  allowed(cmd->add_option("--out", o->out, "Report folder (default reports/<YYYY-MM-DD>-<scale>/)"), "a folder path");
  allowed(cmd->add_option("--store", o->store, "Results store of reproduce (default: reproduce's)"), "a file path");
  allowed(cmd->add_option("--threads", o->threads, "Threads of verify and reproduce (1..256)"), "1..256");
  return [o]() {
    if (o->threads) require_range("--threads", *o->threads, 1, 256, "1..256");
    if (!o->from.empty() && (o->seed || o->threads || !o->store.empty()))
      throw UsageError("--from: --seed, --threads and --store only apply when report runs verify and reproduce itself");
    try {
      return run_report(*o);
    } catch (const Interrupted& i) {
      std::fprintf(stderr, "regcheck report: interrupted; no report written\n");
      return i.code;
    }
  };
}

}  // namespace regcheck::app
