#include "sim/scenario_yaml.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <map>
#include <new>
#include <set>
#include <span>
#include <sstream>
#include <system_error>
#include <utility>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "core/assert.hpp"
#include "core/disruption.hpp"
#include "core/input_file.hpp"
#include "core/model_lookup.hpp"
#include "core/nearest_name.hpp"
#include "core/value_text.hpp"
#include "seam/registry.hpp"
#include "seam/settings_reader.hpp"
#include "sim/plane.hpp"

namespace unwedge::sim {
namespace {

using core::kDay;
using core::kHour;
using core::kMillisecond;
using core::kMinute;
using core::kSecond;
using core::TimeUs;

constexpr TimeUs kYear = 365 * kDay;
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kPpmMax = 1'000'000;
// More values than any scenario needs; a bound on memory, not a style rule.
constexpr std::size_t kNodesMax = 100'000;
// Services in all, counting each entry's `count`: a fleet of a hundred
// thousand fits (docs/PERFORMANCE.md measures one). As many entries: a
// shrunk fleet is written as runs of alike services, and a fleet with every
// tenth service dropped is many runs.
constexpr std::int64_t kFleetServicesMax = 100'000;
constexpr std::size_t kServicesMax = kFleetServicesMax;  // entries of fleet.services
constexpr std::size_t kZonesMax = 26;
constexpr std::size_t kTargetsMax = 64;
constexpr std::size_t kTimelineMax = 10'000;

// ---------------------------------------------------------------------------
// The first mistake ends the read: it is thrown as a Failure from wherever it
// is found and becomes the one message parse_scenario returns.

struct Failure {
  YAML::Mark mark;
  std::string path;  // "timeline[2].fault"; empty for the text as a whole
  std::string what;
};

[[noreturn]] void fail(const YAML::Mark& mark, std::string path, std::string what) {
  throw Failure{mark, std::move(path), std::move(what)};
}

YAML::Mark mark_at(int line, int column) {
  YAML::Mark mark;
  mark.line = line;
  mark.column = column;
  return mark;
}

std::string render(std::string_view source, const Failure& failure) {
  const int line = failure.mark.line < 0 ? 1 : failure.mark.line + 1;
  const int column = failure.mark.column < 0 ? 1 : failure.mark.column + 1;
  return fmt::format("{}:{}:{}: {}{}", source, line, column,
                     failure.path.empty() ? "" : failure.path + ": ", failure.what);
}

// ` did you mean "x"?` when one known word is close (core/nearest_name.hpp),
// else nothing.
std::string suggestion(std::string_view word, const std::vector<std::string_view>& known) {
  const std::optional<std::string_view> near = core::nearest_name(word, known);
  return near ? fmt::format(" did you mean \"{}\"?", *near) : std::string();
}

// ---------------------------------------------------------------------------
// The text before yaml-cpp reads it: size, encoding, control bytes.

// Length of the UTF-8 sequence at `at` and its code point; 0 when invalid
// (truncated, overlong, a surrogate, beyond U+10FFFF).
std::size_t utf8_at(std::string_view text, std::size_t at, char32_t& code) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  char32_t low = 0;
  if (lead < 0x80) {
    code = lead;
    return 1;
  }
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, code = lead & 0x1F, low = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, code = lead & 0x0F, low = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, code = lead & 0x07, low = 0x10000;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i) & 0x3F);
  }
  if (code < low || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

// YAML's printable set: tab, line breaks, and no other control character.
bool printable(char32_t code) {
  if (code == '\t' || code == '\n' || code == '\r') return true;
  if (code < 0x20 || code == 0x7F) return false;
  if (code >= 0x80 && code <= 0x9F) return code == 0x85;
  return code != 0xFFFE && code != 0xFFFF;
}

void check_text(std::string_view text) {
  if (text.size() > kScenarioBytesMax) {
    fail(mark_at(0, 0), "",
         fmt::format("the file is {} bytes; scenario files are at most {} bytes (1 MiB)",
                     text.size(), kScenarioBytesMax));
  }
  int line = 0;
  int column = 0;
  for (std::size_t at = 0; at < text.size();) {
    char32_t code = 0;
    const std::size_t length = utf8_at(text, at, code);
    if (length == 0) {
      fail(mark_at(line, column), "",
           fmt::format("byte 0x{:02x} is not UTF-8; a scenario file is UTF-8 text",
                       static_cast<unsigned char>(text[at])));
    }
    if (!printable(code)) {
      fail(mark_at(line, column), "",
           code == 0 ? std::string("a NUL byte: this is binary data, not a YAML scenario")
                     : fmt::format("control character U+{:04X}; a scenario file is text "
                                   "(tabs and line breaks only)",
                                   static_cast<std::uint32_t>(code)));
    }
    if (code == '\n') {
      ++line;
      column = 0;
    } else {
      ++column;
    }
    at += length;
  }
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    fail(mark_at(0, 0), "",
         "the file is empty; a scenario needs at least name, description, duration and "
         "fleet (see docs/SCENARIOS.md)");
  }
}

// ---------------------------------------------------------------------------
// The document as a tree of our own, built from yaml-cpp's events: anchors,
// aliases and tags are refused as they come, and depth and size are bounded
// before yaml-cpp's recursive parser descends any further.

struct Node {
  enum class Kind : std::uint8_t { kNull, kScalar, kSequence, kMap };
  Kind kind = Kind::kNull;
  YAML::Mark mark;
  std::string text;         // kScalar
  std::vector<Node> items;  // kSequence
  // kMap, in document order: keys[i] maps to values[i]. (Two vectors, not
  // one of pairs: a pair needs Node complete, a vector does not.)
  std::vector<Node> keys;
  std::vector<Node> values;
};

class TreeBuilder final : public YAML::EventHandler {
 public:
  std::optional<Node> root;
  std::optional<YAML::Mark> document;

  void OnDocumentStart(const YAML::Mark& mark) override { document = mark; }
  void OnDocumentEnd() override {}
  void OnAnchor(const YAML::Mark& mark, const std::string& name) override {
    fail(mark, "",
         fmt::format("anchors (&{}) and aliases are not supported; write each value out", name));
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    fail(mark, "", "aliases (*name) and anchors are not supported; write each value out");
  }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    refuse(mark, "?", anchor);
    add(Node{.kind = Node::Kind::kNull, .mark = mark});
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    refuse(mark, tag, anchor);
    add(Node{.kind = Node::Kind::kScalar, .mark = mark, .text = value});
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, Node::Kind::kSequence);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, Node::Kind::kMap);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    Node node;
    std::optional<Node> key;  // a map's key waiting for its value
    // A map's keys so far, with their lines: a wide map is checked for
    // duplicates in n log n, not n^2.
    std::map<std::string, int, std::less<>> seen;
  };

  void refuse(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) {
      fail(mark, "", "anchors (&name) and aliases are not supported; write each value out");
    }
    // yaml-cpp tags plain values "?" and quoted ones "!"; anything else was
    // written by hand.
    if (!tag.empty() && tag != "?" && tag != "!") {
      fail(mark, "", fmt::format("tags ({}) are not supported; write the value alone", tag));
    }
    if (++nodes_ > kNodesMax) {
      fail(mark, "", fmt::format("more than {} values; a scenario is far smaller", kNodesMax));
    }
  }
  void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
            Node::Kind kind) {
    refuse(mark, tag, anchor);
    if (stack_.size() >= kScenarioDepthMax) {
      fail(mark, "",
           fmt::format("lists and maps nested deeper than {} levels; a scenario needs four",
                       kScenarioDepthMax));
    }
    stack_.push_back(Open{.node = Node{.kind = kind, .mark = mark}});
  }
  void close() {
    UNWEDGE_ASSERT(!stack_.empty());
    Open done = std::move(stack_.back());
    stack_.pop_back();
    UNWEDGE_ASSERT(!done.key.has_value());
    add(std::move(done.node));
  }
  void add(Node node) {
    if (stack_.empty()) {
      root = std::move(node);
      return;
    }
    Open& parent = stack_.back();
    if (parent.node.kind == Node::Kind::kSequence) {
      parent.node.items.push_back(std::move(node));
    } else if (!parent.key) {
      if (node.kind != Node::Kind::kScalar) {
        fail(node.mark, "", "a key must be a plain word, not a list, a map or nothing");
      }
      const auto [first, fresh] = parent.seen.emplace(node.text, node.mark.line + 1);
      if (!fresh) {
        fail(node.mark, "",
             fmt::format("duplicate key {} (first at line {}); each key appears once",
                         core::quoted(node.text), first->second));
      }
      parent.key = std::move(node);
    } else {
      parent.node.keys.push_back(std::move(*parent.key));
      parent.node.values.push_back(std::move(node));
      parent.key.reset();
    }
  }

  std::vector<Open> stack_;
  std::size_t nodes_ = 0;
};

Node read_tree(std::string_view text) {
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  TreeBuilder builder;
  try {
    if (!parser.HandleNextDocument(builder) || !builder.root) {
      fail(mark_at(0, 0), "",
           "no YAML document, only comments; a scenario needs at least name, description, "
           "duration and fleet (see docs/SCENARIOS.md)");
    }
    TreeBuilder next;
    if (parser.HandleNextDocument(next)) {
      fail(next.document.value_or(mark_at(0, 0)), "",
           "a second YAML document; a scenario file holds one (remove the second ---)");
    }
  } catch (const YAML::Exception& e) {
    fail(e.mark, "", fmt::format("not valid YAML: {}", e.msg));
  }
  return std::move(*builder.root);
}

// ---------------------------------------------------------------------------
// Values.

