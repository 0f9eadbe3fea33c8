#include "core/disruption.hpp"

#include <array>
#include <fmt/format.h>

namespace unwedge::core {
namespace {

constexpr std::array<const char*, kDisruptionKinds> kNames = {"failover", "restart", "replacement",
                                                              "fencing", "demotion"};

}  // namespace

const char* to_string(DisruptionKind kind) {
  return kNames[static_cast<std::size_t>(kind)];
}

std::optional<DisruptionKind> find_disruption_kind(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (name == kNames[i]) return static_cast<DisruptionKind>(i);
  }
  return std::nullopt;
}

std::string describe(const DisruptionEvidence& evidence) {
  if (evidence.vantages.empty()) return "no vantage point";
  std::string out;
  for (const VantageSeen& seen : evidence.vantages) {
    if (!out.empty()) out += ", ";
    if (seen.silent_us) {
      out += fmt::format("{} silent {:.1f} s", seen.vantage,
                         static_cast<double>(*seen.silent_us) / kSecond);
    } else {
      out +=
          fmt::format("{} never heard it", seen.vantage.empty() ? "a vantage point" : seen.vantage);
    }
    if (seen.counted_against) out += " (counted)";
  }
  return out;
}

}  // namespace unwedge::core
