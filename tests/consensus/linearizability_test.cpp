// The linearizability checker on hand-written histories of one or two keys:
// what it must accept, what it must reject and what it says when it does.
// Times are in milliseconds; revisions are the store's.
#include "worlds/consensus/linearizability.hpp"

#include <gtest/gtest.h>

namespace unwedge::consensus {
namespace {

using core::kMillisecond;

class HistoryBuilder {
 public:
  HistoryBuilder& put(ClientId client, const std::string& key, const std::string& value,
                      TimeUs invoke_ms, TimeUs complete_ms, Revision revision) {
    return done(client, put_request(key, value), invoke_ms, complete_ms,
                Reply{.succeeded = true, .revision = revision});
  }
  HistoryBuilder& get(ClientId client, const std::string& key, TimeUs invoke_ms, TimeUs complete_ms,
                      const std::string& value, Revision revision) {
    return done(client, get_request(key), invoke_ms, complete_ms,
                Reply{.succeeded = true, .value = value, .revision = revision});
  }
  HistoryBuilder& get_absent(ClientId client, const std::string& key, TimeUs invoke_ms,
                             TimeUs complete_ms) {
    return done(client, get_request(key), invoke_ms, complete_ms, Reply{.succeeded = false});
  }
  HistoryBuilder& cas(ClientId client, const std::string& key, Revision expected,
                      const std::string& value, TimeUs invoke_ms, TimeUs complete_ms,
                      Reply result) {
    return done(client, compare_and_set_request(key, expected, value), invoke_ms, complete_ms,
                std::move(result));
  }
  HistoryBuilder& unknown(ClientId client, Request request, TimeUs invoke_ms) {
    request.client = client;
    request.sequence = ++sequence_;
    history_.operations.push_back(
        HistoryOp{.request = std::move(request), .invoke_us = invoke_ms * kMillisecond});
    return *this;
  }
  HistoryBuilder& done(ClientId client, Request request, TimeUs invoke_ms, TimeUs complete_ms,
                       Reply result) {
    request.client = client;
    request.sequence = ++sequence_;
    result.client = client;
    result.sequence = request.sequence;
    history_.operations.push_back(HistoryOp{.request = std::move(request),
                                            .invoke_us = invoke_ms * kMillisecond,
                                            .complete_us = complete_ms * kMillisecond,
                                            .result = std::move(result)});
    return *this;
  }
  HistoryBuilder& expiry(const std::string& key, Revision revision, TimeUs proposed_ms,
                         TimeUs applied_ms) {
    history_.expirations.push_back(HistoryExpiry{.key = key,
                                                 .revision = revision,
                                                 .proposed_us = proposed_ms * kMillisecond,
                                                 .applied_us = applied_ms * kMillisecond});
    return *this;
  }
  const History& history() const { return history_; }

