// `unwedge merge DIR... --out DIR`
//
// Merges the outputs of a sharded campaign (each DIR the --out of one
// `unwedge nightly --shard i/N`) into one: the reports added together
// (reports::merge_into), every shard's repro/ files copied into OUT/repro,
// their runs.jsonl concatenated, and every output rendered from the merged
// report (cli/write_reports.hpp). Shards of a campaign of several planes
// merge plane by plane (reports::Report::planes). Exit with the merged
// report's verdict (0 no finding, 1 findings, 3 the harness is broken: a
// shard's canary missed or missing), or 2 when an input is missing, corrupt,
// truncated, of another schema version, of other control planes (another
// list, or the same in another order), or overlaps another shard, or the
// merge cannot be written.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "cli/commands.hpp"
#include "cli/output_file.hpp"
#include "cli/write_reports.hpp"
#include "reports/report_json.hpp"
#include "reports/shell_word.hpp"

namespace unwedge::cli {
namespace {

namespace fs = std::filesystem;

struct MergeOptions {
  std::vector<std::string> shard_dirs;
  std::string out;
};

struct ShardOutput {
  fs::path dir;
  fs::path file;  // its report.json
  reports::Report report;
};

core::Result<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::Error{fmt::format("{}: cannot be read", path.string())};
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return core::Error{fmt::format("{}: cannot be read", path.string())};
  return text.str();
}

core::Result<ShardOutput> read_shard(const fs::path& dir) {
  const fs::path file = dir / "report.json";
  std::error_code error;
  if (!fs::is_regular_file(file, error)) {
    return core::Error{fmt::format(
        "{}: not found; each DIR must be the --out directory of an `unwedge nightly` run",
        file.string())};
  }
  core::Result<std::string> text = read_text(file);
  if (!text) return text.error();
  core::Result<reports::Report> report = reports::parse_report(*text, file.string());
  if (!report) return report.error();
  return ShardOutput{.dir = dir, .file = file, .report = std::move(*report)};
}

// Both lists are sorted and disjoint (parse_report checks), so one sweep
// finds a common seed: shards of a long campaign list many single seeds.
bool ranges_overlap(const reports::CampaignFigures& a, const reports::CampaignFigures& b,
                    std::uint64_t& seed) {
  auto x = a.swarm_seeds.begin();
  auto y = b.swarm_seeds.begin();
  while (x != a.swarm_seeds.end() && y != b.swarm_seeds.end()) {
    if (x->first <= y->second && y->first <= x->second) {
      seed = std::max(x->first, y->first);
      return true;
    }
    if (x->second < y->second) {
      ++x;
    } else {
      ++y;
    }
  }
  return false;
}

bool scenarios_overlap(const reports::Report& a, const reports::Report& b, std::string& item) {
  for (const reports::RunResult& x : a.scenarios) {
    for (const reports::RunResult& y : b.scenarios) {
      if (x.index == y.index) {
        item = x.item;
        return true;
      }
    }
  }
  return false;
}

// Shards of one campaign: one control plane, disjoint runs.
core::Status check_compatible(const std::vector<ShardOutput>& shards) {
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const ShardOutput& shard = shards[i];
    const ShardOutput& first = shards.front();
    const std::string& planes = shard.report.campaign.control_plane;
    const std::string& first_planes = first.report.campaign.control_plane;
    if (planes != first_planes) {
      // A campaign of several planes is of its list, in its order.
      const bool lists =
          planes.find(',') != std::string::npos || first_planes.find(',') != std::string::npos;
      return core::Error{fmt::format(
          "{}: a campaign of control plane{} \"{}\", but {} is of \"{}\"; merge shards of one "
          "campaign only{}",
          shard.file.string(), lists ? "s" : "", planes, first.file.string(), first_planes,
          lists ? " (the same --control-plane list, in the same order)" : "")};
    }
    if (shard.report.campaign.build != first.report.campaign.build) {
      return core::Error{
          fmt::format("{}: run by {}, but {} by {}; merge shards that one build of unwedge ran",
                      shard.file.string(), shard.report.campaign.build, first.file.string(),
                      first.report.campaign.build)};
    }
    for (std::size_t j = 0; j < i; ++j) {
      std::uint64_t seed = 0;
      std::string item;
      const bool seeds = ranges_overlap(shards[j].report.campaign, shard.report.campaign, seed);
      if (seeds || scenarios_overlap(shards[j].report, shard.report, item)) {
        return core::Error{fmt::format(
            "{}: overlaps {} ({} ran in both); merge each shard once, from shards of one "
            "campaign (--shard 1/N to N/N)",
            shard.file.string(), shards[j].file.string(),
            seeds ? fmt::format("swarm seed {}", seed) : item)};
      }
    }
  }
  return core::Status::Ok();
}

