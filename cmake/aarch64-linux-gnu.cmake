# Cross-compiles for linux/arm64 on a Debian 12 amd64 machine (scripts/release --arch arm64):
#   cmake -S . -B build-release-arm64 -G Ninja --toolchain cmake/aarch64-linux-gnu.cmake \
#         -DCVA_SYSROOT=<dir> -DCVA_LINK=static -DCVA_ENABLE_TESTS=OFF
# The compiler, libc and libstdc++ come from Debian's crossbuild-essential-arm64. The third-party
# -dev packages for arm64 (static archives, headers, .pc and CMake files) are unpacked into
# CVA_SYSROOT rather than installed: some of them (libyaml-cpp-dev) cannot be installed beside their
# amd64 version. scripts/release makes that directory with `apt-get download` and `dpkg-deb -x`.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# try_compile projects read this file again without the cache: pass the sysroot on.
if(NOT CVA_SYSROOT AND DEFINED ENV{CVA_SYSROOT})
  set(CVA_SYSROOT $ENV{CVA_SYSROOT})
endif()
if(NOT CVA_SYSROOT OR NOT IS_DIRECTORY "${CVA_SYSROOT}/usr/lib/aarch64-linux-gnu")
  message(FATAL_ERROR "cmake/aarch64-linux-gnu.cmake: -DCVA_SYSROOT= must name a directory holding the arm64 "
                      "-dev packages unpacked (scripts/release --arch arm64 makes it)")
endif()
set(ENV{CVA_SYSROOT} ${CVA_SYSROOT})
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES CVA_SYSROOT)

# Headers, libraries and package files only from the target's packages; programs from the host.
set(CMAKE_FIND_ROOT_PATH ${CVA_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(ENV{PKG_CONFIG_LIBDIR} "${CVA_SYSROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:${CVA_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} ${CVA_SYSROOT})
set(ENV{PKG_CONFIG_PATH} "")
