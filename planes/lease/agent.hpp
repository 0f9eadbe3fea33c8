// KeeperAgent: the lease plane's code on every node, in the role Patroni's
// or Stolon's keeper plays: it reads the consensus store, judges its lease
// by its own clock, and drives its keeper's actions over the node's Store.
//
// Every pass (kAgentIntervalUs, by the host's clock): collect or send a read
// of the service's keys; carry operators' switchovers and failovers, taken
// by request() as Patroni's REST API takes them, into the store; then decide the keeper with its
// table and drive its action, up to three times, so an action that ends (a renewal given up) is
// followed in the same pass by what the table decides next (a demotion).
//
//   std::unique_ptr<seam::Agent> agent = std::make_unique<KeeperAgent>(context, settings);
//   agent->request("switchover", now_us);  // this node is to lead
//   agent->tick();
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/action.hpp"
#include "core/coordination.hpp"
#include "core/scheduler.hpp"
#include "planes/lease/keeper_signals.hpp"
#include "planes/lease/settings.hpp"
#include "seam/control_plane.hpp"

namespace unwedge::lease {

class KeeperAgent final : public seam::Agent {
 public:
  KeeperAgent(const seam::AgentContext& context, const Settings& settings);

  void tick() override;
  // "restart" marks the keeper's record (it steps down or follows afresh);
  // "switchover" and "failover" are written into the store on the next
  // passes, until answered or a ttl after they were taken.
  seam::RequestOutcome request(std::string_view kind, core::TimeUs now_us) override;
  // A keeper that leads does so within its lease's safe window by its own
  // clock (ttl - margin after the renewal it sent); past that, the store may
  // expire the lease (its clock may run ahead) and hand it to another node
  // while this one still takes writes.
  std::optional<seam::PlaneViolation> check() const override;

  const Observation& observation() const { return seen_; }
  const std::vector<core::ActionDef>& actions() const { return actions_; }

 private:
  void start();
  void read_store(core::TimeUs now_us);
  void join_members();
  void carry_requests(core::TimeUs now_us);
  void forget_lease_window(core::TimeUs now_us);
  // One decision and drive; true if it started or drove anything.
  bool decide_and_drive(bool clock_stepped_back);
  std::string read_key(std::string_view which) const;

  std::string node_;
  std::string service_;
  core::Environment env_;
  core::Coordination* coordination_;
  Settings settings_;
  std::vector<core::ActionDef> actions_;
  core::Scheduler scheduler_;

  std::uint32_t boots_ = 0;
  std::uint64_t reads_ = 0;
  std::optional<core::TimeUs> read_sent_us_;  // the read in flight, if any
  Observation seen_;
  std::optional<core::TimeUs> last_now_us_;

  // A switchover or failover taken but not yet written into the store. What
  // it writes is fixed by the first read it is carried on; an attempt the
  // store refused is asked again under a new key.
  struct OpenRequest {
    std::uint64_t id = 0;
    std::string kind;
    core::TimeUs taken_us = 0;
    std::optional<Switchover> wanted;
    std::uint32_t attempt = 0;
  };
  std::vector<OpenRequest> open_;
  // The compare-and-set listing this keeper as a member, while in flight.
  std::optional<core::KvRequest> joining_;
  std::uint64_t joins_ = 0;
  std::uint64_t requests_taken_ = 0;
};

}  // namespace unwedge::lease
