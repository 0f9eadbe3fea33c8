#include "reports/timeline_svg.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <iterator>

#include "core/assert.hpp"
#include "reports/markup_escape.hpp"
#include "reports/readable_units.hpp"
#include "reports/state_palette.hpp"

namespace unwedge::reports {
namespace {

using Out = std::back_insert_iterator<std::string>;

// Pixels. The chart is drawn at a fixed width and scaled by the page.
constexpr double kLabelWidth = 190;
constexpr double kChartWidth = 840;
constexpr double kRightMargin = 20;
constexpr double kMarkHeight = 18;  // room for the violation's marker
constexpr double kLaneHeight = 20;
constexpr double kLaneGap = 4;
constexpr double kFaultRowHeight = 14;
constexpr double kAxisHeight = 26;
constexpr double kLegendHeight = 22;
constexpr double kCharWidth = 6.2;  // an 11 px sans-serif character, roughly
// Overlapping faults stack in rows; past this many they share the last row.
constexpr std::size_t kFaultRowsMax = 6;

struct Scale {
  core::TimeUs end_us = 1;
  double x(core::TimeUs at_us) const {
    const core::TimeUs clamped = std::clamp<core::TimeUs>(at_us, 0, end_us);
    return kLabelWidth + kChartWidth * static_cast<double>(clamped) / static_cast<double>(end_us);
  }
};

// The chart ends at the run's end, or at the last thing drawn when a
// timeline was cut short before its end was known.
core::TimeUs chart_end_us(const RunTimeline& timeline) {
  core::TimeUs end_us = timeline.end_us;
  for (const TimelineLane& lane : timeline.lanes) {
    for (const TimelineSpan& span : lane.spans)
      end_us = std::max(end_us, span.to_us);
  }
  for (const TimelineSpan& fault : timeline.faults)
    end_us = std::max(end_us, fault.to_us);
  if (timeline.violation_at_us) end_us = std::max(end_us, *timeline.violation_at_us);
  return std::max<core::TimeUs>(end_us, 1);
}

// Greedy interval packing in the given order: each fault goes to the first
// row free at its start. Deterministic, and faults rarely overlap much.
std::vector<std::size_t> fault_rows(const std::vector<TimelineSpan>& faults) {
  std::vector<std::size_t> rows;
  std::vector<core::TimeUs> row_end_us;
  for (const TimelineSpan& fault : faults) {
    std::size_t row = 0;
    while (row < row_end_us.size() && row_end_us[row] > fault.from_us)
      ++row;
    if (row == kFaultRowsMax) row = kFaultRowsMax - 1;
    if (row == row_end_us.size()) row_end_us.push_back(fault.to_us);
    row_end_us[row] = std::max(row_end_us[row], fault.to_us);
    rows.push_back(row);
  }
  return rows;
}

std::string span_title(std::string_view owner, const TimelineSpan& span) {
  return fmt::format("{}{}{}, {} to {} ({})", owner, owner.empty() ? "" : ": ", span.label,
                     clock_time(span.from_us), clock_time(span.to_us),
                     readable_duration(span.to_us - span.from_us));
}

// A span's label is written inside it only when it fits.
void span_rect(Out out, const Scale& scale, const TimelineSpan& span, double y, double height,
               std::string_view fill, std::string_view title) {
  const double x0 = scale.x(span.from_us);
  const double width = std::max(scale.x(span.to_us) - x0, 1.0);
  fmt::format_to(out,
                 "<g><title>{}</title><rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                 "height=\"{:.1f}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"0.5\"/>",
                 markup_text(title), x0, y, width, height, fill);
  const std::string label = valid_xml_chars(span.label);
  if (static_cast<double>(label.size()) * kCharWidth + 6 < width) {
    fmt::format_to(out, "<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>", x0 + 3, y + height - 5,
                   markup_text(label));
  }
  fmt::format_to(out, "</g>\n");
}

// Ticks at the first round step giving at most ten of them.
core::TimeUs tick_step_us(core::TimeUs end_us) {
  using namespace core;
  static constexpr std::array<TimeUs, 27> kSteps = {kMillisecond,
                                                    2 * kMillisecond,
                                                    5 * kMillisecond,
                                                    10 * kMillisecond,
                                                    20 * kMillisecond,
                                                    50 * kMillisecond,
                                                    100 * kMillisecond,
                                                    200 * kMillisecond,
                                                    500 * kMillisecond,
                                                    kSecond,
                                                    2 * kSecond,
                                                    5 * kSecond,
                                                    10 * kSecond,
                                                    15 * kSecond,
                                                    30 * kSecond,
                                                    kMinute,
                                                    2 * kMinute,
                                                    5 * kMinute,
                                                    10 * kMinute,
                                                    15 * kMinute,
                                                    30 * kMinute,
                                                    kHour,
                                                    2 * kHour,
                                                    3 * kHour,
                                                    6 * kHour,
                                                    12 * kHour,
                                                    kDay};
  for (TimeUs step : kSteps) {
    if (end_us / step <= 10) return step;
  }
  return (end_us / 10 / kDay + 1) * kDay;
}

void axis(Out out, const Scale& scale, double y) {
  fmt::format_to(out,
                 "<g class=\"axis\"><line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" "
                 "stroke=\"#616161\"/>\n",
                 kLabelWidth, y, kLabelWidth + kChartWidth, y);
  const core::TimeUs step_us = tick_step_us(scale.end_us);
  UNWEDGE_ASSERT(step_us > 0);
  for (core::TimeUs t = 0; t <= scale.end_us; t += step_us) {
    const double x = scale.x(t);
    fmt::format_to(out,
                   "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" "
                   "stroke=\"#616161\"/><text x=\"{:.1f}\" y=\"{:.1f}\" "
                   "text-anchor=\"middle\" fill=\"#424242\">{}</text>\n",
                   x, y, x, y + 4, x, y + 16, t == 0 ? "0" : readable_duration(t));
  }
  fmt::format_to(out, "</g>\n");
}

void legend(Out out, double y) {
  struct Entry {
    std::string_view name;
    std::string_view fill;
  };
  const std::array<Entry, 5> entries = {{{"healthy", state_fill(true, true)},
                                         {"stable", state_fill(false, true)},
                                         {"transient", state_fill(true, false)},
                                         {"unstable", state_fill(false, false)},
                                         {"fault", kFaultFill}}};
  double x = kLabelWidth;
  fmt::format_to(out, "<g class=\"legend\">");
  for (const Entry& e : entries) {
    fmt::format_to(out,
                   "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"12\" height=\"12\" fill=\"{}\"/>"
                   "<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>",
                   x, y, e.fill, x + 16, y + 10, e.name);
    x += 90;
  }
  fmt::format_to(out,
                 "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" "
                 "stroke-width=\"2\"/><text x=\"{:.1f}\" y=\"{:.1f}\">violation</text></g>\n",
                 x + 6, y, x + 6, y + 12, kViolationColour, x + 12, y + 10);
}

}  // namespace

std::string timeline_svg(const RunTimeline& timeline) {
  const Scale scale{chart_end_us(timeline)};
  const std::vector<std::size_t> rows = fault_rows(timeline.faults);
  const std::size_t row_count = rows.empty() ? 1 : *std::max_element(rows.begin(), rows.end()) + 1;
  const double faults_y = kMarkHeight;
  const double lanes_y = faults_y + static_cast<double>(row_count) * kFaultRowHeight + kLaneGap;
  const double axis_y =
      lanes_y + static_cast<double>(timeline.lanes.size()) * (kLaneHeight + kLaneGap);
  const double width = kLabelWidth + kChartWidth + kRightMargin;
  const double height = axis_y + kAxisHeight + kLegendHeight;

  std::string svg;
  Out out(svg);
  fmt::format_to(out,
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"{:.0f}\" "
                 "height=\"{:.0f}\" viewBox=\"0 0 {:.0f} {:.0f}\" "
                 "font-family=\"Helvetica,Arial,sans-serif\" font-size=\"11\" role=\"img\" "
                 "aria-label=\"timeline of the run\">\n",
                 width, height, width, height);
  fmt::format_to(out, "<text x=\"4\" y=\"{:.1f}\" font-weight=\"bold\">faults</text>\n",
                 faults_y + kFaultRowHeight - 3);
  for (std::size_t i = 0; i < timeline.faults.size(); ++i) {
    const TimelineSpan& fault = timeline.faults[i];
    span_rect(out, scale, fault, faults_y + static_cast<double>(rows[i]) * kFaultRowHeight,
              kFaultRowHeight - 1, kFaultFill, span_title("fault", fault));
  }
  for (std::size_t i = 0; i < timeline.lanes.size(); ++i) {
    const TimelineLane& lane = timeline.lanes[i];
    const double y = lanes_y + static_cast<double>(i) * (kLaneHeight + kLaneGap);
    const bool violated =
        !timeline.violation_entity.empty() && lane.entity == timeline.violation_entity;
    fmt::format_to(
        out, "<text x=\"4\" y=\"{:.1f}\"{}>{} <tspan fill=\"#757575\">{}</tspan></text>\n",
        y + kLaneHeight - 6,
        violated ? fmt::format(" font-weight=\"bold\" fill=\"{}\"", kViolationColour) : "",
        markup_text(lane.entity), markup_text(lane.machine));
    for (const TimelineSpan& span : lane.spans) {
      span_rect(out, scale, span, y, kLaneHeight, state_fill(span.healthy, span.stable),
                span_title(lane.entity, span));
    }
  }
  axis(out, scale, axis_y);
  if (timeline.violation_at_us) {
    const double x = scale.x(*timeline.violation_at_us);
    fmt::format_to(out,
                   "<g class=\"violation\"><title>violation at {}{}{}</title>"
                   "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" "
                   "stroke-width=\"2\"/><path d=\"M{:.1f},2 L{:.1f},2 L{:.1f},{:.1f} Z\" "
                   "fill=\"{}\"/></g>\n",
                   clock_time(*timeline.violation_at_us),
                   timeline.violation_entity.empty() ? "" : " on ",
                   markup_text(timeline.violation_entity), x, kMarkHeight - 6, x, axis_y,
                   kViolationColour, x - 6, x + 6, x, kMarkHeight - 4, kViolationColour);
  }
  legend(out, axis_y + kAxisHeight);
  fmt::format_to(out, "</svg>\n");
  return svg;
}

}  // namespace unwedge::reports