std::string got(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kNull:
      return "nothing";
    case Node::Kind::kScalar:
      return core::quoted(node.text);
    case Node::Kind::kSequence:
      return "a list";
    case Node::Kind::kMap:
      return "a map";
  }
  return "?";
}

const std::string& text(const Node& node, const std::string& path, std::string_view expected) {
  if (node.kind != Node::Kind::kScalar) {
    fail(node.mark, path, fmt::format("expected {}, got {}", expected, got(node)));
  }
  return node.text;
}

const std::vector<Node>& list(const Node& node, const std::string& path, std::size_t low,
                              std::size_t high, std::string_view of) {
  if (node.kind != Node::Kind::kSequence) {
    fail(node.mark, path, fmt::format("expected a list of {}, got {}", of, got(node)));
  }
  if (node.items.size() < low || node.items.size() > high) {
    fail(node.mark, path,
         fmt::format("{} entries; allowed: {} to {} {}", node.items.size(), low, high, of));
  }
  return node.items;
}

std::int64_t integer(const Node& node, const std::string& path, std::int64_t low,
                     std::int64_t high) {
  const std::string& s = text(node, path, fmt::format("a whole number from {} to {}", low, high));
  core::Result<std::int64_t> value = core::parse_whole_number(s, low, high);
  if (!value) fail(node.mark, path, value.error().message);
  return *value;
}

template <class T>
void read_integer(const Node* node, const std::string& path, std::int64_t low, std::int64_t high,
                  T& out) {
  if (node != nullptr) out = static_cast<T>(integer(*node, path, low, high));
}

TimeUs duration(const Node& node, const std::string& path, TimeUs low, TimeUs high) {
  const std::string& s = text(node, path, "a duration such as 90s or 5m");
  core::Result<TimeUs> value = core::parse_duration_within(s, low, high);
  if (!value) fail(node.mark, path, value.error().message);
  return *value;
}

void read_duration(const Node* node, const std::string& path, TimeUs low, TimeUs high,
                   TimeUs& out) {
  if (node != nullptr) out = duration(*node, path, low, high);
}

// One word out of a fixed set, or the message listing the set.
template <class T>
T choice(const Node& node, const std::string& path, std::string_view what,
         const std::vector<std::pair<std::string_view, T>>& allowed) {
  std::vector<std::string_view> names;
  for (const auto& [name, value] : allowed)
    names.push_back(name);
  const std::string& s = text(node, path, fmt::format("{} ({})", what, fmt::join(names, ", ")));
  for (const auto& [name, value] : allowed) {
    if (name == s) return value;
  }
  fail(node.mark, path,
       fmt::format("unknown {} {};{} allowed: {}", what, core::quoted(s), suggestion(s, names),
                   fmt::join(names, ", ")));
}

// The keys of one map, checked against the keys it may have.
class Fields {
 public:
  Fields(const Node& node, std::string path, std::initializer_list<std::string_view> known)
      : Fields(node, std::move(path), std::vector<std::string_view>(known)) {}
  Fields(const Node& node, std::string path, const std::vector<std::string_view>& keys)
      : node_(node), path_(std::move(path)) {
    if (node.kind != Node::Kind::kMap) {
      fail(node.mark, path_,
           fmt::format("expected a map with keys {}, got {}", fmt::join(keys, ", "), got(node)));
    }
    for (const Node& key : node.keys) {
      if (std::find(keys.begin(), keys.end(), key.text) != keys.end()) continue;
      fail(key.mark, path_,
           fmt::format("unknown key {};{} allowed{}: {}", core::quoted(key.text),
                       suggestion(key.text, keys), path_.empty() ? " at the top" : " here",
                       fmt::join(keys, ", ")));
    }
  }

  const Node& node() const { return node_; }
  std::string path(std::string_view key) const {
    return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
  }
  const Node* find(std::string_view key) const {
    for (std::size_t i = 0; i < node_.keys.size(); ++i) {
      if (node_.keys[i].text == key) return &node_.values[i];
    }
    return nullptr;
  }
  const Node& require(std::string_view key, std::string_view example) const {
    if (const Node* value = find(key)) return *value;
    fail(node_.mark, path(key), fmt::format("required key missing; add it, e.g. {}", example));
  }

 private:
  const Node& node_;
  std::string path_;
};

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// ---------------------------------------------------------------------------
// The scenario, section by section.

// What the timeline may name: the fleet's services and the monitors.
struct Fleet {
  std::vector<std::string> services;
  ZoneShape zones;
  std::uint32_t vantage_points = 0;
  std::uint32_t store_members = 0;         // the plane's consensus store; 0: it runs none
  const seam::PlaneInfo* plane = nullptr;  // the plane under test: the requests it takes

  bool has(std::string_view id) const {
    return std::find(services.begin(), services.end(), id) != services.end();
  }
  // The services for a message: all of a small fleet, the first few of a large one.
  std::string listed() const {
    constexpr std::size_t kListed = 12;
    if (services.size() <= kListed) return fmt::format("{}", fmt::join(services, ", "));
    return fmt::format("{}, ... ({} in all)",
                       fmt::join(services.begin(), services.begin() + kListed, ", "),
                       services.size());
  }
};

bool is_service_id(std::string_view id, std::size_t size_max) {
  return !id.empty() && id.size() <= size_max && id[0] >= 'a' && id[0] <= 'z' &&
         std::all_of(id.begin(), id.end(), is_lower_alnum);
}

// One entry of fleet.services: a service, or with `count` that many alike,
// `id` then 1, 2, ... ({id: db, count: 3} is db1, db2, db3).
std::uint32_t read_service(const Node& node, const std::string& path, ServiceSpec& spec) {
  const Fields f(node, path, {"id", "count", "standbys", "replication", "followers"});
  const Node& id = f.require("id", "id: db1");
  spec.id = text(id, f.path("id"), "a service id such as db1");
  std::uint32_t count = 1;
  read_integer(f.find("count"), f.path("count"), 1, kFleetServicesMax, count);
  // With a count, the id is a prefix and each service's number follows it.
  const std::size_t size_max = f.find("count") != nullptr ? 26 : 32;
  if (!is_service_id(spec.id, size_max)) {
    fail(id.mark, f.path("id"),
         fmt::format("{} is not a service id; a lowercase letter, then lowercase letters and "
                     "digits, at most {} (db1, orders)",
                     core::quoted(spec.id), size_max));
  }
  read_integer(f.find("standbys"), f.path("standbys"), 0, 5, spec.standbys);
  read_integer(f.find("followers"), f.path("followers"), 0, 5, spec.followers);
  if (const Node* replication = f.find("replication")) {
    spec.synchronous = choice<bool>(*replication, f.path("replication"), "replication",
                                    {{"sync", true}, {"async", false}});
  }
  return f.find("count") != nullptr ? count : 0;
}

// fleet.zones: {names: [a, b, c], racks: 4, hosts_max: 900}.
void read_zones(const Node* node, ZoneShape& zones) {
  if (node == nullptr) return;
  const Fields f(*node, "fleet.zones", {"names", "racks", "hosts_max"});
  const Node& names = f.require("names", "names: [a, b, c]");
  const std::vector<Node>& items = list(names, f.path("names"), 1, kZonesMax, "zone names");
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string at = fmt::format("{}[{}]", f.path("names"), i);
    const std::string& name = text(items[i], at, "a zone name such as a or us-east-1a");
    const bool shaped =
        !name.empty() && name.size() <= 16 && name[0] >= 'a' && name[0] <= 'z' &&
        std::all_of(name.begin(), name.end(), [](char c) { return is_lower_alnum(c) || c == '-'; });
    if (!shaped) {
      fail(items[i].mark, at,
           fmt::format("{} is not a zone name; a lowercase letter, then lowercase letters, "
                       "digits and dashes, at most 16 (a, us-east-1a)",
                       core::quoted(name)));
    }
    if (std::find(zones.names.begin(), zones.names.end(), name) != zones.names.end()) {
      fail(items[i].mark, at, fmt::format("zone {} is named twice", core::quoted(name)));
    }
    zones.names.push_back(name);
  }
  read_integer(f.find("racks"), f.path("racks"), 1, 64, zones.racks);
  read_integer(f.find("hosts_max"), f.path("hosts_max"), 0, 10'000'000, zones.hosts_max);
}

// fleet.api: {rate: 50, burst: 100, host_quota: 25000}.
void read_api(const Node* node, SimConfig& config) {
  if (node == nullptr) return;
  const Fields f(*node, "fleet.api", {"rate", "burst", "host_quota"});
  read_integer(f.find("rate"), f.path("rate"), 0, 1'000'000, config.api_rate.per_second);
  config.api_rate.burst = std::max<std::uint32_t>(1, config.api_rate.per_second);
  read_integer(f.find("burst"), f.path("burst"), 1, 10'000'000, config.api_rate.burst);
  if (f.find("burst") != nullptr && config.api_rate.per_second == 0) {
    fail(f.find("burst")->mark, f.path("burst"),
         "a burst without a rate limits nothing; give rate: (requests a second) as well");
  }
  read_integer(f.find("host_quota"), f.path("host_quota"), 0, 10'000'000, config.host_quota);
}

