// All of `text` to a descriptor, retried after a signal, or false with errno
// saying why (EIO when a write wrote nothing). For the worker pool's pipes,
// runs.jsonl and the output layer's partial files.
#pragma once

#include <cerrno>
#include <string_view>
#include <unistd.h>

namespace unwedge::cli {

inline bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return false;
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace unwedge::cli
