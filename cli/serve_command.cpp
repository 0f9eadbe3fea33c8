// `unwedge serve --store URL [--control-plane NAME] [--set KEY=VALUE]...
//                [--order SERVICE[:STANDBYS]]... [--interval DURATION]
//                [--passes N | --until-idle] [--log FILE]`
//
// A production run of a plane: its Process, started and ticked exactly as
// production would (ControlPlane::start, then tick() every interval), over a
// Store kept where --store says and the wall clock, outside the simulator.
// The fleet API and monitoring are each team's own, so the ones here stand
// in for them (cli/serve_world.hpp): every fleet request is logged as a JSON
// line and carried out, and every host checks in healthy unless the plane
// had it stopped or destroyed.
// A team sees its own code run, unchanged, against a real database.
//
// Prints a line per pass that did something, with the steps and state
// changes it committed. Exit 0 when it stops (after --passes, once idle, or
// at SIGINT/SIGTERM after the pass under way); 2 on bad input, a store that
// cannot be opened, or a plane serve cannot run yet.
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <exception>
#include <fmt/format.h>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/control_plane_flag.hpp"
#include "cli/option_checks.hpp"
#include "cli/output_file.hpp"
#include "cli/serve_world.hpp"
#include "core/duration_text.hpp"
#include "core/environment.hpp"
#include "core/journal.hpp"
#include "reports/shell_word.hpp"
#include "seam/registry.hpp"
#include "stores/open_store.hpp"
#include "stores/postgres_store.hpp"
#include "stores/store_error.hpp"

namespace unwedge::cli {
namespace {

struct ServeOptions {
  std::string store;
  std::vector<std::string> settings;
  std::vector<std::string> orders;
  core::TimeUs interval_us = core::kSecond;
  std::uint64_t passes = 0;
  bool until_idle = false;
  std::string log_file;
};

volatile std::sig_atomic_t g_serve_stop = 0;

extern "C" void note_serve_stop(int signal_number) {
  g_serve_stop = signal_number;
}

// SIGINT and SIGTERM end the serve loop after the pass under way, so no pass
// is cut short between its commits; the previous handlers come back after.
// A signal ignored on purpose (`nohup`) stays ignored.
class ServeStopSignals {
 public:
  ServeStopSignals() {
    g_serve_stop = 0;
    struct sigaction note {};
    note.sa_handler = note_serve_stop;
    sigemptyset(&note.sa_mask);  // no SA_RESTART: the sleep between passes wakes
    for (std::size_t i = 0; i < 2; ++i) {
      ::sigaction(kSignals[i], nullptr, &old_[i]);
      if (old_[i].sa_handler != SIG_IGN) ::sigaction(kSignals[i], &note, nullptr);
    }
  }
  ~ServeStopSignals() {
    for (std::size_t i = 0; i < 2; ++i)
      ::sigaction(kSignals[i], &old_[i], nullptr);
  }
  ServeStopSignals(const ServeStopSignals&) = delete;
  ServeStopSignals& operator=(const ServeStopSignals&) = delete;

  bool received() const { return g_serve_stop != 0; }

