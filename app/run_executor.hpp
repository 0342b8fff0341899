#pragma once
// How `regcheck reproduce` trains its planned runs: the executor gets the indices of the runs to
// train (in the order it should hand them out), a function that trains one (nullopt when a
// signal arrived) and a function that keeps a finished run (store.put: only ever called in the
// process that owns the results store). The serial executor trains them in order; the MPI one
// (app/mpi_executor.cpp, built with -DREGCHECK_MPI=ON) spreads them over ranks with a dynamic
// queue, rank 0 the only writer. The analysis after the runs is the same for both.
#include "claims/core/experiment.hpp"

#include <csignal>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace regcheck::app {

// Trains run i, calling between_epochs() after each epoch; nullopt when a signal arrived. May be
// called on a thread other than the main one (MPI rank 0); keep is always on the main thread.
// The signal (SIGINT/SIGTERM) that interrupted `regcheck reproduce`, 0 while none arrived.
extern volatile std::sig_atomic_t g_reproduce_signal;

using TrainRun = std::function<std::optional<claims::RunRecord>(std::size_t i, const std::function<void()>& between_epochs)>;
using KeepRun = std::function<void(std::size_t, claims::RunRecord&&)>;

class RunExecutor {
 public:
  virtual ~RunExecutor() = default;
  // False in an MPI worker rank: it trains what rank 0 sends, writes nothing and prints no report.
  virtual bool owns_store() const { return true; }
  // Processes training at once (1 for the serial executor; MPI: the ranks, rank 0 included).
  virtual int ranks() const { return 1; }
  // Trains `todo`; returns false when interrupted (a signal: the runs kept so far stay kept).
  virtual bool execute(const std::vector<std::size_t>& todo, const TrainRun& train, const KeepRun& keep) = 0;
  // Ends the job after an interruption (MPI: aborts the other ranks, which may be mid-run).
  virtual void abort(int code) {}
};

class SerialExecutor final : public RunExecutor {
 public:
  bool execute(const std::vector<std::size_t>& todo, const TrainRun& train, const KeepRun& keep) override {
    for (std::size_t i : todo) {
      std::optional<claims::RunRecord> r = train(i, [] {});
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
#endif

}  // namespace regcheck::app
