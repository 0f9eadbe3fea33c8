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

// An operation of unknown outcome that can no longer apply from `model`: a
// compare against a revision the key has passed. A key's revision only
// grows along any order, so such an operation stays impossible; two search
// nodes that differ only in such operations have the same futures.
bool dead(const Model& model, const KeyOp& op) {
  if (op.expiry || op.definite()) return false;
  const Request& request = *op.request;
  const bool compares = request.kind == OpKind::kCompareAndRemove ||
                        (request.kind == OpKind::kCompareAndSet && request.expected_revision != 0);
  return compares && request.expected_revision < model.revision;
}

// The memoized depth-first search over one key's operations, without
// recursion (a key may have tens of thousands of operations).
//
// The operations fall into windows, cut at quiescent points: a window ends
// where every completed operation (and expiry) invoked so far completed
// before the next operation was invoked. Real time puts all of a window's
// completed operations before any of the next window's, so whatever the
// search has ordered is: every completed operation of the windows before
// one window, some of that window's operations, and some of the earlier
// operations of unknown outcome (which may take effect at any later
// instant). A memoized node is that window, the earlier operations of
// unknown outcome still open (those that can still apply), which of the
// window's operations are ordered, and the key's state; a step looks only
// at the window and the open operations. Neither grows with the length of
// the history. The search is still one exhaustive search: an order that
// fails in a later window comes back to order an earlier one differently.
class KeySearch {
 public:
  KeySearch(const History& history, std::string key, std::vector<KeyOp> ops,
            const CheckLimits& limits);

  KeyResult run();

 private:
  using Node = std::uint32_t;

  struct Frame {
    Model model;
    Node cursor = 0;          // next candidate to try, in the list being walked
    bool open_phase = false;  // walking the operations of unknown outcome
    bool root = false;
    Node taken = 0;               // the operation that led here (none for the root)
    std::size_t horizon_pos = 0;  // in by_complete_: the first completed operation left
  };

  bool is_done(std::size_t i) const { return (done_[i / 64] >> (i % 64)) & 1u; }
  // Orders operation `i` (marks it, lifts it out of its list), and undoes that.
  void take(Node i);
  void untake(Node i);
  // The first position at or after `from` in by_complete_ not yet ordered.
  std::size_t next_horizon(std::size_t from) const;
  // Every operation left must follow the first of them to complete: no
  // candidate may be invoked after that.
  TimeUs horizon_us(std::size_t position) const;
  // Records a new search node; false if it was visited before (or the
  // search passed its bound).
  bool enter(const Model& model, std::size_t horizon_pos);
  bool done_at_best(std::size_t i) const;
  std::string explain() const;

  const History& history_;
  std::string key_;
  std::vector<KeyOp> ops_;  // by invocation
  const CheckLimits& limits_;
  std::vector<std::size_t> by_complete_;   // definite operations by completion
  std::vector<std::uint32_t> window_of_;   // by operation
  std::vector<std::size_t> window_start_;  // by window, and one past the last operation
  // Two circular lists of the operations not yet ordered, by invocation:
  // the definite ones (head kDefinite) and those of unknown outcome (head
  // kOpen). A lifted node keeps its links, so untake() puts it back.
  Node definite_head_ = 0;
  Node open_head_ = 0;
  std::vector<Node> next_;
  std::vector<Node> prev_;
  std::vector<std::uint64_t> done_;
  std::size_t definite_done_ = 0;
  std::unordered_set<std::string> seen_;
  bool too_large_ = false;
  std::string memo_key_;
  std::size_t memo_ordered_size_ = 0;  // memo_key_'s part before the state

  // The deepest point any order reached, for the explanation.
  bool best_set_ = false;
  std::size_t best_definite_done_ = 0;
  std::uint32_t best_window_ = 0;
  std::vector<std::uint64_t> best_words_;  // done_ over best_window_
  std::string best_ordered_;               // memo key part
  std::vector<Model> best_models_;
};

