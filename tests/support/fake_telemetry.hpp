// FakeTelemetry: check-ins a test sets by hand, per host and vantage point.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/telemetry.hpp"

namespace unwedge::testing {

class FakeTelemetry final : public core::Telemetry {
 public:
  void set(const std::string& host, core::Checkin checkin) {
    checkins_[{host, checkin.vantage}] = std::move(checkin);
  }
  void clear(const std::string& host) {
    std::erase_if(checkins_, [&](const auto& entry) { return entry.first.first == host; });
  }

  std::vector<core::Checkin> checkins(std::string_view host) const override {
    std::vector<core::Checkin> result;
    for (const auto& [key, checkin] : checkins_) {
      if (key.first == host) result.push_back(checkin);
    }
    return result;
  }

 private:
  std::map<std::pair<std::string, std::string>, core::Checkin> checkins_;
};

// Records every transition event it is told of.
class RecordingJournal final : public core::Journal {
 public:
  void transition(const core::TransitionEvent& event) override { events.push_back(event); }
  std::vector<core::TransitionEvent> events;
};

}  // namespace unwedge::testing
