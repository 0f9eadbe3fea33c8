// The team's own `unwedge`: every command, with the minimal plane linked in.
#include "cli/unwedge_main.hpp"

int main(int argc, char** argv) {
  return unwedge::cli::run_unwedge(argc, argv);
}
