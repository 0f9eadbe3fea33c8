// The fleet API vocabulary of a simulated (or real) Postgres fleet: the verbs
// its Infra takes and the words its monitoring uses for a node's readings.
//
// core/ knows a request only as an opaque verb, a target, an argument and an
// idempotency key; this header gives the verbs their meaning for a fleet of
// Postgres hosts, so any Postgres control plane (the reference plane, or a
// team's own) and the simulated fleet speak the same language.
//
//   core::Operation op = ctx.call(pgworld::kFence, "db1-2");
//   fmt::print("{}\n", pgworld::to_string(pgworld::kFence));  // "fence"
#pragma once

#include <cstdint>

#include "core/infra.hpp"
#include "core/telemetry.hpp"

namespace unwedge::pgworld {

// A position in a node's write-ahead log, and its timeline: what a Postgres
// node reports as core's log position and term.
using Lsn = core::LogPosition;
using Timeline = core::Term;

// The verbs, numbered densely from 0 (kVerbs counts them); the numbers are
// part of no file format, only the names are.
inline constexpr core::InfraVerb kCreateHost{0};   // target: host id; argument: its service
inline constexpr core::InfraVerb kStartHost{1};    // target: host id
inline constexpr core::InfraVerb kStopHost{2};     // target: host id
inline constexpr core::InfraVerb kDestroyHost{3};  // target: host id
inline constexpr core::InfraVerb kPromote{4};      // target: node; argument: the new timeline
// target: node; argument: the leader to follow (refused by a node on a newer
// timeline than that leader's, or whose log diverged from the leader's
// history: that node needs kRewind first)
inline constexpr core::InfraVerb kFollow{5};
inline constexpr core::InfraVerb kUnfollow{
    6};  // target: node; it takes writes on a timeline of its own
inline constexpr core::InfraVerb kFence{7};    // target: node; it must stop accepting writes
inline constexpr core::InfraVerb kUnfence{8};  // target: node; it may accept writes again
// target: service endpoint; argument: the node it routes to
inline constexpr core::InfraVerb kPointEndpoint{9};
// target: certificate id; argument: the subject
inline constexpr core::InfraVerb kIssueCertificate{10};
inline constexpr core::InfraVerb kInstallCertificate{11};  // target: node; argument: certificate id
inline constexpr core::InfraVerb kRevokeCertificate{12};   // target: certificate id
// target: node; it stops applying its upstream's log
inline constexpr core::InfraVerb kStopReplication{13};
// target: node; argument: the leader. The node's agent stops its database,
// winds its log back to the history it shares with the leader (pg_rewind)
// and starts it again, not yet following anyone. A node whose log diverged
// from a leader's can follow it only after this.
inline constexpr core::InfraVerb kRewind{14};
inline constexpr std::uint16_t kVerbs = 15;

// "promote"; "unknown" for a verb outside the vocabulary.
const char* to_string(core::InfraVerb verb);

}  // namespace unwedge::pgworld