void read_fleet(const Fields& top, SimConfig& config) {
  const Fields f(top.require("fleet", "fleet: {services: [{id: db1}]}"), "fleet",
                 {"services", "zones", "api", "boot_min", "boot_max", "database_restart"});
  const Node& services = f.require("services", "services: [{id: db1}]");
  const std::vector<Node>& items =
      list(services, f.path("services"), 1, kServicesMax, "services ({id: db1})");
  std::map<std::string, int, std::less<>> seen;  // id -> line
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string path = fmt::format("fleet.services[{}]", i);
    ServiceSpec spec;
    const std::uint32_t count = read_service(items[i], path, spec);
    const Fields again(items[i], path, {"id", "count", "standbys", "replication", "followers"});
    if (static_cast<std::int64_t>(config.services.size()) + std::max<std::uint32_t>(count, 1) >
        kFleetServicesMax) {
      fail(items[i].mark, path,
           fmt::format("the fleet would have more than {} services", kFleetServicesMax));
    }
    std::vector<ServiceSpec> expanded;
    if (count == 0) {
      expanded.push_back(std::move(spec));
    } else {
      for (std::uint32_t n = 1; n <= count; ++n) {
        ServiceSpec one = spec;
        one.id = fmt::format("{}{}", spec.id, n);
        expanded.push_back(std::move(one));
      }
    }
    for (ServiceSpec& one : expanded) {
      if (auto [at, fresh] = seen.emplace(one.id, items[i].mark.line + 1); !fresh) {
        fail(again.find("id")->mark, path + ".id",
             fmt::format("duplicate service id {} (first at line {}); each service needs its own",
                         core::quoted(one.id), at->second));
      }
      config.services.push_back(std::move(one));
    }
  }
  read_zones(f.find("zones"), config.zones);
  read_api(f.find("api"), config);
  read_duration(f.find("boot_min"), f.path("boot_min"), 0, kDay, config.boot_min_us);
  read_duration(f.find("boot_max"), f.path("boot_max"), 0, kDay, config.boot_max_us);
  if (config.boot_min_us > config.boot_max_us) {
    const Node* at = f.find("boot_max") != nullptr ? f.find("boot_max") : f.find("boot_min");
    fail(at->mark, f.path(at == f.find("boot_max") ? "boot_max" : "boot_min"),
         fmt::format("boot_min ({}) is longer than boot_max ({})",
                     format_duration(config.boot_min_us), format_duration(config.boot_max_us)));
  }
  read_duration(f.find("database_restart"), f.path("database_restart"), 0, kDay,
                config.database_restart_us);
}

void read_workload(const Node* node, SimConfig& config) {
  if (node == nullptr) return;
  const Fields f(*node, "workload", {"clients_per_service", "write_interval"});
  read_integer(f.find("clients_per_service"), f.path("clients_per_service"), 1, 16,
               config.clients_per_service);
  read_duration(f.find("write_interval"), f.path("write_interval"), 1, kDay,
                config.write_interval_us);
}

// The plane a scenario names (`control_plane: NAME`, or `name:` in the map).
const seam::PlaneInfo& read_plane_name(const Node* name_node, SimConfig& config) {
  if (name_node != nullptr) {
    config.control_plane = text(*name_node, "control_plane.name", "a control plane's name");
  }
  core::Result<const seam::PlaneInfo*> info = find_plane_or_error(config.control_plane);
  if (!info) {
    fail(name_node != nullptr ? name_node->mark : mark_at(0, 0), "control_plane.name",
         info.error().message);
  }
  return **info;
}

// The keys of the control_plane map that are the simulator's; the rest are
// the plane's settings.
constexpr std::array<std::string_view, 5> kSimulatorKeys = {
    "name", "tick_interval", "checkin_interval", "restart_delay", "audit_interval"};

// The plane under test, as the scenario names and configures it.
struct PlaneRead {
  const seam::PlaneInfo* info = nullptr;
  std::unique_ptr<seam::ControlPlane> plane;
};

// The plane built from the scenario's settings; a setting it refuses is an
// error at that setting's line.
std::unique_ptr<seam::ControlPlane> build_plane(const Node* node, const seam::PlaneInfo& plane,
                                                const SimConfig& config) {
  core::Result<std::unique_ptr<seam::ControlPlane>> built = plane.create(config.plane_settings);
  if (built) return std::move(*built);
  const std::string& message = built.error().message;
  // A refused setting is pinned on its key (seam/settings_reader.hpp).
  const std::optional<seam::SettingRefusal> refusal = seam::setting_of(message, plane.settings());
  const Node* at = nullptr;
  for (std::size_t i = 0;
       refusal && node != nullptr && node->kind == Node::Kind::kMap && i < node->keys.size(); ++i) {
    if (node->keys[i].text == refusal->key) at = &node->values[i];
  }
  fail(at != nullptr ? at->mark : (node != nullptr ? node->mark : mark_at(0, 0)),
       refusal ? "control_plane." + refusal->key : "control_plane",
       at != nullptr ? refusal->message : message);
}

PlaneRead read_control_plane(const Node* node, SimConfig& config) {
  if (node == nullptr || node->kind == Node::Kind::kScalar) {
    const seam::PlaneInfo& plane = read_plane_name(node, config);
    return {.info = &plane, .plane = build_plane(node, plane, config)};
  }
  const Node* name = nullptr;
  if (node->kind == Node::Kind::kMap) {
    for (std::size_t i = 0; i < node->keys.size(); ++i) {
      if (node->keys[i].text == "name") name = &node->values[i];
    }
  }
  const seam::PlaneInfo& plane = read_plane_name(name, config);
  const std::vector<seam::SettingInfo> settings = plane.settings();
  std::vector<std::string_view> keys(kSimulatorKeys.begin(), kSimulatorKeys.end());
  for (const seam::SettingInfo& setting : settings)
    keys.push_back(setting.name);
  const Fields f(*node, "control_plane", keys);
  read_duration(f.find("tick_interval"), f.path("tick_interval"), 1, kDay, config.tick_interval_us);
  read_duration(f.find("checkin_interval"), f.path("checkin_interval"), 1, kDay,
                config.checkin_interval_us);
  read_duration(f.find("restart_delay"), f.path("restart_delay"), 0, kDay,
                config.control_plane_restart_us);
  read_duration(f.find("audit_interval"), f.path("audit_interval"), 0, kDay,
                config.audit_interval_us);
  for (const seam::SettingInfo& setting : settings) {
    if (const Node* value = f.find(setting.name)) {
      config.plane_settings[setting.name] = text(*value, f.path(setting.name), "a setting's value");
    }
  }
  return {.info = &plane, .plane = build_plane(node, plane, config)};
}

void read_network(const Node* node, SimConfig& config) {
  if (node == nullptr) return;
  const Fields f(*node, "network", {"delay_min", "delay_max", "loss_ppm", "duplicate_ppm"});
  LinkQuality& q = config.network;
  read_duration(f.find("delay_min"), f.path("delay_min"), 0, kHour, q.delay_min_us);
  read_duration(f.find("delay_max"), f.path("delay_max"), 0, kHour, q.delay_max_us);
  if (q.delay_min_us > q.delay_max_us) {
    const char* key = f.find("delay_max") != nullptr ? "delay_max" : "delay_min";
    fail(f.find(key)->mark, f.path(key),
         fmt::format("delay_min ({}) is longer than delay_max ({})",
                     format_duration(q.delay_min_us), format_duration(q.delay_max_us)));
  }
  read_integer(f.find("loss_ppm"), f.path("loss_ppm"), 0, kPpmMax, q.loss_ppm);
  read_integer(f.find("duplicate_ppm"), f.path("duplicate_ppm"), 0, kPpmMax, q.duplicate_ppm);
}

std::vector<std::pair<std::string_view, FaultKind>> fault_kind_names() {
  std::vector<std::pair<std::string_view, FaultKind>> out;
  for (const FaultKindInfo& k : fault_kinds())
    out.emplace_back(k.name, k.kind);
  return out;
}

void read_random(const Node* node, SimConfig& config) {
  if (node == nullptr) return;
  const Fields f(*node, "random", {"faults", "operators"});
  if (const Node* faults = f.find("faults")) {
    const Fields r(*faults, f.path("faults"), {"mean_gap", "kinds", "active_max"});
    config.faults.mean_gap_us =
        duration(r.require("mean_gap", "mean_gap: 5m"), r.path("mean_gap"), 0, kYear);
    read_integer(r.find("active_max"), r.path("active_max"), 1, 64, config.faults.active_max);
    if (const Node* kinds = r.find("kinds")) {
      const std::vector<Node>& items = list(*kinds, r.path("kinds"), 1, fault_kinds().size(),
                                            "fault kinds (leave kinds out for every kind)");
      for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string path = fmt::format("{}[{}]", r.path("kinds"), i);
        const FaultKind kind = choice(items[i], path, "fault kind", fault_kind_names());
        if (std::find(config.faults.kinds.begin(), config.faults.kinds.end(), kind) !=
            config.faults.kinds.end()) {
          fail(items[i].mark, path, fmt::format("{} is listed twice", info(kind).name));
        }
        config.faults.kinds.push_back(kind);
      }
    }
  }
  if (const Node* operators = f.find("operators")) {
    const Fields r(*operators, f.path("operators"), {"mean_gap"});
    config.operator_mean_gap_us =
        duration(r.require("mean_gap", "mean_gap: 1h"), r.path("mean_gap"), 0, kYear);
  }
}

// ---------------------------------------------------------------------------
// Targets: endpoint names and roles, checked against the fleet.

enum TargetClass : unsigned {
  kServer = 1,
  kMonitor = 2,
  kClient = 4,
  kControlPlane = 8,
  kStoreMember = 16,  // a member of the plane's consensus store
  kAnyEndpoint = kServer | kMonitor | kClient | kControlPlane | kStoreMember,
  kClock = kServer | kMonitor | kControlPlane | kStoreMember,
};

bool is_number(std::string_view s) {
  return !s.empty() && s.size() <= 6 && s[0] >= '1' && s[0] <= '9' &&
         s.find_first_not_of("0123456789") == std::string_view::npos;
}

