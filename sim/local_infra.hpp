// LocalInfra: the local commands of one node, as its agent (seam::Agent)
// issues them: its own database only, answered at once, idempotent by key
// like the fleet API (the first request with a key acts, later ones with the
// same key report what it did; a key reused for another request is refused).
//
//   LocalInfra local("db1-2", [&](const core::InfraRequest& r) { return apply_on_node(r); });
//   core::Operation op = local.request({.verb = pgworld::kFence, .target = "db1-2", ...});
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/infra.hpp"

namespace unwedge::sim {

class LocalInfra final : public core::Infra {
 public:
  // `apply` performs a request on the node: nullopt, or why it could not.
  using Apply = std::function<std::optional<std::string>(const core::InfraRequest&)>;

  LocalInfra(std::string node, Apply apply) : node_(std::move(node)), apply_(std::move(apply)) {}

  core::Operation request(const core::InfraRequest& request) override;

 private:
  struct Done {
    core::InfraRequest request;
    core::Operation operation;
  };

  std::string node_;
  Apply apply_;
  std::map<std::string, Done, std::less<>> by_key_;
};

}  // namespace unwedge::sim
