// lease-unwedge: every command of unwedge, with the lease plane
// (planes/lease/, registered by its registration.cpp) linked in.
#include "cli/unwedge_main.hpp"

int main(int argc, char** argv) {
  return unwedge::cli::run_unwedge(argc, argv);
}
