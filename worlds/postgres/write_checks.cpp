#include "worlds/postgres/write_checks.hpp"

#include <fmt/format.h>

#include "core/assert.hpp"

namespace unwedge::pgworld {

std::optional<WriteFinding> WriteChecks::on_ack(std::uint32_t service, std::uint64_t write_id,
                                                const WriteOutcome& outcome) {
  UNWEDGE_ASSERT(outcome.node.has_value());
  const Host& node = world_->hosts[*outcome.node];
  std::optional<WriteFinding> found;
  auto it = last_ack_.find(service);
  if (it != last_ack_.end()) {
    const LastAck& last = it->second;
    if (!node.db.wal.contains(last.lsn, last.timeline)) {
      const Host& other = world_->hosts[last.node];
      found = WriteFinding{
          .entity = world_->services[service].name,
          .message = fmt::format(
              "write w-{} acknowledged by {} at LSN {} on timeline {} is on a history without "
              "w-{}, acknowledged earlier by {} at LSN {} on timeline {}: two nodes of {} "
              "accepted writes on diverging histories",
              write_id, node.name, outcome.lsn, outcome.timeline, last.write_id, other.name,
              last.lsn, last.timeline, world_->services[service].name)};
    }
  }
  last_ack_[service] = LastAck{.write_id = write_id,
                               .node = *outcome.node,
                               .lsn = outcome.lsn,
                               .timeline = outcome.timeline};
  return found;
}

std::optional<WriteFinding> WriteChecks::missing_write_on(std::uint32_t service, HostIndex leader,
                                                          std::string_view why) const {
  const ServiceEndpoint& endpoint = world_->services[service];
  const Host& host = world_->hosts[leader];
  for (const auto& [timeline, write] : endpoint.acked) {
    if (host.db.wal.contains(write.lsn, timeline)) continue;
    // One lost write is enough to tell.
    return WriteFinding{
        .entity = endpoint.name,
        .message = fmt::format(
            "write w-{} acknowledged by {} at LSN {} on timeline {} is missing from {} {} "
            "(timeline {}, LSN {}) {}",
            write.write_id, world_->hosts[write.node].name, write.lsn, timeline,
            leader == write.node ? "its own node" : "the leader", host.name, host.db.wal.timeline(),
            host.db.wal.flushed_lsn(), why)};
  }
  return std::nullopt;
}

}  // namespace unwedge::pgworld