KeySearch::KeySearch(const History& history, std::string key, std::vector<KeyOp> ops,
                     const CheckLimits& limits)
    : history_(history), key_(std::move(key)), ops_(std::move(ops)), limits_(limits) {
  std::sort(ops_.begin(), ops_.end(), [](const KeyOp& a, const KeyOp& b) {
    if (a.invoke_us != b.invoke_us) return a.invoke_us < b.invoke_us;
    if (a.complete_us != b.complete_us) return a.complete_us < b.complete_us;
    if (a.expiry != b.expiry) return a.expiry < b.expiry;
    return a.source < b.source;
  });
  const std::size_t n = ops_.size();
  UNWEDGE_ASSERT_LT(n, std::size_t{std::numeric_limits<Node>::max() - 2});
  for (std::size_t i = 0; i < n; ++i) {
    if (ops_[i].definite()) by_complete_.push_back(i);
  }
  std::stable_sort(by_complete_.begin(), by_complete_.end(), [&](std::size_t a, std::size_t b) {
    return ops_[a].complete_us < ops_[b].complete_us;
  });
  // Windows: a new one starts where every definite operation invoked before
  // completed before this one was invoked.
  window_of_.resize(n);
  window_start_.push_back(0);
  TimeUs last_complete_us = std::numeric_limits<TimeUs>::min();
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && last_complete_us < ops_[i].invoke_us) window_start_.push_back(i);
    window_of_[i] = static_cast<std::uint32_t>(window_start_.size() - 1);
    if (ops_[i].definite()) last_complete_us = std::max(last_complete_us, ops_[i].complete_us);
  }
  window_start_.push_back(n);
  definite_head_ = static_cast<Node>(n);
  open_head_ = static_cast<Node>(n + 1);
  next_.resize(n + 2);
  prev_.resize(n + 2);
  for (Node head : {definite_head_, open_head_}) {
    next_[head] = head;
    prev_[head] = head;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Node head = ops_[i].definite() ? definite_head_ : open_head_;
    const auto node = static_cast<Node>(i);
    const Node last = prev_[head];
    next_[last] = node;
    prev_[node] = last;
    next_[node] = head;
    prev_[head] = node;
  }
  done_.assign((n + 63) / 64, 0);
}

void KeySearch::take(Node i) {
  UNWEDGE_ASSERT(!is_done(i));
  done_[i / 64] |= std::uint64_t{1} << (i % 64);
  next_[prev_[i]] = next_[i];
  prev_[next_[i]] = prev_[i];
  if (ops_[i].definite()) ++definite_done_;
}

void KeySearch::untake(Node i) {
  UNWEDGE_ASSERT(is_done(i));
  done_[i / 64] &= ~(std::uint64_t{1} << (i % 64));
  next_[prev_[i]] = i;
  prev_[next_[i]] = i;
  if (!ops_[i].definite()) return;
  UNWEDGE_ASSERT_LT(0u, definite_done_);
  --definite_done_;
}

std::size_t KeySearch::next_horizon(std::size_t from) const {
  while (from < by_complete_.size() && is_done(by_complete_[from]))
    ++from;
  return from;
}

TimeUs KeySearch::horizon_us(std::size_t position) const {
  return position < by_complete_.size() ? ops_[by_complete_[position]].complete_us : kNever;
}

