#include "sim/timeline.hpp"

#include <fmt/format.h>

namespace unwedge::sim {
namespace {

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// `name` appears in `text` not as part of a longer name: "db1" is in
// "db1-2" and "{db1}" but not in "db12".
bool names(std::string_view text, std::string_view name) {
  for (std::size_t at = text.find(name); at != std::string_view::npos;
       at = text.find(name, at + 1)) {
    const bool starts = at == 0 || !is_word_char(text[at - 1]);
    const std::size_t end = at + name.size();
    const bool ends = end == text.size() || !is_word_char(text[end]);
    if (starts && ends) return true;
  }
  return false;
}

}  // namespace

bool shown(const TraceRecord& record, const TimelineFilter& filter) {
  if (record.at_us < filter.from_us) return false;
  if (filter.to_us && record.at_us > *filter.to_us) return false;
  if (filter.hidden.contains(record.kind)) return false;
  if (filter.entity.empty()) return true;
  return names(record.entity, filter.entity) || names(record.detail, filter.entity);
}

std::string clock_time(core::TimeUs at_us) {
  const core::TimeUs ms = at_us / 1000;
  return fmt::format("{}:{:02}:{:02}.{:03}", ms / 3'600'000, ms / 60'000 % 60, ms / 1000 % 60,
                     ms % 1000);
}

std::string timeline_line(const TraceRecord& record) {
  return fmt::format("{:>13}  {:<10}  {:<14} {}", clock_time(record.at_us), to_string(record.kind),
                     record.entity, record.detail);
}

void TimelineWriter::write(const TraceRecord& record) {
  if (!shown(record, filter_)) return;
  const std::string line = timeline_line(record) + "\n";
  std::fwrite(line.data(), 1, line.size(), out_);
  ++lines_;
}

}  // namespace unwedge::sim
