// Compiled with the Postgres world's include roots: a world is built on the
// simulator's kernel alone, so the engine's headers are not there to include.
#include "sim/simulation.hpp"

int main() {
  return 0;
}
