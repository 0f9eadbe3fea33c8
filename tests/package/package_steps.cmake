# What the out-of-tree checks share (build_minimal.cmake, build_lease.cmake):
#
#   step(<what> <command>...)        runs the command; any failure stops the script
#   install_package(<prefix>)        installs BUILD_DIR into <prefix>, checking
#                                    that the package names neither tree
include_guard(GLOBAL)

function(step what)
  message(STATUS "${what}: ${ARGN}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${what} failed (${status}): ${ARGN}")
  endif()
endfunction()

function(install_package prefix)
  step("install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
  # Nothing of the source or build tree may leak into the package.
  file(GLOB_RECURSE configs ${prefix}/lib/cmake/unwedge/*.cmake)
  foreach(config ${configs})
    file(READ ${config} text)
    foreach(tree ${SOURCE_DIR} ${BUILD_DIR})
      string(FIND "${text}" "${tree}/" at)
      if(NOT at EQUAL -1)
        message(FATAL_ERROR "${config} names ${tree}: the package must stand alone")
      endif()
    endforeach()
  endforeach()
endfunction()
