#include "app/cli_support.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <regex>
#include <sstream>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace regcheck::app {

void require_range(const std::string& flag, double v, double lo, double hi, const std::string& allowed) {
  if (!(v >= lo && v <= hi))  // also rejects NaN
    throw UsageError(fmt::format("{}: value {} is out of range (allowed: {})", flag, v, allowed));
}

namespace {
constexpr const char* kNumbersAllowed =
    "allowed: finite numbers within +-1.7976931348623157e308, subnormals down to 4.9e-324 included";

// One number; `where` says where the item came from (for the message). strtod sets ERANGE both
// for overflow (returns +-HUGE_VAL) and for results below DBL_MIN: a nonzero subnormal result is
// the right value (accepted); a nonzero literal that underflows to 0 or overflows is refused
// with the range named.
double parse_number(const std::string& flag, const std::string& item, const std::string& where) {
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(item.c_str(), &end);
  const int err = errno;
  if (item.empty() || end == item.c_str() || *end != '\0' || std::isnan(v) ||
      (std::isinf(v) && err != ERANGE))
    throw UsageError(fmt::format("{}: {}'{}' is not a finite number ({})", flag, where, item, kNumbersAllowed));
  if (err == ERANGE && std::isinf(v))
    throw UsageError(fmt::format("{}: {}'{}' is out of the double range: its magnitude exceeds 1.7976931348623157e308 ({})", flag,
                                 where, item, kNumbersAllowed));
  if (err == ERANGE && v == 0)
    throw UsageError(fmt::format("{}: {}'{}' underflows to 0: its magnitude is below the smallest subnormal double 4.9e-324 ({})",
                                 flag, where, item, kNumbersAllowed));
  return v;
}
}  // namespace

std::vector<double> parse_number_list(const std::string& flag, const std::string& text) {
  if (text == "-" || (!text.empty() && text[0] == '@')) return read_number_file(flag, text == "-" ? "-" : text.substr(1));
  std::vector<double> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(parse_number(flag, item, ""));
  if (out.empty()) throw UsageError(fmt::format("{}: empty list (allowed: comma-separated finite numbers, e.g. 1,2,3)", flag));
  return out;
}

std::vector<double> read_number_file(const std::string& flag, const std::string& path) {
  std::string content;
  const std::string name = path == "-" ? std::string("standard input") : fmt::format("file '{}'", path);
  if (path == "-") {
    std::stringstream ss;
    ss << std::cin.rdbuf();
    content = ss.str();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError(fmt::format("{}: cannot read {}: {} (allowed: @FILE naming a readable file, or - for standard input)",
                                          flag, name, std::strerror(errno)));
    std::stringstream ss;
    ss << in.rdbuf();
    content = ss.str();
  }
  // Items are separated by commas and/or whitespace (spaces, tabs, newlines); an empty item
  // between two commas is an error, as on the command line.
  std::vector<double> out;
  std::size_t i = 0, line = 1;
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  bool need_item = false;  // after a comma
  while (i < content.size()) {
    if (blank(content[i])) {
      line += content[i] == '\n';
      ++i;
      continue;
    }
    if (content[i] == ',') {
      if (need_item || out.empty())
        throw UsageError(fmt::format("{}: {} line {}: empty item (allowed: numbers separated by commas, spaces or newlines)", flag,
                                     name, line));
      need_item = true;
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < content.size() && !blank(content[j]) && content[j] != ',') ++j;
    out.push_back(parse_number(flag, content.substr(i, j - i), fmt::format("{} line {} item {}: ", name, line, out.size() + 1)));
    need_item = false;
    i = j;
  }
  if (out.empty() || need_item)
    throw UsageError(fmt::format("{}: {} {} (allowed: numbers separated by commas, spaces or newlines)", flag, name,
                                 out.empty() ? "holds no numbers" : "ends with a comma"));
  return out;
}

namespace {
namespace fs = std::filesystem;

fs::path folder_of(const fs::path& path) {
  fs::path dir = path.parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

// Follows symbolic links (relative targets are relative to the link's folder) to the final
// path, which need not exist (a dangling link is written at its target). 40 hops like the kernel
// (ELOOP).
fs::path resolve_links(const std::string& flag, const std::string& path) {
  fs::path p = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st{};
    if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p;
    std::error_code ec;
    const fs::path target = fs::read_symlink(p, ec);
    if (ec) throw UsageError(fmt::format("{}: cannot read symbolic link '{}': {}", flag, p.string(), ec.message()));
    p = target.is_absolute() ? target : folder_of(p) / target;
  }
  throw UsageError(fmt::format("{}: '{}': too many levels of symbolic links (allowed: a file path)", flag, path));
}

bool is_device_or_fifo(const struct stat& st) { return S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode); }

