#include "reports/markup_escape.hpp"

#include <cstdint>

#include "core/assert.hpp"

namespace unwedge::reports {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool is_continuation(unsigned char byte) {
  return (byte & 0xC0) == 0x80;
}

// The length of the well-formed UTF-8 sequence at the start of `text` and
// its code point, or 0 when it is not well-formed (RFC 3629: no overlong
// forms, no surrogates, nothing past U+10FFFF).
std::size_t decode(std::string_view text, char32_t& code_point) {
  UNWEDGE_ASSERT(!text.empty());
  const auto lead = static_cast<unsigned char>(text[0]);
  std::size_t length = 0;
  char32_t minimum = 0;
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, minimum = 0x80, code_point = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, minimum = 0x800, code_point = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, minimum = 0x10000, code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (!is_continuation(byte)) return 0;
    code_point = (code_point << 6) | (byte & 0x3F);
  }
  if (code_point < minimum || code_point > 0x10FFFF) return 0;
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return 0;
  return length;
}

// XML 1.0's Char production.
bool allowed_in_xml(char32_t c) {
  if (c == 0x9 || c == 0xA || c == 0xD) return true;
  if (c < 0x20) return false;
  return c != 0xFFFE && c != 0xFFFF;
}

bool unreserved_in_url(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~' || c == '/';
}

}  // namespace

std::string valid_xml_chars(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    char32_t c = 0;
    const std::size_t length = decode(text, c);
    if (length == 0) {
      // One byte at a time, so the next well-formed character survives.
      out += kReplacement;
      text.remove_prefix(1);
      continue;
    }
    if (allowed_in_xml(c)) {
      out += text.substr(0, length);
    } else {
      out += kReplacement;
    }
    text.remove_prefix(length);
  }
  return out;
}

namespace {

// The entity for `c` in text (and, for `attribute`, in a quoted attribute
// value, where quotes and whitespace must survive too); empty: `c` itself.
std::string_view entity(char c, bool attribute) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    default:
      break;
  }
  if (!attribute) return {};
  switch (c) {
    case '"':
      return "&quot;";
    case '\'':
      return "&#39;";
    case '\t':
      return "&#9;";
    case '\n':
      return "&#10;";
    case '\r':
      return "&#13;";
    default:
      return {};
  }
}

std::string escaped(std::string_view text, bool attribute) {
  std::string out;
  for (char c : valid_xml_chars(text)) {
    const std::string_view replacement = entity(c, attribute);
    if (replacement.empty()) {
      out += c;
    } else {
      out += replacement;
    }
  }
  return out;
}

}  // namespace

std::string markup_text(std::string_view text) {
  return escaped(text, false);
}

std::string markup_attribute(std::string_view text) {
  return escaped(text, true);
}

std::string safe_relative_href(std::string_view path) {
  if (path.empty()) return "";
  // "/x" and "//host/x" leave the output directory; a backslash is read as a
  // slash by some browsers.
  if (path.front() == '/' || path.front() == '\\') return "";
  std::string out;
  for (char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) return "";
    // Percent-encoding ':' is what keeps "javascript:..." a relative path.
    if (unreserved_in_url(c)) {
      out += c;
    } else {
      constexpr std::string_view kHex = "0123456789ABCDEF";
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

std::string markdown_inline(std::string_view text) {
  std::string out;
  for (char c : valid_xml_chars(text)) {
    switch (c) {
      case '\n':
      case '\r':
      case '\t':
        out += ' ';
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '|':
      case '~':
        out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace unwedge::reports
