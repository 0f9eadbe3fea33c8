#include "core/group_table.hpp"

#include <algorithm>
#include <bit>
#include <fmt/format.h>
#include <limits>
#include <numeric>
#include <set>

#include "core/assert.hpp"

namespace unwedge::core {

bool Assignment::empty() const {
  return std::none_of(goal.begin(), goal.end(),
                      [](const std::optional<StateId>& g) { return g.has_value(); });
}

bool GroupRule::matches(const GroupStates& states, std::size_t members, SignalSet signals) const {
  UNWEDGE_ASSERT_LE(members, kMaxGroupMembers);
  for (std::size_t m = 0; m < members; ++m) {
    if (!in[m].contains(states.of[m])) return false;
  }
  return signals.contains_all(when) && !signals.intersects(unless);
}

SignalSet GroupTable::all_signals() const {
  UNWEDGE_ASSERT_LE(signals_.size(), kMaxGroupSignals);
  return SignalSet::from_bits(
      static_cast<std::uint32_t>((std::uint64_t{1} << signals_.size()) - 1));
}

std::optional<SignalId> GroupTable::find_signal(std::string_view name) const {
  for (std::size_t i = 0; i < signals_.size(); ++i) {
    if (signals_[i] == name) return static_cast<SignalId>(i);
  }
  return std::nullopt;
}

std::optional<MemberId> GroupTable::find_member(std::string_view name) const {
  for (std::size_t i = 0; i < members_.size(); ++i) {
    if (members_[i] == name) return static_cast<MemberId>(i);
  }
  return std::nullopt;
}

// Saturates rather than wraps, so an absurd table is refused by its size.
std::uint64_t GroupTable::cell_count() const {
  std::uint64_t cells = std::uint64_t{1} << std::min<std::size_t>(signals_.size(), 63);
  for (std::size_t m = 0; m < members_.size(); ++m) {
    const std::uint64_t states = machine().state_count();
    if (cells > std::numeric_limits<std::uint64_t>::max() / std::max<std::uint64_t>(states, 1)) {
      return std::numeric_limits<std::uint64_t>::max();
    }
    cells *= states;
  }
  return cells;
}

GroupDecision GroupTable::decide(const GroupStates& states, SignalSet signals) const {
  const std::size_t members = members_.size();
  UNWEDGE_ASSERT(all_signals().contains_all(signals));
  for (std::size_t m = 0; m < members; ++m) {
    UNWEDGE_ASSERT_LT(static_cast<std::size_t>(states.of[m]), machine().state_count());
  }
  GroupDecision decision;
  for (std::size_t i = 0; i < invalid_.size(); ++i) {
    const GroupInvalid& invalid = invalid_[i];
    bool in_states = true;
    for (std::size_t m = 0; m < members && in_states; ++m) {
      in_states = invalid.in[m].contains(states.of[m]);
    }
    if (in_states && signals.contains_all(invalid.signals)) {
      decision.kind = GroupDecision::Kind::kInvalid;
      decision.invalid = i;
      return decision;
    }
  }

  // Only rules that admit every member's state can match: the words of
  // rules_by_state_ for this tuple, intersected, name them.
  const std::size_t words = (rules_.size() + 63) / 64;
  std::vector<std::size_t>& best = decision.rules;
  for (std::size_t w = 0; w < words; ++w) {
    std::uint64_t candidates = ~std::uint64_t{0};
    for (std::size_t m = 0; m < members; ++m)
      candidates &= rules_by_state_[m][states.of[m]][w];
    while (candidates != 0) {
      const std::size_t r = w * 64 + static_cast<std::size_t>(std::countr_zero(candidates));
      candidates &= candidates - 1;
      const GroupRule& rule = rules_[r];
      if (!signals.contains_all(rule.when) || signals.intersects(rule.unless)) continue;
      UNWEDGE_ASSERT(rule.matches(states, members, signals));
      if (!best.empty() && rule.priority < rules_[best.front()].priority) continue;
      if (!best.empty() && rule.priority > rules_[best.front()].priority) best.clear();
      best.push_back(r);
    }
  }
  if (best.empty()) return decision;  // kUncovered

  const Assignment& assign = rules_[best.front()].assign;
  const bool agree = std::all_of(best.begin(), best.end(),
                                 [&](std::size_t r) { return rules_[r].assign == assign; });
  if (!agree) {
    decision.kind = GroupDecision::Kind::kConflict;
  } else if (assign.empty()) {
    decision.kind = GroupDecision::Kind::kNothing;
  } else {
    decision.kind = GroupDecision::Kind::kAssign;
    decision.assign = assign;
  }
  return decision;
}

std::string GroupTable::describe_cell(const GroupStates& states, SignalSet signals) const {
  std::vector<std::string> parts;
  for (std::size_t m = 0; m < members_.size(); ++m) {
    parts.push_back(fmt::format("{} in {}", members_[m], machine().state_name(states.of[m])));
  }
  std::vector<std::string_view> raised;
  for (std::size_t i = 0; i < signals_.size(); ++i) {
    if (signals.contains(static_cast<SignalId>(i))) raised.push_back(signals_[i]);
  }
  return fmt::format("{} with {{{}}}", fmt::join(parts, ", "), fmt::join(raised, ", "));
}

std::string GroupTable::describe(const Assignment& assign) const {
  std::vector<std::string> parts;
  for (std::size_t m = 0; m < members_.size(); ++m) {
    if (assign.goal[m]) {
      parts.push_back(fmt::format("{} -> {}", members_[m], machine().state_name(*assign.goal[m])));
    }
  }
  if (parts.empty()) return "leave every goal";
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string GroupTable::describe(const GroupDecision& decision) const {
  std::vector<std::string> names;
  for (std::size_t r : decision.rules) {
    names.push_back(fmt::format("{} ({})", rules_[r].name, describe(rules_[r].assign)));
  }
  switch (decision.kind) {
    case GroupDecision::Kind::kAssign:
      return fmt::format("assign {} (rule {})", describe(decision.assign),
                         rules_[decision.rules.front()].name);
    case GroupDecision::Kind::kNothing:
      return fmt::format("leave every goal (rule {})", rules_[decision.rules.front()].name);
    case GroupDecision::Kind::kUncovered:
      return "uncovered: no rule matches";
    case GroupDecision::Kind::kInvalid:
      UNWEDGE_ASSERT(decision.invalid.has_value());
      return fmt::format("invalid: {}", invalid_[*decision.invalid].why);
    case GroupDecision::Kind::kConflict:
      return fmt::format("conflict: rules {} at priority {} disagree", fmt::join(names, " and "),
                         rules_[decision.rules.front()].priority);
  }
  UNWEDGE_ASSERT_MSG(false, "unknown group decision kind {}", static_cast<int>(decision.kind));
  return {};
}

GroupTable::Builder::Builder(std::string name, const MachineDef& machine)
    : name_(std::move(name)), machine_(&machine) {}

GroupTable::Builder& GroupTable::Builder::members(std::vector<std::string> names) {
  members_.insert(members_.end(), names.begin(), names.end());
  return *this;
}

GroupTable::Builder& GroupTable::Builder::signals(std::vector<std::string> names) {
  signals_.insert(signals_.end(), names.begin(), names.end());
  return *this;
}

GroupTable::Builder& GroupTable::Builder::symmetric() {
  symmetric_ = true;
  return *this;
}

GroupTable::Builder& GroupTable::Builder::rule(RuleSpec spec) {
  rules_.push_back(std::move(spec));
  return *this;
}

GroupTable::Builder& GroupTable::Builder::invalid(
    std::vector<std::string> signals, std::string why,
    std::map<std::string, std::vector<std::string>> in) {
  invalid_.push_back(InvalidSpec{std::move(signals), std::move(why), std::move(in)});
  return *this;
}

namespace {

using Permutation = std::vector<MemberId>;  // written member m reads member p[m]

// Resolves names against the half-built table and collects every problem, so
// build() reports all of them at once. A rule of a symmetric table is
// resolved once per renaming of the members.
struct GroupResolver {
  const std::vector<std::string>& members;
  const std::vector<std::string>& signal_names;
  const MachineDef& machine;
  std::vector<std::string>& problems;

  std::optional<MemberId> member(const std::string& name, std::string_view where) {
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (members[i] == name) return static_cast<MemberId>(i);
    }
    problems.push_back(fmt::format("{} names unknown member '{}'{}; the members are {}", where,
                                   name, did_you_mean(name, members), fmt::join(members, ", ")));
    return std::nullopt;
  }

  // "a.Unhealthy" under a renaming that reads a as b is "b.Unhealthy"; a
  // signal with no member prefix belongs to the group and keeps its name.
  std::string renamed_signal(const std::string& name, const Permutation& p) {
    const std::size_t dot = name.find('.');
    if (dot == std::string::npos) return name;
    const std::string_view prefix(name.data(), dot);
    for (std::size_t m = 0; m < members.size(); ++m) {
      if (members[m] == prefix) return members[p[m]] + name.substr(dot);
    }
    return name;
  }

  SignalSet signals(const std::vector<std::string>& names, const Permutation& p,
                    std::string_view where) {
    SignalSet set;
    for (const std::string& written : names) {
      const std::string name = renamed_signal(written, p);
      std::optional<SignalId> id;
      for (std::size_t i = 0; i < signal_names.size(); ++i) {
        if (signal_names[i] == name) id = static_cast<SignalId>(i);
      }
      if (!id && name == written) {
        problems.push_back(fmt::format("{} names unknown signal '{}'{}", where, name,
                                       did_you_mean(name, signal_names)));
      } else if (!id) {
        problems.push_back(fmt::format(
            "{} names signal '{}', which the symmetric table renames to '{}'; declare '{}' too",
            where, written, name, name));
      } else if (*id < kMaxGroupSignals) {  // beyond it, "too many signals" is reported
        set = set.with(*id);
      }
    }
    return set;
  }

  StateSet states(const std::vector<std::string>& names, std::string_view where) {
    StateSet set;
    for (const std::string& name : names) {
      if (std::optional<StateId> id = machine.find_state(name)) {
        set = set.with(*id);
      } else {
        problems.push_back(fmt::format("{} names unknown state '{}' (machine '{}'){}", where, name,
                                       machine.name(), did_you_mean(name, machine.state_names())));
      }
    }
    return set;
  }

  // Member name -> states, as one StateSet per (renamed) member; a member
  // not named may be in any state.
  std::array<StateSet, kMaxGroupMembers> member_states(
      const std::map<std::string, std::vector<std::string>>& in, const Permutation& p,
      std::string_view where) {
    std::array<StateSet, kMaxGroupMembers> sets{};
    for (std::size_t m = 0; m < members.size(); ++m)
      sets[m] = StateSet::all(machine.state_count());
    for (const auto& [name, states_named] : in) {
      std::optional<MemberId> m = member(name, where);
      if (!m) continue;
      if (states_named.empty()) {
        problems.push_back(
            fmt::format("{} lists no state for member '{}'; leave the member out "
                        "to allow every state",
                        where, name));
      }
      sets[p[*m]] = states(states_named, where);
    }
    return sets;
  }
};

std::vector<Permutation> renamings(std::size_t members, bool symmetric) {
  Permutation identity(members);
  std::iota(identity.begin(), identity.end(), MemberId{0});
  std::vector<Permutation> all{identity};
  if (!symmetric) return all;
  Permutation p = identity;
  while (std::next_permutation(p.begin(), p.end()))
    all.push_back(p);
  return all;
}

// "failover (a as b, b as a)": which renaming of the written rule this is.
std::string renamed_name(const std::string& name, const Permutation& p,
                         const std::vector<std::string>& members) {
  std::vector<std::string> parts;
  for (std::size_t m = 0; m < p.size(); ++m)
    parts.push_back(fmt::format("{} as {}", members[m], members[p[m]]));
  return fmt::format("{} ({})", name, fmt::join(parts, ", "));
}

bool same_cells_and_goals(const GroupRule& a, const GroupRule& b) {
  return a.in == b.in && a.when == b.when && a.unless == b.unless && a.assign == b.assign &&
         a.priority == b.priority;
}

void check_unique(const std::vector<std::string>& names, std::string_view kind,
                  std::vector<std::string>& problems) {
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) problems.push_back(fmt::format("{} #{} has an empty name", kind, i));
    if (!names[i].empty() && !seen.insert(names[i]).second) {
      problems.push_back(fmt::format("{} '{}' is declared twice", kind, names[i]));
    }
  }
}

}  // namespace

