// Settings: the timings and thresholds of the lease plane, named as Patroni
// names them, so a team that runs one reads them at once.
//
// A leader renews its lease every loop_wait; a renewal that gets no answer
// is given up after retry_timeout. The lease is safe to lead on, by the
// leader's own clock, until loop_wait + retry_timeout after the last
// renewal it sent; the rest of the ttl is the safety margin that covers
// clock drift and the time between deciding to demote and being fenced.
// The load-time rule ttl >= loop_wait + 2 * retry_timeout (Patroni's) keeps
// that margin at least one retry long.
//
//   core::Result<Settings> s = parse_settings({{"ttl", "45s"}});
//   core::TimeUs margin_us = safety_margin_us(*s);  // 45s - 10s - 10s
#pragma once

#include <cstdint>

#include "core/telemetry.hpp"
#include "core/time.hpp"

namespace unwedge::lease {

// Planted bugs, each one point changed in the shipped code, for proving that
// the harness catches them. Only the unwedge_lease_mutants build compiles
// the mutation points in; in the production library `mutant` is read by
// nothing.
enum class Mutant : std::uint8_t {
  kNone,
  kNoSafetyMargin,          // expiry judged by the leader's clock at the full ttl
  kDemoteAfterTtl,          // a leader demotes only once the store shows its lease gone
  kPromoteWithoutLagCheck,  // a candidate promotes however far behind it is
  kRenewFromStaleRead,      // a renewal overwrites the lease, trusting an old read
};
inline constexpr std::uint8_t kMutants = 5;
const char* to_string(Mutant mutant);

struct Settings {
  // How long the store keeps the leader key after its last write.
  core::TimeUs ttl_us = 30 * core::kSecond;
  // How often a leader renews its lease (and how often a replica would race).
  core::TimeUs loop_wait_us = 10 * core::kSecond;
  // How long a renewal may go unanswered before the leader stops waiting.
  core::TimeUs retry_timeout_us = 10 * core::kSecond;
  // In synchronous_mode, a standby further behind the leader's last (not
  // final) published position than this does not promote. Over a final
  // position a candidate must reach it: nothing acknowledged is given up.
  core::LogPosition maximum_lag_on_failover = 1048576;
  // Failover without the old leader's final position, trusting that a
  // synchronous standby holds every acknowledged write.
  bool synchronous_mode = false;
  Mutant mutant = Mutant::kNone;

  friend bool operator==(const Settings&, const Settings&) = default;
};

// How often every agent wakes: it judges its lease by its clock on every
// wake, and renews or races only every loop_wait.
inline constexpr core::TimeUs kAgentIntervalUs = core::kSecond;

// The part of the ttl a leader never leads on: ttl - loop_wait - retry_timeout.
core::TimeUs safety_margin_us(const Settings& settings);

}  // namespace unwedge::lease

// True when this build has the mutation points and `mutant` is switched on;
// a constant false in production builds.
#ifdef UNWEDGE_LEASE_MUTANTS
#define UNWEDGE_LEASE_MUTANT(settings, name) ((settings).mutant == ::unwedge::lease::Mutant::name)
#else
#define UNWEDGE_LEASE_MUTANT(settings, name) (static_cast<void>(settings), false)
#endif
