# The fuzz targets of tests/fuzz and their ctest entries fuzz/<target>, each running its fuzzer
# for C4_FUZZ_SECONDS over a copy of its seed corpus tests/fuzz/corpus/<target>/ (run_fuzzer.cmake).
# Included by tests/fuzz/CMakeLists.txt (the sanitizer build) and by tests/CMakeLists.txt when
# the main build runs the sanitizer build's tests too (CI).
set(C4_FUZZ_TARGETS kamailio_request cdr_body sip_uri manifest digit_rewrite http_request)
set(C4_FUZZ_SECONDS 30 CACHE STRING "seconds each fuzz/<target> ctest entry fuzzes (C4_FUZZ_SECONDS in the environment overrides)")
set(C4_FUZZ_SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR})

# `binary_dir` holds the fuzz_<target> executables.
function(c4_add_fuzz_tests binary_dir)
  foreach(name ${C4_FUZZ_TARGETS})
    add_test(NAME fuzz/${name}
             COMMAND ${CMAKE_COMMAND} -DFUZZER=${binary_dir}/fuzz_${name} -DSEEDS=${C4_FUZZ_SOURCE_DIR}/corpus/${name}
                     -DWORK=${binary_dir}/runs/${name} -DSECONDS=${C4_FUZZ_SECONDS}
                     -P ${C4_FUZZ_SOURCE_DIR}/run_fuzzer.cmake)
    set_tests_properties(fuzz/${name} PROPERTIES LABELS fuzz ENVIRONMENT "${C4_SANITIZER_ENVIRONMENT}")
  endforeach()
endfunction()
