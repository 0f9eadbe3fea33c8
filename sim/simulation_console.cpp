// Simulation, the console: operators' and customers' requests, raised on the
// plane under test through the seam (ControlPlane::request), the replicas the
// world creates for them, and the random operator of the safety phase.
#include <algorithm>
#include <fmt/format.h>

#include "core/assert.hpp"
#include "sim/simulation.hpp"

namespace unwedge::sim {

void Simulation::apply_operator(const OperatorRequest& requested) {
  OperatorRequest request = requested;
  if (std::vector<std::string> target = resolve({requested.target}); target.size() == 1) {
    request.target = target.front();
  }
  trace_.record(now_us_, TraceKind::kNote, request.target, "operator: " + describe(request));
  if (!takes_request(*plane_info_, request)) {
    trace_.record(now_us_, TraceKind::kNote, request.target, "{} takes no {} request: ignored",
                  plane_info_->name, request_name(request));
    return;
  }
  if (request.kind == OperatorKind::kPlaneOwn &&
      own_request(*plane_info_, request.name)->to_agent) {
    deliver_to_agent(request);
    return;
  }
  if (request.kind == OperatorKind::kAddFollower) {
    std::optional<std::uint32_t> service = world_.find_service(request.target);
    if (!service || !world_.services[*service].target) return;  // no leader to follow yet
  }
  auto txn = durable_.begin();
  const seam::RequestOutcome outcome =
      plane_->request(*txn, request_name(request), request.target, now_us_);
  if (!outcome.raised) return;
  const core::Status committed = txn->commit();
  UNWEDGE_ASSERT(committed.ok());
  if (config_.observer != nullptr) config_.observer->request_raised(request, now_us_);
  if (process_ != nullptr && process_->wants_changes()) {
    changed_entities_.push_back(request.target);
    requested_entities_.push_back(request.target);
  }
  if (outcome.new_replica) add_follower(request.target, *outcome.new_replica);
}

// A request for a node's agent, as an operator's tool calls it over the
// node's own API: a node whose agent is not running does not answer.
void Simulation::deliver_to_agent(const OperatorRequest& request) {
  const std::optional<HostIndex> index = world_.find_host(request.target);
  auto running = index ? agents_.find(*index) : agents_.end();
  if (running == agents_.end() || !world_.hosts[*index].up() ||
      world_.hosts[*index].agent_pauses > 0) {
    trace_.record(now_us_, TraceKind::kNote, request.target, "no agent of {} answers: {} ignored",
                  request.target, request.name);
    return;
  }
  if (running->second.agent == nullptr) launch_agent(*index);  // restarted since its last tick
  const seam::RequestOutcome outcome =
      running->second.agent->request(request.name, world_.hosts[*index].clock.now_us());
  UNWEDGE_ASSERT_MSG(!outcome.new_replica, "an agent's request creates no replica");
  if (outcome.raised && config_.observer != nullptr)
    config_.observer->request_raised(request, now_us_);
  trace_.record(now_us_, TraceKind::kNote, request.target, "{}'s agent {} {}", request.target,
                outcome.raised ? "took" : "refused", request.name);
}

// A customer's read replica the plane has taken on: a running host that
// follows the service's current leader.
void Simulation::add_follower(const std::string& service_id, const std::string& id) {
  std::optional<std::uint32_t> service_index = world_.find_service(service_id);
  UNWEDGE_ASSERT(service_index.has_value());
  UNWEDGE_ASSERT(world_.services[*service_index].target.has_value());
  UNWEDGE_ASSERT(!world_.find_host(id).has_value());
  const HostIndex index = world_.add_host(id, service_id);
  // The customer's machine is where it is, room or none.
  UNWEDGE_ASSERT_EQ(spots_.size(), std::size_t{index});
  spots_.push_back(placement_.place_anyway(*service_index + 1));
  live_hosts_++;
  Host& host = world_.hosts[index];
  host.state = HostState::kUp;
  host.db.running = true;
  host.db.primary = false;
  host.db.upstream = world_.services[*service_index].target;
  world_.catch_up(index);
  touch_health(index);
  push(now_us_ + jitter(config_.checkin_interval_us, rng_world_),
       {.kind = EventKind::kCheckin, .a = index});
  start_agent(index);
}

void Simulation::on_random_operator() {
  push(now_us_ + rng_operator_.exponential(config_.operator_mean_gap_us),
       {.kind = EventKind::kRandomOperator});
  if (healed_ || world_.services.empty()) return;
  const ServiceEndpoint& service = world_.services[rng_operator_.below(world_.services.size())];
  const std::vector<std::string> followers =
      plane_->members(*durable_.begin(), service.name, "follower");
  const auto drawn = [this](OperatorRequest request) {
    drawn_operators_.push_back({.at_us = now_us_, .request = request});
    apply_operator(request);
  };
  // A kind the plane does not take is never drawn.
  const auto takes = [this](OperatorKind kind) {
    return takes_request(*plane_info_, kind) ? 1U : 0U;
  };
  // Then the plane's own requests, each as often as a failover.
  std::vector<std::uint32_t> weights = {
      3 * takes(OperatorKind::kRequestFailover),
      (followers.size() < 2 ? 3U : 0U) * takes(OperatorKind::kAddFollower),
      (followers.empty() ? 0U : 1U) * takes(OperatorKind::kPromoteFollower),
      (followers.empty() ? 0U : 1U) * takes(OperatorKind::kUnfollow)};
  const std::size_t own_first = weights.size();
  weights.resize(own_first + plane_info_->own_requests.size(), 3);
  if (std::all_of(weights.begin(), weights.end(), [](std::uint32_t w) { return w == 0; })) return;
  const std::size_t kind = rng_operator_.weighted(weights);
  if (kind >= own_first) {
    const seam::RequestInfo& own = plane_info_->own_requests[kind - own_first];
    std::string target = service.name;
    if (own.aim == seam::RequestInfo::Aim::kServer) {
      // Aimed at a server: the service's leader, named as it is now.
      const std::vector<std::string> leader = resolve({"leader:" + service.name});
      if (leader.empty()) return;
      target = leader.front();
    }
    return drawn({.kind = OperatorKind::kPlaneOwn, .target = target, .name = own.name});
  }
  switch (kind) {
    case 0:
      return drawn({.kind = OperatorKind::kRequestFailover, .target = service.name});
    case 1:
      return drawn({.kind = OperatorKind::kAddFollower, .target = service.name});
    case 2: {
      const std::string follower = followers[rng_operator_.below(followers.size())];
      drawn({.kind = OperatorKind::kPromoteFollower, .target = follower});
      // Half the customers who promote a follower also ask, in the same
      // breath, to unfollow it (two clicks, two API calls): the tables must
      // settle the pair the same way every time.
      if (rng_operator_.below(2) == 0) drawn({.kind = OperatorKind::kUnfollow, .target = follower});
      return;
    }
    default:
      return drawn({.kind = OperatorKind::kUnfollow,
                    .target = followers[rng_operator_.below(followers.size())]});
  }
}

}  // namespace unwedge::sim
