// PostgresStore: the Store kept in a PostgreSQL database, over libpq.
//
// Every core::Transaction is a real PostgreSQL transaction, begun at
// SERIALIZABLE (or READ COMMITTED when the options ask, to show what that
// breaks: docs/STORES.md). Reads are SELECTs by (kind, id), each entity read
// once per transaction and kept for its later reads; ids() lists a kind in
// the order std::string sorts (the columns are COLLATE "C"), merged with the
// transaction's own writes. Writes are buffered in the transaction and sent
// at commit(): an upsert that bumps the row's version, or a DELETE, then
// COMMIT. So a transaction holds no row lock while the control plane thinks,
// and serializable PostgreSQL detects what InMemoryStore detects: a read
// gone stale is a serialization failure, which commit() returns as a
// "conflict:" error like InMemoryStore's.
//
// Failures, and what the caller sees:
//   serialization failure or deadlock (40001, 40P01)
//       at a write or COMMIT: commit() returns "conflict: ...";
//       at a read: find()/ids() throw StoreError (the transaction must be
//       retried), every later read throws too, commit() returns the conflict
//   the connection lost before COMMIT was sent
//       reads throw StoreError naming the server; commit() returns an error;
//       nothing was committed; the connection is dropped from the pool
//   the connection lost after COMMIT was sent, before its answer
//       commit() returns "outcome unknown: ...": the transaction may or may
//       not have committed (the case every action step must tolerate: a
//       step is re-entrant, so running it again is safe either way)
//
// Several transactions may be open at once in one thread (a control plane
// reads through one while it commits another), so the store keeps a small
// pool of connections: begin() takes an idle one or opens another, and a
// transaction gives its connection back when it ends. The store is used
// from one thread, like InMemoryStore, and must outlive its transactions.
//
// The schema (created on open when absent, under an advisory lock so two
// stores opening one empty database at once both succeed):
//   unwedge_schema(version int not null)  -- one row: 1
//   unwedge_entities(kind text, id text, body text not null,
//                    version bigint not null, primary key (kind, id))
// A database holding another schema version is refused with what to do.
//
//   core::EntityCodecs codecs;
//   core::add_framework_entities(codecs);
//   core::Result<std::unique_ptr<PostgresStore>> store =
//       PostgresStore::open("host=/run/postgresql dbname=unwedge", codecs);
//   if (!store) return store.error();
//   std::unique_ptr<core::Transaction> txn = (*store)->begin();
//   txn->put(core::ActionSlot{.id = "service/db1"});
//   if (core::Status s = txn->commit(); !s) return s;  // "conflict: ...": run it again
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/entity_codec.hpp"
#include "core/result.hpp"
#include "core/store.hpp"
#include "stores/open_store.hpp"
#include "stores/store_error.hpp"

// libpq's connection, kept out of this header so its users need no libpq.
struct pg_conn;

namespace unwedge::stores {

class PostgresStore final : public core::DurableStore {
 public:
  // The schema version this build reads and writes.
  static constexpr int kSchemaVersion = 1;

  // Connects to the server `conninfo` names (a postgres:// URI or libpq
  // key=value words), creates the schema if absent and checks its version;
  // options.empty then erases every entity. An error names the server
  // (never its password) and what failed.
  static core::Result<std::unique_ptr<PostgresStore>> open(std::string_view conninfo,
                                                           const core::EntityCodecs& codecs,
                                                           const StoreOptions& options = {});

  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;
  ~PostgresStore() override;

  // Throws StoreError when no connection to the server can be had.
  std::unique_ptr<core::Transaction> begin() override;
  // Every entity, read in one transaction and decoded afresh. Throws
  // StoreError when the server cannot be read or a row does not decode.
  core::StoreSnapshot snapshot() const override;

  std::uint64_t commits() const override { return commits_; }
  std::uint64_t conflicts() const override { return conflicts_; }
  // Connections opened over the store's life, and those idle in its pool.
  std::uint64_t connections_opened() const { return connections_opened_; }
  std::size_t idle_connections() const { return idle_.size(); }
  // "PostgreSQL at host=... port=... dbname=...": the server, for messages.
  const std::string& server() const { return server_; }
  Isolation isolation() const { return isolation_; }

 private:
  class Txn;
  struct ConnectionDeleter {
    void operator()(pg_conn* connection) const;
  };
  using ConnectionPtr = std::unique_ptr<pg_conn, ConnectionDeleter>;

  PostgresStore(std::string conninfo, std::string server, const core::EntityCodecs& codecs,
                Isolation isolation);

  // A new connection, or an error naming the server.
  core::Result<ConnectionPtr> connect() const;
  // Prepares the store's statements on a new connection (the schema exists).
  core::Status prepare(pg_conn& connection) const;
  // An idle connection with a transaction begun on it at `begin`; opens
  // another when none is idle or the idle ones are broken.
  ConnectionPtr take(const char* begin) const;
  // A connection back from a transaction: kept if healthy and idle.
  void give_back(ConnectionPtr connection) const;
  core::Status create_schema(pg_conn& connection, bool empty) const;

  std::string conninfo_;
  std::string server_;
  core::EntityCodecs codecs_;
  Isolation isolation_;
  // The pool (snapshot() borrows from it too, hence mutable).
  mutable std::vector<ConnectionPtr> idle_;
  mutable std::uint64_t connections_opened_ = 0;
  std::uint64_t commits_ = 0;
  std::uint64_t conflicts_ = 0;
  // Transactions begun and not yet ended: the store must outlive them.
  std::uint32_t open_ = 0;
};

}  // namespace unwedge::stores
