// Fault injection on the CLI (README "Hardening"): a full disk or a read-only folder mid-run, a
// corrupted results store (file and row), a data file truncated mid-record. Each must give one
// clear error line ("regcheck: error: ..." naming the file), exit 2, and lose no finished result
// (stored runs stay in the store; a --json history keeps its finished epochs).
//
// The full-disk and read-only cases mount a small tmpfs or a read-only bind mount (root with
// CAP_SYS_ADMIN); elsewhere they are skipped (GTEST_SKIP names why), the other cases always run.
#include "claims/core/results_store.hpp"
#include "support/cli_harness.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <sys/mount.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace regcheck::test;

// The smallest reproduce experiment (6 smoke runs of ~0.3 s on the x sin x regression).
const std::string kExperiment = "--claim dropact.fig3.regression --scale smoke --threads 1";

std::string bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& p, const std::string& b) { std::ofstream(p, std::ios::binary) << b; }

// One line on stderr, the CLI's error prefix, naming `what`.
void expect_one_error_line(const CliRun& r, const std::string& what) {
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("regcheck: error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(what), std::string::npos) << r.err;
}

// Rows of a store, read with plain SQLite (read-only), -1 when it cannot be read.
long stored_runs(const fs::path& store) {
  sqlite3* db = nullptr;
  long n = -1;
  if (sqlite3_open_v2(store.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM runs", -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
      n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return n;
}

void sql(const fs::path& store, const std::string& statement) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(store.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

// A mount point under the scratch folder, unmounted at scope exit.
struct Mount {
  fs::path dir;
  bool ok = false;
  Mount(const fs::path& d, const char* source, const char* type, unsigned long flags, const char* opts) : dir(d) {
    fs::create_directories(dir);
    ok = ::mount(source, dir.c_str(), type, flags, opts) == 0;
  }
  ~Mount() {
    if (ok) ::umount2(dir.c_str(), MNT_DETACH);
  }
};

// ---- corrupted store ----

TEST(FaultStore, GarbageFileIsRefusedUntouched) {
  const fs::path store = scratch() / "garbage.sqlite";
  std::string garbage(8192, '\0');
  for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>((i * 2654435761u) >> 13);
  write_bytes(store, garbage);
  const CliRun r = run("reproduce " + kExperiment + " --store " + store.string());
  expect_one_error_line(r, store.string());
  EXPECT_EQ(bytes_of(store), garbage);  // nothing written into someone else's file
}

TEST(FaultStore, SQLiteFileCutInHalfIsRefused) {
  // A store truncated by a crash of the file system (not by regcheck: SQLite's WAL never does this).
  const fs::path good = scratch() / "good.sqlite";
  ASSERT_EQ(run("reproduce " + kExperiment + " --store " + good.string()).code, 0);
  ASSERT_EQ(stored_runs(good), 6);
  const std::string whole = bytes_of(good);
  const fs::path cut = scratch() / "cut.sqlite";
  write_bytes(cut, whole.substr(0, whole.size() / 2));
  const CliRun r = run("reproduce " + kExperiment + " --store " + cut.string());
  expect_one_error_line(r, cut.string());
}

TEST(FaultStore, CorruptedRowIsNamedAndTheOtherRunsKept) {
  const fs::path store = scratch() / "row.sqlite";
  ASSERT_EQ(run("reproduce " + kExperiment + " --store " + store.string()).code, 0);
  sql(store, "UPDATE runs SET final_json = '{\"fit_probe.grid_mse\": 1.0' WHERE seed = 2 AND arm = 'relu'");
  const CliRun r = run("reproduce " + kExperiment + " --store " + store.string());
  expect_one_error_line(r, store.string());
  EXPECT_NE(r.err.find("seed 2"), std::string::npos) << r.err;
  EXPECT_EQ(stored_runs(store), 6);  // nothing dropped: the user decides (--fresh retrains and replaces)
  const CliRun fresh = run("reproduce " + kExperiment + " --fresh --store " + store.string());
  EXPECT_EQ(fresh.code, 0) << fresh.err;
}

TEST(FaultStore, NullCellIsAnErrorNotACrash) {
  // Seen while writing fuzz/fuzz_store_rows: a NULL final_json (a table without NOT NULL, written
  // by another tool) was handed to the JSON parser as a null pointer.
  const fs::path store = scratch() / "null.sqlite";
  sql(store, "CREATE TABLE schema_version(version INTEGER); INSERT INTO schema_version VALUES(1);"
             "CREATE TABLE runs(experiment, arm, seed, scale, config_hash, regcheck_version, final_json, history_json, seconds, "
             "finished_at); INSERT INTO runs VALUES('e', 'a', 1, 'smoke', 'h', 'v', NULL, '[]', 1.0, 'now')");
  regcheck::claims::ResultsStore s(store.string());
  EXPECT_THROW((void)s.find({"e", "a", 1, "smoke", "h", "v"}), std::invalid_argument);
}

TEST(FaultStore, NumberBeyondDoubleInARowIsAnError) {
  // Found by fuzz/fuzz_store_rows: nlohmann reads 1e999 as out_of_range.406, not parse_error.
  const fs::path store = scratch() / "big.sqlite";
  sql(store, "CREATE TABLE schema_version(version INTEGER); INSERT INTO schema_version VALUES(1);"
             "CREATE TABLE runs(experiment, arm, seed, scale, config_hash, regcheck_version, final_json, history_json, seconds, "
             "finished_at); INSERT INTO runs VALUES('e', 'a', 1, 'smoke', 'h', 'v', '{\"x\": 1e999}', '[]', 1.0, 'now')");
  regcheck::claims::ResultsStore s(store.string());
  EXPECT_THROW((void)s.find({"e", "a", 1, "smoke", "h", "v"}), std::invalid_argument);
}

// ---- parser bugs found by the fuzzers (the inputs are also in fuzz/crashes/) ----

TEST(FaultParsers, StatsCellWithAnExponentOf40Digits) {
  // Boost's decimal reader threw std::runtime_error ("Unable to parse ..."): an internal error.
  const CliRun r = run("stats summary " + write("exp.csv", "v\n-1.5e-300\n2E+300000000000000000000000000000000000001\n").string());
  expect_one_error_line(r, "exponent too large");
}

TEST(FaultParsers, ConfigNumberBeyondDouble) {
  // The store's out_of_range.406 (above) in `train --config`: was "internal error", exit 3.
  const CliRun r = run("train --config " + write("big.json", "{\"epochs\": 1e999}").string());
  expect_one_error_line(r, "big.json");
}

// ---- data file truncated mid-record ----

// A config training 1 epoch on the IDX files in `dir` (train = test, 3 images of 4x4).
fs::path idx_config(const fs::path& dir) {
  nlohmann::json c = {{"model", {{"input", {1, 4, 4}}, {"layers", {{{"type", "flatten"}}, {{"type", "dense"}, {"out", 2}}}}}},
                      {"data", {{"kind", "idx"}, {"classes", 2}, {"train_images", "img"}, {"train_labels", "lab"},
                                {"test_images", "img"}, {"test_labels", "lab"}}},
                      {"optimizer", {{"type", "sgd"}, {"lr", 0.1}}}, {"epochs", 1}, {"batch_size", 1}, {"seed", 1}};
  const fs::path p = dir / "idx.json";
  std::ofstream(p) << c.dump(1);
  return p;
}

std::string be32(std::uint32_t v) { return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; }

TEST(FaultData, IdxImagesTruncatedMidRecord) {
  const fs::path dir = scratch() / "idx";
  fs::create_directories(dir);
  const std::string images = be32(2051) + be32(3) + be32(4) + be32(4) + std::string(3 * 16, '\x40');
  write_bytes(dir / "lab", be32(2049) + be32(3) + std::string("\x00\x01\x00", 3));
  write_bytes(dir / "img", images);
  const fs::path cfg = idx_config(dir);
  const CliRun ok = run("train --config " + cfg.string() + " --quiet");
  ASSERT_EQ(ok.code, 0) << ok.err;  // the intact files train
  write_bytes(dir / "img", images.substr(0, images.size() - 7));  // third image cut after 9 of 16 bytes
  expect_one_error_line(run("train --config " + cfg.string() + " --quiet"), (dir / "img").string());
}

TEST(FaultData, GzipCutMidStream) {
  const fs::path dir = scratch() / "idxgz";
  fs::create_directories(dir);
  write_bytes(dir / "lab", be32(2049) + be32(3) + std::string("\x00\x01\x00", 3));
  std::string raw = be32(2051) + be32(3) + be32(4) + be32(4);
  for (int i = 0; i < 48; ++i) raw.push_back(static_cast<char>(i * 5));
  uLongf n = compressBound(raw.size());
  std::string z(n, '\0');
  ASSERT_EQ(compress(reinterpret_cast<Bytef*>(z.data()), &n, reinterpret_cast<const Bytef*>(raw.data()), raw.size()), Z_OK);
  // A gzip member by hand: header, the raw deflate stream (zlib's, without its 2-byte header and
  // 4-byte Adler-32), cut before the end (the CRC-32 and size trailer are missing too).
  const std::string gz = std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10) + z.substr(2, (n - 6) / 2);
  write_bytes(dir / "img", gz);
  expect_one_error_line(run("train --config " + idx_config(dir).string() + " --quiet"), (dir / "img").string());
}

TEST(FaultData, DigitsCsvTruncatedMidLine) {
  const fs::path dir = scratch() / "digits";
  fs::create_directories(dir);
  std::string line;
  for (int i = 0; i < 64; ++i) line += std::to_string(i % 17) + ",";
  const std::string full = line + "3\n" + line + "7\n" + line + "1\n";
  write_bytes(dir / "digits.csv", full.substr(0, full.size() - 40));  // last line cut inside its pixels
  nlohmann::json c = {{"model", {{"input", {64}}, {"layers", {{{"type", "dense"}, {"out", 10}}}}}},
                      {"data", {{"kind", "digits"}, {"path", (dir / "digits.csv").string()}, {"test_fraction", 0.3}}},
                      {"optimizer", {{"type", "sgd"}, {"lr", 0.1}}}, {"epochs", 1}, {"batch_size", 1}, {"seed", 1}};
  std::ofstream(dir / "cfg.json") << c.dump(1);
  expect_one_error_line(run("train --config " + (dir / "cfg.json").string() + " --quiet"), (dir / "digits.csv").string());
}

// ---- full disk, read-only folder ----

TEST(FaultDisk, DevFullJsonKeepsTheStoredRuns) {
  // /dev/full: every write fails with ENOSPC (no mount needed). The runs are stored before the
  // report is written, so a rerun reuses all of them.
  const fs::path store = scratch() / "devfull.sqlite";
  const CliRun r = run("reproduce " + kExperiment + " --store " + store.string() + " --json /dev/full");
  expect_one_error_line(r, "/dev/full");
  EXPECT_EQ(stored_runs(store), 6);
  const CliRun again = run("reproduce " + kExperiment + " --store " + store.string());
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find("6 reused"), std::string::npos) << again.out;
}

TEST(FaultDisk, StoreOnAFullTmpfsMidRun) {
  // A 2 MiB tmpfs, then filler until ~700 KiB are left: the store takes its first runs (each run's
  // history ~100-250 KB in the WAL) and then SQLite reports "database or disk is full" mid-run.
  const Mount m(scratch() / "small", "tmpfs", "tmpfs", 0, "size=2m");
  if (!m.ok) GTEST_SKIP() << "cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)";
  {
    std::ofstream filler(m.dir / "filler", std::ios::binary);
    filler << std::string(2 * 1024 * 1024 - 700 * 1024, 'x');
  }
  const fs::path store = m.dir / "store.sqlite";
  const CliRun r = run("reproduce " + kExperiment + " --store " + store.string());
  expect_one_error_line(r, store.string());
  // Every run announced as finished before the error is in the store.
  long announced = 0;
  for (std::size_t at = r.out.find("\n["); at != std::string::npos; at = r.out.find("\n[", at + 1)) ++announced;
  fs::remove(m.dir / "filler");
  const long kept = stored_runs(store);
  EXPECT_EQ(kept, announced) << r.out;
  EXPECT_GE(announced, 1) << r.out;  // the disk filled mid-run, not before the first run ...
  EXPECT_LT(announced, 6) << r.out;  // ... nor after the last
  const CliRun again = run("reproduce " + kExperiment + " --store " + store.string());
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find(std::to_string(kept) + " reused"), std::string::npos) << again.out;
}

TEST(FaultDisk, ReadOnlyFolderMidTrain) {
  // `regcheck train --json` rewrites the history after every epoch; the folder turns read-only
  // after the first one is written. The file keeps the finished epochs; the error names it.
  const fs::path dir = scratch() / "ro";
  const Mount m(dir, dir.c_str(), nullptr, MS_BIND, nullptr);
  if (!m.ok) GTEST_SKIP() << "cannot bind-mount here (needs root with CAP_SYS_ADMIN)";
  nlohmann::json c = {{"model", {{"input", {1}}, {"layers", {{{"type", "dense"}, {"out", 64}}, {{"type", "relu"}}, {{"type", "dense"}, {"out", 1}}}}}},
                      {"data", {{"kind", "xsinx"}, {"n", 2000}, {"test_n", 200}}},
                      {"optimizer", {{"type", "sgd"}, {"lr", 0.001}}}, {"epochs", 400}, {"batch_size", 8}, {"seed", 1}};
  const fs::path cfg = scratch() / "ro-cfg.json", hist = dir / "history.json";
  std::ofstream(cfg) << c.dump(1);
  CliRun r{};
  std::atomic<bool> done{false};
  std::thread t([&] {
    r = run("train --config " + cfg.string() + " --quiet --threads 1 --json " + hist.string());
    done = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!fs::exists(hist) && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // Remounting read-only fails (EBUSY) while a file is open for writing, i.e. while the trainer
  // writes an epoch's history: retry until it lands between two writes.
  bool remounted = false;
  while (!remounted && !done && std::chrono::steady_clock::now() < deadline) {
    remounted = ::mount(nullptr, dir.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) == 0;
    if (!remounted) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  t.join();
  ASSERT_TRUE(remounted) << "the run ended before the folder could be made read-only: " << r.err;
  expect_one_error_line(r, hist.string());
  const nlohmann::json h = nlohmann::json::parse(bytes_of(hist));  // complete JSON, not a torn write
  EXPECT_GE(h.dump().size(), 10u);
}

TEST(FaultDisk, ReadOnlyStoreFolderBeforeTheRun) {
  const fs::path dir = scratch() / "rostore";
  const Mount m(dir, dir.c_str(), nullptr, MS_BIND, nullptr);
  if (!m.ok || ::mount(nullptr, dir.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0)
    GTEST_SKIP() << "cannot make a read-only bind mount here (needs root with CAP_SYS_ADMIN)";
  const fs::path store = dir / "store.sqlite";
  expect_one_error_line(run("reproduce " + kExperiment + " --store " + store.string()), dir.string());
  EXPECT_FALSE(fs::exists(store));
}

// ---- errors that must be raised ----
// Covered above: a garbage or half store file, a corrupted or NULL row (std::invalid_argument from
// ResultsStore::find), an IDX or gzip file cut mid-record, a digits line cut mid-line, ENOSPC on
// --json and on the store, a read-only folder under --json and --store: each exit 2, one line.

}  // namespace
