// The linearizability checker (linearizability.hpp): the store's sequential
// specification for one key, the memoized search, and the explanation of a
// violation.
#include "worlds/consensus/linearizability.hpp"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <unordered_set>
#include <utility>

#include "core/assert.hpp"

namespace unwedge::consensus {

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kLinearizable:
      return "linearizable";
    case Verdict::kViolation:
      return "violation";
    case Verdict::kTooLarge:
      return "not checked: too large";
  }
  return "?";
}

namespace {

constexpr TimeUs kNever = std::numeric_limits<TimeUs>::max();

std::string seconds(TimeUs time_us) {
  const char* sign = time_us < 0 ? "-" : "";
  const TimeUs magnitude_us = time_us < 0 ? -time_us : time_us;
  return fmt::format("{}{}.{:06}s", sign, magnitude_us / core::kSecond,
                     magnitude_us % core::kSecond);
}

// One operation on one key, as the search sees it: a client operation or
// an expiry. Unknown outcomes complete at kNever.
struct KeyOp {
  bool expiry = false;
  std::size_t source = 0;  // index into History::operations or ::expirations
  const Request* request = nullptr;
  const Reply* result = nullptr;
  Revision expiry_revision = 0;
  TimeUs invoke_us = 0;
  TimeUs complete_us = kNever;
  bool definite() const { return complete_us != kNever; }
};

std::string describe_key_op(const History& history, const KeyOp& op) {
  if (op.expiry) {
    const HistoryExpiry& expiry = history.expirations[op.source];
    return fmt::format("expiry of {} at revision {} [proposed {}, applied {}]", expiry.key,
                       expiry.revision, seconds(expiry.proposed_us), seconds(expiry.applied_us));
  }
  return describe(history.operations[op.source], op.source);
}

// The state of one key in the sequential specification. `revision` is the
// key's last change (its write, or its removal); when an operation of
// unknown outcome made that change, its revision is not known, and
// `revision` is a lower bound until an observation pins it.
struct Model {
  bool present = false;
  bool exact = true;
  Revision revision = 0;
  std::string value;
};

std::string describe_model(const Model& model) {
  const std::string revision =
      model.exact ? fmt::format("revision {}", model.revision)
                  : fmt::format("a revision >= {} (set by an operation of unknown outcome)",
                                model.revision);
  if (!model.present) return fmt::format("absent (last change at {})", revision);
  return fmt::format("\"{}\" at {}", model.value, revision);
}

// The current revision is (or may be) `revision`: pins an inexact one.
bool pin(Model& model, Revision revision) {
  if (model.exact) return model.revision == revision;
  if (revision < model.revision) return false;
  model.revision = revision;
  model.exact = true;
  return true;
}

// A change at `revision` may follow the model's last change.
bool after(const Model& model, Revision revision) {
  return revision > model.revision;
}

Model written(const std::string& value, Revision revision, bool exact) {
  return Model{.present = true, .exact = exact, .revision = revision, .value = value};
}

Model removed(Revision revision, bool exact) {
  return Model{.present = false, .exact = exact, .revision = revision};
}

// A compare that failed reports what the key held (revision 0: absent).
std::optional<Model> failed_compare(Model model, const Request& request, const Reply& result) {
  if (result.revision == 0) {
    if (model.present) return std::nullopt;
    // Creating an absent key cannot fail.
    if (request.kind == OpKind::kCompareAndSet && request.expected_revision == 0) {
      return std::nullopt;
    }
    return model;
  }
  if (!model.present || model.value != result.value) return std::nullopt;
  if (!pin(model, result.revision)) return std::nullopt;
  if (result.revision == request.expected_revision) return std::nullopt;
  return model;
}

// A completed client operation: the state after it, if what it observed is
// possible from `model`.
std::optional<Model> step_definite(Model model, const Request& request, const Reply& result) {
  const Revision revision = result.revision;
  switch (request.kind) {
    case OpKind::kGet:
      if (!result.succeeded) {
        if (model.present) return std::nullopt;
        return model;
      }
      if (!model.present || model.value != result.value) return std::nullopt;
      if (!pin(model, revision)) return std::nullopt;
      return model;
    case OpKind::kPut:
      if (!result.succeeded || !after(model, revision)) return std::nullopt;
      return written(request.value, revision, true);
    case OpKind::kCompareAndSet:
      if (!result.succeeded) return failed_compare(std::move(model), request, result);
      if (request.expected_revision == 0) {
        if (model.present) return std::nullopt;
      } else if (!model.present || !pin(model, request.expected_revision)) {
        return std::nullopt;
      }
      if (!after(model, revision)) return std::nullopt;
      return written(request.value, revision, true);
    case OpKind::kRemove:
      if (!result.succeeded) {
        if (model.present) return std::nullopt;
        return model;
      }
      if (!model.present || !after(model, revision)) return std::nullopt;
      return removed(revision, true);
    case OpKind::kCompareAndRemove:
      if (!result.succeeded) return failed_compare(std::move(model), request, result);
      if (!model.present || !pin(model, request.expected_revision)) return std::nullopt;
      if (!after(model, revision)) return std::nullopt;
      return removed(revision, true);
  }
  return std::nullopt;
}

// An operation of unknown outcome, taken to have applied: only the cases
// where it changes the key are worth ordering (one without effect is the
// same as leaving it out).
std::optional<Model> step_unknown(Model model, const Request& request) {
  const Revision next_min = model.revision + 1;
  switch (request.kind) {
    case OpKind::kGet:
      return std::nullopt;
    case OpKind::kPut:
      return written(request.value, next_min, false);
    case OpKind::kCompareAndSet:
      if (request.expected_revision == 0) {
        if (model.present) return std::nullopt;
        return written(request.value, next_min, false);
      }
      if (!model.present || !pin(model, request.expected_revision)) return std::nullopt;
      return written(request.value, request.expected_revision + 1, false);
    case OpKind::kRemove:
      if (!model.present) return std::nullopt;
      return removed(next_min, false);
    case OpKind::kCompareAndRemove:
      if (!model.present || !pin(model, request.expected_revision)) return std::nullopt;
      return removed(request.expected_revision + 1, false);
  }
  return std::nullopt;
}

std::optional<Model> step(const Model& model, const KeyOp& op) {
  if (op.expiry) {
    Model expired = model;
    if (!expired.present || !pin(expired, op.expiry_revision)) return std::nullopt;
    return removed(op.expiry_revision + 1, false);
  }
  if (op.definite()) return step_definite(model, *op.request, *op.result);
  return step_unknown(model, *op.request);
}

// The memoized depth-first search over one key's operations, without
// recursion (a key may have thousands of operations).
class KeySearch {
 public:
  KeySearch(const History& history, std::string key, std::vector<KeyOp> ops,
            const CheckLimits& limits)
      : history_(history), key_(std::move(key)), ops_(std::move(ops)), limits_(limits) {
    std::sort(ops_.begin(), ops_.end(), [](const KeyOp& a, const KeyOp& b) {
      if (a.invoke_us != b.invoke_us) return a.invoke_us < b.invoke_us;
      if (a.complete_us != b.complete_us) return a.complete_us < b.complete_us;
      if (a.expiry != b.expiry) return a.expiry < b.expiry;
      return a.source < b.source;
    });
    for (std::size_t i = 0; i < ops_.size(); ++i) {
      if (ops_[i].definite()) by_complete_.push_back(i);
    }
    std::stable_sort(by_complete_.begin(), by_complete_.end(), [&](std::size_t a, std::size_t b) {
      return ops_[a].complete_us < ops_[b].complete_us;
    });
    done_.assign((ops_.size() + 63) / 64, 0);
  }

