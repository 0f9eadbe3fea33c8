// RequestBoard: operators' requests on their way from the console to the
// keepers, and what the keepers publish of themselves to the console.
//
// An operator's tool (patronictl, in Patroni) writes a switchover into the
// consensus store itself; here the console takes the request (the seam's
// ControlPlane::request, which sees only the console's Store) and posts it
// on this board, and the first agent of the service that can reach the
// store writes it there (a restart is taken by the named node's agent
// alone). The board also lists every node's Store and clock as its agent
// was given them, so the console can answer who holds which role from the
// keepers' own records, and the plane can judge its invariant over the
// keeper that has just run.
//
//   board->post({.kind = "switchover", .service = "db1", .node = "db1-2"});
//   for (const Posted& p : board->open_for("db1")) { ... board->take(p.id); }
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/store.hpp"

namespace unwedge::lease {

struct Posted {
  std::uint64_t id = 0;
  std::string kind;  // "switchover", "restart", "request_failover"
  std::string service;
  std::string node;  // the server aimed at; empty for a request on a service
};

// A node's Store and clock, as its agent was given them; both outlive the run.
struct NodeHandle {
  core::Store* store = nullptr;
  const core::Clock* clock = nullptr;
};

class RequestBoard {
 public:
  void post(Posted request);
  // The requests not yet taken for `service`, oldest first.
  std::vector<Posted> open_for(std::string_view service) const;
  void take(std::uint64_t id);

  void register_node(const std::string& node, NodeHandle handle);
  std::optional<NodeHandle> node(std::string_view name) const;
  const std::map<std::string, NodeHandle, std::less<>>& nodes() const { return nodes_; }

  // The node whose agent finished a pass last, for the invariant; cleared
  // once judged.
  void passed(std::string node) { last_pass_ = std::move(node); }
  std::optional<std::string> take_last_pass();

 private:
  std::vector<Posted> open_;
  std::uint64_t next_id_ = 1;
  std::map<std::string, NodeHandle, std::less<>> nodes_;
  std::optional<std::string> last_pass_;
};

}  // namespace unwedge::lease
