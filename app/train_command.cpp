// regcheck train: trains a model from a JSON config (nets/train), prints one line per epoch on
// stdout (and, when stderr is a terminal, a single updating progress line with ETA), and with
// --json writes the per-epoch metrics history atomically after EVERY epoch, so an interrupted
// run loses no finished epoch (a FIFO or device gets it once, at the end). A bad config (unknown layer or field, wrong shape, missing data
// file, value out of range) is one error line naming the field, and exit code 2.
#ifdef REGCHECK_HAVE_NETS
#include "app/cli_support.hpp"
#include "app/commands.hpp"
#include "nets/train/trainer.hpp"

#include <fmt/format.h>
#include <malloc.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <vector>

namespace regcheck::app {

namespace {

struct TrainOptions {
  std::string config;
  std::optional<std::uint64_t> seed;
  std::optional<int> threads;
  std::optional<int> epochs;
  std::string json;
  bool quiet = false;
  bool profile = false;
};

std::string acc(double a) { return std::isfinite(a) ? fmt::format("{:.4f}", a) : std::string("-"); }

// The optimizers and metrics allocate parameter-sized temporaries every step (e.g. 3.2 MB for the
// x sin x net's 1000x800 weight). glibc returns such blocks to the kernel on free (mmap
// threshold, heap trimming), so every step page-faults them in again: measured on
// xsinx-regression.json, 300 epochs, 8.1 s with 3.7 s system time by default, 2.0 s with 0.2 s
// system time when freed memory is kept. Keeping it costs at most the peak working set.
void keep_freed_memory() {
  ::mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's upper limit for this setting
  ::mallopt(M_TRIM_THRESHOLD, 1 << 30);
  ::mallopt(M_TOP_PAD, 64 << 20);
}

// The history must not overwrite what the run reads: the config, or a data file it names.
void check_output_is_not_an_input(const std::string& json, const std::string& config, const nets::train::DataSpec& d) {
  if (json.empty()) return;
  check_not_input("--json", json, "--config", config);
  auto file = [&](const std::string& label, const std::filesystem::path& p) {
    if (!p.empty()) check_not_input("--json", json, label, p.string());
  };
  file("data.path", d.path);
  file("data.train_images", d.train_images);
  file("data.train_labels", d.train_labels);
  file("data.test_images", d.test_images);
  file("data.test_labels", d.test_labels);
  for (std::size_t i = 0; i < d.train_files.size(); ++i) file(fmt::format("data.train_files[{}]", i), d.train_files[i]);
  for (std::size_t i = 0; i < d.test_files.size(); ++i) file(fmt::format("data.test_files[{}]", i), d.test_files[i]);
  std::error_code ec;
  if (!d.dir.empty() && std::filesystem::is_directory(d.dir, ec))  // fashion-mnist: the files of data.dir
    for (const auto& e : std::filesystem::directory_iterator(d.dir, ec))
      if (e.is_regular_file(ec)) file("data.dir", e.path());
}

int run_train(const TrainOptions& o) {
  keep_freed_memory();
  if (!o.json.empty()) check_not_input("--json", o.json, "--config", o.config);  // before anything reads the config
  nets::train::TrainConfig cfg = nets::train::load_config(o.config);
  // Flags override the config's fields (recorded in the history's copy of the config).
  if (o.seed) cfg.seed = *o.seed, cfg.source["seed"] = *o.seed;
  if (o.threads) cfg.threads = *o.threads, cfg.source["threads"] = *o.threads;
  if (o.epochs) cfg.epochs = *o.epochs, cfg.source["epochs"] = *o.epochs;
  nets::train::validate_run_fields(cfg);
  check_output_is_not_an_input(o.json, o.config, cfg.data);
  if (!o.json.empty()) check_writable("--json", o.json);

  nets::train::Trainer t(std::move(cfg));  // loads the data: data errors are config errors too
  if (o.profile) t.set_profile(true);
  const auto& c = t.config();
  fmt::print("regcheck train: {} ({} train / {} test examples), {} epochs, batch {}, seed {}, threads {}\n", o.config,
             t.data().train.size(), t.data().test.size(), c.epochs, c.batch_size, c.seed, t.threads());
  std::fflush(stdout);

  const bool tty = !o.quiet && ::isatty(STDERR_FILENO);
  // A FIFO or device gets the history once, at the end; a regular file after every epoch.
  const bool stream_output = is_stream_output(o.json);
  const auto start = std::chrono::steady_clock::now();
  auto last_draw = start - std::chrono::seconds(1);
  double done_samples = 0;  // training samples of the finished epochs
  const double per_epoch = static_cast<double>(t.data().train.size());
  const double total = per_epoch * c.epochs;
  auto progress = [&](const nets::train::StepProgress& p) {
    if (!tty) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_draw < std::chrono::milliseconds(200) && p.step != p.steps) return;
    last_draw = now;
    const double elapsed = std::chrono::duration<double>(now - start).count();
    const double done = done_samples + per_epoch * static_cast<double>(p.step) / static_cast<double>(p.steps);
    const double eta = done > 0 ? elapsed * (total - done) / done : NAN;
    std::fprintf(stderr, "\r\x1b[Kepoch %d/%d  step %ld/%ld  loss %.4f  acc %s  %.0f samples/s  ETA %s", p.epoch, c.epochs,
                 p.step, p.steps, p.loss, acc(p.accuracy).c_str(), p.samples_per_s, format_duration(eta).c_str());
    std::fflush(stderr);
  };
  auto on_epoch = [&](const nets::train::EpochMetrics& m) {
    done_samples += per_epoch;
    if (tty) std::fprintf(stderr, "\r\x1b[K");
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double eta = elapsed * (total - done_samples) / done_samples;
    fmt::print("epoch {}/{}  lr {:.4g}  train_loss {:.4f}  train_acc {}  test_loss {:.4f}  test_accuracy {}  sparsity {:.4f}  {:.0f} samples/s  {:.1f} s  ETA {}\n",
               m.epoch, c.epochs, m.lr, m.train_loss, acc(m.train_accuracy), m.test_loss, acc(m.test_accuracy), m.sparsity,
               m.samples_per_s, m.seconds, format_duration(eta));
    std::fflush(stdout);
    if (o.profile) fmt::print("{}", nets::train::profile_table(m.profile));
    if (!o.json.empty() && !stream_output) write_atomically(o.json, nets::train::history_json(t).dump(2) + "\n");
  };
  t.run(on_epoch, progress);
  if (stream_output) write_atomically(o.json, nets::train::history_json(t).dump(2) + "\n");
  const auto& last = t.history().back();
  fmt::print("final: test_accuracy {}  test_loss {:.6g}  train_loss {:.6g}  sparsity {:.4f}  params {:.0f} -> {:.0f}  ({} total)\n",
             acc(last.test_accuracy), last.test_loss, last.train_loss, last.sparsity, last.cost.params, last.cost.params_pruned,
             format_duration(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()));
  if (!o.json.empty()) fmt::print("history written to {}\n", o.json);
  return 0;
}

}  // namespace