  KeyResult run();

 private:
  struct Frame {
    Model model;
    std::size_t cursor = 0;  // next candidate to try
    std::size_t taken = 0;   // the operation that led here (none for the root)
    bool root = false;
    TimeUs horizon_us = 0;
  };

  bool is_done(std::size_t i) const { return (done_[i / 64] >> (i % 64)) & 1u; }
  void mark(std::size_t i, bool value);
  // Every operation left must follow the first of them to complete: no
  // candidate may be invoked after that.
  TimeUs horizon() const;
  // Records a new search node; false if it was visited before (or the
  // search passed its bound).
  bool enter(const Model& model);
  std::string explain() const;

  const History& history_;
  std::string key_;
  std::vector<KeyOp> ops_;  // by invocation
  const CheckLimits& limits_;
  std::vector<std::size_t> by_complete_;  // definite operations by completion
  std::vector<std::uint64_t> done_;
  std::size_t definite_done_ = 0;
  std::unordered_set<std::string> seen_;
  bool too_large_ = false;
  std::string memo_key_;

  // The deepest point any order reached, for the explanation.
  std::size_t best_definite_done_ = 0;
  std::vector<std::uint64_t> best_done_;
  std::vector<Model> best_models_;
};

void KeySearch::mark(std::size_t i, bool value) {
  UNWEDGE_ASSERT(is_done(i) != value);
  if (value) {
    done_[i / 64] |= std::uint64_t{1} << (i % 64);
  } else {
    done_[i / 64] &= ~(std::uint64_t{1} << (i % 64));
  }
  if (!ops_[i].definite()) return;
  if (value) {
    ++definite_done_;
  } else {
    UNWEDGE_ASSERT_LT(0u, definite_done_);
    --definite_done_;
  }
}

TimeUs KeySearch::horizon() const {
  for (std::size_t i : by_complete_) {
    if (!is_done(i)) return ops_[i].complete_us;
  }
  return kNever;
}

bool KeySearch::enter(const Model& model) {
  memo_key_.clear();
  memo_key_.append(reinterpret_cast<const char*>(done_.data()),
                   done_.size() * sizeof(std::uint64_t));
  char fixed[2 + sizeof(Revision)];
  fixed[0] = model.present ? 1 : 0;
  fixed[1] = model.exact ? 1 : 0;
  std::memcpy(fixed + 2, &model.revision, sizeof(Revision));
  memo_key_.append(fixed, sizeof(fixed));
  memo_key_.append(model.value);
  if (!seen_.insert(memo_key_).second) return false;
  if (seen_.size() > limits_.states_per_key_max) {
    too_large_ = true;
    return false;
  }
  if (definite_done_ > best_definite_done_ || best_done_.empty()) {
    best_definite_done_ = definite_done_;
    best_done_ = done_;
    best_models_.clear();
  }
  if (definite_done_ == best_definite_done_ && done_ == best_done_ && best_models_.size() < 4) {
    best_models_.push_back(model);
  }
  return true;
}

KeyResult KeySearch::run() {
  KeyResult result{.key = key_, .operations = ops_.size()};
  if (ops_.size() > limits_.operations_per_key_max) {
    result.verdict = Verdict::kTooLarge;
    result.explanation =
        fmt::format("key \"{}\": not checked: too large ({} operations, the bound is {})", key_,
                    ops_.size(), limits_.operations_per_key_max);
    return result;
  }
  const std::size_t definite_total = by_complete_.size();
  std::vector<Frame> stack;
  stack.reserve(ops_.size() + 1);
  enter(Model{});
  stack.push_back(Frame{.root = true, .horizon_us = horizon()});
  bool found = definite_done_ == definite_total;
  // Each step either descends (a new memoized node, at most
  // states_per_key_max of them) or retires a frame, so the loop is bounded.
  while (!found && !stack.empty() && !too_large_) {
    Frame& frame = stack.back();
    bool descended = false;
    for (; frame.cursor < ops_.size() && ops_[frame.cursor].invoke_us <= frame.horizon_us;
         ++frame.cursor) {
      const std::size_t i = frame.cursor;
      if (is_done(i)) continue;
      std::optional<Model> next = step(frame.model, ops_[i]);
      if (!next) continue;
      mark(i, true);
      if (definite_done_ == definite_total) {
        found = true;
        break;
      }
      if (!enter(*next)) {
        mark(i, false);
        if (too_large_) break;
        continue;
      }
      ++frame.cursor;
      Frame child{.model = std::move(*next), .taken = i, .horizon_us = horizon()};
      stack.push_back(std::move(child));  // invalidates `frame`
      descended = true;
      break;
    }
    if (found || too_large_ || descended) continue;
    const Frame& finished = stack.back();
    if (!finished.root) mark(finished.taken, false);
    stack.pop_back();
  }
  result.states = seen_.size();
  if (found) return result;
  if (too_large_) {
    result.verdict = Verdict::kTooLarge;
    result.explanation = fmt::format(
        "key \"{}\": not checked: too large (the search passed {} states over {} operations)", key_,
        limits_.states_per_key_max, ops_.size());
    return result;
  }
  result.verdict = Verdict::kViolation;
  result.explanation = explain();
  return result;
}

std::string KeySearch::explain() const {
  // Replays the deepest node's view: what is ordered, what could come next.
  auto done_at_best = [&](std::size_t i) { return (best_done_[i / 64] >> (i % 64)) & 1u; };
  TimeUs horizon_us = kNever;
  std::size_t blocker = ops_.size();
  for (std::size_t i : by_complete_) {
    if (!done_at_best(i)) {
      horizon_us = ops_[i].complete_us;
      blocker = i;
      break;
    }
  }
  std::string text = fmt::format(
      "key \"{}\": not linearizable. Orders of its operations that respect real time place at "
      "most {} of its {} completed operations; after them the key can be:\n",
      key_, best_definite_done_, by_complete_.size());
  for (const Model& model : best_models_)
    text += fmt::format("    {}\n", describe_model(model));
  text += "  and none of the operations that may come next fits:\n";
  std::size_t listed = 0;
  constexpr std::size_t kListedMax = 8;
  for (std::size_t i = 0; i < ops_.size() && ops_[i].invoke_us <= horizon_us; ++i) {
    if (done_at_best(i) || !ops_[i].definite()) continue;
    if (listed == kListedMax) {
      text += "    ...\n";
      break;
    }
    text += fmt::format("    {}\n", describe_key_op(history_, ops_[i]));
    ++listed;
  }
  if (blocker < ops_.size() && !ops_[blocker].expiry) {
    text += fmt::format(
        "  (#{} completed first among those left: everything invoked after that must follow "
        "it)\n",
        ops_[blocker].source);
  }
  // The last operations ordered, by completion: usually the write whose
  // effect the failing observation contradicts.
  std::vector<std::size_t> ordered;
  for (std::size_t i : by_complete_) {
    if (done_at_best(i)) ordered.push_back(i);
  }
  constexpr std::size_t kRecentMax = 4;
  if (!ordered.empty()) {
    text += "  the last completed operations ordered before them:\n";
    const std::size_t first = ordered.size() > kRecentMax ? ordered.size() - kRecentMax : 0;
    for (std::size_t k = first; k < ordered.size(); ++k) {
      text += fmt::format("    {}\n", describe_key_op(history_, ops_[ordered[k]]));
    }
  }
  return text;
}

// Two changes of any keys never share a revision.
std::optional<std::string> duplicate_revision(const History& history) {
  std::map<Revision, std::size_t> changes;
  for (std::size_t i = 0; i < history.operations.size(); ++i) {
    const HistoryOp& op = history.operations[i];
    if (!op.complete_us || !is_write(op.request.kind) || !op.result.succeeded) continue;
    auto [it, inserted] = changes.emplace(op.result.revision, i);
    if (!inserted) {
      return fmt::format(
          "revision {} was reported for two changes; every change has its own:\n    {}\n    {}",
          op.result.revision, describe(history.operations[it->second], it->second),
          describe(op, i));
    }
  }
  return std::nullopt;
}

void check_input(const History& history) {
  for (const HistoryOp& op : history.operations) {
    if (!op.complete_us) continue;
    UNWEDGE_ASSERT_LE(op.invoke_us, *op.complete_us);
    UNWEDGE_ASSERT(op.result.status == ReplyStatus::kOk);
  }
  for (const HistoryExpiry& expiry : history.expirations) {
    UNWEDGE_ASSERT_LE(expiry.proposed_us, expiry.applied_us);
    UNWEDGE_ASSERT_LT(0u, expiry.revision);
  }
}

std::map<std::string, std::vector<KeyOp>> split_by_key(const History& history) {
  std::map<std::string, std::vector<KeyOp>> by_key;
  for (std::size_t i = 0; i < history.operations.size(); ++i) {
    const HistoryOp& op = history.operations[i];
    // A read that never answered had no effect and observed nothing.
    if (!op.complete_us && op.request.kind == OpKind::kGet) continue;
    by_key[op.request.key].push_back(KeyOp{.source = i,
                                           .request = &op.request,
                                           .result = &op.result,
                                           .invoke_us = op.invoke_us,
                                           .complete_us = op.complete_us.value_or(kNever)});
  }
  for (std::size_t i = 0; i < history.expirations.size(); ++i) {
    const HistoryExpiry& expiry = history.expirations[i];
    by_key[expiry.key].push_back(KeyOp{.expiry = true,
                                       .source = i,
                                       .expiry_revision = expiry.revision,
                                       .invoke_us = expiry.proposed_us,
                                       .complete_us = expiry.applied_us});
  }
  // An operation of unknown outcome invoked after every completed one of its
  // key can be ordered last, where it changes no observation: leave it out.
  for (auto& [key, ops] : by_key) {
    TimeUs last_complete_us = std::numeric_limits<TimeUs>::min();
    for (const KeyOp& op : ops) {
      if (op.definite()) last_complete_us = std::max(last_complete_us, op.complete_us);
    }
    std::erase_if(
        ops, [&](const KeyOp& op) { return !op.definite() && op.invoke_us > last_complete_us; });
  }
  return by_key;
}

}  // namespace