 private:
  static constexpr int kSignals[2] = {SIGINT, SIGTERM};
  struct sigaction old_[2]{};
};

// Sleeps `us`, or less when a stop signal comes.
void sleep_between_passes(core::TimeUs us, const ServeStopSignals& signals) {
  if (us <= 0) return;
  timespec left{.tv_sec = static_cast<std::time_t>(us / core::kSecond),
                .tv_nsec = static_cast<long>(us % core::kSecond) * 1000};
  while (!signals.received() && ::nanosleep(&left, &left) != 0 && errno == EINTR) {
  }
}

// What one pass committed, as the plane's journal tells it, printed after
// the pass: a line for the pass, then one per step and state change. A
// wait that says what the same action's last printed wait said is left out,
// so an action waiting on a slow fleet does not print a line every pass.
class PassJournal final : public core::Journal {
 public:
  void transition(const core::TransitionEvent& event) override {
    const std::string from = event.machine != nullptr ? event.machine->state_name(event.from) : "?";
    const std::string to = event.machine != nullptr ? event.machine->state_name(event.to) : "?";
    const std::string kind = event.machine != nullptr ? event.machine->name() : "entity";
    ++transitions_;
    lines_.push_back(fmt::format("  {} {}: {} -> {} ({}){}", kind, event.entity, from, to,
                                 event.cause,
                                 event.refused ? ", REFUSED: not in its machine" : ""));
  }
  void step(const core::StepEvent& event) override {
    ++steps_;
    if (event.verdict == "error") ++errors_;
    const std::string said =
        fmt::format("{}: {}{}", event.step, event.verdict,
                    event.note.empty() ? "" : fmt::format(" ({})", event.note));
    std::string& last = last_said_[std::string(event.action_id)];
    if (event.verdict == "wait" && last == said) return;
    last = said;
    if (event.over) last_said_.erase(std::string(event.action_id));
    lines_.push_back(fmt::format("  {} {}", event.action_id, said));
  }

  // Prints the pass when it did something; true if it did.
  bool print_pass(std::uint64_t pass, core::TimeUs at_us, bool quiet, std::uint64_t requests) {
    const bool did = !quiet || steps_ > 0 || transitions_ > 0 || requests > 0;
    if (did) {
      std::string line =
          fmt::format("pass {} at {}: {} step{}, {} state change{}, {} fleet request{}", pass,
                      utc_text(at_us), steps_, steps_ == 1 ? "" : "s", transitions_,
                      transitions_ == 1 ? "" : "s", requests, requests == 1 ? "" : "s");
      if (errors_ > 0) {
        line += fmt::format("; {} step{} failed to commit (run again next pass)", errors_,
                            errors_ == 1 ? "" : "s");
      }
      std::puts(reports::terminal_text(line).c_str());
      for (const std::string& text : lines_)
        std::puts(reports::terminal_text(text).c_str());
      std::fflush(stdout);
    }
    lines_.clear();
    steps_ = transitions_ = errors_ = 0;
    return did;
  }

