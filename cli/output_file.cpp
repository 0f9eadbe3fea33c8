#include "cli/output_file.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <string_view>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <utility>

#include "cli/write_all.hpp"

namespace unwedge::cli {
namespace {

// What a file of this mode is, for a refusal: "a directory".
const char* kind_of(mode_t mode) {
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

core::Error system_error(const std::filesystem::path& path, std::string_view doing, int error) {
  return core::Error{fmt::format("{}: {}: {}", path.string(), doing, std::strerror(error))};
}

core::Status make_parent(const std::filesystem::path& path) {
  if (!path.has_parent_path()) return core::Status::Ok();
  std::error_code error;
  std::filesystem::create_directories(path.parent_path(), error);
  if (error) {
    return core::Error{fmt::format("{}: the directory cannot be made: {}",
                                   path.parent_path().string(), error.message())};
  }
  return core::Status::Ok();
}

// Creates `<path>.partial-XXXXXX`, a name of its own: two writers of one
// target (shards sharing a corpus) never write into each other's file. It
// gets the target's permissions when the target exists, else the usual
// ones (0666 less the umask). `partial` receives the name.
core::Result<int> create_partial(const std::filesystem::path& path,
                                 std::filesystem::path& partial) {
  std::string name = path.string() + ".partial-XXXXXX";
  const int fd = ::mkstemp(name.data());
  if (fd < 0) return system_error(path.string() + ".partial", "cannot be created", errno);
  partial = name;
  struct stat target {};
  mode_t mode = 0;
  if (::stat(path.c_str(), &target) == 0) {
    mode = target.st_mode & 07777;
  } else {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    mode = 0666 & ~mask;
  }
  if (::fchmod(fd, mode) != 0) {
    const int error = errno;
    ::close(fd);
    ::unlink(partial.c_str());
    return system_error(partial, "cannot be given its permissions", error);
  }
  return fd;
}

// errno, or EIO when a failure left none (a stream's error flag set by an
// earlier write, errno overwritten since).
int failure_errno() {
  return errno != 0 ? errno : EIO;
}

// The rename is on the disk once the directory is: a crash right after a
// finished run keeps the new file. Filesystems that cannot sync a directory
// say EINVAL; the file itself is synced already.
core::Status sync_directory(const std::filesystem::path& path) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return system_error(dir, "cannot be opened to sync", errno);
  const bool synced = ::fsync(fd) == 0 || errno == EINVAL;
  const int error = errno;
  ::close(fd);
  if (!synced) return system_error(dir, "cannot be synced", error);
  return core::Status::Ok();
}

// Renamed over `path` once flushed to the disk and closed (`synced`, or
// the failure's errno); on any failure the partial file is removed.
core::Status put_in_place(bool synced, int error, const std::filesystem::path& partial,
                          const std::filesystem::path& path) {
  if (!synced) {
    ::unlink(partial.c_str());
    return system_error(path, "cannot be written", error);
  }
  if (::rename(partial.c_str(), path.c_str()) != 0) {
    error = errno;
    ::unlink(partial.c_str());
    return system_error(path, "cannot be put in place", error);
  }
  return sync_directory(path);
}

// fsync, then close: both must succeed for the file to be whole on the disk.
bool sync_and_close(int fd, int& error) {
  bool ok = ::fsync(fd) == 0;
  if (!ok) error = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    error = errno;
  }
  return ok;
}

}  // namespace

core::Status check_output_path(const std::filesystem::path& path) {
  if (path.empty()) return core::Error{"an empty path names no file; give a path, or - for stdout"};
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return core::Status::Ok();
    return system_error(path, "cannot be looked at", errno);
  }
  if (S_ISREG(info.st_mode)) return core::Status::Ok();
  const std::string fix = S_ISLNK(info.st_mode)
                              ? "unwedge writes regular files only and never replaces a link; "
                                "give the file it points to, or a new path"
                              : "unwedge writes regular files only; give a new path, or - for "
                                "standard output";
  return core::Error{fmt::format("{}: is {}; {}", path.string(), kind_of(info.st_mode), fix)};
}

