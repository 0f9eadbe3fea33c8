// Compiled with the goal plane's include roots: one plane never includes
// another.
#include "planes/lease/plane.hpp"

int main() {
  return 0;
}
