#include "planes/postgres/entities.hpp"

#include <fmt/format.h>

#include "planes/postgres/machines.hpp"
#include "planes/postgres/settings.hpp"

namespace unwedge::postgres {

const char* to_string(Role role) {
  switch (role) {
    case Role::kLeader:
      return "leader";
    case Role::kStandby:
      return "standby";
    case Role::kFollower:
      return "follower";
    case Role::kIndependent:
      return "independent";
    case Role::kRetired:
      return "retired";
  }
  return "unknown";
}

std::string describe(const Service& s) {
  return fmt::format("service {} {} leader={} timeline={} servers={}{}{}{}", s.id,
                     service_machine().state_name(s.state.id), s.leader, s.timeline,
                     s.servers_named,
                     s.last_leader_change.empty() ? "" : " changed by " + s.last_leader_change,
                     s.failover_requested ? " +NeedsFailover" : "",
                     s.deprovision_requested ? " +NeedsDeprovision" : "");
}

std::string describe(const Server& s) {
  return fmt::format("server {} {} {} of {} restarts={}{}{}", s.id,
                     server_machine().state_name(s.state.id), to_string(s.role), s.service,
                     s.restarts, s.replace_requested ? " +NeedsReplace" : "",
                     s.destroy_requested ? " +NeedsDestroy" : "");
}

std::string describe(const ReplicaLink& l) {
  return fmt::format("link {} {} {} of {}{}{}", l.id, replica_link_machine().state_name(l.state.id),
                     l.standby ? "standby" : "follower", l.service,
                     l.promote_requested ? " +NeedsPromote" : "",
                     l.unfollow_requested ? " +NeedsUnfollow" : "");
}

std::string describe(const Certificate& c) {
  return fmt::format("certificate {} {} serial={}{} on {} until {}{}", c.id,
                     certificate_machine().state_name(c.state.id), c.serial,
                     c.issued_by.empty() ? "" : " by " + c.issued_by, c.installed_on,
                     c.not_after_us, c.revoke_requested ? " +NeedsRevoke" : "");
}

const char* to_string(Mutant mutant) {
  switch (mutant) {
    case Mutant::kNone:
      return "none";
    case Mutant::kFailoverWithoutFencing:
      return "failover_without_fencing";
    case Mutant::kPromoteLaggingStandby:
      return "promote_lagging_standby";
    case Mutant::kMostRecentlyUpdatedService:
      return "most_recently_updated_service";
    case Mutant::kNoUncertainTimeout:
      return "no_uncertain_timeout";
    case Mutant::kTransitionShortcut:
      return "transition_shortcut";
    case Mutant::kRetryWithoutIdempotencyKey:
      return "retry_without_idempotency_key";
    case Mutant::kRotationSkipsNewLeader:
      return "rotation_skips_new_leader";
    case Mutant::kUnboundedRefollowRetry:
      return "unbounded_refollow_retry";
    case Mutant::kPromoteOutranksUnfollow:
      return "promote_outranks_unfollow";
    case Mutant::kUnfollowKeepsReplicating:
      return "unfollow_keeps_replicating";
    case Mutant::kFailoverOnReplicaSilence:
      return "failover_on_replica_silence";
    case Mutant::kLateEndpointRepoint:
      return "late_endpoint_repoint";
    case Mutant::kRepointToOldLeader:
      return "repoint_to_old_leader";
    case Mutant::kRestartLeaderOnLag:
      return "restart_leader_on_lag";
    case Mutant::kRepointNotAwaited:
      return "repoint_not_awaited";
    case Mutant::kRotationRevokesNewSerial:
      return "rotation_revokes_new_serial";
    case Mutant::kPromoteOntoCurrentTimeline:
      return "promote_onto_current_timeline";
    case Mutant::kCreateKeyInMemory:
      return "create_key_in_memory";
    case Mutant::kAgeFromReceiveTime:
      return "age_from_receive_time";
    case Mutant::kAgeFromSentTime:
      return "age_from_sent_time";
    case Mutant::kEndpointToLastServer:
      return "endpoint_to_last_server";
    case Mutant::kInstallRetriedUnderSameKey:
      return "install_retried_under_same_key";
    case Mutant::kRequestsUnwatched:
      return "requests_unwatched";
  }
  return "?";
}

}  // namespace unwedge::postgres
