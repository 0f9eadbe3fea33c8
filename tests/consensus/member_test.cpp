// Members driven by hand, message by message, for orderings the driver's
// random network reaches only rarely. Each test names the message that
// once broke a guarantee.
#include "worlds/consensus/member.hpp"

#include <deque>

#include <gtest/gtest.h>

namespace unwedge::consensus {
namespace {

using core::kMillisecond;
using core::kSecond;

// Three members on a network the test controls: messages wait in `wire`
// until delivered, and a member can be cut off.
class HandDriven {
 public:
  HandDriven() {
    for (MemberId id = 0; id < 3; ++id)
      members_.emplace_back(id, Options{.members = 3}, id + 1);
    for (MemberId id = 0; id < 3; ++id) {
      Output out;
      members_[id].start(now_us_, out);
      collect(id, out);
    }
  }

  Member& operator[](MemberId id) { return members_[id]; }

  // Delivers what is on the wire, and what that causes, except to or from
  // a member cut off (dropped). Bounded: the exchanges here settle in a few
  // hundred messages.
  void settle() {
    for (int delivered = 0; delivered < 10'000 && !wire_.empty(); ++delivered) {
      auto [from, envelope] = std::move(wire_.front());
      wire_.pop_front();
      if (from == cut_ || envelope.to == cut_) continue;
      Output out;
      members_[envelope.to].on_message(from, envelope.message, now_us_, out);
      collect(envelope.to, out);
    }
    ASSERT_TRUE(wire_.empty());
  }
  void elect(MemberId id) {
    now_us_ += 10 * kSecond;  // past any election timeout
    Output out;
    members_[id].on_timer(now_us_, out);
    collect(id, out);
    settle();
    ASSERT_EQ(members_[id].role(), Role::kLeader);
  }
  // Reads through `id`; returns the answers to that read, given at once or
  // after settling.
  std::vector<Reply> read(MemberId id, const std::string& key) {
    Request request = get_request(key);
    request.client = 1;
    request.sequence = ++sequence_;
    Output out;
    members_[id].on_client_request(request, now_us_, out);
    collect(id, out);
    settle();
    std::vector<Reply> answers;
    for (Reply& reply : std::exchange(replies_, {})) {
      if (reply.client == request.client && reply.sequence == request.sequence) {
        answers.push_back(std::move(reply));
      }
    }
    return answers;
  }
  void cut(MemberId id) { cut_ = id; }
  // Delivers `message` from `from` to `to` now, and the answer back, links
  // or not (it was on the wire before any cut).
  void deliver(MemberId from, MemberId to, const Message& message) {
    Output out;
    members_[to].on_message(from, message, now_us_, out);
    for (Envelope& envelope : out.messages) {
      if (envelope.to != from) continue;
      Output back;
      members_[from].on_message(to, envelope.message, now_us_, back);
      collect(from, back);
    }
  }

 private:
  void collect(MemberId from, Output& out) {
    for (Envelope& envelope : out.messages)
      wire_.emplace_back(from, std::move(envelope));
    for (Reply& reply : out.replies)
      replies_.push_back(std::move(reply));
    out.clear();
  }

  std::vector<Member> members_;
  std::deque<std::pair<MemberId, Envelope>> wire_;
  std::vector<Reply> replies_;
  TimeUs now_us_ = 0;
  Sequence sequence_ = 0;
  std::optional<MemberId> cut_;
};

TEST(ConsensusMember, ALateAnswerToAnOldLeadershipConfirmsNoReadOfANewOne) {
  HandDriven store;
  store.elect(0);
  // Member 0 leads term 1 and confirms a few reads: its rounds climb.
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(store.read(0, "k").size(), 1u);
  Request write = put_request("k", "v");
  write.client = 2;
  write.sequence = 1;
  Output out;
  store[0].on_client_request(write, 10 * kSecond, out);
  ASSERT_FALSE(out.messages.empty());
  // One heartbeat of term 1, carrying round 5, is delayed on the wire.
  const Message late = std::get<AppendRequest>(out.messages.front().message);
  const MemberId peer = out.messages.front().to;
  out.clear();

  // Member 0 loses the lead and wins it back in a later term, rounds anew.
  store.elect(1);
  store.elect(0);
  const Term term = store[0].term();
  ASSERT_LT(1u, term);

  // The late heartbeat reaches its peer, which refuses it in the current
  // term, and the refusal comes back. Then member 0 is cut off: it can no
  // longer confirm a read.
  store.deliver(0, peer, late);
  EXPECT_EQ(store[0].role(), Role::kLeader);
  EXPECT_EQ(store[0].term(), term);
  store.cut(0);
  EXPECT_TRUE(store.read(0, "k").empty()) << "a read confirmed by an answer to term 1";
}

}  // namespace
}  // namespace unwedge::consensus
