#include "cli/campaign_report.hpp"

#include <algorithm>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace unwedge::cli {
namespace {

using nlohmann::json;

nlohmann::ordered_json optional_text(const std::string& text) {
  return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(text);
}

std::string text_or_empty(const json& object, const char* key) {
  const json& value = object.at(key);
  return value.is_null() ? std::string() : value.get<std::string>();
}

std::optional<Verdict> find_verdict(std::string_view name) {
  for (Verdict verdict : {Verdict::kPass, Verdict::kFail, Verdict::kError}) {
    if (name == to_string(verdict)) return verdict;
  }
  return std::nullopt;
}

std::string finding_kind(const RunRecord& record) {
  if (record.verdict == Verdict::kError) return "error: " + record.cause;
  if (record.invariant.empty()) return "expected violation missing";
  return record.invariant;
}

double seconds(std::chrono::milliseconds duration) {
  return static_cast<double>(duration.count()) / 1000.0;
}

double runs_per_second(const CampaignTally& tally, const CampaignStatus& status) {
  const double elapsed_s = seconds(status.elapsed);
  return elapsed_s > 0 ? static_cast<double>(tally.runs) / elapsed_s : 0.0;
}

nlohmann::ordered_json availability_json(const std::vector<sim::ServiceAvailability>& services) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const sim::ServiceAvailability& s : services) {
    out.push_back({{"service", s.service},
                   {"write_share", s.write_share()},
                   {"read_share", s.read_share()},
                   {"observed_us", s.observed_us},
                   {"write_down_us", s.write_down_us},
                   {"read_down_us", s.read_down_us},
                   {"writes", s.writes},
                   {"writes_ok", s.writes_ok},
                   {"reads", s.reads},
                   {"reads_ok", s.reads_ok}});
  }
  return out;
}

nlohmann::ordered_json windows_json(const std::vector<sim::OutageWindow>& windows) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const sim::OutageWindow& w : windows) {
    out.push_back({{"service", w.service},
                   {"client", w.client},
                   {"from_us", w.from_us},
                   {"to_us", w.to_us},
                   {"open", w.open},
                   {"healthy_us", w.healthy_us},
                   {"plane_us", w.plane_us},
                   {"why", w.why},
                   {"cause", w.cause}});
  }
  return out;
}

// Absent from lines written before availability was measured: none.
void read_availability(const json& object, RunRecord& r) {
  for (const json& s : object.value("availability", json::array())) {
    r.availability.push_back({.service = s.at("service").get<std::string>(),
                              .observed_us = s.at("observed_us").get<core::TimeUs>(),
                              .write_down_us = s.at("write_down_us").get<core::TimeUs>(),
                              .read_down_us = s.at("read_down_us").get<core::TimeUs>(),
                              .writes = s.at("writes").get<std::uint64_t>(),
                              .writes_ok = s.at("writes_ok").get<std::uint64_t>(),
                              .reads = s.at("reads").get<std::uint64_t>(),
                              .reads_ok = s.at("reads_ok").get<std::uint64_t>()});
  }
  for (const json& w : object.value("worst_windows", json::array())) {
    r.worst_windows.push_back({.service = w.at("service").get<std::string>(),
                               .client = w.at("client").get<std::string>(),
                               .from_us = w.at("from_us").get<core::TimeUs>(),
                               .to_us = w.at("to_us").get<core::TimeUs>(),
                               .open = w.at("open").get<bool>(),
                               .healthy_us = w.at("healthy_us").get<core::TimeUs>(),
                               .plane_us = w.at("plane_us").get<core::TimeUs>(),
                               .why = w.at("why").get<std::string>(),
                               .cause = w.at("cause").get<std::string>()});
  }
}

}  // namespace

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "pass";
    case Verdict::kFail:
      return "fail";
    case Verdict::kError:
      return "error";
  }
  return "unknown";
}

