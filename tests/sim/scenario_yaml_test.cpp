// Scenario files: the example in docs/SCENARIOS.md parses, every malformed
// file under tests/scenarios/malformed gets its one exact message, hostile
// text is refused without harm, to_yaml() reads back to an equal Scenario,
// and a parsed file runs exactly as the struct it describes.
#include "sim/scenario_yaml.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <rapidcheck/gtest.h>

#include "planes/postgres/machines.hpp"
#include "planes/postgres/model.hpp"
#include "planes/postgres/plane.hpp"
#include "sim/kernel/rng.hpp"

namespace unwedge::sim {
namespace {

using core::kDay;
using core::kHour;
using core::kMillisecond;
using core::kMinute;
using core::kSecond;
using core::TimeUs;

const std::string kSourceDir = UNWEDGE_SOURCE_DIR;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The first ```yaml block after "## A complete example".
std::string documented_example() {
  const std::string doc = read_text(kSourceDir + "/docs/SCENARIOS.md");
  const std::size_t section = doc.find("## A complete example");
  EXPECT_NE(section, std::string::npos);
  const std::size_t open = doc.find("```yaml\n", section);
  EXPECT_NE(open, std::string::npos);
  const std::size_t begin = open + 8;
  return doc.substr(begin, doc.find("```", begin) - begin);
}

std::string error_of(std::string_view yaml) {
  core::Result<Scenario> parsed = parse_scenario(yaml, "x.yaml");
  return parsed ? std::string("(parsed)") : parsed.error().message;
}

TEST(ScenarioYaml, TheDocumentedExampleParses) {
  core::Result<Scenario> parsed = parse_scenario(documented_example(), "docs/SCENARIOS.md");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const Scenario& s = *parsed;
  EXPECT_EQ(s.name, "failover-during-partial-partition");
  EXPECT_TRUE(s.description.starts_with("The leader of db1 loses its monitors")) << s.description;
  EXPECT_EQ(s.config.seed, 7u);
  EXPECT_EQ(s.duration_us, 2 * kHour);
  EXPECT_EQ(s.recovery_us, 30 * kMinute);
  ASSERT_EQ(s.config.services.size(), 2u);
  EXPECT_EQ(s.config.services[1],
            (ServiceSpec{.id = "db2", .standbys = 2, .synchronous = false, .followers = 1}));
  EXPECT_EQ(s.config.faults.mean_gap_us, 20 * kMinute);
  EXPECT_EQ(s.config.faults.kinds,
            (std::vector<FaultKind>{FaultKind::kDatabaseCrash, FaultKind::kAgentPause}));
  EXPECT_EQ(s.config.faults.active_max, 2u);
  ASSERT_EQ(s.faults.size(), 3u);
  EXPECT_EQ(s.faults[0], (ScheduledFault{.at_us = 30 * kMinute,
                                         .spec = {.kind = FaultKind::kPartitionPartial,
                                                  .targets = {"leader:db1"},
                                                  .others = {"monitors"},
                                                  .duration_us = 15 * kMinute}}));
  EXPECT_EQ(s.faults[1].spec.targets, std::vector<std::string>{"after_commit"});
  EXPECT_EQ(s.faults[1].spec.amount, 3);
  EXPECT_EQ(s.faults[2].spec.amount, -2 * kMinute);
  ASSERT_EQ(s.operators.size(), 1u);
  EXPECT_EQ(s.operators[0].request,
            (OperatorRequest{.kind = OperatorKind::kRequestFailover, .target = "db1"}));
  EXPECT_EQ(s.config.dwell_overrides.at("service/uncertain"), 3 * kMinute);
  EXPECT_FALSE(s.expect.violation.has_value());
  EXPECT_EQ(s.source, "docs/SCENARIOS.md");
  // The example spells out every default, so the defaults are the same.
  ASSERT_EQ(s.config.control_plane, "postgres");
  core::Result<postgres::Settings> settings = postgres::parse_settings(s.config.plane_settings);
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(*settings, postgres::Settings{});
  EXPECT_EQ(s.config.network, LinkQuality{});
}

// Each malformed file and the message it must give, after "<path>:".
const std::map<std::string, std::string>& malformed_messages() {
  static const std::map<std::string, std::string> kMessages = {
      {"alias_bomb.yaml", "2:14: anchors (&a) and aliases are not supported; write each value out"},
      {"bad_name.yaml",
       "1:7: name: \"Broken Scenario\" is not a scenario name; lowercase letters, digits, _ and -, "
       "starting with a letter or digit, at most 100"},
      {"binary_bytes.yaml", "2:20: a NUL byte: this is binary data, not a YAML scenario"},
      {"deep_nesting.yaml",
       "2:77: lists and maps nested deeper than 64 levels; a scenario needs four"},
      {"duplicate_key.yaml",
       "4:1: duplicate key \"duration\" (first at line 3); each key appears once"},
      {"duplicate_service_id.yaml",
       "8:11: fleet.services[2].id: duplicate service id \"db1\" (first at line 6); each service "
       "needs its own"},
      {"duration_without_unit.yaml",
       "7:11: recovery: 90 has no unit; write it with one of us, ms, s, m, h, d (e.g. 90s)"},
      {"empty.yaml",
       "1:1: the file is empty; a scenario needs at least name, description, duration and fleet "
       "(see docs/SCENARIOS.md)"},
      {"fault_after_safety_phase.yaml",
       "8:9: timeline[0].at: at 3h is not within the safety phase (duration: 2h); faults start "
       "before it ends"},
      {"fault_and_operator.yaml",
       "8:5: timeline[0]: an entry is a fault or an operator request, not both; split it in two"},
      {"fractional_duration.yaml",
       "7:11: recovery: 1.5h has a fraction; use a smaller unit (90m, not 1.5h)"},
      {"host_crash_on_monitor.yaml",
       "10:15: timeline[0].targets[0]: \"monitor-a\" is a monitor; host_crash takes: db1-1, "
       "node:db1-1, leader:db1, standby:db1, follower:db1"},
      {"invalid_utf8.yaml", "2:17: byte 0xe9 is not UTF-8; a scenario file is UTF-8 text"},
      {"list_document.yaml",
       "1:1: a scenario is a map of keys (name, description, duration, fleet, ...), got a list"},
      {"missing_amount.yaml",
       "8:5: timeline[0].amount: required key missing; add it, e.g. amount: 300000 (ppm of calls "
       "that fail)"},
      {"missing_duration.yaml", "1:1: duration: required key missing; add it, e.g. duration: 2h"},
      {"negative_duration.yaml",
       "11:15: timeline[0].duration: -5m is negative; allowed: 1us to 365d"},
      {"not_yaml.yaml", "3:9: not valid YAML: end of sequence flow not found"},
      {"number_overflow.yaml",
       "7:7: seed: 99999999999999999999999 is out of range; allowed: 0 to 9223372036854775807"},
      {"partial_without_others.yaml",
       "8:5: timeline[0].others: partition_partial needs others, the far side of the cut (e.g. "
       "others: [monitors])"},
      {"requires_during_a_request.yaml",
       "9:14: requires[0].during: unknown key \"request\"; allowed here: state, action, fault"},
      {"requires_nothing_happens.yaml",
       "8:5: requires[0]: name what must happen: one of state, action, request, fault (e.g. "
       "request: deprovision)"},
      {"requires_store_fault_without_store.yaml",
       "9:21: requires[0].during.fault: store_quorum_loss strikes the consensus store; control "
       "plane postgres runs none"},
      {"requires_two_happenings.yaml",
       "8:14: requires[0].request: a requirement names one thing that happens; action and request "
       "are two (put the second under during:, or write two requirements)"},
      {"requires_unknown_action.yaml",
       "8:13: requires[0].action: unknown action \"Failovr\"; did you mean \"Failover\"? allowed: "
       "Provision, Deprovision, Failover, Promote, Unfollow, MarkServiceUncertain, "
       "MarkServiceUnavailable, MarkServiceAvailable, MarkServerUnreachable, MarkServerRunning, "
       "MarkLinkLagging, MarkLinkCaughtUp, MarkCertExpiring, MarkCertExpired, CreateServer, "
       "RestartServer, ReplaceServer, DestroyServer, IssueCertificate, RotateCertificate, "
       "RevokeCertificate"},
      {"requires_unknown_service.yaml",
       "9:14: requires[0].service: the fleet has no service \"db2\"; did you mean \"db1\"? "
       "services: db1"},
      {"requires_unknown_state.yaml",
       "8:12: requires[0].state: service has no state \"failingover\"; did you mean "
       "\"failing_over\"? states: provisioning, available, uncertain, unavailable, failing_over, "
       "maintenance, deprovisioning, deprovisioned"},
      {"requires_zero_times.yaml",
       "9:12: requires[0].times: 0 is out of range; allowed: 1 to 1000000"},
      {"scalar_document.yaml",
       "1:1: a scenario is a map of keys (name, description, duration, fleet, ...), got \"just a "
       "sentence, not a scenario\""},
      {"two_documents.yaml",
       "7:1: a second YAML document; a scenario file holds one (remove the second ---)"},
      {"unknown_bound_state.yaml",
       "8:3: bounds.service/uncertian: service has no state \"uncertian\"; did you mean "
       "\"uncertain\"? states: provisioning, available, uncertain, unavailable, failing_over, "
       "maintenance, deprovisioning, deprovisioned"},
      {"unknown_crash_point.yaml",
       "10:15: timeline[0].targets[0]: unknown crash point \"after_comit\"; did you mean "
       "\"after_commit\"? allowed: before_begin, mid_transaction, after_commit"},
      {"unknown_fault_kind.yaml",
       "12:12: timeline[1].fault: unknown fault kind \"partition\"; allowed: partition_complete, "
       "partition_partial, partition_one_way, host_crash, database_crash, agent_pause, "
       "late_checkins, duplicate_checkins, stale_checkins, clock_drift, clock_jump, infra_slow, "
       "infra_failing, infra_timeouts, infra_duplicates, control_plane_crash, store_leader_change, "
       "store_slow_commit, store_quorum_loss"},
      {"unknown_invariant.yaml",
       "7:21: expect.violation: unknown invariant \"lost_writes\"; did you mean "
       "\"no_lost_writes\"? allowed: assertion, valid_transitions, bounded_dwell, no_lost_writes, "
       "single_writer, eventually_healthy, idempotent_effects, plane_invariant, "
       "store_linearizable, serving_when_healthy, no_needless_disruption, missed_decision, "
       "vacuous"},
      {"unknown_disruption_kind.yaml",
       "7:34: expect.disruptions_max: unknown key \"failovers\"; did you mean \"failover\"? "
       "allowed here: failover, restart, replacement, fencing, demotion"},
      {"pass_and_violation.yaml",
       "7:27: expect.violation: a run cannot both pass and violate an invariant; keep pass or "
       "violation"},
      {"negative_disruption_bound.yaml",
       "10:14: expect.disruptions_max.restart: -1 is out of range; allowed: 0 to 1000000"},
      {"availability_min_not_percent.yaml",
       "7:30: expect.availability.min: expected a percentage such as 99.5% (up to four "
       "decimals), got \"99.5\""},
      {"availability_empty.yaml",
       "7:24: expect.availability: give min, worst_window_max or both, e.g. {min: 99.5%, "
       "worst_window_max: 2m}"},
      {"serving_bound_not_duration.yaml",
       "8:25: bounds.serving_when_healthy: expected a duration, got \"forever\"; a duration is "
       "a whole number and a unit (us, ms, s, m, h, d)"},
      {"unknown_key.yaml",
       "7:1: unknown key \"sed\"; did you mean \"seed\"? allowed at the top: name, description, "
       "seed, duration, provisioning, recovery, fleet, workload, control_plane, network, random, "
       "timeline, bounds, requires, expect"},
      {"fault_during_provisioning.yaml",
       "9:9: timeline[0].at: at 10m is within the provisioning phase (provisioning: 20m), when "
       "nothing happens but the fleet coming up; move it to 20m or later"},
      {"random_with_provisioning.yaml",
       "9:3: random: random faults and operators would strike during the provisioning phase, "
       "which is quiet; remove `provisioning` or `random`"},
      {"provisioning_past_duration.yaml",
       "4:15: provisioning: 20m is not within the safety phase (duration: 20m); the "
       "provisioning is its quiet start, so make it shorter or the duration longer"},
      {"unknown_service_in_target.yaml",
       "10:15: timeline[0].targets[0]: \"leader:db2\" names service \"db2\", which the fleet does "
       "not have; did you mean \"db1\"? services: db1"},
      {"vantages_min_above_points.yaml",
       "9:29: control_plane.unreachable_vantages_min: unreachable_vantages_min (3) is more than "
       "vantage_points (2); no host could ever be found unreachable"},
      {"wrong_type.yaml",
       "5:13: fleet.services: expected a list of services ({id: db1}), got \"db1\""},
  };
  return kMessages;
}

TEST(ScenarioYaml, EveryMalformedFileGivesItsOneMessage) {
  const std::string dir = kSourceDir + "/tests/scenarios/malformed";
  std::set<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    files.insert(entry.path().filename().string());
  std::set<std::string> listed;
  for (const auto& [file, message] : malformed_messages())
    listed.insert(file);
  EXPECT_EQ(files, listed) << "every malformed file has its message here, and only those";
  for (const auto& [file, message] : malformed_messages()) {
    const std::string path = dir + "/" + file;
    core::Result<Scenario> parsed = load_scenario_file(path);
    ASSERT_FALSE(parsed.ok()) << file;
    EXPECT_EQ(parsed.error().message, fmt::format("{}:{}", path, message)) << file;
  }
}

TEST(ScenarioYaml, AMissingFileSaysSo) {
  core::Result<Scenario> parsed = load_scenario_file("/nonexistent/scenarios/x.yaml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message,
            "/nonexistent/scenarios/x.yaml: cannot read the scenario: no such file");
  core::Result<Scenario> directory = load_scenario_file(kSourceDir + "/tests");
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.error().message,
            kSourceDir + "/tests: cannot read the scenario: a directory, not a file");
}