 private:
  std::vector<std::string> lines_;
  std::map<std::string, std::string, std::less<>> last_said_;
  std::uint32_t steps_ = 0;
  std::uint32_t transitions_ = 0;
  std::uint32_t errors_ = 0;
};

int refuse_serve(const std::string& message) {
  std::fprintf(stderr, "unwedge serve: %s\n", reports::terminal_text(message).c_str());
  return kExitBadInput;
}

// "db1" or "db1:2": a service and its standbys (1 when not said).
core::Result<seam::ServiceOrder> parse_order(std::string_view text) {
  seam::ServiceOrder order{.id = std::string(text.substr(0, text.find(':')))};
  if (order.id.empty()) {
    return core::Error{
        fmt::format("--order '{}' names no service; write SERVICE[:STANDBYS]", text)};
  }
  if (const std::size_t colon = text.find(':'); colon != std::string_view::npos) {
    const std::string_view digits = text.substr(colon + 1);
    std::uint64_t standbys = 0;
    const bool digits_only =
        !digits.empty() && digits.size() <= 3 &&
        std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits_only) standbys = std::stoull(std::string(digits));
    if (!digits_only || standbys > 16) {
      return core::Error{fmt::format(
          "--order '{}': the standbys after ':' are a whole number from 0 to 16", text)};
    }
    order.standbys = static_cast<std::uint32_t>(standbys);
  }
  return order;
}

// Orders each service the Store does not hold yet, in one transaction each,
// and says what it found; the orders not yet committed stay in `pending` for
// the next pass (a failed commit, a store error).
void place_orders(std::vector<seam::ServiceOrder>& pending, const seam::ControlPlane& plane,
                  core::Store& store, const core::Clock& clock, seam::Process* process) {
  std::vector<seam::ServiceOrder> left;
  for (const seam::ServiceOrder& order : pending) {
    try {
      std::unique_ptr<core::Transaction> txn = store.begin();
      if (std::optional<seam::ServiceView> held = plane.service(*txn, order.id)) {
        std::printf("service %s is in the store already (%s): not ordered again\n",
                    reports::terminal_text(order.id).c_str(),
                    held->state != nullptr ? held->state->name.c_str() : "no state");
        continue;
      }
      plane.order_service(*txn, order, clock.now_us());
      if (core::Status committed = txn->commit(); !committed) {
        std::printf("ordering %s failed to commit (%s); ordering it again next pass\n",
                    reports::terminal_text(order.id).c_str(),
                    reports::terminal_text(committed.error().message).c_str());
        left.push_back(order);
        continue;
      }
      std::printf("ordered service %s with %u standby%s\n",
                  reports::terminal_text(order.id).c_str(), order.standbys,
                  order.standbys == 1 ? "" : "s");
      // Written by someone other than the process, as a console's request is.
      if (process != nullptr) {
        process->records_changed({order.id});
        process->inputs_changed({order.id});
      }
    } catch (const stores::StoreError& e) {
      std::printf("ordering %s: store error: %s; ordering it again next pass\n",
                  reports::terminal_text(order.id).c_str(),
                  reports::terminal_text(e.what()).c_str());
      left.push_back(order);
    }
  }
  std::fflush(stdout);
  pending = std::move(left);
}

void print_services(const seam::ControlPlane& plane, core::Store& store) {
  try {
    std::unique_ptr<core::Transaction> txn = store.begin();
    for (const seam::ServiceView& view : plane.services(*txn)) {
      std::printf("service %s: %s%s\n", reports::terminal_text(view.id).c_str(),
                  view.state != nullptr ? view.state->name.c_str() : "no state",
                  view.leader.empty()
                      ? ""
                      : fmt::format(", leader {}", reports::terminal_text(view.leader)).c_str());
    }
  } catch (const stores::StoreError& e) {
    std::printf("the services could not be read: store error: %s\n",
                reports::terminal_text(e.what()).c_str());
  }
}

int run_serve(const ServeOptions& options) {
  const seam::PlaneInfo* info = selected_plane();
  if (info == nullptr) return refuse_serve("no control plane is registered in this program");
  if (options.interval_us < 0) return refuse_serve("--interval must not be negative");
  if (options.until_idle && options.passes > 0) {
    return refuse_serve("--passes and --until-idle both say when to stop; give one of them");
  }
  std::vector<seam::ServiceOrder> orders;
  for (const std::string& text : options.orders) {
    core::Result<seam::ServiceOrder> order = parse_order(text);
    if (!order) return refuse_serve(order.error().message);
    orders.push_back(std::move(*order));
  }
  seam::SettingsText settings;
  for (const std::string& text : options.settings) {
    const std::size_t equals = text.find('=');
    if (equals == std::string::npos || equals == 0) {
      return refuse_serve(fmt::format("--set '{}' is not KEY=VALUE", text));
    }
    settings.insert_or_assign(text.substr(0, equals), text.substr(equals + 1));
  }

  core::Result<std::string> kind = stores::store_kind(options.store);
  if (!kind) return refuse_serve(kind.error().message);
  // A PostgreSQL URL may carry a password: messages name the server as the
  // store describes it, never the URL.
  std::string store_name = *kind == "postgres" ? "the PostgreSQL store" : options.store;
  // The in-memory store keeps objects, not their text: a plane without
  // codecs runs on it; a database needs them.
  core::EntityCodecs codecs;
  if (*kind != "memory") {
    core::Result<core::EntityCodecs> declared = seam::entity_codecs(*info);
    if (!declared)
      return refuse_serve(fmt::format("--store {}: {}", store_name, declared.error().message));
    codecs = std::move(*declared);
  }
  core::Result<std::unique_ptr<seam::ControlPlane>> created = info->create(settings);
  if (!created)
    return refuse_serve(fmt::format("control plane {}: {}", info->name, created.error().message));
  const seam::ControlPlane& plane = **created;
  // What the simulator runs beside the process; a production runner of
  // these is not written yet.
  if (plane.fleet().coordination_members > 0) {
    return refuse_serve(
        fmt::format("control plane {} needs a consensus store shared with agents on every node "
                    "({} members); serve runs a plane's process alone for now, so it cannot run {}",
                    info->name, plane.fleet().coordination_members, info->name));
  }
  if (plane.agent_interval_us() > 0) {
    return refuse_serve(fmt::format(
        "control plane {} runs an agent on every node; serve runs a plane's process alone for "
        "now, so it cannot run {}",
        info->name, info->name));
  }

  core::Result<std::unique_ptr<core::DurableStore>> opened =
      stores::open_store(options.store, codecs);
  if (!opened) {
    return refuse_serve(
        *kind == "postgres"
            ? fmt::format("cannot open the PostgreSQL store: {}", opened.error().message)
            : fmt::format("cannot open the store {}: {}", store_name, opened.error().message));
  }
  core::Store& store = **opened;
  if (const auto* postgres = dynamic_cast<const stores::PostgresStore*>(opened->get())) {
    store_name = postgres->server();
  }

  std::FILE* log = stdout;
  const bool log_to_file = !options.log_file.empty() && options.log_file != kStandardOutput;
  if (log_to_file) {
    // Appended to: a restarted serve adds to the log of the one before.
    log = std::fopen(options.log_file.c_str(), "a");
    if (log == nullptr) {
      return refuse_serve(
          fmt::format("cannot open the log {}: {}", options.log_file, std::strerror(errno)));
    }
  }
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> log_closer(
      log_to_file ? log : nullptr, [](std::FILE* file) { return file ? std::fclose(file) : 0; });

  WallClock clock;
  LoggingInfra infra(clock, log);
  CheckedInTelemetry telemetry(clock, infra, plane.fleet().vantage_points);
  PassJournal journal;
  const core::Environment env{
      .store = store, .infra = infra, .clock = clock, .telemetry = telemetry, .journal = &journal};
  const ServeStopSignals signals;

  std::printf(
      "serving control plane %s on %s: a pass every %s; fleet requests logged to %s (a "
      "stand-in: every request is carried out)\n",
      info->name.c_str(), reports::terminal_text(store_name).c_str(),
      core::format_duration(options.interval_us).c_str(),
      log_to_file ? reports::terminal_text(options.log_file).c_str() : "standard output");
  std::vector<seam::ServiceOrder> pending = orders;
  place_orders(pending, plane, store, clock, nullptr);

  std::unique_ptr<seam::Process> process = plane.start(seam::ProcessContext{.env = env});
  std::uint64_t passes = 0;
  std::uint32_t quiet_in_a_row = 0;
  std::uint64_t store_errors = 0;
  std::string stopped_by;
  for (;;) {
    if (!pending.empty()) place_orders(pending, plane, store, clock, process.get());
    if (process->wants_changes()) {
      const std::vector<std::string> changed = infra.take_changed_hosts();
      if (!changed.empty()) process->inputs_changed(changed);
    }
    const std::uint64_t requests_before = infra.requests();
    const core::TimeUs started_us = clock.now_us();
    bool quiet = false;
    try {
      quiet = process->tick();
    } catch (const stores::StoreError& e) {
      // The Store's own error (a lost connection, a database that refused
      // the transaction): the pass is run again next interval by a process
      // started afresh over the Store, as after a crash, since the one that
      // threw may hold half a pass in memory.
      ++store_errors;
      std::printf("pass %llu: store error: %s; running the pass again next interval\n",
                  static_cast<unsigned long long>(passes + 1),
                  reports::terminal_text(e.what()).c_str());
      process = plane.start(seam::ProcessContext{.env = env});
    }
    ++passes;
    journal.print_pass(passes, started_us, quiet, infra.requests() - requests_before);
    quiet_in_a_row = quiet && pending.empty() ? quiet_in_a_row + 1 : 0;
    if (options.passes > 0 && passes >= options.passes) {
      stopped_by = fmt::format("after {} pass{}", passes, passes == 1 ? "" : "es");
      break;
    }
    if (options.until_idle && quiet_in_a_row >= 2) {
      stopped_by = fmt::format("idle after {} passes", passes);
      break;
    }
    if (signals.received()) break;
    // As the simulator does: a pass sooner than the interval when the
    // process says something it waits on falls due by then.
    core::TimeUs sleep_us = options.interval_us;
    if (std::optional<core::TimeUs> due_us = process->next_due_us()) {
      sleep_us = std::clamp(*due_us - clock.now_us(), core::TimeUs{0}, sleep_us);
    }
    sleep_between_passes(sleep_us, signals);
    if (signals.received()) break;
  }
  if (stopped_by.empty()) {
    stopped_by = fmt::format("by a signal after {} pass{}", passes, passes == 1 ? "" : "es");
  }
  std::printf("stopped %s (%llu fleet requests, %llu store errors)\n", stopped_by.c_str(),
              static_cast<unsigned long long>(infra.requests()),
              static_cast<unsigned long long>(store_errors));
  print_services(plane, store);
  std::fflush(stdout);
  if (!infra.log_ok()) {
    return refuse_serve(fmt::format("the fleet request log {} could not be written in full",
                                    log_to_file ? options.log_file : "(standard output)"));
  }
  return kExitPass;
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* command = app.add_subcommand(
      "serve",
      "Run a control plane's process as production would, outside the simulator: over a real "
      "Store and the wall clock, a pass every interval. The fleet API is each team's own: "
      "this one only logs every request as a JSON line and carries it out (accepted, then done "
      "when asked again), and every host checks in healthy unless stopped or destroyed");
  command
      ->add_option("--store", options->store,
                   "Where the plane keeps its state: memory, sqlite:PATH or postgres://... "
                   "(a libpq URI)")
      ->required();
  command->add_option("--set", options->settings,
                      "A setting of the plane, KEY=VALUE (repeatable); others take its defaults");
  command->add_option("--order", options->orders,
                      "Order a customer's service, SERVICE[:STANDBYS] (repeatable; 1 standby "
                      "unless said), unless the store holds it already");
  command->add_option("--interval", options->interval_us, "Time between passes, e.g. 500ms")
      ->transform(time_with_unit())
      ->default_str("1s");
  command->add_option("--passes", options->passes, "Stop after N passes (0: run until stopped)")
      ->check(whole_number(UINT32_MAX))
      ->capture_default_str();
  command->add_flag("--until-idle", options->until_idle,
                    "Stop once two passes in a row drive nothing");
  command->add_option("--log", options->log_file,
                      "Append the fleet request log (JSON lines) to this file; - or none: "
                      "standard output");
  command->footer(
      "Stops after --passes, once idle (--until-idle), or at SIGINT/SIGTERM after the pass under "
      "way; exit 0. Exit 2: bad input, a store that cannot be opened, or a plane that needs a "
      "consensus store or per-node agents (not served yet). A store error during a pass is "
      "printed and the pass run again next interval. Monitoring is a stand-in too: every host "
      "the plane asks about checks in healthy now at each vantage point, accepting writes "
      "unless fenced, except one the fleet API was asked to stop or destroy.");
  command->callback([options, &exit_code] { exit_code = run_serve(*options); });
}

}  // namespace unwedge::cli
