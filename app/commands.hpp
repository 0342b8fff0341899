#pragma once
// The regcheck subcommands. Each adds its options to the CLI11 parser and returns the function
// that runs it once parsing succeeded; that function returns the process exit code.
#include <CLI/CLI.hpp>

#include <functional>

namespace regcheck::app {

using Runner = std::function<int()>;

Runner add_verify_command(CLI::App& app);
Runner add_eval_command(CLI::App& app);
Runner add_stats_command(CLI::App& app);
Runner add_regress_command(CLI::App& app);
Runner add_report_command(CLI::App& app);
Runner add_merge_command(CLI::App& app);
#ifdef REGCHECK_HAVE_NETS
Runner add_train_command(CLI::App& app);
Runner add_reproduce_command(CLI::App& app);
#endif
Runner add_export_notebooks_command(CLI::App& app);

}  // namespace regcheck::app
