// The one strict JSON reader of every record the campaign writes and reads
// back: report.json (reports/report_json.hpp), a line of runs.jsonl and a
// worker's result (cli/campaign_report.hpp, cli/worker_result.hpp), the
// canary's line. Strict, since a merged report is only as good as what it
// read: a missing key, an unknown key, a value of the wrong type or out of
// range, and text that is not JSON or is cut short, are each an error that
// names the record, the key path in it ("coverage.machines[2].name") and
// what was expected, with "did you mean" for a key that is a near miss of a
// known one (core/nearest_name.hpp, the rule the scenario reader follows).
// Reading never throws out of parse_strict and never crashes.
//
// A record is read by one function per type, `read(const In&, path, T&)`,
// declared in the type's own namespace (so the templates here find it),
// that walks an Object key by key:
//
//   void read(const In& j, const std::string& path, Point& out) {
//     Object o(j, path);
//     o.get("x", out.x);
//     o.get_if_present("label", out.label);  // added after the format was fixed
//     o.done();                              // any other key is an error
//   }
//   core::Status ok = parse_strict(text, "points.json", "write it again",
//                                  [&](const In& j) { read(j, "point", point); });
#pragma once

#include <cstdint>
#include <fmt/format.h>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace unwedge::reports {

using In = nlohmann::json;

// Where reading stopped: the key path in the record and what is wrong there.
struct ReadError {
  std::string path;
  std::string what;
};

// "an object", "a list", "a string", ...: what a value is, for messages.
std::string kind_of(const In& j);
[[noreturn]] void wrong(const In& j, const std::string& path, const char* expected);

void read(const In& j, const std::string& path, std::uint64_t& out);
void read(const In& j, const std::string& path, std::int64_t& out);
void read(const In& j, const std::string& path, std::uint32_t& out);
void read(const In& j, const std::string& path, int& out);
void read(const In& j, const std::string& path, bool& out);
void read(const In& j, const std::string& path, double& out);
void read(const In& j, const std::string& path, std::string& out);
// A digest as 16 hex digits.
void read_hex64(const In& j, const std::string& path, std::uint64_t& out);

template <class T>
void read(const In& j, const std::string& path, std::vector<T>& out) {
  if (!j.is_array()) wrong(j, path, "a list");
  out.clear();
  out.resize(j.size());
  for (std::size_t i = 0; i < j.size(); ++i)
    read(j[i], fmt::format("{}[{}]", path, i), out[i]);
}

// null is the empty optional.
template <class T>
void read(const In& j, const std::string& path, std::optional<T>& out) {
  if (j.is_null()) {
    out.reset();
    return;
  }
  T value{};
  read(j, path, value);
  out = std::move(value);
}

// An object whose keys are exactly the ones read (plus the derived ones
// ignored): a missing key or an unknown one is an error.
class Object {
 public:
  Object(const In& j, std::string path);

  const In& at(const char* key);
  // "campaign.status": the path of one of its keys.
  std::string path(const char* key) const;

  template <class T>
  void get(const char* key, T& out) {
    read(at(key), path(key), out);
  }
  // A key added after its format was fixed: records written before it lack
  // it and are read as they were.
  template <class T>
  void get_if_present(const char* key, T& out) {
    if (const In* value = find(key); value != nullptr) read(*value, path(key), out);
  }
  // An optional key's value, or null when it is absent.
  const In* find(const char* key);
  // A value written for the reader's convenience and derived again on use.
  void derived(const char* key) { at(key); }
  // Every key was read: an unknown one is an error (with "did you mean").
  void done() const;

 private:
  std::string where() const { return path_.empty() ? "the top level" : path_; }

  const In& j_;
  std::string path_;
  std::vector<std::string_view> used_;
};

// Parses `text` and reads it with `body`; every failure is an error naming
// `what` (the file or record), the key path, and `fix`.
core::Status parse_strict(std::string_view text, std::string_view what, std::string_view fix,
                          const std::function<void(const In&)>& body);

}  // namespace unwedge::reports
