#include "core/assert.hpp"

#include <cstdio>
#include <cstdlib>

namespace unwedge::core {
namespace {

[[noreturn]] void aborting_assertion_handler(const std::string& message) {
  std::fprintf(stderr, "%s\n", message.c_str());
  std::fflush(stderr);
  std::abort();
}

// The one piece of process-wide state in core: the policy for a broken
// contract belongs to the process (production aborts, simulation records a
// finding), not to any one object.
AssertionHandler g_handler = &aborting_assertion_handler;

}  // namespace

AssertionHandler set_assertion_handler(AssertionHandler handler) {
  AssertionHandler previous = g_handler;
  g_handler = handler != nullptr ? handler : &aborting_assertion_handler;
  return previous;
}

void throwing_assertion_handler(const std::string& message) {
  throw AssertionFailure(message);
}

void assertion_failed(const std::string& message) {
  g_handler(message);
  aborting_assertion_handler(message);
}

}  // namespace unwedge::core
