#pragma once
// Comparing what two `regcheck reproduce` invocations produced (serial vs MPI vs Slurm shards
// merged): the results stores as row sets without the timing columns, and the JSON reports
// without what depends on the machine or the invocation.
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <filesystem>
#include <set>
#include <stdexcept>
#include <string>

namespace regcheck::test {

// The runs of a results store, one string per row: experiment, arm, seed, scale, config hash,
// regcheck version, final metrics and history (JSON text as stored), tab-separated; the timing
// columns (seconds, finished_at) are left out. Read-only; throws when the file cannot be read.
inline std::multiset<std::string> store_rows(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("store_rows: cannot open " + path.string());
  }
  sqlite3_stmt* s = nullptr;
  const char* sql = "SELECT experiment, arm, seed, scale, config_hash, regcheck_version, final_json, history_json FROM runs";
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("store_rows: no runs table in " + path.string());
  }
  std::multiset<std::string> rows;
  while (sqlite3_step(s) == SQLITE_ROW) {
    std::string row;
    for (int c = 0; c < 8; ++c) row += (c ? "\t" : "") + std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, c)));
    rows.insert(row);
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return rows;
}

// The report without what depends on the machine or the invocation: timings, the store path,
// the run counts (trained vs reused), the thread count and --fresh.
inline nlohmann::json normalized(nlohmann::json j) {
  if (j.is_object()) {
    for (const char* k : {"seconds", "wall_seconds", "runs", "store", "threads", "fresh"}) j.erase(k);
    for (auto& [k, v] : j.items()) v = normalized(v);
  } else if (j.is_array()) {
    for (auto& v : j) v = normalized(v);
  }
  return j;
}

}  // namespace regcheck::test
