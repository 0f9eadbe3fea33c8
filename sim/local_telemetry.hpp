// LocalTelemetry: a node's own database as its agent reads it locally (the
// way a keeper queries the server on its own host): one reading, from the
// vantage "local" and of age 0, while the database runs; none while it is
// down. It crosses no network and no monitoring.
//
//   LocalTelemetry local("db1-2", [&] { return reading_of(host); });
//   local.checkins("db1-2");  // one Checkin, or none
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/telemetry.hpp"

namespace unwedge::sim {

class LocalTelemetry final : public core::Telemetry {
 public:
  // `read` gives the node's reading now, or nothing while its database is down.
  using Read = std::function<std::optional<core::Checkin>()>;

  LocalTelemetry(std::string node, Read read) : node_(std::move(node)), read_(std::move(read)) {}

  // The node's own reading; nothing for any other host (an agent sees only its node).
  std::vector<core::Checkin> checkins(std::string_view host) const override;

 private:
  std::string node_;
  Read read_;
};

}  // namespace unwedge::sim
