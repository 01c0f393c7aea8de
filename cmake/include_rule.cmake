# The dependency rule of the product code (scripts/check_includes.py): cli -> api, reconciler
# -> store -> model -> common. Checked by every build: c4common, which everything links, waits
# for the check, so a build of any target (the demo's c4confd too) fails on an upward include,
# naming file:line. The check reruns when a product source changes. The check's own tests are
# ctest entries layout/... (scripts/tests/).
find_program(C4_PYTHON3 python3 REQUIRED)
file(GLOB_RECURSE C4_PRODUCT_SOURCES CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/common/*.h ${CMAKE_SOURCE_DIR}/common/*.cc
  ${CMAKE_SOURCE_DIR}/model/*.h ${CMAKE_SOURCE_DIR}/model/*.cc
  ${CMAKE_SOURCE_DIR}/store/*.h ${CMAKE_SOURCE_DIR}/store/*.cc
  ${CMAKE_SOURCE_DIR}/reconciler/*.h ${CMAKE_SOURCE_DIR}/reconciler/*.cc
  ${CMAKE_SOURCE_DIR}/api/*.h ${CMAKE_SOURCE_DIR}/api/*.cc
  ${CMAKE_SOURCE_DIR}/cli/*.h ${CMAKE_SOURCE_DIR}/cli/*.cc)
set(C4_INCLUDE_RULE_STAMP ${CMAKE_BINARY_DIR}/include_rule.stamp)
add_custom_command(
  OUTPUT ${C4_INCLUDE_RULE_STAMP}
  COMMAND ${C4_PYTHON3} ${CMAKE_SOURCE_DIR}/scripts/check_includes.py ${CMAKE_SOURCE_DIR}
          --stamp ${C4_INCLUDE_RULE_STAMP}
  DEPENDS ${C4_PRODUCT_SOURCES} ${CMAKE_SOURCE_DIR}/scripts/check_includes.py
  COMMENT "Checking the include rule (scripts/check_includes.py)")
add_custom_target(c4_include_rule ALL DEPENDS ${C4_INCLUDE_RULE_STAMP})