const char* class_name(unsigned c) {
  switch (c) {
    case kServer:
      return "a server";
    case kMonitor:
      return "a monitor";
    case kClient:
      return "a client";
    case kStoreMember:
      return "a member of the consensus store";
    default:
      return "the control plane";
  }
}

std::string target_forms(unsigned allowed, const Fleet& fleet) {
  std::string out;
  const auto add = [&](std::string_view forms) {
    out += out.empty() ? forms : fmt::format(", {}", forms);
  };
  if (allowed & kServer) {
    std::string servers = "db1-1, node:db1-1, leader:db1";
    for (const std::string& role : fleet.plane->roles)
      servers += fmt::format(", {}:db1", role);
    if (!fleet.zones.names.empty()) {
      servers += fmt::format(", zone:{0}, rack:{0}/1", fleet.zones.names.front());
    }
    add(servers);
  }
  if (allowed & kMonitor) add("monitor-a, monitors");
  if (allowed & kClient) add("client-db1-1, clients:db1");
  if (allowed & kControlPlane) add("control-plane");
  if ((allowed & kStoreMember) && fleet.store_members > 0) add("store-1, store:leader, stores");
  return out;
}

// A target's class and the service it names (if any), by its shape. Roles
// are "leader", "clients" and those the plane under test declares.
std::optional<std::pair<unsigned, std::string>> classify(std::string_view name,
                                                         const Fleet& fleet) {
  // "store-1" is a server of a service "store" in a fleet without a store.
  if (names_store_member(name) && (fleet.store_members > 0 || !name.starts_with("store-")))
    return std::pair{kStoreMember, std::string()};
  if (name == "monitors") return std::pair{kMonitor, std::string()};
  if (name == "control-plane") return std::pair{kControlPlane, std::string()};
  if (const std::size_t colon = name.find(':'); colon != std::string_view::npos) {
    const std::string_view role = name.substr(0, colon);
    const std::string service(name.substr(colon + 1));
    if (role == "node") {
      // A server by name, said outright: "node:db1-2" is "db1-2".
      if (service.find(':') != std::string::npos) return std::nullopt;
      auto server = classify(service, fleet);
      if (!server || server->first != kServer) return std::nullopt;
      return server;
    }
    const std::vector<std::string>& roles = fleet.plane->roles;
    if (role == "leader" || std::find(roles.begin(), roles.end(), role) != roles.end())
      return std::pair{kServer, service};
    if (role == "clients") return std::pair{kClient, service};
    // Every server placed in a zone or on a rack (checked against the
    // fleet's zones by check_place).
    if (role == "zone" || role == "rack") return std::pair{kServer, std::string()};
    return std::nullopt;
  }
  if (name.size() == 9 && name.starts_with("monitor-")) return std::pair{kMonitor, std::string()};
  const std::size_t dash = name.rfind('-');
  if (dash == std::string_view::npos || !is_number(name.substr(dash + 1))) return std::nullopt;
  if (name.starts_with("client-")) return std::pair{kClient, std::string(name.substr(7, dash - 7))};
  return std::pair{kServer, std::string(name.substr(0, dash))};
}

void check_store_member(const Node& node, const std::string& path, const Fleet& fleet,
                        const std::string& name) {
  if (fleet.store_members == 0) {
    fail(node.mark, path,
         fmt::format("{} names the consensus store's members; control plane {} runs no store "
                     "(its fleet's coordination_members is 0)",
                     core::quoted(name), fleet.plane->name));
  }
  if (!name.starts_with("store-")) return;
  const auto number = static_cast<std::uint32_t>(std::stoul(name.substr(6)));
  if (number > fleet.store_members) {
    fail(node.mark, path,
         fmt::format("no store member {}: the store has {} members (store-1 to store-{})",
                     core::quoted(name), fleet.store_members, fleet.store_members));
  }
}

// "zone:b" or "rack:b/2": a zone the fleet declares, a rack it has.
void check_place(const Node& node, const std::string& path, const Fleet& fleet,
                 std::string_view name) {
  const std::size_t colon = name.find(':');
  const std::string_view role = name.substr(0, colon);
  const std::string_view place = name.substr(colon + 1);
  const Placement zones(fleet.zones);
  if (fleet.zones.names.empty()) {
    fail(node.mark, path,
         fmt::format("{} names a {}, and the fleet declares no zones; add fleet.zones: "
                     "{{names: [a, b, c], racks: 4}}",
                     core::quoted(name), role));
  }
  if (role == "zone" && !zones.find_zone(place)) {
    std::vector<std::string_view> known(fleet.zones.names.begin(), fleet.zones.names.end());
    fail(node.mark, path,
         fmt::format("the fleet has no zone {};{} zones: {}", core::quoted(place),
                     suggestion(place, known), fmt::join(fleet.zones.names, ", ")));
  }
  if (role == "rack" && !zones.find_rack(place)) {
    fail(node.mark, path,
         fmt::format("the fleet has no rack {}; racks are zone/N with N from 1 to {} (rack:{}/1)",
                     core::quoted(place), fleet.zones.racks, fleet.zones.names.front()));
  }
}

void check_target(const Node& node, const std::string& path, const Fleet& fleet, unsigned allowed,
                  std::string_view kind) {
  const std::string& name = text(node, path, "a target name such as db1-1 or leader:db1");
  const auto shape = classify(name, fleet);
  if (!shape) {
    fail(node.mark, path,
         fmt::format("{} names no endpoint or role; {} takes: {}", core::quoted(name), kind,
                     target_forms(allowed, fleet)));
  }
  const auto& [cls, service] = *shape;
  if (!(cls & allowed)) {
    fail(node.mark, path,
         fmt::format("{} is {}; {} takes: {}", core::quoted(name), class_name(cls), kind,
                     target_forms(allowed, fleet)));
  }
  if (cls == kStoreMember) check_store_member(node, path, fleet, name);
  if (cls == kMonitor && name != "monitors") {
    const auto letter = static_cast<std::uint32_t>(name.back() - 'a');
    if (name.back() < 'a' || letter >= fleet.vantage_points) {
      fail(node.mark, path,
           fmt::format("no monitor {}: control_plane.vantage_points is {} (monitor-a to "
                       "monitor-{})",
                       core::quoted(name), fleet.vantage_points,
                       static_cast<char>('a' + fleet.vantage_points - 1)));
    }
  }
  if (cls == kServer && names_place(name)) {
    check_place(node, path, fleet, name);
    return;
  }
  if ((cls == kServer || cls == kClient) && !fleet.has(service)) {
    fail(node.mark, path,
         fmt::format("{} names service {}, which the fleet does not have;{} services: {}",
                     core::quoted(name), core::quoted(service),
                     suggestion(service, {fleet.services.begin(), fleet.services.end()}),
                     fleet.listed()));
  }
}

void read_targets(const Node& node, const std::string& path, const Fleet& fleet, unsigned allowed,
                  std::string_view kind, std::vector<std::string>& out) {
  const std::vector<Node>& items = list(node, path, 1, kTargetsMax, "targets");
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string at = fmt::format("{}[{}]", path, i);
    check_target(items[i], at, fleet, allowed, kind);
    out.push_back(items[i].text);
  }
}

// ---------------------------------------------------------------------------
// The timeline. What each fault kind takes is its entry in the table of
// fault kinds (sim/faults.hpp).

unsigned target_classes(FaultTargetClass targets) {
  switch (targets) {
    case FaultTargetClass::kEndpoints:
      return kAnyEndpoint;
    case FaultTargetClass::kServers:
      return kServer;
    case FaultTargetClass::kClocks:
      return kClock;
    case FaultTargetClass::kHosts:
      return kServer | kStoreMember;
    case FaultTargetClass::kStoreMembers:
      return kStoreMember;
    case FaultTargetClass::kFleet:
    case FaultTargetClass::kCrashPoint:
    case FaultTargetClass::kStore:
      return 0;
  }
  return 0;
}

// "partition_partial and partition_one_way": the kinds that cut a far side.
std::string kinds_with_others() {
  std::vector<std::string_view> kinds;
  for (const FaultKindInfo& k : fault_kinds()) {
    if (k.others != FaultOthers::kNone) kinds.push_back(k.name);
  }
  UNWEDGE_ASSERT(!kinds.empty());
  if (kinds.size() == 1) return std::string(kinds[0]);
  return fmt::format("{} and {}", fmt::join(kinds.begin(), kinds.end() - 1, ", "), kinds.back());
}

std::string_view target_example(FaultTargetClass targets) {
  switch (targets) {
    case FaultTargetClass::kServers:
    case FaultTargetClass::kHosts:
      return "leader:db1";
    case FaultTargetClass::kStoreMembers:
      return "store:leader";
    default:
      return "db1-1";
  }
}

struct Phases {
  TimeUs duration_us = 0;
  TimeUs recovery_us = 0;
  TimeUs provisioning_us = 0;  // nothing of the timeline before it
};

// An entry `at` the provisioning phase's quiet start: refused, with the fix.
void check_after_provisioning(const Fields& f, TimeUs at_us, const Phases& phases) {
  if (at_us >= phases.provisioning_us) return;
  fail(f.find("at")->mark, f.path("at"),
       fmt::format("at {} is within the provisioning phase (provisioning: {}), when nothing "
                   "happens but the fleet coming up; move it to {} or later",
                   format_duration(at_us), format_duration(phases.provisioning_us),
                   format_duration(phases.provisioning_us)));
}

