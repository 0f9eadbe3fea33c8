#include "sim/faults.hpp"

#include <array>
#include <fmt/format.h>

#include "core/assert.hpp"
#include "sim/fleet.hpp"

namespace unwedge::sim {
namespace {

using core::kDay;
using core::kMillisecond;
using core::kMinute;
using core::kSecond;

constexpr std::int64_t kFaultPpmMax = 1'000'000;

// The table: one entry per kind, in the order of FaultKind.
constexpr std::array<FaultKindInfo, kFaultKindCount> kKinds = {{
    {.kind = FaultKind::kPartitionComplete,
     .name = "partition_complete",
     .summary = "the targets are cut from every other endpoint, both ways",
     .targets = FaultTargetClass::kEndpoints,
     .drawn = {.duration_mean_us = 3 * kMinute}},
    {.kind = FaultKind::kPartitionPartial,
     .name = "partition_partial",
     .summary = "the targets and the others cannot reach each other; everyone else reaches both",
     .targets = FaultTargetClass::kEndpoints,
     .others = FaultOthers::kBothWays,
     .drawn = {.duration_mean_us = 3 * kMinute}},
    {.kind = FaultKind::kPartitionOneWay,
     .name = "partition_one_way",
     .summary = "messages from the targets to the others are dropped; the reverse direction works",
     .targets = FaultTargetClass::kEndpoints,
     .others = FaultOthers::kOneWay,
     .drawn = {.duration_mean_us = 3 * kMinute}},
    {.kind = FaultKind::kHostCrash,
     .name = "host_crash",
     .summary = "the target hosts go down; healed, they boot again",
     .targets = FaultTargetClass::kHosts,
     .drawn = {.duration_mean_us = 5 * kMinute}},
    {.kind = FaultKind::kDatabaseCrash,
     .name = "database_crash",
     .summary = "the database process on the target hosts dies; healed, it restarts",
     .targets = FaultTargetClass::kServers,
     .drawn = {.duration_mean_us = 30 * kSecond}},
    {.kind = FaultKind::kAgentPause,
     .name = "agent_pause",
     .summary = "the targets' monitoring agents stop checking in",
     .targets = FaultTargetClass::kServers,
     .drawn = {.duration_mean_us = 2 * kMinute}},
    {.kind = FaultKind::kLateCheckins,
     .name = "late_checkins",
     .summary = "the targets' check-ins arrive `amount` us late",
     .targets = FaultTargetClass::kServers,
     .amount = {.unit = FaultUnit::kDuration,
                .low = 1,
                .high = kDay,
                .required = true,
                .example = "amount: 45s (how late each check-in arrives)"},
     .drawn = {.duration_mean_us = 3 * kMinute,
               .amount = FaultDrawnAmount::kBetween,
               .amount_low = 20 * kSecond,
               .amount_high = 120 * kSecond},
     .encoded = {.amount_low = 20, .amount_high = 120, .amount_scale = kSecond}},
    {.kind = FaultKind::kDuplicateCheckins,
     .name = "duplicate_checkins",
     .summary = "each of the targets' check-ins arrives again `amount` us later",
     .targets = FaultTargetClass::kServers,
     .amount = {.unit = FaultUnit::kDuration,
                .low = 1,
                .high = kDay,
                .required = true,
                .example = "amount: 1m (how much later each copy arrives)"},
     .drawn = {.duration_mean_us = 3 * kMinute,
               .amount = FaultDrawnAmount::kBetween,
               .amount_low = 30 * kSecond,
               .amount_high = 90 * kSecond},
     .encoded = {.amount_low = 30, .amount_high = 90, .amount_scale = kSecond}},
    {.kind = FaultKind::kStaleCheckins,
     .name = "stale_checkins",
     .summary = "a stuck relay re-sends the targets' last check-in, whether they live or not",
     .targets = FaultTargetClass::kServers,
     .drawn = {.duration_mean_us = 2 * kMinute}},
    {.kind = FaultKind::kClockDrift,
     .name = "clock_drift",
     .summary = "the target clocks gain `amount` ppm (negative: lose)",
     .targets = FaultTargetClass::kClocks,
     .amount = {.unit = FaultUnit::kNumber,
                .low = -100'000,
                .high = 100'000,
                .required = true,
                .example = "amount: 20000 (ppm the clock gains; negative: loses)"},
     .drawn = {.duration_mean_us = 20 * kMinute,
               .amount = FaultDrawnAmount::kEitherSign,
               .amount_low = 1'000,
               .amount_high = 50'000},
     .encoded = {.amount_low = -50'000, .amount_high = 50'000}},
    {.kind = FaultKind::kClockJump,
     .name = "clock_jump",
     .summary = "the target clocks step by `amount` us",
     .targets = FaultTargetClass::kClocks,
     .amount = {.unit = FaultUnit::kDuration,
                .low = -kDay,
                .high = kDay,
                .required = true,
                .example = "amount: -5m (how far the clock steps)"},
     .drawn = {.duration_mean_us = 5 * kMinute,
               .amount = FaultDrawnAmount::kEitherSign,
               .amount_low = 10 * kSecond,
               .amount_high = 10 * kMinute},
     .encoded = {.amount_low = -600, .amount_high = 600, .amount_scale = kSecond}},
    {.kind = FaultKind::kInfraSlow,
     .name = "infra_slow",
     .summary = "every fleet API call takes `amount` times longer",
     .targets = FaultTargetClass::kFleet,
     .amount = {.unit = FaultUnit::kNumber,
                .low = 1,
                .high = 1000,
                .required = true,
                .example = "amount: 10 (times slower)"},
     .drawn = {.duration_mean_us = 10 * kMinute,
               .amount = FaultDrawnAmount::kBetween,
               .amount_low = 3,
               .amount_high = 20},
     .encoded = {.amount_low = 2, .amount_high = 20}},
    {.kind = FaultKind::kInfraFailing,
     .name = "infra_failing",
     .summary = "fleet API calls fail with chance `amount` ppm",
     .targets = FaultTargetClass::kFleet,
     .amount = {.unit = FaultUnit::kNumber,
                .low = 0,
                .high = kFaultPpmMax,
                .required = true,
                .example = "amount: 300000 (ppm of calls that fail)"},
     .drawn = {.duration_mean_us = 10 * kMinute,
               .amount = FaultDrawnAmount::kBetween,
               .amount_low = 100'000,
               .amount_high = 600'000},
     .encoded = {.amount_low = 100'000, .amount_high = 600'000}},
    {.kind = FaultKind::kInfraTimeouts,
     .name = "infra_timeouts",
     .summary = "fleet API calls time out, outcome unknown, with chance `amount` ppm",
     .targets = FaultTargetClass::kFleet,
     .amount = {.unit = FaultUnit::kNumber,
                .low = 0,
                .high = kFaultPpmMax,
                .required = true,
                .example = "amount: 300000 (ppm of calls that time out)"},
     .drawn = {.duration_mean_us = 10 * kMinute,
               .amount = FaultDrawnAmount::kBetween,
               .amount_low = 100'000,
               .amount_high = 600'000},
     .encoded = {.amount_low = 100'000, .amount_high = 600'000}},
    {.kind = FaultKind::kInfraDuplicates,
     .name = "infra_duplicates",
     .summary = "fleet API calls are delivered again with chance `amount` ppm; the fleet carries "
                "out each key once, so only a timed-out call that did nothing lands late",
     .targets = FaultTargetClass::kFleet,
     .amount = {.unit = FaultUnit::kNumber,
                .low = 0,
                .high = kFaultPpmMax,
                .required = true,
                .example = "amount: 500000 (ppm of calls delivered again)"},
     .drawn = {.duration_mean_us = 10 * kMinute,
               .amount = FaultDrawnAmount::kBetween,
               .amount_low = 200'000,
               .amount_high = 1'000'000},
     .encoded = {.amount_low = 200'000, .amount_high = 1'000'000}},
    {.kind = FaultKind::kControlPlaneCrash,
     .name = "control_plane_crash",
     .summary = "the control plane dies `amount` transactions from now, at crash point targets[0]",
     .targets = FaultTargetClass::kCrashPoint,
     .amount = {.unit = FaultUnit::kNumber, .low = 0, .high = 1'000'000},
     .lasts = false,
     .drawn = {.amount = FaultDrawnAmount::kBetween, .amount_low = 0, .amount_high = 39},
     .encoded = {.amount_low = 0, .amount_high = 39}},
    {.kind = FaultKind::kStoreLeaderChange,
     .name = "store_leader_change",
     .summary = "the consensus store's target members that lead step down and hand leadership on",
     .targets = FaultTargetClass::kStoreMembers,
     .lasts = false},
    {.kind = FaultKind::kStoreSlowCommit,
     .name = "store_slow_commit",
     .summary =
         "messages between the store's members, to or from the targets, take `amount` longer",
     .targets = FaultTargetClass::kStoreMembers,
     .amount = {.unit = FaultUnit::kDuration,
                .low = 1,
                .high = kMinute,
                .required = true,
                .example = "amount: 500ms (how much longer each message between members takes)"},
     .drawn = {.duration_mean_us = 3 * kMinute,
               .amount = FaultDrawnAmount::kBetween,
               .amount_low = 50 * kMillisecond,
               .amount_high = 2 * kSecond},
     .encoded = {.amount_low = 50, .amount_high = 2000, .amount_scale = kMillisecond}},
    {.kind = FaultKind::kStoreQuorumLoss,
     .name = "store_quorum_loss",
     .summary = "a majority of the store's members go down, its leader first; healed, they boot",
     .targets = FaultTargetClass::kStore,
     .drawn = {.duration_mean_us = 2 * kMinute}},
}};

// What every entry must say for the reader, the draws and the encoding to
// agree; checked while compiling, so a half-described kind does not build.
constexpr bool complete(const FaultKindInfo& k, std::size_t index) {
  const bool takes_amount = k.amount.unit != FaultUnit::kNone;
  const bool drawn_amount = k.drawn.amount != FaultDrawnAmount::kNone;
  const std::int64_t encoded_low = k.encoded.amount_low * k.encoded.amount_scale;
  const std::int64_t encoded_high = k.encoded.amount_high * k.encoded.amount_scale;
  const std::int64_t drawn_low =
      k.drawn.amount == FaultDrawnAmount::kEitherSign ? -k.drawn.amount_high : k.drawn.amount_low;
  return static_cast<std::size_t>(k.kind) == index && !k.name.empty() && !k.summary.empty() &&
         (k.others == FaultOthers::kNone || k.targets == FaultTargetClass::kEndpoints) &&
         takes_amount == drawn_amount && k.amount.low <= k.amount.high &&
         (!k.amount.required || (takes_amount && !k.amount.example.empty())) &&
         k.lasts == (k.drawn.duration_mean_us > 0) &&
         (!takes_amount ||
          (k.amount.low <= drawn_low && k.drawn.amount_low <= k.drawn.amount_high &&
           k.drawn.amount_high <= k.amount.high)) &&
         (!takes_amount || (k.encoded.amount_scale > 0 && k.amount.low <= encoded_low &&
                            encoded_low <= encoded_high && encoded_high <= k.amount.high));
}

constexpr bool every_kind_complete() {
  for (std::size_t i = 0; i < kKinds.size(); ++i) {
    if (!complete(kKinds[i], i)) return false;
  }
  return true;
}
static_assert(every_kind_complete(), "a fault kind's entry is out of order or incomplete");

std::string set_text(const std::vector<std::string>& list) {
  return fmt::format("{{{}}}", fmt::join(list, ", "));
}

template <class T>
const T& pick(const std::vector<T>& from, Rng& rng) {
  UNWEDGE_ASSERT(!from.empty());
  return from[rng.below(from.size())];
}

// The far side of a partial or one-way cut: the host's monitors (monitoring
// blind, data path fine), a sibling (replication cut), the control plane,
// or its service's clients (data path cut, monitoring fine). A world without
// monitors (or clients, or siblings) still has the control plane.
std::vector<std::string> far_side(const FaultAim& a, const FaultAimer& aimer, Rng& rng) {
  const std::vector<std::string>& monitors = aimer.monitors();
  const std::vector<std::string> fallback =
      monitors.empty() ? std::vector<std::string>{"control-plane"} : monitors;
  switch (rng.below(5)) {
    case 4:
      return a.clients.empty() ? fallback : a.clients;
    case 0:
      return monitors.empty() ? fallback : aimer.every_monitor();
    case 1:
      if (!a.siblings.empty()) return {pick(a.siblings, rng)};
      return {pick(fallback, rng)};
    case 2:
      return {"control-plane"};
    default:
      return {pick(fallback, rng)};
  }
}

// A store member by role or name: its leader most often (where a fault
// hurts most), every member, or one by name.
std::string store_target(const FaultAimer& aimer, Rng& rng) {
  UNWEDGE_ASSERT_LT(0u, aimer.store_members());
  switch (rng.below(5)) {
    case 3:
      return "stores";
    case 4:
      return store_member_name(static_cast<std::uint32_t>(rng.below(aimer.store_members())));
    default:
      return "store:leader";
  }
}

// In a run with a store, this often a host fault strikes a store member
// instead, and a cut severs its host from the store.
constexpr std::uint32_t kStoreAimPpm = 200'000;
constexpr std::uint32_t kCutFromStorePpm = 250'000;
// In a fleet of zones, this often a host fault or a cut strikes a whole
// zone or rack at once: a zone's outage, a rack's lost power, a zone cut
// from the control plane or from the monitors.
constexpr std::uint32_t kPlaceAimPpm = 150'000;

// Clocks belong to hosts, monitors, the control plane and store members.
std::string clock_owner(FaultAimer& aimer, Rng& rng) {
  if (aimer.store_members() > 0 && rng.chance(kStoreAimPpm)) return store_target(aimer, rng);
  switch (rng.below(3)) {
    case 0:
      return "control-plane";
    case 1:
      if (aimer.monitors().empty()) return "control-plane";
      return pick(aimer.monitors(), rng);
    default:
      if (std::optional<FaultAim> a = aimer.aim(rng)) return a->host;
      return "control-plane";
  }
}

std::int64_t drawn_amount(const FaultDraw& draw, Rng& rng) {
  switch (draw.amount) {
    case FaultDrawnAmount::kNone:
      return 0;
    case FaultDrawnAmount::kBetween:
      return static_cast<std::int64_t>(rng.between(static_cast<std::uint64_t>(draw.amount_low),
                                                   static_cast<std::uint64_t>(draw.amount_high)));
    case FaultDrawnAmount::kEitherSign: {
      const auto magnitude =
          static_cast<std::int64_t>(rng.between(static_cast<std::uint64_t>(draw.amount_low),
                                                static_cast<std::uint64_t>(draw.amount_high)));
      return rng.chance(500'000) ? magnitude : -magnitude;
    }
  }
  UNWEDGE_ASSERT(false);
  return 0;
}

// A host fault's targets (and a cut's far side); false when there is no host.
// In a run with a store, a kind that may strike any host or endpoint strikes
// a store member now and then (cut, if at all, from the other members), and
// a cut's far side is now and then the whole store.
bool aim_at_host(const FaultKindInfo& k, FaultAimer& aimer, Rng& rng, FaultSpec& spec) {
  if (k.targets != FaultTargetClass::kServers && !aimer.places().empty() &&
      rng.chance(kPlaceAimPpm)) {
    spec.targets = {pick(aimer.places(), rng)};
    if (k.others != FaultOthers::kNone) {
      spec.others = aimer.monitors().empty() || rng.chance(500'000)
                        ? std::vector<std::string>{"control-plane"}
                        : aimer.every_monitor();
    }
    return true;
  }
  const bool store = aimer.store_members() > 0;
  if (store && k.targets != FaultTargetClass::kServers && rng.chance(kStoreAimPpm)) {
    spec.targets = {store_target(aimer, rng)};
    if (k.others != FaultOthers::kNone) spec.others = {"stores"};
    return true;
  }
  std::optional<FaultAim> a = aimer.aim(rng);
  if (!a) return false;
  spec.targets = {a->host};
  if (k.others == FaultOthers::kNone) return true;
  spec.others = store && rng.chance(kCutFromStorePpm) ? std::vector<std::string>{"stores"}
                                                      : far_side(*a, aimer, rng);
  // One-way cuts go either way round: the host deaf or the host mute.
  if (k.others == FaultOthers::kOneWay && rng.chance(500'000)) std::swap(spec.targets, spec.others);
  return true;
}

// The nemesis's aim: a live host, preferably a service's leader (the
// endpoint's target), and the rest of that host's world.
class WorldAimer final : public FaultAimer {
 public:
  WorldAimer(const World& world, std::uint32_t store_members, const ZoneShape& zones)
      : world_(world), store_members_(store_members), places_(place_targets(zones)) {
    for (const Vantage& v : world.vantages)
      monitors_.push_back(v.name);
  }

  std::optional<FaultAim> aim(Rng& rng) override {
    std::vector<HostIndex> live;
    for (HostIndex h = 0; h < world_.hosts.size(); ++h) {
      if (world_.hosts[h].state != HostState::kDestroyed) live.push_back(h);
    }
    if (live.empty()) return std::nullopt;
    HostIndex chosen = pick(live, rng);
    if (rng.chance(600'000)) {
      const ServiceEndpoint& service = world_.services[rng.below(world_.services.size())];
      if (service.target && world_.hosts[*service.target].state != HostState::kDestroyed) {
        chosen = *service.target;
      }
    }
    const Host& host = world_.hosts[chosen];
    FaultAim a{.host = host.name};
    if (std::optional<std::uint32_t> s = world_.find_service(host.service)) {
      for (HostIndex h : world_.services[*s].hosts) {
        if (h != chosen && world_.hosts[h].state != HostState::kDestroyed) {
          a.siblings.push_back(world_.hosts[h].name);
        }
      }
      for (const Client& client : world_.clients) {
        if (client.service == *s) a.clients.push_back(client.name);
      }
    }
    return a;
  }

  const std::vector<std::string>& monitors() const override { return monitors_; }
  std::vector<std::string> every_monitor() const override { return monitors_; }
  std::uint32_t store_members() const override { return store_members_; }
  const std::vector<std::string>& places() const override { return places_; }

 private:
  const World& world_;
  std::uint32_t store_members_;
  std::vector<std::string> monitors_;
  std::vector<std::string> places_;
};

}  // namespace

std::span<const FaultKindInfo> fault_kinds() {
  return kKinds;
}

const FaultKindInfo& info(FaultKind kind) {
  const auto index = static_cast<std::size_t>(kind);
  UNWEDGE_ASSERT_LT(index, kKinds.size());
  UNWEDGE_ASSERT(kKinds[index].kind == kind);
  return kKinds[index];
}

std::optional<FaultKind> find_fault_kind(std::string_view name) {
  for (const FaultKindInfo& k : kKinds) {
    if (k.name == name) return k.kind;
  }
  return std::nullopt;
}

bool aims_at_endpoints(const FaultKindInfo& kind) {
  return kind.targets != FaultTargetClass::kFleet &&
         kind.targets != FaultTargetClass::kCrashPoint && kind.targets != FaultTargetClass::kStore;
}

bool needs_store(const FaultKindInfo& kind) {
  return kind.targets == FaultTargetClass::kStoreMembers ||
         kind.targets == FaultTargetClass::kStore;
}

std::vector<FaultKind> fault_kinds_for(bool has_store) {
  std::vector<FaultKind> kinds;
  for (const FaultKindInfo& k : kKinds) {
    if (has_store || !needs_store(k)) kinds.push_back(k.kind);
  }
  return kinds;
}

std::string store_member_name(std::uint32_t member) {
  return fmt::format("store-{}", member + 1);
}

bool names_store_member(std::string_view target) {
  if (target == "stores" || target == "store:leader") return true;
  if (!target.starts_with("store-")) return false;
  const std::string_view number = target.substr(6);
  return !number.empty() && number.size() <= 2 && number[0] >= '1' && number[0] <= '9' &&
         number.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string describe(const FaultSpec& spec) {
  std::string out{info(spec.kind).name};
  switch (info(spec.kind).others) {
    case FaultOthers::kBothWays:
      out += fmt::format(" {} x {}", set_text(spec.targets), set_text(spec.others));
      break;
    case FaultOthers::kOneWay:
      out += fmt::format(" {} -> {}", set_text(spec.targets), set_text(spec.others));
      break;
    case FaultOthers::kNone:
      out += " " + set_text(spec.targets);
      break;
  }
  if (spec.amount != 0) out += fmt::format(" amount {}", spec.amount);
  if (spec.duration_us > 0) out += fmt::format(" for {}s", spec.duration_us / kSecond);
  return out;
}

// The order of the draws is part of what every saved seed means: a fault
// aimed at a host draws its amount before its aim, every other kind after
// its targets.
std::optional<FaultSpec> draw_fault(FaultKind kind, FaultAimer& aimer, Rng& rng) {
  const FaultKindInfo& k = info(kind);
  FaultSpec spec{.kind = kind};
  switch (k.targets) {
    case FaultTargetClass::kEndpoints:
    case FaultTargetClass::kServers:
    case FaultTargetClass::kHosts:
      spec.amount = drawn_amount(k.drawn, rng);
      if (!aim_at_host(k, aimer, rng, spec)) return std::nullopt;
      break;
    case FaultTargetClass::kStoreMembers:
      if (aimer.store_members() == 0) return std::nullopt;
      spec.targets = {store_target(aimer, rng)};
      spec.amount = drawn_amount(k.drawn, rng);
      break;
    case FaultTargetClass::kStore:
      if (aimer.store_members() == 0) return std::nullopt;
      spec.amount = drawn_amount(k.drawn, rng);
      break;
    case FaultTargetClass::kClocks:
      spec.targets = {clock_owner(aimer, rng)};
      spec.amount = drawn_amount(k.drawn, rng);
      break;
    case FaultTargetClass::kFleet:
      spec.amount = drawn_amount(k.drawn, rng);
      break;
    case FaultTargetClass::kCrashPoint:
      spec.targets = {std::string(kCrashPointNames[rng.below(std::size(kCrashPointNames))])};
      spec.amount = drawn_amount(k.drawn, rng);
      break;
  }
  if (k.lasts) spec.duration_us = 10 * kSecond + rng.exponential(k.drawn.duration_mean_us);
  return spec;
}

std::optional<FaultSpec> draw_fault(FaultKind kind, const World& world, Rng& rng,
                                    std::uint32_t store_members, const ZoneShape& zones) {
  WorldAimer aimer(world, store_members, zones);
  return draw_fault(kind, aimer, rng);
}

std::vector<std::string> place_targets(const ZoneShape& zones) {
  std::vector<std::string> out;
  for (const std::string& zone : zones.names)
    out.push_back("zone:" + zone);
  for (const std::string& zone : zones.names) {
    for (std::uint32_t rack = 1; rack <= zones.racks; ++rack)
      out.push_back(fmt::format("rack:{}/{}", zone, rack));
  }
  return out;
}

}  // namespace unwedge::sim
