// The one-step actions that record what monitoring observed: a missed
// check-in, a restored one, lag over or under its bound, a certificate near
// or past its expiry. Each is data: which machine, from which states, to
// which state, on which cause. One generic step interprets them all.
#include "planes/postgres/actions.hpp"
#include "planes/postgres/actions/step_helpers.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/machines.hpp"

namespace unwedge::postgres {
namespace {

struct MarkSpec {
  std::string name;
  const core::MachineDef& (*machine)();
  std::vector<std::string> from;
  std::string to;
  std::string cause;
};

template <class T>
core::ActionDef mark(const MarkSpec& spec) {
  // Every state named is one of the machine's, and none is left for itself.
  UNWEDGE_ASSERT(!spec.from.empty());
  UNWEDGE_ASSERT(spec.machine().find_state(spec.to).has_value());
  for (const std::string& from : spec.from) {
    UNWEDGE_ASSERT(spec.machine().find_state(from).has_value());
    UNWEDGE_ASSERT(from != spec.to);
  }
  core::ActionDef def{.name = spec.name,
                      .summary = fmt::format("Records what monitoring saw: {} moves to {} on {}.",
                                             spec.machine().name(), spec.to, spec.cause)};
  for (const std::string& from : spec.from) {
    def.transitions.push_back({spec.machine().name(), from, spec.to, spec.cause});
  }
  def.steps.push_back({"mark", [spec](core::StepContext& ctx) {
                         UNWEDGE_ASSERT(!ctx.subject().empty());
                         std::optional<T> entity = ctx.txn().get<T>(ctx.subject());
                         if (!entity) return core::StepResult::end("the entity is gone");
                         const core::MachineDef& machine = spec.machine();
                         const std::string& now = state_name(machine, *entity);
                         if (std::find(spec.from.begin(), spec.from.end(), now) ==
                             spec.from.end()) {
                           return core::StepResult::end(fmt::format("already {}", now));
                         }
                         move(ctx, machine, *entity, spec.to, spec.cause);
                         UNWEDGE_ASSERT_EQ(state_name(machine, *entity), spec.to);
                         return core::StepResult::next();
                       }});
  return def;
}

}  // namespace

std::vector<core::ActionDef> mark_actions() {
  std::vector<core::ActionDef> marks = {
      mark<Service>(
          {"MarkServiceUncertain", service_machine, {"available"}, "uncertain", "missed_checkin"}),
      mark<Service>({"MarkServiceUnavailable",
                     service_machine,
                     {"available", "uncertain", "maintenance"},
                     "unavailable",
                     "consistently_unreachable"}),
      mark<Service>({"MarkServiceAvailable",
                     service_machine,
                     {"uncertain", "unavailable"},
                     "available",
                     "checkin_ok"}),
      mark<Server>(
          {"MarkServerUnreachable", server_machine, {"running"}, "unreachable", "missed_checkin"}),
      mark<Server>({"MarkServerRunning", server_machine, {"unreachable"}, "running", "checkin_ok"}),
      mark<ReplicaLink>(
          {"MarkLinkLagging", replica_link_machine, {"following"}, "lagging", "lag_exceeded"}),
      mark<ReplicaLink>({"MarkLinkCaughtUp",
                         replica_link_machine,
                         {"syncing", "lagging"},
                         "following",
                         "caught_up"}),
      mark<Certificate>(
          {"MarkCertExpiring", certificate_machine, {"active"}, "expiring", "expiry_near"}),
      mark<Certificate>(
          {"MarkCertExpired", certificate_machine, {"active", "expiring"}, "expired", "expired"}),
  };
  for (const core::ActionDef& def : marks)
    UNWEDGE_ASSERT_EQ(def.steps.size(), std::size_t{1});
  return marks;
}

}  // namespace unwedge::postgres
