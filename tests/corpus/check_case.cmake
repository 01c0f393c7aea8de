# Runs `BINARY validate --quiet CASE_DIR [FLAGS]` and checks: exit status 1, and the problem
# lines (everything but the closing summary line) equal CASE_DIR/expected.txt exactly. FLAGS:
# the lines of CASE_DIR/flags.txt when present (one argument per line), else none.
set(flags "")
if(EXISTS ${CASE_DIR}/flags.txt)
  file(STRINGS ${CASE_DIR}/flags.txt flags)
endif()
execute_process(COMMAND ${BINARY} validate --quiet ${CASE_DIR} ${flags}
                RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE errors)
if(NOT status EQUAL 1)
  message(FATAL_ERROR "expected exit status 1, got ${status}\nstdout:\n${output}\nstderr:\n${errors}")
endif()
string(REGEX REPLACE "[^\n]*\n$" "" problems "${output}")
file(READ ${CASE_DIR}/expected.txt expected)
if(NOT problems STREQUAL expected)
  message(FATAL_ERROR "problems differ from expected.txt\n--- expected:\n${expected}--- got:\n${problems}")
endif()
