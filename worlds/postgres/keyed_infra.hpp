// KeyedInfra: a fleet API that keeps every operation by idempotency key and
// does nothing else, for exploring actions without the simulated world.
//
// An operation stays pending for `polls_to_finish` further requests with its
// key, then succeeds. It counts how many operations each distinct request
// body started, which is what re-execution checks compare: a correct action
// starts each effect once however often it is interrupted or delivered.
// With lose_first_replies(), the first request of every distinct call
// (verb, target, argument) is carried out but its answer is lost (the caller
// sees a timeout), so the caller must ask again, the way an at-least-once
// network makes it; a caller that asks under a new key starts it twice.
//
//   KeyedInfra infra;
//   infra.request({.verb = pgworld::kFence, .target = "db1-1", .idempotency_key = "k"});
//   infra.request({.verb = pgworld::kFence, .target = "db1-1", .idempotency_key = "k"});
//   // infra.effects(): {fence, db1-1, ""} -> 1
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/infra.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::pgworld {

class KeyedInfra final : public core::Infra {
 public:
  explicit KeyedInfra(std::uint32_t polls_to_finish = 0) : polls_to_finish_(polls_to_finish) {}

  core::Operation request(const core::InfraRequest& request) override;

  // (verb, target, argument) -> operations started with that body.
  using Effects = std::map<std::tuple<core::InfraVerb, std::string, std::string>, int>;
  Effects effects() const;
  std::size_t operations() const { return operations_.size(); }
  std::size_t requests() const { return requests_; }
  // Answers lost by lose_first_replies().
  std::size_t replies_lost() const { return replies_lost_for_.size(); }
  // True when an operation with this verb and target has succeeded.
  bool succeeded(core::InfraVerb verb, std::string_view target) const;
  // Makes the next new operation with this verb fail instead of succeed.
  void fail_next(core::InfraVerb verb) { fail_next_.push_back(verb); }
  // From now on, the answer to the first request of each distinct call is lost.
  void lose_first_replies(bool lose = true) { lose_first_replies_ = lose; }

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
  bool lose_first_replies_ = false;
  std::set<Effects::key_type> replies_lost_for_;
};

// "fence db1-1" or "point_endpoint db1 -> db1-2".
std::string describe_effect(const KeyedInfra::Effects::key_type& effect);

}  // namespace unwedge::pgworld
