// Coverage probes: named markers in production code that say "this branch
// happened".
//
// UNWEDGE_PROBE("failover.no_caught_up_standby") costs one relaxed atomic
// increment. Every probe site registers itself before main() runs, so a
// report can list the probes that were never hit as well as the ones that
// were. The simulator resets the counts before a run and reads them after.
//
// Counts are process-wide: probes are the one deliberate global in core/,
// because threading a registry through every function would put simulation
// plumbing into production signatures. Simulated runs are single-threaded
// per process, so per-run counts stay exact.
//
//   if (candidates.empty()) {
//     UNWEDGE_PROBE("failover.no_caught_up_standby");
//     return StepResult::end("no standby holds every acknowledged write");
//   }
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace unwedge::core {

// A string literal usable as a template argument.
template <std::size_t N>
struct ProbeLiteral {
  char text[N];
  constexpr ProbeLiteral(const char (&literal)[N]) {  // NOLINT(google-explicit-constructor)
    std::copy_n(literal, N, text);
  }
};

class ProbeSite {
 public:
  ProbeSite(const char* name, const char* file, int line);
  ProbeSite(const ProbeSite&) = delete;
  ProbeSite& operator=(const ProbeSite&) = delete;

  void hit() { hits_.fetch_add(1, std::memory_order_relaxed); }
  const char* name() const { return name_; }
  const char* file() const { return file_; }
  int line() const { return line_; }
  std::uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  void reset() { hits_.store(0, std::memory_order_relaxed); }
  const ProbeSite* next() const { return next_; }

 private:
  friend class ProbeRegistry;
  const char* name_;
  const char* file_;
  int line_;
  std::atomic<std::uint64_t> hits_{0};
  ProbeSite* next_ = nullptr;
};

struct ProbeCount {
  std::string name;
  std::string file;
  int line = 0;
  std::uint64_t hits = 0;

  friend bool operator==(const ProbeCount&, const ProbeCount&) = default;
};

// Every probe site in the program.
class ProbeRegistry {
 public:
  static ProbeRegistry& instance();

  void add(ProbeSite& site);
  void reset();
  // Sorted by name, then file and line: deterministic whatever the link order.
  std::vector<ProbeCount> counts() const;

 private:
  ProbeSite* head_ = nullptr;
};

template <ProbeLiteral Name, ProbeLiteral File, int Line>
inline ProbeSite probe_site{Name.text, File.text, Line};

}  // namespace unwedge::core

#define UNWEDGE_PROBE(name) (::unwedge::core::probe_site<name, __FILE__, __LINE__>.hit())
