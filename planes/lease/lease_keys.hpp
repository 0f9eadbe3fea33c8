// What the keepers of one service share in the consensus store, and how its
// values are written.
//
//   /service/<id>/leader      the lease: the leader's name, with a ttl;
//                             created by compare-and-set on its absence,
//                             renewed by compare-and-set on its revision
//   /service/<id>/optime      the leader's last published position:
//                             "<timeline> <lsn> <node>[ final]"; "final" once
//                             it fenced itself, so a candidate that reaches it
//                             holds every write the old leader acknowledged
//   /service/<id>/switchover  an operator's request: "to:<node>" (hand over to
//                             it) or "from:<node>" (step away from it), with a
//                             ttl, so a request nobody can carry out lapses
//   /service/<id>/members     every node whose keeper ever ran, sorted, space
//                             separated; a keeper adds itself (compare-and-set)
//                             before it first races or follows, so a candidate
//                             knows how many standbys may hold a write
//
//   std::optional<Optime> published = parse_optime(answer.value);
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/telemetry.hpp"

namespace unwedge::lease {

std::string lease_key(std::string_view service);
std::string optime_key(std::string_view service);
std::string switchover_key(std::string_view service);
std::string members_key(std::string_view service);

std::string format_members(const std::vector<std::string>& members);
// Nothing when `text` is not a member list this plane wrote.
std::optional<std::vector<std::string>> parse_members(std::string_view text);

struct Optime {
  core::Term timeline = 0;
  core::LogPosition lsn = 0;
  std::string by;  // the leader that published it
  bool final = false;

  friend bool operator==(const Optime&, const Optime&) = default;
};

std::string format_optime(const Optime& optime);
// Nothing when `text` is not an optime this plane wrote.
std::optional<Optime> parse_optime(std::string_view text);

// A switchover request as the store holds it.
struct Switchover {
  enum class Kind : std::uint8_t { kTo, kFrom };
  Kind kind = Kind::kFrom;
  std::string node;

  friend bool operator==(const Switchover&, const Switchover&) = default;
};

std::string format_switchover(const Switchover& switchover);
std::optional<Switchover> parse_switchover(std::string_view text);

}  // namespace unwedge::lease
