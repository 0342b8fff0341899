// regcheck: checks the theory of deep-learning regularization (see README.md).
// The CLI is thin: it parses, validates, and calls claims/, theory/ and nets/.
#include "app/cli_support.hpp"
#include "app/commands.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <map>
#include <optional>
#include <string>

int main(int argc, char** argv) {
  using namespace regcheck::app;
  CLI::App app{"regcheck: checks the theory of deep-learning regularization"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("regcheck ") + REGCHECK_VERSION);
  std::map<CLI::App*, Runner> runners;
  auto add = [&](Runner r, const char* name) { runners[app.get_subcommand(name)] = std::move(r); };
  add(add_verify_command(app), "verify");
  add(add_eval_command(app), "eval");
  add(add_stats_command(app), "stats");
  add(add_regress_command(app), "regress");
#ifdef REGCHECK_HAVE_NETS
  add(add_train_command(app), "train");
  add(add_reproduce_command(app), "reproduce");
#endif
  add(add_report_command(app), "report");
  add(add_merge_command(app), "merge");
  add(add_export_notebooks_command(app), "export-notebooks");
  // An unknown subcommand name (`regcheck nope`, `regcheck eval nope`) would otherwise surface as
  // CLI11's "A subcommand is required": name the value and what is allowed instead.
  auto unknown_name = [](CLI::App* parent, const char* given, const std::string& what) -> std::optional<std::string> {
    if (given[0] == '-') return std::nullopt;
    std::string allowed;
    for (const CLI::App* sub : parent->get_subcommands({})) {
      if (sub->get_name() == given) return std::nullopt;
      allowed += (allowed.empty() ? "" : ", ") + sub->get_name();
    }
    return fmt::format("{} '{}' is unknown (allowed: {})", what, given, allowed);
  };
  std::optional<std::string> unknown;
  if (argc >= 2) unknown = unknown_name(&app, argv[1], "command");
  if (!unknown && argc >= 3 && std::string(argv[1]) == "eval")
    unknown = unknown_name(app.get_subcommand("eval"), argv[2], "eval: function");
  if (unknown) {
    std::fprintf(stderr, "regcheck: error: %s\n", unknown->c_str());
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "regcheck: error: %s\n", explain_parse_error(app, e, argc, argv).c_str());
    return 2;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "regcheck: error: %s\n", e.what());
    return 2;
  }
  try {
    for (CLI::App* sub : app.get_subcommands()) {
      // eval has one nested subcommand per closed form; the runner dispatches it.
      if (auto it = runners.find(sub); it != runners.end()) return it->second();
    }
  } catch (const UsageError& e) {
    std::fprintf(stderr, "regcheck: error: %s\n", e.what());
    return 2;
  } catch (const std::invalid_argument& e) {  // misuse detected by theory/ or nets/
    std::fprintf(stderr, "regcheck: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "regcheck: internal error: %s\n", e.what());
    return 3;
  }
  return 2;
}
