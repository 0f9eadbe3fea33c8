// Fault schedules for the consensus store's tests, and one run of a store
// under such a schedule in the manner of Jepsen and FoundationDB: a safety
// phase with faults and a client workload, then everything healed, restarted
// and given a liveness phase, then the clients drained and the history
// checked.
//
//   RunPlan plan{.cluster = {.seed = 7, .clients = 3},
//                .faults = {{.at_us = 1 * kSecond, .kind = FaultKind::kIsolateLeader}}};
//   RunOutcome outcome = run_plan(plan);
//   EXPECT_EQ(outcome.check.verdict, Verdict::kLinearizable) << outcome.check.explanation;
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tests/consensus/cluster.hpp"

namespace unwedge::consensus::testing {

enum class FaultKind : std::uint8_t {
  kPartition,      // members split in two by the bits of `a`
  kIsolateLeader,  // the current leader cut from every other member
  kHeal,           // every link back
  kCrash,          // member a
  kRestart,        // member a
  kStepDown,       // the current leader deposed (a nemesis's leader change)
  kSlowLinks,      // 50-400 ms per message: commits slower than elections
  kLossyLinks,     // 10% lost, 10% duplicated, reordered
  kNormalLinks,
  kClockJump,  // member a's clock moves by up to +-3 s (from b)
  kCutClient,  // client a cannot reach member b
};
inline constexpr std::uint32_t kFaultKinds = 11;

struct FaultStep {
  TimeUs at_us = 0;
  FaultKind kind = FaultKind::kHeal;
  std::uint32_t a = 0;
  std::uint32_t b = 0;
};

std::string describe(const FaultStep& step);
void apply(Cluster& cluster, const FaultStep& step);
// `count` faults drawn uniformly over [0, safety_us).
std::vector<FaultStep> random_faults(SeededRandom& random, std::size_t count, TimeUs safety_us);

struct RunPlan {
  ClusterOptions cluster;
  std::vector<FaultStep> faults;
  TimeUs safety_us = 5 * kSecond;
  TimeUs liveness_us = 3 * kSecond;
};

struct RunOutcome {
  History history;
  CheckResult check;
  std::vector<std::string> safety_violations;
  // Every client completed an operation it began after the heal.
  bool progressed = false;
  std::string progress_note;  // which client did not
  std::string transcript;
  TimeUs healed_us = 0;
};

RunOutcome run_plan(const RunPlan& plan, const CheckLimits& limits = {});

}  // namespace unwedge::consensus::testing
