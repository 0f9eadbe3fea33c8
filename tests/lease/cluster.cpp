#include "tests/lease/cluster.hpp"

#include "core/assert.hpp"
#include "planes/lease/machines.hpp"

namespace unwedge::lease::testing {

Cluster::Cluster(const std::vector<std::string>& names, Settings settings) : plane(settings) {
  UNWEDGE_ASSERT(!names.empty());
  std::unique_ptr<core::Transaction> txn = central.begin();
  plane.order_service(*txn,
                      {.id = service_of(names.front()),
                       .standbys = static_cast<std::uint32_t>(names.size() - 1),
                       .synchronous = settings.synchronous_mode},
                      0);
  UNWEDGE_ASSERT(txn->commit().ok());
  for (const std::string& name : names) {
    nodes[name] = std::make_unique<FakeNode>(fleet, name);
    agents_[name] =
        plane.start_agent({.node = name, .env = nodes[name]->env, .coordination = &store});
  }
}

void Cluster::pass() {
  for (auto& [name, agent] : agents_) {
    if (paused_[name]) continue;
    agent->tick();
    std::unique_ptr<core::Transaction> txn = central.begin();
    if (std::optional<seam::PlaneViolation> v = plane.check(*txn, now_us())) {
      violations.push_back(*v);
    }
  }
  store_clock.advance(kAgentIntervalUs);
  for (auto& [name, node] : nodes)
    node->clock.advance(kAgentIntervalUs);
}

void Cluster::run(core::TimeUs duration_us) {
  for (core::TimeUs t = 0; t < duration_us; t += kAgentIntervalUs)
    pass();
}

std::optional<Keeper> Cluster::keeper(const std::string& node) {
  return nodes.at(node)->store.begin()->get<Keeper>(node);
}

std::string Cluster::state(const std::string& node) {
  std::optional<Keeper> k = keeper(node);
  if (!k) return "";
  return std::string(keeper_machine().state_name(k->state.id));
}

bool Cluster::request(std::string_view kind, std::string_view target) {
  std::unique_ptr<core::Transaction> txn = central.begin();
  const seam::RequestOutcome outcome = plane.request(*txn, kind, target, now_us());
  UNWEDGE_ASSERT(txn->commit().ok());
  return outcome.raised;
}

}  // namespace unwedge::lease::testing
