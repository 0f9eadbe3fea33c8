# What a team does with unwedge, end to end: install the package into a fresh
# prefix, build examples/minimal out of tree with nothing but
# find_package(unwedge), and run its nightly campaign. Run by ctest
# (Package.MinimalPlaneOutOfTree):
#
#   cmake -DBUILD_DIR=<unwedge build> -DSOURCE_DIR=<unwedge source> -DWORK=<scratch dir>
#         -DCXX=<compiler> [-DLAUNCHER=ccache] [-DSEEDS=200] -P build_minimal.cmake
cmake_minimum_required(VERSION 3.25)
foreach(required BUILD_DIR SOURCE_DIR WORK CXX)
  if(NOT ${required})
    message(FATAL_ERROR "build_minimal.cmake: pass -D${required}=...")
  endif()
endforeach()
if(NOT SEEDS)
  set(SEEDS 200)
endif()

file(REMOVE_RECURSE ${WORK})
set(prefix ${WORK}/prefix)

include(${CMAKE_CURRENT_LIST_DIR}/package_steps.cmake)
install_package(${prefix})

set(configure ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/minimal -B ${WORK}/build -G Ninja
              -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_PREFIX_PATH=${prefix}
              -DCMAKE_CXX_COMPILER=${CXX})
if(LAUNCHER)
  list(APPEND configure -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
endif()
step("configure examples/minimal against the package" ${configure})
step("build examples/minimal" ${CMAKE_COMMAND} --build ${WORK}/build)
# The only plane the program registers is its own: the default, unnamed.
step("nightly of the minimal plane" ${WORK}/build/minimal-unwedge nightly --control-plane minimal
     --seeds ${SEEDS} --jobs 2 --scenarios ${SOURCE_DIR}/examples/minimal/scenarios
     --out ${WORK}/nightly)
step("check-model of the minimal plane" ${WORK}/build/minimal-unwedge check-model)
# The fleet fuzzer the package builds for a team's plane, replaying inputs.
step("fleet fuzzer of the minimal plane" ${WORK}/build/minimal-fleet-fuzzer
     ${SOURCE_DIR}/fuzz/corpus/fleet_fuzzer)
message(STATUS "the minimal plane, built out of tree against the package, ran ${SEEDS} seeds clean")
