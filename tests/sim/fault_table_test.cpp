// The table of fault kinds (sim/faults.hpp) is the one description every
// reader of faults follows: walking every kind, the swarm draws it, the
// fuzz encoding decodes it, the in-run nemesis draws it and the scenario
// reader takes it exactly as its entry says, and the simulator starts and
// heals it. A kind missing from any of them fails here.
#include <algorithm>
#include <cstdint>
#include <fmt/format.h>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "seam/registry.hpp"
#include "sim/faults.hpp"
#include "sim/fleet.hpp"
#include "sim/scenario_from_bytes.hpp"
#include "sim/scenario_yaml.hpp"
#include "sim/simulation.hpp"
#include "sim/swarm.hpp"

namespace unwedge::sim {
namespace {

using core::kHour;
using core::kMinute;
using core::kSecond;

bool is_crash_point(const std::string& name) {
  return std::find(std::begin(kCrashPointNames), std::end(kCrashPointNames), name) !=
         std::end(kCrashPointNames);
}

// What in `spec` its kind's entry does not allow; empty when it fits.
std::string misfit(const FaultSpec& spec) {
  const FaultKindInfo& k = info(spec.kind);
  switch (k.targets) {
    case FaultTargetClass::kFleet:
    case FaultTargetClass::kStore:
      if (!spec.targets.empty()) return "targets on a fleet-wide or store-wide kind";
      break;
    case FaultTargetClass::kCrashPoint:
      if (spec.targets.size() != 1 || !is_crash_point(spec.targets[0])) return "no crash point";
      break;
    default:
      if (spec.targets.empty()) return "no targets";
      break;
  }
  if (spec.others.empty() != (k.others == FaultOthers::kNone)) return "others against the entry";
  if (k.amount.unit == FaultUnit::kNone && spec.amount != 0) return "an amount it takes none of";
  if (spec.amount < k.amount.low || spec.amount > k.amount.high) {
    return fmt::format("amount {} outside [{}, {}]", spec.amount, k.amount.low, k.amount.high);
  }
  if (k.lasts != (spec.duration_us > 0)) return "a duration against the entry";
  return "";
}

std::string misfit_drawn(const FaultSpec& spec) {
  const FaultKindInfo& k = info(spec.kind);
  if (std::string wrong = misfit(spec); !wrong.empty()) return wrong;
  const std::int64_t magnitude = k.drawn.amount == FaultDrawnAmount::kEitherSign
                                     ? std::max(spec.amount, -spec.amount)
                                     : spec.amount;
  if (k.drawn.amount != FaultDrawnAmount::kNone &&
      (magnitude < k.drawn.amount_low || magnitude > k.drawn.amount_high)) {
    return fmt::format("drawn amount {} outside [{}, {}]", spec.amount, k.drawn.amount_low,
                       k.drawn.amount_high);
  }
  if (k.lasts && spec.duration_us < 10 * kSecond) return "a drawn duration under 10 s";
  return "";
}

// The plane a kind is walked with: the reference plane, or for the store's
// kinds one whose fleet runs a store (tests/sim/coordination_test.cpp).
std::string plane_for(const FaultKindInfo& k) {
  return needs_store(k) ? "racer" : "postgres";
}

// Written to a file and read back, a scenario is the same scenario: the
// reader accepts every fault the generators made (its targets among them).
void expect_round_trip(const Scenario& scenario) {
  core::Result<Scenario> again = parse_scenario(to_yaml(scenario), "again.yaml");
  ASSERT_TRUE(again.ok()) << again.error().message << "\n" << to_yaml(scenario);
  Scenario expected = scenario;
  expected.source = "again.yaml";
  EXPECT_EQ(*again, expected) << to_yaml(scenario);
}

TEST(FaultTable, EveryKindIsDescribedOnceAndCompletely) {
  ASSERT_EQ(fault_kinds().size(), kFaultKindCount);
  for (std::size_t i = 0; i < kFaultKindCount; ++i) {
    const FaultKindInfo& k = fault_kinds()[i];
    EXPECT_EQ(static_cast<std::size_t>(k.kind), i) << k.name;
    EXPECT_EQ(&info(k.kind), &k) << k.name;
    const bool takes_amount = k.amount.unit != FaultUnit::kNone;
    EXPECT_EQ(takes_amount, k.drawn.amount != FaultDrawnAmount::kNone) << k.name;
    EXPECT_LE(k.amount.low, k.amount.high) << k.name;
    if (k.amount.required) {
      EXPECT_FALSE(k.amount.example.empty()) << k.name;
    }
    EXPECT_EQ(k.lasts, k.drawn.duration_mean_us > 0) << k.name;
    if (k.others != FaultOthers::kNone) {
      EXPECT_EQ(k.targets, FaultTargetClass::kEndpoints) << k.name;
    }
    if (!takes_amount) continue;
    const std::int64_t drawn_low =
        k.drawn.amount == FaultDrawnAmount::kEitherSign ? -k.drawn.amount_high : k.drawn.amount_low;
    EXPECT_LE(k.amount.low, drawn_low) << k.name;
    EXPECT_LE(k.drawn.amount_low, k.drawn.amount_high) << k.name;
    EXPECT_LE(k.drawn.amount_high, k.amount.high) << k.name;
    EXPECT_GT(k.encoded.amount_scale, 0) << k.name;
    EXPECT_LE(k.amount.low, k.encoded.amount_low * k.encoded.amount_scale) << k.name;
    EXPECT_LE(k.encoded.amount_low, k.encoded.amount_high) << k.name;
    EXPECT_LE(k.encoded.amount_high * k.encoded.amount_scale, k.amount.high) << k.name;
  }
}

TEST(FaultTable, TheSwarmDrawsEveryKindAsItsEntrySays) {
  std::set<FaultKind> seen;
  // The reference plane, then a plane with a consensus store.
  for (const char* plane : {"postgres", "racer"}) {
    ASSERT_TRUE(seam::set_default_plane(plane));
    for (std::uint64_t seed = 1; seed <= 60; ++seed) {
      const Scenario s = swarm_scenario(seed);
      for (const ScheduledFault& f : s.faults) {
        seen.insert(f.spec.kind);
        EXPECT_EQ(misfit_drawn(f.spec), "") << "seed " << seed << ": " << describe(f.spec);
        EXPECT_EQ(f.spec.duration_us % kSecond, 0) << describe(f.spec);
        if (std::string_view(plane) == "postgres") {
          EXPECT_FALSE(needs_store(info(f.spec.kind))) << "a store kind without a store";
        }
      }
      expect_round_trip(s);
    }
  }
  ASSERT_TRUE(seam::set_default_plane("postgres"));
  for (const FaultKindInfo& k : fault_kinds())
    EXPECT_TRUE(seen.contains(k.kind)) << k.name << " was never drawn";
}

TEST(FaultTable, TheFuzzEncodingDecodesEveryKindAsItsEntrySays) {
  std::set<FaultKind> seen;
  for (std::uint64_t i = 1; i <= 600; ++i) {
    // The reference plane, then a plane with a consensus store.
    const std::uint64_t n = i <= 300 ? i : i - 300;
    core::Result<Scenario> s =
        scenario_from_bytes(random_scenario_bytes(n), "input", i <= 300 ? "postgres" : "racer");
    ASSERT_TRUE(s.ok()) << s.error().message;
    for (const ScheduledFault& f : s->faults) {
      const FaultKindInfo& k = info(f.spec.kind);
      seen.insert(k.kind);
      EXPECT_EQ(misfit(f.spec), "") << "input " << n << ": " << describe(f.spec);
      if (k.amount.unit == FaultUnit::kNone) continue;
      EXPECT_EQ(f.spec.amount % k.encoded.amount_scale, 0) << describe(f.spec);
      EXPECT_LE(k.encoded.amount_low, f.spec.amount / k.encoded.amount_scale) << describe(f.spec);
      EXPECT_GE(k.encoded.amount_high, f.spec.amount / k.encoded.amount_scale) << describe(f.spec);
    }
    expect_round_trip(*s);
  }
  for (const FaultKindInfo& k : fault_kinds())
    EXPECT_TRUE(seen.contains(k.kind)) << k.name << " was never decoded";
}

TEST(FaultTable, TheNemesisDrawsEveryKindAsItsEntrySays) {
  core::TimeUs now = 0;
  World w{now};
  w.add_vantage("monitor-a");
  w.add_vantage("monitor-b");
  const std::uint32_t s = w.add_service("db1", true);
  w.add_client(s);
  for (const char* name : {"db1-1", "db1-2"}) {
    const HostIndex h = w.add_host(name, "db1");
    w.hosts[h].state = HostState::kUp;
  }
  w.services[s].target = 0;
  for (const FaultKindInfo& k : fault_kinds()) {
    Rng rng = Rng::stream(7, k.name);
    for (int i = 0; i < 50; ++i) {
      // Beside a store of three members, as a plane with a store runs.
      std::optional<FaultSpec> spec = draw_fault(k.kind, w, rng, 3);
      ASSERT_TRUE(spec.has_value()) << k.name;
      EXPECT_EQ(spec->kind, k.kind);
      EXPECT_EQ(misfit_drawn(*spec), "") << describe(*spec);
    }
  }
}

// A target each class of targets takes, in a fleet of one service db1.
std::vector<std::string> a_target(FaultTargetClass targets) {
  switch (targets) {
    case FaultTargetClass::kEndpoints:
      return {"db1-1"};
    case FaultTargetClass::kServers:
    case FaultTargetClass::kHosts:
      return {"leader:db1"};
    case FaultTargetClass::kClocks:
      return {"monitor-a"};
    case FaultTargetClass::kStoreMembers:
      return {"store:leader"};
    case FaultTargetClass::kFleet:
    case FaultTargetClass::kStore:
      return {};
    case FaultTargetClass::kCrashPoint:
      return {"after_commit"};
  }
  return {};
}

std::string scenario_text(const std::string& entry, const std::string& plane = "postgres") {
  return fmt::format(
      "name: one-fault\ndescription: one fault of a kind\nduration: 2h\ncontrol_plane: {}\n"
      "fleet:\n  services:\n    - {{id: db1, standbys: 1}}\n"
      "timeline:\n  - at: 30m\n{}",
      plane, entry);
}

std::string entry_text(const FaultSpec& spec) {
  std::string out = fmt::format("    fault: {}\n", info(spec.kind).name);
  if (!spec.targets.empty()) out += fmt::format("    targets: [{}]\n", spec.targets[0]);
  if (!spec.others.empty()) out += fmt::format("    others: [{}]\n", spec.others[0]);
  if (spec.duration_us != 0)
    out += fmt::format("    duration: {}\n", format_duration(spec.duration_us));
  return out;
}

std::string amount_text(const FaultKindInfo& k, std::int64_t amount) {
  return fmt::format("    amount: {}\n", k.amount.unit == FaultUnit::kDuration
                                             ? format_duration(amount)
                                             : std::to_string(amount));
}

FaultSpec a_fault(const FaultKindInfo& k) {
  FaultSpec spec{.kind = k.kind, .targets = a_target(k.targets)};
  if (k.others != FaultOthers::kNone) spec.others = {"monitors"};
  if (k.lasts) spec.duration_us = 5 * kMinute;
  return spec;
}

std::string error_of(const std::string& yaml) {
  core::Result<Scenario> parsed = parse_scenario(yaml, "x.yaml");
  return parsed ? std::string("(parsed)") : parsed.error().message;
}

TEST(FaultTable, EachKindRoundTripsThroughAScenarioFileAtBothEndsOfItsAmount) {
  for (const FaultKindInfo& k : fault_kinds()) {
    FaultSpec spec = a_fault(k);
    std::vector<std::int64_t> amounts = {0};
    if (k.amount.unit != FaultUnit::kNone) amounts = {k.amount.low, k.amount.high};
    for (std::int64_t amount : amounts) {
      spec.amount = amount;
      std::string entry = entry_text(spec);
      if (k.amount.unit != FaultUnit::kNone) entry += amount_text(k, amount);
      core::Result<Scenario> parsed = parse_scenario(scenario_text(entry, plane_for(k)), "x.yaml");
      ASSERT_TRUE(parsed.ok()) << k.name << ": " << parsed.error().message;
      ASSERT_EQ(parsed->faults.size(), 1u);
      EXPECT_EQ(parsed->faults[0].spec, spec) << k.name;
      EXPECT_EQ(misfit(parsed->faults[0].spec), "") << k.name;
      expect_round_trip(*parsed);
    }
  }
}

TEST(FaultTable, TheReaderRefusesWhatAnEntryDoesNotAllow) {
  for (const FaultKindInfo& k : fault_kinds()) {
    const std::string entry = entry_text(a_fault(k));
    const auto text = [&](const std::string& entries) {
      return scenario_text(entries, plane_for(k));
    };
    if (k.amount.unit != FaultUnit::kNone) {
      EXPECT_NE(
          error_of(text(entry + amount_text(k, k.amount.high + 1))).find("timeline[0].amount"),
          std::string::npos)
          << k.name;
      EXPECT_NE(error_of(text(entry + amount_text(k, k.amount.low - 1))).find("timeline[0].amount"),
                std::string::npos)
          << k.name;
      if (k.amount.required) {
        EXPECT_NE(error_of(text(entry)).find(k.amount.example), std::string::npos) << k.name;
      }
    } else {
      EXPECT_NE(error_of(text(entry + "    amount: 1\n")).find("takes no amount"),
                std::string::npos)
          << k.name;
    }
    const std::string amount =
        k.amount.unit == FaultUnit::kNone ? "" : amount_text(k, k.amount.high);
    if (!k.lasts) {
      EXPECT_NE(error_of(text(entry + amount + "    duration: 5m\n")).find("takes no duration"),
                std::string::npos)
          << k.name;
    }
    if (k.targets == FaultTargetClass::kFleet || k.targets == FaultTargetClass::kStore) {
      EXPECT_NE(error_of(text(entry + amount + "    targets: [db1-1]\n")).find("takes no targets"),
                std::string::npos)
          << k.name;
    }
    if (k.others == FaultOthers::kNone) {
      // The kinds with a far side are named from the table, as ever.
      EXPECT_NE(error_of(text(entry + amount + "    others: [monitors]\n"))
                    .find(fmt::format("{} takes no others; only partition_partial and "
                                      "partition_one_way have a far side",
                                      k.name)),
                std::string::npos)
          << k.name;
    }
  }
}

// Every kind has an effect: started in a running fleet it starts, and a
// kind that lasts heals; one that acts once has nothing to heal.
TEST(FaultTable, TheSimulatorStartsAndHealsEveryKind) {
  for (const FaultKindInfo& k : fault_kinds()) {
    Simulation sim(SimConfig{
        .seed = 3, .services = {{.id = "db1", .standbys = 1}}, .control_plane = plane_for(k)});
    ASSERT_TRUE(sim.run_until(20 * kMinute)) << k.name;
    FaultSpec spec = a_fault(k);
    spec.amount = k.amount.unit == FaultUnit::kNone ? 0 : k.amount.high;
    const std::uint64_t id = sim.start_fault(spec);
    ASSERT_NE(id, 0u) << k.name;
    EXPECT_EQ(sim.active_faults(), k.lasts ? 1u : 0u) << k.name;
    EXPECT_EQ(sim.heal_fault(id), k.lasts) << k.name;
    EXPECT_EQ(sim.active_faults(), 0u) << k.name;
  }
}

}  // namespace
}  // namespace unwedge::sim
