// scenario_parser_fuzzer: searches for text on which parse_scenario crashes,
// hangs or blows memory, or gives an answer it cannot stand behind: a
// refusal that does not say where (source:line:column), or an accepted
// scenario that does not survive to_yaml() and a second read unchanged.
//
// The input is the file's text as it is, bytes and all; the seeds are the
// example from docs/SCENARIOS.md and a few of tests/scenarios/malformed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/assert.hpp"
#include "sim/scenario_yaml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using unwedge::sim::parse_scenario;
  using unwedge::sim::Scenario;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  unwedge::core::Result<Scenario> parsed = parse_scenario(text, "fuzz.yaml");
  if (!parsed) {
    const std::string& message = parsed.error().message;
    UNWEDGE_ASSERT_MSG(message.starts_with("fuzz.yaml:"), "unlocated refusal: {}", message);
    return 0;
  }
  const std::string yaml = unwedge::sim::to_yaml(*parsed);
  unwedge::core::Result<Scenario> again = parse_scenario(yaml, "fuzz.yaml");
  UNWEDGE_ASSERT_MSG(again.ok(), "to_yaml wrote what parse_scenario refuses: {}\n{}",
                     again.ok() ? "" : again.error().message, yaml);
  UNWEDGE_ASSERT_MSG(*again == *parsed, "read back differently:\n{}", yaml);
  return 0;
}
