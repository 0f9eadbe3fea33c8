// Compiled with the lease plane's include roots: one plane never includes
// another.
#include "planes/postgres/plane.hpp"

int main() {
  return 0;
}
