#include "reports/strict_json.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "core/assert.hpp"
#include "core/nearest_name.hpp"

namespace unwedge::reports {

std::string kind_of(const In& j) {
  switch (j.type()) {
    case In::value_t::null:
      return "null";
    case In::value_t::object:
      return "an object";
    case In::value_t::array:
      return "a list";
    case In::value_t::string:
      return "a string";
    case In::value_t::boolean:
      return "true or false";
    case In::value_t::number_integer:
    case In::value_t::number_unsigned:
      return "an integer";
    case In::value_t::number_float:
      return "a fraction";
    default:
      return "something else";
  }
}

void wrong(const In& j, const std::string& path, const char* expected) {
  throw ReadError{path, fmt::format("expected {}, found {}", expected, kind_of(j))};
}

void read(const In& j, const std::string& path, std::uint64_t& out) {
  if (!j.is_number_unsigned()) wrong(j, path, "a whole number >= 0");
  out = j.get<std::uint64_t>();
}

void read(const In& j, const std::string& path, std::int64_t& out) {
  if (j.is_number_unsigned() &&
      j.get<std::uint64_t>() <=
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    out = static_cast<std::int64_t>(j.get<std::uint64_t>());
    return;
  }
  if (!j.is_number_integer() || j.is_number_unsigned()) wrong(j, path, "a whole number");
  out = j.get<std::int64_t>();
}

void read(const In& j, const std::string& path, std::uint32_t& out) {
  std::uint64_t wide = 0;
  read(j, path, wide);
  if (wide > std::numeric_limits<std::uint32_t>::max()) wrong(j, path, "a number below 2^32");
  out = static_cast<std::uint32_t>(wide);
}

void read(const In& j, const std::string& path, int& out) {
  std::int64_t wide = 0;
  read(j, path, wide);
  if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max()) {
    wrong(j, path, "a number that fits 32 bits");
  }
  out = static_cast<int>(wide);
}

void read(const In& j, const std::string& path, bool& out) {
  if (!j.is_boolean()) wrong(j, path, "true or false");
  out = j.get<bool>();
}

void read(const In& j, const std::string& path, double& out) {
  if (!j.is_number()) wrong(j, path, "a number");
  out = j.get<double>();
}

void read(const In& j, const std::string& path, std::string& out) {
  if (!j.is_string()) wrong(j, path, "a string");
  out = j.get<std::string>();
}

void read_hex64(const In& j, const std::string& path, std::uint64_t& out) {
  std::string text;
  read(j, path, text);
  const bool hex = text.size() == 16 && std::all_of(text.begin(), text.end(), [](char c) {
                     return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                   });
  if (!hex) throw ReadError{path, fmt::format("expected 16 hex digits, found \"{}\"", text)};
  out = std::stoull(text, nullptr, 16);
}

Object::Object(const In& j, std::string path) : j_(j), path_(std::move(path)) {
  if (!j_.is_object()) wrong(j_, where(), "an object");
}

std::string Object::path(const char* key) const {
  return path_.empty() ? key : path_ + "." + key;
}

const In& Object::at(const char* key) {
  used_.push_back(key);
  auto it = j_.find(key);
  if (it != j_.end()) return *it;
  // A key present under a near-miss name is the likelier story; only a
  // slip or two, so a sibling key ("first_seed" for "first_item") is not
  // taken for one.
  const std::string_view wanted = key;
  const std::size_t slips_max = std::max<std::size_t>(1, wanted.size() / 6);
  for (auto other = j_.begin(); other != j_.end(); ++other) {
    const std::string& name = other.key();
    if (name != wanted && name.size() <= 128 && wanted.size() <= 128 &&
        core::typo_distance(name, wanted) <= slips_max) {
      throw ReadError{where(), fmt::format("the key \"{}\" is missing; is \"{}\" a misspelling "
                                           "of it?",
                                           key, name)};
    }
  }
  throw ReadError{where(), fmt::format("the key \"{}\" is missing", key)};
}

const In* Object::find(const char* key) {
  used_.push_back(key);
  auto it = j_.find(key);
  return it == j_.end() ? nullptr : &*it;
}

void Object::done() const {
  for (auto it = j_.begin(); it != j_.end(); ++it) {
    if (std::find(used_.begin(), used_.end(), it.key()) != used_.end()) continue;
    const std::optional<std::string_view> near = core::nearest_name(it.key(), used_);
    throw ReadError{
        where(), fmt::format("unknown key \"{}\"{}", it.key(),
                             near ? fmt::format("; did you mean \"{}\"?", *near) : std::string())};
  }
}

