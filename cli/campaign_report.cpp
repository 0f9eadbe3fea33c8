#include "cli/campaign_report.hpp"

#include <algorithm>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/strict_json.hpp"

namespace unwedge::cli {
namespace {

nlohmann::ordered_json optional_text(const std::string& text) {
  return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(text);
}

std::optional<Verdict> find_verdict(std::string_view name) {
  for (Verdict verdict : {Verdict::kPass, Verdict::kFail, Verdict::kError}) {
    if (name == to_string(verdict)) return verdict;
  }
  return std::nullopt;
}

double seconds(std::chrono::milliseconds duration) {
  return static_cast<double>(duration.count()) / 1000.0;
}

double runs_per_second(const reports::CampaignFigures& figures, const CampaignStatus& status) {
  const double elapsed_s = seconds(status.elapsed);
  return elapsed_s > 0 ? static_cast<double>(figures.runs) / elapsed_s : 0.0;
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

// A list of objects, each read by `each` with its own Object; absent from
// lines written before it: empty.
template <class Each>
void read_list_if_present(reports::Object& o, const char* key, Each each) {
  const reports::In* list = o.find(key);
  if (list == nullptr) return;
  if (!list->is_array()) reports::wrong(*list, o.path(key), "a list");
  for (std::size_t i = 0; i < list->size(); ++i) {
    reports::Object item((*list)[i], fmt::format("{}[{}]", o.path(key), i));
    each(item);
    item.done();
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

void read(const reports::In& j, const std::string& path, RunRecord& r) {
  reports::Object o(j, path);
  o.get("index", r.index);
  o.get("item", r.item);
  o.get("seed", r.seed);
  o.get("swarm", r.swarm);
  o.get_if_present("guided", r.guided);  // absent from lines written before it
  std::string verdict;
  o.get("verdict", verdict);
  const std::optional<Verdict> known = find_verdict(verdict);
  if (!known) {
    throw reports::ReadError{
        o.path("verdict"),
        fmt::format("expected \"pass\", \"fail\" or \"error\", found \"{}\"", verdict)};
  }
  r.verdict = *known;
  std::optional<std::string> invariant;
  o.get("invariant", invariant);
  r.invariant = invariant.value_or("");
  std::optional<std::string> cause;
  o.get("cause", cause);
  r.cause = cause.value_or("");
  o.get("sentence", r.sentence);
  reports::read_hex64(o.at("digest"), o.path("digest"), r.digest);
  o.get("simulated_us", r.simulated_us);
  o.get("events", r.events);
  o.get_if_present("store_keys_unchecked", r.store_keys_unchecked);
  read_list_if_present(o, "disruptions", [&](reports::Object& d) {
    reports::DisruptionCount& count =
        r.disruptions.emplace_back(reports::DisruptionCount{.runs = 1});
    d.get("kind", count.kind);
    d.get("cause", count.cause);
    d.get("count", count.count);
  });
  read_list_if_present(o, "availability", [&](reports::Object& a) {
    sim::ServiceAvailability& s = r.availability.emplace_back();
    a.get("service", s.service);
    a.derived("write_share");
    a.derived("read_share");
    a.get("observed_us", s.observed_us);
    a.get("write_down_us", s.write_down_us);
    a.get("read_down_us", s.read_down_us);
    a.get("writes", s.writes);
    a.get("writes_ok", s.writes_ok);
    a.get("reads", s.reads);
    a.get("reads_ok", s.reads_ok);
  });
  read_list_if_present(o, "worst_windows", [&](reports::Object& w) {
    sim::OutageWindow& window = r.worst_windows.emplace_back();
    w.get("service", window.service);
    w.get("client", window.client);
    w.get("from_us", window.from_us);
    w.get("to_us", window.to_us);
    w.get("open", window.open);
    w.get("healthy_us", window.healthy_us);
    w.get("plane_us", window.plane_us);
    w.get("why", window.why);
    w.get("cause", window.cause);
  });
  o.get("wall_ms", r.wall_ms);
  std::optional<std::string> repro;
  o.get("repro", repro);
  r.repro = repro.value_or("");
  o.done();
}

core::Result<RunRecord> parse_run_record(std::string_view line) {
  RunRecord record;
  core::Status read_back = reports::parse_strict(
      line, "a run record", "it is not a line of runs.jsonl this unwedge wrote",
      [&](const reports::In& j) { read(j, "", record); });
  if (!read_back) return read_back.error();
  return record;
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

std::string format_progress(const reports::CampaignFigures& figures, const CampaignStatus& status) {
  const double rate = runs_per_second(figures, status);
  const std::uint64_t findings = figures.failed + figures.errors;
  std::string line = status.planned ? fmt::format("runs {}/{}", figures.runs, *status.planned)
                                    : fmt::format("runs {}", figures.runs);
  line += fmt::format(", {:.1f} runs/s, {} simulated, {} violation{}", rate,
                      format_simulated(figures.simulated_us), findings, findings == 1 ? "" : "s");
  std::optional<std::chrono::milliseconds> left;
  if (status.budget) left = std::max(*status.budget - status.elapsed, std::chrono::milliseconds(0));
  if (status.planned && rate > 0) {
    const auto eta = std::chrono::milliseconds(static_cast<std::int64_t>(
        1000.0 * static_cast<double>(*status.planned - std::min(figures.runs, *status.planned)) /
        rate));
    left = left ? std::min(*left, eta) : eta;
  }
  if (status.state != CampaignState::kRunning) return line + ", " + status_text(status);
  if (left) line += fmt::format(", ETA {}", format_wall(*left));
  return line;
}

}  // namespace unwedge::cli
