// `unwedge fuzz-to-scenario INPUT [--out FILE] [--name NAME]`
//
// Turns a fleet_fuzzer input (a crash file, or any corpus entry) into the
// scenario file it stands for (sim/scenario_from_bytes.hpp), so a fuzzer's
// finding becomes something an engineer reads, replays and shrinks:
//
//   unwedge fuzz-to-scenario out/fuzz/fleet_fuzzer/crash-3f2a... --out crash.yaml
//   unwedge replay crash.yaml       # the story, event by event
//   unwedge shrink crash.yaml       # cut down to what still fails
//
// The scenario expects a pass, as a regression scenario does once the bug
// is fixed; until then running it reports the violation.
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/control_plane_flag.hpp"
#include "cli/output_file.hpp"
#include "core/input_file.hpp"
#include "reports/shell_word.hpp"
#include "sim/scenario_from_bytes.hpp"
#include "sim/scenario_yaml.hpp"

namespace unwedge::cli {
namespace {

struct FuzzToScenarioOptions {
  std::string input;
  std::string out_file;
  std::string name;
};

// A scenario name (lowercase letters, digits, _ and -, starting with a
// letter) from the input's file name: "crash-3F2a.bin" -> "crash-3f2a-bin".
std::string name_from(const std::filesystem::path& input) {
  std::string name;
  for (char c : input.filename().string()) {
    const auto u = static_cast<unsigned char>(c);
    name += std::isalnum(u) != 0 ? static_cast<char>(std::tolower(u)) : (c == '_' ? '_' : '-');
  }
  if (name.empty() || std::isalpha(static_cast<unsigned char>(name[0])) == 0) {
    name = "fuzzed-" + name;
  }
  return name;
}

// Fuzz inputs are a few kilobytes (libFuzzer's -max_len is 4096 by
// default); a megabyte is no input of ours.
constexpr std::size_t kFuzzInputBytesMax = 1024 * 1024;

int convert(const FuzzToScenarioOptions& options) {
  core::Result<std::string> read = core::read_input_file(options.input, kFuzzInputBytesMax);
  if (!read) {
    std::fprintf(stderr,
                 "unwedge fuzz-to-scenario: %s: cannot be read: %s; pass a fleet_fuzzer input "
                 "file (a crash-* file from out/fuzz/fleet_fuzzer/ or a corpus entry)\n",
                 reports::terminal_text(options.input, false).c_str(),
                 reports::terminal_text(read.error().message).c_str());
    return kExitBadInput;
  }
  const std::vector<std::uint8_t> bytes(read->begin(), read->end());
  // The bytes mean what they meant to the plane they were fuzzed against.
  const seam::PlaneInfo* plane = selected_plane();
  core::Result<sim::Scenario> scenario =
      sim::scenario_from_bytes(bytes, options.input, plane != nullptr ? plane->name : "");
  if (!scenario.ok()) {
    std::fprintf(stderr, "unwedge fuzz-to-scenario: %s\n",
                 reports::terminal_text(scenario.error().message).c_str());
    return kExitBadInput;
  }
  scenario->name = options.name.empty() ? name_from(options.input) : options.name;
  const std::string text = sim::to_yaml(*scenario);
  // What is written must read back: a name given by hand may not be one.
  if (core::Result<sim::Scenario> again = sim::parse_scenario(text, "the converted scenario");
      !again.ok()) {
    std::fprintf(stderr, "unwedge fuzz-to-scenario: %s\n",
                 reports::terminal_text(again.error().message).c_str());
    return kExitBadInput;
  }
  return write_output("fuzz-to-scenario", options.out_file, text) ? kExitPass : kExitBadInput;
}

}  // namespace

void add_fuzz_to_scenario_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<FuzzToScenarioOptions>();
  CLI::App* command = app.add_subcommand(
      "fuzz-to-scenario", "Write the scenario a fleet_fuzzer input stands for as a scenario file");
  command->add_option("input", options->input, "A fleet_fuzzer input (crash file or corpus entry)")
      ->required();
  command->add_option("--out", options->out_file, "Write it here instead of to stdout");
  command->add_option("--name", options->name,
                      "The scenario's name (default: from the input's file name)");
  command->callback([options, &exit_code] { exit_code = convert(*options); });
}

}  // namespace unwedge::cli
