// unwedge-canary: the planted bug every `unwedge nightly` campaign must see
// caught. It runs mutant promote_lagging_standby (tests/mutants) on the
// nightly's own swarm scenario of a fixed seed and prints one JSON line
// (cli/canary.hpp reads it); exit 0 only when the harness caught it with
// the invariant meant for it.
//
// It links the control plane with its mutation points compiled in, which
// is why it is a program of its own: unwedge links only the production
// library, where no setting can switch a mutant on.
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "planes/postgres/settings.hpp"
#include "sim/scenario.hpp"
#include "sim/swarm.hpp"

namespace {

using unwedge::postgres::Mutant;
using unwedge::sim::Invariant;

// A promotion that does not wait for the fenced leader's last writes loses
// some; this seed's swarm scenario catches it in its first failover.
constexpr Mutant kMutant = Mutant::kPromoteLaggingStandby;
constexpr std::uint64_t kSeed = 1;
constexpr Invariant kExpected = Invariant::kNoLostWrites;

}  // namespace

int main() {
  const auto start = std::chrono::steady_clock::now();
  unwedge::sim::Scenario scenario = unwedge::sim::swarm_scenario(kSeed);
  scenario.config.plane_settings["mutant"] = unwedge::postgres::to_string(kMutant);
  const unwedge::sim::ScenarioOutcome outcome = unwedge::sim::run_scenario(scenario);
  const auto wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - start)
                           .count();
  const std::optional<unwedge::sim::Finding>& finding = outcome.run.finding;
  const bool caught = finding && finding->invariant == kExpected;
  std::string sentence = "the run found nothing";
  if (finding) {
    sentence = caught ? finding->what
                      : std::string("caught by ") + to_string(finding->invariant) + ", not " +
                            to_string(kExpected) + ": " + finding->what;
  }
  // The fields of reports::CanaryResult, as report.json writes them.
  const nlohmann::ordered_json line = {{"mutant", to_string(kMutant)},
                                       {"caught", caught},
                                       {"invariant", finding ? to_string(finding->invariant) : ""},
                                       {"seed", kSeed},
                                       {"wall_ms", wall_ms},
                                       {"sentence", sentence}};
  std::printf("%s\n", line.dump().c_str());
  return caught ? 0 : 1;
}
