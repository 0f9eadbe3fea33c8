// The guided search's side of a campaign (sim/guided_search.hpp), kept by
// the parent process: it makes each guided input, learns from every run of
// its plane what the run reached, and keeps the corpus.
//
// The workers were forked before the inputs exist, so an input travels as a
// file: DIR/guided/inputs/<n>.yaml, written before its item is dispatched
// (campaign index kGuidedIndexBase + n) and removed once its result is in (a
// failing input is in repro/ by then, as every failing item is).
//
// The search starts from what it is given, before any mutation:
//   - the corpus a previous campaign kept (`--corpus DIR`, every .yaml in
//     it, in path order), and
//   - a libFuzzer corpus (`--fuzz-corpus DIR`, every file decoded as
//     fleet_fuzzer decodes its inputs),
// each replayed as it is, then every swarm run of the plane as its result
// comes back. A run that reaches a feature none before it did, or one more
// cheaply than the run holding it, joins the corpus and, with --corpus, is
// written there (named by a hash of its story, so a scenario kept twice or
// replayed on another night is one file), ready for the next campaign. At
// the end, prune() removes the files of runs that hold no feature any more
// (a cheaper run reached all they did), so the directory stays the size of
// what the search has reached, not of every night's finds.
//
//   GuidedFeeder feeder(settings.guided, settings.out_dir, "postgres", 1);
//   if (core::Status started = feeder.start(); !started) return started.error();
//   if (feeder.ready()) pool.dispatch(kGuidedIndexBase + *feeder.make_next());
//   feeder.learn(swarm_scenario(seed), result);   // each swarm run of its plane
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/worker_result.hpp"
#include "core/result.hpp"
#include "reports/report.hpp"
#include "sim/guided_search.hpp"
#include "sim/scenario.hpp"

namespace unwedge::cli {

// Campaign indices from here on are guided inputs: index - base is the
// input's number (1, 2, ...). Far above every bundled item and swarm seed.
inline constexpr std::uint64_t kGuidedIndexBase = std::uint64_t{1} << 48;

inline bool is_guided_index(std::uint64_t index) {
  return index > kGuidedIndexBase;
}

struct GuidedSettings {
  // The share of the campaign's runs the guided search gets, in percent
  // (0-90), once the bundled scenarios are out; 0: no guided search.
  std::uint32_t percent = 0;
  // With a fixed number of swarm seeds, the fixed number of guided inputs
  // (the share is then not read); nullopt: the share of a time budget.
  std::optional<std::uint64_t> runs;
  std::filesystem::path corpus_dir;       // empty: the corpus is not kept
  std::filesystem::path fuzz_corpus_dir;  // empty: no libFuzzer inputs
};

// The file guided input `number` is written to under the output directory.
std::filesystem::path guided_input_path(const std::filesystem::path& out_dir, std::uint64_t number);

class GuidedFeeder {
 public:
  GuidedFeeder(GuidedSettings settings, std::filesystem::path out_dir, std::string plane,
               std::uint64_t seed);

  // Reads the corpora it starts from; an error names the file and the fix.
  core::Status start();
  // Whether an input can be made now (the corpus or the replays hold one).
  bool ready() const { return !replays_.empty() || !search_.corpus().empty(); }
  // Makes the next input and writes its file; its number.
  core::Result<std::uint64_t> make_next();
  // What a guided input's run (by its number) reached.
  void learn_guided(std::uint64_t number, const WorkerResult& result);
  // What a swarm seed's run reached (its scenario made again by the caller).
  void learn(const sim::Scenario& scenario, const WorkerResult& result);

  // Once the campaign is over: removes the corpus files of entries holding
  // no feature (only files named as the corpus names them); how many. Does
  // nothing before every kept scenario was replayed, or after a write to
  // the corpus failed.
  std::size_t prune();

  std::uint64_t made() const { return made_; }
  reports::GuidedFigures figures() const;

 private:
  core::Status keep(const sim::Scenario& scenario);

  GuidedSettings settings_;
  std::filesystem::path out_dir_;
  std::string plane_;
  sim::GuidedSearch search_;
  std::deque<sim::Scenario> replays_;                 // run as they are, before any mutation
  std::map<std::uint64_t, sim::Scenario> in_flight_;  // by number
  std::vector<std::string> corpus_files_;             // each corpus entry's file name
  std::uint64_t made_ = 0;
  reports::GuidedFigures figures_;
  bool keep_failed_ = false;  // the corpus directory refused a write; told once
};

}  // namespace unwedge::cli
