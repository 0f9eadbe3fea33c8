// Small entities the framework tests store: a service and its servers.
#pragma once

#include <cstdint>
#include <fmt/format.h>
#include <string>
#include <string_view>

namespace unwedge::testing {

struct TestService {
  static constexpr std::string_view kKind = "service";
  std::string id;
  std::string leader;
  std::uint32_t generation = 0;
  friend bool operator==(const TestService&, const TestService&) = default;
};

inline std::string describe(const TestService& s) {
  return fmt::format("service {} leader={} generation={}", s.id, s.leader, s.generation);
}

struct TestServer {
  static constexpr std::string_view kKind = "server";
  std::string id;
  std::string service;
  std::uint64_t lsn = 0;
  bool fenced = false;
  friend bool operator==(const TestServer&, const TestServer&) = default;
};

}  // namespace unwedge::testing
