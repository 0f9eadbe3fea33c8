// The whole `unwedge` command as a function, so a team builds its own
// `unwedge` with its control planes linked in:
//
//   // my_unwedge.cpp, linked with unwedge::cli and the team's planes
//   #include "cli/unwedge_main.hpp"
//   int main(int argc, char** argv) { return unwedge::cli::run_unwedge(argc, argv); }
//
// Every plane registered in the program (UNWEDGE_REGISTER_CONTROL_PLANE) can
// be named with --control-plane by every command.
#pragma once

namespace unwedge::cli {

// Parses the command line, runs the command and returns its exit code, by
// the rule of cli/commands.hpp: 0 clean, 1 findings, 2 bad input (with a
// message saying what to fix), 3 the harness is broken.
int run_unwedge(int argc, char** argv);

}  // namespace unwedge::cli
