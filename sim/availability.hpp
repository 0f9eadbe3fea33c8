// Availability: what a service's clients feel, measured from their requests,
// and the serving_when_healthy invariant judged on it.
//
// Every client of a service sends a request every write interval through the
// service's endpoint (or the connection it holds): a write, acknowledged or
// not, and a read, answered or not. The meter is shown each request with
// what the control plane reported of the service at that moment (through
// the seam: its state and whether that state is healthy) and the injected
// faults then active that touch the service. It keeps, per client, the
// outage windows (from the first failed request to the next acknowledged
// one) and, per service, the share of time and of requests served.
//
// A service the control plane reports healthy must be serving its clients:
// a client whose writes keep failing while the service is reported healthy
// and no fault of its own is active (every fault touching it healed) for
// longer than the bound is a violation of serving_when_healthy. Each window
// is attributed to its cause: the faults active during it, or the control
// plane's own doing once they had healed.
//
//   AvailabilityMeter meter(2 * kMinute);
//   meter.on_request({.client = 0, .service = 0, .at_us = t, .wrote = false, ...});
//   if (std::optional<Violation> v = meter.take_violation()) ...;
//   std::vector<ServiceAvailability> figures = meter.figures(end_us);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "sim/invariants.hpp"

namespace unwedge::sim {

// serving_when_healthy's bound unless a scenario sets its own (`bounds:
// {serving_when_healthy: 5m}`): a monitor's missed check-ins plus a host's
// boot, with room to spare.
inline constexpr core::TimeUs kServingWhenHealthyDefaultUs = 2 * core::kMinute;

// A service's clients' figures over one run, from the first moment the
// control plane reported it healthy (before, it was not serving yet) to the
// end of the run or its deprovisioning. Times are client-time: summed over
// its clients.
struct ServiceAvailability {
  std::string service;
  core::TimeUs observed_us = 0;
  core::TimeUs write_down_us = 0;  // in write outage windows
  core::TimeUs read_down_us = 0;   // in read outage windows
  std::uint64_t writes = 0;
  std::uint64_t writes_ok = 0;
  std::uint64_t reads = 0;
  std::uint64_t reads_ok = 0;

  // The share of observed time clients could write (read); 1 when nothing
  // was observed.
  double write_share() const;
  double read_share() const;
  friend bool operator==(const ServiceAvailability&, const ServiceAvailability&) = default;
};

// A stretch in which one client's writes failed: from its first failed write
// to its next acknowledged one (or the end of the run, `open`).
struct OutageWindow {
  std::string service;
  std::string client;
  core::TimeUs from_us = 0;
  core::TimeUs to_us = 0;
  bool open = false;
  core::TimeUs healthy_us = 0;  // of it, the time the control plane reported the service healthy
  core::TimeUs plane_us = 0;    // ... with no fault touching the service active
  std::string why;  // the first failed write's refusal ("db1-1 is fenced"), and the last's if other
  std::string cause;  // the faults active in it, or the control plane's doing

  core::TimeUs length_us() const { return to_us - from_us; }
  friend bool operator==(const OutageWindow&, const OutageWindow&) = default;
};

// One client's request as the meter is shown it.
struct RequestSample {
  std::uint32_t client = 0;   // index into the world's clients
  std::uint32_t service = 0;  // index into the world's services
  core::TimeUs at_us = 0;
  bool wrote = false;    // the write was acknowledged
  bool read = false;     // the read was answered
  std::string_view why;  // why the write failed
  // The leader took the write but no synchronous standby confirmed it: the
  // service's replication policy, not its routing. Counted as an outage the
  // clients feel, but not judged by serving_when_healthy (see judge()).
  bool awaits_standby = false;
  // The control plane describes the service and it is not being torn down.
  bool judged = false;
  bool healthy = false;    // the plane's state for it is healthy
  std::string_view state;  // that state's name
  // The injected faults touching the service that are active now, each
  // described; asked only of a failed write.
  std::vector<std::string> faults;
};

class AvailabilityMeter {
 public:
  // `bound_us`: how long a client may go unserved while its service is
  // reported healthy with no fault of its own active.
  explicit AvailabilityMeter(core::TimeUs bound_us) : bound_us_(bound_us) {}

  // The services and clients, by index as RequestSample names them.
  void add_service(std::string name);
  void add_client(std::string name, std::uint32_t service);

  void on_request(RequestSample sample);
  // The serving_when_healthy violation the last request found, once.
  std::optional<Violation> take_violation();

  // Per service, with open windows closed at `end_us`.
  std::vector<ServiceAvailability> figures(core::TimeUs end_us) const;
  // The longest write outage windows (at most `count`), longest first, with
  // open ones closed at `end_us`.
  std::vector<OutageWindow> worst_windows(core::TimeUs end_us, std::size_t count) const;

 private:
  struct Open {
    bool open = false;
    OutageWindow window;
    core::TimeUs last_us = 0;  // the latest failed request in it
    std::string last_why;      // and why it failed
    std::vector<std::string> faults;
  };
  struct Track {
    std::string name;
    std::uint32_t service = 0;
    std::optional<core::TimeUs> observed_from_us;  // observed since; nullopt: not now
    Open write;
    Open read;
    std::optional<core::TimeUs> unserved_since_us;  // healthy, unserved, no fault of its own
    bool reported = false;
  };

  void stop_observing(Track& track, core::TimeUs at_us);
  // A failed request of `kind` ("write", "read") extends or opens its window.
  void failed(Track& track, Open& open, const RequestSample& sample);
  // A served request closes the window, if one is open.
  void served(Track& track, Open& open, const RequestSample& sample, bool write);
  void judge(Track& track, const RequestSample& sample);
  static OutageWindow closed(const Open& open, core::TimeUs end_us);

  core::TimeUs bound_us_;
  std::vector<ServiceAvailability> services_;
  std::vector<Track> clients_;
  std::vector<OutageWindow> windows_;  // closed write windows, in closing order
  std::optional<Violation> violation_;
};

// "99.950%"
std::string percent(double share);

}  // namespace unwedge::sim
