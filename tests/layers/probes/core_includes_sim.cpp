// Compiled with core's include root alone: the simulator's headers are not
// there, so a wrong-way include in core/ fails the build.
#include "sim/kernel/trace.hpp"

int main() {
  return 0;
}
