#include "core/nearest_name.hpp"

#include <algorithm>
#include <cctype>

#include "core/assert.hpp"

namespace unwedge::core {
namespace {

// Names longer than this are not compared: a suggestion is for a typo in a
// name a person wrote, and the bound keeps the quadratic distance cheap.
constexpr std::size_t kLengthMax = 128;

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

}  // namespace

// Optimal string alignment distance, case ignored.
std::size_t typo_distance(std::string_view a, std::string_view b) {
  UNWEDGE_ASSERT_LE(a.size(), kLengthMax);
  UNWEDGE_ASSERT_LE(b.size(), kLengthMax);
  const std::size_t width = b.size() + 1;
  std::vector<std::size_t> d((a.size() + 1) * width);
  auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * width + j]; };
  for (std::size_t i = 0; i <= a.size(); ++i)
    at(i, 0) = i;
  for (std::size_t j = 0; j <= b.size(); ++j)
    at(0, j) = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1])) {
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
      }
    }
  }
  return at(a.size(), b.size());
}

namespace {

template <class Name>
std::optional<std::string_view> nearest(std::string_view name, std::span<const Name> declared) {
  if (name.empty() || name.size() > kLengthMax) return std::nullopt;
  const std::size_t close_max = std::max<std::size_t>(1, name.size() / 3);
  std::optional<std::string_view> best;
  std::size_t best_distance = close_max + 1;
  for (const Name& declared_name : declared) {
    const std::string_view candidate = declared_name;
    if (candidate.empty() || candidate.size() > kLengthMax) continue;
    const std::size_t distance = typo_distance(name, candidate);
    // Strictly closer only: among equals the first declared wins. A name
    // all of whose letters must change is no near miss.
    if (distance < best_distance && distance < candidate.size()) {
      best = candidate;
      best_distance = distance;
    }
  }
  UNWEDGE_ASSERT(!best || best_distance <= close_max);
  return best;
}

}  // namespace

std::optional<std::string_view> nearest_name(std::string_view name,
                                             std::span<const std::string_view> declared) {
  return nearest(name, declared);
}

std::optional<std::string_view> nearest_name(std::string_view name,
                                             std::span<const std::string> declared) {
  return nearest(name, declared);
}

}  // namespace unwedge::core
