#pragma once
// How `regcheck reproduce` trains its planned runs and `regcheck verify` checks its claims: the
// executor gets the indices of the tasks (runs, claims) in the order it should hand them out, a
// function that performs one and returns its result as JSON (nullopt when a signal arrived), and
// a function that keeps a finished result (only ever called in the process that reports: the
// one owning the results store, rank 0). The serial executor performs them in order; the MPI one
// (app/mpi_executor.cpp, built with -DREGCHECK_MPI=ON) spreads them over ranks with a dynamic
// queue, rank 0 the only writer. One MPI queue serves both commands: reproduce's RunRecord and
// verify's ClaimResult each travel as their JSON (run_record_json below; claims::to_json and
// from_json of claim.hpp). The analysis after the tasks is the same for both executors.
#include "claims/core/experiment.hpp"

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace regcheck::app {

// The signal (SIGINT/SIGTERM) that interrupted `regcheck reproduce`, 0 while none arrived.
extern volatile std::sig_atomic_t g_reproduce_signal;

// Performs task i, calling between_steps() now and then (reproduce: after each epoch); returns
// its result as JSON, nullopt when a signal arrived. May be called on a thread other than the
// main one (MPI rank 0); keep is always on the main thread.
using RunTask = std::function<std::optional<nlohmann::json>(std::size_t i, const std::function<void()>& between_steps)>;
using KeepTask = std::function<void(std::size_t, nlohmann::json&&)>;

// reproduce's tasks: trains run i (as RunTask, with a RunRecord).
using TrainRun = std::function<std::optional<claims::RunRecord>(std::size_t i, const std::function<void()>& between_epochs)>;
using KeepRun = std::function<void(std::size_t, claims::RunRecord&&)>;

// A RunRecord as the JSON a worker rank sends, and back (every field, exactly: numbers stay
// doubles/integers in nlohmann::json, whose text form round-trips doubles).
inline nlohmann::json run_record_json(const claims::RunRecord& r) {
  return {{"arm", r.arm}, {"seed", r.seed}, {"final", r.final}, {"history", r.history}, {"seconds", r.seconds}};
}
inline claims::RunRecord run_record_from_json(const nlohmann::json& j) {
  claims::RunRecord r;
  r.arm = j.at("arm").get<std::string>(), r.seed = j.at("seed").get<std::uint64_t>();
  r.final = j.at("final"), r.history = j.at("history"), r.seconds = j.at("seconds").get<double>();
  return r;
}

class RunExecutor {
 public:
  virtual ~RunExecutor() = default;
  // False in an MPI worker rank: it performs what rank 0 sends, writes nothing and prints no report.
  virtual bool owns_store() const { return true; }
  // Processes working at once (1 for the serial executor; MPI: the ranks, rank 0 included).
  virtual int ranks() const { return 1; }
  // Of those, the ones on this machine (MPI: the ranks sharing this node's memory).
  virtual int local_ranks() const { return 1; }
  // Performs `todo`; returns false when interrupted (a signal: the results kept so far stay kept).
  virtual bool execute_tasks(const std::vector<std::size_t>& todo, const RunTask& run, const KeepTask& keep) = 0;
  // Ends the job after an interruption (MPI: aborts the other ranks, which may be mid-run).
  virtual void abort(int code) {}

  // reproduce: the runs as tasks (RunRecord <-> JSON).
  bool execute(const std::vector<std::size_t>& todo, const TrainRun& train, const KeepRun& keep) {
    return execute_tasks(
        todo,
        [&train](std::size_t i, const std::function<void()>& between) -> std::optional<nlohmann::json> {
          std::optional<claims::RunRecord> r = train(i, between);
          if (!r) return std::nullopt;
          return run_record_json(*r);
        },
        [&keep](std::size_t i, nlohmann::json&& j) { keep(i, run_record_from_json(j)); });
  }
};

class SerialExecutor final : public RunExecutor {
 public:
  bool execute_tasks(const std::vector<std::size_t>& todo, const RunTask& run, const KeepTask& keep) override {
    for (std::size_t i : todo) {
      std::optional<nlohmann::json> r = run(i, [] {});
      if (!r) return false;
      keep(i, std::move(*r));
    }
    return true;
  }
};

#ifdef REGCHECK_MPI
// The MPI executor when this process was started by mpirun (OMPI_COMM_WORLD_SIZE or PMIX_RANK
// set); nullptr otherwise (the caller then runs serially). Initializes MPI; finalizes it at exit.
std::unique_ptr<RunExecutor> make_mpi_executor();
// True in an MPI rank other than 0 (from mpirun's environment, before MPI starts).
bool is_mpi_worker();
// True when mpirun started this process (from its environment, before MPI starts).
bool started_by_mpirun();
#endif

}  // namespace regcheck::app
