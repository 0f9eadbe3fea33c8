#include "seam/settings_reader.hpp"

#include <fmt/format.h>

#include "core/assert.hpp"
#include "core/value_text.hpp"

namespace unwedge::seam {

SettingsReader::SettingsReader(const SettingsText& text, std::vector<SettingInfo> declared)
    : text_(text), declared_(std::move(declared)) {}

const std::string* SettingsReader::value_of(std::string_view key) const {
  UNWEDGE_ASSERT_MSG(std::any_of(declared_.begin(), declared_.end(),
                                 [&](const SettingInfo& s) { return s.name == key; }),
                     "setting {} is read but not declared", key);
  if (refusal_) return nullptr;
  auto it = text_.find(key);
  return it == text_.end() ? nullptr : &it->second;
}

void SettingsReader::duration(std::string_view key, core::TimeUs low_us, core::TimeUs high_us,
                              core::TimeUs& out) {
  const std::string* text = value_of(key);
  if (text == nullptr) return;
  core::Result<core::TimeUs> value = core::parse_duration_within(*text, low_us, high_us);
  if (!value) return refuse(key, value.error().message);
  out = *value;
}

std::optional<std::int64_t> SettingsReader::whole_number_of(std::string_view key, std::int64_t low,
                                                            std::int64_t high) {
  const std::string* text = value_of(key);
  if (text == nullptr) return std::nullopt;
  core::Result<std::int64_t> value = core::parse_whole_number(*text, low, high);
  if (!value) {
    refuse(key, value.error().message);
    return std::nullopt;
  }
  return *value;
}

void SettingsReader::flag(std::string_view key, bool& out) {
  const std::string* text = value_of(key);
  if (text == nullptr) return;
  if (*text != "true" && *text != "false") {
    return refuse(key, fmt::format("expected true or false, got {}", core::quoted(*text)));
  }
  out = *text == "true";
}

void SettingsReader::choice(std::string_view key, const std::vector<std::string_view>& names,
                            std::size_t& out) {
  UNWEDGE_ASSERT(!names.empty());
  const std::string* text = value_of(key);
  if (text == nullptr) return;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == *text) {
      out = i;
      return;
    }
  }
  refuse(key,
         fmt::format("unknown value {}; allowed: {}", core::quoted(*text), fmt::join(names, ", ")));
}

bool SettingsReader::given(std::string_view key) const {
  return text_.find(key) != text_.end();
}

void SettingsReader::refuse(std::string_view key, std::string_view message) {
  UNWEDGE_ASSERT(!key.empty());
  UNWEDGE_ASSERT(!message.empty());
  if (!refusal_) refusal_ = fmt::format("{}: {}", key, message);
}

core::Status SettingsReader::finish() const {
  for (const auto& entry : text_) {
    // A name, not a structured binding: clang 14 cannot capture those in a lambda.
    const std::string& key = entry.first;
    const bool known = std::any_of(declared_.begin(), declared_.end(),
                                   [&](const SettingInfo& s) { return s.name == key; });
    if (known) continue;
    std::vector<std::string_view> names;
    for (const SettingInfo& s : declared_)
      names.push_back(s.name);
    return core::Error{
        fmt::format("{}: not a setting of this control plane; its settings: {}", key,
                    names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", ")))};
  }
  if (refusal_) return core::Error{*refusal_};
  return core::Status::Ok();
}

std::optional<SettingRefusal> setting_of(std::string_view message,
                                         const std::vector<SettingInfo>& declared) {
  const std::size_t colon = message.find(": ");
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string_view key = message.substr(0, colon);
  for (const SettingInfo& s : declared) {
    if (s.name == key) {
      return SettingRefusal{.key = std::string(key),
                            .message = std::string(message.substr(colon + 2))};
    }
  }
  return std::nullopt;
}

}  // namespace unwedge::seam