void read_fault_targets(const Fields& f, const FaultKindInfo& kind, const Fleet& fleet,
                        FaultSpec& spec) {
  const std::string_view name = kind.name;
  const Node* targets = f.find("targets");
  if (needs_store(kind) && fleet.store_members == 0) {
    fail(f.find("fault")->mark, f.path("fault"),
         fmt::format("{} strikes the consensus store; control plane {} runs none (its fleet's "
                     "coordination_members is 0)",
                     name, fleet.plane->name));
  }
  if (kind.targets == FaultTargetClass::kFleet || kind.targets == FaultTargetClass::kStore) {
    if (targets != nullptr) {
      fail(targets->mark, f.path("targets"),
           fmt::format("{} strikes the whole {} and takes no targets; remove them", name,
                       kind.targets == FaultTargetClass::kFleet ? "fleet API" : "consensus store"));
    }
  } else if (kind.targets == FaultTargetClass::kCrashPoint) {
    std::vector<std::pair<std::string_view, std::string_view>> points;
    for (std::string_view p : kCrashPointNames)
      points.emplace_back(p, p);
    const Node& node = f.require("targets", "targets: [after_commit] (the crash point)");
    const std::vector<Node>& items = list(
        node, f.path("targets"), 1, 1, "crash point (before_begin, mid_transaction, after_commit)");
    spec.targets = {
        std::string(choice(items[0], f.path("targets") + "[0]", "crash point", points))};
  } else {
    const Node& node =
        f.require("targets", fmt::format("targets: [{}]", target_example(kind.targets)));
    read_targets(node, f.path("targets"), fleet, target_classes(kind.targets), name, spec.targets);
  }
  const Node* others = f.find("others");
  if (kind.others != FaultOthers::kNone) {
    if (others == nullptr) {
      fail(f.node().mark, f.path("others"),
           fmt::format("{} needs others, the far side of the cut (e.g. others: [monitors])", name));
    }
    read_targets(*others, f.path("others"), fleet, kAnyEndpoint, name, spec.others);
  } else if (others != nullptr) {
    fail(others->mark, f.path("others"),
         fmt::format("{} takes no others; only {} have a far side", name, kinds_with_others()));
  }
}

void read_fault_amount(const Fields& f, const FaultKindInfo& kind, FaultSpec& spec) {
  const FaultAmountRange& range = kind.amount;
  const Node* amount = f.find("amount");
  if (range.unit == FaultUnit::kNone) {
    if (amount != nullptr) {
      fail(amount->mark, f.path("amount"), fmt::format("{} takes no amount; remove it", kind.name));
    }
    return;
  }
  if (amount == nullptr) {
    if (range.required) f.require("amount", range.example);
    return;
  }
  spec.amount = range.unit == FaultUnit::kNumber
                    ? integer(*amount, f.path("amount"), range.low, range.high)
                    : duration(*amount, f.path("amount"), range.low, range.high);
}

ScheduledFault read_fault(const Fields& f, const Fleet& fleet, const Phases& phases) {
  ScheduledFault fault;
  fault.at_us = duration(f.require("at", "at: 30m"), f.path("at"), 0, kYear);
  if (fault.at_us >= phases.duration_us) {
    fail(f.find("at")->mark, f.path("at"),
         fmt::format("at {} is not within the safety phase (duration: {}); faults start before "
                     "it ends",
                     format_duration(fault.at_us), format_duration(phases.duration_us)));
  }
  check_after_provisioning(f, fault.at_us, phases);
  const FaultKind kind =
      choice(*f.find("fault"), f.path("fault"), "fault kind", fault_kind_names());
  fault.spec.kind = kind;
  read_fault_targets(f, info(kind), fleet, fault.spec);
  read_fault_amount(f, info(kind), fault.spec);
  if (const Node* lasting = f.find("duration")) {
    if (!info(kind).lasts) {
      fail(lasting->mark, f.path("duration"),
           fmt::format("{} is instantaneous and takes no duration; remove it", info(kind).name));
    }
    fault.spec.duration_us = duration(*lasting, f.path("duration"), 1, kYear);
  }
  return fault;
}

enum class OperatorAim : std::uint8_t { kService, kServer };

OperatorAim operator_aim(OperatorKind kind) {
  switch (kind) {
    case OperatorKind::kPromoteFollower:
    case OperatorKind::kUnfollow:
    case OperatorKind::kReplaceServer:
      return OperatorAim::kServer;
    default:
      return OperatorAim::kService;
  }
}

// The requests the plane takes, by name: the simulator's kinds it takes,
// then its own.
std::vector<std::pair<std::string_view, OperatorRequest>> request_kinds(
    const seam::PlaneInfo& plane) {
  std::vector<std::pair<std::string_view, OperatorRequest>> kinds;
  for (const OperatorKindInfo& k : operator_kinds()) {
    if (takes_request(plane, k.kind)) kinds.emplace_back(k.name, OperatorRequest{.kind = k.kind});
  }
  for (const seam::RequestInfo& own : plane.own_requests) {
    kinds.emplace_back(own.name,
                       OperatorRequest{.kind = OperatorKind::kPlaneOwn, .name = own.name});
  }
  return kinds;
}

ScheduledOperator read_operator(const Fields& f, const Fleet& fleet, const Phases& phases) {
  UNWEDGE_ASSERT(fleet.plane != nullptr);
  const std::vector<std::pair<std::string_view, OperatorRequest>> kinds =
      request_kinds(*fleet.plane);
  if (kinds.empty()) {
    fail(f.node().mark, f.path("operator"),
         fmt::format("the control plane {} takes no operator or customer requests; remove this "
                     "entry",
                     fleet.plane->name));
  }
  ScheduledOperator request;
  request.at_us = duration(f.require("at", "at: 40m"), f.path("at"), 0, 2 * kYear);
  if (request.at_us >= phases.duration_us + phases.recovery_us) {
    fail(f.find("at")->mark, f.path("at"),
         fmt::format("at {} is after the run ends (duration {} + recovery {})",
                     format_duration(request.at_us), format_duration(phases.duration_us),
                     format_duration(phases.recovery_us)));
  }
  check_after_provisioning(f, request.at_us, phases);
  request.request = choice(*f.find("operator"), f.path("operator"), "operator request", kinds);
  const std::string_view name = request_name(request.request);
  const Node& target = f.require("target", "target: db1");
  const bool at_server =
      request.request.kind == OperatorKind::kPlaneOwn
          ? own_request(*fleet.plane, name)->aim == seam::RequestInfo::Aim::kServer
          : operator_aim(request.request.kind) == OperatorAim::kServer;
  if (at_server) {
    check_target(target, f.path("target"), fleet, kServer, name);
    if (names_place(target.text)) {
      fail(target.mark, f.path("target"),
           fmt::format("{} is asked of one server; {} names every server in a {}", name,
                       core::quoted(target.text), target.text.substr(0, 4)));
    }
    request.request.target = target.text;
    return request;
  }
  const std::string& service = text(target, f.path("target"), "a service id such as db1");
  if (!fleet.has(service)) {
    fail(target.mark, f.path("target"),
         fmt::format("{} targets a service; the fleet has no {};{} services: {}", name,
                     core::quoted(service),
                     suggestion(service, {fleet.services.begin(), fleet.services.end()}),
                     fleet.listed()));
  }
  request.request.target = service;
  return request;
}

void read_timeline(const Node* node, const Fleet& fleet, const Phases& phases, Scenario& s) {
  if (node == nullptr) return;
  const std::vector<Node>& items =
      list(*node, "timeline", 0, kTimelineMax, "entries (each a fault or an operator request)");
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string path = fmt::format("timeline[{}]", i);
    const Fields probe(
        items[i], path,
        {"at", "fault", "targets", "others", "duration", "amount", "operator", "target"});
    const bool is_fault = probe.find("fault") != nullptr;
    const bool is_operator = probe.find("operator") != nullptr;
    if (is_fault == is_operator) {
      fail(items[i].mark, path,
           is_fault ? "an entry is a fault or an operator request, not both; split it in two"
                    : "each entry needs fault: (a fault kind) or operator: (a request)");
    }
    if (is_fault) {
      const Fields f(items[i], path, {"at", "fault", "targets", "others", "duration", "amount"});
      s.faults.push_back(read_fault(f, fleet, phases));
    } else {
      const Fields f(items[i], path, {"at", "operator", "target"});
      s.operators.push_back(read_operator(f, fleet, phases));
    }
  }
}

// The bound of serving_when_healthy, among the states' dwell bounds.
constexpr std::string_view kServingBoundKey = "serving_when_healthy";

