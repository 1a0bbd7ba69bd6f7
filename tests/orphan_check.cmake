# The test-file check on a small tree: listed.cpp is listed, orphan_test.cpp is not. The check must fail and
# name the orphan; this script fails (and so does its ctest entry) unless it does.
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE "${WORK}")
file(WRITE "${WORK}/models/listed_test.cpp" "// listed\n")
file(WRITE "${WORK}/sim/orphan_test.cpp" "// no target lists this file\n")
execute_process(COMMAND ${CMAKE_COMMAND} "-DTEST_ROOT=${WORK}" "-DLISTED=models/listed_test.cpp" -P "${FIXTURE}"
                RESULT_VARIABLE code ERROR_VARIABLE err OUTPUT_VARIABLE out)
if(code EQUAL 0)
  message(FATAL_ERROR "the check passed a tree with an orphaned test file:\n${out}${err}")
endif()
# (CMake wraps the message's lines: look for its words and the file's name apart.)
string(FIND "${err}" "no test target compiles" said)
string(FIND "${err}" "sim/orphan_test.cpp" named)
string(FIND "${err}" "models/listed_test.cpp" listed)
if(said EQUAL -1 OR named EQUAL -1 OR NOT listed EQUAL -1)
  message(FATAL_ERROR "the check failed without naming the orphan alone:\n${err}")
endif()
# And with the orphan listed, the same tree passes.
execute_process(COMMAND ${CMAKE_COMMAND} "-DTEST_ROOT=${WORK}" "-DLISTED=models/listed_test.cpp;sim/orphan_test.cpp"
                -P "${FIXTURE}" RESULT_VARIABLE code ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "the check failed a tree whose files are all listed:\n${err}")
endif()
file(REMOVE_RECURSE "${WORK}")
