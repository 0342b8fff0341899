// Fuzz harness: reading the rows of the `regcheck reproduce` results store
// (claims/core/results_store.hpp ResultsStore::find, as app/reproduce_command.cpp calls it for
// every planned run). A store may have been edited, damaged or written by another tool, so a row's
// cells are outside input. The store's table here has the regcheck columns without NOT NULL, so
// every cell type can appear. Input: byte 0 picks the storage class of final_json (bits 0-1) and
// history_json (bits 2-3) (0 text, 1 NULL, 2 blob, 3 real); the rest is final_json, a newline,
// history_json. Documented errors: std::invalid_argument naming the store.
#include "claims/core/results_store.hpp"
#include "fuzz/fuzz_support.hpp"

#include <sqlite3.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string_view>

namespace {

void must(int rc, sqlite3* db) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "fuzz_store_rows: sqlite: %s\n", sqlite3_errmsg(db));
    std::abort();
  }
}

void bind_cell(sqlite3_stmt* s, int i, int kind, std::string_view v) {
  switch (kind) {
    case 0: sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); break;
    case 1: sqlite3_bind_null(s, i); break;
    case 2: sqlite3_bind_blob(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); break;
    default: sqlite3_bind_double(s, i, static_cast<double>(v.size())); break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const regcheck::fuzz::ScratchFile file(".sqlite");
  static sqlite3* raw = [] {
    std::remove(file.path().c_str());
    sqlite3* db = nullptr;
    must(sqlite3_open(file.path().c_str(), &db), db);
    must(sqlite3_exec(db, "CREATE TABLE schema_version(version INTEGER); INSERT INTO schema_version VALUES(1);"
                          "CREATE TABLE runs(experiment, arm, seed, scale, config_hash, regcheck_version, final_json, "
                          "history_json, seconds, finished_at, PRIMARY KEY(experiment, arm, seed, scale, config_hash, regcheck_version))",
                      nullptr, nullptr, nullptr), db);
    return db;
  }();
  static const auto store = std::make_unique<regcheck::claims::ResultsStore>(file.path());
  static const regcheck::claims::RunKey key{"e", "a", 1, "smoke", "h", "v"};
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::size_t nl = rest.find('\n');
  const std::string_view final_json = rest.substr(0, nl), history = nl == rest.npos ? std::string_view() : rest.substr(nl + 1);
  must(sqlite3_exec(raw, "DELETE FROM runs", nullptr, nullptr, nullptr), raw);
  sqlite3_stmt* s = nullptr;
  must(sqlite3_prepare_v2(raw, "INSERT INTO runs VALUES('e', 'a', 1, 'smoke', 'h', 'v', ?1, ?2, 1.5, 'now')", -1, &s, nullptr), raw);
  bind_cell(s, 1, data[0] & 3, final_json);
  bind_cell(s, 2, (data[0] >> 2) & 3, history);
  must(sqlite3_step(s), raw);
  sqlite3_finalize(s);
  try {
    (void)store->find(key);
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