// "99.5%" as parts per million: up to four decimals, at most 100%.
std::uint32_t percent_ppm(const Node& node, const std::string& path) {
  const std::string& s = text(node, path, "a percentage such as 99.5%");
  const std::size_t dot = s.find('.');
  const std::string whole = s.substr(0, std::min(dot, s.size() - 1));
  const std::string fraction =
      dot == std::string::npos ? std::string() : s.substr(dot + 1, s.size() - dot - 2);
  auto digits = [](const std::string& d) {
    return std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  const bool shaped = s.size() >= 2 && s.back() == '%' && !whole.empty() && whole.size() <= 3 &&
                      digits(whole) && digits(fraction) && fraction.size() <= 4 &&
                      (dot == std::string::npos || !fraction.empty());
  if (!shaped) {
    fail(node.mark, path,
         fmt::format("expected a percentage such as 99.5% (up to four decimals), got {}",
                     got(node)));
  }
  auto ppm = static_cast<std::uint32_t>(std::stoul(whole)) * 10'000;
  std::uint32_t scale = 1'000;
  for (char c : fraction) {
    ppm += static_cast<std::uint32_t>(c - '0') * scale;
    scale /= 10;
  }
  if (ppm > 1'000'000) fail(node.mark, path, fmt::format("{} is over 100%", s));
  return ppm;
}

AvailabilityBounds read_availability(const Node& node, const std::string& path) {
  const Fields f(node, path, {"min", "worst_window_max"});
  AvailabilityBounds bounds;
  if (const Node* min = f.find("min")) bounds.min_ppm = percent_ppm(*min, f.path("min"));
  if (const Node* max = f.find("worst_window_max")) {
    bounds.worst_window_max_us = duration(*max, f.path("worst_window_max"), 0, kYear);
  }
  if (!bounds.min_ppm && !bounds.worst_window_max_us) {
    fail(node.mark, path,
         "give min, worst_window_max or both, e.g. {min: 99.5%, worst_window_max: 2m}");
  }
  return bounds;
}

// `text`, at `node`, as "machine/state" of the plane's model: its machine,
// or a message naming the machines or the machine's states.
// `alternative`, when given, is another word the key may be.
void check_machine_state(const Node& node, const std::string& path, const std::string& text,
                         const core::ControlPlaneModel& model, std::string_view alternative = {}) {
  std::vector<std::string_view> machines;
  for (const core::MachineDef* m : model.machines)
    machines.push_back(m->name());
  const std::size_t slash = text.find('/');
  const core::MachineDef* machine =
      slash == std::string::npos ? nullptr : core::machine_named(model, text.substr(0, slash));
  if (machine == nullptr) {
    fail(node.mark, path,
         fmt::format("expected {}machine/state ({}/{}); machines: {}",
                     alternative.empty() ? std::string() : fmt::format("{} or ", alternative),
                     machines.front(),
                     model.machines.front()->state_name(model.machines.front()->initial()),
                     fmt::join(machines, ", ")));
  }
  const std::string state = text.substr(slash + 1);
  if (!machine->find_state(state)) {
    std::vector<std::string_view> states;
    for (const core::StateDef& def : machine->states())
      states.push_back(def.name);
    fail(node.mark, path,
         fmt::format("{} has no state {};{} states: {}", machine->name(), core::quoted(state),
                     suggestion(state, states), fmt::join(states, ", ")));
  }
}

void read_bounds(const Node* node, const core::ControlPlaneModel& model, SimConfig& config) {
  if (node == nullptr) return;
  if (node->kind != Node::Kind::kMap) {
    fail(node->mark, "bounds",
         fmt::format("expected a map of \"machine/state\": duration, got {}", got(*node)));
  }
  for (std::size_t i = 0; i < node->keys.size(); ++i) {
    const Node& key = node->keys[i];
    const Node& value = node->values[i];
    // A hostile key could be a megabyte long; the path only needs to point.
    const std::string path = "bounds." + key.text.substr(0, 64);
    if (key.text == kServingBoundKey) {
      config.serving_when_healthy_max_us = duration(value, path, 0, kYear);
      continue;
    }
    check_machine_state(key, path, key.text, model, kServingBoundKey);
    config.dwell_overrides[key.text] = duration(value, path, 0, kYear);
  }
}

// `disruptions_max: {failover: 1, restart: 2}`: a bound per kind.
std::map<core::DisruptionKind, std::uint64_t> read_disruptions_max(const Node& node,
                                                                   const std::string& path) {
  std::vector<std::string_view> kinds;
  for (std::size_t k = 0; k < core::kDisruptionKinds; ++k)
    kinds.push_back(core::to_string(static_cast<core::DisruptionKind>(k)));
  const Fields f(node, path, kinds);
  std::map<core::DisruptionKind, std::uint64_t> bounds;
  for (std::size_t k = 0; k < kinds.size(); ++k) {
    if (const Node* bound = f.find(kinds[k])) {
      read_integer(bound, f.path(kinds[k]), 0, 1'000'000,
                   bounds[static_cast<core::DisruptionKind>(k)]);
    }
  }
  return bounds;
}

// `pass`, `{violation: <invariant>}`, and either with disruption bounds:
// `{pass, disruptions_max: {failover: 1}}`.
// ---------------------------------------------------------------------------
// Requirements: what must happen for the run to mean anything.

constexpr std::size_t kRequirementsMax = 64;

// The name of a state, an action, a request or a fault kind, checked
// against what the plane and the fleet have.
std::string read_observed_name(const Node& node, const std::string& path, Happening kind,
                               const core::ControlPlaneModel& model, const Fleet& fleet) {
  switch (kind) {
    case Happening::kState: {
      const std::string& name = text(node, path, "machine/state, such as service/failing_over");
      check_machine_state(node, path, name, model);
      return name;
    }
    case Happening::kAction: {
      std::vector<std::pair<std::string_view, std::string_view>> actions;
      for (const core::ActionDef* action : model.actions)
        actions.emplace_back(action->name, action->name);
      return std::string(choice(node, path, "action", actions));
    }
    case Happening::kRequest: {
      return std::string(request_name(choice(node, path, "request", request_kinds(*fleet.plane))));
    }
    case Happening::kFault: {
      const FaultKind fault = choice(node, path, "fault kind", fault_kind_names());
      if (needs_store(info(fault)) && fleet.store_members == 0) {
        fail(node.mark, path,
             fmt::format("{} strikes the consensus store; control plane {} runs none",
                         info(fault).name, fleet.plane->name));
      }
      return std::string(info(fault).name);
    }
  }
  return {};
}

// The one key of `keys` a map names: state, action, request or fault.
Observed read_observed(const Fields& f, const std::string& where, std::span<const Happening> kinds,
                       const core::ControlPlaneModel& model, const Fleet& fleet) {
  std::vector<std::string_view> names;
  std::optional<Observed> found;
  for (Happening kind : kinds) {
    names.push_back(to_string(kind));
    const Node* node = f.find(to_string(kind));
    if (node == nullptr) continue;
    if (found) {
      fail(node->mark, f.path(to_string(kind)),
           fmt::format("a requirement names one thing that happens; {} and {} are two (put the "
                       "second under during:, or write two requirements)",
                       to_string(found->kind), to_string(kind)));
    }
    const std::string path = f.path(to_string(kind));
    found = Observed{.kind = kind, .name = read_observed_name(*node, path, kind, model, fleet)};
  }
  if (!found) {
    fail(f.node().mark, where,
         fmt::format("name what must happen: one of {} (e.g. {})", fmt::join(names, ", "),
                     kinds.size() == kHappenings ? "request: deprovision" : "action: Failover"));
  }
  return *found;
}

Requirement read_requirement(const Node& node, const std::string& path,
                             const core::ControlPlaneModel& model, const Fleet& fleet) {
  const Fields f(node, path, {"state", "action", "request", "fault", "during", "service", "times"});
  Requirement r;
  r.what = read_observed(f, path, happenings(), model, fleet);
  if (const Node* during = f.find("during")) {
    // A request is a moment; nothing happens during it.
    constexpr std::array<Happening, 3> kSpans = {Happening::kState, Happening::kAction,
                                                 Happening::kFault};
    const Fields d(*during, f.path("during"), {"state", "action", "fault"});
    r.during = read_observed(d, f.path("during"), kSpans, model, fleet);
  }
  if (const Node* service = f.find("service")) {
    r.service = text(*service, f.path("service"), "a service id such as db1");
    if (!fleet.has(r.service)) {
      fail(service->mark, f.path("service"),
           fmt::format("the fleet has no service {};{} services: {}", core::quoted(r.service),
                       suggestion(r.service, {fleet.services.begin(), fleet.services.end()}),
                       fleet.listed()));
    }
  }
  read_integer(f.find("times"), f.path("times"), 1, kRequirementTimesMax, r.times);
  return r;
}

void read_requirements(const Node* node, const core::ControlPlaneModel& model, const Fleet& fleet,
                       Scenario& s) {
  if (node == nullptr) return;
  const std::vector<Node>& items =
      list(*node, "requires", 0, kRequirementsMax,
           "requirements (each {state:, action:, request: or fault:, during:, service:, times:})");
  for (std::size_t i = 0; i < items.size(); ++i) {
    s.requirements.push_back(
        read_requirement(items[i], fmt::format("requires[{}]", i), model, fleet));
  }
}

ExpectedVerdict read_expect(const Node* node) {
  if (node == nullptr) return {};
  std::vector<std::pair<std::string_view, Invariant>> invariants;
  for (std::size_t i = 0; i < kInvariants; ++i) {
    const auto invariant = static_cast<Invariant>(i);
    invariants.emplace_back(to_string(invariant), invariant);
  }
  constexpr std::string_view kForms =
      "pass, {violation: <invariant>}, {availability: {min: 99.5%, worst_window_max: 2m}} or "
      "{pass, disruptions_max: {failover: 1}}";
  if (node->kind == Node::Kind::kScalar) {
    if (node->text != "pass") {
      fail(node->mark, "expect", fmt::format("expected {}, got {}", kForms, got(*node)));
    }
    return {};
  }
  const Fields f(*node, "expect", {"pass", "violation", "availability", "disruptions_max"});
  const Node* pass = f.find("pass");
  const Node* violation = f.find("violation");
  const Node* availability = f.find("availability");
  const Node* bounds = f.find("disruptions_max");
  if (pass == nullptr && violation == nullptr && availability == nullptr && bounds == nullptr) {
    fail(node->mark, "expect", fmt::format("empty; expected {}", kForms));
  }
  if (pass != nullptr && pass->kind != Node::Kind::kNull) {
    fail(pass->mark, f.path("pass"), "takes no value; write {pass, disruptions_max: {...}}");
  }
  if (pass != nullptr && violation != nullptr) {
    fail(violation->mark, f.path("violation"),
         "a run cannot both pass and violate an invariant; keep pass or violation");
  }
  ExpectedVerdict expect;
  if (violation != nullptr) {
    expect.violation = choice(*violation, f.path("violation"), "invariant", invariants);
  }
  // Availability bounds without a violation: a pass that must also keep them.
  if (availability != nullptr) {
    expect.availability = read_availability(*availability, f.path("availability"));
  }
  if (bounds != nullptr) {
    expect.disruptions_max = read_disruptions_max(*bounds, f.path("disruptions_max"));
  }
  return expect;
}

void read_name(const Fields& top, Scenario& s) {
  const Node& name = top.require("name", "name: failover-during-partition");
  s.name = text(name, "name", "a name such as failover-during-partition");
  const bool shaped = !s.name.empty() && s.name.size() <= 100 && is_lower_alnum(s.name[0]) &&
                      std::all_of(s.name.begin(), s.name.end(),
                                  [](char c) { return is_lower_alnum(c) || c == '_' || c == '-'; });
  if (!shaped) {
    fail(name.mark, "name",
         fmt::format("{} is not a scenario name; lowercase letters, digits, _ and -, starting "
                     "with a letter or digit, at most 100",
                     core::quoted(s.name)));
  }
  const Node& description = top.require("description", "description: what real failure this tells");
  s.description = text(description, "description", "a paragraph of text");
  if (s.description.find_first_not_of(" \t\n") == std::string::npos) {
    fail(description.mark, "description", "empty; say in a paragraph what real failure this tells");
  }
  for (char c : s.description) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
      fail(description.mark, "description",
           "a control character; a description is text (tabs and line breaks only)");
    }
  }
}

