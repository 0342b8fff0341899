// regcheck merge STORE... --into STORE: combines results stores written by `regcheck reproduce
// --shard K/N` (one per Slurm array task) into one, which `regcheck reproduce` with the same
// selection then reads as if it had trained every run itself. Refused (exit 2, nothing written)
// when the runs of the inputs (and of an existing --into store) do not share one regcheck
// version and one scale, when one run (experiment, arm, seed) has two config hashes, or when a
// run present twice does not have the same final metrics and history. Timing (seconds,
// finished_at) may differ between duplicates; the first input's is kept.
#include "app/cli_support.hpp"
#include "app/commands.hpp"
#include "claims/core/results_store.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <memory>
#include <tuple>

namespace regcheck::app {

namespace {

namespace fs = std::filesystem;
using Row = std::pair<claims::RunKey, claims::RunRecord>;

struct MergeOptions {
  std::vector<std::string> inputs;
  std::string into;
};

std::vector<Row> read_store(const std::string& flag, const std::string& path) {
  try {
    claims::ResultsStore::check_compatible(path);
    claims::ResultsStore s(path);
    return s.all();
  } catch (const std::invalid_argument& e) {
    throw UsageError(fmt::format("{}: {}", flag, e.what()));
  }
}

int run_merge(const MergeOptions& o) {
  for (const std::string& in : o.inputs) {
    std::error_code ec;
    if (!fs::is_regular_file(in, ec)) throw UsageError(fmt::format("merge: store '{}' does not exist", in));
  }
  check_writable("--into", o.into);
  // Every run with the store it came from; an existing --into store takes part like an input.
  std::vector<std::pair<std::string, Row>> rows;
  std::vector<std::string> sources = o.inputs;
  std::error_code ec;
  if (fs::is_regular_file(o.into, ec) && fs::file_size(o.into, ec) > 0) sources.insert(sources.begin(), o.into);
  for (const std::string& src : sources)
    for (Row& r : read_store(src == o.into ? "--into" : "merge", src)) rows.emplace_back(src, std::move(r));

  const std::pair<std::string, Row>* first = rows.empty() ? nullptr : &rows.front();
  std::map<std::tuple<std::string, std::string, std::uint64_t>, const std::pair<std::string, Row>*> by_run;
  std::vector<Row> merged;
  std::size_t duplicates = 0;
  for (const auto& entry : rows) {
    const auto& [src, row] = entry;
    const claims::RunKey& k = row.first;
    const claims::RunKey& k0 = first->second.first;
    if (k.version != k0.version)
      throw UsageError(fmt::format("merge: mismatched regcheck versions: '{}' has runs of version {}, '{}' of version {}",
                                   first->first, k0.version, src, k.version));
    if (k.scale != k0.scale)
      throw UsageError(fmt::format("merge: mismatched scales: '{}' has runs at scale {}, '{}' at scale {}", first->first, k0.scale,
                                   src, k.scale));
    const auto [it, fresh] = by_run.emplace(std::make_tuple(k.experiment, k.arm, k.seed), &entry);
    if (fresh) {
      merged.push_back(row);
      continue;
    }
    const auto& [src0, row0] = *it->second;
    if (row0.first.config_hash != k.config_hash)
      throw UsageError(fmt::format("merge: mismatched config hashes for {} arm {} seed {}: {} in '{}', {} in '{}'", k.experiment, k.arm,
                                   k.seed, row0.first.config_hash, src0, k.config_hash, src));
    if (row0.second.final.dump() != row.second.final.dump() || row0.second.history.dump() != row.second.history.dump())
      throw UsageError(fmt::format("merge: {} arm {} seed {} is in '{}' and '{}' with different metrics or history", k.experiment, k.arm,
                                   k.seed, src0, src));
    ++duplicates;
  }
  try {
    claims::ResultsStore out(o.into);
    out.put_all(merged);  // one transaction: all or nothing
  } catch (const std::invalid_argument& e) {
    throw UsageError(fmt::format("--into: {}", e.what()));
  }
  fmt::print("regcheck merge: {} run(s) from {} store(s) into {} ({} duplicate(s), all agreeing){}\n", merged.size(), sources.size(),
             o.into, duplicates, first ? fmt::format(", scale {}, version {}", first->second.first.scale, first->second.first.version) : "");
  return 0;
}

}  // namespace

Runner add_merge_command(CLI::App& app) {
  auto o = std::make_shared<MergeOptions>();
  CLI::App* cmd = app.add_subcommand("merge", "Combine the results stores of reproduce --shard runs into one store");
  allowed(cmd->add_option("stores", o->inputs, "Results stores to merge (SQLite files written by regcheck reproduce)")->required(),
          "existing results store files");
  allowed(cmd->add_option("--into", o->into, "The merged store (created, or extended when it exists)")->required(),
          "a file path in a writable folder");
  return [o]() { return run_merge(*o); };
}

}  // namespace regcheck::app