TEST(ScenarioYaml, HostileTextIsRefusedWithoutHarm) {
  const std::string example = documented_example();
  // Too large: refused before parsing.
  std::string huge = example + "# " + std::string(kScenarioBytesMax, 'x') + "\n";
  EXPECT_EQ(error_of(huge), fmt::format("x.yaml:1:1: the file is {} bytes; scenario files are at "
                                        "most 1048576 bytes (1 MiB)",
                                        huge.size()));
  // Nested far past the limit, flow and block: stopped at depth 65.
  const std::string flow = "name: x\ndescription: " + std::string(100'000, '[');
  // (yaml-cpp reads unclosed brackets as compact maps too, so it stops sooner.)
  EXPECT_TRUE(error_of(flow).starts_with("x.yaml:2:")) << error_of(flow);
  EXPECT_NE(error_of(flow).find("nested deeper than 64 levels"), std::string::npos);
  std::string block = "name: x\ndescription:\n";
  for (int depth = 0; depth < 200; ++depth)
    block += std::string(static_cast<std::size_t>(depth), ' ') + "- \n";
  EXPECT_NE(error_of(block).find("nested deeper than 64 levels"), std::string::npos)
      << error_of(block);
  // A map as wide as the value limit allows is checked quickly; its
  // last key is a duplicate.
  std::string wide = "name: x\ndescription: d\nbounds:\n";
  for (int key = 0; key < 45'000; ++key)
    wide += fmt::format("  k{}: 1s\n", key);
  wide += "  k0: 1s\n";
  EXPECT_EQ(error_of(wide),
            "x.yaml:45004:3: duplicate key \"k0\" (first at line 4); each key "
            "appears once");
  // Whitespace only, a lone document marker, comments only.
  EXPECT_NE(error_of(" \n\t\n").find("x.yaml:1:1: the file is empty"), std::string::npos);
  EXPECT_NE(error_of("# nothing\n").find("x.yaml:1:1: no YAML document"), std::string::npos);
  EXPECT_EQ(error_of("---\n"),
            "x.yaml:2:1: a scenario is a map of keys (name, description, "
            "duration, fleet, ...), got nothing");
  // Random damage to a valid file never crashes, hangs or passes silently
  // as something else: it parses or it gives a located message.
  Rng rng = Rng::stream(1, "scenario_yaml_damage");
  for (int round = 0; round < 400; ++round) {
    std::string damaged = example;
    const std::uint64_t edits = 1 + rng.below(4);
    for (std::uint64_t e = 0; e < edits; ++e) {
      const std::size_t at = rng.below(damaged.size());
      const char bytes[] = {'[', ']', '{',  '}',  ':',    '-', '&', '*', '!', '\n',
                            ' ', '"', '\'', '\0', '\xff', '#', ',', '|', '>', '9'};
      damaged[at] = bytes[rng.below(std::size(bytes))];
    }
    core::Result<Scenario> parsed = parse_scenario(damaged, "x.yaml");
    if (!parsed) {
      EXPECT_TRUE(parsed.error().message.starts_with("x.yaml:")) << damaged;
    }
  }
}

TEST(ScenarioYaml, ADurationErrorNamesItsPlaceInTheFile) {
  // How durations read and write is core::parse_duration's (its own test);
  // here, that its errors and the key's range come with file, line and key.
  // Overflow is caught, not wrapped.
  const std::string head = "name: x\ndescription: d\nfleet: {services: [{id: db1}]}\n";
  EXPECT_EQ(error_of(head + "duration: 106751992d\n"),
            "x.yaml:4:11: duration: 106751992d is too long; durations stop at 106751991d");
  EXPECT_EQ(error_of(head + "duration: 99999999999999999999h\n"),
            "x.yaml:4:11: duration: 99999999999999999999h is too long; durations stop at "
            "106751991d");
  EXPECT_EQ(error_of(head + "duration: 400d\n"),
            "x.yaml:4:11: duration: 400d is out of range; allowed: 1us to 365d");
  EXPECT_EQ(error_of(head + "duration: 2 h\n"),
            "x.yaml:4:11: duration: \"2 h\": unknown unit \" h\"; units: us, ms, s, m, h, d");
}

// ---------------------------------------------------------------------------
// Round trip: any valid scenario, written and read back, is the same.

TimeUs any_duration(TimeUs low, TimeUs high) {
  static constexpr TimeUs kUnits[] = {1, kMillisecond, kSecond, kMinute, kHour, kDay};
  const TimeUs unit =
      *rc::gen::elementOf(std::vector<TimeUs>(std::begin(kUnits), std::end(kUnits)));
  const TimeUs count = *rc::gen::inRange<TimeUs>(0, high / unit + 1);
  return std::clamp(count * unit, low, high);
}

std::string any_word(std::string_view first, std::string_view rest, int length_max) {
  const int length = *rc::gen::inRange(0, length_max);
  std::string out(1, *rc::gen::elementOf(std::string(first)));
  for (int i = 0; i < length; ++i)
    out += *rc::gen::elementOf(std::string(rest));
  return out;
}

std::string any_description() {
  static const std::vector<std::string> kPieces = {"the",
                                                   "leader",
                                                   " ",
                                                   " ",
                                                   "\n",
                                                   "\n\n",
                                                   "\t",
                                                   "\"",
                                                   "'",
                                                   "\\",
                                                   ":",
                                                   "# ",
                                                   "- ",
                                                   "[x]",
                                                   "{y}",
                                                   "caf\xc3\xa9",
                                                   "\xc2\x85",
                                                   "\xe2\x80\xa8",
                                                   "\xef\xbb\xbf",
                                                   "&a",
                                                   "*b",
                                                   "!t",
                                                   "|",
                                                   ">",
                                                   "%",
                                                   "@",
                                                   "`",
                                                   ",",
                                                   "null",
                                                   "~"};
  std::string out;
  const int pieces = *rc::gen::inRange(0, 20);
  for (int i = 0; i < pieces; ++i)
    out += *rc::gen::elementOf(kPieces);
  if (out.find_first_not_of(" \t\n") == std::string::npos) out += "x";
  return out;
}

std::string any_target(unsigned classes, const Scenario& s) {
  const std::string service = (*rc::gen::elementOf(s.config.services)).id;
  const int vantages =
      static_cast<int>(postgres::parse_settings(s.config.plane_settings)->vantage_points);
  std::vector<std::string> options;
  if (classes & 1) {
    options.insert(options.end(),
                   {fmt::format("{}-{}", service, *rc::gen::inRange(1, 100)), "leader:" + service,
                    "standby:" + service, "follower:" + service});
  }
  if (classes & 2) {
    options.insert(
        options.end(),
        {fmt::format("monitor-{}", static_cast<char>('a' + *rc::gen::inRange(0, vantages))),
         "monitors"});
  }
  if (classes & 4) {
    options.insert(options.end(), {fmt::format("client-{}-{}", service, *rc::gen::inRange(1, 100)),
                                   "clients:" + service});
  }
  if (classes & 8) options.push_back("control-plane");
  return *rc::gen::elementOf(options);
}

std::vector<std::string> any_targets(unsigned classes, const Scenario& s) {
  std::vector<std::string> out(static_cast<std::size_t>(*rc::gen::inRange(1, 4)));
  for (std::string& target : out)
    target = any_target(classes, s);
  return out;
}

FaultSpec any_fault(const Scenario& s) {
  // The reference plane runs no consensus store: none of the store's kinds.
  const std::vector<FaultKind> kinds = fault_kinds_for(/*has_store=*/false);
  FaultSpec spec{.kind = *rc::gen::elementOf(kinds)};
  constexpr unsigned kServers = 1;
  constexpr unsigned kAll = 15;
  constexpr unsigned kClocks = 1 | 2 | 8;
  if (*rc::gen::arbitrary<bool>()) spec.duration_us = any_duration(1, 365 * kDay);
  switch (spec.kind) {
    case FaultKind::kPartitionComplete:
      spec.targets = any_targets(kAll, s);
      break;
    case FaultKind::kPartitionPartial:
    case FaultKind::kPartitionOneWay:
      spec.targets = any_targets(kAll, s);
      spec.others = any_targets(kAll, s);
      break;
    case FaultKind::kHostCrash:
    case FaultKind::kDatabaseCrash:
    case FaultKind::kAgentPause:
    case FaultKind::kStaleCheckins:
      spec.targets = any_targets(kServers, s);
      break;
    case FaultKind::kLateCheckins:
    case FaultKind::kDuplicateCheckins:
      spec.targets = any_targets(kServers, s);
      spec.amount = any_duration(1, kDay);
      break;
    case FaultKind::kClockDrift:
      spec.targets = any_targets(kClocks, s);
      spec.amount = *rc::gen::inRange<std::int64_t>(-100'000, 100'001);
      break;
    case FaultKind::kClockJump:
      spec.targets = any_targets(kClocks, s);
      spec.amount = any_duration(0, kDay) * (*rc::gen::arbitrary<bool>() ? 1 : -1);
      break;
    case FaultKind::kInfraSlow:
      spec.amount = *rc::gen::inRange<std::int64_t>(1, 1001);
      break;
    case FaultKind::kInfraFailing:
    case FaultKind::kInfraTimeouts:
    case FaultKind::kInfraDuplicates:
      spec.amount = *rc::gen::inRange<std::int64_t>(0, 1'000'001);
      break;
    case FaultKind::kControlPlaneCrash:
      spec.targets = {std::string(*rc::gen::elementOf(std::vector<std::string_view>(
          std::begin(kCrashPointNames), std::end(kCrashPointNames))))};
      spec.amount = *rc::gen::inRange<std::int64_t>(0, 1'000'001);
      spec.duration_us = 0;
      break;
    case FaultKind::kStoreLeaderChange:
    case FaultKind::kStoreSlowCommit:
    case FaultKind::kStoreQuorumLoss:
      RC_FAIL("a store's kind drawn for a plane without a store");
  }
  return spec;
}

OperatorRequest any_operator(const Scenario& s) {
  OperatorRequest request{
      .kind = static_cast<OperatorKind>(*rc::gen::inRange<int>(0, operator_kinds().size()))};
  const bool on_server = request.kind == OperatorKind::kPromoteFollower ||
                         request.kind == OperatorKind::kUnfollow ||
                         request.kind == OperatorKind::kReplaceServer;
  request.target = on_server ? any_target(1, s) : (*rc::gen::elementOf(s.config.services)).id;
  return request;
}

// A state, an action, a request or a fault of the reference plane's
// vocabulary (never a request when `span`).
Observed any_observed(bool span) {
  const core::ControlPlaneModel& model = postgres::model();
  std::vector<Happening> kinds = {Happening::kState, Happening::kAction, Happening::kFault};
  if (!span) kinds.push_back(Happening::kRequest);
  Observed o{.kind = *rc::gen::elementOf(kinds)};
  switch (o.kind) {
    case Happening::kState: {
      const core::MachineDef& machine = **rc::gen::elementOf(model.machines);
      o.name = machine.name() + "/" +
               (*rc::gen::elementOf(
                    std::vector<core::StateDef>(machine.states().begin(), machine.states().end())))
                   .name;
      break;
    }
    case Happening::kAction:
      o.name = (*rc::gen::elementOf(model.actions))->name;
      break;
    case Happening::kRequest:
      o.name =
          info(static_cast<OperatorKind>(*rc::gen::inRange<int>(0, operator_kinds().size()))).name;
      break;
    case Happening::kFault:
      o.name = info(*rc::gen::elementOf(fault_kinds_for(false))).name;
      break;
  }
  return o;
}

Requirement any_requirement(const Scenario& s) {
  Requirement r{.what = any_observed(false)};
  if (*rc::gen::arbitrary<bool>()) r.during = any_observed(true);
  if (*rc::gen::arbitrary<bool>()) r.service = (*rc::gen::elementOf(s.config.services)).id;
  if (*rc::gen::arbitrary<bool>())
    r.times = *rc::gen::inRange<std::uint32_t>(1, kRequirementTimesMax + 1);
  return r;
}

void any_fleet(Scenario& s) {
  SimConfig& c = s.config;
  const int services = *rc::gen::inRange(1, 5);
  for (int i = 0; i < services; ++i) {
    c.services.push_back(
        {.id = any_word("abcdefghijklmnopqrstuvwxyz", "lnu", 3) +
               (*rc::gen::arbitrary<bool>() ? std::to_string(i) : std::string(i, 'x')),
         .standbys = *rc::gen::inRange<std::uint32_t>(0, 6),
         .synchronous = *rc::gen::arbitrary<bool>(),
         .followers = *rc::gen::inRange<std::uint32_t>(0, 6)});
  }
  c.boot_max_us = any_duration(0, kDay);
  c.boot_min_us = any_duration(0, c.boot_max_us);
  c.database_restart_us = any_duration(0, kDay);
  c.clients_per_service = *rc::gen::inRange<std::uint32_t>(1, 17);
  c.write_interval_us = any_duration(1, kDay);
}

void any_control_plane(SimConfig& c) {
  postgres::Settings p;
  c.tick_interval_us = any_duration(1, kDay);
  c.checkin_interval_us = any_duration(1, kDay);
  c.control_plane_restart_us = any_duration(0, kDay);
  p.missed_after_us = any_duration(1, 365 * kDay);
  p.unreachable_after_us = any_duration(0, 365 * kDay);
  p.vantage_points = *rc::gen::inRange<std::uint32_t>(1, 27);
  p.unreachable_vantages_min = *rc::gen::inRange<std::uint32_t>(1, p.vantage_points + 1);
  p.restarts_max = *rc::gen::inRange<std::uint32_t>(0, 101);
  p.leader_restart_gap_us = any_duration(0, 365 * kDay);
  p.lag_bytes_max = *rc::gen::inRange<std::uint64_t>(0, std::uint64_t{1} << 63);
  p.certificate_validity_us = any_duration(1, 3650 * kDay);
  p.certificate_renew_before_us = any_duration(0, p.certificate_validity_us - 1);
  p.mutant = static_cast<postgres::Mutant>(*rc::gen::inRange<int>(0, postgres::kMutants));
  c.control_plane = "postgres";
  c.plane_settings = postgres::settings_text(p);
  c.network.delay_max_us = any_duration(0, kHour);
  c.network.delay_min_us = any_duration(0, c.network.delay_max_us);
  c.network.loss_ppm = *rc::gen::inRange<std::uint32_t>(0, 1'000'001);
  c.network.duplicate_ppm = *rc::gen::inRange<std::uint32_t>(0, 1'000'001);
}

void any_random_and_bounds(SimConfig& c) {
  c.faults.mean_gap_us = any_duration(0, 365 * kDay);
  c.faults.active_max = *rc::gen::inRange<std::uint32_t>(1, 65);
  for (const FaultKindInfo& k : fault_kinds()) {
    if (*rc::gen::weightedElement<bool>({{1, true}, {4, false}})) c.faults.kinds.push_back(k.kind);
  }
  if (*rc::gen::arbitrary<bool>()) std::reverse(c.faults.kinds.begin(), c.faults.kinds.end());
  c.operator_mean_gap_us = any_duration(0, 365 * kDay);
  const int bounds = *rc::gen::inRange(0, 4);
  for (int i = 0; i < bounds; ++i) {
    const core::MachineDef& machine = **rc::gen::elementOf(std::vector<const core::MachineDef*>{
        &postgres::service_machine(), &postgres::server_machine(),
        &postgres::replica_link_machine(), &postgres::certificate_machine()});
    const core::StateDef& state = *rc::gen::elementOf(
        std::vector<core::StateDef>(machine.states().begin(), machine.states().end()));
    c.dwell_overrides[machine.name() + "/" + state.name] = any_duration(0, 365 * kDay);
  }
}

Scenario any_scenario() {
  Scenario s;
  s.name = any_word("abcdefghijklmnopqrstuvwxyz0123456789", "abcxyz019_-", 12);
  s.description = any_description();
  s.source = "generated.yaml";
  s.config.seed = *rc::gen::inRange<std::uint64_t>(0, std::uint64_t{1} << 63);
  s.duration_us = any_duration(1, 365 * kDay);
  s.recovery_us = any_duration(0, 365 * kDay);
  any_fleet(s);
  any_control_plane(s.config);
  any_random_and_bounds(s.config);
  const int faults = *rc::gen::inRange(0, 5);
  for (int i = 0; i < faults; ++i)
    s.faults.push_back({.at_us = any_duration(0, s.duration_us - 1), .spec = any_fault(s)});
  const int operators = *rc::gen::inRange(0, 5);
  for (int i = 0; i < operators; ++i) {
    s.operators.push_back(
        {.at_us = any_duration(0, s.duration_us + s.recovery_us - 1), .request = any_operator(s)});
  }
  const int requirements = *rc::gen::inRange(0, 4);
  for (int i = 0; i < requirements; ++i)
    s.requirements.push_back(any_requirement(s));
  if (*rc::gen::arbitrary<bool>()) {
    s.expect.violation = static_cast<Invariant>(*rc::gen::inRange<int>(0, kInvariants));
  }
  const int bounds = *rc::gen::inRange(0, 3);
  for (int i = 0; i < bounds; ++i) {
    const auto kind = static_cast<core::DisruptionKind>(
        *rc::gen::inRange<std::size_t>(0, core::kDisruptionKinds));
    s.expect.disruptions_max[kind] = *rc::gen::inRange<std::uint64_t>(0, 1'000'001);
  }
  return s;
}

RC_GTEST_PROP(ScenarioYamlProperty, WrittenAndReadBackIsTheSameScenario, ()) {
  const Scenario s = any_scenario();
  const std::string yaml = to_yaml(s);
  core::Result<Scenario> parsed = parse_scenario(yaml, "generated.yaml");
  if (!parsed) RC_FAIL(parsed.error().message + "\n" + yaml);
  RC_ASSERT(to_yaml(*parsed) == yaml);
  RC_ASSERT(*parsed == s);
}

// `expect` bounds disruptions in either form, and writes them back.
TEST(ScenarioYaml, DisruptionBoundsAreReadAndWritten) {
  const std::string head =
      "name: bounded\ndescription: One failover at most.\nduration: 1h\nfleet:\n  services:\n"
      "    - id: db1\n";
  core::Result<Scenario> pass =
      parse_scenario(head + "expect: {pass, disruptions_max: {failover: 1, restart: 0}}\n", "a");
  ASSERT_TRUE(pass.ok()) << pass.error().message;
  EXPECT_FALSE(pass->expect.violation.has_value());
  const std::map<core::DisruptionKind, std::uint64_t> bounds = {
      {core::DisruptionKind::kFailover, 1}, {core::DisruptionKind::kRestart, 0}};
  EXPECT_EQ(pass->expect.disruptions_max, bounds);
  EXPECT_NE(to_yaml(*pass).find("expect: {pass, disruptions_max: {failover: 1, restart: 0}}\n"),
            std::string::npos)
      << to_yaml(*pass);
  core::Result<Scenario> violation = parse_scenario(
      head + "expect:\n  violation: bounded_dwell\n  disruptions_max: {demotion: 2}\n", "b");
  ASSERT_TRUE(violation.ok()) << violation.error().message;
  EXPECT_EQ(violation->expect.violation, Invariant::kBoundedDwell);
  EXPECT_NE(to_yaml(*violation)
                .find("expect: {violation: bounded_dwell, disruptions_max: {demotion: 2}}\n"),
            std::string::npos)
      << to_yaml(*violation);
  core::Result<Scenario> bare = parse_scenario(head + "expect: {disruptions_max: {}}\n", "c");
  ASSERT_TRUE(bare.ok()) << bare.error().message;
  EXPECT_TRUE(bare->expect.disruptions_max.empty());
  EXPECT_NE(to_yaml(*bare).find("expect: pass\n"), std::string::npos);
  core::Result<Scenario> empty = parse_scenario(head + "expect: {}\n", "d.yaml");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message,
            "d.yaml:7:9: expect: empty; expected pass, {violation: <invariant>}, {availability: "
            "{min: 99.5%, worst_window_max: 2m}} or {pass, disruptions_max: {failover: 1}}");
}

TEST(ScenarioYaml, AvailabilityBoundsRoundTrip) {
  const std::string yaml =
      "name: bounded\ndescription: Clients must be served.\nduration: 2h\nfleet:\n  services:\n"
      "    - id: db1\nbounds:\n  serving_when_healthy: 5m\n"
      "expect: {availability: {min: 99.05%, worst_window_max: 90s}}\n";
  core::Result<Scenario> parsed = parse_scenario(yaml, "bounded.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->config.serving_when_healthy_max_us, 5 * core::kMinute);
  ASSERT_TRUE(parsed->expect.availability.has_value());
  EXPECT_FALSE(parsed->expect.violation.has_value());
  EXPECT_EQ(parsed->expect.availability->min_ppm, 990'500u);
  EXPECT_EQ(parsed->expect.availability->worst_window_max_us, 90 * core::kSecond);
  core::Result<Scenario> again = parse_scenario(to_yaml(*parsed), "bounded.yaml");
  ASSERT_TRUE(again.ok()) << again.error().message << "\n" << to_yaml(*parsed);
  EXPECT_EQ(*again, *parsed) << to_yaml(*parsed);
  EXPECT_NE(to_yaml(*parsed).find("expect: {availability: {min: 99.05%, worst_window_max: 90s}}"),
            std::string::npos)
      << to_yaml(*parsed);
}

TEST(ScenarioYaml, TheDocumentedExampleRoundTrips) {
  core::Result<Scenario> parsed = parse_scenario(documented_example(), "docs/SCENARIOS.md");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  core::Result<Scenario> again = parse_scenario(to_yaml(*parsed), "docs/SCENARIOS.md");
  ASSERT_TRUE(again.ok()) << again.error().message << "\n" << to_yaml(*parsed);
  EXPECT_EQ(*again, *parsed) << to_yaml(*parsed);
}

// ---------------------------------------------------------------------------
// A parsed file runs exactly as the struct it describes.

constexpr std::string_view kTwoLeaderCuts = R"(name: two-leader-cuts
description: The leader of db1 is cut off twice; the second cut hits whoever leads then.
seed: 5
duration: 2h
recovery: 30m
fleet:
  services:
    - {id: db1, standbys: 2}
timeline:
  - at: 30m
    fault: partition_complete
    targets: [leader:db1]
    duration: 15m
  - at: 50m
    operator: request_failover
    target: db1
  - at: 70m
    fault: partition_complete
    targets: [leader:db1]
    duration: 15m
)";

TEST(ScenarioYaml, AParsedFileRunsExactlyAsTheStruct) {
  Scenario built{.name = "two-leader-cuts",
                 .description =
                     "The leader of db1 is cut off twice; the second cut hits "
                     "whoever leads then.",
                 .duration_us = 2 * kHour,
                 .recovery_us = 30 * kMinute,
                 .source = "two_leader_cuts.yaml"};
  built.config = SimConfig{.seed = 5, .services = {{.id = "db1", .standbys = 2}}};
  for (TimeUs at : {30 * kMinute, 70 * kMinute}) {
    built.faults.push_back({.at_us = at,
                            .spec = {.kind = FaultKind::kPartitionComplete,
                                     .targets = {"leader:db1"},
                                     .duration_us = 15 * kMinute}});
  }
  built.operators.push_back({.at_us = 50 * kMinute,
                             .request = {.kind = OperatorKind::kRequestFailover, .target = "db1"}});

  core::Result<Scenario> parsed = parse_scenario(kTwoLeaderCuts, "two_leader_cuts.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(*parsed, built) << to_yaml(*parsed) << "\n" << to_yaml(built);
  const ScenarioOutcome from_file = run_scenario(*parsed);
  const ScenarioOutcome from_struct = run_scenario(built);
  EXPECT_TRUE(from_file.passed) << from_file.mismatch;
  EXPECT_EQ(from_file.run.digest, from_struct.run.digest);
  EXPECT_EQ(from_file.run.events, from_struct.run.events);
  EXPECT_GT(from_file.run.faults_started, 0u);
}

// ---------------------------------------------------------------------------
// A fleet-sized world: services by the thousand, zones and racks, a fleet
// API with a rate limit and a quota.

constexpr std::string_view kZonedFleet = R"(name: zoned
description: Three zones, a rate-limited API and services by the hundred.
duration: 1h
fleet:
  services:
    - {id: orders, standbys: 1}
    - {id: db, count: 250, standbys: 2, replication: async}
  zones: {names: [a, b, c], racks: 4, hosts_max: 400}
  api: {rate: 20, burst: 40, host_quota: 1200}
timeline:
  - at: 30m
    fault: host_crash
    targets: [zone:b]
    duration: 10m
  - at: 40m
    fault: partition_partial
    targets: [rack:c/4]
    others: [control-plane]
    duration: 5m
)";

TEST(ScenarioYaml, AFleetOfZonesRacksAndCountedServicesIsReadAndWritten) {
  core::Result<Scenario> parsed = parse_scenario(kZonedFleet, "zoned.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const SimConfig& c = parsed->config;
  ASSERT_EQ(c.services.size(), 251u);
  EXPECT_EQ(c.services[0].id, "orders");
  EXPECT_EQ(c.services[1], (ServiceSpec{.id = "db1", .standbys = 2, .synchronous = false}));
  EXPECT_EQ(c.services[250].id, "db250");
  EXPECT_EQ(c.zones, (ZoneShape{.names = {"a", "b", "c"}, .racks = 4, .hosts_max = 400}));
  EXPECT_EQ(c.api_rate, (RateLimit{.per_second = 20, .burst = 40}));
  EXPECT_EQ(c.host_quota, 1200u);
  ASSERT_EQ(parsed->faults.size(), 2u);
  EXPECT_EQ(parsed->faults[0].spec.targets, std::vector<std::string>{"zone:b"});
  EXPECT_EQ(parsed->faults[1].spec.targets, std::vector<std::string>{"rack:c/4"});
  // Written back, the run of alike services is one entry again.
  const std::string written = to_yaml(*parsed);
  EXPECT_NE(written.find("    - id: db\n      count: 250\n"), std::string::npos) << written;
  core::Result<Scenario> again = parse_scenario(written, "zoned.yaml");
  ASSERT_TRUE(again.ok()) << again.error().message << "\n" << written;
  EXPECT_EQ(*again, *parsed) << written;
}

// A fleet with holes in its runs (a shrunk reproducer drops services one by
// one) and zone names YAML would read as something else are written so
// they read back equal.
TEST(ScenarioYaml, AFleetWithHolesAndOddZoneNamesReadsBackEqual) {
  core::Result<Scenario> parsed = parse_scenario(kZonedFleet, "zoned.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  std::vector<ServiceSpec>& services = parsed->config.services;
  for (std::ptrdiff_t i = std::ssize(services) - 1; i > 0; i -= 3)
    services.erase(services.begin() + i);  // 80-odd runs
  ASSERT_GT(services.size(), 160u);
  parsed->config.zones.names = {"null", "b", "c"};
  parsed->faults.clear();
  const std::string written = to_yaml(*parsed);
  core::Result<Scenario> again = parse_scenario(written, "zoned.yaml");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, *parsed);
}

TEST(ScenarioYaml, PlacesTheFleetDoesNotHaveAreRefusedWithTheFix) {
  const auto message = [](std::string_view from, std::string_view to) {
    std::string yaml(kZonedFleet);
    yaml.replace(yaml.find(from), from.size(), to);
    core::Result<Scenario> parsed = parse_scenario(yaml, "zoned.yaml");
    return parsed.ok() ? std::string("(accepted)") : parsed.error().message;
  };
  // One letter for another is no near miss: no guess, the list.
  EXPECT_EQ(
      message("[zone:b]", "[zone:d]"),
      "zoned.yaml:13:15: timeline[0].targets[0]: the fleet has no zone \"d\"; zones: a, b, c");
  EXPECT_EQ(message("[rack:c/4]", "[rack:c/5]"),
            "zoned.yaml:17:15: timeline[1].targets[0]: the fleet has no rack \"c/5\"; racks are "
            "zone/N with N from 1 to 4 (rack:a/1)");
  EXPECT_EQ(message("  zones: {names: [a, b, c], racks: 4, hosts_max: 400}\n", ""),
            "zoned.yaml:12:15: timeline[0].targets[0]: \"zone:b\" names a zone, and the fleet "
            "declares no zones; add fleet.zones: {names: [a, b, c], racks: 4}");
  EXPECT_EQ(message("names: [a, b, c]", "names: [a, b, a]"),
            "zoned.yaml:8:25: fleet.zones.names[2]: zone \"a\" is named twice");
  EXPECT_EQ(message("{rate: 20, burst: 40, host_quota: 1200}", "{burst: 40}"),
            "zoned.yaml:9:16: fleet.api.burst: a burst without a rate limits nothing; give "
            "rate: (requests a second) as well");
  EXPECT_EQ(message("count: 250", "count: 0"),
            "zoned.yaml:7:23: fleet.services[1].count: 0 is out of range; allowed: 1 to 100000");
  EXPECT_EQ(message("{id: orders, standbys: 1}", "{id: db7}"),
            "zoned.yaml:7:12: fleet.services[1].id: duplicate service id \"db7\" (first at line "
            "6); each service needs its own");
}

}  // namespace
}  // namespace unwedge::sim