bool KeySearch::enter(const Model& model, std::size_t horizon_pos) {
  UNWEDGE_ASSERT_LT(horizon_pos, by_complete_.size());
  // The window: the one of the first completed operation left; every
  // completed operation of the windows before is ordered, none after.
  const std::uint32_t window = window_of_[by_complete_[horizon_pos]];
  const std::size_t start = window_start_[window];
  const std::size_t end = window_start_[window + 1];
  auto append = [&](const auto& value) {
    memo_key_.append(reinterpret_cast<const char*>(&value), sizeof(value));
  };
  memo_key_.clear();
  append(window);
  // The earlier operations of unknown outcome still open.
  for (Node i = next_[open_head_]; i != open_head_ && i < start; i = next_[i]) {
    if (!dead(model, ops_[i])) append(i);
  }
  append(std::numeric_limits<Node>::max());
  // Which of the window's operations are ordered: its words of done_, less
  // the bits of the operations before it (those after it are never set).
  const std::size_t first_word = start / 64;
  const std::size_t last_word = (end - 1) / 64;
  for (std::size_t k = first_word; k <= last_word; ++k) {
    std::uint64_t word = done_[k];
    if (k == first_word) word &= ~std::uint64_t{0} << (start % 64);
    append(word);
  }
  memo_ordered_size_ = memo_key_.size();
  const char fixed[2] = {static_cast<char>(model.present ? 1 : 0),
                         static_cast<char>(model.exact ? 1 : 0)};
  memo_key_.append(fixed, sizeof(fixed));
  append(model.revision);
  memo_key_.append(model.value);
  if (!seen_.insert(memo_key_).second) return false;
  if (seen_.size() > limits_.states_per_key_max) {
    too_large_ = true;
    return false;
  }
  if (!best_set_ || definite_done_ > best_definite_done_) {
    best_set_ = true;
    best_definite_done_ = definite_done_;
    best_window_ = window;
    best_words_.assign(done_.begin() + static_cast<std::ptrdiff_t>(first_word),
                       done_.begin() + static_cast<std::ptrdiff_t>(last_word + 1));
    best_ordered_.assign(memo_key_, 0, memo_ordered_size_);
    best_models_.clear();
  }
  if (definite_done_ == best_definite_done_ && best_models_.size() < 4 &&
      memo_key_.compare(0, memo_ordered_size_, best_ordered_) == 0) {
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
  bool found = definite_total == 0;
  std::vector<Frame> stack;
  if (!found) {
    stack.reserve(ops_.size() + 1);
    enter(Model{}, 0);
    stack.push_back(Frame{.cursor = next_[definite_head_], .root = true, .horizon_pos = 0});
  }
  // Each step either descends (a new memoized node, at most
  // states_per_key_max of them) or retires a frame, so the loop is bounded.
  // Completed operations are tried before those of unknown outcome, which
  // an order needs only to explain what some operation observed.
  while (!found && !stack.empty() && !too_large_) {
    Frame& frame = stack.back();
    const TimeUs frame_horizon_us = horizon_us(frame.horizon_pos);
    bool descended = false;
    for (;;) {
      const Node i = frame.cursor;
      const Node head = frame.open_phase ? open_head_ : definite_head_;
      if (i == head || ops_[i].invoke_us > frame_horizon_us) {
        if (frame.open_phase) break;
        frame.open_phase = true;
        frame.cursor = next_[open_head_];
        continue;
      }
      frame.cursor = next_[i];  // still right when `i` is put back
      if (frame.open_phase && dead(frame.model, ops_[i])) continue;
      std::optional<Model> next = step(frame.model, ops_[i]);
      if (!next) continue;
      take(i);
      if (definite_done_ == definite_total) {
        found = true;
        break;
      }
      const std::size_t horizon_pos = next_horizon(frame.horizon_pos);
      if (!enter(*next, horizon_pos)) {
        untake(i);
        if (too_large_) break;
        continue;
      }
      Frame child{.model = std::move(*next),
                  .cursor = next_[definite_head_],
                  .taken = i,
                  .horizon_pos = horizon_pos};
      stack.push_back(std::move(child));  // invalidates `frame`
      descended = true;
      break;
    }
    if (found || too_large_ || descended) continue;
    const Frame& finished = stack.back();
    if (!finished.root) untake(finished.taken);
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

// For a definite operation: ordered at the deepest node.
bool KeySearch::done_at_best(std::size_t i) const {
  const std::uint32_t window = window_of_[i];
  if (window != best_window_) return window < best_window_;
  const std::size_t k = i / 64 - window_start_[best_window_] / 64;
  return (best_words_[k] >> (i % 64)) & 1u;
}

std::string KeySearch::explain() const {
  // Replays the deepest node's view: what is ordered, what could come next.
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
    if (!ops_[i].definite() || done_at_best(i)) continue;
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