std::string to_json_line(const RunRecord& r) {
  nlohmann::ordered_json disruptions = nlohmann::ordered_json::array();
  for (const reports::DisruptionCount& d : r.disruptions)
    disruptions.push_back({{"kind", d.kind}, {"cause", d.cause}, {"count", d.count}});
  // ordered_json: keys in this order, for a reader skimming the file.
  const nlohmann::ordered_json line = {{"index", r.index},
                                       {"item", r.item},
                                       {"seed", r.seed},
                                       {"swarm", r.swarm},
                                       {"guided", r.guided},
                                       {"verdict", to_string(r.verdict)},
                                       {"invariant", optional_text(r.invariant)},
                                       {"cause", optional_text(r.cause)},
                                       {"sentence", r.sentence},
                                       {"digest", fmt::format("{:016x}", r.digest)},
                                       {"simulated_us", r.simulated_us},
                                       {"events", r.events},
                                       {"store_keys_unchecked", r.store_keys_unchecked},
                                       {"disruptions", disruptions},
                                       {"availability", availability_json(r.availability)},
                                       {"worst_windows", windows_json(r.worst_windows)},
                                       {"wall_ms", r.wall_ms},
                                       {"repro", optional_text(r.repro)}};
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

core::Result<RunRecord> parse_run_record(std::string_view line) {
  try {
    const json object = json::parse(line);
    RunRecord r;
    r.index = object.at("index").get<std::uint64_t>();
    r.item = object.at("item").get<std::string>();
    r.seed = object.at("seed").get<std::uint64_t>();
    r.swarm = object.at("swarm").get<bool>();
    r.guided = object.value("guided", false);  // absent from lines written before it
    std::optional<Verdict> verdict = find_verdict(object.at("verdict").get<std::string>());
    if (!verdict) return core::Error{fmt::format("unknown verdict in {}", line)};
    r.verdict = *verdict;
    r.invariant = text_or_empty(object, "invariant");
    r.cause = text_or_empty(object, "cause");
    r.sentence = object.at("sentence").get<std::string>();
    r.digest = std::stoull(object.at("digest").get<std::string>(), nullptr, 16);
    r.simulated_us = object.at("simulated_us").get<core::TimeUs>();
    r.events = object.at("events").get<std::uint64_t>();
    // Absent from lines written before it was recorded.
    r.store_keys_unchecked = object.value("store_keys_unchecked", std::uint64_t{0});
    if (auto d = object.find("disruptions"); d != object.end()) {
      for (const json& count : *d) {
        r.disruptions.push_back({.kind = count.at("kind").get<std::string>(),
                                 .cause = count.at("cause").get<std::string>(),
                                 .count = count.at("count").get<std::uint64_t>(),
                                 .runs = 1});
      }
    }
    read_availability(object, r);
    r.wall_ms = object.at("wall_ms").get<std::int64_t>();
    r.repro = text_or_empty(object, "repro");
    return r;
  } catch (const std::exception& e) {
    return core::Error{fmt::format("not a run record ({}): {}", e.what(), line)};
  }
}

void CampaignTally::add(const RunRecord& record) {
  ++runs;
  if (record.swarm) {
    ++swarm_runs;
    swarm_seed_max = std::max(swarm_seed_max, record.seed);
  } else {
    ++bundled_runs;
  }
  simulated_us += record.simulated_us;
  events += record.events;
  if (record.verdict == Verdict::kPass) {
    ++passed;
    return;
  }
  ++(record.verdict == Verdict::kFail ? failed : errors);
  ++findings_by_kind[finding_kind(record)];
  auto at = std::upper_bound(
      first_failures.begin(), first_failures.end(), record.index,
      [](std::uint64_t index, const RunRecord& other) { return index < other.index; });
  first_failures.insert(at, record);
  if (first_failures.size() > kFirstFailuresMax) first_failures.pop_back();
}

std::string format_simulated(core::TimeUs duration_us) {
  const double us = static_cast<double>(duration_us);
  constexpr double kYearUs = 365.25 * static_cast<double>(core::kDay);
  if (duration_us < core::kMinute) return fmt::format("{} s", duration_us / core::kSecond);
  if (duration_us < core::kHour) return fmt::format("{} min", duration_us / core::kMinute);
  if (duration_us < core::kDay) return fmt::format("{:.1f} h", us / core::kHour);
  if (us < kYearUs) return fmt::format("{:.1f} d", us / core::kDay);
  return fmt::format("{:.1f} y", us / kYearUs);
}

std::string format_wall(std::chrono::milliseconds duration) {
  const std::int64_t s = std::max<std::int64_t>(duration.count(), 0) / 1000;
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m {:02}s", s / 60, s % 60);
  return fmt::format("{}h {:02}m", s / 3600, (s % 3600) / 60);
}

std::string status_text(const CampaignStatus& status) {
  switch (status.state) {
    case CampaignState::kRunning:
      return "running";
    case CampaignState::kFinished:
      return "finished";
    case CampaignState::kBudgetSpent:
      return "finished (time budget spent)";
    case CampaignState::kInterrupted:
      return fmt::format("interrupted by signal {}", status.signal);
  }
  return "unknown";
}

std::string utc_timestamp(std::chrono::system_clock::time_point when) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(when)));
}

std::string format_progress(const CampaignTally& tally, const CampaignStatus& status) {
  const double rate = runs_per_second(tally, status);
  std::string line = status.planned ? fmt::format("runs {}/{}", tally.runs, *status.planned)
                                    : fmt::format("runs {}", tally.runs);
  line += fmt::format(", {:.1f} runs/s, {} simulated, {} violation{}", rate,
                      format_simulated(tally.simulated_us), tally.findings(),
                      tally.findings() == 1 ? "" : "s");
  std::optional<std::chrono::milliseconds> left;
  if (status.budget) left = std::max(*status.budget - status.elapsed, std::chrono::milliseconds(0));
  if (status.planned && rate > 0) {
    const auto eta = std::chrono::milliseconds(static_cast<std::int64_t>(
        1000.0 * static_cast<double>(*status.planned - std::min(tally.runs, *status.planned)) /
        rate));
    left = left ? std::min(*left, eta) : eta;
  }
  if (status.state != CampaignState::kRunning) return line + ", " + status_text(status);
  if (left) line += fmt::format(", ETA {}", format_wall(*left));
  return line;
}

}  // namespace unwedge::cli
