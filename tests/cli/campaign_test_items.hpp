// Campaign items for tests, made in memory: small runs (one service, half
// an hour of faults-free safety phase) with seeds that can be told to crash
// their worker, throw, fail their verdict or take their time.
//
//   CampaignItems items = test_items({.bundled = 2, .crash_seeds = {3}});
#pragma once

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

#include "cli/campaign.hpp"
#include "planes/postgres/model.hpp"
#include "sim/scenario.hpp"

namespace unwedge::cli::testing {

struct TestItemsSpec {
  std::uint64_t bundled = 0;
  std::set<std::uint64_t> segfault_seeds;  // making the scenario raises SIGSEGV
  std::set<std::uint64_t> abort_seeds;     // calls std::abort()
  std::set<std::uint64_t> throw_seeds;     // throws std::runtime_error
  std::set<std::uint64_t> fail_seeds;      // expects a violation that never comes
  std::set<std::uint64_t> hang_seeds;      // sleeps an hour
  // Seeds that raise SIGSEGV the first time only, leaving a mark in
  // `marks_dir`: a crash that making the scenario again does not repeat.
  std::set<std::uint64_t> segfault_once_seeds;
  std::string marks_dir;
  int slow_ms = 0;  // every item sleeps this long first
};

inline sim::Scenario small_scenario(std::uint64_t seed, std::string name) {
  sim::Scenario scenario{.name = std::move(name),
                         .duration_us = 30 * core::kMinute,
                         .recovery_us = 15 * core::kMinute};
  scenario.config = sim::SimConfig{.seed = seed, .services = {{.id = "db1"}}};
  return scenario;
}

// Dies by SIGSEGV even under a sanitizer, which would otherwise catch the
// signal, print a report and exit with a status instead.
[[noreturn]] inline void segfault() {
  std::signal(SIGSEGV, SIG_DFL);
  std::raise(SIGSEGV);
  std::abort();
}

inline core::Result<sim::Scenario> make_test_scenario(const TestItemsSpec& spec, std::uint64_t seed,
                                                      std::string name) {
  if (spec.slow_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(spec.slow_ms));
  if (spec.segfault_seeds.contains(seed)) segfault();
  if (spec.abort_seeds.contains(seed)) std::abort();
  if (spec.throw_seeds.contains(seed)) throw std::runtime_error("the generator gave up");
  if (spec.hang_seeds.contains(seed)) std::this_thread::sleep_for(std::chrono::hours(1));
  if (spec.segfault_once_seeds.contains(seed)) {
    const std::filesystem::path mark =
        std::filesystem::path(spec.marks_dir) / fmt::format("seed-{}", seed);
    if (!std::filesystem::exists(mark)) {
      std::ofstream{mark} << "crashed\n";
      segfault();
    }
  }
  sim::Scenario scenario = small_scenario(seed, std::move(name));
  if (spec.fail_seeds.contains(seed)) scenario.expect.violation = sim::Invariant::kNoLostWrites;
  return scenario;
}

inline CampaignItems test_items(const TestItemsSpec& spec) {
  CampaignItems items{.control_plane = "postgres", .model = &postgres::model()};
  for (std::uint64_t k = 0; k < spec.bundled; ++k) {
    const std::uint64_t seed = 1000 + k;
    items.bundled.push_back({.label = fmt::format("scenario bundled-{}", k),
                             .seed = 0,
                             .swarm = false,
                             .make = [spec, seed, k] {
                               return make_test_scenario(spec, seed, fmt::format("bundled-{}", k));
                             }});
  }
  items.swarm = [spec](std::uint64_t seed) {
    return CampaignItem{.label = fmt::format("swarm seed {}", seed),
                        .seed = seed,
                        .swarm = true,
                        .make = [spec, seed] {
                          return make_test_scenario(spec, seed, fmt::format("swarm-{}", seed));
                        }};
  };
  return items;
}

// The repro writer: enough to tell which scenario was written.
inline std::string test_scenario_text(const sim::Scenario& scenario) {
  return fmt::format("name: {}\nseed: {}\n", scenario.name, scenario.config.seed);
}

}  // namespace unwedge::cli::testing
