# Checks that libmosaic_runtime.so exports exactly the symbols in exported_symbols.txt: the public
# C and C++ API and what the inline fast paths call. A symbol that appears or disappears fails the
# test; update the list deliberately (the message shows the difference).
#   cmake -DNM=nm -DLIBRARY=libmosaic_runtime.so -DEXPECTED=exported_symbols.txt -P check_exports.cmake
execute_process(COMMAND ${NM} -DC --defined-only ${LIBRARY}
                OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} failed on ${LIBRARY}")
endif()
string(REPLACE "\n" ";" lines "${out}")
set(actual)
foreach(line IN LISTS lines)
  # "<address> <type> <name>": keep the name; Abseil's inline namespace varies by build.
  if(line MATCHES "^[0-9a-f]+ [A-Za-z] (.*)$")
    string(REGEX REPLACE "absl::[a-z0-9_]+::" "absl::" name "${CMAKE_MATCH_1}")
    list(APPEND actual "${name}")
  endif()
endforeach()
list(REMOVE_DUPLICATES actual)
list(SORT actual)
file(STRINGS ${EXPECTED} expected REGEX "^[^#]")
list(SORT expected)
set(extra ${actual})
list(REMOVE_ITEM extra ${expected})
set(missing ${expected})
list(REMOVE_ITEM missing ${actual})
if(extra OR missing)
  list(JOIN extra "\n  " extra_text)
  list(JOIN missing "\n  " missing_text)
  message(FATAL_ERROR "libmosaic_runtime.so exports differ from ${EXPECTED}\n"
                      "exported but not listed:\n  ${extra_text}\n"
                      "listed but not exported:\n  ${missing_text}")
endif()
list(LENGTH actual n)
message(STATUS "${n} exported symbols, as listed")
