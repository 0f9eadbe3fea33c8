// Compiled with the reference plane's include roots: a plane reaches the world
// only through core's interfaces and its world's vocabulary, never the simulator.
#include "sim/simulation.hpp"

int main() {
  return 0;
}
