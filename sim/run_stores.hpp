// RunStores: a fresh, empty durable store for every run of a crash
// exploration (sim/crash_exploration.hpp), kept where the `--store` of
// `unwedge explore-crashes` says:
//
//   memory        an InMemoryStore per run (the default, as the simulator)
//   sqlite        a fresh SQLite file per run, in a new temporary directory
//                 removed with everything in it when the exploration ends
//                 (synchronous=NORMAL: a commit survives the process dying,
//                 the crash explored, without an fsync per commit)
//   sqlite:DIR    the same, the temporary directory made inside DIR (a disk
//                 or a tmpfs of your choosing)
//   postgres://... postgresql://... or libpq key=value words (host=... dbname=...)
//                 that one database, emptied at the start of every run:
//                 give it a database of its own, never one that matters
//
// Every run starts from nothing, so runs never see each other's state, and
// each run's store is closed (and a SQLite file removed) when its world is
// done. A database store needs the codecs of every kind the plane stores
// (seam::entity_codecs); memory needs none.
//
//   core::Result<std::unique_ptr<RunStores>> stores = RunStores::open("sqlite", &codecs);
//   if (!stores) return stores.error();
//   core::Result<std::unique_ptr<core::DurableStore>> store = (*stores)->fresh();
//   FleetWorld world(std::move(*store));
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/entity_codec_fwd.hpp"
#include "core/result.hpp"
#include "core/store.hpp"

namespace unwedge::sim {

class RunStores {
 public:
  // `codecs` is kept (it must outlive this) and may be null for memory. An
  // unknown store, a directory that cannot be made or a database that
  // cannot be reached is an error naming the store and what to do.
  static core::Result<std::unique_ptr<RunStores>> open(std::string_view store,
                                                       const core::EntityCodecs* codecs);
  ~RunStores();
  RunStores(const RunStores&) = delete;
  RunStores& operator=(const RunStores&) = delete;

  // An empty store for one run.
  core::Result<std::unique_ptr<core::DurableStore>> fresh();
  // "memory", "sqlite" or "postgres".
  const std::string& kind() const { return kind_; }
  // "sqlite (a fresh file per run in /tmp/unwedge-explore-Ab12Cd)", for the
  // summary's first line.
  const std::string& description() const { return description_; }
  std::uint64_t opened() const { return opened_; }

 private:
  RunStores() = default;

  std::string kind_;
  std::string url_;  // postgres
  std::string description_;
  const core::EntityCodecs* codecs_ = nullptr;
  std::filesystem::path directory_;  // sqlite: ours, removed at the end
  std::uint64_t opened_ = 0;
};

}  // namespace unwedge::sim