std::string describe(const HistoryOp& op, std::size_t index) {
  const std::string answer =
      op.complete_us ? fmt::format("{}] -> {}", seconds(*op.complete_us), describe(op.result))
                     : std::string("never answered] -> outcome unknown");
  return fmt::format("#{} client {} seq {}: {} [{}, {}", index, op.request.client,
                     op.request.sequence, describe(op.request), seconds(op.invoke_us), answer);
}

CheckResult check_linearizability(const History& history, const CheckLimits& limits) {
  check_input(history);
  CheckResult result;
  std::vector<std::string> violations;
  std::vector<std::string> unchecked;
  if (std::optional<std::string> duplicate = duplicate_revision(history)) {
    violations.push_back(*duplicate);
  }
  for (auto& [key, ops] : split_by_key(history)) {
    KeySearch search(history, key, std::move(ops), limits);
    KeyResult key_result = search.run();
    result.states += key_result.states;
    if (key_result.verdict == Verdict::kViolation) violations.push_back(key_result.explanation);
    if (key_result.verdict == Verdict::kTooLarge) unchecked.push_back(key_result.explanation);
    result.keys.push_back(std::move(key_result));
  }
  if (!violations.empty()) {
    result.verdict = Verdict::kViolation;
    result.explanation = violations.front();
    if (!result.explanation.ends_with('\n')) result.explanation += '\n';
    if (violations.size() > 1) {
      result.explanation += fmt::format("  (and {} more violation(s))\n", violations.size() - 1);
    }
  } else if (!unchecked.empty()) {
    result.verdict = Verdict::kTooLarge;
    for (const std::string& line : unchecked)
      result.explanation += line + "\n";
  }
  return result;
}

}  // namespace unwedge::consensus
