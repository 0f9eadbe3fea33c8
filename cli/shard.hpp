// Shards: which of a campaign's items this process runs, so that N
// processes (CI jobs, a Kubernetes Indexed Job, a test runner's shards)
// split one campaign between them with nothing run twice and nothing left
// out.
//
// The shard comes from, in this order:
//   1. the flag `--shard i/N`, numbered from 1 (1/4, 2/4, 3/4, 4/4), as
//      test runners' --shard flags are;
//   2. TEST_SHARD_INDEX and TEST_TOTAL_SHARDS (Bazel's test sharding,
//      index from 0); both must be set;
//   3. JOB_COMPLETION_INDEX (a Kubernetes Indexed Job, index from 0) with the
//      number of shards from `--shard-count N` or UNWEDGE_TOTAL_SHARDS: the
//      Job gives each pod its index but not the Job's `completions`;
//   4. otherwise the whole campaign (shard 1/1).
//
// Items are dealt out round-robin by their global index, a pure function:
//
//   core::Result<Shard> shard = resolve_shard({.flag = "2/4"}, process_environment());
//   if (shard->owns(index)) run(index);
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace unwedge::cli {

struct Shard {
  std::uint64_t index = 0;  // from 0, below count
  std::uint64_t count = 1;

  bool owns(std::uint64_t item_index) const { return item_index % count == index; }
  // "2/4": numbered from 1, as the flag takes it.
  std::string label() const;

  friend bool operator==(const Shard&, const Shard&) = default;
};

// The variables a shard may come from, by name; only the set ones.
using Environment = std::map<std::string, std::string, std::less<>>;

inline constexpr std::uint64_t kShardsMax = 1'000'000;

// `--shard i/N`, i from 1 to N.
core::Result<Shard> parse_shard_flag(std::string_view text);

struct ShardSources {
  std::string flag;                         // `--shard`, empty when not given
  std::optional<std::uint64_t> count_flag;  // `--shard-count`, for JOB_COMPLETION_INDEX
};

// The shard, by the precedence above; an error names the source and the fix.
core::Result<Shard> resolve_shard(const ShardSources& sources, const Environment& environment);

// The sharding variables of this process's environment. Bazel asks a test
// that shards to touch TEST_SHARD_STATUS_FILE; that variable is included.
Environment process_environment();

// Touches TEST_SHARD_STATUS_FILE when set, telling Bazel the test shards.
void acknowledge_test_sharding(const Environment& environment);

}  // namespace unwedge::cli
