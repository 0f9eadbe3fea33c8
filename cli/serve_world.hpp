// The world outside a production run of a plane (`unwedge serve`): the wall
// clock, and stand-ins for the fleet API and monitoring.
//
// A simulated run never reads the wall clock (core/clock.hpp); a production
// run reads nothing else, so the wall clock lives here, beside the command
// that serves, and never in core/ or sim/.
//
// The fleet API is each team's own (its cloud's, its hosts' agents'), so
// unwedge cannot call it. LoggingInfra stands in for it: it writes every
// request as one JSON line, so a team sees what its code would ask of the
// fleet, and answers as a fleet API that does everything asked would: the
// first ask of a key is accepted (pending), a later ask of the same key finds
// it done. CheckedInTelemetry stands in for monitoring: every host the plane
// asks about checks in healthy, now, at every vantage point the plane
// configures, unless the fleet API was asked to stop it (and not to start it
// again) or to destroy it. Any host, not only those this run created: a
// serve restarted over the same store finds the hosts the one before it
// created still running, as a real fleet's would be (a plane reads the
// check-ins of the hosts its Store says are up, not of those it is still
// creating).
//
//   WallClock clock;
//   LoggingInfra infra(clock, stdout);
//   CheckedInTelemetry telemetry(clock, infra, plane.fleet().vantage_points);
//   core::Environment env{.store = *store, .infra = infra, .clock = clock,
//                         .telemetry = telemetry};
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/infra.hpp"
#include "core/telemetry.hpp"

namespace unwedge::cli {

// The system's time, in microseconds since the Unix epoch.
class WallClock final : public core::Clock {
 public:
  core::TimeUs now_us() const override;
};

// "2026-12-06T07:55:23.123456Z": a wall time as the log and the passes print it.
std::string utc_text(core::TimeUs us);

// What the stand-in fleet has done to one host, as monitoring would see it.
struct StandInHost {
  bool running = true;
  bool fenced = false;
  bool destroyed = false;
};

class LoggingInfra final : public core::Infra {
 public:
  // `log` (one JSON line per request, flushed each) and `clock` outlive it.
  LoggingInfra(const core::Clock& clock, std::FILE* log) : clock_(clock), log_(log) {}

  core::Operation request(const core::InfraRequest& request) override;

  // The hosts it has done something to, by name.
  const std::map<std::string, StandInHost, std::less<>>& hosts() const { return hosts_; }
  // The hosts whose state changed since the last call, each once, sorted.
  std::vector<std::string> take_changed_hosts();
  // Requests answered so far.
  std::uint64_t requests() const { return requests_; }
  // False once a line could not be written (a full disk, a closed pipe).
  bool log_ok() const { return log_ok_; }

 private:
  struct Operation {
    core::InfraRequest request;
    std::uint32_t asks = 0;
  };

  // What the fleet does once an operation is done.
  void apply(const core::InfraRequest& request);
  void log(const core::InfraRequest& request, std::uint32_t ask, const core::Operation& answer);

  const core::Clock& clock_;
  std::FILE* log_;
  std::map<std::string, Operation, std::less<>> operations_;
  std::map<std::string, StandInHost, std::less<>> hosts_;
  std::set<std::string, std::less<>> changed_;
  std::uint64_t requests_ = 0;
  bool log_ok_ = true;
};

class CheckedInTelemetry final : public core::Telemetry {
 public:
  // Check-ins at `vantage_points` monitors ("monitor-1", ...), at least one.
  CheckedInTelemetry(const core::Clock& clock, const LoggingInfra& infra,
                     std::uint32_t vantage_points)
      : clock_(clock), infra_(infra), vantage_points_(vantage_points == 0 ? 1 : vantage_points) {}

  // Received now (age 0), at log position 100 on term 1; accepting writes
  // unless the host was fenced and not unfenced or promoted since. None for
  // a host stopped (and not started again) or destroyed.
  std::vector<core::Checkin> checkins(std::string_view host) const override;

 private:
  const core::Clock& clock_;
  const LoggingInfra& infra_;
  std::uint32_t vantage_points_;
};

}  // namespace unwedge::cli
