#include "planes/postgres/actions.hpp"

namespace unwedge::postgres {

std::vector<core::ActionDef> make_actions(const Settings& settings) {
  std::vector<core::ActionDef> actions = {provision_action(settings), deprovision_action(),
                                          failover_action(settings), promote_action(settings),
                                          unfollow_action(settings)};
  for (std::vector<core::ActionDef> group :
       {mark_actions(), server_actions(settings), certificate_actions(settings)}) {
    for (core::ActionDef& def : group)
      actions.push_back(std::move(def));
  }
  return actions;
}

const core::ActionDef* find_action(const std::vector<core::ActionDef>& actions,
                                   std::string_view name) {
  for (const core::ActionDef& def : actions) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

}  // namespace unwedge::postgres
