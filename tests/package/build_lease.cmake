# The lease plane (planes/lease/) built as a team builds its own plane:
# install the package into a fresh prefix, compile the plane's own sources
# out of tree with nothing but find_package(unwedge)
# (examples/lease_out_of_tree), warnings as errors, so the plane includes
# only headers the package installs; then run its model checks, its fleet
# fuzzer over the seed corpus and a short nightly of its scenarios. Run by
# ctest (Package.LeasePlaneOutOfTree):
#
#   cmake -DBUILD_DIR=<unwedge build> -DSOURCE_DIR=<unwedge source> -DWORK=<scratch dir>
#         -DCXX=<compiler> [-DLAUNCHER=ccache] [-DSEEDS=20] -P build_lease.cmake
cmake_minimum_required(VERSION 3.25)
foreach(required BUILD_DIR SOURCE_DIR WORK CXX)
  if(NOT ${required})
    message(FATAL_ERROR "build_lease.cmake: pass -D${required}=...")
  endif()
endforeach()
if(NOT SEEDS)
  set(SEEDS 20)
endif()

file(REMOVE_RECURSE ${WORK})
set(prefix ${WORK}/prefix)

include(${CMAKE_CURRENT_LIST_DIR}/package_steps.cmake)
install_package(${prefix})

set(configure ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/lease_out_of_tree -B ${WORK}/build -G Ninja
              -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_PREFIX_PATH=${prefix}
              -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_COMPILE_WARNING_AS_ERROR=ON
              -DUNWEDGE_LEASE_DIR=${SOURCE_DIR}/planes/lease
              # Eight files to a unit, as unwedge's own libraries compile
              # (a team's build may too): the plane's files share most of
              # their headers, so this takes about half the time.
              -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=8)
if(LAUNCHER)
  list(APPEND configure -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
endif()
step("configure the lease plane against the package" ${configure})
step("build the lease plane" ${CMAKE_COMMAND} --build ${WORK}/build)
step("check-model of the lease plane" ${WORK}/build/lease-unwedge check-model
     --control-plane lease)
step("fleet fuzzer of the lease plane" ${WORK}/build/lease-fleet-fuzzer
     ${SOURCE_DIR}/fuzz/corpus/fleet_fuzzer)
step("nightly of the lease plane" ${WORK}/build/lease-unwedge nightly --control-plane lease
     --seeds ${SEEDS} --jobs 2 --scenarios ${SOURCE_DIR}/scenarios/lease --out ${WORK}/nightly)
message(STATUS "the lease plane, built out of tree against the package, ran its scenarios and "
               "${SEEDS} seeds clean")
