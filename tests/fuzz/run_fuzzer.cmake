# Runs one fuzzer (ctest entry fuzz/<target>): cmake -DFUZZER=… -DSEEDS=… -DWORK=… -DSECONDS=… -P run_fuzzer.cmake
#
# The fuzzer reads the committed seeds (SEEDS, never written) and WORK/corpus, where it keeps
# the inputs it finds (kept between runs of one build directory, so local runs build on each
# other); a crashing input is saved as WORK/crash-<sha1> and printed. C4_FUZZ_SECONDS in the
# environment overrides SECONDS (`./c4 fuzz SECONDS`).
if(DEFINED ENV{C4_FUZZ_SECONDS})
  set(SECONDS $ENV{C4_FUZZ_SECONDS})
endif()
file(MAKE_DIRECTORY ${WORK}/corpus)
execute_process(
  COMMAND ${FUZZER} -max_total_time=${SECONDS} -timeout=20 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1
          -artifact_prefix=${WORK}/ ${WORK}/corpus ${SEEDS}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} found a failing input (exit ${rc}); it is saved in ${WORK}/ (docs/fuzzing.md)")
endif()
