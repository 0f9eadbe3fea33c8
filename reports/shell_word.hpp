// Text from outside (a file name, a plane's name) put where a person will
// paste it or read it on a terminal.
//
// shell_word() makes one word of it for a POSIX shell: unchanged when every
// character is one no shell treats specially, else single-quoted (each '
// written as '\''). A scenario file named `x"; rm -rf ~; echo ".yaml` gives a
// replay command that runs nothing but unwedge.
//
// terminal_text() escapes the control characters a terminal would act on
// (an escape sequence in a file name could rewrite the screen or the title):
// each C0 control and DEL becomes \xNN, each C1 control (U+0080 to U+009F)
// \u00NN, and each byte that is not UTF-8 \xNN. Line breaks and tabs are
// kept, for messages of several lines; shell_word() and a path printed
// alone escape them too.
//
//   fmt::format("unwedge run {}", shell_word(path))
//   std::fprintf(stderr, "%s\n", terminal_text(message).c_str());
#pragma once

#include <string>
#include <string_view>

namespace unwedge::reports {

std::string shell_word(std::string_view text);
// A path as one word that no command takes for an option: "./-x.yaml"
// for "-x.yaml".
std::string shell_path(std::string_view path);

// `keep_lines`: '\n' and '\t' pass through; otherwise they are escaped too.
std::string terminal_text(std::string_view text, bool keep_lines = true);

}  // namespace unwedge::reports