Scenario read_scenario(const Node& root, std::string_view source) {
  if (root.kind != Node::Kind::kMap) {
    fail(root.mark, "",
         fmt::format("a scenario is a map of keys (name, description, duration, fleet, ...), "
                     "got {}",
                     got(root)));
  }
  const Fields top(
      root, "",
      {"name", "description", "seed", "duration", "provisioning", "recovery", "fleet", "workload",
       "control_plane", "network", "random", "timeline", "bounds", "requires", "expect"});
  Scenario s;
  s.source = std::string(source);
  read_name(top, s);
  read_integer(top.find("seed"), "seed", 0, kInt64Max, s.config.seed);
  s.duration_us = duration(top.require("duration", "duration: 2h"), "duration", 1, kYear);
  read_duration(top.find("recovery"), "recovery", 0, kYear, s.recovery_us);
  if (const Node* provisioning = top.find("provisioning")) {
    s.provisioning_us = duration(*provisioning, "provisioning", 0, kYear);
    if (s.provisioning_us >= s.duration_us) {
      fail(provisioning->mark, "provisioning",
           fmt::format("{} is not within the safety phase (duration: {}); the provisioning is "
                       "its quiet start, so make it shorter or the duration longer",
                       format_duration(s.provisioning_us), format_duration(s.duration_us)));
    }
  }
  read_fleet(top, s.config);
  read_workload(top.find("workload"), s.config);
  const PlaneRead plane = read_control_plane(top.find("control_plane"), s.config);
  read_network(top.find("network"), s.config);
  read_random(top.find("random"), s.config);
  if (s.provisioning_us > 0 &&
      (s.config.faults.mean_gap_us > 0 || s.config.operator_mean_gap_us > 0)) {
    fail(top.find("random")->mark, "random",
         "random faults and operators would strike during the provisioning phase, which is "
         "quiet; remove `provisioning` or `random`");
  }
  Fleet fleet{.zones = s.config.zones,
              .vantage_points = plane.plane->fleet().vantage_points,
              .store_members = plane.plane->fleet().coordination_members,
              .plane = plane.info};
  for (const ServiceSpec& spec : s.config.services)
    fleet.services.push_back(spec.id);
  if (fleet.store_members > 0 && fleet.has("store")) {
    fail(top.node().mark, "fleet.services",
         fmt::format("a service may not be called \"store\": control plane {} runs a consensus "
                     "store, whose members are store-1 to store-{}",
                     plane.info->name, fleet.store_members));
  }
  read_timeline(top.find("timeline"), fleet, {s.duration_us, s.recovery_us, s.provisioning_us}, s);
  read_bounds(top.find("bounds"), plane.plane->model(), s.config);
  read_requirements(top.find("requires"), plane.plane->model(), fleet, s);
  s.expect = read_expect(top.find("expect"));
  return s;
}

// ---------------------------------------------------------------------------
// Writing.

bool plain(std::string_view s) {
  if (s.empty() || s == "null" || s == "Null" || s == "NULL") return false;
  if (!std::isalnum(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
           c == '/' || c == ':';
  });
}

// Characters YAML reads as line breaks (NEL, LINE and PARAGRAPH SEPARATOR)
// or drops (a byte order mark), so they are written as escapes.
constexpr std::pair<std::string_view, std::string_view> kEscapedUnicode[] = {
    {"\xc2\x85", "\\u0085"},
    {"\xe2\x80\xa8", "\\u2028"},
    {"\xe2\x80\xa9", "\\u2029"},
    {"\xef\xbb\xbf", "\\ufeff"}};

bool has_escaped_unicode(std::string_view s) {
  return std::any_of(std::begin(kEscapedUnicode), std::end(kEscapedUnicode),
                     [&](const auto& e) { return s.find(e.first) != std::string_view::npos; });
}

