#include "planes/lease/request_board.hpp"

#include <algorithm>

#include "core/assert.hpp"

namespace unwedge::lease {

void RequestBoard::post(Posted request) {
  UNWEDGE_ASSERT(!request.kind.empty());
  UNWEDGE_ASSERT(!request.service.empty());
  // Bounded: requests nobody takes (a service with no live agent) are few,
  // and an operator does not ask a thousand times.
  UNWEDGE_ASSERT_LT(open_.size(), std::size_t{1000});
  request.id = next_id_++;
  open_.push_back(std::move(request));
}

std::vector<Posted> RequestBoard::open_for(std::string_view service) const {
  std::vector<Posted> out;
  for (const Posted& p : open_) {
    if (p.service == service) out.push_back(p);
  }
  return out;
}

void RequestBoard::take(std::uint64_t id) {
  std::erase_if(open_, [id](const Posted& p) { return p.id == id; });
}

void RequestBoard::register_node(const std::string& node, NodeHandle handle) {
  UNWEDGE_ASSERT(handle.store != nullptr);
  UNWEDGE_ASSERT(handle.clock != nullptr);
  nodes_[node] = handle;
}

std::optional<NodeHandle> RequestBoard::node(std::string_view name) const {
  auto it = nodes_.find(name);
  if (it == nodes_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> RequestBoard::take_last_pass() {
  std::optional<std::string> out = std::move(last_pass_);
  last_pass_.reset();
  return out;
}

}  // namespace unwedge::lease