// write(2) until done (short writes and EINTR are not errors); false with errno on failure.
bool write_all(int fd, const std::string& content) {
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

mode_t default_file_mode() {
  const mode_t mask = ::umask(0);  // read the umask (there is no getter) and put it back
  ::umask(mask);
  return 0666 & ~mask;
}
}  // namespace

void check_writable(const std::string& flag, const std::string& path) {
  if (path.empty()) throw UsageError(flag + ": empty path (allowed: a file path in a writable folder)");
  const fs::path target = resolve_links(flag, path);
  struct stat st{};
  if (::stat(target.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) throw UsageError(fmt::format("{}: '{}' is a folder (allowed: a file path)", flag, path));
    if (S_ISFIFO(st.st_mode)) return;  // written directly; opening it now would block without a reader
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
      const int fd = ::open(target.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd < 0)
        throw UsageError(fmt::format("{}: cannot open device '{}' for writing: {} (allowed: a writable file or device)", flag,
                                     path, std::strerror(errno)));
      ::close(fd);
      return;
    }
    if (!S_ISREG(st.st_mode))
      throw UsageError(fmt::format("{}: '{}' is not a regular file, device or FIFO (allowed: a file path)", flag, path));
  }
  const auto dir = folder_of(target);
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw UsageError(fmt::format("{}: folder '{}' of '{}' does not exist (allowed: a file path in an existing writable folder)", flag,
                                 dir.string(), path));
  // Probe by creating a file: access(W_OK) says yes to root even on read-only or virtual file
  // systems, where the final write would fail after the whole run. (A regular file is replaced
  // by rename, which needs the folder, not the file, to be writable.)
  const std::string probe = (dir / fmt::format(".regcheck-probe.{}", ::getpid())).string();
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    throw UsageError(fmt::format("{}: cannot create files in folder '{}': {} (allowed: a file path in a writable folder)", flag,
                                 dir.string(), std::strerror(errno)));
  ::close(fd);
  ::unlink(probe.c_str());
}

void check_not_input(const std::string& out_flag, const std::string& out, const std::string& in_label, const std::string& in) {
  if (out.empty() || in.empty()) return;
  std::error_code ec;
  struct stat st{};
  if (::stat(out.c_str(), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) return;
  bool same = fs::exists(out, ec) && fs::exists(in, ec) && fs::equivalent(out, in, ec);
  if (!same && !fs::exists(out, ec)) {
    // A path that does not exist yet cannot be an existing input; compare spellings anyway.
    const fs::path a = fs::weakly_canonical(fs::absolute(out, ec), ec), b = fs::weakly_canonical(fs::absolute(in, ec), ec);
    same = !a.empty() && a == b;
  }
  if (same)
    throw UsageError(fmt::format("{}: '{}' is the {} input '{}' (allowed: a path that is not one of the inputs; it would be overwritten)",
                                 out_flag, out, in_label, in));
}

bool is_stream_output(const std::string& path) {
  struct stat st{};
  return !path.empty() && ::stat(resolve_links("output", path).c_str(), &st) == 0 && is_device_or_fifo(st);
}

void write_atomically(const std::string& path, const std::string& content) {
  const fs::path target = resolve_links("output", path);
  struct stat st{};
  const bool exists = ::stat(target.c_str(), &st) == 0;
  if (exists && is_device_or_fifo(st)) {
    // Devices and FIFOs are not replaced (that would turn /dev/null into a regular file): write
    // them in place. O_WRONLY without O_NONBLOCK: a FIFO waits for its reader.
    const int fd = ::open(target.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) throw UsageError(fmt::format("cannot open '{}' for writing: {}", path, std::strerror(errno)));
    const bool ok = write_all(fd, content);
    const int err = errno;
    if (::close(fd) != 0 && ok) throw UsageError(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
    if (!ok) throw UsageError(fmt::format("cannot write '{}': {}", path, std::strerror(err)));
    return;
  }
  if (exists && !S_ISREG(st.st_mode))
    throw UsageError(fmt::format("cannot write '{}': not a regular file, device or FIFO", path));
  std::string tmp = target.string() + ".tmp.XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) throw UsageError(fmt::format("cannot create a temporary file beside '{}': {}", path, std::strerror(errno)));
  auto fail = [&](const std::string& what) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    throw UsageError(fmt::format("cannot {} '{}': {}", what, path, why));
  };
  // mkstemp creates 0600: give the file the existing target's permission bits (and owner, which
  // only root may change), or the usual 0666 & ~umask for a new file.
  if (::fchmod(fd, exists ? (st.st_mode & 07777) : default_file_mode()) != 0) fail("set the permissions of");
  if (exists && ::geteuid() == 0 && (st.st_uid != 0 || st.st_gid != 0) && ::fchown(fd, st.st_uid, st.st_gid) != 0)
    fail("set the owner of");
  if (!write_all(fd, content)) fail("write");
  if (::fsync(fd) != 0) fail("write");
  if (::close(fd) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    throw UsageError(fmt::format("cannot write '{}': {}", path, why));
  }
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    throw UsageError(fmt::format("cannot move '{}' to '{}': {}", tmp, target.string(), why));
  }
}

