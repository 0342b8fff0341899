#pragma once
// Running the regcheck binary from a test: its exit code, standard output and standard error, and
// a scratch folder for the files a test writes. One per test process (gtest_discover_tests runs
// every test in its own process, so tests running in parallel never share a folder).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace regcheck::test {

namespace fs = std::filesystem;

struct CliRun {
  int code;  // exit code, -1 when killed by a signal
  std::string out, err;
};

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline fs::path scratch() {
  fs::path d = fs::temp_directory_path() / ("regcheck-test-" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

inline fs::path write(const std::string& name, const std::string& text) {
  const fs::path p = scratch() / name;
  std::ofstream(p) << text;
  return p;
}

// `regcheck <args>` through the shell (args may hold redirections such as "< file").
inline CliRun run(const std::string& args) {
  const fs::path d = scratch();
  const std::string cmd = std::string(REGCHECK_BIN) + " " + args + " > " + (d / "out").string() + " 2> " + (d / "err").string();
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(d / "out"), slurp(d / "err")};
}

inline int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace regcheck::test
