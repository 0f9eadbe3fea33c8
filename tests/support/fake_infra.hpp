// FakeInfra: an Infra for unit tests that keeps every operation by key.
//
// An operation stays pending for `polls_to_finish` further requests with its
// key, then succeeds. The fake counts how many operations each distinct
// request body started, which is what idempotency tests compare: a correct
// action starts each effect once however often it is interrupted.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/infra.hpp"

namespace unwedge::testing {

class FakeInfra final : public core::Infra {
 public:
  explicit FakeInfra(std::uint32_t polls_to_finish = 0) : polls_to_finish_(polls_to_finish) {}

  core::Operation request(const core::InfraRequest& request) override;

  // (verb, target, argument) -> operations started with that body.
  using Effects = std::map<std::tuple<core::InfraVerb, std::string, std::string>, int>;
  Effects effects() const;
  std::size_t operations() const { return operations_.size(); }
  std::size_t requests() const { return requests_; }
  // True when an operation with this verb and target has succeeded.
  bool succeeded(core::InfraVerb verb, std::string_view target) const;
  // Makes the next new operation with this verb fail instead of succeed.
  void fail_next(core::InfraVerb verb) { fail_next_.push_back(verb); }

 private:
  struct Op {
    core::InfraRequest request;
    std::uint32_t polls = 0;
    bool fails = false;
    bool succeeded = false;
  };

  std::uint32_t polls_to_finish_;
  std::map<std::string, Op> operations_;
  std::vector<core::InfraVerb> fail_next_;
  std::size_t requests_ = 0;
};

}  // namespace unwedge::testing
