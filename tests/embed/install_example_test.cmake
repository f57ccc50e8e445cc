# The embedder's path end to end: install Mosaic (the mosaic_runtime component of the current
# build tree) into a fresh prefix, build examples/embed against it with CMake (find_package) and
# with a plain C compiler and pkg-config, and run both builds.
#
#   cmake -DBUILD_DIR=<mosaic build> -DSOURCE_DIR=<mosaic source> -DWORK_DIR=<scratch>
#         -DC_COMPILER=<cc> -DGENERATOR=<generator> -P install_example_test.cmake
foreach(var BUILD_DIR SOURCE_DIR WORK_DIR C_COMPILER GENERATOR)  # WITH_STACKMAPS optional
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "install_example_test: -D${var}=... is required")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "command failed (${rc}): ${cmd}\n--- stdout\n${out}\n--- stderr\n${err}")
  endif()
  set(run_stdout "${out}" PARENT_SCOPE)
  set(run_stderr "${err}" PARENT_SCOPE)
endfunction()

# The output of the example's built-in program, computed by hand: fib(20), 0 + 1 + ... + 999,
# the squares of 1..5, a vector literal, then 0 + ... + 9 read back from an old vector that
# vector-set! stored a young list into, and the last of 2,000 values set! consed onto a global
# (both across minor collections: the write barrier at work).
set(expected "6765\n499500\n(1 4 9 16 25)\n#(a (1 2) #t)\n45\n1999\n")

function(check_output what)
  if(NOT run_stdout STREQUAL expected)
    message(FATAL_ERROR "${what}: unexpected output\n--- got\n${run_stdout}\n--- expected\n${expected}")
  endif()
  if(NOT run_stderr MATCHES "collections=[1-9]")
    message(FATAL_ERROR "${what}: expected at least one collection, stderr was:\n${run_stderr}")
  endif()
  message(STATUS "${what}: ok")
endfunction()

set(prefix "${WORK_DIR}/prefix")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# The libraries must be up to date before they are installed.
run(${CMAKE_COMMAND} --build "${BUILD_DIR}" --target mosaic_runtime mosaic_runtime_shared)
run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}" --component mosaic_runtime)
foreach(f include/mosaic/mosaic.h include/mosaic/heap.h lib/cmake/Mosaic/MosaicConfig.cmake
          lib/cmake/Mosaic/MosaicConfigVersion.cmake lib/pkgconfig/mosaic-runtime.pc
          lib/libmosaic_runtime.a lib/libmosaic_runtime.so)
  if(NOT EXISTS "${prefix}/${f}")
    message(FATAL_ERROR "not installed: ${prefix}/${f}")
  endif()
endforeach()

# 1. CMake: find_package(Mosaic) from the prefix, the static library.
run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/examples/embed" -B "${WORK_DIR}/build-cmake"
    -G "${GENERATOR}" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_PREFIX_PATH=${prefix}"
    "-DCMAKE_C_COMPILER=${C_COMPILER}")
run(${CMAKE_COMMAND} --build "${WORK_DIR}/build-cmake")
run("${WORK_DIR}/build-cmake/mosaic-lisp")
check_output("find_package(Mosaic) build")

# A version the package must refuse.
file(WRITE "${WORK_DIR}/badversion/CMakeLists.txt"
     "cmake_minimum_required(VERSION 3.16)\nproject(v C CXX)\nfind_package(Mosaic 9.0 REQUIRED)\n")
execute_process(COMMAND ${CMAKE_COMMAND} -S "${WORK_DIR}/badversion" -B "${WORK_DIR}/badversion/b"
                        "-DCMAKE_PREFIX_PATH=${prefix}"
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
if(rc EQUAL 0)
  message(FATAL_ERROR "find_package(Mosaic 9.0) succeeded against version 0.1")
endif()

# 2. pkg-config and a plain compiler command line: the shared library.
find_program(PKG_CONFIG pkg-config REQUIRED)
set(ENV{PKG_CONFIG_PATH} "${prefix}/lib/pkgconfig")
run(${PKG_CONFIG} --cflags --libs mosaic-runtime)
string(STRIP "${run_stdout}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run(${C_COMPILER} -std=c99 -O2 -Wall -Wextra "${SOURCE_DIR}/examples/embed/lisp.c" ${flags}
    -o "${WORK_DIR}/mosaic-lisp-pc")
set(ENV{LD_LIBRARY_PATH} "${prefix}/lib")
run("${WORK_DIR}/mosaic-lisp-pc")
check_output("pkg-config build")
run(ldd "${WORK_DIR}/mosaic-lisp-pc")
if(NOT run_stdout MATCHES "${prefix}/lib/libmosaic_runtime\\.so")
  message(FATAL_ERROR "the pkg-config build does not use the installed shared library:\n${run_stdout}")
endif()

# 2b. pkg-config, static: the archive named explicitly (-l would pick the shared library).
run(${PKG_CONFIG} --variable=libdir mosaic-runtime)
string(STRIP "${run_stdout}" libdir)
run(${PKG_CONFIG} --variable=includedir mosaic-runtime)
string(STRIP "${run_stdout}" includedir)
run(${PKG_CONFIG} --static --libs mosaic-runtime)
string(STRIP "${run_stdout}" static_flags)
string(REPLACE "-lmosaic_runtime" "" static_flags "${static_flags}")
separate_arguments(static_flags UNIX_COMMAND "${static_flags}")
run(${C_COMPILER} -std=c99 -O2 "${SOURCE_DIR}/examples/embed/lisp.c" "-I${includedir}"
    "${libdir}/libmosaic_runtime.a" ${static_flags} -o "${WORK_DIR}/mosaic-lisp-static")
unset(ENV{LD_LIBRARY_PATH})
run("${WORK_DIR}/mosaic-lisp-static")
check_output("pkg-config static build")

# 3. Optional: the stackmaps component, for JIT writers (-DWITH_STACKMAPS=ON).
if(WITH_STACKMAPS)
  run(${CMAKE_COMMAND} --build "${BUILD_DIR}" --target mosaic_stackmaps mosaic_stackmaps_orc)
  run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}" --component mosaic_stackmaps)
  run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/embed/stackmaps_consumer"
      -B "${WORK_DIR}/build-stackmaps" -G "${GENERATOR}" "-DCMAKE_PREFIX_PATH=${prefix}")
  run(${CMAKE_COMMAND} --build "${WORK_DIR}/build-stackmaps")
  run("${WORK_DIR}/build-stackmaps/stackmaps_consumer")
  message(STATUS "find_package(Mosaic COMPONENTS stackmaps) build: ok")
endif()
