// What the decisions about one service's entities read of the world besides
// their own records, for a controller that decides only what changed.
//
// Every entity of the reference plane belongs to one service: the service
// itself, its servers and their replica links, its certificate. They are
// decided together, as a group, whenever one of the group's inputs moves:
//   - a record of the group is written (the controller sees its own
//     commits; others' reach it as requests);
//   - monitoring's facts about the group's hosts change (facts() below):
//     how many vantage points heard each host lately or have long missed
//     it, and how far behind its leader each replica is, as far as the
//     tables can tell the difference;
//   - time moves a fact by itself: a check-in ages past missed_after, a
//     silence reaches unreachable_after, a certificate nears its expiry
//     (GroupFacts::steady_for_us).
// The facts are what signals.cpp derives its signals from; a signal that
// read anything else would be missed, and the simulator's audit of the
// controller reports it ("missed decision").
//
//   Group group = read_group(txn, "db1");
//   GroupFacts now = facts(group.shape, telemetry, settings, now_us);
//   if (now.values != before.values) decide(group);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/store.hpp"
#include "core/telemetry.hpp"
#include "core/time.hpp"
#include "planes/postgres/settings.hpp"

namespace unwedge::postgres {

struct HostShape {
  std::string id;                     // the server's, the host's name
  core::TimeUs watched_since_us = 0;  // when the server entered its state
};

// The records a group's facts are judged by, as the Store held them when the
// group was last decided; any write to them makes the group decided again.
struct GroupShape {
  std::string leader;
  bool failover_requested = false;
  std::vector<HostShape> hosts;  // every server the service named, in id order
  std::optional<core::TimeUs> certificate_not_after_us;  // once issued
};

// One service's entities, by kind, and their shape; empty when the Store
// has no such service.
struct Group {
  std::string service;
  std::vector<std::string> servers;  // replica links share their servers' ids
  std::vector<std::string> links;
  std::string certificate;  // empty until one is named
  GroupShape shape;
};
std::optional<Group> read_group(core::Transaction& txn, const std::string& service);

struct GroupFacts {
  std::vector<std::int64_t> values;  // compared whole: any change decides the group
  // How long, by the control plane's clock, the values surely stay as they
  // are if nothing new is heard and nothing is written; kForever if for ever.
  core::TimeUs steady_for_us = core::kForever;
};
GroupFacts facts(const GroupShape& shape, const core::Telemetry& telemetry,
                 const Settings& settings, core::TimeUs now_us);

}  // namespace unwedge::postgres
