// open_store: a Store kept where a URL says, for production runs (`unwedge
// serve --store`) and for crash exploration on a real database
// (`unwedge explore-crashes --store`).
//
//   memory                         InMemoryStore: nothing outlives the process
//   sqlite:PATH                    SQLite, one file (created with its schema)
//   postgres://... postgresql://...  PostgreSQL, by a libpq connection URI
//   host=... dbname=...            PostgreSQL, by libpq key=value words
//
// Every one keeps the contract of core/store.hpp (docs/STORES.md says where a
// database's behaviour differs and why it does not matter to a step). An
// unknown scheme, a database that cannot be reached or a schema of another
// version is an error that names the URL and what to do.
//
//   core::EntityCodecs codecs = *seam::entity_codecs(*seam::find_plane("postgres"));
//   core::Result<std::unique_ptr<core::DurableStore>> store =
//       stores::open_store("sqlite:/var/lib/unwedge/state.db", codecs);
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/entity_codec_fwd.hpp"
#include "core/result.hpp"
#include "core/store.hpp"

namespace unwedge::stores {

// The isolation level a PostgreSQL store runs its transactions at. Only
// serializable keeps the Store's contract; read committed, PostgreSQL's
// default, is offered to show what it breaks (docs/STORES.md).
enum class Isolation : std::uint8_t { kSerializable, kReadCommitted };

struct StoreOptions {
  Isolation isolation = Isolation::kSerializable;
  // Erase every entity on opening: a throwaway run's store.
  bool empty = false;
};

core::Result<std::unique_ptr<core::DurableStore>> open_store(std::string_view url,
                                                             const core::EntityCodecs& codecs,
                                                             const StoreOptions& options = {});

// "memory", "sqlite" or "postgres": which store a URL names, or an error.
core::Result<std::string> store_kind(std::string_view url);

}  // namespace unwedge::stores
