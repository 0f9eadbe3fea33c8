// docs/CONTROL_PLANE.md is generated from the model; this keeps the committed
// copy in step with the code.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "planes/postgres/model.hpp"
#include "reports/control_plane_markdown.hpp"

namespace unwedge::postgres {
namespace {

TEST(ControlPlaneDocumentation, CommittedCopyMatchesTheModel) {
  std::ifstream file(std::string(UNWEDGE_SOURCE_DIR) + "/docs/CONTROL_PLANE.md");
  ASSERT_TRUE(file) << "docs/CONTROL_PLANE.md is missing; run scripts/render-docs.sh";
  std::stringstream committed;
  committed << file.rdbuf();
  const core::ControlPlaneModel& m = model();
  std::string generated =
      reports::control_plane_markdown(m, core::check_control_plane(m), "control_plane");
  EXPECT_TRUE(committed.str() == generated)
      << "docs/CONTROL_PLANE.md is out of date with the model; run scripts/render-docs.sh";
}

TEST(ControlPlaneDocumentation, DurationsReadAsAPersonWritesThem) {
  EXPECT_EQ(reports::describe_duration(std::nullopt), "unbounded");
  EXPECT_EQ(reports::describe_duration(30 * core::kMinute), "30 min");
  EXPECT_EQ(reports::describe_duration(48 * core::kHour), "48 h");
  EXPECT_EQ(reports::describe_duration(90 * core::kSecond), "90 s");
  EXPECT_EQ(reports::describe_duration(250 * core::kMillisecond), "250 ms");
  EXPECT_EQ(reports::describe_duration(7), "7 us");
}

}  // namespace
}  // namespace unwedge::postgres
