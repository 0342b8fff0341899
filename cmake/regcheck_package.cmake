# regcheck as a library (README "Checking your own claims"): `cmake --install build --prefix P`
# puts the static libraries under P/lib, the public headers under P/include/regcheck (keeping the
# in-tree paths: "sim/...", "theory/...", "claims/core/...", "nets/..."), and a CMake package under
# P/lib/cmake/regcheck, so that another project does
#
#   find_package(regcheck 0.1 REQUIRED)
#   target_link_libraries(app PRIVATE regcheck::core)   # theory, sim, claims core (+ regcheck::nets)
#
# The in-tree include directory ${CMAKE_SOURCE_DIR} is a BUILD_INTERFACE only (CMakeLists.txt), so
# no path of the source or build tree reaches the installed package. Included at the end of
# CMakeLists.txt, after every library target exists.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(REGCHECK_INSTALL_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR}/regcheck)
set(REGCHECK_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/regcheck)

# The exported libraries and their names in the regcheck:: namespace.
set(REGCHECK_EXPORTED regcheck_sim regcheck_theory regcheck_claims_core regcheck_theory_reference)
foreach(P ${REGCHECK_PAPERS})
  list(APPEND REGCHECK_EXPORTED regcheck_theory_${P})
endforeach()
foreach(T ${REGCHECK_EXPORTED})
  string(REPLACE "regcheck_" "" NAME ${T})
  set_target_properties(${T} PROPERTIES EXPORT_NAME ${NAME})
  target_include_directories(${T} INTERFACE $<INSTALL_INTERFACE:${REGCHECK_INSTALL_INCLUDEDIR}>)
endforeach()

# regcheck::core: everything a claim check needs (the Monte Carlo engine and statistics, the theory
# of the four sources with their 50-digit references, the claim/registry/verify driver core).
add_library(regcheck_core INTERFACE)
target_link_libraries(regcheck_core INTERFACE regcheck_claims_core regcheck_sim regcheck_theory regcheck_theory_reference)
# -march=native changes Eigen's alignment (EIGEN_MAX_ALIGN_BYTES 16 -> 32/64) and so the layout of
# Eigen members of the public structs: a user's code must be compiled with the same flag as the
# installed libraries, so it is part of the interface (the package is built on the machine that
# uses it, as the CLI is).
if(REGCHECK_NATIVE)
  target_compile_options(regcheck_core INTERFACE -march=native)
endif()
# Likewise a sanitizer build (REGCHECK_SANITIZE, scripts/sanitize.sh) installs instrumented libraries,
# which need the sanitizer runtimes at the user's link (and the same instrumentation to compile).
if(REGCHECK_SANITIZE OR REGCHECK_FUZZ)
  target_compile_options(regcheck_core INTERFACE -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(regcheck_core INTERFACE -fsanitize=address,undefined -fno-sanitize-recover=all)
endif()
set_target_properties(regcheck_core PROPERTIES EXPORT_NAME core)
add_library(regcheck::core ALIAS regcheck_core)
list(APPEND REGCHECK_EXPORTED regcheck_core)

if(TARGET regcheck_nets)
  set_target_properties(regcheck_nets PROPERTIES EXPORT_NAME nets)
  target_include_directories(regcheck_nets INTERFACE $<INSTALL_INTERFACE:${REGCHECK_INSTALL_INCLUDEDIR}>)
  target_link_libraries(regcheck_nets INTERFACE regcheck_core)
  add_library(regcheck::nets ALIAS regcheck_nets)
  list(APPEND REGCHECK_EXPORTED regcheck_nets)
endif()

install(TARGETS ${REGCHECK_EXPORTED} EXPORT regcheckTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
# Public headers: those of the exported libraries, at their in-tree paths.
install(DIRECTORY sim theory nets DESTINATION ${REGCHECK_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp"
        PATTERN "configs" EXCLUDE)
install(DIRECTORY claims/core DESTINATION ${REGCHECK_INSTALL_INCLUDEDIR}/claims FILES_MATCHING PATTERN "*.hpp")
# The CLI, so that an installed prefix can also `report --from` and `export-notebooks` a user's JSON.
install(TARGETS regcheck RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(EXPORT regcheckTargets NAMESPACE regcheck:: DESTINATION ${REGCHECK_INSTALL_CMAKEDIR})
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/regcheckConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/regcheckConfig.cmake INSTALL_DESTINATION ${REGCHECK_INSTALL_CMAKEDIR})
# SameMinorVersion: 0.x releases change the API between minor versions.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/regcheckConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/regcheckConfig.cmake ${CMAKE_BINARY_DIR}/regcheckConfigVersion.cmake
        DESTINATION ${REGCHECK_INSTALL_CMAKEDIR})