 private:
  History history_;
  Sequence sequence_ = 0;
};

Reply succeeded(Revision revision) {
  return Reply{.succeeded = true, .revision = revision};
}
Reply failed(const std::string& current, Revision revision) {
  return Reply{.succeeded = false, .value = current, .revision = revision};
}

Verdict verdict_of(const HistoryBuilder& builder) {
  return check_linearizability(builder.history()).verdict;
}

TEST(Linearizability, EmptyHistoryIsLinearizable) {
  const CheckResult result = check_linearizability(History{});
  EXPECT_EQ(result.verdict, Verdict::kLinearizable);
  EXPECT_TRUE(result.keys.empty());
}

TEST(Linearizability, SequentialWritesAndReadsPass) {
  HistoryBuilder h;
  h.put(1, "k", "a", 0, 10, 1).get(2, "k", 20, 30, "a", 1).put(1, "k", "b", 40, 50, 2);
  h.get(2, "k", 60, 70, "b", 2).get_absent(2, "other", 60, 70);
  EXPECT_EQ(verdict_of(h), Verdict::kLinearizable);
}

TEST(Linearizability, AConcurrentReadMaySeeEitherValue) {
  HistoryBuilder old_value;
  old_value.put(1, "k", "a", 0, 10, 1).put(1, "k", "b", 20, 40, 2).get(2, "k", 25, 30, "a", 1);
  EXPECT_EQ(verdict_of(old_value), Verdict::kLinearizable);
  HistoryBuilder new_value;
  new_value.put(1, "k", "a", 0, 10, 1).put(1, "k", "b", 20, 40, 2).get(2, "k", 25, 30, "b", 2);
  EXPECT_EQ(verdict_of(new_value), Verdict::kLinearizable);
}

TEST(Linearizability, AStaleReadIsCaughtAndExplained) {
  HistoryBuilder h;
  h.put(1, "k", "a", 0, 10, 1).put(1, "k", "b", 20, 30, 2).get(2, "k", 40, 50, "a", 1);
  const CheckResult result = check_linearizability(h.history());
  ASSERT_EQ(result.verdict, Verdict::kViolation);
  // Which key, which operation, what it observed and what was possible.
  EXPECT_NE(result.explanation.find("key \"k\""), std::string::npos) << result.explanation;
  EXPECT_NE(result.explanation.find("#2 client 2 seq 3: get(k) [0.040000s, 0.050000s] -> ok: a "
                                    "at revision 1"),
            std::string::npos)
      << result.explanation;
  EXPECT_NE(result.explanation.find("\"b\" at revision 2"), std::string::npos)
      << result.explanation;
  EXPECT_NE(result.explanation.find("put(k, b)"), std::string::npos) << result.explanation;
}

TEST(Linearizability, ReadsNeverGoBackInTime) {
  HistoryBuilder h;
  h.put(1, "k", "a", 0, 10, 1).put(1, "k", "b", 20, 100, 2);
  h.get(2, "k", 30, 40, "b", 2).get(3, "k", 50, 60, "a", 1);  // b seen, then a again
  EXPECT_EQ(verdict_of(h), Verdict::kViolation);
}

TEST(Linearizability, ALostCompareAndSetIsCaught) {
  HistoryBuilder h;
  h.cas(1, "leader", 0, "n1", 0, 10, succeeded(1)).get_absent(2, "leader", 20, 30);
  EXPECT_EQ(verdict_of(h), Verdict::kViolation);
}

TEST(Linearizability, TwoCompareAndSetsFromOneRevisionCannotBothSucceed) {
  HistoryBuilder h;
  h.cas(1, "leader", 0, "n1", 0, 10, succeeded(1));
  h.cas(2, "leader", 1, "n2", 20, 40, succeeded(2));
  h.cas(3, "leader", 1, "n3", 20, 40, succeeded(3));
  const CheckResult result = check_linearizability(h.history());
  EXPECT_EQ(result.verdict, Verdict::kViolation);
  EXPECT_NE(result.explanation.find("compare_and_set(leader, expected revision 1, n"),
            std::string::npos)
      << result.explanation;

  HistoryBuilder one_wins;
  one_wins.cas(1, "leader", 0, "n1", 0, 10, succeeded(1));
  one_wins.cas(2, "leader", 1, "n2", 20, 40, succeeded(2));
  one_wins.cas(3, "leader", 1, "n3", 20, 40, failed("n2", 2));
  EXPECT_EQ(verdict_of(one_wins), Verdict::kLinearizable);
}

TEST(Linearizability, AFailedCompareMustReportWhatTheKeyHolds) {
  HistoryBuilder absent_key_cannot_fail_a_create;
  absent_key_cannot_fail_a_create.cas(1, "k", 0, "x", 0, 10, failed("", 0));
  EXPECT_EQ(verdict_of(absent_key_cannot_fail_a_create), Verdict::kViolation);

  HistoryBuilder wrong_current;
  wrong_current.put(1, "k", "a", 0, 10, 1).cas(2, "k", 7, "x", 20, 30, failed("zzz", 1));
  EXPECT_EQ(verdict_of(wrong_current), Verdict::kViolation);

  HistoryBuilder right_current;
  right_current.put(1, "k", "a", 0, 10, 1).cas(2, "k", 7, "x", 20, 30, failed("a", 1));
  EXPECT_EQ(verdict_of(right_current), Verdict::kLinearizable);
}

TEST(Linearizability, RemovalsAndCompareAndRemove) {
  HistoryBuilder h;
  h.put(1, "k", "a", 0, 10, 1);
  h.done(2, compare_and_remove_request("k", 9), 20, 30, failed("a", 1));
  h.done(2, compare_and_remove_request("k", 1), 40, 50, succeeded(2));
  h.done(1, remove_request("k"), 60, 70, Reply{.succeeded = false});
  h.get_absent(2, "k", 80, 90);
  EXPECT_EQ(verdict_of(h), Verdict::kLinearizable);

  HistoryBuilder removed_twice;
  removed_twice.put(1, "k", "a", 0, 10, 1);
  removed_twice.done(1, remove_request("k"), 20, 30, succeeded(2));
  removed_twice.done(2, remove_request("k"), 40, 50, succeeded(3));
  EXPECT_EQ(verdict_of(removed_twice), Verdict::kViolation);
}

TEST(Linearizability, RevisionsGrowAndAreNeverShared) {
  HistoryBuilder going_back;
  going_back.put(1, "k", "a", 0, 10, 5).put(1, "k", "b", 20, 30, 3);
  EXPECT_EQ(verdict_of(going_back), Verdict::kViolation);

  HistoryBuilder shared;
  shared.put(1, "k", "a", 0, 10, 1).put(2, "j", "b", 0, 10, 1);
  const CheckResult result = check_linearizability(shared.history());
  EXPECT_EQ(result.verdict, Verdict::kViolation);
  EXPECT_NE(result.explanation.find("revision 1 was reported for two changes"), std::string::npos)
      << result.explanation;
}

TEST(Linearizability, AReadOfAnExpiredKeyIsCaught) {
  HistoryBuilder h;
  h.done(1, put_request("lease", "n1", 1000 * kMillisecond), 0, 10, succeeded(1));
  h.expiry("lease", 1, 1000, 1010);
  h.get(2, "lease", 2000, 2010, "n1", 1);
  const CheckResult result = check_linearizability(h.history());
  ASSERT_EQ(result.verdict, Verdict::kViolation);
  EXPECT_NE(result.explanation.find("expiry of lease at revision 1"), std::string::npos)
      << result.explanation;

  HistoryBuilder read_during_expiry;  // the expiry may land after the read
  read_during_expiry.done(1, put_request("lease", "n1", 1000 * kMillisecond), 0, 10, succeeded(1));
  read_during_expiry.expiry("lease", 1, 1000, 1010).get(2, "lease", 1000, 1005, "n1", 1);
  read_during_expiry.get_absent(2, "lease", 1020, 1030);
  EXPECT_EQ(verdict_of(read_during_expiry), Verdict::kLinearizable);
}

TEST(Linearizability, AnExpiryMustFindItsRevision) {
  // The key was rewritten at revision 2 before the expiry of revision 1
  // was proposed: the store must not have removed it.
  HistoryBuilder h;
  h.done(1, put_request("lease", "n1", 1000 * kMillisecond), 0, 10, succeeded(1));
  h.done(1, put_request("lease", "n1", 1000 * kMillisecond), 500, 510, succeeded(2));
  h.expiry("lease", 1, 1000, 1010);
  EXPECT_EQ(verdict_of(h), Verdict::kViolation);
}

TEST(Linearizability, AnIndeterminateWriteMayOrMayNotHaveApplied) {
  HistoryBuilder applied;
  applied.put(1, "k", "a", 0, 10, 1).unknown(1, put_request("k", "b"), 20);
  applied.get(2, "k", 30, 40, "b", 2);
  EXPECT_EQ(verdict_of(applied), Verdict::kLinearizable);

  HistoryBuilder not_applied;
  not_applied.put(1, "k", "a", 0, 10, 1).unknown(1, put_request("k", "b"), 20);
  not_applied.get(2, "k", 30, 40, "a", 1);
  EXPECT_EQ(verdict_of(not_applied), Verdict::kLinearizable);

  HistoryBuilder applied_late;  // long after the client gave up
  applied_late.put(1, "k", "a", 0, 10, 1).unknown(1, put_request("k", "b"), 20);
  applied_late.get(2, "k", 30, 40, "a", 1).get(2, "k", 5000, 5010, "b", 7);
  EXPECT_EQ(verdict_of(applied_late), Verdict::kLinearizable);

  HistoryBuilder undone;  // once seen, it cannot be unseen
  undone.put(1, "k", "a", 0, 10, 1).unknown(1, put_request("k", "b"), 20);
  undone.get(2, "k", 30, 40, "b", 2).get(2, "k", 50, 60, "a", 1);
  EXPECT_EQ(verdict_of(undone), Verdict::kViolation);
}

TEST(Linearizability, AnIndeterminateWriteCannotApplyBeforeItWasInvoked) {
  HistoryBuilder h;
  h.get(2, "k", 0, 10, "b", 1).unknown(1, put_request("k", "b"), 20);
  EXPECT_EQ(verdict_of(h), Verdict::kViolation);
}

TEST(Linearizability, AnIndeterminateCompareAndSetAppliesOnlyIfItsConditionHeld) {
  HistoryBuilder h;
  h.put(1, "k", "a", 0, 10, 1).put(1, "k", "b", 20, 30, 2);
  h.unknown(2, compare_and_set_request("k", 1, "c"), 40);  // expects a revision long gone
  h.get(3, "k", 50, 60, "c", 3);
  EXPECT_EQ(verdict_of(h), Verdict::kViolation);
}

TEST(Linearizability, PastItsBoundTheCheckerSaysSoAndNeverPasses) {
  HistoryBuilder h;
  for (int i = 0; i < 12; ++i)
    h.unknown(static_cast<ClientId>(i), put_request("k", "v"), 0);
  h.get(99, "k", 100, 110, "nothing written this", 50);
  const CheckResult result =
      check_linearizability(h.history(), CheckLimits{.states_per_key_max = 50});
  EXPECT_EQ(result.verdict, Verdict::kTooLarge);
  EXPECT_NE(result.explanation.find("not checked: too large"), std::string::npos)
      << result.explanation;
  // With room, the same history is found to be wrong.
  EXPECT_EQ(check_linearizability(h.history()).verdict, Verdict::kViolation);

  const CheckResult too_many =
      check_linearizability(h.history(), CheckLimits{.operations_per_key_max = 5});
  EXPECT_EQ(too_many.verdict, Verdict::kTooLarge);
}

// A long history of one key falls into windows at its quiescent points
// (nothing of it pending); what follows makes sure the search still sees
// across them.

// A write then a read of it, every 10 ms from `start_ms`: `rounds` windows
// of one key. Round i writes "v<i>" at revision `first_revision` + i.
HistoryBuilder& sequential_rounds(HistoryBuilder& h, const std::string& key, int rounds,
                                  TimeUs start_ms, Revision first_revision) {
  for (int i = 0; i < rounds; ++i) {
    const TimeUs at_ms = start_ms + 10 * i;
    const Revision revision = first_revision + static_cast<Revision>(i);
    const std::string value = "v" + std::to_string(i);
    h.put(1, key, value, at_ms, at_ms + 3, revision)
        .get(2, key, at_ms + 5, at_ms + 8, value, revision);
  }
  return h;
}

TEST(Linearizability, AViolationInALaterWindowIsCaught) {
  HistoryBuilder h;
  sequential_rounds(h, "k", 300, 0, 1000);
  // Round 299 wrote v299; a read after it sees v150 again.
  h.get(3, "k", 3000, 3005, "v150", 1150);
  sequential_rounds(h, "k", 50, 3010, 2000);
  const CheckResult result = check_linearizability(h.history());
  ASSERT_EQ(result.verdict, Verdict::kViolation) << result.explanation;
  EXPECT_NE(result.explanation.find("get(k) [3.000000s, 3.005000s] -> ok: v150"), std::string::npos)
      << result.explanation;
  EXPECT_NE(result.explanation.find("\"v299\" at revision 1299"), std::string::npos)
      << result.explanation;
  EXPECT_NE(result.explanation.find("place at most 600 of its 701"), std::string::npos)
      << result.explanation;
}

TEST(Linearizability, AWindowOfConcurrentOperationsIsSearchedInFull) {
  // Windows before and after; in the middle, two reads overlapping a write
  // see it in an order no single instant explains.
  HistoryBuilder h;
  sequential_rounds(h, "k", 100, 0, 1000);
  h.put(1, "k", "x", 1000, 1050, 5000);
  h.get(2, "k", 1005, 1010, "x", 5000).get(3, "k", 1020, 1030, "v99", 1099);
  sequential_rounds(h, "k", 100, 1100, 6000);
  EXPECT_EQ(verdict_of(h), Verdict::kViolation);

  // The same reads, the other way round, are fine.
  HistoryBuilder fine;
  sequential_rounds(fine, "k", 100, 0, 1000);
  fine.put(1, "k", "x", 1000, 1050, 5000);
  fine.get(2, "k", 1005, 1010, "v99", 1099).get(3, "k", 1020, 1030, "x", 5000);
  sequential_rounds(fine, "k", 100, 1100, 6000);
  EXPECT_EQ(verdict_of(fine), Verdict::kLinearizable);
}

TEST(Linearizability, AnOperationOfUnknownOutcomeStaysOpenAcrossWindows) {
  // A write nobody heard back from may apply in any later window, once.
  HistoryBuilder late;
  late.put(1, "k", "a", 0, 3, 1).unknown(4, put_request("k", "lost"), 5);
  sequential_rounds(late, "k", 200, 100, 1000);
  late.get(3, "k", 5000, 5005, "lost", 9000).get(3, "k", 5010, 5015, "lost", 9000);
  EXPECT_EQ(verdict_of(late), Verdict::kLinearizable);

  HistoryBuilder twice;  // seen, then gone, then seen again: it applied once
  twice.put(1, "k", "a", 0, 3, 1).unknown(4, put_request("k", "lost"), 5);
  sequential_rounds(twice, "k", 100, 100, 1000);
  twice.get(3, "k", 2000, 2005, "lost", 9000);
  sequential_rounds(twice, "k", 100, 2100, 10000);
  twice.get(3, "k", 4000, 4005, "lost", 20000);
  EXPECT_EQ(verdict_of(twice), Verdict::kViolation);

  // A compare against a revision the key has passed can never apply.
  HistoryBuilder stale;
  stale.put(1, "k", "a", 0, 3, 1).unknown(4, compare_and_set_request("k", 1, "late"), 5);
  sequential_rounds(stale, "k", 100, 100, 1000);
  stale.get(3, "k", 2000, 2005, "late", 9000);
  EXPECT_EQ(verdict_of(stale), Verdict::kViolation);
}

TEST(Linearizability, TheBoundCoversEveryWindowOfAKey) {
  // Each window is small; together they pass the bound, and the key is
  // reported not checked, never passed.
  HistoryBuilder h;
  sequential_rounds(h, "k", 200, 0, 1000);
  sequential_rounds(h, "other", 3, 0, 5000);
  const CheckResult result =
      check_linearizability(h.history(), CheckLimits{.states_per_key_max = 100});
  EXPECT_EQ(result.verdict, Verdict::kTooLarge);
  ASSERT_EQ(result.keys.size(), 2u);
  EXPECT_EQ(result.keys[0].verdict, Verdict::kTooLarge);
  EXPECT_EQ(result.keys[1].verdict, Verdict::kLinearizable);
  EXPECT_NE(result.explanation.find("key \"k\": not checked: too large"), std::string::npos)
      << result.explanation;
  // With room, the same history passes.
  EXPECT_EQ(check_linearizability(h.history()).verdict, Verdict::kLinearizable);
}

TEST(Linearizability, ALongSequentialHistoryCostsAboutOneStatePerOperation) {
  HistoryBuilder h;
  // 20,000 operations: each step of the search looks at its window only.
  sequential_rounds(h, "k", 10'000, 0, 1000);
  const CheckResult result =
      check_linearizability(h.history(), CheckLimits{.operations_per_key_max = 20'000});
  ASSERT_EQ(result.verdict, Verdict::kLinearizable) << result.explanation;
  EXPECT_LE(result.states, 20'000u);
}

TEST(Linearizability, KeysAreCheckedApart) {
  HistoryBuilder h;
  h.put(1, "a", "x", 0, 10, 1).put(1, "b", "y", 0, 10, 2).get(2, "a", 20, 30, "x", 1);
  h.get_absent(2, "b", 40, 50);  // wrong for b only
  const CheckResult result = check_linearizability(h.history());
  ASSERT_EQ(result.verdict, Verdict::kViolation);
  ASSERT_EQ(result.keys.size(), 2u);
  EXPECT_EQ(result.keys[0].verdict, Verdict::kLinearizable);
  EXPECT_EQ(result.keys[1].verdict, Verdict::kViolation);
  EXPECT_NE(result.explanation.find("key \"b\""), std::string::npos) << result.explanation;
}

}  // namespace
}  // namespace unwedge::consensus
