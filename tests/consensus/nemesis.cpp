// Fault schedules and runs under them (nemesis.hpp).
#include "tests/consensus/nemesis.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "core/assert.hpp"

namespace unwedge::consensus::testing {

std::string describe(const FaultStep& step) {
  const std::string at = fmt::format("{} ms", step.at_us / kMillisecond);
  switch (step.kind) {
    case FaultKind::kPartition:
      return fmt::format("{}: partition by mask {}", at, step.a);
    case FaultKind::kIsolateLeader:
      return fmt::format("{}: isolate the leader", at);
    case FaultKind::kHeal:
      return fmt::format("{}: heal", at);
    case FaultKind::kCrash:
      return fmt::format("{}: crash member index {}", at, step.a);
    case FaultKind::kRestart:
      return fmt::format("{}: restart member index {}", at, step.a);
    case FaultKind::kStepDown:
      return fmt::format("{}: the leader steps down", at);
    case FaultKind::kSlowLinks:
      return fmt::format("{}: slow links", at);
    case FaultKind::kLossyLinks:
      return fmt::format("{}: lossy links", at);
    case FaultKind::kNormalLinks:
      return fmt::format("{}: normal links", at);
    case FaultKind::kClockJump:
      return fmt::format("{}: clock jump on member index {} ({})", at, step.a, step.b);
    case FaultKind::kCutClient:
      return fmt::format("{}: cut client {} from member index {}", at, step.a, step.b);
  }
  return "?";
}

void apply(Cluster& cluster, const FaultStep& step) {
  const std::uint32_t n = cluster.size();
  const auto member = static_cast<MemberId>(step.a % n);
  switch (step.kind) {
    case FaultKind::kPartition: {
      // A proper, non-empty subset of the members on one side.
      const std::uint32_t mask = 1 + step.a % ((1u << n) - 2);
      std::vector<MemberId> side_a;
      std::vector<MemberId> side_b;
      for (MemberId id = 0; id < n; ++id)
        ((mask >> id) & 1u ? side_a : side_b).push_back(id);
      cluster.partition({side_a, side_b});
      return;
    }
    case FaultKind::kIsolateLeader:
      if (auto leader = cluster.leader()) cluster.isolate(*leader);
      return;
    case FaultKind::kHeal:
      cluster.heal();
      return;
    case FaultKind::kCrash:
      cluster.crash(member);
      return;
    case FaultKind::kRestart:
      cluster.restart(member);
      return;
    case FaultKind::kStepDown:
      if (auto leader = cluster.leader()) cluster.step_down(*leader);
      return;
    case FaultKind::kSlowLinks:
      cluster.set_links(50 * kMillisecond, 400 * kMillisecond, 0, 0);
      return;
    case FaultKind::kLossyLinks:
      cluster.set_links(1 * kMillisecond, 30 * kMillisecond, 100'000, 100'000);
      return;
    case FaultKind::kNormalLinks:
      cluster.set_links(1 * kMillisecond, 5 * kMillisecond, 0, 0);
      return;
    case FaultKind::kClockJump: {
      const TimeUs jump_us = static_cast<TimeUs>(step.b % 3000) * kMillisecond;
      cluster.jump_clock(member, step.b % 2 == 0 ? jump_us : -jump_us);
      return;
    }
    case FaultKind::kCutClient:
      cluster.cut_client(step.a % cluster.clients(), static_cast<MemberId>(step.b % n));
      return;
  }
}

std::vector<FaultStep> random_faults(SeededRandom& random, std::size_t count, TimeUs safety_us) {
  std::vector<FaultStep> steps;
  for (std::size_t i = 0; i < count; ++i) {
    steps.push_back(
        FaultStep{.at_us = static_cast<TimeUs>(random.below(static_cast<std::uint64_t>(safety_us))),
                  .kind = static_cast<FaultKind>(random.below(kFaultKinds)),
                  .a = static_cast<std::uint32_t>(random.below(1000)),
                  .b = static_cast<std::uint32_t>(random.below(1000))});
  }
  return steps;
}

RunOutcome run_plan(const RunPlan& plan, const CheckLimits& limits) {
  Cluster cluster(plan.cluster);
  std::vector<FaultStep> faults = plan.faults;
  std::stable_sort(faults.begin(), faults.end(),
                   [](const FaultStep& x, const FaultStep& y) { return x.at_us < y.at_us; });
  cluster.start_workload();
  for (const FaultStep& step : faults) {
    UNWEDGE_ASSERT_LE(0, step.at_us);
    cluster.run_until(std::min(step.at_us, plan.safety_us));
    apply(cluster, step);
  }
  cluster.run_until(plan.safety_us);

  // Heal: every link, every member, normal delays. Clock offsets stay:
  // the store must not need clocks to agree.
  RunOutcome outcome;
  outcome.healed_us = cluster.now_us();
  cluster.heal();
  cluster.set_links(plan.cluster.delay_min_us, plan.cluster.delay_max_us, 0, 0);
  for (MemberId id = 0; id < cluster.size(); ++id)
    cluster.restart(id);
  cluster.run_until(outcome.healed_us + plan.liveness_us);
  cluster.drain();

  outcome.history = cluster.history();
  outcome.safety_violations = cluster.safety_violations();
  outcome.transcript = cluster.transcript();
  outcome.progressed = true;
  for (ClientId client = 0; client < plan.cluster.clients; ++client) {
    const bool done = std::any_of(outcome.history.operations.begin(),
                                  outcome.history.operations.end(), [&](const HistoryOp& op) {
                                    return op.request.client == client &&
                                           op.invoke_us >= outcome.healed_us &&
                                           op.complete_us.has_value();
                                  });
    if (!done) {
      outcome.progressed = false;
      outcome.progress_note += fmt::format("client {} completed nothing after the heal; ", client);
    }
  }
  outcome.check = check_linearizability(outcome.history, limits);
  return outcome;
}

}  // namespace unwedge::consensus::testing