namespace {
std::map<const CLI::Option*, std::string>& allowed_texts() {
  static std::map<const CLI::Option*, std::string> m;
  return m;
}

// "an integer" for INT, ...: what a value of the option's type looks like.
std::string kind_of(const CLI::Option* opt) {
  const std::string t = opt ? opt->get_type_name() : "";
  if (t == "INT") return "an integer";
  if (t == "UINT" || t == "UINT64") return "a non-negative integer";
  if (t == "FLOAT" || t == "NUMBER") return "a number";
  return "a valid value";
}

std::string allowed_for(const CLI::Option* opt) {
  if (!opt) return "see --help";
  if (auto it = allowed_texts().find(opt); it != allowed_texts().end()) return it->second;
  return kind_of(opt) + "; see --help";
}

// The innermost command named on the command line (the app itself when none is).
CLI::App* command_in_use(CLI::App& app, int argc, char** argv) {
  CLI::App* cur = &app;
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] == '-') continue;
    for (CLI::App* sub : cur->get_subcommands({}))
      if (sub->get_name() == argv[i]) {
        cur = sub;
        break;
      }
  }
  return cur;
}

std::string command_path(const CLI::App* cmd) {
  std::string path;
  for (const CLI::App* a = cmd; a && a->get_parent(); a = a->get_parent()) path = a->get_name() + (path.empty() ? "" : " " + path);
  return path;
}

// The option called `name` ("--threads") in `cmd` or its parents.
const CLI::Option* find_option(const CLI::App* cmd, const std::string& name) {
  for (const CLI::App* a = cmd; a; a = a->get_parent())
    for (const CLI::Option* opt : a->get_options())
      if (opt->check_name(name)) return opt;
  return nullptr;
}

std::string option_list(const CLI::App* cmd) {
  std::string names;
  for (const CLI::Option* opt : cmd->get_options()) {
    const std::string n = opt->get_name();
    if (n.rfind("--", 0) == 0) names += (names.empty() ? "" : ", ") + n;
  }
  return names;
}

std::string subcommand_list(const CLI::App* cmd) {
  std::string names;
  for (const CLI::App* sub : cmd->get_subcommands({})) names += (names.empty() ? "" : ", ") + sub->get_name();
  return names;
}
}  // namespace

std::string format_duration(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  const long t = std::lround(s);
  if (t >= 3600) return fmt::format("{}h{:02}m", t / 3600, t / 60 % 60);
  if (t >= 60) return fmt::format("{}m{:02}s", t / 60, t % 60);
  return fmt::format("{}s", t);
}

CLI::Option* allowed(CLI::Option* opt, const std::string& text) {
  allowed_texts()[opt] = text;
  return opt;
}

