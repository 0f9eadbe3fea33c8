// WriteChecks: the checkers that need the Postgres world's data, over the
// writes its clients were told were committed.
//
// Every acknowledged write survives on the service's leader (no lost writes:
// asked after every promotion and at the end of a run), and the acknowledged
// writes of a service form one history (single writer: no two nodes
// acknowledge writes on diverging histories, which is split brain).
// WriteChecks finds, it does not judge: a finding is the entity and a
// sentence a person understands, which the simulator records as a violation
// of the invariant it asked about.
//
//   WriteChecks checks(world);
//   std::optional<WriteFinding> diverged = checks.on_ack(service, write_id, outcome);
//   std::optional<WriteFinding> lost =
//       checks.missing_write_on(service, leader, "after its promotion");
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "worlds/postgres/fleet_api.hpp"
#include "worlds/postgres/world.hpp"

namespace unwedge::pgworld {

// What a write check found: the entity it concerns (a service) and why.
struct WriteFinding {
  std::string entity;
  std::string message;
};

class WriteChecks {
 public:
  explicit WriteChecks(const World& world) : world_(&world) {}
  // A copy of `other` over `world` (a copied simulation's).
  WriteChecks(const WriteChecks& other, const World& world) : WriteChecks(other) {
    world_ = &world;
  }

  // A write acknowledged to a client: a finding when it sits on a history
  // without the write the service acknowledged before it (single writer).
  std::optional<WriteFinding> on_ack(std::uint32_t service, std::uint64_t write_id,
                                     const WriteOutcome& outcome);
  // An acknowledged write of `service` missing from `leader`, if there is one
  // (no lost writes); `why` ends the sentence ("after its promotion").
  std::optional<WriteFinding> missing_write_on(std::uint32_t service, HostIndex leader,
                                               std::string_view why) const;

 private:
  struct LastAck {
    std::uint64_t write_id = 0;
    HostIndex node = 0;
    Lsn lsn = 0;
    Timeline timeline = 0;
  };

  const World* world_;
  std::map<std::uint32_t, LastAck> last_ack_;  // per service
};

}  // namespace unwedge::pgworld
