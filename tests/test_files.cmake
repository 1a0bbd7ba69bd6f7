# Every tests/**/*_test.cpp belongs to a test target: a file no target lists never compiles and its tests
# never run, and nothing else would notice. Used at configure time (include + surge_check_test_files) and as
# a script (cmake -DTEST_ROOT=dir -DLISTED="a;b" -P test_files.cmake), which the suite runs on a tree with a
# deliberately orphaned file to show that the check fails.

if(CMAKE_SCRIPT_MODE_FILE)
  cmake_minimum_required(VERSION 3.25)  # IN_LIST, as in the project
endif()

# Fails configuration, naming each file under `test_root` matching *_test.cpp that is not in `listed`
# (paths relative to `test_root`).
function(surge_check_test_files test_root listed)
  file(GLOB_RECURSE found RELATIVE "${test_root}" "${test_root}/*_test.cpp")
  set(orphans "")
  foreach(f IN LISTS found)
    if(NOT f IN_LIST listed)
      list(APPEND orphans "${f}")
    endif()
  endforeach()
  if(orphans)
    list(JOIN orphans ", " names)
    message(FATAL_ERROR "test files that no test target compiles (add them to tests/CMakeLists.txt): ${names}")
  endif()
endfunction()

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  surge_check_test_files("${TEST_ROOT}" "${LISTED}")
  message(STATUS "every *_test.cpp under ${TEST_ROOT} is built")
endif()
