# A planted broken block must be reported, and at its file:line.
#
#   cmake -DEXTRACT=<extract_doc_blocks> -DROOT=<src> -DDOC=<fixture.md> -DOUT=<dir>
#         -DEXPECT=<regex> -P expect_failure.cmake
#       the extractor must refuse the document with output matching EXPECT;
#   ... -DCOMPILE=<compiler;flags...>
#       the extractor must accept it, the compiler refuse its unit (matching);
#   cmake -DRUN=<program> -DEXPECT=<regex> -P expect_failure.cmake
#       the program (doc_blocks_main over the fixture) must fail (matching).
cmake_minimum_required(VERSION 3.25)

function(expect_refusal what status output)
  if(status EQUAL 0)
    message(FATAL_ERROR "${what} accepted the planted broken block:\n${output}")
  endif()
  if(NOT output MATCHES "${EXPECT}")
    message(FATAL_ERROR "${what} refused the planted block, but its output does not match "
                        "'${EXPECT}':\n${output}")
  endif()
  message(STATUS "${what} refused the planted block as expected:\n${output}")
endfunction()

if(RUN)
  execute_process(COMMAND ${RUN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  expect_refusal("${RUN}" "${status}" "${out}")
  return()
endif()

execute_process(COMMAND ${EXTRACT} --root ${ROOT} --doc ${DOC} --out ${OUT}
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT COMPILE)
  expect_refusal("extract_doc_blocks" "${status}" "${out}")
  return()
endif()
if(NOT status EQUAL 0)
  message(FATAL_ERROR "extract_doc_blocks refused ${DOC}:\n${out}")
endif()
get_filename_component(stem ${DOC} NAME_WE)
string(MAKE_C_IDENTIFIER ${stem} name)
# From the source tree, so the #line paths the compiler prints are as written.
execute_process(COMMAND ${COMPILE} ${OUT}/${name}_blocks.cpp WORKING_DIRECTORY ${ROOT}
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
expect_refusal("the compiler" "${status}" "${out}")
