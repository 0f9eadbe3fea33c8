// report_json_fuzzer: searches for text on which parse_report crashes,
// hangs or blows memory, or gives an answer it cannot stand behind: a
// refusal that does not name the file, or an accepted report that does not
// survive to_json() and a second read unchanged.
//
// The input is a shard's report.json as it is, bytes and all; the seeds are
// a real nightly report and a report of nothing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/assert.hpp"
#include "reports/report_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using unwedge::reports::parse_report;
  using unwedge::reports::Report;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  unwedge::core::Result<Report> parsed = parse_report(text, "fuzz/report.json");
  if (!parsed) {
    const std::string& message = parsed.error().message;
    UNWEDGE_ASSERT_MSG(message.starts_with("fuzz/report.json: "), "unnamed refusal: {}", message);
    return 0;
  }
  const std::string json = unwedge::reports::to_json(*parsed);
  unwedge::core::Result<Report> again = parse_report(json, "fuzz/report.json");
  UNWEDGE_ASSERT_MSG(again.ok(), "to_json wrote what parse_report refuses: {}\n{}",
                     again.ok() ? "" : again.error().message, json);
  UNWEDGE_ASSERT_MSG(*again == *parsed, "read back differently:\n{}", json);
  return 0;
}
