// A linearizability checker for histories of the consensus store (kv.hpp):
// a pure function of the history, in the manner of Jepsen's Knossos and
// Porcupine.
//
// The history holds every client operation - when it was invoked, when its
// answer came back (or that it never did: outcome unknown), what it asked
// and what it was told - and every expiry the store applied, with the
// interval in which it took effect (from the leader's proposal to the first
// member applying it). The checker searches for an order of the operations
// that respects real time (an operation that completed before another was
// invoked comes first; an answer and an invocation in the same microsecond
// count as concurrent, since the history does not say which came first) and the sequential
// specification of the store: a map with compare-and-set, revisions that grow with every change,
// and TTL keys removed by their expiry entries. An operation whose outcome is unknown may have
// taken effect at any instant after its invocation, or never.
//
// The search is Wing and Gong's, with Lowe's memoization of (operations
// already ordered, state of the key), run one key at a time: a map is
// linearizable if and only if each key's sub-history is (linearizability is
// compositional). Across keys it checks that no two changes report the same
// store revision (and nothing else: the real-time order of revisions across
// keys is not checked). A key's history falls into windows at its quiescent
// points, where every completed operation invoked so far has completed
// before the next is invoked: a search node is one window's progress plus
// the operations of unknown outcome still open, so a step costs what its
// window holds, not what the whole history holds. The search is bounded
// (CheckLimits, over all of a key's windows); a key beyond the bound is
// reported "not checked: too large", never passed.
//
//   History history;
//   history.operations.push_back(HistoryOp{.request = put, .invoke_us = 0,
//                                          .complete_us = 10, .result = reply});
//   CheckResult result = check_linearizability(history);
//   if (result.verdict == Verdict::kViolation) fmt::print("{}\n", result.explanation);
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "worlds/consensus/kv.hpp"

namespace unwedge::consensus {

struct HistoryOp {
  Request request;  // its client and sequence name it in explanations
  TimeUs invoke_us = 0;
  // When the client received an answer with status kOk; nullopt when it
  // never did (timed out, or answered kUnknown and given up).
  std::optional<TimeUs> complete_us;
  Reply result;  // meaningful only with complete_us
};

// An expiry that removed `key` at `revision`: it took effect at one instant
// in [proposed_us, applied_us].
struct HistoryExpiry {
  std::string key;
  Revision revision = 0;
  TimeUs proposed_us = 0;
  TimeUs applied_us = 0;
};

struct History {
  std::vector<HistoryOp> operations;
  std::vector<HistoryExpiry> expirations;
};

struct CheckLimits {
  // Distinct (ordered operations, state) pairs the search visits for one key.
  std::size_t states_per_key_max = 500'000;
  // Operations (with expirations) of one key.
  std::size_t operations_per_key_max = 5'000;
};

enum class Verdict : std::uint8_t {
  kLinearizable,
  kViolation,
  kTooLarge,  // not checked: a key's search passed its bound
};

std::string_view to_string(Verdict verdict);

struct KeyResult {
  std::string key;
  Verdict verdict = Verdict::kLinearizable;
  std::size_t operations = 0;  // including expirations and unknown outcomes
  std::size_t states = 0;      // visited by the search
  std::string explanation;     // for kViolation and kTooLarge
};

struct CheckResult {
  Verdict verdict = Verdict::kLinearizable;
  // For kViolation: the key, the operations, what they observed and what
  // any linearization allows; for kTooLarge: which key and which bound.
  std::string explanation;
  std::vector<KeyResult> keys;  // in key order
  std::size_t states = 0;       // over all keys
};

CheckResult check_linearizability(const History& history, const CheckLimits& limits = {});

// "#12 client 3 seq 5: compare_and_set(k, expected revision 4, v) [1.200000s, 1.250000s]
// -> ok: succeeded, revision 9"; `index` is the operation's position in the
// history.
std::string describe(const HistoryOp& op, std::size_t index);

}  // namespace unwedge::consensus
