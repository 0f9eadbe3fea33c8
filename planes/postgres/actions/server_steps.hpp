// Steps and transition lists the server actions share with ReplaceServer.
#pragma once

#include <string>
#include <vector>

#include "core/action.hpp"

namespace unwedge::postgres {

// Ends replication into a server that is going away.
void detach_link(core::StepContext& ctx, const std::string& server_id);
// Destroys the subject's host, then moves it from destroying to destroyed.
core::StepResult destroy_host(core::StepContext& ctx);
// The transitions detach_link and destroy_host request.
std::vector<core::RequestedTransition> teardown_transitions();

core::ActionDef replace_server_action();

}  // namespace unwedge::postgres
