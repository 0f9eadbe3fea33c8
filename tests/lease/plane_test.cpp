// The lease plane through the seam: one service by id, as the simulator asks
// it on every client request, is what the list of all says.
#include "planes/lease/plane.hpp"

#include <gtest/gtest.h>

#include "core/in_memory_store.hpp"

namespace unwedge::lease {
namespace {

TEST(LeasePlane, OneServiceByIdIsWhatTheListOfAllSays) {
  core::Result<Settings> settings = parse_settings({});
  ASSERT_TRUE(settings.ok());
  const LeasePlane plane(*settings);
  core::InMemoryStore store;
  {
    std::unique_ptr<core::Transaction> txn = store.begin();
    plane.order_service(*txn, {.id = "db1", .standbys = 1}, 0);
    plane.order_service(*txn, {.id = "db2", .standbys = 2, .synchronous = false}, 0);
    ASSERT_TRUE(txn->commit());
  }
  std::unique_ptr<core::Transaction> txn = store.begin();
  const std::vector<seam::ServiceView> all = plane.services(*txn);
  ASSERT_EQ(all.size(), 2u);
  for (const seam::ServiceView& listed : all) {
    std::optional<seam::ServiceView> one = plane.service(*txn, listed.id);
    ASSERT_TRUE(one.has_value()) << listed.id;
    EXPECT_EQ(one->id, listed.id);
    EXPECT_EQ(one->state, listed.state);
    EXPECT_EQ(one->ending, listed.ending);
    EXPECT_EQ(one->leader, listed.leader);
  }
  EXPECT_FALSE(plane.service(*txn, "db3").has_value());
}

}  // namespace
}  // namespace unwedge::lease
