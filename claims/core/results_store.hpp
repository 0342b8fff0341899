#pragma once
// The results store of `regcheck reproduce`: an embedded SQLite database (default
// reports/regcheck.sqlite), one row per finished training run keyed by (experiment, arm, seed,
// scale, config hash, regcheck version) with its final metrics and per-epoch history (JSON text).
//
// Durability and concurrency: WAL journal, busy timeout 30 s, every run committed in its own
// BEGIN IMMEDIATE transaction, so a run is either wholly present or absent after SIGINT, SIGTERM
// or kill -9, and two processes on one store serialize their writes instead of corrupting it.
// Schema: table schema_version(version) holding kSchemaVersion; a store with another version is
// refused (std::invalid_argument naming both versions) and left untouched.
#include "claims/core/experiment.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

struct sqlite3;

namespace regcheck::claims {

struct RunKey {
  std::string experiment, arm;
  std::uint64_t seed = 0;
  std::string scale, config_hash, version;
};

class ResultsStore {
 public:
  static constexpr int kSchemaVersion = 1;
  // Read-only check of an existing file (a missing one is fine): it must be an SQLite database
  // with schema version kSchemaVersion. Writes nothing. Throws std::invalid_argument naming the path.
  static void check_compatible(const std::string& path);
  // Opens the store, creating the file and its schema when missing.
  explicit ResultsStore(const std::string& path);
  ~ResultsStore();
  ResultsStore(const ResultsStore&) = delete;
  ResultsStore& operator=(const ResultsStore&) = delete;

  std::optional<RunRecord> find(const RunKey& k) const;
  // Inserts (or replaces) one finished run in one transaction.
  void put(const RunKey& k, const RunRecord& r);
  std::size_t count() const;
  // Every stored run, ordered by key (what `regcheck merge` reads).
  std::vector<std::pair<RunKey, RunRecord>> all() const;
  // Inserts (or replaces) the runs in one transaction: all of them are in the store or none.
  void put_all(const std::vector<std::pair<RunKey, RunRecord>>& runs);
  const std::string& path() const { return path_; }

 private:
  void exec(const char* sql) const;
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace regcheck::claims