Result<GroupTable> GroupTable::Builder::build() const {
  std::vector<std::string> problems;
  GroupTable table;
  table.name_ = name_;
  table.machine_ = machine_;
  table.members_ = members_;
  table.signals_ = signals_;
  table.symmetric_ = symmetric_;

  if (name_.empty()) problems.push_back("the table has no name");
  if (members_.empty() || members_.size() > kMaxGroupMembers) {
    problems.push_back(fmt::format("it declares {} members; a group has 1 to {}", members_.size(),
                                   kMaxGroupMembers));
  }
  if (signals_.size() > kMaxGroupSignals) {
    problems.push_back(fmt::format("it declares {} signals; at most {} are supported",
                                   signals_.size(), kMaxGroupSignals));
  }
  check_unique(members_, "member", problems);
  check_unique(signals_, "signal", problems);
  for (const std::string& member : members_) {
    if (member.find('.') != std::string::npos) {
      problems.push_back(
          fmt::format("member '{}' has a '.' in its name; signals are named "
                      "'<member>.<signal>', so a member's name may not have one",
                      member));
    }
  }
  if (!problems.empty() || members_.empty() || members_.size() > kMaxGroupMembers) {
    return Error{fmt::format("group table '{}' is invalid: {}", name_, fmt::join(problems, "; "))};
  }
  if (table.cell_count() > kMaxGroupCells) {
    problems.push_back(fmt::format(
        "it has {} cells ({} states ^ {} members * 2^{} signals), more than the {} its analysis "
        "checks in reasonable time; split the group or drop signals",
        table.cell_count(), machine_->state_count(), members_.size(), signals_.size(),
        kMaxGroupCells));
  }

  GroupResolver resolve{members_, signals_, *machine_, problems};
  const std::vector<Permutation> perms = renamings(members_.size(), symmetric_);
  std::set<std::string_view> rule_names;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const RuleSpec& spec = rules_[i];
    const std::string name = spec.name.empty() ? fmt::format("rule#{}", i) : spec.name;
    if (!spec.name.empty() && !rule_names.insert(spec.name).second) {
      problems.push_back(fmt::format("rule '{}' is declared twice", spec.name));
    }
    const std::string where = fmt::format("rule '{}'", name);
    const std::size_t first = table.rules_.size();
    for (const Permutation& p : perms) {
      GroupRule rule;
      rule.name = p == perms.front() ? name : renamed_name(name, p, members_);
      rule.in = resolve.member_states(spec.in, p, where);
      rule.when = resolve.signals(spec.when, p, where);
      rule.unless = resolve.signals(spec.unless, p, where);
      rule.priority = spec.priority;
      rule.written = first;
      for (const auto& [member, goal] : spec.assign) {
        std::optional<MemberId> m = resolve.member(member, where);
        std::optional<StateId> g = machine_->find_state(goal);
        if (!g) {
          problems.push_back(fmt::format("{} assigns unknown goal '{}' (machine '{}'){}", where,
                                         goal, machine_->name(),
                                         did_you_mean(goal, machine_->state_names())));
        }
        if (m && g) rule.assign.goal[p[*m]] = *g;
      }
      if (p == perms.front() && rule.when.intersects(rule.unless)) {
        problems.push_back(
            fmt::format("{} can never match: a signal is in both when and unless", where));
      }
      // A rule symmetric in itself renames to itself; one copy decides alike.
      const bool duplicate =
          std::any_of(table.rules_.begin() + static_cast<std::ptrdiff_t>(first), table.rules_.end(),
                      [&](const GroupRule& other) { return same_cells_and_goals(other, rule); });
      if (!duplicate) table.rules_.push_back(std::move(rule));
    }
  }
  for (const InvalidSpec& spec : invalid_) {
    const std::string where = fmt::format("invalid combination '{}'", spec.why);
    if (spec.signals.empty()) {
      problems.push_back(fmt::format("{} names no signals; it would forbid every cell", where));
    }
    for (const Permutation& p : perms) {
      table.invalid_.push_back(GroupInvalid{resolve.signals(spec.signals, p, where),
                                            resolve.member_states(spec.in, p, where), spec.why});
    }
  }
  if (!problems.empty()) {
    // A symmetric table resolves each rule once per renaming: say each mistake once.
    std::vector<std::string> distinct;
    for (std::string& p : problems) {
      if (std::find(distinct.begin(), distinct.end(), p) == distinct.end())
        distinct.push_back(std::move(p));
    }
    return Error{fmt::format("group table '{}' is invalid: {}", name_, fmt::join(distinct, "; "))};
  }

  const std::size_t words = (table.rules_.size() + 63) / 64;
  table.rules_by_state_.assign(members_.size(),
                               std::vector<std::vector<std::uint64_t>>(
                                   machine_->state_count(), std::vector<std::uint64_t>(words, 0)));
  for (std::size_t r = 0; r < table.rules_.size(); ++r) {
    for (std::size_t m = 0; m < members_.size(); ++m) {
      for (std::size_t s = 0; s < machine_->state_count(); ++s) {
        if (table.rules_[r].in[m].contains(static_cast<StateId>(s))) {
          table.rules_by_state_[m][s][r / 64] |= std::uint64_t{1} << (r % 64);
        }
      }
    }
  }
  return table;
}

}  // namespace unwedge::core
