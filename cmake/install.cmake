# `cmake --install`: headers, libraries and a CMake package, so a team's own
# repository builds its control plane against unwedge with nothing but
#
#   find_package(unwedge CONFIG REQUIRED)
#   target_link_libraries(my-unwedge PRIVATE unwedge::cli)
#
# Imported targets: unwedge::core (the framework), unwedge::stores (the Store
# kept in SQLite or PostgreSQL), unwedge::seam (the plug-in
# interface and registry), unwedge::sim_kernel (the simulator's kernel:
# virtual time, random streams, event queue, network, trace),
# unwedge::world_postgres (the Postgres fleet API's vocabulary and the
# simulated Postgres fleet), unwedge::world_consensus (the simulated
# consensus store and its linearizability checker), unwedge::postgres (the reference plane, unregistered: a
# program registers what it links, see seam/registry.hpp), unwedge::lease (the
# lease plane, unregistered likewise), unwedge::goal (the goal plane, likewise), unwedge::sim (the
# simulator), unwedge::reports and unwedge::cli (every command, run_unwedge()).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(UNWEDGE_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/unwedge)
set(unwedge_libraries unwedge_core unwedge_stores unwedge_seam unwedge_sim_kernel unwedge_world_postgres
                      unwedge_world_consensus
                      unwedge_postgres unwedge_lease unwedge_goal unwedge_sim unwedge_reports)
if(UNWEDGE_CLI)
  list(APPEND unwedge_libraries unwedge_cli)
endif()
foreach(library ${unwedge_libraries})
  string(REPLACE "unwedge_" "" export_name ${library})
  set_target_properties(${library} PROPERTIES EXPORT_NAME ${export_name})
endforeach()

install(TARGETS ${unwedge_libraries} EXPORT unwedgeTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
if(UNWEDGE_CLI)
  install(TARGETS unwedge unwedge-canary RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

# Every layer's headers, under include/unwedge/<folder>, as they are included.
foreach(folder core stores seam worlds/postgres worlds/consensus planes/postgres planes/lease planes/goal sim reports cli)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${folder}/
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/unwedge/${folder}
          FILES_MATCHING PATTERN "*.hpp")
endforeach()

install(EXPORT unwedgeTargets NAMESPACE unwedge:: DESTINATION ${UNWEDGE_INSTALL_CMAKEDIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/unwedgeConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/unwedgeConfig.cmake
                              INSTALL_DESTINATION ${UNWEDGE_INSTALL_CMAKEDIR}
                              PATH_VARS CMAKE_INSTALL_DATADIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/unwedgeConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/unwedgeConfig.cmake
              ${PROJECT_BINARY_DIR}/unwedgeConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/unwedge_fleet_fuzzer.cmake
        DESTINATION ${UNWEDGE_INSTALL_CMAKEDIR})
# The fleet fuzzer's sources, for unwedge_add_fleet_fuzzer() over a team's plane.
install(FILES ${PROJECT_SOURCE_DIR}/fuzz/fleet_fuzzer.cpp ${PROJECT_SOURCE_DIR}/fuzz/standalone_main.cpp
        DESTINATION ${CMAKE_INSTALL_DATADIR}/unwedge/fuzz)
