// Always-on assertions for internal contracts.
//
// Assertions stay enabled in release builds: they are documentation that runs.
// A failed assertion calls the installed handler. Production keeps the default
// handler, which prints the failure and aborts; the simulator installs one
// that throws AssertionFailure so a broken contract inside a simulated run
// becomes a finding with a reproducer instead of the end of a campaign.
//
//   UNWEDGE_ASSERT(step < steps.size());
//   UNWEDGE_ASSERT_EQ(committed_position, expected_position);  // prints both sides
#pragma once

#include <fmt/format.h>
#include <stdexcept>
#include <string>

namespace unwedge::core {

struct AssertionFailure : std::logic_error {
  using std::logic_error::logic_error;
};

using AssertionHandler = void (*)(const std::string& message);

// Replaces the handler and returns the previous one. [[noreturn]] is not
// enforced on handlers: one that returns leads to an abort.
AssertionHandler set_assertion_handler(AssertionHandler handler);

// Handler for simulation and tests: throws AssertionFailure(message).
void throwing_assertion_handler(const std::string& message);

// Installs throwing_assertion_handler for its lifetime, so a broken contract
// in a simulated run becomes a finding instead of an abort.
class ThrowingAssertions {
 public:
  ThrowingAssertions() : previous_(set_assertion_handler(throwing_assertion_handler)) {}
  ~ThrowingAssertions() { set_assertion_handler(previous_); }
  ThrowingAssertions(const ThrowingAssertions&) = delete;
  ThrowingAssertions& operator=(const ThrowingAssertions&) = delete;

 private:
  AssertionHandler previous_;
};

[[noreturn]] void assertion_failed(const std::string& message);

}  // namespace unwedge::core

#define UNWEDGE_ASSERT(condition)                                                          \
  do {                                                                                     \
    if (!(condition)) [[unlikely]] {                                                       \
      ::unwedge::core::assertion_failed(                                                   \
          ::fmt::format("assertion failed: {} at {}:{}", #condition, __FILE__, __LINE__)); \
    }                                                                                      \
  } while (false)

#define UNWEDGE_ASSERT_MSG(condition, ...)                                                    \
  do {                                                                                        \
    if (!(condition)) [[unlikely]] {                                                          \
      ::unwedge::core::assertion_failed(::fmt::format("assertion failed: {} ({}) at {}:{}",   \
                                                      #condition, ::fmt::format(__VA_ARGS__), \
                                                      __FILE__, __LINE__));                   \
    }                                                                                         \
  } while (false)

#define UNWEDGE_ASSERT_OP(left, op, right)                                                        \
  do {                                                                                            \
    /* Copies, not references: an operand may refer into a temporary. */                          \
    const auto unwedge_left_ = (left);                                                            \
    const auto unwedge_right_ = (right);                                                          \
    if (!(unwedge_left_ op unwedge_right_)) [[unlikely]] {                                        \
      ::unwedge::core::assertion_failed(                                                          \
          ::fmt::format("assertion failed: {} {} {} (got {} vs {}) at {}:{}", #left, #op, #right, \
                        unwedge_left_, unwedge_right_, __FILE__, __LINE__));                      \
    }                                                                                             \
  } while (false)

#define UNWEDGE_ASSERT_EQ(left, right) UNWEDGE_ASSERT_OP(left, ==, right)
#define UNWEDGE_ASSERT_LT(left, right) UNWEDGE_ASSERT_OP(left, <, right)
#define UNWEDGE_ASSERT_LE(left, right) UNWEDGE_ASSERT_OP(left, <=, right)
