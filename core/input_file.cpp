#include "core/input_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

namespace unwedge::core {
namespace {

std::string why_not_opened(int error) {
  switch (error) {
    case ENOENT:
      return "no such file";
    case ELOOP:
      return "a loop of symbolic links";
    case ENOTDIR:
      return "a part of the path is not a directory";
    case EACCES:
      return "permission denied; check its permissions";
    default:
      return std::strerror(error);
  }
}

// Closes the descriptor whichever way the read ends.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::string describe_size(std::size_t bytes) {
  const std::string plain = std::to_string(bytes);
  std::string digits;
  for (std::size_t i = 0; i < plain.size(); ++i) {
    if (i > 0 && (plain.size() - i) % 3 == 0) digits += ',';
    digits += plain[i];
  }
  if (bytes < 1024) return fmt::format("{} bytes", digits);
  if (bytes < 1024 * 1024) return fmt::format("{} bytes ({:.1f} KiB)", digits, bytes / 1024.0);
  return fmt::format("{} bytes ({:.1f} MiB)", digits, bytes / (1024.0 * 1024.0));
}

Result<std::string> read_input_file(const std::string& path, std::size_t bytes_max) {
  if (path.empty()) return Error{"an empty path names no file"};
  // Non-blocking to open: a FIFO with no writer is refused below rather
  // than waited on for ever. Reads block again once it is known to be one.
  Descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) {
    // Opening a directory read-only succeeds on Linux; EISDIR is for writes.
    return Error{why_not_opened(errno)};
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return Error{std::strerror(errno)};
  if (S_ISDIR(info.st_mode)) return Error{"a directory, not a file"};
  if (::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK) != 0) {
    return Error{std::strerror(errno)};
  }
  if (S_ISREG(info.st_mode) && static_cast<std::size_t>(info.st_size) > bytes_max) {
    return Error{fmt::format("the file is {}; at most {} are read",
                             describe_size(static_cast<std::size_t>(info.st_size)),
                             describe_size(bytes_max))};
  }
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{fmt::format("could not be read: {}", std::strerror(errno))};
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    // A file that grew since, a device or a FIFO: one byte past is enough.
    if (text.size() > bytes_max) {
      return Error{
          fmt::format("more than {} came from it; at most that is read", describe_size(bytes_max))};
    }
  }
  return text;
}

}  // namespace unwedge::core
