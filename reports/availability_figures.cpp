#include "reports/availability_figures.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace unwedge::reports {
namespace {

double share(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 1.0 : static_cast<double>(part) / static_cast<double>(whole);
}

double time_share(core::TimeUs down_us, core::TimeUs observed_us) {
  if (observed_us <= 0) return 1.0;
  return 1.0 -
         static_cast<double>(std::min(down_us, observed_us)) / static_cast<double>(observed_us);
}

void keep_longest(std::vector<WorstWindow>& windows, WorstWindow window) {
  auto longer = [](const WorstWindow& a, const WorstWindow& b) {
    if (a.window.length_us() != b.window.length_us()) {
      return a.window.length_us() > b.window.length_us();
    }
    if (a.item != b.item) return a.item < b.item;
    return a.window.from_us < b.window.from_us;
  };
  windows.insert(std::upper_bound(windows.begin(), windows.end(), window, longer),
                 std::move(window));
  if (windows.size() > AvailabilityFigures::kWindowsKept) windows.pop_back();
}

std::string seconds(core::TimeUs us) {
  return fmt::format("{:.0f} s", static_cast<double>(us) / core::kSecond);
}

}  // namespace

void AvailabilityFigures::add_run(const std::string& item,
                                  const std::vector<sim::ServiceAvailability>& measured,
                                  const std::vector<sim::OutageWindow>& windows) {
  for (const sim::ServiceAvailability& s : measured) {
    if (s.observed_us <= 0) continue;  // never reported healthy: nothing was owed
    ++services;
    observed_us += s.observed_us;
    write_down_us += s.write_down_us;
    read_down_us += s.read_down_us;
    writes += s.writes;
    writes_ok += s.writes_ok;
    reads += s.reads;
    reads_ok += s.reads_ok;
    const auto ppm = static_cast<std::uint32_t>(s.write_share() * 1e6);
    if (ppm < lowest_ppm) {
      lowest_ppm = ppm;
      lowest_item = item;
      lowest_service = s.service;
    }
  }
  for (const sim::OutageWindow& window : windows)
    keep_longest(worst_windows, {.item = item, .window = window});
}

void AvailabilityFigures::merge(const AvailabilityFigures& other) {
  services += other.services;
  observed_us += other.observed_us;
  write_down_us += other.write_down_us;
  read_down_us += other.read_down_us;
  writes += other.writes;
  writes_ok += other.writes_ok;
  reads += other.reads;
  reads_ok += other.reads_ok;
  if (other.lowest_ppm < lowest_ppm ||
      (other.lowest_ppm == lowest_ppm && !other.lowest_item.empty() &&
       (lowest_item.empty() || other.lowest_item < lowest_item))) {
    lowest_ppm = other.lowest_ppm;
    lowest_item = other.lowest_item;
    lowest_service = other.lowest_service;
  }
  for (const WorstWindow& window : other.worst_windows)
    keep_longest(worst_windows, window);
}

double AvailabilityFigures::write_share() const {
  return time_share(write_down_us, observed_us);
}
double AvailabilityFigures::read_share() const {
  return time_share(read_down_us, observed_us);
}

std::vector<std::string> availability_lines(const AvailabilityFigures& f) {
  std::vector<std::string> lines;
  if (f.services == 0) {
    lines.emplace_back("no service was measured (none was reported healthy)");
    return lines;
  }
  lines.push_back(
      fmt::format("over {} services measured: clients could write {} of the time ({} of writes "
                  "acknowledged: {} of {}) and read {} ({} of reads answered)",
                  f.services, sim::percent(f.write_share()),
                  sim::percent(share(f.writes_ok, f.writes)), f.writes_ok, f.writes,
                  sim::percent(f.read_share()), sim::percent(share(f.reads_ok, f.reads))));
  lines.push_back(fmt::format("lowest: {} in {}, clients could write {} of the time",
                              f.lowest_service, f.lowest_item,
                              sim::percent(static_cast<double>(f.lowest_ppm) / 1e6)));
  for (const WorstWindow& w : f.worst_windows) {
    lines.push_back(
        fmt::format("{} in {}: {}'s writes failed for {}{} from {} ({}); {} of it "
                    "reported healthy; cause: {}",
                    w.window.service, w.item, w.window.client, seconds(w.window.length_us()),
                    w.window.open ? " (to the end of the run)" : "", seconds(w.window.from_us),
                    w.window.why, seconds(w.window.healthy_us), w.window.cause));
  }
  return lines;
}

}  // namespace unwedge::reports
