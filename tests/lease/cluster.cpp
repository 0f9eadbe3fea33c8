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
  const core::Status committed = txn->commit();
  UNWEDGE_ASSERT(committed.ok());
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
    if (std::optional<seam::PlaneViolation> v = agent->check()) violations.push_back(*v);
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
  auto agent = agents_.find(target);
  UNWEDGE_ASSERT(agent != agents_.end());
  return agent->second->request(kind, nodes.at(agent->first)->clock.now_us()).raised;
}

}  // namespace unwedge::lease::testing
