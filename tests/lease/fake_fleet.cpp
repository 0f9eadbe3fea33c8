#include "tests/lease/fake_fleet.hpp"

#include <stdexcept>

#include "core/assert.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::lease::testing {

void FakeFleet::catch_up(const std::string& node) {
  FakeDb& db = dbs.at(node);
  if (!db.running || db.primary || db.upstream.empty()) return;
  const FakeDb& up = dbs.at(db.upstream);
  if (!up.running) return;
  db.lsn = up.lsn;
  db.term = up.term;
}

std::optional<std::string> FakeFleet::apply(const core::InfraRequest& r) {
  FakeDb& db = dbs.at(r.target);
  if (!db.running) return r.target + "'s database is down";
  if (r.verb == pgworld::kFence) {
    db.fenced = true;
  } else if (r.verb == pgworld::kUnfence) {
    db.fenced = false;
  } else if (r.verb == pgworld::kPromote) {
    const core::Term timeline = std::stoull(r.argument);
    if (db.primary && db.term >= timeline) return std::nullopt;
    if (db.term >= timeline) return "on a newer timeline already";
    db.primary = true;
    db.term = timeline;
    db.upstream.clear();
  } else if (r.verb == pgworld::kFollow) {
    if (db.term > dbs.at(r.argument).term) return "on a newer timeline than its leader";
    db.primary = false;
    db.upstream = r.argument;
    catch_up(r.target);
  } else if (r.verb == pgworld::kStopReplication) {
    db.upstream.clear();
  } else if (r.verb == pgworld::kRewind) {
    // The fake keeps no history to wind back: only the restart in recovery.
    db.primary = false;
    db.upstream.clear();
  } else {
    return "not a local command";
  }
  return std::nullopt;
}

core::Operation FakeLocal::request(const core::InfraRequest& request) {
  UNWEDGE_ASSERT_EQ(request.target, node_);
  UNWEDGE_ASSERT(!request.idempotency_key.empty());
  if (auto it = by_key_.find(request.idempotency_key); it != by_key_.end()) {
    UNWEDGE_ASSERT(it->second.first == request);
    return it->second.second;
  }
  core::Operation op{.state = core::OperationState::kSucceeded};
  if (std::optional<std::string> why = fleet_.apply(request)) {
    op = {.state = core::OperationState::kFailed, .detail = *why};
  }
  by_key_.emplace(request.idempotency_key, std::make_pair(request, op));
  ++commands_;
  if (throw_after_command != 0 && commands_ == throw_after_command) {
    throw std::runtime_error("crash after the command");
  }
  return op;
}

std::vector<core::Checkin> FakeReading::checkins(std::string_view host) const {
  UNWEDGE_ASSERT_EQ(host, node_);
  fleet_.catch_up(node_);
  const FakeDb& db = fleet_.dbs.at(node_);
  if (!db.running) return {};
  return {core::Checkin{.vantage = "local",
                        .log_position = db.lsn,
                        .term = db.term,
                        .accepts_writes = db.accepts_writes()}};
}

}  // namespace unwedge::lease::testing
