// sim_digests: the trace digests of a fixed set of simulated runs.
//
// Every build (gcc and clang, release and sanitized) must produce the same
// digests, so the expected ones are kept in golden_digests.txt and each
// build's ctest compares against that file: two builds that both match it
// match each other. A change that alters behaviour on purpose regenerates
// the file:
//
//   build/default/tests/sim_digests > tests/sim/golden_digests.txt
//   build/default/tests/sim_digests --check tests/sim/golden_digests.txt
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/simulation.hpp"

namespace {

using unwedge::core::kHour;
using unwedge::core::kMinute;
namespace sim = unwedge::sim;

// Six simulated hours of three services under every fault kind and random
// operator requests: enough to cross failovers, promotions, crashes and
// every partition shape.
std::string digests() {
  std::string out;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    sim::SimConfig config{.seed = seed,
                          .services = {{.id = "db1", .followers = 1},
                                       {.id = "db2", .standbys = 2, .synchronous = false},
                                       {.id = "db3"}}};
    config.faults.mean_gap_us = 5 * kMinute;
    config.operator_mean_gap_us = kHour;
    sim::Simulation simulation(config);
    sim::RunSummary run = simulation.run(6 * kHour, kHour);
    out += fmt::format("seed {} digest {:016x} records {}{}\n", seed, run.digest, run.trace_records,
                       run.finding ? " finding" : "");
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string actual = digests();
  if (argc == 1) {
    fmt::print("{}", actual);
    return 0;
  }
  if (argc != 3 || std::string(argv[1]) != "--check") {
    fmt::print(stderr, "usage: sim_digests [--check GOLDEN_FILE]\n");
    return 2;
  }
  std::ifstream in(argv[2]);
  if (!in) {
    fmt::print(stderr, "sim_digests: cannot read {}\n", argv[2]);
    return 2;
  }
  std::stringstream golden;
  golden << in.rdbuf();
  if (golden.str() == actual) {
    fmt::print("digests match {}\n", argv[2]);
    return 0;
  }
  fmt::print(stderr,
             "sim_digests: this build's digests differ from {}.\n"
             "expected:\n{}actual:\n{}"
             "Every build must produce the same digests. If behaviour changed on purpose, "
             "regenerate the file with:\n  sim_digests > {}\n",
             argv[2], golden.str(), actual, argv[2]);
  return 1;
}
