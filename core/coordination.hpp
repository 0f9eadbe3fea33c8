// Coordination: the consensus store a control plane's agents share, in the
// role etcd, ZooKeeper or Consul play for high-availability managers: a
// linearizable key-value store with compare-and-set, where every change is
// numbered by a revision and a key may expire a time to live after it was
// last written, counted by the store.
//
// It is asked like the fleet API (core/infra.hpp): every request carries a
// request key. The first ask with a key sends the request; every later ask
// with the same key sends nothing and says where it is: pending while the
// answer is on its way, answered, or failed when the client gave up (no
// member reachable, no quorum). A failed write may still have been applied,
// as after any real client's timeout: read again before acting on it. A step
// that runs again asks again with the same key and finds its answer.
//
//   KvAnswer lease = coordination.ask(ctx.key("acquire"),
//                                     {.kind = KvKind::kCompareAndSet, .key = "/db1/leader",
//                                      .value = "db1-2", .ttl_us = 30 * kSecond});
//   if (lease.state == KvState::kPending) return StepResult::wait("acquiring the lease");
//   if (lease.state == KvState::kAnswered && lease.succeeded) { /* it holds the lease */ }
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace unwedge::core {

enum class KvKind : std::uint8_t {
  kGet,               // the key's value and revision
  kPut,               // writes the value (with a time to live, or none)
  kCompareAndSet,     // writes it if the key is at expected_revision (0: absent)
  kRemove,            // removes the key
  kCompareAndRemove,  // removes it if the key is at expected_revision
};

const char* to_string(KvKind kind);

struct KvRequest {
  KvKind kind = KvKind::kGet;
  std::string key;
  std::string value;                    // kPut, kCompareAndSet
  std::uint64_t expected_revision = 0;  // kCompareAndSet, kCompareAndRemove
  TimeUs ttl_us = 0;                    // kPut, kCompareAndSet; 0: the key never expires

  friend bool operator==(const KvRequest&, const KvRequest&) = default;
};

enum class KvState : std::uint8_t {
  kPending,   // sent; ask again later with the same request key
  kAnswered,  // the store answered: see `succeeded`
  kFailed,    // the client gave up; a write may still have been applied
};

const char* to_string(KvState state);

struct KvAnswer {
  KvState state = KvState::kPending;
  // kGet: the key exists. A compare: the comparison held and the write was
  // made. kPut, kRemove: always, once answered.
  bool succeeded = false;
  std::string value;           // kGet, and a failed compare: the key's value now
  std::uint64_t revision = 0;  // the key's revision (kGet, a failed compare), or the write's
  std::string detail;          // why it failed, for traces and messages

  bool holds() const { return state == KvState::kAnswered && succeeded; }
};

class Coordination {
 public:
  virtual ~Coordination() = default;
  virtual KvAnswer ask(std::string_view request_key, const KvRequest& request) = 0;
};

}  // namespace unwedge::core
