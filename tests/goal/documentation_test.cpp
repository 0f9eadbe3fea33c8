// docs/GOAL_PLANE.md is generated from the goal plane's model by the same
// generator as docs/CONTROL_PLANE.md; this keeps the committed copy in step.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "planes/goal/model.hpp"
#include "reports/control_plane_markdown.hpp"

namespace unwedge::goal {
namespace {

TEST(GoalPlaneDocumentation, CommittedCopyMatchesTheModel) {
  std::ifstream file(std::string(UNWEDGE_SOURCE_DIR) + "/docs/GOAL_PLANE.md");
  ASSERT_TRUE(file) << "docs/GOAL_PLANE.md is missing; run scripts/render-docs.sh";
  std::stringstream committed;
  committed << file.rdbuf();
  const core::ControlPlaneModel& m = model();
  const std::string generated =
      reports::control_plane_markdown(m, core::check_control_plane(m), "goal_plane");
  EXPECT_TRUE(committed.str() == generated)
      << "docs/GOAL_PLANE.md is out of date with the model; run scripts/render-docs.sh";
}

}  // namespace
}  // namespace unwedge::goal