std::string explain_parse_error(CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  const std::string msg = e.what();
  CLI::App* cmd = command_in_use(app, argc, argv);
  const std::string where = command_path(cmd);
  const std::string help = where.empty() ? "'regcheck --help'" : "'regcheck " + where + " --help'";
  std::smatch m;
  // ConversionError: "Could not convert: --threads = abc"
  if (std::regex_match(msg, m, std::regex(R"(Could not convert: (\S+) = (.*))"))) {
    const CLI::Option* opt = find_option(cmd, m[1]);
    return fmt::format("{}: '{}' is not {} (allowed: {})", m[1].str(), m[2].str(), kind_of(opt), allowed_for(opt));
  }
  // ArgumentMismatch: "--threads: At Most 1 required but received 2" (the option given twice)
  if (std::regex_match(msg, m, std::regex(R"((\S+): At Most (\d+) required but received (\d+))"))) {
    const CLI::Option* opt = find_option(cmd, m[1]);
    return fmt::format("{}: given {} values (allowed: {} value{}, given once: {})", m[1].str(), m[3].str(), m[2].str(),
                       m[2].str() == "1" ? "" : "s", allowed_for(opt));
  }
  // ArgumentMismatch: "--threads: 1 required INT missing" (the option without its value)
  if (std::regex_match(msg, m, std::regex(R"((\S+): (\d+) required (\S+) missing)"))) {
    const CLI::Option* opt = find_option(cmd, m[1]);
    return fmt::format("{}: value missing (allowed: {})", m[1].str(), allowed_for(opt));
  }
  // ExtrasError: "The following argument(s) was/were not expected: --frob x"
  if (std::regex_match(msg, m, std::regex(R"(The following arguments? (?:was|were) not expected: (.*))"))) {
    // CLI11 lists the leftovers (not necessarily in command-line order); name an unknown option
    // when there is one, since a stray value usually follows it.
    std::istringstream words(m[1].str());
    std::string extra, w;
    while (words >> w)
      if (extra.empty() || (w.rfind("-", 0) == 0 && extra.rfind("-", 0) != 0)) extra = w;
    const std::string what = extra.rfind("-", 0) == 0 ? "unknown option" : "unexpected argument";
    const std::string options = option_list(cmd);
    return fmt::format("{}{} '{}' (allowed: {}; see {})", where.empty() ? "" : where + ": ", what, extra,
                       options.empty() ? "no options" : options, help);
  }
  // RequiredError for a missing command, e.g. after an unknown option (`regcheck eval --frob`).
  if (msg.rfind("A subcommand is required", 0) == 0 || msg.rfind("Requires at least", 0) == 0) {
    for (int i = 1; i < argc; ++i)
      if (argv[i][0] == '-' && !find_option(cmd, argv[i]))
        return fmt::format("{}unknown option '{}' (allowed: a {} first: {}; see {})", where.empty() ? "" : where + ": ", argv[i],
                           where.empty() ? "command" : "function", subcommand_list(cmd), help);
    return fmt::format("{}a {} is required (allowed: {}; see {})", where.empty() ? "" : where + ": ",
                       where.empty() ? "command" : "function", subcommand_list(cmd), help);
  }
  // RequiredError for a missing option: "--config is required"
  if (std::regex_match(msg, m, std::regex(R"((\S+) is required)"))) {
    const CLI::Option* opt = find_option(cmd, m[1]);
    return fmt::format("{} is required (allowed: {})", m[1].str(), allowed_for(opt));
  }
  // IsMember: "--source: nope not in {dropact,gcsr,tl1,dlbook}"
  if (std::regex_match(msg, m, std::regex(R"((\S+): (.*) not in \{(.*)\})"))) {
    std::string allowed = m[3].str();
    for (std::size_t i = allowed.find(','); i != std::string::npos; i = allowed.find(',', i + 2)) allowed.replace(i, 1, ", ");
    return fmt::format("{}: '{}' is not allowed (allowed: {})", m[1].str(), m[2].str(), allowed);
  }
  return msg;  // validators already name the value and what is allowed
}

CLI::Validator seed_validator() {
  return CLI::Validator(
      [](const std::string& v) {
        const bool digits = !v.empty() && v.find_first_not_of("0123456789") == std::string::npos;
        const bool fits = v.size() < 20 || (v.size() == 20 && v <= "18446744073709551615");
        return digits && fits ? std::string() : "value '" + v + "' is not allowed (allowed: an integer 0..18446744073709551615)";
      },
      "UINT64");
}

// libgomp's default waiting (no OMP_WAIT_POLICY / GOMP_SPINCOUNT in the environment) makes
// the trainer 7-20x SLOWER at 2 threads on a loaded 2-core machine than at 1 thread: measured
// on the 784-512-512-10 MLP, batch 128, load average ~2: default 1300-4000 samples/s,
// OMP_WAIT_POLICY=passive 24000-29000, active 30000, GOMP_SPINCOUNT=30000000 1700 (so the
// default behaves like a very long spin: idle team threads hold the CPUs the working thread
// needs). libgomp reads the variable once, when it is loaded, so the only way to choose it is to
// re-execute the program with it set; a user's own setting is always respected.
void reexec_with_passive_wait() {
  if (std::getenv("OMP_WAIT_POLICY") || std::getenv("GOMP_SPINCOUNT") || std::getenv("REGCHECK_NO_REEXEC")) return;
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  for (std::size_t b = 0; b < all.size();) {
    const std::size_t e = all.find('\0', b);
    args.push_back(all.substr(b, e == std::string::npos ? std::string::npos : e - b));
    if (e == std::string::npos) break;
    b = e + 1;
  }
  if (args.empty()) return;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  ::setenv("OMP_WAIT_POLICY", "passive", 1);
  ::execv("/proc/self/exe", argv.data());
  ::unsetenv("OMP_WAIT_POLICY");  // exec failed: carry on with the default
}

}  // namespace regcheck::app
