#include "sim/availability.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "core/assert.hpp"
#include "core/duration_text.hpp"

namespace unwedge::sim {
namespace {

// Windows kept per run, the longest; a run's report shows a few.
constexpr std::size_t kWindowsKept = 8;
// Faults named per window; more are counted.
constexpr std::size_t kFaultsNamed = 3;

double share(core::TimeUs down_us, core::TimeUs observed_us) {
  if (observed_us <= 0) return 1.0;
  return 1.0 -
         static_cast<double>(std::min(down_us, observed_us)) / static_cast<double>(observed_us);
}

std::string cause_of(const std::vector<std::string>& faults, std::size_t seen,
                     core::TimeUs plane_us) {
  if (faults.empty()) return "the control plane, with no fault touching the service active";
  std::string named = fmt::format("{}", fmt::join(faults, "; "));
  if (seen > faults.size()) named += fmt::format(" and {} more", seen - faults.size());
  if (plane_us <= 0) return "fault: " + named;
  return fmt::format("fault: {}; then the control plane, {} after it healed", named,
                     core::seconds_text(plane_us));
}

void keep_longest(std::vector<OutageWindow>& windows, OutageWindow window) {
  auto longer = [](const OutageWindow& a, const OutageWindow& b) {
    if (a.length_us() != b.length_us()) return a.length_us() > b.length_us();
    return a.from_us < b.from_us;
  };
  windows.insert(std::upper_bound(windows.begin(), windows.end(), window, longer),
                 std::move(window));
  if (windows.size() > kWindowsKept) windows.pop_back();
}

}  // namespace

double ServiceAvailability::write_share() const {
  return share(write_down_us, observed_us);
}
double ServiceAvailability::read_share() const {
  return share(read_down_us, observed_us);
}

std::string percent(double value) {
  return fmt::format("{:.3f}%", 100.0 * value);
}

void AvailabilityMeter::add_service(std::string name) {
  services_.push_back(ServiceAvailability{.service = std::move(name)});
}

void AvailabilityMeter::add_client(std::string name, std::uint32_t service) {
  UNWEDGE_ASSERT_LT(service, services_.size());
  clients_.push_back(Track{.name = std::move(name), .service = service});
}

void AvailabilityMeter::stop_observing(Track& track, core::TimeUs at_us) {
  if (!track.observed_from_us) return;
  ServiceAvailability& figures = services_[track.service];
  figures.observed_us += at_us - *track.observed_from_us;
  track.observed_from_us.reset();
  for (Open* open : {&track.write, &track.read}) {
    if (!open->open) continue;
    const OutageWindow window = closed(*open, at_us);
    (open == &track.write ? figures.write_down_us : figures.read_down_us) += window.length_us();
    if (open == &track.write) keep_longest(windows_, window);
    open->open = false;
  }
  track.unserved_since_us.reset();
}

void AvailabilityMeter::on_request(RequestSample sample) {
  UNWEDGE_ASSERT_LT(sample.client, clients_.size());
  Track& track = clients_[sample.client];
  UNWEDGE_ASSERT_EQ(track.service, sample.service);
  if (!sample.judged) {
    // Being torn down, or gone: no longer owed to its clients.
    stop_observing(track, sample.at_us);
    return;
  }
  // Not serving yet until the plane first says it is.
  if (!track.observed_from_us) {
    if (!sample.healthy) return;
    track.observed_from_us = sample.at_us;
  }
  ServiceAvailability& figures = services_[track.service];
  ++figures.writes;
  ++figures.reads;
  if (sample.wrote) ++figures.writes_ok;
  if (sample.read) ++figures.reads_ok;
  if (sample.read) {
    served(track, track.read, sample, false);
  } else {
    failed(track, track.read, sample);
  }
  if (sample.wrote) {
    served(track, track.write, sample, true);
    track.unserved_since_us.reset();
    return;
  }
  failed(track, track.write, sample);
  judge(track, sample);
}

void AvailabilityMeter::failed(Track& track, Open& open, const RequestSample& sample) {
  if (!open.open) {
    open = Open{.open = true,
                .window = {.service = services_[track.service].service,
                           .client = track.name,
                           .from_us = sample.at_us,
                           .why = std::string(sample.why)},
                .last_us = sample.at_us};
  }
  const core::TimeUs since_us = sample.at_us - open.last_us;
  if (sample.healthy) open.window.healthy_us += since_us;
  if (sample.healthy && sample.faults.empty()) open.window.plane_us += since_us;
  open.last_us = sample.at_us;
  open.last_why = std::string(sample.why);
  for (const std::string& fault : sample.faults) {
    if (std::find(open.faults.begin(), open.faults.end(), fault) == open.faults.end()) {
      open.faults.push_back(fault);
    }
  }
}

void AvailabilityMeter::served(Track& track, Open& open, const RequestSample& sample, bool write) {
  if (!open.open) return;
  // The last stretch, to the request that was served, is judged by it.
  const core::TimeUs since_us = sample.at_us - open.last_us;
  if (sample.healthy) open.window.healthy_us += since_us;
  open.last_us = sample.at_us;
  const OutageWindow window = closed(open, sample.at_us);
  ServiceAvailability& figures = services_[track.service];
  (write ? figures.write_down_us : figures.read_down_us) += window.length_us();
  if (write) keep_longest(windows_, window);
  open.open = false;
}

OutageWindow AvailabilityMeter::closed(const Open& open, core::TimeUs end_us) {
  OutageWindow window = open.window;
  window.to_us = std::max(end_us, window.from_us);
  if (!open.last_why.empty() && open.last_why != window.why) {
    window.why += "; later: " + open.last_why;
  }
  std::vector<std::string> named(
      open.faults.begin(), open.faults.begin() + static_cast<std::ptrdiff_t>(
                                                     std::min(open.faults.size(), kFaultsNamed)));
  window.cause = cause_of(named, open.faults.size(), window.plane_us);
  return window;
}

// A synchronous service reported healthy while it has no synchronous standby
// in sync (just provisioned, or its standby being replaced) takes writes it
// cannot acknowledge for minutes: the reference plane does so by design
// (docs/HARNESS_POWER.md, open findings), so that wait is measured, not judged.
void AvailabilityMeter::judge(Track& track, const RequestSample& sample) {
  if (!sample.healthy || !sample.faults.empty() || sample.awaits_standby) {
    track.unserved_since_us.reset();
    return;
  }
  if (!track.unserved_since_us) track.unserved_since_us = sample.at_us;
  const core::TimeUs unserved_us = sample.at_us - *track.unserved_since_us;
  if (unserved_us <= bound_us_ || track.reported) return;
  track.reported = true;
  const ServiceAvailability& figures = services_[track.service];
  violation_ = Violation{
      .invariant = Invariant::kServingWhenHealthy,
      .entity = figures.service,
      .at_us = sample.at_us,
      .message = fmt::format(
          "service {} is reported {} (healthy) by the control plane, but {}'s writes have "
          "failed for {} with no fault touching the service active (since {}; {}), over the "
          "bound of {}",
          figures.service, sample.state, track.name, core::seconds_text(unserved_us),
          core::seconds_text(*track.unserved_since_us), sample.why, core::seconds_text(bound_us_))};
}

std::optional<Violation> AvailabilityMeter::take_violation() {
  std::optional<Violation> out = std::move(violation_);
  violation_.reset();
  return out;
}

std::vector<ServiceAvailability> AvailabilityMeter::figures(core::TimeUs end_us) const {
  std::vector<ServiceAvailability> out = services_;
  for (const Track& track : clients_) {
    if (!track.observed_from_us) continue;
    ServiceAvailability& figures = out[track.service];
    figures.observed_us += end_us - *track.observed_from_us;
    if (track.write.open) figures.write_down_us += closed(track.write, end_us).length_us();
    if (track.read.open) figures.read_down_us += closed(track.read, end_us).length_us();
  }
  return out;
}

std::vector<OutageWindow> AvailabilityMeter::worst_windows(core::TimeUs end_us,
                                                           std::size_t count) const {
  std::vector<OutageWindow> out = windows_;
  for (const Track& track : clients_) {
    if (!track.observed_from_us || !track.write.open) continue;
    OutageWindow window = closed(track.write, end_us);
    window.open = true;
    keep_longest(out, std::move(window));
  }
  if (out.size() > count) out.resize(count);
  return out;
}

}  // namespace unwedge::sim
