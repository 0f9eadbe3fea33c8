#include "cli/shard.hpp"

#include <charconv>
#include <cstdlib>
#include <fmt/format.h>
#include <fstream>

namespace unwedge::cli {
namespace {

constexpr const char* kShardVariables[] = {"TEST_SHARD_INDEX", "TEST_TOTAL_SHARDS",
                                           "TEST_SHARD_STATUS_FILE", "JOB_COMPLETION_INDEX",
                                           "UNWEDGE_TOTAL_SHARDS"};

std::optional<std::uint64_t> parse_count(std::string_view text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end) return std::nullopt;
  return value;
}

const std::string* find(const Environment& environment, std::string_view name) {
  auto it = environment.find(name);
  return it == environment.end() ? nullptr : &it->second;
}

core::Result<std::uint64_t> count_variable(std::string_view name, const std::string& text) {
  std::optional<std::uint64_t> value = parse_count(text);
  if (!value) {
    return core::Error{fmt::format("{}={}: expected a whole number", name, text)};
  }
  return *value;
}

// index (from 0) of count, both already numbers; `source` names them.
core::Result<Shard> checked_shard(std::uint64_t index, std::uint64_t count,
                                  const std::string& source) {
  if (count == 0) {
    return core::Error{fmt::format("{}: the number of shards must be at least 1", source)};
  }
  if (count > kShardsMax) {
    return core::Error{
        fmt::format("{}: {} shards is more than the {} allowed", source, count, kShardsMax)};
  }
  if (index >= count) {
    return core::Error{
        fmt::format("{}: shard index {} does not exist; with {} shards the index runs from 0 to {}",
                    source, index, count, count - 1)};
  }
  return Shard{.index = index, .count = count};
}

core::Result<Shard> shard_from_test_runner(const Environment& environment) {
  const std::string* index_text = find(environment, "TEST_SHARD_INDEX");
  const std::string* count_text = find(environment, "TEST_TOTAL_SHARDS");
  if (index_text == nullptr || count_text == nullptr) {
    return core::Error{
        fmt::format("TEST_SHARD_INDEX and TEST_TOTAL_SHARDS go together, but only "
                    "{} is set; set both, or neither",
                    index_text != nullptr ? "TEST_SHARD_INDEX" : "TEST_TOTAL_SHARDS")};
  }
  core::Result<std::uint64_t> index = count_variable("TEST_SHARD_INDEX", *index_text);
  if (!index) return index.error();
  core::Result<std::uint64_t> count = count_variable("TEST_TOTAL_SHARDS", *count_text);
  if (!count) return count.error();
  return checked_shard(
      *index, *count,
      fmt::format("TEST_SHARD_INDEX={} TEST_TOTAL_SHARDS={}", *index_text, *count_text));
}

core::Result<Shard> shard_from_indexed_job(const ShardSources& sources,
                                           const Environment& environment) {
  const std::string& index_text = *find(environment, "JOB_COMPLETION_INDEX");
  core::Result<std::uint64_t> index = count_variable("JOB_COMPLETION_INDEX", index_text);
  if (!index) return index.error();
  std::uint64_t count = 0;
  std::string source;
  if (sources.count_flag) {
    count = *sources.count_flag;
    source = fmt::format("JOB_COMPLETION_INDEX={} --shard-count {}", index_text, count);
  } else if (const std::string* count_text = find(environment, "UNWEDGE_TOTAL_SHARDS")) {
    core::Result<std::uint64_t> parsed = count_variable("UNWEDGE_TOTAL_SHARDS", *count_text);
    if (!parsed) return parsed.error();
    count = *parsed;
    source = fmt::format("JOB_COMPLETION_INDEX={} UNWEDGE_TOTAL_SHARDS={}", index_text, count);
  } else {
    return core::Error{fmt::format(
        "JOB_COMPLETION_INDEX={} is set but not the number of shards: pass --shard-count N or set "
        "UNWEDGE_TOTAL_SHARDS to the Job's completions",
        index_text)};
  }
  return checked_shard(*index, count, source);
}

}  // namespace

std::string Shard::label() const {
  return fmt::format("{}/{}", index + 1, count);
}

core::Result<Shard> parse_shard_flag(std::string_view text) {
  const std::size_t slash = text.find('/');
  std::optional<std::uint64_t> number;
  std::optional<std::uint64_t> count;
  if (slash != std::string_view::npos) {
    number = parse_count(text.substr(0, slash));
    count = parse_count(text.substr(slash + 1));
  }
  if (!number || !count) {
    return core::Error{fmt::format(
        "--shard {}: expected i/N, shard i of N numbered from 1 (for example 2/4)", text)};
  }
  if (*count == 0) {
    return core::Error{fmt::format("--shard {}: the number of shards must be at least 1", text)};
  }
  if (*number == 0) {
    return core::Error{fmt::format(
        "--shard {}: shards are numbered from 1; the first of {} is 1/{}", text, *count, *count)};
  }
  if (*number > *count) {
    return core::Error{
        fmt::format("--shard {}: there is no shard {} of {}; they run from 1/{} to {}/{}", text,
                    *number, *count, *count, *count, *count)};
  }
  return checked_shard(*number - 1, *count, fmt::format("--shard {}", text));
}

core::Result<Shard> resolve_shard(const ShardSources& sources, const Environment& environment) {
  if (!sources.flag.empty()) return parse_shard_flag(sources.flag);
  if (find(environment, "TEST_SHARD_INDEX") != nullptr ||
      find(environment, "TEST_TOTAL_SHARDS") != nullptr) {
    return shard_from_test_runner(environment);
  }
  if (find(environment, "JOB_COMPLETION_INDEX") != nullptr) {
    return shard_from_indexed_job(sources, environment);
  }
  if (sources.count_flag) {
    return core::Error{fmt::format(
        "--shard-count {} names the number of shards for JOB_COMPLETION_INDEX, which is not set; "
        "use --shard i/N to pick a shard by hand",
        *sources.count_flag)};
  }
  return Shard{};
}

Environment process_environment() {
  Environment environment;
  for (const char* name : kShardVariables) {
    if (const char* value = std::getenv(name)) environment.emplace(name, value);
  }
  return environment;
}

void acknowledge_test_sharding(const Environment& environment) {
  const std::string* path = find(environment, "TEST_SHARD_STATUS_FILE");
  if (path == nullptr || path->empty()) return;
  std::ofstream touch(*path, std::ios::app);
}

}  // namespace unwedge::cli
