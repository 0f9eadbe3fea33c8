// `unwedge merge DIR... --out DIR`
//
// Merges the outputs of a sharded campaign (each DIR the --out of one
// `unwedge nightly --shard i/N`) into one: the reports added together
// (reports::merge_into), every shard's repro/ files copied into OUT/repro,
// their runs.jsonl concatenated, and every output rendered from the merged
// report (cli/write_reports.hpp). Shards of a campaign of several planes
// merge plane by plane (reports::Report::planes). Exit with the merged
// report's verdict (0 no finding, 1 findings, 3 the harness is broken: a
// shard's canary missed or missing, 4 incomplete: a shard was interrupted
// or killed, with nothing found), or 2 when an input is missing, corrupt,
// truncated or of another schema version, when the shards are not those of
// one campaign, each once, with counts that add up (cli/merge_checks.hpp),
// or when the merge cannot be written.
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

#include "cli/campaign_report.hpp"
#include "cli/commands.hpp"
#include "cli/merge_checks.hpp"
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
  ShardReport shard;
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
  return ShardOutput{.dir = dir, .shard = {.file = file, .report = std::move(*report)}};
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

// Every shard's runs.jsonl, one after the other, each line read back as a
// run record first (cli/campaign_report.hpp): a damaged line is named by
// file and line before anything is written.
core::Result<std::string> collect_runs(const std::vector<ShardOutput>& shards) {
  std::string runs;
  for (const ShardOutput& shard : shards) {
    const fs::path file = shard.dir / "runs.jsonl";
    std::error_code error;
    if (!fs::exists(file, error)) continue;
    core::Result<std::string> text = read_text(file);
    if (!text) return text.error();
    std::size_t line_number = 0;
    for (std::size_t at = 0; at < text->size();) {
      const std::size_t end = std::min(text->find('\n', at), text->size());
      ++line_number;
      const std::string_view line = std::string_view(*text).substr(at, end - at);
      if (core::Result<RunRecord> record = parse_run_record(line); !record) {
        return core::Error{fmt::format("{}:{}: {}; run the shard again to write it anew",
                                       file.string(), line_number, record.error().message)};
      }
      at = end + 1;
    }
    runs += *text;
    if (!runs.empty() && runs.back() != '\n') runs += '\n';
  }
  return runs;
}

bool same_directory(const fs::path& a, const fs::path& b) {
  std::error_code error;
  return fs::exists(a, error) && fs::exists(b, error) && fs::equivalent(a, b, error);
}

// The merged report holds every shard, and says which did not finish.
void merge_plans(reports::Report& merged, const std::vector<ShardReport>& shards) {
  std::vector<std::uint64_t> held;
  for (const ShardReport& shard : shards) {
    held.insert(held.end(), shard.report.plan->shards.begin(), shard.report.plan->shards.end());
  }
  std::sort(held.begin(), held.end());
  merged.plan->shards = held;
  const std::string status = merged_status(shards);
  const bool finished = status.starts_with("finished");
  merged.campaign.status = status;
  merged.campaign.interrupted = !finished;
  for (reports::PlaneReport& plane : merged.planes) {
    plane.campaign.status = status;
    plane.campaign.interrupted = !finished;
  }
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
  std::vector<ShardReport> parts;
  for (const ShardOutput& shard : shards)
    parts.push_back(shard.shard);
  if (core::Status checked = check_shards(parts); !checked) return fail(checked.error().message);
  core::Result<std::string> runs = collect_runs(shards);
  if (!runs) return fail(runs.error().message);
  reports::Report merged = parts.front().report;
  for (std::size_t i = 1; i < parts.size(); ++i)
    reports::merge_into(merged, parts[i].report);
  merge_plans(merged, parts);
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
  if (core::Status written = write_file_atomically(out_dir / "runs.jsonl", *runs); !written) {
    return fail(written.error().message);
  }
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
