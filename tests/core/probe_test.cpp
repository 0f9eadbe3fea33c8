#include "core/probe.hpp"

#include <algorithm>

#include <gtest/gtest.h>

namespace unwedge::core {
namespace {

int classify(int lag_bytes) {
  if (lag_bytes > 1000) {
    UNWEDGE_PROBE("probe_test.lagging");
    return 1;
  }
  if (lag_bytes < 0) {
    UNWEDGE_PROBE("probe_test.never_hit");
    return -1;
  }
  UNWEDGE_PROBE("probe_test.caught_up");
  return 0;
}

std::optional<ProbeCount> find(const std::vector<ProbeCount>& counts, std::string_view name) {
  auto it = std::find_if(counts.begin(), counts.end(),
                         [&](const ProbeCount& c) { return c.name == name; });
  if (it == counts.end()) return std::nullopt;
  return *it;
}

TEST(Probe, CountsHitsAndListsProbesNeverHit) {
  ProbeRegistry::instance().reset();
  classify(5000);
  classify(5000);
  classify(10);
  std::vector<ProbeCount> counts = ProbeRegistry::instance().counts();
  ASSERT_TRUE(find(counts, "probe_test.lagging"));
  EXPECT_EQ(find(counts, "probe_test.lagging")->hits, 2u);
  EXPECT_EQ(find(counts, "probe_test.caught_up")->hits, 1u);
  // Registered before main even though its branch never ran.
  ASSERT_TRUE(find(counts, "probe_test.never_hit"));
  EXPECT_EQ(find(counts, "probe_test.never_hit")->hits, 0u);
  EXPECT_NE(find(counts, "probe_test.never_hit")->file.find("probe_test.cpp"), std::string::npos);
  EXPECT_GT(find(counts, "probe_test.never_hit")->line, 0);
}

TEST(Probe, ResetClearsCountsAndOrderIsByName) {
  classify(5000);
  ProbeRegistry::instance().reset();
  std::vector<ProbeCount> counts = ProbeRegistry::instance().counts();
  EXPECT_TRUE(
      std::all_of(counts.begin(), counts.end(), [](const ProbeCount& c) { return c.hits == 0; }));
  EXPECT_TRUE(
      std::is_sorted(counts.begin(), counts.end(),
                     [](const ProbeCount& a, const ProbeCount& b) { return a.name < b.name; }));
}

}  // namespace
}  // namespace unwedge::core
