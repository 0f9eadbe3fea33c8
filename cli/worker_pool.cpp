#include "cli/worker_pool.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/write_all.hpp"
#include "core/assert.hpp"

namespace unwedge::cli {
// The profile runtime of source-coverage builds (-fprofile-instr-generate,
// scripts/coverage.sh) writes its counters at exit, which a worker never
// reaches: it ends in _exit or is killed by its parent. Weak, so builds
// without the runtime link and see null.
extern "C" int __llvm_profile_write_file(void) __attribute__((weak));
extern "C" void __llvm_profile_reset_counters(void) __attribute__((weak));

namespace {

// Adds what this process has run since the last call to its coverage
// profile (merged into the file by the %m pattern), then starts counting
// afresh; a no-op outside coverage builds. Called at a child's start, so
// the counts it inherited from its parent are not written twice.
void flush_coverage_profile(bool write) {
  if (__llvm_profile_write_file == nullptr || __llvm_profile_reset_counters == nullptr) return;
  if (write) __llvm_profile_write_file();
  __llvm_profile_reset_counters();
}

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Lines a worker reads are short; a result carries a run's coverage and a
// failing run's timeline (both bounded, tens of kilobytes), and the bound
// only stops a runaway worker.
constexpr std::size_t kLineBytesMax = std::size_t{1} << 24;
constexpr std::size_t kReadChunkBytes = 4096;

// One line from a blocking descriptor; nullopt at end of file.
std::optional<std::string> read_line(int fd, std::string& buffer) {
  for (;;) {
    if (std::size_t end = buffer.find('\n'); end != std::string::npos) {
      std::string line = buffer.substr(0, end);
      buffer.erase(0, end + 1);
      return line;
    }
    if (buffer.size() > kLineBytesMax) return std::nullopt;
    char chunk[kReadChunkBytes];
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
}

std::optional<std::uint64_t> parse_index(std::string_view text) {
  std::uint64_t value = 0;
  auto [stop, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || stop != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string describe_status(int status) {
  if (WIFSIGNALED(status)) {
    const int signal_number = WTERMSIG(status);
    const char* name = ::strsignal(signal_number);
    return fmt::format("signal {}, {}", signal_number, name != nullptr ? name : "unknown");
  }
  if (WIFEXITED(status)) return fmt::format("exit status {}", WEXITSTATUS(status));
  return fmt::format("wait status {}", status);
}

int reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// In a fresh child: interruptions are the parent's to handle, and a child
// never outlives its parent.
void become_child(pid_t parent) {
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGTERM, SIG_IGN);
  std::signal(SIGHUP, SIG_IGN);
  std::signal(SIGPIPE, SIG_DFL);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(1);  // the parent died before prctl
}

}  // namespace

WorkerPool::WorkerPool(std::uint32_t jobs, milliseconds run_wall_max, RunItem run)
    : jobs_(jobs), run_wall_max_(run_wall_max), run_(std::move(run)), workers_(jobs) {
  UNWEDGE_ASSERT(jobs >= 1);
  UNWEDGE_ASSERT(run_wall_max.count() > 0);
  UNWEDGE_ASSERT(run_ != nullptr);
}

WorkerPool::~WorkerPool() {
  stop();
}

std::uint32_t WorkerPool::idle() const {
  return static_cast<std::uint32_t>(std::count_if(
      workers_.begin(), workers_.end(), [](const Worker& w) { return !w.index.has_value(); }));
}

void WorkerPool::close_inherited_pipes(const Worker* keep) const {
  for (const Worker& other : workers_) {
    if (&other == keep) continue;
    if (other.to_worker >= 0) ::close(other.to_worker);
    if (other.from_worker >= 0) ::close(other.from_worker);
  }
}

void WorkerPool::spawn(Worker& worker) {
  UNWEDGE_ASSERT(worker.pid < 0);
  int down[2];  // parent -> worker
  int up[2];    // worker -> parent
  const int down_made = ::pipe2(down, O_CLOEXEC);
  UNWEDGE_ASSERT_MSG(down_made == 0, "pipe: {}", std::strerror(errno));
  const int up_made = ::pipe2(up, O_CLOEXEC);
  UNWEDGE_ASSERT_MSG(up_made == 0, "pipe: {}", std::strerror(errno));
  std::fflush(nullptr);  // a child must not write the parent's buffered output again
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  UNWEDGE_ASSERT_MSG(pid >= 0, "fork: {}", std::strerror(errno));
  if (pid == 0) {
    become_child(parent);
    close_inherited_pipes(nullptr);
    ::close(down[1]);
    ::close(up[0]);
    worker_main(down[0], up[1]);
  }
  ::close(down[0]);
  ::close(up[1]);
  ::fcntl(up[0], F_SETFL, ::fcntl(up[0], F_GETFL) | O_NONBLOCK);
  worker.pid = pid;
  worker.to_worker = down[1];
  worker.from_worker = up[0];
  worker.pending.clear();
  ++workers_started_;
}

void WorkerPool::worker_main(int from_parent, int to_parent) {
  std::string buffer;
  flush_coverage_profile(false);
  // Bounded by the parent: it sends one index per item of its campaign.
  while (std::optional<std::string> line = read_line(from_parent, buffer)) {
    std::optional<std::uint64_t> index = parse_index(*line);
    if (!index) ::_exit(3);
    if (!write_all(to_parent, fmt::format("S {}\n", *index))) ::_exit(4);
    std::string result;
    try {
      result = run_(*index);
    } catch (const std::exception& e) {
      // run_ is expected to turn exceptions into results; this is the net.
      std::fprintf(stderr, "worker: item %llu threw: %s\n", static_cast<unsigned long long>(*index),
                   e.what());
      ::_exit(5);
    }
    if (result.find('\n') != std::string::npos) ::_exit(6);
    flush_coverage_profile(true);
    if (!write_all(to_parent, fmt::format("R {}\n", result))) ::_exit(4);
  }
  // _exit: no destructors or atexit handlers of the parent's program run here.
  ::_exit(0);
}

void WorkerPool::dispatch(std::uint64_t index) {
  auto it = std::find_if(workers_.begin(), workers_.end(),
                         [](const Worker& w) { return !w.index.has_value(); });
  UNWEDGE_ASSERT_MSG(it != workers_.end(), "dispatch with all {} workers busy", jobs_);
  if (it->pid < 0) spawn(*it);
  it->index = index;
  it->announced = false;
  it->dispatched_at = Clock::now();
  // A worker that died meanwhile shows as end of file in wait(), which
  // reports this item; a failed write needs nothing more here.
  (void)write_all(it->to_worker, fmt::format("{}\n", index));
}

void WorkerPool::bury(Worker& worker, std::vector<Event>& events, bool timed_out) {
  close_fd(worker.to_worker);
  close_fd(worker.from_worker);
  std::string death;
  if (worker.pid > 0) death = describe_status(reap(worker.pid));
  if (worker.index) {
    events.push_back(
        {.index = *worker.index,
         .result = std::nullopt,
         .death = std::move(death),
         .timed_out = timed_out,
         .announced = worker.announced,
         .wall = std::chrono::duration_cast<milliseconds>(Clock::now() - worker.dispatched_at)});
  }
  worker = Worker{};
}

bool WorkerPool::drain(Worker& worker, std::vector<Event>& events) {
  bool open = true;
  // Bounded: the pipe holds at most what one worker wrote since the last poll.
  while (open) {
    char chunk[kReadChunkBytes];
    const ssize_t n = ::read(worker.from_worker, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n <= 0) open = false;
    if (n > 0) worker.pending.append(chunk, static_cast<std::size_t>(n));
  }
  for (std::size_t end; (end = worker.pending.find('\n')) != std::string::npos;) {
    std::string line = worker.pending.substr(0, end);
    worker.pending.erase(0, end + 1);
    UNWEDGE_ASSERT_MSG(worker.index.has_value(), "a worker sent '{}' while idle", line);
    if (line.starts_with("S ")) {
      UNWEDGE_ASSERT_MSG(parse_index(std::string_view(line).substr(2)) == worker.index,
                         "a worker announced '{}' while running item {}", line, *worker.index);
      worker.announced = true;
      continue;
    }
    UNWEDGE_ASSERT_MSG(line.starts_with("R "), "a worker sent '{}'", line);
    events.push_back(
        {.index = *worker.index,
         .result = line.substr(2),
         .announced = worker.announced,
         .wall = std::chrono::duration_cast<milliseconds>(Clock::now() - worker.dispatched_at)});
    worker.index.reset();
  }
  return open && worker.pending.size() <= kLineBytesMax;
}

std::vector<WorkerPool::Event> WorkerPool::wait(milliseconds timeout) {
  std::vector<Event> events;
  std::vector<pollfd> polled;
  std::vector<Worker*> polled_workers;
  Clock::time_point wake = Clock::now() + timeout;
  for (Worker& worker : workers_) {
    if (worker.pid < 0) continue;
    polled.push_back({.fd = worker.from_worker, .events = POLLIN, .revents = 0});
    polled_workers.push_back(&worker);
    if (worker.index) wake = std::min(wake, worker.dispatched_at + run_wall_max_);
  }
  const auto wait_ms = std::chrono::duration_cast<milliseconds>(wake - Clock::now()).count();
  const int ready =
      ::poll(polled.data(), polled.size(), static_cast<int>(std::max<long>(wait_ms, 0)));
  if (ready < 0) return events;  // a signal: the caller looks at why
  for (std::size_t i = 0; i < polled.size(); ++i) {
    if (polled[i].revents == 0) continue;
    if (!drain(*polled_workers[i], events)) bury(*polled_workers[i], events, false);
  }
  const Clock::time_point now = Clock::now();
  for (Worker& worker : workers_) {
    if (worker.index && now - worker.dispatched_at >= run_wall_max_) {
      ::kill(worker.pid, SIGKILL);
      bury(worker, events, true);
    }
  }
  return events;
}

void WorkerPool::stop() {
  for (Worker& worker : workers_) {
    if (worker.pid > 0) ::kill(worker.pid, SIGKILL);
  }
  for (Worker& worker : workers_) {
    if (worker.pid > 0) reap(worker.pid);
    close_fd(worker.to_worker);
    close_fd(worker.from_worker);
    worker = Worker{};
  }
}

std::optional<int> WorkerPool::run_isolated(const std::function<int()>& body,
                                            milliseconds wall_max) {
  std::fflush(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  UNWEDGE_ASSERT_MSG(pid >= 0, "fork: {}", std::strerror(errno));
  if (pid == 0) {
    become_child(parent);
    close_inherited_pipes(nullptr);
    flush_coverage_profile(false);
    int code = 1;
    try {
      code = body();
    } catch (const std::exception&) {
      code = 1;
    }
    flush_coverage_profile(true);
    ::_exit(code);
  }
  const Clock::time_point deadline = Clock::now() + wall_max;
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return std::nullopt;
    }
    if (Clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      reap(pid);
      return std::nullopt;
    }
    ::usleep(10'000);
  }
}

}  // namespace unwedge::cli