core::Status copy_repro(const fs::path& from_dir, const fs::path& out_dir) {
  std::error_code error;
  const fs::path from = from_dir / "repro";
  if (!fs::is_directory(from, error)) return core::Status::Ok();
  fs::create_directories(out_dir / "repro", error);
  // Bounded by the files of one directory.
  for (auto it = fs::directory_iterator(from, error); !error && it != fs::directory_iterator();
       it.increment(error)) {
    if (!it->is_regular_file()) continue;
    fs::copy_file(it->path(), out_dir / "repro" / it->path().filename(),
                  fs::copy_options::overwrite_existing, error);
    if (error) break;
  }
  if (error) {
    return core::Error{fmt::format("{}: cannot be copied to {}: {}", from.string(),
                                   out_dir.string(), error.message())};
  }
  return core::Status::Ok();
}

core::Status concatenate_runs(const std::vector<ShardOutput>& shards, const fs::path& out_dir) {
  std::string runs;
  for (const ShardOutput& shard : shards) {
    const fs::path file = shard.dir / "runs.jsonl";
    std::error_code error;
    if (!fs::exists(file, error)) continue;
    core::Result<std::string> text = read_text(file);
    if (!text) return text.error();
    runs += *text;
    if (!runs.empty() && runs.back() != '\n') runs += '\n';
  }
  return write_file_atomically(out_dir / "runs.jsonl", runs);
}

bool same_directory(const fs::path& a, const fs::path& b) {
  std::error_code error;
  return fs::exists(a, error) && fs::exists(b, error) && fs::equivalent(a, b, error);
}

int fail(const std::string& message) {
  std::fprintf(stderr, "unwedge merge: %s\n", reports::terminal_text(message).c_str());
  return kExitBadInput;
}

int run_merge(const MergeOptions& options) {
  const fs::path out_dir = options.out;
  std::vector<ShardOutput> shards;
  for (const std::string& dir : options.shard_dirs) {
    if (same_directory(dir, out_dir)) {
      return fail(fmt::format("--out {} is also a shard to merge; write the merge elsewhere",
                              out_dir.string()));
    }
    core::Result<ShardOutput> shard = read_shard(dir);
    if (!shard) return fail(shard.error().message);
    shards.push_back(std::move(*shard));
  }
  if (core::Status compatible = check_compatible(shards); !compatible) {
    return fail(compatible.error().message);
  }
  reports::Report merged = shards.front().report;
  for (std::size_t i = 1; i < shards.size(); ++i)
    reports::merge_into(merged, shards[i].report);
  std::error_code error;
  fs::create_directories(out_dir, error);
  if (error) {
    return fail(fmt::format("{}: cannot create the output directory: {}", out_dir.string(),
                            error.message()));
  }
  for (const ShardOutput& shard : shards) {
    if (core::Status copied = copy_repro(shard.dir, out_dir); !copied) {
      return fail(copied.error().message);
    }
  }
  if (core::Status runs = concatenate_runs(shards, out_dir); !runs)
    return fail(runs.error().message);
  if (core::Status written = write_reports(merged, out_dir); !written) {
    return fail(written.error().message);
  }
  const reports::Verdict verdict = reports::verdict_of(merged);
  std::printf("merged %zu shards into %s: %llu runs, %llu findings, %s\n", shards.size(),
              out_dir.string().c_str(), static_cast<unsigned long long>(merged.campaign.runs),
              static_cast<unsigned long long>(verdict.findings),
              std::string(verdict.headline()).c_str());
  return verdict.exit_code();
}

}  // namespace

void add_merge_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<MergeOptions>();
  CLI::App* command = app.add_subcommand(
      "merge",
      "Merge the outputs of sharded `unwedge nightly` runs (report.json, runs.jsonl, repro/) into "
      "one, and render every report from the merged one");
  command->add_option("DIR", options->shard_dirs, "The --out directory of each shard")->required();
  command->add_option("--out", options->out, "Where the merged outputs go")->required();
  command->callback([options, &exit_code] { exit_code = run_merge(*options); });
}

}  // namespace unwedge::cli
