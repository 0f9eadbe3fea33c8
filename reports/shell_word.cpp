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

namespace {

// The length of the well-formed UTF-8 sequence at the start of `text`, or 0
// when it is not one (a stray continuation byte, a cut or overlong one).
std::size_t utf8_sequence(std::string_view text) {
  const auto at = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = at(0);
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead == 0xe0) low = 0xa0;
    if (lead == 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead == 0xf0) low = 0x90;
    if (lead == 0xf4) high = 0x8f;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  if (at(1) < low || at(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (at(i) < 0x80 || at(i) > 0xbf) return 0;
  }
  return length;
}

}  // namespace

std::string terminal_text(std::string_view text, bool keep_lines) {
  std::string shown;
  shown.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      const bool control = byte < 0x20 || byte == 0x7f;
      if (!control || (keep_lines && (byte == '\n' || byte == '\t'))) {
        shown += text[i];
      } else {
        shown += fmt::format("\\x{:02x}", byte);
      }
      ++i;
      continue;
    }
    const std::size_t length = utf8_sequence(text.substr(i));
    if (length == 0) {
      // Not UTF-8: a byte an 8-bit terminal may take for a C1 control.
      shown += fmt::format("\\x{:02x}", byte);
      ++i;
    } else if (length == 2 && byte == 0xc2 && static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      // U+0080 to U+009F: the C1 controls (CSI is U+009B).
      shown += fmt::format("\\u{:04x}", static_cast<unsigned char>(text[i + 1]));
      i += 2;
    } else {
      shown.append(text.substr(i, length));
      i += length;
    }
  }
  return shown;
}

}  // namespace unwedge::reports
