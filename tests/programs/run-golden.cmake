# Runs one golden program under toylang and compares its standard output, standard error and
# exit status exactly with <case>.out, <case>.err (both empty when absent) and the "; exit: N"
# line (0 when absent). Invoked by CTest (see CMakeLists.txt) as
#
#   cmake -DTOYLANG=<binary> -DCASE=<area>/<case>.scm -DSOURCE_DIR=<tests/programs>
#         -DMODE=normal|stress|gen-stress -DWORK_DIR=<scratch dir> [-DEXTRA_FLAGS=<flags;...>]
#         [-DJIT_CACHE=<dir>] -P run-golden.cmake
#
# JIT_CACHE runs the case twice with that code cache (cold, then warm) and checks both runs.
#
# EXTRA_FLAGS (a CMake list) go before the case's own flags; sanitizer builds use it for a
# larger stack reservation, since their frames are several times bigger.
#
# toylang runs from SOURCE_DIR with the relative path, so error positions read
# "errors/<case>.scm:line:col: message".
#
# Per-case lines in the program's leading comments:
#   ; exit: N            expected exit status
#   ; flags: ...         extra toylang flags (both modes), e.g. --gc-options=heap-max=16M
#   ; stress: OPTIONS    heap options for the stress run instead of the default
#                        stress=1,verify=1,markers=2 (parallel marking, checked against serial)
#   ; tsan: skip (why)   not run in a ThreadSanitizer build (CMakeLists.txt marks the tests
#                        disabled there)
#
# MODE=gen-stress is MODE=stress with generational=on added to the stress options.
# MODE=stress adds --gc-options=<stress options> (appended after any --gc-options of the case's
# own, whose keys it keeps) and expects the same output: a collection on every allocation with
# the heap verifier on. The deep-recursion and 10^7-iteration tail-call cases, and the gc/ cases
# that allocate millions of objects, declare a lower rate (e.g. stress=10000,verify=0) so that a
# CI run stays within minutes; every other case runs at stress=1,verify=1.
cmake_minimum_required(VERSION 3.25)

