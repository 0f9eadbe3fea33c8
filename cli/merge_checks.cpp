#include "cli/merge_checks.hpp"

#include <algorithm>
#include <cstdint>
#include <fmt/format.h>
#include <optional>
#include <utility>

#include "cli/campaign.hpp"
#include "cli/shard.hpp"

namespace unwedge::cli {
namespace {

using reports::CampaignFigures;
using reports::CampaignPlan;
using reports::Report;

constexpr const char* kDamaged =
    "the report is damaged or was edited: run its shard again (unwedge nightly --shard i/N)";

core::Error refuse(const ShardReport& shard, const std::string& what) {
  return core::Error{fmt::format("{}: {}", shard.file.string(), what)};
}

// a + b, or nothing past 2^64 - 1 (or when a is nothing already).
std::optional<std::uint64_t> sum(std::optional<std::uint64_t> a, std::uint64_t b) {
  std::uint64_t total = 0;
  if (!a || __builtin_add_overflow(*a, b, &total)) return std::nullopt;
  return total;
}

std::string shard_name(std::uint64_t index, std::uint64_t count) {
  return fmt::format("{}/{}", index + 1, count);
}

bool holds(const CampaignPlan& plan, std::uint64_t shard) {
  return std::binary_search(plan.shards.begin(), plan.shards.end(), shard);
}

// The items of the whole campaign below `end` that shard `shard` owns.
std::uint64_t owned_below(std::uint64_t end, std::uint64_t shard, std::uint64_t count) {
  return end > shard ? (end - 1 - shard) / count + 1 : 0;
}

// The figures of the whole, or of one plane (`part` "planes.lease: "),
// add up.
core::Status check_counts(const ShardReport& shard, const CampaignFigures& c,
                          const std::string& part, bool guided) {
  const std::optional<std::uint64_t> outcomes = sum(sum(c.passed, c.failed), c.errors);
  if (outcomes != c.runs) {
    return refuse(shard,
                  fmt::format("{}runs is {}, but passed {} + failed {} + errors {} is {}; {}", part,
                              c.runs, c.passed, c.failed, c.errors,
                              outcomes ? fmt::format("{}", *outcomes) : "past 2^64", kDamaged));
  }
  const std::optional<std::uint64_t> items = sum(c.bundled_runs, c.swarm_runs);
  if (!items || *items > c.runs || (!guided && *items != c.runs)) {
    return refuse(shard, fmt::format("{}runs is {}, but bundled_runs {} + swarm_runs {} is {}; {}",
                                     part, c.runs, c.bundled_runs, c.swarm_runs,
                                     items ? fmt::format("{}", *items) : "past 2^64", kDamaged));
  }
  std::optional<std::uint64_t> seeds = 0;
  for (const auto& [first, last] : c.swarm_seeds) {
    seeds = sum(sum(seeds, last - first), 1);
  }
  if (seeds != c.swarm_runs) {
    return refuse(
        shard,
        fmt::format("{}swarm_runs is {}, but swarm_seeds lists {} seeds; {}", part, c.swarm_runs,
                    seeds ? fmt::format("{}", *seeds) : "more than 2^64", kDamaged));
  }
  std::optional<std::uint64_t> findings = 0;
  for (const reports::NamedCount& kind : c.findings_by_kind) {
    findings = sum(findings, kind.count);
  }
  if (findings != c.failed + c.errors) {
    return refuse(shard, fmt::format("{}findings_by_kind adds up to {}, but failed {} + errors {} "
                                     "is {}; {}",
                                     part, findings ? fmt::format("{}", *findings) : "past 2^64",
                                     c.failed, c.errors, c.failed + c.errors, kDamaged));
  }
  if (c.determinism_mismatches > c.determinism_rechecks || c.determinism_rechecks > c.runs) {
    return refuse(shard, fmt::format("{}determinism_mismatches {} of determinism_rechecks {} of "
                                     "runs {} cannot be; {}",
                                     part, c.determinism_mismatches, c.determinism_rechecks, c.runs,
                                     kDamaged));
  }
  return core::Status::Ok();
}

// Every run the report counts is one its shards own, within the plan.
core::Status check_ownership(const ShardReport& shard) {
  const Report& report = shard.report;
  const CampaignPlan& plan = *report.plan;
  const std::uint64_t count = plan.shard_count;
  if (count > kShardsMax) {
    return refuse(shard, fmt::format("plan.shard_count is {}, more than the {} shards a campaign "
                                     "may have; {}",
                                     count, kShardsMax, kDamaged));
  }
  if (report.scenarios.size() != report.campaign.bundled_runs) {
    return refuse(shard,
                  fmt::format("bundled_runs is {}, but the report lists {} bundled "
                              "scenario runs; {}",
                              report.campaign.bundled_runs, report.scenarios.size(), kDamaged));
  }
  for (const reports::RunResult& run : report.scenarios) {
    if (run.index >= plan.bundled) {
      return refuse(shard, fmt::format("{} has index {}, past the campaign's {} bundled scenarios; "
                                       "{}",
                                       run.item, run.index, plan.bundled, kDamaged));
    }
    if (!holds(plan, run.index % count)) {
      return refuse(shard, fmt::format("{} belongs to shard {}, which the report does not hold "
                                       "({}); {}",
                                       run.item, shard_name(run.index % count, count),
                                       shards_label(plan), kDamaged));
    }
  }
  const std::uint64_t seeds_max = plan.swarm_seeds.value_or(kSwarmSeedsMax);
  for (const auto& [first, last] : report.campaign.swarm_seeds) {
    if (first == 0 || last > seeds_max) {
      return refuse(shard,
                    fmt::format("swarm seeds {}-{} lie outside the campaign's seeds 1 to {}; "
                                "{}",
                                first, last, seeds_max, kDamaged));
    }
    // Seed s is item bundled + s - 1; the seeds of a range fall on
    // consecutive shards (cyclically), so a range as long as the shard
    // count needs them all. Counted by binary search, not seed by seed: a
    // report may list many long ranges.
    const std::uint64_t start = (plan.bundled % count + (first - 1) % count) % count;
    const std::uint64_t span = std::min(count, last - first + 1);
    const auto held_in = [&](std::uint64_t from, std::uint64_t to) {  // [from, to)
      return static_cast<std::uint64_t>(
          std::lower_bound(plan.shards.begin(), plan.shards.end(), to) -
          std::lower_bound(plan.shards.begin(), plan.shards.end(), from));
    };
    const std::uint64_t held = start + span <= count
                                   ? held_in(start, start + span)
                                   : held_in(start, count) + held_in(0, start + span - count);
    if (held == span) continue;
    // Bounded: fewer than `held` + 1 steps find the first shard not held.
    for (std::uint64_t k = 0; k < span; ++k) {
      const std::uint64_t owner = (start + k) % count;
      if (!holds(plan, owner)) {
        return refuse(
            shard, fmt::format("swarm seed {} belongs to shard {}, which the report does "
                               "not hold ({}); {}",
                               first + k, shard_name(owner, count), shards_label(plan), kDamaged));
      }
    }
  }
  return core::Status::Ok();
}

// A fixed campaign's shard that says it finished ran every item it owns.
core::Status check_finished_is_whole(const ShardReport& shard) {
  const Report& report = shard.report;
  const CampaignPlan& plan = *report.plan;
  if (report.campaign.status != "finished" || report.campaign.interrupted || !plan.swarm_seeds) {
    return core::Status::Ok();
  }
  const std::optional<std::uint64_t> end = sum(plan.bundled, *plan.swarm_seeds);
  if (!end) {
    return refuse(shard, fmt::format("plan.bundled {} + plan.swarm_seeds {} is past 2^64; {}",
                                     plan.bundled, *plan.swarm_seeds, kDamaged));
  }
  std::uint64_t bundled = 0;
  std::uint64_t seeds = 0;
  for (std::uint64_t s : plan.shards) {
    bundled += owned_below(plan.bundled, s, plan.shard_count);
    seeds +=
        owned_below(*end, s, plan.shard_count) - owned_below(plan.bundled, s, plan.shard_count);
  }
  if (report.campaign.bundled_runs != bundled || report.campaign.swarm_runs != seeds) {
    return refuse(
        shard, fmt::format("says it finished, but ran {} of the {} bundled scenarios and "
                           "{} of the {} swarm seeds that {} owns; {}",
                           report.campaign.bundled_runs, bundled, report.campaign.swarm_runs, seeds,
                           shards_label(plan), kDamaged));
  }
  return core::Status::Ok();
}

core::Status check_shard(const ShardReport& shard) {
  const Report& report = shard.report;
  if (!report.plan) {
    return refuse(shard,
                  "has no \"plan\" (the campaign it is a shard of), so it cannot be checked "
                  "against the others; it was written by an older unwedge: run its shard again "
                  "with this one");
  }
  if (core::Status ok = check_counts(shard, report.campaign, "", report.guided.has_value()); !ok) {
    return ok;
  }
  for (const reports::PlaneReport& plane : report.planes) {
    const std::string part = fmt::format("planes.{}: ", plane.campaign.control_plane);
    if (core::Status ok = check_counts(shard, plane.campaign, part, report.guided.has_value());
        !ok) {
      return ok;
    }
  }
  if (core::Status ok = check_ownership(shard); !ok) return ok;
  return check_finished_is_whole(shard);
}

// Shards of one campaign: one plane list, one build, one plan.
core::Status check_same_campaign(const ShardReport& shard, const ShardReport& first) {
  const CampaignFigures& c = shard.report.campaign;
  const CampaignFigures& f = first.report.campaign;
  if (c.control_plane != f.control_plane) {
    // A campaign of several planes is of its list, in its order.
    const bool lists = c.control_plane.find(',') != std::string::npos ||
                       f.control_plane.find(',') != std::string::npos;
    return refuse(
        shard, fmt::format("a campaign of control plane{} \"{}\", but {} is of \"{}\"; "
                           "merge shards of one campaign only{}",
                           lists ? "s" : "", c.control_plane, first.file.string(), f.control_plane,
                           lists ? " (the same --control-plane list, in the same order)" : ""));
  }
  if (c.build != f.build) {
    return refuse(shard, fmt::format("run by {}, but {} by {}; merge shards that one build of "
                                     "unwedge ran",
                                     c.build, first.file.string(), f.build));
  }
  const CampaignPlan& p = *shard.report.plan;
  const CampaignPlan& q = *first.report.plan;
  const auto seeds = [](const CampaignPlan& plan) {
    return plan.swarm_seeds ? fmt::format("swarm seeds 1 to {}", *plan.swarm_seeds)
                            : std::string("swarm seeds until a time budget was spent");
  };
  std::string differs;
  if (p.scenario_set != q.scenario_set || p.bundled != q.bundled) {
    differs = fmt::format("{} bundled scenarios (set {}), but {} of {} (set {})", p.bundled,
                          p.scenario_set, first.file.string(), q.bundled, q.scenario_set);
  } else if (p.swarm_seeds != q.swarm_seeds) {
    differs = fmt::format("{}, but {} of {}", seeds(p), first.file.string(), seeds(q));
  } else if (p.shard_count != q.shard_count) {
    differs =
        fmt::format("{} shards, but {} of {}", p.shard_count, first.file.string(), q.shard_count);
  }
  if (differs.empty()) return core::Status::Ok();
  return refuse(shard, fmt::format("a campaign of {}; merge the shards of one campaign only (the "
                                   "same scenarios, --seeds and --shard N)",
                                   differs));
}

// Every figure merge_into adds up fits its type once added: a count of
// 2^64 - 1 is refused, never wrapped, and a time never overflows.
core::Status check_sums(const std::vector<ShardReport>& shards) {
  using Count = std::uint64_t CampaignFigures::*;
  using Time = std::int64_t CampaignFigures::*;
  static constexpr std::pair<const char*, Count> kCounts[] = {
      {"runs", &CampaignFigures::runs},
      {"passed", &CampaignFigures::passed},
      {"failed", &CampaignFigures::failed},
      {"errors", &CampaignFigures::errors},
      {"bundled_runs", &CampaignFigures::bundled_runs},
      {"swarm_runs", &CampaignFigures::swarm_runs},
      {"events", &CampaignFigures::events},
      {"determinism_rechecks", &CampaignFigures::determinism_rechecks},
      {"determinism_mismatches", &CampaignFigures::determinism_mismatches},
      {"store_keys_unchecked", &CampaignFigures::store_keys_unchecked},
      {"store_unchecked_runs", &CampaignFigures::store_unchecked_runs}};
  static constexpr std::pair<const char*, Time> kTimes[] = {
      {"simulated_us", &CampaignFigures::simulated_us},
      {"wall_ms", &CampaignFigures::wall_ms},
      {"swarm_core_ms", &CampaignFigures::swarm_core_ms}};
  // The whole's figures, then each plane's.
  std::vector<std::string> parts = {""};
  for (const reports::PlaneReport& plane : shards.front().report.planes)
    parts.push_back(plane.campaign.control_plane);
  for (const std::string& part : parts) {
    const auto figures_of = [&](const Report& report) -> const CampaignFigures& {
      for (const reports::PlaneReport& plane : report.planes) {
        if (plane.campaign.control_plane == part) return plane.campaign;
      }
      return report.campaign;
    };
    for (const auto& [name, member] : kCounts) {
      std::uint64_t total = 0;
      for (const ShardReport& shard : shards) {
        if (__builtin_add_overflow(total, figures_of(shard.report).*member, &total)) {
          return refuse(shard,
                        fmt::format("{}{}, added to the shards before it, passes 2^64 - 1; {}",
                                    part.empty() ? "" : "planes." + part + ": ", name, kDamaged));
        }
      }
    }
    for (const auto& [name, member] : kTimes) {
      std::int64_t total = 0;
      for (const ShardReport& shard : shards) {
        const std::int64_t value = figures_of(shard.report).*member;
        if (value < 0 || __builtin_add_overflow(total, value, &total)) {
          return refuse(shard,
                        fmt::format("{}{} is negative or, added to the shards before it, "
                                    "passes 2^63 - 1; {}",
                                    part.empty() ? "" : "planes." + part + ": ", name, kDamaged));
        }
      }
    }
  }
  return core::Status::Ok();
}

}  // namespace

std::string shards_label(const CampaignPlan& plan) {
  constexpr std::size_t kNamedMax = 8;
  if (plan.shards.size() == 1) return "shard " + shard_name(plan.shards[0], plan.shard_count);
  if (plan.shards.size() == plan.shard_count && plan.shard_count > kNamedMax) {
    return fmt::format("all {} shards", plan.shard_count);
  }
  std::string names;
  for (std::size_t i = 0; i < std::min(plan.shards.size(), kNamedMax); ++i) {
    names += (i == 0 ? "" : ", ") + shard_name(plan.shards[i], plan.shard_count);
  }
  if (plan.shards.size() > kNamedMax) {
    names += fmt::format(" and {} more", plan.shards.size() - kNamedMax);
  }
  return "shards " + names;
}

core::Status check_shards(const std::vector<ShardReport>& shards) {
  if (shards.empty()) return core::Status::Ok();
  for (const ShardReport& shard : shards) {
    if (core::Status ok = check_shard(shard); !ok) return ok;
  }
  const ShardReport& first = shards.front();
  for (std::size_t i = 1; i < shards.size(); ++i) {
    if (core::Status ok = check_same_campaign(shards[i], first); !ok) return ok;
  }
  // Each shard once: no shard in two reports, and every shard in one.
  const std::uint64_t count = first.report.plan->shard_count;
  std::vector<const ShardReport*> holder(count, nullptr);
  for (const ShardReport& shard : shards) {
    for (std::uint64_t s : shard.report.plan->shards) {
      if (holder[s] != nullptr) {
        return refuse(shard, fmt::format("holds shard {}, as {} does; merge each shard once",
                                         shard_name(s, count), holder[s]->file.string()));
      }
      holder[s] = &shard;
    }
  }
  std::vector<std::string> missing;
  for (std::uint64_t s = 0; s < count; ++s) {
    if (holder[s] == nullptr) missing.push_back(shard_name(s, count));
  }
  if (!missing.empty()) {
    const std::size_t shown = std::min<std::size_t>(missing.size(), 8);
    std::string names;
    for (std::size_t i = 0; i < shown; ++i)
      names += (i == 0 ? "" : ", ") + missing[i];
    if (missing.size() > shown) names += fmt::format(" and {} more", missing.size() - shown);
    return core::Error{fmt::format(
        "{}: a shard of a campaign of {} shards, but shard{} {} {} missing; merge the --out "
        "directory of every shard (--shard 1/{} to {}/{})",
        first.file.string(), count, missing.size() == 1 ? "" : "s", names,
        missing.size() == 1 ? "is" : "are", count, count, count)};
  }
  return check_sums(shards);
  return core::Status::Ok();
}

std::string merged_status(const std::vector<ShardReport>& shards) {
  bool budget_spent = false;
  std::string unfinished;
  for (const ShardReport& shard : shards) {
    const CampaignFigures& c = shard.report.campaign;
    if (!c.interrupted && c.status == "finished") continue;
    if (!c.interrupted && c.status == "finished (time budget spent)") {
      budget_spent = true;
      continue;
    }
    std::string piece;
    const std::string label = shard.report.plan ? shards_label(*shard.report.plan) : "a shard";
    if (c.status == "running") {
      piece = fmt::format("{} still running when last written{}", label,
                          c.updated_at.empty() ? "" : fmt::format(" (at {})", c.updated_at));
    } else if (shard.report.plan && shard.report.plan->shards.size() == 1 &&
               !c.status.starts_with("shard")) {
      piece = fmt::format("{} {}", label, c.status);
    } else {
      piece = c.status;  // a merged report's status names its shards already
    }
    unfinished += (unfinished.empty() ? "" : "; ") + piece;
  }
  if (!unfinished.empty()) return unfinished;
  return budget_spent ? "finished (time budget spent)" : "finished";
}

}  // namespace unwedge::cli
