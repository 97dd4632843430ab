# Cross-compiles faceveil for arm64 (Raspberry Pi 3/4/5 with a 64-bit OS) on
# an amd64 Debian 12 machine, with Debian's crossbuild-essential-arm64 and an
# arm64 sysroot of Debian 12 packages that scripts/package.sh extracts
# without running them (.deps/sysroot-arm64).
#
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-arm64.cmake
#
# FACEVEIL_SYSROOT overrides where the sysroot is. Test executables run under
# qemu-aarch64-static (CMAKE_CROSSCOMPILING_EMULATOR): ctest, and GoogleTest's
# test discovery at build time, go through it; this machine has no
# binfmt_misc, so nothing else starts an arm64 program by itself.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

if(NOT FACEVEIL_SYSROOT)
  set(FACEVEIL_SYSROOT "${CMAKE_CURRENT_LIST_DIR}/../.deps/sysroot-arm64")
endif()
get_filename_component(FACEVEIL_SYSROOT "${FACEVEIL_SYSROOT}" ABSOLUTE)
# Try-compile projects get their own copy of this file; pass the value on.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES FACEVEIL_SYSROOT)
if(NOT EXISTS "${FACEVEIL_SYSROOT}/usr/include/aarch64-linux-gnu")
  message(FATAL_ERROR "No arm64 sysroot at ${FACEVEIL_SYSROOT}: "
                      "run scripts/package.sh (or pass -DFACEVEIL_SYSROOT=)")
endif()

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_ASM_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_SYSROOT "${FACEVEIL_SYSROOT}")

# Libraries, headers and CMake packages only from the sysroot; programs
# (flatc, pkg-config) from this machine.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${FACEVEIL_SYSROOT}")
set(ENV{PKG_CONFIG_LIBDIR}
    "${FACEVEIL_SYSROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:${FACEVEIL_SYSROOT}/usr/share/pkgconfig")

# The sysroot's libraries need each other at link time (libopencv_core needs
# libblas, ...), found through the sysroot's library directories.
foreach(_dir lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu)
  string(APPEND CMAKE_EXE_LINKER_FLAGS_INIT
         " -Wl,-rpath-link,${FACEVEIL_SYSROOT}/${_dir}")
endforeach()

find_program(FACEVEIL_QEMU qemu-aarch64-static)
if(FACEVEIL_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${FACEVEIL_QEMU};-L;${FACEVEIL_SYSROOT}")
endif()