std::string double_quoted(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto* unicode =
        std::find_if(std::begin(kEscapedUnicode), std::end(kEscapedUnicode),
                     [&](const auto& e) { return s.substr(i).starts_with(e.first); });
    if (unicode != std::end(kEscapedUnicode)) {
      out += unicode->second;
      i += unicode->first.size() - 1;
      continue;
    }
    const char c = s[i];
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string scalar(std::string_view s) {
  return plain(s) ? std::string(s) : double_quoted(s);
}

// A literal block keeps the text exactly when no line has edge whitespace,
// it has no control characters but line breaks, and it ends with at most
// one line break.
bool literal_safe(std::string_view s) {
  if (s.empty() || s.ends_with("\n\n") || has_escaped_unicode(s)) return false;
  const std::string_view body = s.ends_with('\n') ? s.substr(0, s.size() - 1) : s;
  std::size_t start = 0;
  while (start <= body.size()) {
    const std::size_t end = std::min(body.find('\n', start), body.size());
    const std::string_view line = body.substr(start, end - start);
    if (start == 0 && line.empty()) return false;
    if (!line.empty() && (line.front() == ' ' || line.back() == ' ')) return false;
    if (std::any_of(line.begin(), line.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
      return false;
    }
    start = end + 1;
  }
  return true;
}

std::string description_yaml(std::string_view s) {
  if (!literal_safe(s)) return double_quoted(s) + "\n";
  std::string out = s.ends_with('\n') ? "|\n" : "|-\n";
  const std::string_view body = s.ends_with('\n') ? s.substr(0, s.size() - 1) : s;
  std::size_t start = 0;
  while (start <= body.size()) {
    const std::size_t end = std::min(body.find('\n', start), body.size());
    const std::string_view line = body.substr(start, end - start);
    out += line.empty() ? std::string("\n") : fmt::format("  {}\n", line);
    start = end + 1;
  }
  return out;
}

std::string names(const std::vector<std::string>& list) {
  std::vector<std::string> out;
  for (const std::string& name : list)
    out.push_back(scalar(name));
  return fmt::format("[{}]", fmt::join(out, ", "));
}

void write_fault(std::string& out, const ScheduledFault& fault) {
  const FaultUnit unit = info(fault.spec.kind).amount.unit;
  auto to = std::back_inserter(out);
  fmt::format_to(to, "  - at: {}\n    fault: {}\n", format_duration(fault.at_us),
                 info(fault.spec.kind).name);
  if (!fault.spec.targets.empty())
    fmt::format_to(to, "    targets: {}\n", names(fault.spec.targets));
  if (!fault.spec.others.empty()) fmt::format_to(to, "    others: {}\n", names(fault.spec.others));
  if (fault.spec.duration_us != 0) {
    fmt::format_to(to, "    duration: {}\n", format_duration(fault.spec.duration_us));
  }
  if (unit == FaultUnit::kNumber) {
    fmt::format_to(to, "    amount: {}\n", fault.spec.amount);
  } else if (unit == FaultUnit::kDuration) {
    fmt::format_to(to, "    amount: {}\n", format_duration(fault.spec.amount));
  }
}

void write_timeline(std::string& out, const Scenario& s) {
  if (s.faults.empty() && s.operators.empty()) return;
  out += "timeline:\n";
  // Merged by time; each list keeps its own order, which is all a read needs.
  std::size_t f = 0;
  std::size_t o = 0;
  while (f < s.faults.size() || o < s.operators.size()) {
    if (o == s.operators.size() ||
        (f < s.faults.size() && s.faults[f].at_us <= s.operators[o].at_us)) {
      write_fault(out, s.faults[f++]);
    } else {
      const ScheduledOperator& r = s.operators[o++];
      fmt::format_to(std::back_inserter(out), "  - at: {}\n    operator: {}\n    target: {}\n",
                     format_duration(r.at_us), request_name(r.request), scalar(r.request.target));
    }
  }
}

// How many services from `first` on read back as one entry with a count
// ({id: db, count: 3} is db1, db2, db3, alike in all else), setting its
// prefix; 1 when they do not.
std::size_t alike_from(const std::vector<ServiceSpec>& specs, std::size_t first,
                       std::string& prefix) {
  const ServiceSpec& head = specs[first];
  if (!head.id.ends_with('1') || !is_service_id(head.id.substr(0, head.id.size() - 1), 26))
    return 1;
  prefix = head.id.substr(0, head.id.size() - 1);
  std::size_t n = 1;
  while (first + n < specs.size()) {
    ServiceSpec next = specs[first + n];
    if (next.id != fmt::format("{}{}", prefix, n + 1)) break;
    next.id = head.id;
    if (next != head) break;
    ++n;
  }
  return n;
}

void write_fleet(std::string& out, const SimConfig& c) {
  auto to = std::back_inserter(out);
  out += "fleet:\n  services:\n";
  for (std::size_t i = 0; i < c.services.size();) {
    const ServiceSpec& spec = c.services[i];
    std::string prefix;
    const std::size_t alike = alike_from(c.services, i, prefix);
    if (alike > 1) {
      fmt::format_to(to, "    - id: {}\n      count: {}\n", scalar(prefix), alike);
    } else {
      fmt::format_to(to, "    - id: {}\n", scalar(spec.id));
    }
    fmt::format_to(to, "      standbys: {}\n      replication: {}\n      followers: {}\n",
                   spec.standbys, spec.synchronous ? "sync" : "async", spec.followers);
    i += alike;
  }
  if (!c.zones.names.empty()) {
    std::vector<std::string> names;
    for (const std::string& name : c.zones.names)
      names.push_back(scalar(name));
    fmt::format_to(to, "  zones:\n    names: [{}]\n    racks: {}\n    hosts_max: {}\n",
                   fmt::join(names, ", "), c.zones.racks, c.zones.hosts_max);
  }
  if (c.api_rate.per_second != 0 || c.host_quota != 0) {
    out += "  api:\n";
    if (c.api_rate.per_second != 0) {
      fmt::format_to(to, "    rate: {}\n    burst: {}\n", c.api_rate.per_second, c.api_rate.burst);
    }
    if (c.host_quota != 0) fmt::format_to(to, "    host_quota: {}\n", c.host_quota);
  }
  fmt::format_to(to, "  boot_min: {}\n  boot_max: {}\n  database_restart: {}\n",
                 format_duration(c.boot_min_us), format_duration(c.boot_max_us),
                 format_duration(c.database_restart_us));
  fmt::format_to(to, "workload:\n  clients_per_service: {}\n  write_interval: {}\n",
                 c.clients_per_service, format_duration(c.write_interval_us));
}

void write_control_plane(std::string& out, const SimConfig& c) {
  auto to = std::back_inserter(out);
  out += "control_plane:\n";
  if (!c.control_plane.empty()) fmt::format_to(to, "  name: {}\n", scalar(c.control_plane));
  fmt::format_to(to, "  tick_interval: {}\n  checkin_interval: {}\n",
                 format_duration(c.tick_interval_us), format_duration(c.checkin_interval_us));
  fmt::format_to(to, "  restart_delay: {}\n", format_duration(c.control_plane_restart_us));
  // Written only when asked for: a fuzz input's reproducer audits every pass.
  if (c.audit_interval_us != SimConfig{}.audit_interval_us) {
    fmt::format_to(to, "  audit_interval: {}\n", format_duration(c.audit_interval_us));
  }
  for (const auto& [key, value] : c.plane_settings)
    fmt::format_to(to, "  {}: {}\n", key, scalar(value));
}

void write_network_and_random(std::string& out, const SimConfig& c) {
  auto to = std::back_inserter(out);
  fmt::format_to(
      to, "network:\n  delay_min: {}\n  delay_max: {}\n  loss_ppm: {}\n  duplicate_ppm: {}\n",
      format_duration(c.network.delay_min_us), format_duration(c.network.delay_max_us),
      c.network.loss_ppm, c.network.duplicate_ppm);
  std::vector<std::string_view> kinds;
  for (FaultKind kind : c.faults.kinds)
    kinds.push_back(info(kind).name);
  fmt::format_to(to, "random:\n  faults: {{mean_gap: {}, active_max: {}{}}}\n",
                 format_duration(c.faults.mean_gap_us), c.faults.active_max,
                 kinds.empty() ? "" : fmt::format(", kinds: [{}]", fmt::join(kinds, ", ")));
  fmt::format_to(to, "  operators: {{mean_gap: {}}}\n", format_duration(c.operator_mean_gap_us));
}

void write_requirements(std::string& out, const Scenario& s) {
  if (s.requirements.empty()) return;
  out += "requires:\n";
  for (const Requirement& r : s.requirements) {
    auto to = std::back_inserter(out);
    fmt::format_to(to, "  - {}: {}\n", to_string(r.what.kind), scalar(r.what.name));
    if (r.during) {
      fmt::format_to(to, "    during: {{{}: {}}}\n", to_string(r.during->kind),
                     scalar(r.during->name));
    }
    if (!r.service.empty()) fmt::format_to(to, "    service: {}\n", scalar(r.service));
    if (r.times != 1) fmt::format_to(to, "    times: {}\n", r.times);
  }
}

std::string read_file_text(const std::string& path, std::string& text) {
  core::Result<std::string> read = core::read_input_file(path, kScenarioBytesMax);
  if (!read) return read.error().message;
  text = std::move(*read);
  return "";
}

}  // namespace

core::Result<Scenario> parse_scenario(std::string_view yaml, std::string_view source) {
  try {
    check_text(yaml);
    return read_scenario(read_tree(yaml), source);
  } catch (const Failure& failure) {
    return core::Error{render(source, failure)};
  } catch (const std::bad_alloc&) {
    return core::Error{fmt::format("{}: out of memory while reading the scenario", source)};
  }
}

core::Result<std::string> scenario_plane_name(const std::string& path) {
  std::string text;
  if (std::string why = read_file_text(path, text); !why.empty()) {
    return core::Error{fmt::format("{}: cannot read the scenario: {}", path, why)};
  }
  try {
    check_text(text);
    const Node root = read_tree(text);
    if (root.kind != Node::Kind::kMap) return std::string();
    for (std::size_t i = 0; i < root.keys.size(); ++i) {
      if (root.keys[i].text != "control_plane") continue;
      const Node& plane = root.values[i];
      if (plane.kind == Node::Kind::kScalar) return plane.text;
      for (std::size_t k = 0; plane.kind == Node::Kind::kMap && k < plane.keys.size(); ++k) {
        if (plane.keys[k].text == "name") return plane.values[k].text;
      }
    }
    return std::string();
  } catch (const Failure& failure) {
    return core::Error{render(path, failure)};
  } catch (const std::bad_alloc&) {
    return core::Error{fmt::format("{}: out of memory while reading the scenario", path)};
  }
}

core::Result<Scenario> load_scenario_file(const std::string& path) {
  std::string text;
  if (std::string why = read_file_text(path, text); !why.empty()) {
    return core::Error{fmt::format("{}: cannot read the scenario: {}", path, why)};
  }
  return parse_scenario(text, path);
}

std::string availability_yaml(const AvailabilityBounds& bounds) {
  std::vector<std::string> fields;
  if (bounds.min_ppm) {
    const std::uint32_t ppm = *bounds.min_ppm;
    std::string fraction = fmt::format("{:04}", ppm % 10'000);
    while (!fraction.empty() && fraction.back() == '0')
      fraction.pop_back();
    fields.push_back(
        fmt::format("min: {}{}{}%", ppm / 10'000, fraction.empty() ? "" : ".", fraction));
  }
  if (bounds.worst_window_max_us) {
    fields.push_back(
        fmt::format("worst_window_max: {}", format_duration(*bounds.worst_window_max_us)));
  }
  return fmt::format("availability: {{{}}}", fmt::join(fields, ", "));
}

namespace {

// `expect: pass`, or `expect: {...}` with the violation, the availability
// bounds and the disruption bounds the scenario has (`pass` stands first
// when only disruptions are bounded).
void write_expect(std::string& out, const ExpectedVerdict& expect) {
  std::vector<std::string> fields;
  if (expect.violation)
    fields.push_back(fmt::format("violation: {}", to_string(*expect.violation)));
  if (expect.availability) fields.push_back(availability_yaml(*expect.availability));
  if (!expect.disruptions_max.empty()) {
    std::vector<std::string> bounds;
    for (const auto& [kind, max] : expect.disruptions_max)
      bounds.push_back(fmt::format("{}: {}", core::to_string(kind), max));
    if (fields.empty()) fields.emplace_back("pass");
    fields.push_back(fmt::format("disruptions_max: {{{}}}", fmt::join(bounds, ", ")));
  }
  if (fields.empty()) {
    out += "expect: pass\n";
  } else {
    fmt::format_to(std::back_inserter(out), "expect: {{{}}}\n", fmt::join(fields, ", "));
  }
}

}  // namespace

std::string to_yaml(const Scenario& s) {
  std::string out;
  auto to = std::back_inserter(out);
  fmt::format_to(to, "name: {}\ndescription: {}", scalar(s.name), description_yaml(s.description));
  fmt::format_to(to, "seed: {}\nduration: {}\n", s.config.seed, format_duration(s.duration_us));
  if (s.provisioning_us > 0)
    fmt::format_to(to, "provisioning: {}\n", format_duration(s.provisioning_us));
  fmt::format_to(to, "recovery: {}\n", format_duration(s.recovery_us));
  write_fleet(out, s.config);
  write_control_plane(out, s.config);
  write_network_and_random(out, s.config);
  write_timeline(out, s);
  const bool serving_bound = s.config.serving_when_healthy_max_us != kServingWhenHealthyDefaultUs;
  if (!s.config.dwell_overrides.empty() || serving_bound) {
    out += "bounds:\n";
    if (serving_bound) {
      fmt::format_to(to, "  {}: {}\n", kServingBoundKey,
                     format_duration(s.config.serving_when_healthy_max_us));
    }
    for (const auto& [state, bound_us] : s.config.dwell_overrides) {
      fmt::format_to(to, "  {}: {}\n", scalar(state), format_duration(bound_us));
    }
  }
  write_requirements(out, s);
  write_expect(out, s.expect);
  return out;
}

}  // namespace unwedge::sim
