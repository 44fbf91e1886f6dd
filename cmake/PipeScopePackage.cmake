# The Debian package: `cpack -G DEB` in a Release build configured with
# -DCMAKE_INSTALL_PREFIX=/usr writes pipescope_<version>_amd64.deb (.ci/test-package.sh builds,
# installs, runs and removes it).
#
# One package, not Debian's usual libpipescope-core0 + libpipescope-core-dev split. The split
# exists so that several programs share one library whose ABI is kept stable (the SONAME
# changes only when it breaks) and only developers install headers. Neither holds here yet:
# libpipescope_core is 0.x, its SONAME is the major version 0 with no ABI promise, and
# /usr/bin/pipescope links the core statically (it uses internals the library does not
# export), so nothing in the archive would depend on a libpipescope-core0 package. The library
# (only the symbols its installed headers mark PIPESCOPE_CORE_EXPORT), the headers and the
# CMake package (tens of KiB) ride along so the README's find_package(PipeScope) works
# against the installed package too. When the library gets an ABI promise, give core/'s
# install() rules COMPONENTs (runtime / dev) and turn on CPACK_DEB_COMPONENT_INSTALL.
set(PIPESCOPE_HOMEPAGE "https://github.com/pipescope/pipescope")
set(PIPESCOPE_PACKAGE_MAINTAINER "The PipeScope developers <pipescope@users.noreply.github.com>"
    CACHE STRING "The Maintainer field of the Debian package")

set(CPACK_PACKAGE_NAME pipescope)
set(CPACK_PACKAGE_VENDOR "The PipeScope developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PIPESCOPE_HOMEPAGE}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "${PIPESCOPE_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # pipescope_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PIPESCOPE_HOMEPAGE}")
# The synopsis line is CPACK_PACKAGE_DESCRIPTION_SUMMARY; this is the extended description.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "PipeScope shows live pipe endpoints, the bytes buffered in the kernel and in
the transports, and each reader's state, with pause and resume buttons, on
real pipes, FIFOs and child processes. Its System page shows every pipe on the
machine and who is stuck; its lessons run on real pipes and check the
kernel's answers. Headless commands (list, watch, inspect, peek, stop, cont,
lesson) work without a display.
.
This package also holds the libpipescope_core library, its headers and CMake
package (find_package(PipeScope)).")
# Shared libraries from dpkg-shlibdeps; the libraries Qt opens at run time it cannot see:
# the platform plugins, xcb for X11 (qt6-qpa-plugins) and Wayland's (qt6-wayland).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins, qt6-wayland")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "xvfb, bash-completion")
# A shlibs file for libpipescope_core.so.0 and the ldconfig trigger, for the programs of others
# that link it.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY "=")
set(CPACK_PROJECT_CONFIG_FILE "${CMAKE_CURRENT_BINARY_DIR}/PipeScopeCPackChecks.cmake")
file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/PipeScopeCPackChecks.cmake" "
# Written by cmake/PipeScopePackage.cmake: refuse a package Debian should not install.
if(NOT \"${CMAKE_INSTALL_PREFIX}\" STREQUAL \"/usr\")
    message(FATAL_ERROR \"configure the package build with -DCMAKE_INSTALL_PREFIX=/usr (library and zsh directories depend on it), not ${CMAKE_INSTALL_PREFIX}\")
endif()
if(${PIPESCOPE_SANITIZE})
    message(FATAL_ERROR \"this build has ASan/UBSan (PIPESCOPE_SANITIZE=ON): package a Release build\")
endif()
")
include(CPack)
