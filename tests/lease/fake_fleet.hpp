// FakeFleet: the databases of a few nodes, as far as the lease plane's
// agents see them: local commands (fence, promote, follow, ...) by key, a
// local reading per node, and replicas that catch up with their upstream
// when read. Each FakeNode is one node's world: its clock, its Store, its
// local commands and its reading, as an Environment.
//
//   FakeFleet fleet;
//   FakeNode node(fleet, "db1-1");
//   KeeperAgent agent({.node = "db1-1", .env = node.env, .coordination = &store}, ...);
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/environment.hpp"
#include "core/in_memory_store.hpp"
#include "core/infra.hpp"
#include "core/telemetry.hpp"
#include "tests/support/fake_telemetry.hpp"
#include "tests/support/manual_clock.hpp"

namespace unwedge::lease::testing {

struct FakeDb {
  bool running = true;
  bool primary = true;  // a fresh database is an empty primary on timeline 1
  bool fenced = false;
  core::Term term = 1;
  core::LogPosition lsn = 0;
  std::string upstream;
  bool accepts_writes() const { return running && primary && !fenced; }
  friend bool operator==(const FakeDb&, const FakeDb&) = default;
};

struct FakeFleet {
  std::map<std::string, FakeDb> dbs;
  // A write on `node`: its log grows by one.
  void write(const std::string& node) { dbs.at(node).lsn++; }
  void catch_up(const std::string& node);
  // nullopt, or why the command is refused.
  std::optional<std::string> apply(const core::InfraRequest& request);
};

class FakeLocal final : public core::Infra {
 public:
  FakeLocal(FakeFleet& fleet, std::string node) : fleet_(fleet), node_(std::move(node)) {}
  core::Operation request(const core::InfraRequest& request) override;
  // Throws after carrying out the n-th command (0: never).
  std::uint32_t throw_after_command = 0;
  std::uint32_t commands() const { return commands_; }

 private:
  FakeFleet& fleet_;
  std::string node_;
  std::uint32_t commands_ = 0;
  std::map<std::string, std::pair<core::InfraRequest, core::Operation>, std::less<>> by_key_;
};

class FakeReading final : public core::Telemetry {
 public:
  FakeReading(FakeFleet& fleet, std::string node) : fleet_(fleet), node_(std::move(node)) {}
  std::vector<core::Checkin> checkins(std::string_view host) const override;

 private:
  FakeFleet& fleet_;
  std::string node_;
};

struct FakeNode {
  FakeNode(FakeFleet& fleet, const std::string& name, core::TimeUs start_us = 0)
      : clock(start_us), local(fleet, name), reading(fleet, name) {
    fleet.dbs.try_emplace(name);
  }
  unwedge::testing::ManualClock clock;
  core::InMemoryStore store;
  FakeLocal local;
  FakeReading reading;
  unwedge::testing::RecordingJournal journal;
  core::Environment env{
      .store = store, .infra = local, .clock = clock, .telemetry = reading, .journal = &journal};
};

}  // namespace unwedge::lease::testing
