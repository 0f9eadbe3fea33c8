// docs/LEASE_PLANE.md is generated from the lease plane's model by the same
// generator as docs/CONTROL_PLANE.md; this keeps the committed copy in step.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "planes/lease/model.hpp"
#include "reports/control_plane_markdown.hpp"

namespace unwedge::lease {
namespace {

TEST(LeasePlaneDocumentation, CommittedCopyMatchesTheModel) {
  std::ifstream file(std::string(UNWEDGE_SOURCE_DIR) + "/docs/LEASE_PLANE.md");
  ASSERT_TRUE(file) << "docs/LEASE_PLANE.md is missing; run scripts/render-docs.sh";
  std::stringstream committed;
  committed << file.rdbuf();
  const core::ControlPlaneModel& m = model();
  const std::string generated =
      reports::control_plane_markdown(m, core::check_control_plane(m), "lease_plane");
  EXPECT_TRUE(committed.str() == generated)
      << "docs/LEASE_PLANE.md is out of date with the model; run scripts/render-docs.sh";
}

}  // namespace
}  // namespace unwedge::lease
