#include "core/probe.hpp"

#include <tuple>

namespace unwedge::core {

ProbeSite::ProbeSite(const char* name, const char* file, int line)
    : name_(name), file_(file), line_(line) {
  ProbeRegistry::instance().add(*this);
}

ProbeRegistry& ProbeRegistry::instance() {
  // Constructed on first use, so probe sites registering during static
  // initialization never see it unconstructed.
  static ProbeRegistry registry;
  return registry;
}

void ProbeRegistry::add(ProbeSite& site) {
  site.next_ = head_;
  head_ = &site;
}

void ProbeRegistry::reset() {
  for (ProbeSite* site = head_; site != nullptr; site = site->next_)
    site->reset();
}

std::vector<ProbeCount> ProbeRegistry::counts() const {
  std::vector<ProbeCount> result;
  for (const ProbeSite* site = head_; site != nullptr; site = site->next()) {
    result.push_back(ProbeCount{site->name(), site->file(), site->line(), site->hits()});
  }
  std::sort(result.begin(), result.end(), [](const ProbeCount& a, const ProbeCount& b) {
    return std::tie(a.name, a.file, a.line) < std::tie(b.name, b.file, b.line);
  });
  return result;
}

}  // namespace unwedge::core
