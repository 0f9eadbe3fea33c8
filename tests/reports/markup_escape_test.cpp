#include "reports/markup_escape.hpp"

#include <gmock/gmock.h>

#include <gtest/gtest.h>

namespace unwedge::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kReplacement = "\xEF\xBF\xBD";

TEST(MarkupEscape, ScriptInTextIsShownNotRun) {
  EXPECT_EQ(markup_text("<script>alert(1)</script> & \"x\""),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; \"x\"");
  EXPECT_EQ(markup_text("&amp;"), "&amp;amp;");
}

TEST(MarkupEscape, AttributesEscapeQuotesAndKeepLineBreaks) {
  EXPECT_EQ(markup_attribute("a\" onmouseover='x'"), "a&quot; onmouseover=&#39;x&#39;");
  EXPECT_EQ(markup_attribute("line1\nline2\r\tend"), "line1&#10;line2&#13;&#9;end");
  EXPECT_EQ(markup_attribute("<>&"), "&lt;&gt;&amp;");
}

TEST(MarkupEscape, ControlCharactersXmlForbidsAreReplaced) {
  EXPECT_EQ(valid_xml_chars(std::string("a\0b", 3)), "a" + kReplacement + "b");
  EXPECT_EQ(valid_xml_chars("\x01\x08\x0B\x0C\x1F"),
            kReplacement + kReplacement + kReplacement + kReplacement + kReplacement);
  EXPECT_EQ(valid_xml_chars("tab\tnewline\ncr\r"), "tab\tnewline\ncr\r");
  EXPECT_EQ(valid_xml_chars("\xEF\xBF\xBE\xEF\xBF\xBF"), kReplacement + kReplacement);  // U+FFFE/F
}

TEST(MarkupEscape, InvalidUtf8IsReplacedByteByByte) {
  EXPECT_EQ(valid_xml_chars("\xC0\xAF"), kReplacement + kReplacement);  // overlong '/'
  EXPECT_EQ(valid_xml_chars("\xED\xA0\x80"),
            kReplacement + kReplacement + kReplacement);                         // surrogate
  EXPECT_EQ(valid_xml_chars("ok\xE2\x82"), "ok" + kReplacement + kReplacement);  // truncated
  EXPECT_EQ(valid_xml_chars("\x80x"), kReplacement + "x");  // stray continuation
  EXPECT_EQ(valid_xml_chars("\xF4\x90\x80\x80"),
            kReplacement + kReplacement + kReplacement + kReplacement);  // past U+10FFFF
  EXPECT_EQ(valid_xml_chars("\xFF"), kReplacement);
}

TEST(MarkupEscape, ValidMultibyteCharactersSurvive) {
  const std::string text = "caf\xC3\xA9 \xE2\x86\x92 \xF0\x9F\x90\x98 \xC3\x97";
  EXPECT_EQ(valid_xml_chars(text), text);
  EXPECT_EQ(markup_text(text), text);
}

TEST(MarkupEscape, LinksStayRelative) {
  EXPECT_EQ(safe_relative_href("repro/swarm-seed-17.yaml"), "repro/swarm-seed-17.yaml");
  EXPECT_EQ(safe_relative_href("repro/a b\"<x>.yaml"), "repro/a%20b%22%3Cx%3E.yaml");
  EXPECT_EQ(safe_relative_href("javascript:alert(1)"), "javascript%3Aalert%281%29");
  EXPECT_EQ(safe_relative_href("//evil.example/x"), "");
  EXPECT_EQ(safe_relative_href("/etc/passwd"), "");
  EXPECT_EQ(safe_relative_href("\\\\host\\share"), "");
  EXPECT_EQ(safe_relative_href("repro/x\n.yaml"), "");
  EXPECT_EQ(safe_relative_href(""), "");
}

TEST(MarkupEscape, MarkdownCellsCannotBreakTheTableOrHoldHtml) {
  const std::string cell = markdown_inline("a | b\nc <img src=x> & `d` *e* [f](g)");
  EXPECT_THAT(cell, Not(HasSubstr("\n")));
  EXPECT_THAT(cell, Not(HasSubstr(" | ")));
  EXPECT_THAT(cell, Not(HasSubstr("<img")));
  EXPECT_EQ(cell, "a \\| b c &lt;img src=x&gt; &amp; \\`d\\` \\*e\\* \\[f\\](g)");
}

}  // namespace
}  // namespace unwedge::reports
