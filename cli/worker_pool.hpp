// Worker processes: J children forked from this process, each running the
// items the parent hands it, one at a time, so a run that crashes its process
// (a segfault, an abort, the OOM killer) takes down only its worker. The
// parent learns which item a worker was running, records the death as that
// item's result and starts a new worker on the next dispatch.
//
// A worker announces each item before it starts it ("S <index>") and sends
// its result as one line ("R <text>"); the parent never runs an item itself.
// Workers ignore SIGINT, SIGTERM and SIGHUP (the parent decides what an interruption
// means), and die with the parent (PR_SET_DEATHSIG) or when their pipe closes.
//
//   WorkerPool pool(4, std::chrono::minutes(10), [&](std::uint64_t i) { return run(i); });
//   pool.dispatch(0);
//   for (WorkerPool::Event& e : pool.wait(std::chrono::milliseconds(200))) record(e);
//
// Not thread-safe; the parent is single-threaded, which is what makes fork
// safe here.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace unwedge::cli {

class WorkerPool {
 public:
  // Runs one item inside a worker and returns its result as one line of text
  // without a newline. Called only in worker processes.
  using RunItem = std::function<std::string(std::uint64_t index)>;

  struct Event {
    std::uint64_t index = 0;
    std::optional<std::string> result;  // the worker's line; nullopt: no result
    // Why there is no result: "signal 11, Segmentation fault", "exit status 3".
    std::string death;
    bool timed_out = false;  // no result within the wall-time limit; the worker was killed
    bool announced = false;  // the worker had said it started the item
    std::chrono::milliseconds wall{0};
  };

  WorkerPool(std::uint32_t jobs, std::chrono::milliseconds run_wall_max, RunItem run);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  std::uint32_t idle() const;
  std::uint32_t busy() const { return jobs_ - idle(); }
  // Hands the item to an idle worker, starting one if needed.
  void dispatch(std::uint64_t index);
  // Waits up to `timeout` for results and deaths (less when a signal
  // arrives); each dispatched item gets exactly one event unless stop() ends
  // it first.
  std::vector<Event> wait(std::chrono::milliseconds timeout);
  // Kills and reaps every worker; items in flight get no event.
  void stop();
  std::uint64_t workers_started() const { return workers_started_; }

  // Runs `body` in a child process of its own (closing the workers' pipes
  // there) and returns its exit status, or nullopt if it died or took longer
  // than `wall_max`. For work that may crash, done outside the workers.
  std::optional<int> run_isolated(const std::function<int()>& body,
                                  std::chrono::milliseconds wall_max);

 private:
  struct Worker {
    pid_t pid = -1;
    int to_worker = -1;                  // the parent writes indices here
    int from_worker = -1;                // and reads announcements and results here
    std::string pending;                 // bytes read, not yet a whole line
    std::optional<std::uint64_t> index;  // the item it runs
    bool announced = false;
    std::chrono::steady_clock::time_point dispatched_at;
  };

  void spawn(Worker& worker);
  [[noreturn]] void worker_main(int from_parent, int to_parent);
  void close_inherited_pipes(const Worker* keep) const;
  // Reads what the worker sent; returns false at end of file.
  bool drain(Worker& worker, std::vector<Event>& events);
  void bury(Worker& worker, std::vector<Event>& events, bool timed_out);

  std::uint32_t jobs_;
  std::chrono::milliseconds run_wall_max_;
  RunItem run_;
  std::vector<Worker> workers_;
  std::uint64_t workers_started_ = 0;
};

}  // namespace unwedge::cli
