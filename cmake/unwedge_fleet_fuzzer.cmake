# unwedge_add_fleet_fuzzer(<target> PLANE <registered name> SOURCES <source>...
#                          [LIBRARIES <library>...])
#
# The fleet fuzzer (fleet_fuzzer.cpp: a fleet, faults and requests decoded
# from the fuzzer's bytes, run in the simulator, any finding a crash) over a
# team's own control plane: SOURCES hold the plane and its registration,
# LIBRARIES what else it links.
#
# With UNWEDGE_LIBFUZZER on (clang only) it is a libFuzzer program, linked
# with UNWEDGE_LIBFUZZER_ENGINE (-fsanitize=fuzzer by default); otherwise it
# is built with a standalone main that runs each input file, or each file of
# a directory, it is given, so a crash input replays under any compiler:
#
#   unwedge_add_fleet_fuzzer(my-fleet-fuzzer PLANE my_plane SOURCES my_plane.cpp)
#   ./my-fleet-fuzzer crash-0123abcd            # replays one input
#
# UNWEDGE_FLEET_FUZZER_DIR names the folder of fleet_fuzzer.cpp and
# standalone_main.cpp: the source tree's fuzz/ in unwedge's own build, the
# package's share/unwedge/fuzz once installed.
option(UNWEDGE_LIBFUZZER "unwedge_add_fleet_fuzzer builds libFuzzer programs (clang)" OFF)
set(UNWEDGE_LIBFUZZER_ENGINE "-fsanitize=fuzzer" CACHE STRING
    "How unwedge_add_fleet_fuzzer links libFuzzer programs")

function(unwedge_add_fleet_fuzzer target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "PLANE" "SOURCES;LIBRARIES")
  if(arg_UNPARSED_ARGUMENTS OR NOT arg_PLANE OR NOT arg_SOURCES)
    message(FATAL_ERROR "unwedge_add_fleet_fuzzer(${target} PLANE <name> SOURCES <source>... "
                        "[LIBRARIES <library>...])")
  endif()
  set(dir ${UNWEDGE_FLEET_FUZZER_DIR})
  if(NOT EXISTS ${dir}/fleet_fuzzer.cpp)
    message(FATAL_ERROR "unwedge_add_fleet_fuzzer: ${dir}/fleet_fuzzer.cpp is missing")
  endif()
  if(UNWEDGE_LIBFUZZER)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
      message(FATAL_ERROR "UNWEDGE_LIBFUZZER needs clang for libFuzzer (compiler is "
                          "${CMAKE_CXX_COMPILER_ID})")
    endif()
    add_executable(${target} ${dir}/fleet_fuzzer.cpp ${arg_SOURCES})
    separate_arguments(engine UNIX_COMMAND "${UNWEDGE_LIBFUZZER_ENGINE}")
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
    target_link_options(${target} PRIVATE ${engine})
  else()
    add_executable(${target} ${dir}/fleet_fuzzer.cpp ${dir}/standalone_main.cpp ${arg_SOURCES})
    # In a unity build (CMAKE_UNITY_BUILD) gcc 12 fails with an internal
    # error on this file in one unit with a target that defines
    # LLVMFuzzerInitialize, which it declares weak.
    set_source_files_properties(${dir}/standalone_main.cpp PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
  endif()
  target_link_libraries(${target} PRIVATE unwedge::sim ${arg_LIBRARIES})
  # The plane it fuzzes unless UNWEDGE_FUZZ_CONTROL_PLANE names another.
  target_compile_definitions(${target} PRIVATE UNWEDGE_FLEET_FUZZER_PLANE="${arg_PLANE}")
endfunction()
