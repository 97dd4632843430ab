# faceveil_add_test(<name> SOURCES <files...> [LIBS <libs...>] [COST <s>]
#                   [RUN_COST <s>])
# One GoogleTest executable linked against the library; each TEST becomes a
# ctest test (with FACEVEIL_TEST_PER_EXECUTABLE, the executable is one ctest
# test). COST: about the seconds its slowest test takes, for the
# executables with tests of several seconds: ctest starts the costliest
# tests first (before it has timings of its own, as in CI's fresh clone), so
# that no long test starts last and runs alone at the end. RUN_COST: the
# same for the whole executable, about its seconds under ASan
# (scripts/hardening.sh), for those of more than ~20 s; it orders the
# executables with FACEVEIL_TEST_PER_EXECUTABLE (COST when not given).
# Test code finds data through these definitions:
#   FACEVEIL_MODEL_DIR   model files fetched by scripts/fetch-models.sh
#   FACEVEIL_SHARED_DIR  ../shared evaluation data (tests skip without it)
#   FACEVEIL_TESTDATA_DIR  real photos extracted from Debian packages
#   FACEVEIL_BINARY      the faceveil command, for end-to-end tests (in a cross
#                        build, a script that runs it under the emulator)
include(GoogleTest)
# Under an emulator (cmake/toolchain-arm64.cmake) the end-to-end tests start
# the command through this script, which runs it under the same emulator:
# this machine cannot start an arm64 program by itself.
if(CMAKE_CROSSCOMPILING AND CMAKE_CROSSCOMPILING_EMULATOR)
  list(JOIN CMAKE_CROSSCOMPILING_EMULATOR "' '" _fv_emulator)
  set(FACEVEIL_TEST_BINARY "${PROJECT_BINARY_DIR}/faceveil-emulated")
  file(GENERATE OUTPUT "${FACEVEIL_TEST_BINARY}"
       CONTENT "#!/bin/sh\nexec '${_fv_emulator}' '$<TARGET_FILE:faceveil_cli>' \"$@\"\n"
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
                        GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
else()
  set(FACEVEIL_TEST_BINARY "$<TARGET_FILE:faceveil_cli>")
endif()
# The compile settings every test executable shares (and the precompiled
# header below is made with: they must be the same for it to be used).
function(_faceveil_test_settings target)
  target_link_libraries(${target} PRIVATE faceveil GTest::gtest GTest::gtest_main
                        GTest::gmock)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/src
                             ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${target} PRIVATE
    FACEVEIL_MODEL_DIR="${FACEVEIL_MODEL_DIR}"
    FACEVEIL_SHARED_DIR="${FACEVEIL_SHARED_DIR}"
    FACEVEIL_TESTDATA_DIR="${PROJECT_SOURCE_DIR}/.deps/testdata"
    FACEVEIL_BINARY="${FACEVEIL_TEST_BINARY}")
  # The tests' own code needs no -O3 (the library they test keeps it): at
  # -O1 the test executables compile in less time, most of a build's (CI
  # time). The sanitized build is -O1 throughout already.
  if(CMAKE_BUILD_TYPE STREQUAL "Release")
    target_compile_options(${target} PRIVATE -O1)
  endif()
  # The fuzzers' coverage counters (FACEVEIL_FUZZ) are for the library they
  # link; a test's own code has no use for them (ASan and UBSan stay).
  if(FACEVEIL_FUZZ)
    target_compile_options(${target} PRIVATE -fno-sanitize=fuzzer-no-link)
  endif()
endfunction()

# One precompiled header that every test executable reuses: GoogleTest's,
# OpenCV's and the standard headers most test files include are parsed once
# per build instead of once per executable (CI time). Only in unity builds:
# -DCMAKE_UNITY_BUILD=OFF, the mode for checking that each file includes
# what it uses, compiles every file without it, so a missing #include
# still fails there.
if(CMAKE_UNITY_BUILD AND NOT CMAKE_DISABLE_PRECOMPILE_HEADERS)
  set(_fv_pch_source "${CMAKE_CURRENT_BINARY_DIR}/faceveil_test_pch.cpp")
  file(CONFIGURE OUTPUT "${_fv_pch_source}"
       CONTENT "// Compiles the tests' precompiled header (cmake/FaceveilTest.cmake).\n")
  add_library(faceveil_test_pch OBJECT "${_fv_pch_source}")
  set_target_properties(faceveil_test_pch PROPERTIES UNITY_BUILD OFF)
  _faceveil_test_settings(faceveil_test_pch)
  target_precompile_headers(faceveil_test_pch PRIVATE
    <algorithm> <chrono> <cmath> <cstdint> <cstdio> <cstdlib> <filesystem>
    <fstream> <map> <sstream> <string> <thread> <vector>
    <gtest/gtest.h> <opencv2/core.hpp> <opencv2/imgproc.hpp>
    <opencv2/imgcodecs.hpp>)
  set(FACEVEIL_TEST_PCH faceveil_test_pch)
endif()

function(faceveil_add_test name)
  cmake_parse_arguments(ARG "" "COST;RUN_COST" "SOURCES;LIBS" ${ARGN})
  if(NOT ARG_COST)
    set(ARG_COST 0)
  endif()
  if(NOT ARG_RUN_COST)
    set(ARG_RUN_COST ${ARG_COST})
  endif()
  add_executable(${name} ${ARG_SOURCES})
  # One translation unit per executable: the test files of one executable
  # share GoogleTest's, OpenCV's and cpp-httplib's headers and templates, so
  # compiling them together costs about half (CI time); test files keep
  # their helpers in distinct names for it.
  set_target_properties(${name} PROPERTIES UNITY_BUILD ON
                        UNITY_BUILD_BATCH_SIZE 0)
  _faceveil_test_settings(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS})
  if(FACEVEIL_TEST_PCH)
    target_precompile_headers(${name} REUSE_FROM ${FACEVEIL_TEST_PCH})
  endif()
  if(FACEVEIL_TEST_PER_EXECUTABLE)
    # One ctest test runs every TEST of the executable in one process.
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES TIMEOUT 900 COST ${ARG_RUN_COST})
  else()
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
                         PROPERTIES TIMEOUT 600 COST ${ARG_COST})
  endif()
endfunction()
