// `text` as one word for /bin/sh: single-quoted, each ' written as '\''.
// For commands handed to popen(), by the canary runner and the CLI tests.
#pragma once

#include <string>

namespace unwedge::cli {

inline std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

}  // namespace unwedge::cli
