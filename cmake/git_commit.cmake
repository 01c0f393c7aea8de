# Sets C4CONFD_GIT_COMMIT, the commit `c4confd --version` names (12 hex digits), at configure
# time:
#   - given with -DC4CONFD_GIT_COMMIT=… (the Dockerfile passes its build argument
#     C4CONFD_REVISION, since its context holds no .git), it is kept as given;
#   - else `git rev-parse --short=12 HEAD` of the source tree, and CMake re-configures when
#     HEAD or the branch it names moves, so a build never names an older commit;
#   - else (a tarball, no git) "unknown".
set(C4CONFD_GIT_COMMIT "" CACHE STRING "commit named by c4confd --version (empty: ask git)")
set(_c4_commit "${C4CONFD_GIT_COMMIT}")
if(_c4_commit STREQUAL "")
  set(_c4_commit "unknown")
  find_package(Git QUIET)
  if(GIT_FOUND)
    execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=12 HEAD
                    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} RESULT_VARIABLE _c4_rc
                    OUTPUT_VARIABLE _c4_out OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(_c4_rc EQUAL 0 AND _c4_out MATCHES "^[0-9a-f]+$")
      set(_c4_commit "${_c4_out}")
      # Re-configure when HEAD moves: the HEAD file (a branch switch) and the branch's ref.
      execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --absolute-git-dir --git-common-dir
                                                --symbolic-full-name HEAD
                      WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
                      OUTPUT_VARIABLE _c4_paths OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
      string(REPLACE "\n" ";" _c4_paths "${_c4_paths}")
      list(LENGTH _c4_paths _c4_n)
      if(_c4_n EQUAL 3)
        list(GET _c4_paths 0 _c4_git_dir)
        list(GET _c4_paths 1 _c4_common_dir)
        list(GET _c4_paths 2 _c4_ref)
        get_filename_component(_c4_common_dir "${_c4_common_dir}" ABSOLUTE BASE_DIR ${CMAKE_SOURCE_DIR})
        foreach(_c4_file "${_c4_git_dir}/HEAD" "${_c4_common_dir}/${_c4_ref}" "${_c4_common_dir}/packed-refs")
          if(EXISTS "${_c4_file}")
            set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_c4_file}")
          endif()
        endforeach()
      endif()
    endif()
  endif()
endif()
set(C4CONFD_COMMIT "${_c4_commit}")
message(STATUS "c4confd ${PROJECT_VERSION}, commit ${C4CONFD_COMMIT}")
