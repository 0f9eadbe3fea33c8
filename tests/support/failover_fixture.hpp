// A world for the action runtime's tests: service db1 led by db1-a, with
// standby db1-b, over an in-memory Store, a fake fleet API, a manual clock
// and a journal that records what it is told; `failover_` is the small
// failover of test_failover.hpp.
//
//   class SchedulerTest : public testing::FailoverFixture {};
#pragma once

#include <gtest/gtest.h>

#include "core/environment.hpp"
#include "core/in_memory_store.hpp"
#include "tests/support/fake_infra.hpp"
#include "tests/support/fake_telemetry.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/test_failover.hpp"

namespace unwedge::testing {

class FailoverFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto txn = store_.begin();
    txn->put(TestService{.id = "db1", .leader = "db1-a"});
    txn->put(TestServer{.id = "db1-a", .service = "db1", .lsn = 90});
    txn->put(TestServer{.id = "db1-b", .service = "db1", .lsn = 88});
    ASSERT_TRUE(txn->commit().ok());
  }

  core::InMemoryStore store_;
  FakeInfra infra_;
  ManualClock clock_{1'000};
  FakeTelemetry telemetry_;
  RecordingJournal log_;
  core::Environment env_{
      .store = store_, .infra = infra_, .clock = clock_, .telemetry = telemetry_, .journal = &log_};
  core::ActionDef failover_ = test_failover();
};

}  // namespace unwedge::testing
