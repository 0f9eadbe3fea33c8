// What `unwedge merge` checks before it adds shards together: that they are
// the shards of one campaign, each there exactly once, and that each one's
// counts add up and lie within what its shard could have run. A report that
// fails is refused (exit 2) with its file named and what is wrong, since a
// merge of the wrong inputs would be a report with holes that says PASS.
//
// A shard's campaign is its control plane, its build and its plan
// (reports::CampaignPlan: the bundled scenario set, the swarm seeds, the
// shard count and which shards it holds). A shard's counts: runs are the
// passed, failed and errored ones; bundled and swarm runs are the runs
// (with guided inputs besides); swarm runs are its seeds, each owned by its
// shard and within the planned seeds; findings by kind add up to its
// failures; every sum over the shards fits 64 bits; and a shard that says it
// finished a fixed campaign ran every item its shard owns.
//
//   if (core::Status ok = check_shards(shards); !ok) return fail(ok.error().message);
//   merged.campaign.status = merged_status(shards);
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "reports/report.hpp"

namespace unwedge::cli {

struct ShardReport {
  std::filesystem::path file;  // its report.json, for messages
  reports::Report report;
};

// Ok, or why the shards are not one campaign's, each once, with counts that
// add up; the message names the file.
core::Status check_shards(const std::vector<ShardReport>& shards);

// The merged campaign's status: "finished" (or "finished (time budget
// spent)") when every shard finished, else the unfinished ones, each named:
// "shard 2/4 interrupted by signal 2; shard 3/4 still running when last
// written (at 2026-12-06T01:02:03Z)".
std::string merged_status(const std::vector<ShardReport>& shards);

// "shard 2/4", "shards 1/4, 3/4": the shards a report holds, numbered from
// 1 as `--shard` takes them.
std::string shards_label(const reports::CampaignPlan& plan);

}  // namespace unwedge::cli
