#include "tests/lease/fake_coordination.hpp"

#include <stdexcept>

#include "core/assert.hpp"

namespace unwedge::lease::testing {

using core::KvAnswer;
using core::KvKind;
using core::KvState;

void FakeCoordination::expire() {
  for (auto it = keys_.begin(); it != keys_.end();) {
    if (it->second.ttl_us > 0 && clock_.now_us() >= it->second.written_us + it->second.ttl_us) {
      ++revision_;
      it = keys_.erase(it);
    } else {
      ++it;
    }
  }
}

const std::map<std::string, FakeCoordination::Entry, std::less<>>& FakeCoordination::keys() {
  expire();
  return keys_;
}

std::optional<std::string> FakeCoordination::value(std::string_view key) {
  expire();
  auto it = keys_.find(key);
  if (it == keys_.end()) return std::nullopt;
  return it->second.value;
}

KvAnswer FakeCoordination::apply(const core::KvRequest& r) {
  expire();
  auto it = keys_.find(r.key);
  const bool exists = it != keys_.end();
  const std::uint64_t current = exists ? it->second.revision : 0;
  KvAnswer answer{.state = KvState::kAnswered};
  const auto write = [&] {
    keys_[r.key] = Entry{.value = r.value,
                         .revision = ++revision_,
                         .written_us = clock_.now_us(),
                         .ttl_us = r.ttl_us};
    answer.succeeded = true;
    answer.revision = revision_;
  };
  const auto refuse = [&] {
    answer.succeeded = false;
    answer.value = exists ? it->second.value : "";
    answer.revision = current;
  };
  switch (r.kind) {
    case KvKind::kGet:
      answer.succeeded = exists;
      answer.value = exists ? it->second.value : "";
      answer.revision = current;
      break;
    case KvKind::kPut:
      write();
      break;
    case KvKind::kCompareAndSet:
      if (current == r.expected_revision) {
        write();
      } else {
        refuse();
      }
      break;
    case KvKind::kRemove:
      if (exists) keys_.erase(it);
      answer.succeeded = true;
      answer.revision = ++revision_;
      break;
    case KvKind::kCompareAndRemove:
      if (exists && current == r.expected_revision) {
        keys_.erase(it);
        answer.succeeded = true;
        answer.revision = ++revision_;
      } else {
        refuse();
      }
      break;
  }
  ++applied_;
  return answer;
}

KvAnswer FakeCoordination::ask(std::string_view request_key, const core::KvRequest& request) {
  UNWEDGE_ASSERT(!request_key.empty());
  auto it = asked_.find(request_key);
  if (it == asked_.end()) {
    it = asked_.emplace(std::string(request_key), Asked{.request = request}).first;
  } else {
    UNWEDGE_ASSERT_MSG(it->second.request == request, "key {} reused for another request",
                       request_key);
  }
  Asked& asked = it->second;
  if (asked.answer) return *asked.answer;
  if (!reachable) {
    asked.answer = KvAnswer{.state = KvState::kFailed, .detail = "no member reachable"};
    return *asked.answer;
  }
  if (asked.asks++ < answer_after_asks) return KvAnswer{.state = KvState::kPending};
  asked.answer = apply(request);
  if (throw_after_apply != 0 && applied_ == throw_after_apply) {
    throw std::runtime_error("crash after the store acted");
  }
  return *asked.answer;
}

}  // namespace unwedge::lease::testing
