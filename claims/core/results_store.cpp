#include "claims/core/results_store.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <filesystem>
#include <stdexcept>

namespace regcheck::claims {

namespace {

constexpr int kBusyMs = 30000;  // a concurrent writer holds the lock for one small transaction

// RAII statement.
struct Stmt {
  sqlite3_stmt* s = nullptr;
  Stmt(sqlite3* db, const char* sql, const std::string& path) {
    if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK)
      throw std::invalid_argument(fmt::format("--store: '{}': {}", path, sqlite3_errmsg(db)));
  }
  ~Stmt() { sqlite3_finalize(s); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
};

[[noreturn]] void fail(sqlite3* db, const std::string& path, const std::string& what) {
  throw std::invalid_argument(fmt::format("--store: '{}': {}: {}", path, what, db ? sqlite3_errmsg(db) : "cannot open"));
}

// The stored schema version, or nullopt when the file has no schema_version table (a new, empty
// database). Throws when the file is not an SQLite database.
std::optional<int> stored_version(sqlite3* db, const std::string& path) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_version'", -1, &s, nullptr) != SQLITE_OK)
    fail(db, path, "not a regcheck results store");
  const int rc = sqlite3_step(s);
  const bool has = rc == SQLITE_ROW && sqlite3_column_int(s, 0) > 0;
  sqlite3_finalize(s);
  if (rc != SQLITE_ROW) fail(db, path, "not a regcheck results store");
  if (!has) {
    // A database with other tables but no schema_version is someone else's file.
    Stmt any(db, "SELECT count(*) FROM sqlite_master", path);
    if (sqlite3_step(any.s) == SQLITE_ROW && sqlite3_column_int(any.s, 0) > 0)
      throw std::invalid_argument(fmt::format("--store: '{}' is an SQLite database without a regcheck schema_version table", path));
    return std::nullopt;
  }
  Stmt v(db, "SELECT max(version) FROM schema_version", path);
  if (sqlite3_step(v.s) != SQLITE_ROW) fail(db, path, "reading schema_version");
  return sqlite3_column_int(v.s, 0);
}

void require_version(std::optional<int> v, const std::string& path) {
  if (v && *v != ResultsStore::kSchemaVersion)
    throw std::invalid_argument(fmt::format("--store: '{}' has schema version {} (this regcheck reads and writes version {}); "
                                            "use another --store or remove the file",
                                            path, *v, ResultsStore::kSchemaVersion));
}

}  // namespace

void ResultsStore::check_compatible(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) || std::filesystem::file_size(path, ec) == 0) return;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::invalid_argument(fmt::format("--store: '{}' cannot be opened", path));
  }
  sqlite3_busy_timeout(db, kBusyMs);
  try {
    require_version(stored_version(db, path), path);
  } catch (...) {
    sqlite3_close(db);
    throw;
  }
  sqlite3_close(db);
}

