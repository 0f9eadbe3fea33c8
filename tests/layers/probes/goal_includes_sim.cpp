// Compiled with the goal plane's include roots: the plane is written against
// the seam, core/ and the Postgres world's vocabulary, never the simulator.
#include "sim/simulation.hpp"

int main() {
  return 0;
}
