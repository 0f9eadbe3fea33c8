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
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "cli/campaign_report.hpp"
#include "cli/commands.hpp"
#include "cli/merge_checks.hpp"
#include "cli/output_file.hpp"
#include "cli/write_reports.hpp"
#include "core/input_file.hpp"
#include "reports/report_json.hpp"
#include "reports/shell_word.hpp"

namespace unwedge::cli {
namespace {

namespace fs = std::filesystem;

struct MergeOptions {
  std::vector<std::string> shard_dirs;
  std::string out;
};

// A shard's --out directory: where its report.json is.
fs::path dir_of(const ShardReport& shard) {
  return shard.file.parent_path();
}

// A shard's report.json: a long campaign's is a few megabytes (its
// coverage has the size of the plane's model, its failures are capped);
// far more is not one unwedge wrote, and is refused from its size before
// the parser's tree, several times the text, is built.
constexpr std::size_t kReportBytesMax = std::size_t{64} << 20;
// A line of runs.jsonl is one run's record: a few kilobytes; the bound is
// the worker pool's on a result line.
constexpr std::size_t kRunLineBytesMax = std::size_t{16} << 20;

// Reads `file` a line at a time, each at most kRunLineBytesMax, without
// holding the file: runs.jsonl grows with the campaign. `each` gets the
// line (without its newline), its number, and whether a newline ended it
// (a process killed while writing its last line leaves it without one).
template <class Each>
core::Status for_each_line(const fs::path& file, Each each) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(std::fopen(file.c_str(), "rb"), std::fclose);
  if (!in)
    return core::Error{fmt::format("{}: cannot be read: {}", file.string(), std::strerror(errno))};
  std::string line;
  std::size_t number = 1;
  char buffer[1 << 16];
  // Bounded by the file's length.
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, in.get())) > 0;) {
    for (std::size_t at = 0; at < n;) {
      const char* newline = static_cast<const char*>(std::memchr(buffer + at, '\n', n - at));
      const std::size_t end = newline == nullptr ? n : static_cast<std::size_t>(newline - buffer);
      line.append(buffer + at, end - at);
      if (line.size() > kRunLineBytesMax) {
        return core::Error{fmt::format("{}:{}: a line longer than {}; it is not a run record",
                                       file.string(), number,
                                       core::describe_size(kRunLineBytesMax))};
      }
      if (newline == nullptr) break;
      if (core::Status ok = each(line, number, true); !ok) return ok;
      line.clear();
      ++number;
      at = end + 1;
    }
  }
  if (std::ferror(in.get())) {
    return core::Error{fmt::format("{}: cannot be read: {}", file.string(), std::strerror(errno))};
  }
  if (!line.empty()) return each(line, number, false);
  return core::Status::Ok();
}

core::Result<ShardReport> read_shard(const fs::path& dir) {
  const fs::path file = dir / "report.json";
  std::error_code error;
  if (!fs::is_regular_file(file, error)) {
    return core::Error{fmt::format(
        "{}: not found; each DIR must be the --out directory of an `unwedge nightly` run",
        file.string())};
  }
  core::Result<std::string> text = core::read_input_file(file.string(), kReportBytesMax);
  if (!text)
    return core::Error{fmt::format("{}: cannot be read: {}", file.string(), text.error().message)};
  core::Result<reports::Report> report = reports::parse_report(*text, file.string());
  if (!report) return report.error();
  return ShardReport{.file = file, .report = std::move(*report)};
}

