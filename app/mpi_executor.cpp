// The MPI executor of `regcheck reproduce` and `regcheck verify` (compiled only with
// -DREGCHECK_MPI=ON): rank 0 owns the results (reproduce's store, verify's table and JSON) and a
// queue of task indices (runs or claims, longest estimated first); every other rank asks for a
// task, performs it and sends the result back as JSON text ({"index": i, "result": ...}); rank 0
// keeps it (store.put, a table row) and hands out the next index, or STOP when the queue is empty.
// Rank 0 performs tasks from the same queue too, on a second thread, so N ranks work on N tasks at
// a time and a worker never waits for rank 0's task to end. Waiting is polled with 2 ms sleeps (MPI_Iprobe), not
// MPI_Recv, whose busy-polling would take a core from the trainers on a shared machine. Only
// the main thread calls MPI (MPI_THREAD_FUNNELED is enough).
//
// A rank that dies (kill -9, out of memory) ends the job with OpenMPI's default error handler;
// every run rank 0 received before is already committed, so rerunning the same command trains
// only the missing runs. Test-only hook: REGCHECK_TEST_MPI_DIE_AFTER=K makes rank 1 kill itself
// with SIGKILL after the first epoch of its (K+1)-th run.
#include "app/run_executor.hpp"

#include <mpi.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>

namespace regcheck::app {

namespace {

enum Tag : int { kReady = 1, kResult = 2, kRun = 3, kStop = 4 };

void nap() { std::this_thread::sleep_for(std::chrono::milliseconds(2)); }

// Waits (polling) for a message from `source`; returns its status.
MPI_Status poll_probe(int source) {
  MPI_Status st;
  for (int flag = 0;;) {
    MPI_Iprobe(source, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
    if (flag) return st;
    nap();
  }
}

std::string recv_text(const MPI_Status& st) {
  int n = 0;
  MPI_Get_count(&st, MPI_CHAR, &n);
  std::string s(static_cast<std::size_t>(n), '\0');
  MPI_Recv(s.data(), n, MPI_CHAR, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return s;
}

void send_text(const std::string& s, int dest, int tag) {
  MPI_Send(s.data(), static_cast<int>(s.size()), MPI_CHAR, dest, tag, MPI_COMM_WORLD);
}

class MpiExecutor final : public RunExecutor {
 public:
  MpiExecutor() {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  // MPI_Finalize waits for every rank; when this rank leaves before its part was done (an error
  // such as an unwritable --store on rank 0, or an exception while training), it would wait for
  // ranks that wait for it, so it aborts the job instead (exit code 2, as for bad usage).
  ~MpiExecutor() override {
    if (!done_ && size_ > 1) {
      std::fprintf(stderr, "regcheck: error: MPI rank %d stopped before its runs were done (error above or below); aborting the job\n", rank_);
      std::fflush(stderr);
      MPI_Abort(MPI_COMM_WORLD, 2);
    }
    MPI_Finalize();
  }
  bool owns_store() const override { return rank_ == 0; }
  int ranks() const override { return size_; }
  int local_ranks() const override {
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
    int n = 1;
    MPI_Comm_size(node, &n);
    MPI_Comm_free(&node);
    return n;
  }
  void abort(int code) override {
    if (size_ > 1) MPI_Abort(MPI_COMM_WORLD, code);
  }

  bool execute_tasks(const std::vector<std::size_t>& todo, const RunTask& train, const KeepTask& keep) override {
    const bool ok = rank_ == 0 ? lead(todo, train, keep) : work(train);
    done_ = true;
    return ok;
  }

 private:
  // Rank 0: hands out the queue and keeps every result on this (the main) thread, the only one
  // calling MPI; its own runs, from the same queue, train on a second thread meanwhile.
  bool lead(const std::vector<std::size_t>& todo, const RunTask& train, const KeepTask& keep) {
    std::deque<std::size_t> queue(todo.begin(), todo.end());
    int active = size_ - 1;  // workers not yet sent STOP
    auto serve = [&] {
      MPI_Status st;
      for (int flag = 1; active > 0;) {
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
        if (!flag) return;
        const std::string text = recv_text(st);
        if (st.MPI_TAG == kResult) {
          nlohmann::json j = nlohmann::json::parse(text);
          keep(j.at("index").get<std::size_t>(), std::move(j.at("result")));
        }
        if (queue.empty() || g_reproduce_signal) {
          send_text("", st.MPI_SOURCE, kStop);
          --active;
        } else {
          const std::uint64_t i = queue.front();
          queue.pop_front();
          MPI_Send(&i, 1, MPI_UINT64_T, st.MPI_SOURCE, kRun, MPI_COMM_WORLD);
        }
      }
    };
    std::future<std::optional<nlohmann::json>> local;
    std::size_t local_i = 0;
    auto start_local = [&] {
      if (queue.empty() || g_reproduce_signal) return;
      local_i = queue.front();
      queue.pop_front();
      local = std::async(std::launch::async, [&train, i = local_i] { return train(i, [] {}); });
    };
    for (start_local();;) {
      serve();
      if (local.valid() && local.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
        std::optional<nlohmann::json> r = local.get();
        if (!r) return false;  // a signal: the run in flight is dropped
        keep(local_i, std::move(*r));
        start_local();
        continue;
      }
      if (!local.valid() && (active == 0 || g_reproduce_signal)) return !g_reproduce_signal;
      nap();
    }
  }

  // A worker: asks for tasks until STOP.
  bool work(const RunTask& train) {
    const char* die = std::getenv("REGCHECK_TEST_MPI_DIE_AFTER");
    const long die_after = die && rank_ == 1 ? std::atol(die) : -1;
    long sent = 0;
    send_text("", 0, kReady);
    for (;;) {
      const MPI_Status st = poll_probe(0);
      if (st.MPI_TAG == kStop) {
        recv_text(st);
        return true;
      }
      std::uint64_t i = 0;
      MPI_Recv(&i, 1, MPI_UINT64_T, 0, kRun, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      std::optional<nlohmann::json> r = train(i, [&] {
        if (sent == die_after) std::raise(SIGKILL);  // the test hook: dies mid-run
      });
      if (!r) return false;
      const nlohmann::json j = {{"index", i}, {"result", std::move(*r)}};
      send_text(j.dump(), 0, kResult);
      ++sent;
    }
  }

  int rank_ = 0, size_ = 1;
  bool done_ = false;
};

}  // namespace

namespace {
const char* env_rank() {
  for (const char* v : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"})
    if (const char* r = std::getenv(v)) return r;
  return nullptr;
}
}  // namespace

std::unique_ptr<RunExecutor> make_mpi_executor() {
  if (!env_rank()) return nullptr;
  auto e = std::make_unique<MpiExecutor>();
  if (e->owns_store() == is_mpi_worker())  // the environment's rank decided who opened the store
    throw std::logic_error(fmt::format("MPI rank {} differs from the launcher's rank {}", e->owns_store() ? 0 : -1, env_rank()));
  return e;
}

bool started_by_mpirun() { return env_rank() != nullptr; }

bool is_mpi_worker() {
  const char* r = env_rank();
  return r && std::string(r) != "0";
}

}  // namespace regcheck::app
