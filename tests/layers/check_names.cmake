# Checks that the lower layers name nothing above them (ARCHITECTURE.md):
# core/ names no database, world, plane or simulator; the simulator's kernel
# names no world, plane or database; a world includes nothing of the
# simulator but its kernel and names no plane; and the simulator engine
# names no plane. The build already refuses a wrong-way #include
# (per-layer include roots); this catches the words: a comment, a string or
# a type that speaks of the reference plane where no plane may be named.
#
#   cmake -DROOT=<source tree> -P check_names.cmake
#
# Exit status 0 when clean; otherwise each offending line is printed as
# file:line: text, and the status is 1.
cmake_minimum_required(VERSION 3.25)
if(NOT ROOT)
  message(FATAL_ERROR "pass the source tree: cmake -DROOT=<dir> -P check_names.cmake")
endif()

set(problems 0)

# check(<folder> <regex> <what> [ALLOW <regex>] [EXCEPT file...])
# ALLOW: what a line may say although <regex> would match it; it is taken
# out of the line before <regex> is tried (`"sim/kernel/` for a world).
function(check folder regex what)
  cmake_parse_arguments(PARSE_ARGV 3 arg "" "ALLOW" "EXCEPT")
  file(GLOB_RECURSE files RELATIVE ${ROOT} ${ROOT}/${folder}/*.hpp ${ROOT}/${folder}/*.cpp)
  list(SORT files)
  set(found ${problems})
  foreach(file ${files})
    if(file IN_LIST arg_EXCEPT)
      continue()
    endif()
    file(STRINGS ${ROOT}/${file} lines)
    set(line_number 0)
    foreach(line IN LISTS lines)
      math(EXPR line_number "${line_number} + 1")
      string(TOLOWER "${line}" lower)
      if(arg_ALLOW)
        string(REGEX REPLACE "${arg_ALLOW}" "" lower "${lower}")
      endif()
      if(lower MATCHES "${regex}")
        message("${file}:${line_number}: ${what}: ${line}")
        math(EXPR found "${found} + 1")
      endif()
    endforeach()
  endforeach()
  set(problems ${found} PARENT_SCOPE)
endfunction()

# The framework: production code for any data service.
check(core "postgres|pgworld|\"(sim|planes|worlds|reports|cli)/" "core/ names a database, a world, a plane or the simulator")
# The simulator's kernel, below every world: virtual time, random streams,
# the event queue, the network and the trace, for any world and any plane.
check(sim/kernel "postgres|pgworld|\"(sim|planes|worlds|seam|reports|cli)/"
      "the simulator's kernel names a database, a world, a plane or the engine"
      ALLOW "\"sim/kernel/")
# The Postgres world (its fleet API's vocabulary, which any Postgres plane
# uses, and the simulated fleet): built on the kernel alone.
check(worlds/postgres "\"(sim|planes|seam|reports|cli)/|postgres::"
      "the Postgres world names a plane or the simulator beyond its kernel" ALLOW "\"sim/kernel/")
# The consensus store is a world of its own: no plane, no database, and
# none of the simulator (the engine drives it; it does not reach for the
# engine's network, clocks or randomness).
check(worlds/consensus "postgres|pgworld|plane|\"(sim|planes|seam|reports|cli)/|sim::|simulator|event_?queue"
      "the consensus world names a plane, a database or the simulator")

# The lease plane is written as a team's own plane is: against core/, the
# seam and the Postgres world's fleet API vocabulary, never the simulator,
# the simulated fleet or another plane.
check(planes/lease "\"(sim|planes/postgres|worlds|reports|cli)/|sim::|pgworld::world|postgres::"
      "the lease plane names the simulator, the simulated fleet or another plane"
      ALLOW "\"worlds/postgres/fleet_api.hpp")
# So is the goal plane.
check(planes/goal "\"(sim|planes/postgres|planes/lease|worlds|reports|cli)/|sim::|pgworld::world|postgres::|lease::"
      "the goal plane names the simulator, the simulated fleet or another plane"
      ALLOW "\"worlds/postgres/fleet_api.hpp")

# The stores are production code over core/ alone: a database, but no
# simulator, world, seam or plane.
check(stores "\"(sim|planes|worlds|seam|reports|cli)/|sim::|pgworld|planes?::"
      "the stores name the simulator, a world or a plane")

# The simulator engine names no plane: it reaches the plane under test only
# through the seam.
check(sim "postgres::|\"planes/" "the simulator engine names a control plane")
# Nor does the seam, which every plane and the engine share.
check(seam "postgres|pgworld|\"(sim|planes|worlds|reports|cli)/" "the seam names a plane, a world or the simulator")

if(problems GREATER 0)
  message(FATAL_ERROR "${problems} layering problem(s)")
endif()
message(STATUS "layers: core names no database, plane or simulator; the kernel no world; "
               "a world no plane nor the engine; the engine no plane; the lease and goal "
               "planes no simulator")