core::Status copy_repro(const fs::path& from_dir, const fs::path& out_dir) {
  std::error_code error;
  const fs::path from = from_dir / "repro";
  if (!fs::is_directory(from, error)) return core::Status::Ok();
  fs::create_directories(out_dir / "repro", error);
  // Bounded by the files of one directory.
  for (auto it = fs::directory_iterator(from, error); !error && it != fs::directory_iterator();
       it.increment(error)) {
    std::error_code kind;
    if (!it->is_regular_file(kind) || is_partial_file_name(it->path().filename().string())) {
      continue;
    }
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

// A shard killed while running, or a merge holding one: its runs.jsonl
// may hold runs its last report never counted, and a last line cut short.
bool was_killed(const reports::CampaignFigures& c) {
  return c.status == "running" ||
         c.status.find("still running when last written") != std::string::npos;
}

// Each shard's runs.jsonl is there, each line reads back as a run record
// (cli/campaign_report.hpp), and it holds the runs its report counts (more
// when the campaign was killed after its last report): a damaged or
// missing one is named before anything is written.
core::Status check_runs(const std::vector<ShardReport>& shards) {
  for (const ShardReport& shard : shards) {
    const fs::path file = dir_of(shard) / "runs.jsonl";
    std::error_code error;
    const fs::file_status status = fs::status(file, error);
    if (error || !fs::exists(status)) {
      return core::Error{
          fmt::format("{}: cannot be read: {}; each DIR must be the --out "
                      "directory of an `unwedge nightly` run",
                      file.string(), error ? error.message() : "no such file or directory")};
    }
    if (!fs::is_regular_file(status)) {
      return core::Error{
          fmt::format("{}: is not a regular file; each DIR must be the --out "
                      "directory of an `unwedge nightly` run",
                      file.string())};
    }
    const reports::CampaignFigures& c = shard.report.campaign;
    const bool killed = was_killed(c);
    std::uint64_t lines = 0;
    core::Status read_back = for_each_line(
        file, [&](std::string_view line, std::size_t number, bool terminated) -> core::Status {
          // The line a kill cut short is left out of the merge.
          if (killed && !terminated) return core::Status::Ok();
          if (core::Result<RunRecord> record = parse_run_record(line); !record) {
            return core::Error{fmt::format("{}:{}: {}; run the shard again to write it anew",
                                           file.string(), number, record.error().message)};
          }
          ++lines;
          return core::Status::Ok();
        });
    if (!read_back) return read_back;
    if (lines < c.runs || (!killed && lines != c.runs)) {
      return core::Error{
          fmt::format("{}: holds {} run records, but {} counts {} runs; run the "
                      "shard again to write both anew",
                      file.string(), lines, shard.file.string(), c.runs)};
    }
  }
  return core::Status::Ok();
}

// Every shard's runs.jsonl, one after the other, streamed into OUT's.
core::Status concatenate_runs(const std::vector<ShardReport>& shards, const fs::path& out_dir) {
  OutputStream out;
  if (core::Status opened = out.open(out_dir / "runs.jsonl"); !opened) return opened;
  for (const ShardReport& shard : shards) {
    const fs::path file = dir_of(shard) / "runs.jsonl";
    const bool killed = was_killed(shard.report.campaign);
    core::Status copied = for_each_line(
        file, [&](std::string_view line, std::size_t, bool terminated) -> core::Status {
          if (killed && !terminated) return core::Status::Ok();
          std::fwrite(line.data(), 1, line.size(), out.file());
          std::fputc('\n', out.file());
          return core::Status::Ok();
        });
    if (!copied) return copied;
  }
  return out.finish();
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
  std::vector<ShardReport> shards;
  for (const std::string& dir : options.shard_dirs) {
    if (same_directory(dir, out_dir)) {
      return fail(fmt::format("--out {} is also a shard to merge; write the merge elsewhere",
                              out_dir.string()));
    }
    core::Result<ShardReport> shard = read_shard(dir);
    if (!shard) return fail(shard.error().message);
    shards.push_back(std::move(*shard));
  }
  if (core::Status checked = check_shards(shards); !checked) return fail(checked.error().message);
  if (core::Status runs = check_runs(shards); !runs) return fail(runs.error().message);
  reports::Report merged = shards.front().report;
  for (std::size_t i = 1; i < shards.size(); ++i)
    reports::merge_into(merged, shards[i].report);
  merge_plans(merged, shards);
  std::error_code error;
  fs::create_directories(out_dir, error);
  if (error) {
    return fail(fmt::format("{}: cannot create the output directory: {}", out_dir.string(),
                            error.message()));
  }
  for (const ShardReport& shard : shards) {
    if (core::Status copied = copy_repro(dir_of(shard), out_dir); !copied) {
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
