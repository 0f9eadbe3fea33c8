// Compiled with the simulator's include roots: the engine reaches a control
// plane only through the seam, so no plane's header is there to include.
#include "planes/postgres/plane.hpp"

int main() {
  return 0;
}