namespace {

// Deeper than any record nests (report.json: about eight levels); the
// parser's tree costs memory per level, so a hostile file is stopped here.
constexpr int kDepthMax = 32;

// A parser's message quotes what it last read, which may be a whole
// megabyte-long token: enough of it to see where.
std::string clipped(std::string_view text) {
  constexpr std::size_t kShownMax = 240;
  if (text.size() <= kShownMax) return std::string(text);
  return fmt::format("{}...", text.substr(0, kShownMax));
}

// Follows the parser through the text to refuse a key written twice in one
// object, which the parser would take as its last value: a record names
// each key once, so a repeated one is a damaged or hand-edited file whose
// first value would be lost without a word. It keeps the path to where the
// parser is ("coverage.machines[2]") for the message.
class DuplicateKeys {
 public:
  void on(In::parse_event_t event, const In& parsed) {
    switch (event) {
      case In::parse_event_t::object_start:
        open_.push_back(Level{.object = true, .keys = {}, .key = {}, .index = 0});
        break;
      case In::parse_event_t::array_start:
        open_.push_back(Level{.object = false, .keys = {}, .key = {}, .index = 0});
        break;
      case In::parse_event_t::key: {
        UNWEDGE_ASSERT(!open_.empty() && open_.back().object);
        Level& level = open_.back();
        level.key = parsed.get<std::string>();
        if (!level.keys.insert(level.key).second) {
          throw ReadError{path(), fmt::format("the key \"{}\" is written twice in one object; a "
                                              "record names each key once",
                                              level.key)};
        }
        break;
      }
      case In::parse_event_t::object_end:
      case In::parse_event_t::array_end:
        UNWEDGE_ASSERT(!open_.empty());
        open_.pop_back();
        element_done();
        break;
      case In::parse_event_t::value:
        element_done();
        break;
    }
  }

 private:
  struct Level {
    bool object;
    std::set<std::string, std::less<>> keys;  // an object's keys so far
    std::string key;                          // an object's key being read
    std::size_t index;                        // a list's element being read
  };

  void element_done() {
    if (!open_.empty() && !open_.back().object) open_.back().index++;
  }

  // Where the last key read sits, as ReadError paths are written.
  std::string path() const {
    std::string out;
    for (const Level& level : open_) {
      if (level.object) {
        if (&level == &open_.back()) break;
        out += out.empty() ? level.key : "." + level.key;
      } else {
        out += fmt::format("[{}]", level.index);
      }
    }
    return out.empty() ? "the top level" : out;
  }

  std::vector<Level> open_;
};

}  // namespace

core::Status parse_strict(std::string_view text, std::string_view what, std::string_view fix,
                          const std::function<void(const In&)>& body) {
  In j;
  DuplicateKeys duplicates;
  try {
    j = In::parse(
        text.begin(), text.end(), [&duplicates](int depth, In::parse_event_t event, In& parsed) {
          if (depth > kDepthMax) {
            throw ReadError{"the top level", fmt::format("nested deeper than {} levels; no record "
                                                         "nests so deep",
                                                         kDepthMax)};
          }
          duplicates.on(event, parsed);
          return true;
        });
  } catch (const ReadError& e) {
    return core::Error{fmt::format("{}: {}: {}; {}", what, e.path, e.what, fix)};
  } catch (const In::parse_error& e) {
    // The parser reads one past the last byte when the text ends too soon.
    const bool truncated = e.byte > text.size();
    return core::Error{
        fmt::format("{}: {} at byte {} ({}); {}", what,
                    truncated ? "the JSON ends too early: it is truncated" : "not valid JSON",
                    e.byte, clipped(e.what()), fix)};
  } catch (const std::exception& e) {
    return core::Error{fmt::format("{}: not valid JSON ({}); {}", what, clipped(e.what()), fix)};
  }
  try {
    body(j);
  } catch (const ReadError& e) {
    return core::Error{fmt::format("{}: {}: {}; {}", what, e.path, e.what, fix)};
  } catch (const std::exception& e) {
    return core::Error{fmt::format("{}: unreadable ({}); {}", what, e.what(), fix)};
  }
  return core::Status::Ok();
}

}  // namespace unwedge::reports
