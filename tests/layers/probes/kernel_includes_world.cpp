// Compiled with the simulator kernel's include roots: the kernel sits below
// every world, so no world's header is there to include.
#include "worlds/postgres/world.hpp"

int main() {
  return 0;
}
