// Availability figures of a campaign: what the clients of every measured
// service felt (sim/availability.hpp), summed over runs, with the lowest
// share one service had in one run and the longest write outages, each with
// its run and cause. ReportBuilder adds each run's; shards merge by adding.
// Every report format renders availability_lines().
//
//   AvailabilityFigures figures;
//   figures.add_run("swarm seed 3", run.availability, run.worst_windows);
//   for (const std::string& line : availability_lines(figures)) fmt::print("{}\n", line);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "sim/availability.hpp"

namespace unwedge::reports {

// A write outage window of one run.
struct WorstWindow {
  std::string item;  // the run: "swarm seed 3"
  sim::OutageWindow window;
  friend bool operator==(const WorstWindow&, const WorstWindow&) = default;
};

struct AvailabilityFigures {
  static constexpr std::size_t kWindowsKept = 10;

  std::uint64_t services = 0;  // services measured, summed over runs
  core::TimeUs observed_us = 0;
  core::TimeUs write_down_us = 0;
  core::TimeUs read_down_us = 0;
  std::uint64_t writes = 0;
  std::uint64_t writes_ok = 0;
  std::uint64_t reads = 0;
  std::uint64_t reads_ok = 0;
  // The lowest share of time one service's clients could write in one run,
  // in parts per million, and where; 1,000,000 when none was measured.
  std::uint32_t lowest_ppm = 1'000'000;
  std::string lowest_item;
  std::string lowest_service;
  std::vector<WorstWindow> worst_windows;  // longest first

  void add_run(const std::string& item, const std::vector<sim::ServiceAvailability>& services,
               const std::vector<sim::OutageWindow>& windows);
  void merge(const AvailabilityFigures& other);
  double write_share() const;
  double read_share() const;
  friend bool operator==(const AvailabilityFigures&, const AvailabilityFigures&) = default;
};

// The figures as sentences, the first a summary, then one per worst window:
//   "clients wrote 99.870% of the time (12,345 of 12,400 writes), read 99.950% ..."
//   "db1 in swarm seed 3: client-db1-1's writes failed 310 s from 2400 s (db1-1 is fenced);
//    cause: the control plane, ..."
std::vector<std::string> availability_lines(const AvailabilityFigures& figures);

}  // namespace unwedge::reports
