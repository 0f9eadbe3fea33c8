// The consensus store's state machine (kv.hpp): execution of each request
// kind, revisions and the de-duplication table.
#include "worlds/consensus/kv.hpp"

#include <fmt/format.h>
#include <utility>

#include "core/assert.hpp"

namespace unwedge::consensus {

std::string_view to_string(OpKind kind) {
  switch (kind) {
    case OpKind::kGet:
      return "get";
    case OpKind::kPut:
      return "put";
    case OpKind::kCompareAndSet:
      return "compare_and_set";
    case OpKind::kRemove:
      return "remove";
    case OpKind::kCompareAndRemove:
      return "compare_and_remove";
  }
  return "?";
}

bool is_write(OpKind kind) {
  return kind != OpKind::kGet;
}

std::string_view to_string(ReplyStatus status) {
  switch (status) {
    case ReplyStatus::kOk:
      return "ok";
    case ReplyStatus::kNotLeader:
      return "not leader";
    case ReplyStatus::kUnavailable:
      return "unavailable";
    case ReplyStatus::kUnknown:
      return "unknown";
  }
  return "?";
}

Request get_request(std::string key) {
  return Request{.kind = OpKind::kGet, .key = std::move(key)};
}

Request put_request(std::string key, std::string value, TimeUs ttl_us) {
  UNWEDGE_ASSERT_LE(0, ttl_us);
  return Request{
      .kind = OpKind::kPut, .key = std::move(key), .value = std::move(value), .ttl_us = ttl_us};
}

Request compare_and_set_request(std::string key, Revision expected_revision, std::string value,
                                TimeUs ttl_us) {
  UNWEDGE_ASSERT_LE(0, ttl_us);
  return Request{.kind = OpKind::kCompareAndSet,
                 .key = std::move(key),
                 .value = std::move(value),
                 .expected_revision = expected_revision,
                 .ttl_us = ttl_us};
}

Request remove_request(std::string key) {
  return Request{.kind = OpKind::kRemove, .key = std::move(key)};
}

Request compare_and_remove_request(std::string key, Revision expected_revision) {
  return Request{.kind = OpKind::kCompareAndRemove,
                 .key = std::move(key),
                 .expected_revision = expected_revision};
}

namespace {

std::string ttl_text(TimeUs ttl_us) {
  if (ttl_us == 0) return "";
  return fmt::format(", ttl {}.{:06}s", ttl_us / core::kSecond, ttl_us % core::kSecond);
}

}  // namespace

std::string describe(const Request& request) {
  switch (request.kind) {
    case OpKind::kGet:
      return fmt::format("get({})", request.key);
    case OpKind::kPut:
      return fmt::format("put({}, {}{})", request.key, request.value, ttl_text(request.ttl_us));
    case OpKind::kCompareAndSet:
      return fmt::format("compare_and_set({}, expected {}, {}{})", request.key,
                         request.expected_revision == 0
                             ? std::string("absent")
                             : fmt::format("revision {}", request.expected_revision),
                         request.value, ttl_text(request.ttl_us));
    case OpKind::kRemove:
      return fmt::format("remove({})", request.key);
    case OpKind::kCompareAndRemove:
      return fmt::format("compare_and_remove({}, expected revision {})", request.key,
                         request.expected_revision);
  }
  return "?";
}

std::string describe(const Reply& reply) {
  if (reply.status != ReplyStatus::kOk) return std::string(to_string(reply.status));
  if (reply.succeeded) {
    if (!reply.value.empty()) {
      return fmt::format("ok: {} at revision {}", reply.value, reply.revision);
    }
    return fmt::format("ok: succeeded, revision {}", reply.revision);
  }
  if (reply.revision == 0) return "ok: failed, key absent";
  return fmt::format("ok: failed, current {} at revision {}", reply.value, reply.revision);
}

const KeyValue* KvStore::find(const std::string& key) const {
  auto it = keys_.find(key);
  return it == keys_.end() ? nullptr : &it->second;
}

std::optional<Reply> KvStore::apply_request(const Request& request) {
  UNWEDGE_ASSERT_LT(0u, request.sequence);
  auto session = sessions_.find(request.client);
  if (session != sessions_.end()) {
    if (request.sequence < session->second.sequence) return std::nullopt;
    if (request.sequence == session->second.sequence) {
      UNWEDGE_ASSERT_EQ(session->second.reply.sequence, request.sequence);
      return session->second.reply;
    }
  } else {
    UNWEDGE_ASSERT_LT(sessions_.size(), sessions_max_);
  }
  Reply reply = execute(request);
  sessions_[request.client] = Session{.sequence = request.sequence, .reply = reply};
  return reply;
}

Reply KvStore::read(const Request& request) const {
  UNWEDGE_ASSERT(request.kind == OpKind::kGet);
  Reply reply{.client = request.client, .sequence = request.sequence};
  if (const KeyValue* current = find(request.key)) {
    reply.succeeded = true;
    reply.value = current->value;
    reply.revision = current->revision;
  }
  return reply;
}

Reply KvStore::execute(const Request& request) {
  Reply reply{.client = request.client, .sequence = request.sequence};
  const KeyValue* current = find(request.key);
  // A compare that fails answers with what the key holds, so the client
  // learns why without a second read.
  auto fail_with_current = [&] {
    reply.succeeded = false;
    reply.value = current ? current->value : std::string();
    reply.revision = current ? current->revision : 0;
  };
  switch (request.kind) {
    case OpKind::kGet:
      return read(request);
    case OpKind::kPut:
      reply.succeeded = true;
      reply.revision = write(request.key, request.value, request.ttl_us);
      return reply;
    case OpKind::kCompareAndSet: {
      const bool holds = request.expected_revision == 0
                             ? current == nullptr
                             : current != nullptr && current->revision == request.expected_revision;
      if (!holds) {
        fail_with_current();
        return reply;
      }
      reply.succeeded = true;
      reply.revision = write(request.key, request.value, request.ttl_us);
      return reply;
    }
    case OpKind::kRemove:
      if (current == nullptr) return reply;
      reply.succeeded = true;
      reply.revision = erase(request.key);
      return reply;
    case OpKind::kCompareAndRemove:
      if (current == nullptr || current->revision != request.expected_revision) {
        fail_with_current();
        return reply;
      }
      reply.succeeded = true;
      reply.revision = erase(request.key);
      return reply;
  }
  UNWEDGE_ASSERT_MSG(false, "unknown request kind {}", static_cast<int>(request.kind));
  return reply;
}

bool KvStore::apply_expiry(const std::string& key, Revision revision) {
  UNWEDGE_ASSERT_LT(0u, revision);
  const KeyValue* current = find(key);
  if (current == nullptr || current->revision != revision) return false;
  UNWEDGE_ASSERT_LT(0, current->ttl_us);
  erase(key);
  return true;
}

Revision KvStore::write(const std::string& key, const std::string& value, TimeUs ttl_us) {
  UNWEDGE_ASSERT_LE(0, ttl_us);
  ++revision_;
  keys_[key] = KeyValue{.value = value, .revision = revision_, .ttl_us = ttl_us};
  return revision_;
}

Revision KvStore::erase(const std::string& key) {
  const std::size_t erased = keys_.erase(key);
  UNWEDGE_ASSERT_EQ(erased, 1u);
  ++revision_;
  return revision_;
}

}  // namespace unwedge::consensus
