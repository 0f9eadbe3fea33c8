#include "cli/guided_feeder.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <set>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "cli/output_file.hpp"
#include "core/assert.hpp"
#include "reports/coverage_features.hpp"
#include "reports/shell_word.hpp"
#include "sim/scenario_from_bytes.hpp"
#include "sim/scenario_yaml.hpp"

namespace unwedge::cli {
namespace {

// How many times make_next() tries for an input the scenario reader takes
// back before it gives up (a mutant it would refuse is never run).
constexpr int kMakeAttempts = 16;

// A libFuzzer corpus file larger than this is no fleet_fuzzer input.
constexpr std::uintmax_t kFuzzInputBytesMax = 1 << 20;

// Every regular file under `dir` (with `extension`, unless empty), in path
// order, so every machine replays them alike.
core::Result<std::vector<std::filesystem::path>> files_in(const std::filesystem::path& dir,
                                                          const std::string& extension,
                                                          const char* flag) {
  std::error_code error;
  std::vector<std::filesystem::path> files;
  for (auto it = std::filesystem::directory_iterator(dir, error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    if (!it->is_regular_file(error)) continue;
    if (!extension.empty() && it->path().extension() != extension) continue;
    files.push_back(it->path());
  }
  if (error) {
    return core::Error{fmt::format("{} {}: {}; pass a directory this user can read", flag,
                                   dir.string(), error.message())};
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The corpus names a scenario by a hash of its story alone: its name, source
// and description (which say where it was found) left out, so the same
// scenario found or replayed again on another night is one file.
std::string corpus_file_name(const sim::Scenario& scenario) {
  sim::Scenario story = scenario;
  story.name = "corpus";
  story.source.clear();
  story.description.clear();
  return fmt::format("{:016x}.yaml", sim::feature_id(sim::to_yaml(story)));
}

// Only files of that shape are the corpus's own, to be pruned.
bool is_corpus_file_name(std::string_view name) {
  constexpr std::size_t kHexDigits = 16;
  return name.size() == kHexDigits + 5 && name.ends_with(".yaml") &&
         std::all_of(name.begin(), name.begin() + kHexDigits,
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Whether `scenario` is for `plane` (a scenario naming none is for the
// default plane, which a campaign names explicitly).
bool for_plane(const sim::Scenario& scenario, const std::string& plane) {
  return scenario.config.control_plane.empty() || scenario.config.control_plane == plane;
}

}  // namespace

std::filesystem::path guided_input_path(const std::filesystem::path& out_dir,
                                        std::uint64_t number) {
  return out_dir / "guided" / "inputs" / fmt::format("{}.yaml", number);
}

GuidedFeeder::GuidedFeeder(GuidedSettings settings, std::filesystem::path out_dir,
                           std::string plane, std::uint64_t seed)
    : settings_(std::move(settings)),
      out_dir_(std::move(out_dir)),
      plane_(std::move(plane)),
      search_(seed) {
  figures_.corpus_dir = settings_.corpus_dir.string();
}

core::Status GuidedFeeder::start() {
  std::error_code error;
  std::filesystem::create_directories(guided_input_path(out_dir_, 1).parent_path(), error);
  if (error) {
    return core::Error{fmt::format("{}: cannot create the guided search's inputs directory: {}",
                                   (out_dir_ / "guided").string(), error.message())};
  }
  if (!settings_.corpus_dir.empty()) {
    std::filesystem::create_directories(settings_.corpus_dir, error);
    if (error) {
      return core::Error{fmt::format("--corpus {}: cannot create it: {}",
                                     settings_.corpus_dir.string(), error.message())};
    }
    core::Result<std::vector<std::filesystem::path>> kept =
        files_in(settings_.corpus_dir, ".yaml", "--corpus");
    if (!kept) return kept.error();
    for (const std::filesystem::path& file : *kept) {
      core::Result<sim::Scenario> scenario = sim::load_scenario_file(file.string());
      if (!scenario) {
        return core::Error{fmt::format(
            "--corpus {}: {}; remove the file (the corpus keeps only scenarios it wrote)",
            settings_.corpus_dir.string(), scenario.error().message)};
      }
      if (for_plane(*scenario, plane_)) replays_.push_back(std::move(*scenario));
    }
  }
  if (!settings_.fuzz_corpus_dir.empty()) {
    core::Result<std::vector<std::filesystem::path>> inputs =
        files_in(settings_.fuzz_corpus_dir, "", "--fuzz-corpus");
    if (!inputs) return inputs.error();
    for (const std::filesystem::path& file : *inputs) {
      // A corpus holds whatever libFuzzer kept; what does not decode (or is
      // too large to be an input) is not an input of this fuzzer.
      if (std::filesystem::file_size(file, error) > kFuzzInputBytesMax || error) continue;
      std::ifstream in(file, std::ios::binary);
      const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                            std::istreambuf_iterator<char>());
      core::Result<sim::Scenario> scenario = sim::scenario_from_bytes(bytes, file.string(), plane_);
      if (scenario) replays_.push_back(std::move(*scenario));
    }
  }
  return core::Status{};
}

core::Result<std::uint64_t> GuidedFeeder::make_next() {
  UNWEDGE_ASSERT(ready());
  for (int attempt = 0; attempt < kMakeAttempts && ready(); ++attempt) {
    const bool replay = !replays_.empty();
    sim::Scenario scenario;
    if (replay) {
      scenario = std::move(replays_.front());
      replays_.pop_front();
    } else {
      std::optional<sim::GuidedInput> input = search_.next();
      UNWEDGE_ASSERT(input.has_value());
      scenario = std::move(input->scenario);
    }
    const std::uint64_t number = made_ + 1;
    scenario.name = fmt::format("guided-{}", number);
    scenario.source = fmt::format("guided input {}", number);
    if (scenario.config.control_plane.empty()) scenario.config.control_plane = plane_;
    const std::filesystem::path path = guided_input_path(out_dir_, number);
    // The worker reads the file back: an input the reader would refuse is
    // never sent (it would be an error of the campaign, not of the plane).
    const std::string text = sim::to_yaml(scenario);
    core::Result<sim::Scenario> read_back = sim::parse_scenario(text, path.string());
    if (!read_back) continue;
    if (core::Status written = write_file_atomically(path, text); !written) {
      return written.error();
    }
    made_ = number;
    if (replay) ++figures_.replayed;
    in_flight_.emplace(number, std::move(*read_back));
    return number;
  }
  return core::Error{"the guided search made no input the scenario reader takes"};
}

void GuidedFeeder::learn_guided(std::uint64_t number, const WorkerResult& result) {
  auto it = in_flight_.find(number);
  UNWEDGE_ASSERT_MSG(it != in_flight_.end(), "guided input {} was never made", number);
  ++figures_.runs;
  if (result.record.verdict != Verdict::kPass) ++figures_.failed;
  learn(it->second, result);
  in_flight_.erase(it);
  // A failing input is in repro/ already; the rest are in the corpus or
  // taught nothing.
  std::error_code ignored;
  std::filesystem::remove(guided_input_path(out_dir_, number), ignored);
}

// Only a passing run joins the corpus: mutating a failing one mostly finds
// the same failure again.
void GuidedFeeder::learn(const sim::Scenario& scenario, const WorkerResult& result) {
  if (!result.coverage || result.record.verdict != Verdict::kPass) return;
  if (!search_.offer(scenario, reports::run_features(scenario, *result.coverage, result.contexts)))
    return;
  ++figures_.kept;
  UNWEDGE_ASSERT_EQ(corpus_files_.size() + 1, search_.corpus().size());
  corpus_files_.push_back(corpus_file_name(scenario));
  if (core::Status kept = keep(scenario); !kept && !keep_failed_) {
    keep_failed_ = true;
    std::fprintf(stderr, "\nunwedge: %s; the guided search goes on without keeping its corpus\n",
                 reports::terminal_text(kept.error().message).c_str());
  }
}

core::Status GuidedFeeder::keep(const sim::Scenario& scenario) {
  if (settings_.corpus_dir.empty()) return core::Status{};
  const std::string name = corpus_files_.back();
  const std::filesystem::path path = settings_.corpus_dir / name;
  std::error_code error;
  if (std::filesystem::exists(path, error)) return core::Status{};
  sim::Scenario named = scenario;
  named.name = "corpus-" + path.stem().string();
  return write_file_atomically(path, sim::to_yaml(named));
}

std::size_t GuidedFeeder::prune() {
  if (settings_.corpus_dir.empty() || !replays_.empty() || keep_failed_) return 0;
  std::set<std::string> holding;
  const std::vector<sim::CorpusEntry>& corpus = search_.corpus();
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    if (corpus[i].held > 0) holding.insert(corpus_files_[i]);
  }
  core::Result<std::vector<std::filesystem::path>> files =
      files_in(settings_.corpus_dir, ".yaml", "--corpus");
  if (!files) return 0;
  std::size_t removed = 0;
  for (const std::filesystem::path& file : *files) {
    const std::string name = file.filename().string();
    if (!is_corpus_file_name(name) || holding.contains(name)) continue;
    std::error_code error;
    removed += std::filesystem::remove(file, error) ? 1 : 0;
  }
  return removed;
}

reports::GuidedFigures GuidedFeeder::figures() const {
  reports::GuidedFigures figures = figures_;
  figures.corpus = search_.corpus().size();
  figures.features = search_.features();
  return figures;
}

}  // namespace unwedge::cli
