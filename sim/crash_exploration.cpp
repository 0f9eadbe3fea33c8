#include "sim/crash_exploration.hpp"

#include <algorithm>
#include <exception>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <set>

#include "core/action_runner.hpp"
#include "core/assert.hpp"
#include "core/entity_codec.hpp"
#include "sim/plane.hpp"
#include "sim/run_stores.hpp"

namespace unwedge::sim {
namespace {

// Steps a re-delivered action may take before it is judged stuck.
constexpr std::size_t kRedeliverySteps = 64;
// Differences named in one sentence; the rest are counted.
constexpr std::size_t kDifferencesNamed = 6;

using core::ThrowingAssertions;

struct Crash {
  std::uint64_t transaction;  // counted from the trigger
  CrashPoint point;
  std::uint32_t statements = 0;  // mid-transaction: after this many
};

// A fresh store could not be had for a run (a database gone away): the
// story's exploration ends there, saying why.
struct StoreFailure {
  std::string message;
};

// Where every run of one exploration keeps its state, and the codecs a
// database store writes the plane's entities with.
struct Runs {
  std::unique_ptr<core::EntityCodecs> codecs;
  std::unique_ptr<RunStores> stores;

  // A world over a fresh empty store.
  std::unique_ptr<FleetWorld> world() {
    core::Result<std::unique_ptr<core::DurableStore>> store = stores->fresh();
    if (!store) throw StoreFailure{store.error().message};
    return std::make_unique<FleetWorld>(std::move(*store));
  }
};

// The codecs of the kinds a story's process stores, for a database store:
// its own when it brings them, else its plane's.
core::Result<core::EntityCodecs> codecs_for(const Story* story, const ExploreOptions& options) {
  if (story != nullptr && story->entities) {
    core::EntityCodecs codecs;
    core::add_framework_entities(codecs);
    story->entities(codecs);
    return codecs;
  }
  core::Result<const seam::PlaneInfo*> plane = find_plane_or_error(options.control_plane);
  if (!plane) return plane.error();
  return seam::entity_codecs(**plane);
}

// Where one story (or, with none, every story of the plane) runs.
core::Result<Runs> open_runs(const Story* story, const ExploreOptions& options) {
  Runs runs;
  if (options.store != "memory" && !options.store.empty()) {
    core::Result<core::EntityCodecs> codecs = codecs_for(story, options);
    if (!codecs) {
      return core::Error{fmt::format("store {}: {}", options.store, codecs.error().message)};
    }
    runs.codecs = std::make_unique<core::EntityCodecs>(std::move(*codecs));
  }
  core::Result<std::unique_ptr<RunStores>> stores =
      RunStores::open(options.store, runs.codecs.get());
  if (!stores) return stores.error();
  runs.stores = std::move(*stores);
  return runs;
}

struct Ending {
  std::optional<std::string> broken;  // why the run did not settle, if it did not
  core::StoreSnapshot store;
  KeyedInfra::Effects effects;
  std::uint64_t transactions = 0;
  // Statements of each transaction counted from the trigger.
  std::vector<std::uint32_t> statements;
  int crashes = 0;
  std::size_t infra_calls = 0;              // operations started after the trigger
  std::size_t infra_calls_redelivered = 0;  // of those, the ones whose first reply was lost
  std::vector<CompletedAction> completed;   // after the trigger
  // Transaction counted from the trigger -> the action step it ran.
  std::map<std::uint64_t, std::string> steps;
};

// Runs the story to the end, with one crash armed or every first reply lost.
Ending play(const Story& story, const ExploreOptions& options, std::optional<Crash> crash,
            bool lose_first_replies, FleetWorld& world) {
  Ending ending;
  world.control_plane = options.control_plane;
  world.plane_settings = options.plane_settings;
  world.store_under_test.count_statements(true);
  std::size_t completed_before = 0;
  std::size_t operations_before = 0;
  std::uint64_t first = 0;
  try {
    story.setup(world);
    story.trigger(world);
    completed_before = world.journal.completed.size();
    operations_before = world.infra.operations();
    first = world.store_under_test.transactions_begun();
    if (crash && crash->statements > 0) {
      world.store_under_test.crash_between_statements(first + crash->transaction,
                                                      crash->statements);
    } else if (crash) {
      world.store_under_test.crash_at(first + crash->transaction, crash->point);
    }
    world.infra.lose_first_replies(lose_first_replies);
    if (!world.settle(options.ticks_max)) {
      ending.broken = fmt::format("never settles: still busy after {} ticks; running: {}",
                                  options.ticks_max, world.activity());
    }
    ending.transactions = world.store_under_test.transactions_begun() - first;
  } catch (const core::AssertionFailure& failure) {
    ending.broken = fmt::format("breaks an internal contract: {}", failure.what());
  } catch (const std::exception& error) {
    ending.broken = fmt::format("throws: {}", error.what());
  }
  world.store_under_test.disarm();
  world.infra.lose_first_replies(false);
  for (std::uint64_t t = first; t < world.store_under_test.transactions_begun(); ++t) {
    ending.statements.push_back(world.store_under_test.statements_of(t));
  }
  ending.store = world.durable.snapshot();
  ending.effects = world.infra.effects();
  ending.crashes = world.crashes;
  ending.infra_calls =
      world.infra.operations() - std::min(operations_before, world.infra.operations());
  ending.infra_calls_redelivered = world.infra.replies_lost();
  for (const auto& [transaction, step] : world.journal.step_of_transaction) {
    if (transaction >= first) ending.steps.emplace(transaction - first, step);
  }
  const std::vector<CompletedAction>& completed = world.journal.completed;
  ending.completed.assign(
      completed.begin() + static_cast<std::ptrdiff_t>(std::min(completed_before, completed.size())),
      completed.end());
  return ending;
}

std::string entity_name(const core::EntityKey& key) {
  return fmt::format("{} {}", key.first, key.second);
}

// "service db1 is {...}, {...} in the uninterrupted run", one per entity.
std::vector<std::string> store_words(const core::StoreSnapshot& seen,
                                     const core::StoreSnapshot& expected) {
  std::vector<std::string> words;
  std::set<core::EntityKey> keys;
  for (const auto& [key, value] : seen.entries())
    keys.insert(key);
  for (const auto& [key, value] : expected.entries())
    keys.insert(key);
  for (const core::EntityKey& key : keys) {
    auto here = seen.entries().find(key);
    auto there = expected.entries().find(key);
    if (there == expected.entries().end()) {
      words.push_back(fmt::format("{} exists ({}), not in the uninterrupted run", entity_name(key),
                                  here->second->describe_value()));
    } else if (here == seen.entries().end()) {
      words.push_back(fmt::format("{} is missing ({} in the uninterrupted run)", entity_name(key),
                                  there->second->describe_value()));
    } else if (!here->second->equals(*there->second)) {
      words.push_back(fmt::format("{} is {}, {} in the uninterrupted run", entity_name(key),
                                  here->second->describe_value(), there->second->describe_value()));
    }
  }
  return words;
}

// "fence db1-1 asked 2 times, 1 in the uninterrupted run", one per effect.
std::vector<std::string> infra_words(const KeyedInfra::Effects& seen,
                                     const KeyedInfra::Effects& expected) {
  std::vector<std::string> words;
  std::set<KeyedInfra::Effects::key_type> keys;
  for (const auto& [effect, count] : seen)
    keys.insert(effect);
  for (const auto& [effect, count] : expected)
    keys.insert(effect);
  for (const auto& effect : keys) {
    auto here = seen.find(effect);
    auto there = expected.find(effect);
    const int asked = here == seen.end() ? 0 : here->second;
    const int wanted = there == expected.end() ? 0 : there->second;
    if (asked == wanted) continue;
    words.push_back(fmt::format("{} asked {} time{}, {} in the uninterrupted run",
                                describe_effect(effect), asked, asked == 1 ? "" : "s", wanted));
  }
  return words;
}

std::string join_named(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size() && i < kDifferencesNamed; ++i) {
    out += (i == 0 ? "" : "; ") + words[i];
  }
  if (words.size() > kDifferencesNamed) {
    out += fmt::format("; and {} more", words.size() - kDifferencesNamed);
  }
  return out;
}

// "ends with a different Store: ...; Infra: ...", or nothing when the same.
std::optional<std::string> difference(const core::StoreSnapshot& store,
                                      const KeyedInfra::Effects& effects,
                                      const core::StoreSnapshot& expected_store,
                                      const KeyedInfra::Effects& expected_effects) {
  std::vector<std::string> in_store = store_words(store, expected_store);
  std::vector<std::string> in_infra = infra_words(effects, expected_effects);
  if (in_store.empty() && in_infra.empty()) return std::nullopt;
  if (in_store.empty()) return "ends with different Infra effects: " + join_named(in_infra);
  std::string out = "ends with a different Store: " + join_named(in_store);
  if (!in_infra.empty()) out += "; Infra: " + join_named(in_infra);
  return out;
}

// What went differently from the uninterrupted run: a run that broke says
// why, and what it had changed by then.
std::optional<std::string> outcome(const Ending& ending, const Ending& clean) {
  std::optional<std::string> differs =
      difference(ending.store, ending.effects, clean.store, clean.effects);
  if (!ending.broken) return differs;
  if (!differs) return ending.broken;
  return fmt::format("{}, and by then {}", *ending.broken, *differs);
}

// "crashed after commit of transaction 4 (of 12) in step fence of Failover/db1/2".
std::string where(const Crash& crash, const Ending& clean) {
  auto step = clean.steps.find(crash.transaction);
  const std::string which =
      fmt::format("transaction {} (of {}){}", crash.transaction + 1, clean.transactions,
                  step == clean.steps.end() ? "" : " in " + step->second);
  switch (crash.point) {
    case CrashPoint::kBeforeBegin:
      return "crashed before beginning " + which;
    case CrashPoint::kMidTransaction:
      if (crash.statements == 0) return "crashed in the middle of " + which + " (rolled back)";
      return fmt::format(
          "crashed after statement {} of {} of {} (rolled back)", crash.statements,
          crash.transaction < clean.statements.size() ? clean.statements[crash.transaction] : 0,
          which);
    case CrashPoint::kAtCommit:
      return "crashed as it sent the commit of " + which + " (nothing committed)";
    case CrashPoint::kAfterCommit:
      return "crashed after commit of " + which;
  }
  return "crashed in " + which;
}

// The statement counts after which a transaction of `statements` is killed
// before its next statement: 1 .. statements-1 (before the first is the
// mid-transaction point, after the last the at-commit one), or past `max`
// the first max/2 and the last max - max/2 of them: a step's reads come
// first and its writes last.
std::vector<std::uint32_t> between_statements(std::uint32_t statements, std::uint32_t max) {
  std::vector<std::uint32_t> after;
  const std::uint32_t gaps = statements > 1 ? statements - 1 : 0;
  const std::uint32_t head = max / 2;
  for (std::uint32_t k = 1; k <= gaps; ++k) {
    if (max == 0 || gaps <= max || k <= head || k > gaps - (max - head)) after.push_back(k);
  }
  return after;
}

// Every crash point of transaction `k`, in the order a process meets them.
std::vector<Crash> crashes_of(std::uint64_t k, std::uint32_t statements,
                              const ExploreOptions& options) {
  std::vector<Crash> crashes{{k, CrashPoint::kBeforeBegin}, {k, CrashPoint::kMidTransaction}};
  for (std::uint32_t after : between_statements(statements, options.statement_crashes_max)) {
    crashes.push_back({k, CrashPoint::kMidTransaction, after});
  }
  // With no statement, the mid-transaction crash already dies at its commit.
  if (statements > 0) crashes.push_back({k, CrashPoint::kAtCommit});
  crashes.push_back({k, CrashPoint::kAfterCommit});
  return crashes;
}

void explore_reentrancy(const Story& story, const ExploreOptions& options, const Ending& clean,
                        Runs& runs, StoryReport& report) {
  std::uint64_t explored = clean.transactions;
  if (options.transactions_max > 0) explored = std::min(explored, options.transactions_max);
  for (std::uint64_t k = 0; k < explored; ++k) {
    const std::uint32_t statements = k < clean.statements.size() ? clean.statements[k] : 0;
    report.statements += statements;
    const std::size_t between = statements > 1 ? statements - 1 : 0;
    const std::vector<Crash> crashes = crashes_of(k, statements, options);
    for (const Crash& crash : crashes) {
      std::unique_ptr<FleetWorld> world = runs.world();
      Ending interrupted = play(story, options, crash, false, *world);
      report.crash_points++;
      if (crash.statements > 0) report.statement_crash_points++;
      if (crash.point == CrashPoint::kAtCommit) report.commit_crash_points++;
      report.crashes += static_cast<std::uint32_t>(interrupted.crashes);
      std::optional<std::string> differs = outcome(interrupted, clean);
      if (!differs) continue;
      report.divergences.push_back(
          {Check::kReentrancy,
           fmt::format("{}, {}, {}", story.name, where(crash, clean), *differs)});
    }
    report.statement_crash_points_skipped += static_cast<std::uint32_t>(
        between - between_statements(statements, options.statement_crashes_max).size());
  }
}

const core::ActionDef* find_action(const seam::Process& process, std::string_view name) {
  for (const core::ActionDef& def : process.actions()) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

// Runs `action` again from its first step under its own id, then drops its
// record as the scheduler does when an action ends. Empty when it ran to an
// end; otherwise why not.
std::optional<std::string> deliver_again(FleetWorld& world, const seam::Process& process,
                                         const CompletedAction& action) {
  const core::ActionDef* def = find_action(process, action.action);
  if (def == nullptr) return fmt::format("has no action named {}", action.action);
  core::ActionRunner runner(world.env);
  if (core::Status started = runner.start(*def, action.id, action.subject); !started) {
    return fmt::format("cannot start again: {}", started.error().message);
  }
  std::optional<std::string> unfinished;
  core::Result<core::StepOutcome> last = core::Error{"no step ran"};
  std::size_t steps = 0;
  while (steps++ < kRedeliverySteps) {
    last = runner.step(*def, action.id);
    if (last && last->status != core::ActionStatus::kRunning) break;
  }
  if (!last || last->status == core::ActionStatus::kRunning) {
    unfinished = fmt::format("does not finish in {} steps ({})", kRedeliverySteps,
                             last ? last->note : last.error().message);
  }
  std::unique_ptr<core::Transaction> txn = world.durable.begin();
  txn->erase<core::ActionRecord>(action.id);
  const core::Status committed = txn->commit();
  UNWEDGE_ASSERT(committed.ok());
  return unfinished;
}

// Delivers `action` again right after the tick it completed in, and says
// what that changed.
std::optional<std::string> redeliver_once(FleetWorld& world, const CompletedAction& action) {
  std::unique_ptr<seam::Process> process = world.start_process();
  const core::StoreSnapshot before = world.durable.snapshot();
  const KeyedInfra::Effects effects = world.infra.effects();
  try {
    std::optional<std::string> stuck = deliver_again(world, *process, action);
    std::optional<std::string> differs =
        difference(world.durable.snapshot(), world.infra.effects(), before, effects);
    if (stuck) return differs ? *stuck + " and " + *differs : *stuck;
    return differs;
  } catch (const core::AssertionFailure& failure) {
    return fmt::format("breaks an internal contract: {}", failure.what());
  }
}

// Replays the story once per completed action, delivering that action again
// as soon as it has completed (a duplicate arrives close behind the original).
void explore_action_redelivery(const Story& story, const ExploreOptions& options,
                               const Ending& clean, Runs& runs, StoryReport& report) {
  for (std::size_t i = 0; i < clean.completed.size(); ++i) {
    const CompletedAction& action = clean.completed[i];
    std::unique_ptr<FleetWorld> owned = runs.world();
    FleetWorld& world = *owned;
    std::size_t completed_before = 0;
    bool delivered = false;
    std::optional<std::string> differs;
    world.control_plane = options.control_plane;
    world.plane_settings = options.plane_settings;
    try {
      story.setup(world);
      story.trigger(world);
      completed_before = world.journal.completed.size();
      world.after_tick = [&] {
        if (delivered || world.journal.completed.size() <= completed_before + i) return;
        delivered = true;
        const CompletedAction& replayed = world.journal.completed[completed_before + i];
        UNWEDGE_ASSERT_MSG(replayed.id == action.id, "the replay completed {}, not {}", replayed.id,
                           action.id);
        differs = redeliver_once(world, action);
      };
      static_cast<void>(world.settle(options.ticks_max));
    } catch (const core::AssertionFailure& failure) {
      differs = fmt::format("breaks an internal contract: {}", failure.what());
    }
    if (!delivered && !differs) differs = "never completes again when the story is replayed";
    report.actions_redelivered++;
    if (!differs) continue;
    report.divergences.push_back(
        {Check::kActionRedelivery,
         fmt::format("{}: {} ({} on {}), delivered again after it {}, {}", story.name, action.id,
                     action.action, action.subject, core::to_string(action.status), *differs),
         action.action});
  }
}

void explore_infra_redelivery(const Story& story, const ExploreOptions& options,
                              const Ending& clean, Runs& runs, StoryReport& report) {
  std::unique_ptr<FleetWorld> world = runs.world();
  Ending lossy = play(story, options, std::nullopt, true, *world);
  report.infra_calls_redelivered = static_cast<std::uint32_t>(lossy.infra_calls_redelivered);
  std::optional<std::string> differs = outcome(lossy, clean);
  if (!differs) return;
  report.divergences.push_back(
      {Check::kInfraRedelivery,
       fmt::format("{} with the first reply to every fleet API call lost (so each call is "
                   "delivered again under its key) {}",
                   story.name, *differs)});
}

}  // namespace

const char* to_string(Check check) {
  switch (check) {
    case Check::kSettles:
      return "settles";
    case Check::kReentrancy:
      return "re-entrancy";
    case Check::kActionRedelivery:
      return "action re-delivery";
    case Check::kInfraRedelivery:
      return "infra re-delivery";
  }
  return "?";
}

std::size_t CrashExploration::divergences() const {
  std::size_t total = 0;
  for (const StoryReport& story : stories)
    total += story.divergences.size();
  return total;
}

std::vector<Story> stories_of(const seam::PlaneInfo& plane) {
  std::vector<Story> out;
  if (plane.crash_stories == nullptr) return out;
  for (seam::CrashStory& story : plane.crash_stories()) {
    out.push_back({.name = story.name,
                   .setup = [setup = story.setup](FleetWorld& w) { setup(w); },
                   .trigger = [trigger = story.trigger](FleetWorld& w) { trigger(w); }});
  }
  return out;
}

namespace {

StoryReport explore_story_in(const Story& story, const ExploreOptions& options, Runs& runs) {
  ThrowingAssertions throwing;
  StoryReport report{.story = story.name};
  try {
    std::unique_ptr<FleetWorld> world = runs.world();
    Ending clean = play(story, options, std::nullopt, false, *world);
    world.reset();
    report.transactions = clean.transactions;
    report.actions_completed = static_cast<std::uint32_t>(clean.completed.size());
    report.infra_calls = static_cast<std::uint32_t>(clean.infra_calls);
    if (clean.broken) {
      report.divergences.push_back(
          {Check::kSettles, fmt::format("{}, uninterrupted, {}", story.name, *clean.broken)});
      return report;
    }
    if (options.reentrancy) explore_reentrancy(story, options, clean, runs, report);
    if (options.redelivery) {
      explore_infra_redelivery(story, options, clean, runs, report);
      explore_action_redelivery(story, options, clean, runs, report);
    }
  } catch (const StoreFailure& failure) {
    report.divergences.push_back(
        {Check::kSettles,
         fmt::format("{}: no fresh store for a run ({}), so the exploration stopped there: {}",
                     story.name, runs.stores->description(), failure.message)});
  }
  return report;
}

}  // namespace

core::Status check_store(const ExploreOptions& options) {
  core::Result<Runs> runs = open_runs(nullptr, options);
  if (!runs) return runs.error();
  return core::Status{};
}

StoryReport explore_story(const Story& story, const ExploreOptions& options) {
  core::Result<Runs> runs = open_runs(&story, options);
  if (!runs) {
    return StoryReport{
        .story = story.name,
        .divergences = {
            {Check::kSettles, fmt::format("{}: cannot explore on store {}: {}", story.name,
                                          options.store, runs.error().message)}}};
  }
  return explore_story_in(story, options, *runs);
}

core::Result<CrashExploration> explore_crashes(const ExploreOptions& options) {
  core::Result<const seam::PlaneInfo*> plane = find_plane_or_error(options.control_plane);
  if (!plane) return plane.error();
  std::vector<Story> known = stories_of(**plane);
  if (known.empty()) {
    return core::Error{fmt::format(
        "the control plane {} declares no crash stories (seam::PlaneInfo::crash_stories); "
        "there is nothing to explore",
        (*plane)->name)};
  }
  std::vector<const Story*> chosen;
  for (const std::string& name : options.stories) {
    auto found =
        std::find_if(known.begin(), known.end(), [&](const Story& s) { return s.name == name; });
    if (found == known.end()) {
      std::vector<std::string> names;
      for (const Story& story : known)
        names.push_back(story.name);
      return core::Error{
          fmt::format("no story named {}; the stories are {}", name, fmt::join(names, ", "))};
    }
    chosen.push_back(&*found);
  }
  if (options.stories.empty()) {
    for (const Story& story : known)
      chosen.push_back(&story);
  }
  core::Result<Runs> runs = open_runs(nullptr, options);
  if (!runs) return runs.error();
  CrashExploration exploration{.store = runs->stores->description(),
                               .statement_crashes_max = options.statement_crashes_max};
  for (const Story* story : chosen)
    exploration.stories.push_back(explore_story_in(*story, options, *runs));
  return exploration;
}

std::string summarize(const CrashExploration& exploration) {
  std::string out;
  if (!exploration.store.empty()) out += fmt::format("store: {}\n", exploration.store);
  std::uint64_t skipped = 0;
  for (const StoryReport& s : exploration.stories) {
    skipped += s.statement_crash_points_skipped;
    out += fmt::format(
        "{}: {} transactions ({} statements), {} crash points ({} crashes; {} between "
        "statements, {} at commit), {} actions delivered again, {} of {} fleet API calls "
        "delivered again, {} divergence{}\n",
        s.story, s.transactions, s.statements, s.crash_points, s.crashes, s.statement_crash_points,
        s.commit_crash_points, s.actions_redelivered, s.infra_calls_redelivered, s.infra_calls,
        s.divergences.size(), s.divergences.size() == 1 ? "" : "s");
  }
  if (skipped > 0) {
    const std::uint32_t max = exploration.statement_crashes_max;
    out += fmt::format(
        "not explored: {} crash point{} between statements, past {} a transaction (after its "
        "first {} and before its last {} statements); --statement-crashes-max 0 explores all\n",
        skipped, skipped == 1 ? "" : "s", max, max / 2, max - max / 2);
  }
  for (const StoryReport& s : exploration.stories) {
    for (const Divergence& d : s.divergences)
      out += fmt::format("{}: {}\n", to_string(d.check), d.what);
  }
  return out;
}

}  // namespace unwedge::sim
