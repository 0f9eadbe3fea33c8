// Escaping of untrusted text (scenario names, descriptions, violation
// sentences) for the rendered reports: HTML and XML text and attributes, and
// Markdown table cells. Every renderer passes free text through these, so a
// scenario named `<script>` is shown, never run, and junit.xml stays
// well-formed whatever bytes a message holds.
//
//   html += fmt::format("<td title=\"{}\">{}</td>", markup_attribute(why),
//                       markup_text(name));
#pragma once

#include <string>
#include <string_view>

namespace unwedge::reports {

// `text` as characters XML 1.0 allows: invalid UTF-8 (overlong forms,
// surrogates, stray continuation bytes, truncated sequences) and characters
// XML forbids (C0 controls other than tab, newline and carriage return;
// U+FFFE, U+FFFF) become U+FFFD, the replacement character.
std::string valid_xml_chars(std::string_view text);

// Text content of an HTML or XML element: & < > escaped, after
// valid_xml_chars.
std::string markup_text(std::string_view text);

// An attribute value between double quotes, in HTML or XML: also " and ',
// and tab, newline and carriage return as character references, which XML
// would otherwise normalise to spaces.
std::string markup_attribute(std::string_view text);

// A link target taken from a report (a repro path): relative paths only, so
// a hostile value cannot become a `javascript:` or remote link. Empty when
// `path` has a scheme, starts with // or holds control characters.
std::string safe_relative_href(std::string_view path);

// One line of Markdown, fit for a table cell: newlines become spaces, |
// and Markdown's punctuation are backslash-escaped, < and & are written as
// entities so no HTML gets through.
std::string markdown_inline(std::string_view text);

}  // namespace unwedge::reports
