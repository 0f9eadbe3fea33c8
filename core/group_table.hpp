// GroupTable: a decision table over a group of entities of one machine that
// assigns goals to several members at once.
//
// A monitor (pg_auto_failover's), an operator reconciling a spec, a
// coordinator of a primary and its standbys judges the group as a whole: the
// primary's health and the standby's lag together decide that the standby is
// to prepare its promotion while the primary is to demote. A DecisionTable
// judges one entity; a GroupTable judges a tuple of members (at most
// kMaxGroupMembers), each in a state of the same machine, with signals that
// may belong to a member ("standby.CaughtUp") or to the group ("Maintenance").
// A rule reads
//   in {member: states, ...} when {signals} unless {signals}
//     -> assign {member: goal, ...} @priority
// and, as in a DecisionTable, the highest-priority matching rules must agree.
// A rule that assigns nothing says "leave every goal as it is".
//
// A symmetric table's members are interchangeable (two nodes, either of which
// may lead): each rule is written once and holds under every renaming of the
// members, its member-prefixed signals renamed alike ("a.Unhealthy" ->
// "b.Unhealthy"). The analysis (group_analysis.hpp) enumerates every cell
// (a state per member, a signal subset) as decision_analysis does for one
// entity.
//
//   Result<GroupTable> monitor = GroupTable::Builder("monitor", node_machine)
//       .members({"a", "b"})
//       .symmetric()
//       .signals({"a.Unhealthy", "b.Unhealthy"})
//       .rule({.name = "failover", .in = {{"a", {"primary"}}, {"b", {"secondary"}}},
//              .when = {"a.Unhealthy"}, .unless = {"b.Unhealthy"},
//              .assign = {{"a", "demoted"}, {"b", "prepare_promotion"}}, .priority = 50})
//       .rule({.name = "steady", .priority = 0})
//       .build();
//   GroupDecision d = monitor->decide({primary, secondary}, signals);
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/machine.hpp"
#include "core/result.hpp"
#include "core/signal_set.hpp"

namespace unwedge::core {

// Two or three members cover a primary with its standbys and a node with a
// witness; a bigger group is better judged as several smaller ones, and its
// cells grow as the power of the member count.
inline constexpr std::size_t kMaxGroupMembers = 3;
// The analysis enumerates every signal subset, so each signal doubles its
// cost; a group's member signals ("a.Unhealthy", "b.Unhealthy") need more
// than one entity's 16. kMaxGroupCells bounds the product with the states.
inline constexpr std::size_t kMaxGroupSignals = 24;
// The build refuses a table with more cells than this: at 15-20 million
// cells a second (docs/PERFORMANCE.md) its analysis would take over two
// seconds, more than a check run on every commit should.
inline constexpr std::uint64_t kMaxGroupCells = std::uint64_t{1} << 25;

using MemberId = std::uint8_t;

// One state per member, in member order; unused slots are 0.
struct GroupStates {
  std::array<StateId, kMaxGroupMembers> of{};

  friend bool operator==(const GroupStates&, const GroupStates&) = default;
  friend auto operator<=>(const GroupStates&, const GroupStates&) = default;
};

// The goals a rule assigns: one per member, or none (that member's goal stays).
struct Assignment {
  std::array<std::optional<StateId>, kMaxGroupMembers> goal{};

  bool empty() const;
  friend bool operator==(const Assignment&, const Assignment&) = default;
  friend auto operator<=>(const Assignment&, const Assignment&) = default;
};

struct GroupRule {
  std::string name;
  // The member each state set reads: the member must be in one of them.
  std::array<StateSet, kMaxGroupMembers> in{};
  SignalSet when;
  SignalSet unless;
  Assignment assign;  // empty: leave every goal as it is
  int priority = 0;
  // For a rule of a symmetric table, the written rule it was renamed from
  // (its own index for the rule as written).
  std::size_t written = 0;

  bool matches(const GroupStates& states, std::size_t members, SignalSet signals) const;
};

struct GroupInvalid {
  SignalSet signals;
  std::array<StateSet, kMaxGroupMembers> in{};
  std::string why;
};

struct GroupDecision {
  enum class Kind { kAssign, kNothing, kUncovered, kInvalid, kConflict };
  Kind kind = Kind::kUncovered;
  Assignment assign;               // for kAssign
  std::vector<std::size_t> rules;  // the best-priority matches
  std::optional<std::size_t> invalid;

  friend bool operator==(const GroupDecision&, const GroupDecision&) = default;
};

class GroupTable {
 public:
  class Builder;

  const std::string& name() const { return name_; }
  const MachineDef& machine() const { return *machine_; }
  std::size_t member_count() const { return members_.size(); }
  std::span<const std::string> member_names() const { return members_; }
  std::span<const std::string> signal_names() const { return signals_; }
  bool symmetric() const { return symmetric_; }
  // The rules as decided: for a symmetric table, each written rule under
  // every renaming of the members, the renamings of one rule adjacent.
  std::span<const GroupRule> rules() const { return rules_; }
  std::span<const GroupInvalid> invalid_combinations() const { return invalid_; }
  SignalSet all_signals() const;
  std::optional<SignalId> find_signal(std::string_view name) const;
  std::optional<MemberId> find_member(std::string_view name) const;
  // Every (state tuple, signal subset) cell: states^members * 2^signals.
  std::uint64_t cell_count() const;

  GroupDecision decide(const GroupStates& states, SignalSet signals) const;

  // "a in primary, b in secondary with {a.Unhealthy}"
  std::string describe_cell(const GroupStates& states, SignalSet signals) const;
  // "a -> demoted, b -> prepare_promotion"; "leave every goal" when empty.
  std::string describe(const Assignment& assign) const;
  std::string describe(const GroupDecision& decision) const;

 private:
  GroupTable() = default;
  friend class Builder;

  std::string name_;
  const MachineDef* machine_ = nullptr;
  std::vector<std::string> members_;
  std::vector<std::string> signals_;
  bool symmetric_ = false;
  std::vector<GroupRule> rules_;
  std::vector<GroupInvalid> invalid_;
  // rules_by_state_[m][s]: bit r set when rule r admits state s for member m;
  // decide() intersects these so it only looks at rules that can match.
  std::vector<std::vector<std::vector<std::uint64_t>>> rules_by_state_;
};

class GroupTable::Builder {
 public:
  struct RuleSpec {
    std::string name;
    // Member name -> the states it must be in; a member not named: any state.
    std::map<std::string, std::vector<std::string>> in;
    std::vector<std::string> when;
    std::vector<std::string> unless;
    // Member name -> the goal assigned to it.
    std::map<std::string, std::string> assign;
    int priority = 0;
  };

  // The machine must outlive the table.
  Builder(std::string name, const MachineDef& machine);

  Builder& members(std::vector<std::string> names);
  Builder& signals(std::vector<std::string> names);
  // The members are interchangeable: every rule and invalid combination also
  // holds with the members renamed.
  Builder& symmetric();
  Builder& rule(RuleSpec spec);
  Builder& invalid(std::vector<std::string> signals, std::string why,
                   std::map<std::string, std::vector<std::string>> in = {});

  Result<GroupTable> build() const;

 private:
  struct InvalidSpec {
    std::vector<std::string> signals;
    std::string why;
    std::map<std::string, std::vector<std::string>> in;
  };

  std::string name_;
  const MachineDef* machine_;
  std::vector<std::string> members_;
  std::vector<std::string> signals_;
  bool symmetric_ = false;
  std::vector<RuleSpec> rules_;
  std::vector<InvalidSpec> invalid_;
};

}  // namespace unwedge::core
