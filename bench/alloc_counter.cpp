// Replaces the global operator new/delete with malloc/free plus a counter,
// so benchmarks can report heap allocations per operation. The benchmarks
// run on one thread, so the counter is a plain integer: an atomic would add
// its own cost to every allocation being measured. Array and nothrow forms
// of libstdc++ forward to these; aligned forms are left alone.
#include <cstdlib>
#include <new>

#include "bench/bench_support.hpp"

namespace {
std::uint64_t allocations = 0;
}  // namespace

std::uint64_t unwedge::bench::allocation_count() {
  return allocations;
}

void* operator new(std::size_t size) {
  ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}

void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