Runner add_train_command(CLI::App& app) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* cmd = app.add_subcommand("train", "Train a model from a JSON config (see nets/configs/README.md)");
  allowed(cmd->add_option("--config", o->config, "JSON config file (model, data, optimizer, regularizer, ...)"),
          "a JSON config file, e.g. nets/configs/*.json")
      ->required();
  allowed(cmd->add_option("--seed", o->seed, "Override the config's seed, 0..2^64-1 (results are a function of the seed alone)"),
          "an integer 0..18446744073709551615")
      ->check(seed_validator());
  allowed(cmd->add_option("--threads", o->threads, "Override the config's threads (1..256); results do not depend on it"), "1..256");
  allowed(cmd->add_option("--epochs", o->epochs, "Override the config's number of epochs (1..1000000)"), "1..1000000");
  allowed(cmd->add_option("--json", o->json, "Write the per-epoch metrics history as JSON (atomically, after every epoch)"),
          "a file path that is not one of the inputs");
  cmd->add_flag("--quiet", o->quiet, "No progress line on the terminal");
  cmd->add_flag("--profile", o->profile,
                "Time every layer's forward, backward and optimizer update; print a table per epoch and add a \"profile\" "
                "section to each epoch of the --json history (results are unchanged)");
  return [o]() {
    reexec_with_passive_wait();
    if (o->threads) require_range("--threads", *o->threads, 1, 256, "1..256");
    if (o->epochs) require_range("--epochs", *o->epochs, 1, 1000000, "1..1000000");
    return run_train(*o);
  };
}

}  // namespace regcheck::app
#endif
