// The consensus store's client vocabulary and its state machine: a
// key-value map with revisions, compare-and-set, TTL keys and per-client
// de-duplication of retried requests.
//
// Every committed change bumps the store's revision; a key carries the
// revision it was last written at (its mod revision). A request carries
// (client, sequence): a client has one request outstanding at a time and
// retries it with the same sequence, so the state machine applies it at most
// once and answers every retry with the first answer. The members of the
// store (member.hpp) apply the same log in the same order, so each holds
// the same KvStore.
//
//   Request cas = compare_and_set_request("leader", 0, "node-2", 10 * core::kSecond);
//   cas.client = 7;
//   cas.sequence = 1;
//   std::optional<Reply> reply = store.apply_request(cas);  // created: reply->succeeded
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace unwedge::consensus {

using core::TimeUs;
using MemberId = std::uint32_t;
using ClientId = std::uint64_t;
using Sequence = std::uint64_t;
using Term = std::uint64_t;
using LogIndex = std::uint64_t;
using Revision = std::uint64_t;

enum class OpKind : std::uint8_t {
  kGet,
  kPut,
  kCompareAndSet,     // expected_revision 0: create only if absent
  kRemove,            // succeeds (removes) if the key exists
  kCompareAndRemove,  // removes only if the key is at expected_revision
};

std::string_view to_string(OpKind kind);
// True for the kinds that go through the log and may change the store.
bool is_write(OpKind kind);

struct Request {
  ClientId client = 0;
  Sequence sequence = 0;  // from 1, increasing per client; a retry reuses it
  OpKind kind = OpKind::kGet;
  std::string key;
  std::string value;               // put, compare_and_set
  Revision expected_revision = 0;  // compare_and_set, compare_and_remove
  TimeUs ttl_us = 0;               // put, compare_and_set; 0: the key never expires

  friend bool operator==(const Request&, const Request&) = default;
};

// Requests without their client and sequence, which the caller fills in.
Request get_request(std::string key);
Request put_request(std::string key, std::string value, TimeUs ttl_us = 0);
Request compare_and_set_request(std::string key, Revision expected_revision, std::string value,
                                TimeUs ttl_us = 0);
Request remove_request(std::string key);
Request compare_and_remove_request(std::string key, Revision expected_revision);

enum class ReplyStatus : std::uint8_t {
  kOk,           // executed: the result fields hold its outcome
  kNotLeader,    // this member did not accept it (try leader_hint)
  kUnavailable,  // refused, not accepted: the leader's queues are full
  kUnknown,      // accepted, then this member lost its leadership before the
                 // outcome was known: it may or may not apply; retry it
};

std::string_view to_string(ReplyStatus status);

// The result of a request, by kind (only with status kOk):
//   get:                succeeded = found; value and revision = the key's
//   put:                succeeded; revision = the write's
//   compare_and_set:    succeeded: revision = the write's;
//                       failed: value and revision = the key's (0 when absent)
//   remove:             succeeded = it existed; revision = the removal's
//   compare_and_remove: as compare_and_set
struct Reply {
  ClientId client = 0;
  Sequence sequence = 0;
  ReplyStatus status = ReplyStatus::kOk;
  std::optional<MemberId> leader_hint;
  bool succeeded = false;
  std::string value;
  Revision revision = 0;

  friend bool operator==(const Reply&, const Reply&) = default;
};

// "put(leader, node-2, ttl 10.000000s)"
std::string describe(const Request& request);
// "ok: succeeded, revision 7" / "ok: failed, current node-1 at revision 5"
std::string describe(const Reply& reply);

struct KeyValue {
  std::string value;
  Revision revision = 0;  // the store revision of its last write
  TimeUs ttl_us = 0;      // of its last write; 0: no expiry

  friend bool operator==(const KeyValue&, const KeyValue&) = default;
};

// The replicated state machine. Deterministic: the same sequence of applied
// commands gives the same state on every member.
class KvStore {
 public:
  // sessions_max bounds the de-duplication table: one entry per client.
  explicit KvStore(std::size_t sessions_max = 1 << 16) : sessions_max_(sessions_max) {}

  // Applies a client request once: a retry of the client's last request
  // gets that request's reply again, an older sequence gets nothing (its
  // client has moved on and no longer waits for it).
  std::optional<Reply> apply_request(const Request& request);
  // Expires `key` if it is still at `revision`; true if it removed it.
  bool apply_expiry(const std::string& key, Revision revision);
  // The answer to a get, from this state.
  Reply read(const Request& request) const;

  const std::map<std::string, KeyValue>& keys() const { return keys_; }
  const KeyValue* find(const std::string& key) const;
  Revision revision() const { return revision_; }

 private:
  Reply execute(const Request& request);
  Revision write(const std::string& key, const std::string& value, TimeUs ttl_us);
  Revision erase(const std::string& key);

  struct Session {
    Sequence sequence = 0;
    Reply reply;
  };

  std::size_t sessions_max_;
  std::map<std::string, KeyValue> keys_;
  Revision revision_ = 0;
  std::map<ClientId, Session> sessions_;
};

}  // namespace unwedge::consensus
