// A word that a shell reads back as exactly the text it was made from, and
// terminal text with nothing a terminal would act on.
#include "reports/shell_word.hpp"

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

namespace unwedge::reports {
namespace {

// What /bin/sh makes of `word`: printf's argument, read back byte for byte.
std::string as_the_shell_reads(const std::string& word) {
  const std::string command = "printf '%s' " + word;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "<popen failed>";
  std::string out;
  std::array<char, 256> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
    out.append(buffer.data(), n);
  const int status = pclose(pipe);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "<the shell failed>";
  return out;
}

TEST(ShellWord, APlainPathStaysAsItIsAndAHostileOneIsOneWord) {
  EXPECT_EQ(shell_word("repro/swarm-seed-17.yaml"), "repro/swarm-seed-17.yaml");
  EXPECT_EQ(shell_word("x\"; rm -rf ~; echo \".yaml"), "'x\"; rm -rf ~; echo \".yaml'");
  EXPECT_EQ(shell_word("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_word(""), "''");
  EXPECT_EQ(shell_path("-rf.yaml"), "./-rf.yaml");
  for (const std::string text :
       {"x\"; rm -rf ~; echo \".yaml", "$(touch pwned).yaml", "`id`", "a b\tc", "it's", "~",
        "*.yaml", "a\nb", "!event", "semi;colon", "back\\slash", "", "-rf"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(as_the_shell_reads(shell_word(text)), text);
  }
}

// Any printable text at all (a NUL cannot be in a command line).
RC_GTEST_PROP(ShellWordProperty, TheShellReadsBackTheText, ()) {
  const std::string text = *rc::gen::container<std::string>(rc::gen::inRange<char>(1, 127));
  RC_ASSERT(as_the_shell_reads(shell_word(text)) == text);
}

TEST(TerminalText, ControlCharactersAreShownNotActedOn) {
  EXPECT_EQ(terminal_text("\x1b]0;owned\x07.yaml"), "\\x1b]0;owned\\x07.yaml");
  EXPECT_EQ(terminal_text("two\nlines\tand a tab"), "two\nlines\tand a tab");
  EXPECT_EQ(terminal_text("two\nlines", false), "two\\x0alines");
  EXPECT_EQ(terminal_text("del\x7f"), "del\\x7f");
  EXPECT_EQ(terminal_text("caf\xc3\xa9"), "caf\xc3\xa9");  // UTF-8 is text
  EXPECT_EQ(terminal_text("\xe2\x9c\x93 \xf0\x9f\x90\x98"), "\xe2\x9c\x93 \xf0\x9f\x90\x98");
}

// The C1 controls act on many terminals too: CSI (U+009B) as UTF-8, and a
// lone 0x9B byte on an 8-bit one. Bytes that are not UTF-8 are escaped.
TEST(TerminalText, COneControlsAndBytesThatAreNotUtf8AreShownNotActedOn) {
  EXPECT_EQ(terminal_text("a\xc2\x9b"
                          "2Jb"),
            "a\\u009b2Jb");
  EXPECT_EQ(terminal_text("\xc2\x85next"), "\\u0085next");
  EXPECT_EQ(terminal_text("\xc2\xa0nbsp"), "\xc2\xa0nbsp");  // U+00A0 is text
  EXPECT_EQ(terminal_text("lone \x9b"
                          "2J"),
            "lone \\x9b2J");
  EXPECT_EQ(terminal_text("latin1 caf\xe9"), "latin1 caf\\xe9");
  EXPECT_EQ(terminal_text("cut \xe2\x9c"), "cut \\xe2\\x9c");
  EXPECT_EQ(terminal_text("overlong \xc0\xaf"), "overlong \\xc0\\xaf");
  EXPECT_EQ(terminal_text("surrogate \xed\xa0\x80"), "surrogate \\xed\\xa0\\x80");
}

}  // namespace
}  // namespace unwedge::reports
