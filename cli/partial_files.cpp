#include "cli/partial_files.hpp"

#include <atomic>
#include <climits>
#include <csignal>
#include <cstring>
#include <unistd.h>

namespace unwedge::cli {
namespace {

// A command writes one or two files at a time; the slots are fixed so the
// handler touches no allocator. The handler stays once installed: with no
// slot in use it only ends the process, as the default would.
constexpr std::size_t kSlots = 8;
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

char g_paths[kSlots][PATH_MAX];
volatile std::sig_atomic_t g_used[kSlots];

extern "C" void remove_partials_then_end(int signal_number) {
  for (std::size_t i = 0; i < kSlots; ++i) {
    if (g_used[i] != 0) ::unlink(g_paths[i]);  // async-signal-safe
  }
  std::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

// Only where the signal would end the process: a handler already there (a
// campaign's) or an ignored signal is left alone.
void install_where_default() {
  for (int signal_number : kSignals) {
    struct sigaction current {};
    ::sigaction(signal_number, nullptr, &current);
    if ((current.sa_flags & SA_SIGINFO) != 0 || current.sa_handler != SIG_DFL) continue;
    struct sigaction handler {};
    handler.sa_handler = remove_partials_then_end;
    sigemptyset(&handler.sa_mask);
    ::sigaction(signal_number, &handler, nullptr);
  }
}

}  // namespace

PartialFile::PartialFile(const std::filesystem::path& partial) {
  const std::string& text = partial.native();
  if (text.size() >= PATH_MAX) return;
  install_where_default();
  for (std::size_t i = 0; i < kSlots; ++i) {
    if (g_used[i] != 0) continue;
    std::memcpy(g_paths[i], text.c_str(), text.size() + 1);
    // The path is whole before a handler can see the slot in use.
    std::atomic_signal_fence(std::memory_order_seq_cst);
    g_used[i] = 1;
    slot_ = static_cast<std::ptrdiff_t>(i);
    return;
  }
}

PartialFile::~PartialFile() {
  if (slot_ < 0) return;
  g_used[slot_] = 0;
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

}  // namespace unwedge::cli
