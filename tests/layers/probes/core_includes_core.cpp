// Compiled with core's include root alone: the framework's own headers are found.
#include "core/machine.hpp"

int main() {
  return 0;
}
