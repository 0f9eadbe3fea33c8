// `text` as one word for /bin/sh, for commands handed to popen() by the
// canary runner and the CLI tests: reports::shell_word, which the reports'
// printed command lines use too.
#pragma once

#include <string>

#include "reports/shell_word.hpp"

namespace unwedge::cli {

inline std::string shell_quote(const std::string& text) {
  return reports::shell_word(text);
}

}  // namespace unwedge::cli