ResultsStore::ResultsStore(const std::string& path) : path_(path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "cannot open";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::invalid_argument(fmt::format("--store: '{}' cannot be opened: {}", path, msg));
  }
  sqlite3_busy_timeout(db_, kBusyMs);
  try {
    require_version(stored_version(db_, path_), path_);
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");  // WAL + NORMAL: a committed run survives a process kill
    exec("BEGIN IMMEDIATE");
    const std::optional<int> v = stored_version(db_, path_);  // again, under the write lock
    require_version(v, path_);
    if (!v) {
      exec("CREATE TABLE schema_version(version INTEGER NOT NULL)");
      exec(fmt::format("INSERT INTO schema_version VALUES({})", kSchemaVersion).c_str());
      exec("CREATE TABLE runs(experiment TEXT NOT NULL, arm TEXT NOT NULL, seed INTEGER NOT NULL, scale TEXT NOT NULL, "
           "config_hash TEXT NOT NULL, regcheck_version TEXT NOT NULL, final_json TEXT NOT NULL, history_json TEXT NOT NULL, "
           "seconds REAL NOT NULL, finished_at TEXT NOT NULL DEFAULT (datetime('now')), "
           "PRIMARY KEY(experiment, arm, seed, scale, config_hash, regcheck_version))");
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

ResultsStore::~ResultsStore() { sqlite3_close(db_); }

void ResultsStore::exec(const char* sql) const {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::invalid_argument(fmt::format("--store: '{}': {}", path_, msg));
  }
}

namespace {
void bind_key(sqlite3_stmt* s, const RunKey& k) {
  sqlite3_bind_text(s, 1, k.experiment.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 2, k.arm.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(s, 3, static_cast<sqlite3_int64>(k.seed));
  sqlite3_bind_text(s, 4, k.scale.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 5, k.config_hash.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 6, k.version.c_str(), -1, SQLITE_TRANSIENT);
}
}  // namespace

std::optional<RunRecord> ResultsStore::find(const RunKey& k) const {
  Stmt s(db_, "SELECT final_json, history_json, seconds FROM runs WHERE experiment=?1 AND arm=?2 AND seed=?3 AND scale=?4 "
              "AND config_hash=?5 AND regcheck_version=?6", path_);
  bind_key(s.s, k);
  const int rc = sqlite3_step(s.s);
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) fail(db_, path_, "reading a run");
  // A row damaged or written by another tool is named, not parsed blindly: a NULL cell was a null
  // pointer handed to the JSON parser, bad JSON (or a number beyond double: out_of_range.406, found
  // by fuzz/fuzz_store_rows) a bare parser message reported as an internal error.
  auto json_cell = [&](int col, const char* name, bool object) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s.s, col));
    const auto bad = [&](const std::string& why) {
      return std::invalid_argument(fmt::format("--store: '{}': the stored run of {} arm '{}' seed {} is damaged: {} {} "
                                               "(rerun with --fresh to train it again, or use another --store)",
                                               path_, k.experiment, k.arm, k.seed, name, why));
    };
    if (!text) throw bad("is NULL");
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(text, text + sqlite3_column_bytes(s.s, col));
    } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range.406 for a number beyond double
      throw bad(fmt::format("is not JSON ({})", e.what()));
    }
    if (object ? !j.is_object() : !j.is_array()) throw bad(object ? "is not a JSON object" : "is not a JSON array");
    return j;
  };
  RunRecord r;
  r.arm = k.arm, r.seed = k.seed;
  r.final = json_cell(0, "final_json", true);
  r.history = json_cell(1, "history_json", false);
  r.seconds = sqlite3_column_double(s.s, 2);
  return r;
}

void ResultsStore::put(const RunKey& k, const RunRecord& r) { put_all({{k, r}}); }

void ResultsStore::put_all(const std::vector<std::pair<RunKey, RunRecord>>& runs) {
  exec("BEGIN IMMEDIATE");
  try {
    Stmt s(db_, "INSERT OR REPLACE INTO runs(experiment, arm, seed, scale, config_hash, regcheck_version, final_json, "
                "history_json, seconds) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", path_);
    for (const auto& [k, r] : runs) {
      sqlite3_reset(s.s);
      bind_key(s.s, k);
      const std::string f = r.final.dump(), h = r.history.dump();
      sqlite3_bind_text(s.s, 7, f.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(s.s, 8, h.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_double(s.s, 9, r.seconds);
      if (sqlite3_step(s.s) != SQLITE_DONE) fail(db_, path_, "writing a run");
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<std::pair<RunKey, RunRecord>> ResultsStore::all() const {
  Stmt s(db_, "SELECT experiment, arm, seed, scale, config_hash, regcheck_version, final_json, history_json, seconds FROM runs "
              "ORDER BY experiment, arm, seed, scale, config_hash, regcheck_version", path_);
  const auto text = [&](int c) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(s.s, c))); };
  std::vector<std::pair<RunKey, RunRecord>> out;
  int rc;
  while ((rc = sqlite3_step(s.s)) == SQLITE_ROW) {
    RunKey k{text(0), text(1), static_cast<std::uint64_t>(sqlite3_column_int64(s.s, 2)), text(3), text(4), text(5)};
    RunRecord r;
    r.arm = k.arm, r.seed = k.seed;
    r.final = nlohmann::json::parse(text(6)), r.history = nlohmann::json::parse(text(7));
    r.seconds = sqlite3_column_double(s.s, 8);
    out.emplace_back(std::move(k), std::move(r));
  }
  if (rc != SQLITE_DONE) fail(db_, path_, "reading the runs");
  return out;
}

std::size_t ResultsStore::count() const {
  Stmt s(db_, "SELECT count(*) FROM runs", path_);
  if (sqlite3_step(s.s) != SQLITE_ROW) fail(db_, path_, "counting runs");
  return static_cast<std::size_t>(sqlite3_column_int64(s.s, 0));
}

}  // namespace regcheck::claims
