# The environment of every test run of the sanitizer build (docs/fuzzing.md): reports print a
# stack, the first UBSan finding ends the process (as -fno-sanitize-recover does), and leak
# reports skip what tests/sanitize/lsan.supp lists; tests stretch their deadlines and timed
# delays four times (tests/unit/support/test_slowdown.h), ASan and UBSan being 2-4 times slower.
set(C4_SANITIZER_ENVIRONMENT
    "ASAN_OPTIONS=detect_leaks=1:check_initialization_order=1"
    "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"
    "LSAN_OPTIONS=suppressions=${CMAKE_SOURCE_DIR}/tests/sanitize/lsan.supp:print_suppressions=0"
    "C4_TEST_SLOWDOWN=4")
