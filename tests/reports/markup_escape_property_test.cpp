#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "reports/markup_escape.hpp"

namespace unwedge::reports {
namespace {

// Any bytes at all: names and sentences come from scenario files and from
// the runs themselves.
RC_GTEST_PROP(MarkupEscapeProperty, TextIsValidXmlWithoutMarkup, (const std::string& bytes)) {
  const std::string text = markup_text(bytes);
  RC_ASSERT(valid_xml_chars(text) == text);
  RC_ASSERT(text.find('<') == std::string::npos);
  RC_ASSERT(text.find('>') == std::string::npos);
}

RC_GTEST_PROP(MarkupEscapeProperty, AttributesCannotBeClosed, (const std::string& bytes)) {
  const std::string value = markup_attribute(bytes);
  RC_ASSERT(valid_xml_chars(value) == value);
  for (char c : {'"', '\'', '<', '>', '\n', '\r', '\t'})
    RC_ASSERT(value.find(c) == std::string::npos);
}

RC_GTEST_PROP(MarkupEscapeProperty, CleaningIsIdempotent, (const std::string& bytes)) {
  const std::string valid = valid_xml_chars(bytes);
  RC_ASSERT(valid_xml_chars(valid) == valid);
}

RC_GTEST_PROP(MarkupEscapeProperty, MarkdownStaysOneCellOfOneLine, (const std::string& bytes)) {
  const std::string cell = markdown_inline(bytes);
  RC_ASSERT(cell.find('\n') == std::string::npos);
  RC_ASSERT(cell.find('<') == std::string::npos);
  // Every '|' is escaped, so none ends the cell.
  for (std::size_t at = cell.find('|'); at != std::string::npos; at = cell.find('|', at + 1)) {
    RC_ASSERT(at > 0);
    RC_ASSERT(cell[at - 1] == '\\');
  }
}

RC_GTEST_PROP(MarkupEscapeProperty, HrefsAreRelativeAndPlain, (const std::string& bytes)) {
  const std::string href = safe_relative_href(bytes);
  if (href.empty()) return;
  RC_ASSERT(href.front() != '/');
  RC_ASSERT(std::all_of(href.begin(), href.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("-._~/%").find(c) != std::string_view::npos;
  }));
}

}  // namespace
}  // namespace unwedge::reports
