// A bounded scenario from a fuzzer's bytes: the encoding fleet_fuzzer
// searches and `unwedge fuzz-to-scenario` turns back into a scenario file.
//
// The first byte is the encoding's version; the rest is read through
// libFuzzer's FuzzedDataProvider (integers from the end, so mutations of
// the front and the back change different choices): the fleet's shape, the
// safety phase's length, then fault and operator entries until the bytes
// run out or the caps are reached. Every byte string of the right version
// decodes to a valid scenario; running out of bytes only makes it smaller.
// A changed layout is a new version, so a saved crash input keeps meaning
// what it meant when it was found.
//
// Version 1, after the version byte:
//   services 1-2, each: standbys 0-2, synchronous (with a standby), followers 0-1
//   clients per service 1-2; safety phase 1-20 minutes
//   up to 12 entries, each a fault (kind, when, aim, duration, amount) or,
//   one time in eight, an operator request (kind, when, target) from minute 3
//   (none when the safety phase ends sooner); a follower's promotion may
//   come with an unfollow of the same follower at the same moment
// For a plane whose fleet runs a consensus store, a fault's kind is drawn
// from every kind (the store's too) and an aim may be a store member; for a
// plane without one, the bytes decode as before the store's kinds existed.
// The request's kind is drawn from those the plane under test declares
// (PlaneInfo::requests), so the same bytes mean the same scenario only for
// the same plane: decode a crash input with the plane it was fuzzed against.
// The recovery phase is always an hour.
//
// Version 2 starts late: the same fleet, then a provisioning phase of 20
// quiet minutes (Scenario::provisioning_us) at whose end the control plane
// restarts, then a fault phase of 10 seconds to 5 minutes in steps of 10
// seconds, then the same entries, all within the fault phase, and the
// recovery. Its runs start from a copy of the provisioned fleet of their
// shape (ProvisionedFleets), so an input costs its faults and recovery
// only; the provisioning itself, and faults during it, are version 1's.
//
//   core::Result<Scenario> s = scenario_from_bytes(bytes, "crash-0123");
//   if (!s.ok()) return s.error();            // an unknown version
//   RunSummary run = run_scenario_settling(*s, kMinute);
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "sim/scenario.hpp"

namespace unwedge::sim {

// The versions this build reads: 1 up to kScenarioBytesVersion (the newest).
inline constexpr std::uint8_t kScenarioBytesVersion = 2;
inline constexpr core::TimeUs kScenarioBytesProvisioningUs = 20 * core::kMinute;
inline constexpr std::size_t kScenarioBytesEntriesMax = 12;

// `source` names the bytes in the scenario and in errors; `control_plane`
// names the plane under test (empty: the default plane), whose request
// vocabulary the operator entries draw from. An unknown version or plane is
// an error.
core::Result<Scenario> scenario_from_bytes(std::span<const std::uint8_t> bytes,
                                           std::string_view source,
                                           std::string_view control_plane = "");

// Input n of a fixed family of pseudo-random inputs: the version byte, then
// 32-256 bytes from the stream "fleet-fuzz" of seed n (the same bytes for
// every version). The fuzzer's blind first phase, without coverage
// guidance: the mutant hunts try them, and bench/fleet_fuzzer_bench.cpp
// measures throughput on them.
std::vector<std::uint8_t> random_scenario_bytes(std::uint64_t n, std::uint8_t version = 1);

}  // namespace unwedge::sim
