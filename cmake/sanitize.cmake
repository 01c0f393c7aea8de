# The sanitizer build (C4_SANITIZE=ON, clang; `./c4 test --sanitize`, `./c4 fuzz`; docs/fuzzing.md):
# everything compiled with AddressSanitizer and UndefinedBehaviorSanitizer, an undefined
# behaviour being fatal, plus libFuzzer's coverage instrumentation, so the same objects serve
# the unit tests and the fuzz targets (tests/fuzz) and the libraries are compiled once.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "C4_SANITIZE needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
endif()
set(C4_SANITIZER_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
add_compile_options(${C4_SANITIZER_FLAGS} -fsanitize=fuzzer-no-link)
add_link_options(${C4_SANITIZER_FLAGS})
# The build type ./c4 gives it: -O1 keeps ASan's slowdown small and compiles about as fast as
# -O0; line tables are enough for the reports' stack traces. Assertions stay on.
set(CMAKE_CXX_FLAGS_SANITIZE "-O1 -gline-tables-only" CACHE STRING "flags of the Sanitize build type")
include(${CMAKE_CURRENT_LIST_DIR}/sanitize_environment.cmake)
