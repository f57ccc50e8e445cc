# Checks that includes inside runtime/src point one way: a folder may include its own headers and
# those of folders on a lower level, never a folder on its own level or above. The levels are the
# diagram in docs/design/runtime.md ("Layers").
#   cmake -DSRC=runtime/src -P check_layering.cmake
set(levels
  "common"
  "address block"
  "kinds block_pool large_objects cards threads roots finalizers weak stats options"
  "spaces"
  "alloc mark sweep verify"
  "collector"
  "heap"
  "capi")
if(NOT IS_DIRECTORY "${SRC}")
  message(FATAL_ERROR "pass -DSRC=<runtime/src> before -P")
endif()
get_filename_component(SRC "${SRC}" ABSOLUTE)
set(level 0)
foreach(folders IN LISTS levels)
  string(REPLACE " " ";" folders "${folders}")
  foreach(folder IN LISTS folders)
    set(level_of_${folder} ${level})
  endforeach()
  math(EXPR level "${level} + 1")
endforeach()

file(GLOB_RECURSE files RELATIVE ${SRC} ${SRC}/*.h ${SRC}/*.cc)
set(errors "")
foreach(file IN LISTS files)
  string(REGEX MATCH "^[^/]+" folder "${file}")
  if(NOT DEFINED level_of_${folder})
    string(APPEND errors "\n  ${file}: folder '${folder}' has no level; add it to check_layering.cmake and the diagram")
    continue()
  endif()
  file(STRINGS ${SRC}/${file} includes REGEX "^#include \"[a-z_]+/")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^#include \"([a-z_]+)/.*" "\\1" target "${line}")
    if(target STREQUAL "mosaic" OR target STREQUAL folder)
      continue()
    endif()
    if(NOT DEFINED level_of_${target})
      continue()  # not a runtime/src folder (absl/, ...)
    endif()
    if(NOT level_of_${target} LESS level_of_${folder})
      string(APPEND errors "\n  ${file} includes ${target}/ (level ${level_of_${target}}), "
                           "but ${folder}/ is on level ${level_of_${folder}}")
    endif()
  endforeach()
endforeach()
if(errors)
  message(FATAL_ERROR "runtime/src includes point the wrong way:${errors}")
endif()
list(LENGTH files n)
message(STATUS "${n} files, includes point down")
