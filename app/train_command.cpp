// regcheck train: placeholder until the trainer's command lands (issue 3).
#ifdef REGCHECK_HAVE_NETS
#include "app/cli_support.hpp"
#include "app/commands.hpp"

namespace regcheck::app {

Runner add_train_command(CLI::App& app) {
  app.add_subcommand("train", "Train a model from a JSON config (not implemented yet)");
  return []() -> int { throw UsageError("train is not implemented yet"); };
}

}  // namespace regcheck::app
#endif