foreach(var TOYLANG CASE SOURCE_DIR MODE WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run-golden.cmake: -D${var}=... is required")
  endif()
endforeach()

set(program "${SOURCE_DIR}/${CASE}")
string(REGEX REPLACE "\\.scm$" "" stem "${program}")
file(STRINGS "${program}" header_lines REGEX "^; (exit|flags|stress):")

set(expected_status 0)
set(flags "")
if(NOT DEFINED EXTRA_FLAGS)
  set(EXTRA_FLAGS "")
endif()
set(stress_options "stress=1,verify=1,markers=2")
list(APPEND flags ${EXTRA_FLAGS})
foreach(line IN LISTS header_lines)
  if(line MATCHES "^; exit: *([0-9]+)")
    set(expected_status "${CMAKE_MATCH_1}")
  elseif(line MATCHES "^; flags: *(.*)$")
    separate_arguments(case_flags UNIX_COMMAND "${CMAKE_MATCH_1}")
    list(APPEND flags ${case_flags})
  elseif(line MATCHES "^; stress: *([^ ]+)")
    set(stress_options "${CMAKE_MATCH_1}")
  endif()
endforeach()

if(MODE STREQUAL "gen-stress")
  # The same stress with generations: collections are minor unless the old generation grew,
  # and verify=1 checks before each minor one that the write barrier recorded every old-to-young
  # reference.
  set(stress_options "${stress_options},generational=on")
elseif(MODE STREQUAL "stress" AND NOT "${flags}" MATCHES "generational=")
  # Generations are on by default: the plain stress mode keeps the non-generational collector
  # covered (every collection marks the whole heap).
  set(stress_options "${stress_options},generational=off")
endif()
if(MODE STREQUAL "stress" OR MODE STREQUAL "gen-stress")
  set(merged "")
  set(found_gc_options FALSE)
  foreach(flag IN LISTS flags)
    if(flag MATCHES "^--gc-options=(.*)$")
      list(APPEND merged "--gc-options=${CMAKE_MATCH_1},${stress_options}")
      set(found_gc_options TRUE)
    else()
      list(APPEND merged "${flag}")
    endif()
  endforeach()
  if(NOT found_gc_options)
    list(APPEND merged "--gc-options=${stress_options}")
  endif()
  set(flags "${merged}")
elseif(NOT MODE STREQUAL "normal")
  message(FATAL_ERROR
          "run-golden.cmake: MODE must be normal, stress or gen-stress, not '${MODE}'")
endif()

set(expected_out "")
set(expected_err "")
if(EXISTS "${stem}.out")
  file(READ "${stem}.out" expected_out)
endif()
if(EXISTS "${stem}.err")
  file(READ "${stem}.err" expected_err)
endif()

# Shows what differs: a unified diff when diff(1) exists, both texts otherwise.
function(report_difference what expected actual)
  string(MAKE_C_IDENTIFIER "${CASE}-${MODE}-${EXTRA_FLAGS}-${pass}-${what}" name)
  file(WRITE "${WORK_DIR}/${name}.expected" "${expected}")
  file(WRITE "${WORK_DIR}/${name}.actual" "${actual}")
  find_program(DIFF diff)
  set(text "")
  if(DIFF)
    execute_process(COMMAND "${DIFF}" -u "${WORK_DIR}/${name}.expected" "${WORK_DIR}/${name}.actual"
                    OUTPUT_VARIABLE text)
    string(LENGTH "${text}" length)
    if(length GREATER 4000)
      string(SUBSTRING "${text}" 0 4000 text)
      string(APPEND text "\n... (diff truncated)\n")
    endif()
  else()
    set(text "--- expected\n${expected}\n--- actual\n${actual}\n")
  endif()
  set(failures "${failures}${what} differs${pass_note}:\n${text}" PARENT_SCOPE)
endfunction()

# JIT_CACHE=<dir>: run the case twice with that code cache, a cold run that fills it and a warm
# run that links the cached objects; both must print exactly the expected output. Otherwise the
# case runs once with the environment's MOSAIC_JIT_CACHE (CTest sets it to off).
set(failures "")
if(DEFINED JIT_CACHE AND NOT JIT_CACHE STREQUAL "")
  file(REMOVE_RECURSE "${JIT_CACHE}")  # the first run must be cold
  set(ENV{MOSAIC_JIT_CACHE} "${JIT_CACHE}")
  set(passes cold warm)
else()
  set(passes single)
endif()
foreach(pass IN LISTS passes)
  set(pass_note "")
  if(NOT pass STREQUAL "single")
    set(pass_note " (${pass} code-cache run)")
  endif()
  execute_process(
    COMMAND "${TOYLANG}" ${flags} "${CASE}"
    WORKING_DIRECTORY "${SOURCE_DIR}"
    OUTPUT_VARIABLE actual_out
    ERROR_VARIABLE actual_err
    RESULT_VARIABLE actual_status
    TIMEOUT 900)
  if(NOT actual_status STREQUAL expected_status)
    string(APPEND failures
           "exit status${pass_note}: expected ${expected_status}, got '${actual_status}'\n")
  endif()
  if(NOT actual_out STREQUAL expected_out)
    report_difference(stdout "${expected_out}" "${actual_out}")
  endif()
  if(NOT actual_err STREQUAL expected_err)
    report_difference(stderr "${expected_err}" "${actual_err}")
  endif()
  if(pass STREQUAL "cold" AND expected_status STREQUAL "0")
    file(GLOB entries "${JIT_CACHE}/*.mjo")
    if(entries STREQUAL "")
      string(APPEND failures "the cold run left no entry in ${JIT_CACHE}\n")
    endif()
  endif()
endforeach()

if(NOT failures STREQUAL "")
  list(JOIN flags " " shown_flags)
  message(FATAL_ERROR "golden ${CASE} (${MODE}): cd ${SOURCE_DIR} && ${TOYLANG} ${shown_flags} ${CASE}\n"
                      "${failures}")
endif()
