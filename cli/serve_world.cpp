#include "cli/serve_world.hpp"

#include <chrono>
#include <ctime>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::cli {

core::TimeUs WallClock::now_us() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string utc_text(core::TimeUs us) {
  // Floor division, so a time before the epoch still prints its own second.
  core::TimeUs seconds = us / core::kSecond;
  core::TimeUs fraction = us % core::kSecond;
  if (fraction < 0) {
    fraction += core::kSecond;
    --seconds;
  }
  const std::time_t whole = static_cast<std::time_t>(seconds);
  std::tm parts{};
  if (::gmtime_r(&whole, &parts) == nullptr) return fmt::format("{}us", us);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", parts.tm_year + 1900,
                     parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                     fraction);
}

core::Operation LoggingInfra::request(const core::InfraRequest& request) {
  ++requests_;
  core::Operation answer;
  std::uint32_t ask = 1;
  auto [found, started] =
      operations_.try_emplace(request.idempotency_key, Operation{.request = request});
  Operation& op = found->second;
  if (!started && !(op.request == request)) {
    // As a real API refuses it: two intentions under one key.
    answer.state = core::OperationState::kFailed;
    answer.detail = fmt::format("idempotency key {} was used for another request ({} {})",
                                request.idempotency_key, pgworld::to_string(op.request.verb),
                                op.request.target);
  } else {
    ask = ++op.asks;
    // Accepted when first asked; done when asked again, its effect applied
    // then, as a fleet that carries out everything it accepts would report.
    if (ask == 1) {
      answer.state = core::OperationState::kPending;
    } else {
      answer.state = core::OperationState::kSucceeded;
      if (ask == 2) apply(request);
    }
  }
  log(request, ask, answer);
  return answer;
}

void LoggingInfra::apply(const core::InfraRequest& request) {
  const std::string& host = request.target;
  if (request.verb == pgworld::kCreateHost) {
    hosts_.insert_or_assign(host, StandInHost{});
  } else if (request.verb == pgworld::kDestroyHost) {
    hosts_[host].destroyed = true;
  } else if (request.verb == pgworld::kStartHost) {
    hosts_[host].running = true;
  } else if (request.verb == pgworld::kStopHost) {
    hosts_[host].running = false;
  } else if (request.verb == pgworld::kFence) {
    hosts_[host].fenced = true;
  } else if (request.verb == pgworld::kUnfence || request.verb == pgworld::kPromote) {
    hosts_[host].fenced = false;
  } else {
    return;  // nothing monitoring would see change
  }
  changed_.insert(host);
}

std::vector<std::string> LoggingInfra::take_changed_hosts() {
  std::vector<std::string> changed(changed_.begin(), changed_.end());
  changed_.clear();
  return changed;
}

void LoggingInfra::log(const core::InfraRequest& request, std::uint32_t ask,
                       const core::Operation& answer) {
  nlohmann::ordered_json line;
  line["time"] = utc_text(clock_.now_us());
  line["verb"] = pgworld::to_string(request.verb);
  line["target"] = request.target;
  line["argument"] = request.argument;
  line["idempotency_key"] = request.idempotency_key;
  line["ask"] = ask;
  line["answer"] = core::to_string(answer.state);
  if (!answer.detail.empty()) line["detail"] = answer.detail;
  // Replaced, not thrown: a key is the plane's text, and may not be UTF-8.
  const std::string text =
      line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  if (std::fputs(text.c_str(), log_) < 0 || std::fflush(log_) != 0) log_ok_ = false;
}

std::vector<core::Checkin> CheckedInTelemetry::checkins(std::string_view host) const {
  const auto known = infra_.hosts().find(host);
  const bool seen = known != infra_.hosts().end();
  if (seen && (known->second.destroyed || !known->second.running)) return {};
  const core::TimeUs now_us = clock_.now_us();
  std::vector<core::Checkin> checkins;
  for (std::uint32_t i = 1; i <= vantage_points_; ++i) {
    checkins.push_back(core::Checkin{.vantage = fmt::format("monitor-{}", i),
                                     .received_us = now_us,
                                     .age_us = 0,
                                     .sent_us = now_us,
                                     .log_position = 100,
                                     .term = 1,
                                     .accepts_writes = !(seen && known->second.fenced)});
  }
  return checkins;
}

}  // namespace unwedge::cli
