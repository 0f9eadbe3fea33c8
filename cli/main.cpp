// unwedge: the command-line entry point, with the bundled control planes
// linked in. A team's own binary is this file and its own planes
// (cli/unwedge_main.hpp).
#include "cli/unwedge_main.hpp"

int main(int argc, char** argv) {
  return unwedge::cli::run_unwedge(argc, argv);
}
