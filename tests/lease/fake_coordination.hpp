// FakeCoordination: a consensus store for the lease plane's tests, answering
// at once or after a set number of asks, expiring keys by a clock the test
// controls, and cut off on demand.
//
//   FakeCoordination store(clock);
//   store.answer_after_asks = 1;     // every request pends once
//   store.reachable = false;         // every new ask fails, as with no quorum
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/coordination.hpp"

namespace unwedge::lease::testing {

class FakeCoordination final : public core::Coordination {
 public:
  explicit FakeCoordination(const core::Clock& clock) : clock_(clock) {}

  core::KvAnswer ask(std::string_view request_key, const core::KvRequest& request) override;

  // Asks of a key before it is answered (0: at once).
  std::uint32_t answer_after_asks = 0;
  // False: every new ask fails, and every pending one fails when asked again.
  bool reachable = true;
  // Throws after carrying out the n-th request it applies (0: never): a
  // crash of the asking step after the store acted.
  std::uint32_t throw_after_apply = 0;

  struct Entry {
    std::string value;
    std::uint64_t revision = 0;
    core::TimeUs written_us = 0;
    core::TimeUs ttl_us = 0;
    friend bool operator==(const Entry&, const Entry&) = default;
  };
  // The keys as they stand now (expired ones removed).
  const std::map<std::string, Entry, std::less<>>& keys();
  std::optional<std::string> value(std::string_view key);
  std::uint32_t applied() const { return applied_; }

 private:
  struct Asked {
    core::KvRequest request;
    std::uint32_t asks = 0;
    std::optional<core::KvAnswer> answer;
  };
  void expire();
  core::KvAnswer apply(const core::KvRequest& request);

  const core::Clock& clock_;
  std::uint64_t revision_ = 0;
  std::uint32_t applied_ = 0;
  std::map<std::string, Entry, std::less<>> keys_;
  std::map<std::string, Asked, std::less<>> asked_;
};

}  // namespace unwedge::lease::testing
