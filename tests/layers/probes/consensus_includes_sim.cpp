// Compiled with the consensus world's include roots alone: the simulator's
// headers are not there, so the store cannot reach for the engine's
// network, clocks or randomness.
#include "sim/kernel/network.hpp"

int main() {
  return 0;
}
