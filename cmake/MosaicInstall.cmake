# Installation: public headers, libmosaic_runtime (static and shared), the CMake package
# (find_package(Mosaic) -> Mosaic::runtime, Mosaic::runtime_shared, and the optional stackmaps and
# jit components) and the pkg-config file mosaic-runtime.pc.
#
#   cmake --install build --prefix /opt/mosaic
#
# Included last by the top-level CMakeLists.txt, when every target exists.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(MOSAIC_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/Mosaic")

# mosaic_version() reports the project's version; capi.cc checks it against mosaic.h's macros.
set_source_files_properties(${PROJECT_SOURCE_DIR}/runtime/src/capi/capi.cc
  DIRECTORY ${PROJECT_SOURCE_DIR}/runtime
  PROPERTIES COMPILE_DEFINITIONS
    "MOSAIC_PROJECT_VERSION=\"${PROJECT_VERSION}\";MOSAIC_PROJECT_VERSION_MAJOR=${PROJECT_VERSION_MAJOR};MOSAIC_PROJECT_VERSION_MINOR=${PROJECT_VERSION_MINOR};MOSAIC_PROJECT_VERSION_PATCH=${PROJECT_VERSION_PATCH}")

# The shared variant reuses the static library's objects (the tree builds everything with PIC), so
# the runtime compiles once. Its link interface is the static target's public one.
add_library(mosaic_runtime_shared SHARED $<TARGET_OBJECTS:mosaic_runtime>)
add_library(mosaic::runtime_shared ALIAS mosaic_runtime_shared)
get_target_property(_mosaic_link mosaic_runtime LINK_LIBRARIES)
get_target_property(_mosaic_interface mosaic_runtime INTERFACE_LINK_LIBRARIES)
list(FILTER _mosaic_interface EXCLUDE REGEX "LINK_ONLY")
target_link_libraries(mosaic_runtime_shared PRIVATE ${_mosaic_link} INTERFACE ${_mosaic_interface})
target_include_directories(mosaic_runtime_shared INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/runtime/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
# Hidden visibility keeps the runtime's own symbols in; the version script also keeps in the
# weak instantiations of std:: templates, which libstdc++ declares with default visibility.
set(_mosaic_exports ${PROJECT_SOURCE_DIR}/runtime/exports.map)
target_link_options(mosaic_runtime_shared PRIVATE "LINKER:--version-script=${_mosaic_exports}")
set_target_properties(mosaic_runtime_shared PROPERTIES
  LINK_DEPENDS ${_mosaic_exports}
  OUTPUT_NAME mosaic_runtime
  VERSION ${PROJECT_VERSION}
  SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}
  EXPORT_NAME runtime_shared)
set_target_properties(mosaic_runtime PROPERTIES EXPORT_NAME runtime)

# Install components (cmake --install --component ...): mosaic_runtime for the runtime and the
# package files, mosaic_<name> for each optional part. A plain `cmake --install` installs all.
install(TARGETS mosaic_runtime mosaic_runtime_shared
  EXPORT MosaicRuntimeTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT mosaic_runtime
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT mosaic_runtime
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT mosaic_runtime
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/include/mosaic
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  COMPONENT mosaic_runtime
  FILES_MATCHING PATTERN "*.h")
install(EXPORT MosaicRuntimeTargets
  NAMESPACE Mosaic::
  FILE MosaicRuntimeTargets.cmake
  DESTINATION ${MOSAIC_INSTALL_CMAKEDIR}
  COMPONENT mosaic_runtime)

# Optional components, for JIT writers: installed when their targets exist in this build.
#   stackmaps  mosaic_stackmaps, mosaic_stackmaps_orc (stackmaps/): sections, index, walker, plugin
#   jit        mosaic_jit (jit/orc/): GcJit, its IR pipeline, the code cache; needs stackmaps
# Each target's headers live in include/ beside its CMakeLists.txt; the lists name plain source
# paths, so the install interface is set here.
set(MOSAIC_INSTALLED_COMPONENTS runtime)
foreach(component stackmaps jit)
  set(_targets)
  set(_header_dirs)
  foreach(t mosaic_${component} mosaic_${component}_orc)
    if(TARGET ${t})
      list(APPEND _targets ${t})
      get_target_property(_source_dir ${t} SOURCE_DIR)
      if(EXISTS ${_source_dir}/include/mosaic)
        list(APPEND _header_dirs ${_source_dir}/include/mosaic)
      endif()
      string(REPLACE "mosaic_" "" _export_name ${t})
      set_target_properties(${t} PROPERTIES EXPORT_NAME ${_export_name})
      get_target_property(_dirs ${t} INTERFACE_INCLUDE_DIRECTORIES)
      set(_fixed)
      foreach(d IN LISTS _dirs)
        if(d MATCHES "^${PROJECT_SOURCE_DIR}/")
          list(APPEND _fixed "$<BUILD_INTERFACE:${d}>")
        else()
          list(APPEND _fixed "${d}")
        endif()
      endforeach()
      list(APPEND _fixed "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>")
      set_target_properties(${t} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_fixed}")
    endif()
  endforeach()
  if(_targets)
    string(SUBSTRING ${component} 0 1 _first)
    string(TOUPPER ${_first} _first)
    string(SUBSTRING ${component} 1 -1 _rest)
    set(_Component "${_first}${_rest}")
    install(TARGETS ${_targets}
      EXPORT Mosaic${_Component}Targets
      ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT mosaic_${component}
      LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT mosaic_${component}
      INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
    list(REMOVE_DUPLICATES _header_dirs)
    foreach(dir IN LISTS _header_dirs)
      install(DIRECTORY ${dir}
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        COMPONENT mosaic_${component}
        FILES_MATCHING PATTERN "*.h")
    endforeach()
    install(EXPORT Mosaic${_Component}Targets
      NAMESPACE Mosaic::
      FILE Mosaic${_Component}Targets.cmake
      DESTINATION ${MOSAIC_INSTALL_CMAKEDIR}
      COMPONENT mosaic_${component})
    list(APPEND MOSAIC_INSTALLED_COMPONENTS ${component})
  endif()
endforeach()

# The package: config, version, and pkg-config files.
# Where the consumer should look for LLVM (the stackmaps/jit components link it): the directory
# LLVM's own config lives in, not whatever LLVM_DIR pointed at.
if(DEFINED LLVM_CMAKE_DIR)
  set(MOSAIC_LLVM_DIR_HINT "${LLVM_CMAKE_DIR}")
else()
  set(MOSAIC_LLVM_DIR_HINT "${LLVM_DIR}")
endif()
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/MosaicConfig.cmake.in
  ${PROJECT_BINARY_DIR}/MosaicConfig.cmake
  INSTALL_DESTINATION ${MOSAIC_INSTALL_CMAKEDIR})
# 0.x: a minor release may break the API, so only the same major.minor is compatible.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/MosaicConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/MosaicConfig.cmake
  ${PROJECT_BINARY_DIR}/MosaicConfigVersion.cmake
  DESTINATION ${MOSAIC_INSTALL_CMAKEDIR}
  COMPONENT mosaic_runtime)

# The .pc file finds its prefix from its own location (pkg-config's pcfiledir).
file(RELATIVE_PATH MOSAIC_PC_TO_PREFIX "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
configure_file(${PROJECT_SOURCE_DIR}/cmake/mosaic-runtime.pc.in
  ${PROJECT_BINARY_DIR}/mosaic-runtime.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/mosaic-runtime.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
  COMPONENT mosaic_runtime)