bool is_partial_file_name(const std::string& name) {
  constexpr std::string_view kMark = ".partial-";
  const std::size_t at = name.rfind(kMark);
  return at != std::string::npos && name.size() == at + kMark.size() + 6;
}

void remove_partial_files(const std::filesystem::path& dir) {
  std::error_code error;
  // Bounded by the files of one directory.
  for (auto it = std::filesystem::directory_iterator(dir, error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    if (!is_partial_file_name(it->path().filename().string())) continue;
    std::error_code ignored;
    std::filesystem::remove(it->path(), ignored);
  }
}

core::Status write_file_atomically(const std::filesystem::path& path, const std::string& text) {
  if (core::Status target = check_output_path(path); !target) return target;
  if (core::Status parent = make_parent(path); !parent) return parent;
  std::filesystem::path partial;
  core::Result<int> created = create_partial(path, partial);
  if (!created) return created.error();
  const int fd = *created;
  const PartialFile guard(partial);
  if (!write_all(fd, text)) {
    const int error = errno;
    ::close(fd);
    ::unlink(partial.c_str());
    return system_error(path, "cannot be written", error);
  }
  int error = 0;
  const bool synced = sync_and_close(fd, error);
  return put_in_place(synced, error, partial, path);
}

bool write_output(const char* command, const std::string& path, const std::string& text) {
  if (path.empty() || path == kStandardOutput) {
    errno = 0;
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
      std::fprintf(stderr, "unwedge %s: standard output: cannot be written: %s\n", command,
                   std::strerror(failure_errno()));
      return false;
    }
    return true;
  }
  if (core::Status written = write_file_atomically(path, text); !written) {
    std::fprintf(stderr, "unwedge %s: %s\n", command, written.error().message.c_str());
    return false;
  }
  return true;
}

OutputStream::~OutputStream() {
  abandon();
}

core::Status OutputStream::open(const std::filesystem::path& path) {
  abandon();
  if (path == kStandardOutput) {
    standard_output_ = true;
    file_ = stdout;
    return core::Status::Ok();
  }
  if (core::Status target = check_output_path(path); !target) return target;
  if (core::Status parent = make_parent(path); !parent) return parent;
  path_ = path;
  core::Result<int> created = create_partial(path, partial_);
  if (!created) return created.error();
  const int fd = *created;
  guard_.emplace(partial_);
  file_ = ::fdopen(fd, "w");
  if (file_ == nullptr) {
    const int error = errno;
    ::close(fd);
    ::unlink(partial_.c_str());
    guard_.reset();
    return system_error(partial_, "cannot be opened", error);
  }
  return core::Status::Ok();
}

core::Status OutputStream::finish() {
  UNWEDGE_ASSERT_MSG(file_ != nullptr, "finish() of an output that is not open");
  std::FILE* file = std::exchange(file_, nullptr);
  // A write that failed on the way (a full disk) leaves the error flag set.
  bool ok = std::fflush(file) == 0 && !std::ferror(file);
  int error = ok ? 0 : failure_errno();
  if (std::exchange(standard_output_, false)) {
    if (!ok)
      return core::Error{
          fmt::format("standard output: cannot be written: {}", std::strerror(error))};
    return core::Status::Ok();
  }
  if (ok && ::fsync(::fileno(file)) != 0) {
    ok = false;
    error = errno;
  }
  if (std::fclose(file) != 0 && ok) {
    ok = false;
    error = errno;
  }
  core::Status placed = put_in_place(ok, error, partial_, path_);
  guard_.reset();
  return placed;
}

void OutputStream::abandon() {
  if (file_ == nullptr) return;
  if (!standard_output_) {
    std::fclose(file_);
    ::unlink(partial_.c_str());
    guard_.reset();
  }
  file_ = nullptr;
  standard_output_ = false;
}

}  // namespace unwedge::cli
