#include "reports/shell_word.hpp"

#include <fmt/format.h>

namespace unwedge::reports {
namespace {

// Characters that mean nothing to sh, bash or zsh anywhere in a word.
bool plain(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == '/' || c == ',' || c == ':' || c == '+' || c == '@' ||
         c == '%';
}

}  // namespace

std::string shell_word(std::string_view text) {
  bool quote = text.empty();
  for (char c : text)
    quote = quote || !plain(c);
  if (!quote) return std::string(text);
  std::string word = "'";
  for (char c : text) {
    if (c == '\'') {
      word += "'\\''";
    } else {
      word += c;
    }
  }
  return word + "'";
}

std::string shell_path(std::string_view path) {
  if (path.starts_with('-')) return shell_word("./" + std::string(path));
  return shell_word(path);
}

std::string terminal_text(std::string_view text, bool keep_lines) {
  std::string shown;
  shown.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool control = byte < 0x20 || byte == 0x7f;
    if (!control || (keep_lines && (c == '\n' || c == '\t'))) {
      shown += c;
    } else {
      shown += fmt::format("\\x{:02x}", byte);
    }
  }
  return shown;
}

}  // namespace unwedge::reports
