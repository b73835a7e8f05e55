# The third-party libraries of the release binary, linked statically (CVA_STATIC_RELEASE=ON), so it
# runs on a stock Debian or Ubuntu with nothing but libc and libstdc++. Defines the same target names
# as CvaDeps.cmake's find_package calls, from Debian's static archives:
#   fmt::fmt                 header-only (FMT_HEADER_ONLY); Debian ships no libfmt.a
#   yaml-cpp                 libyaml-cpp.a
#   LibArchive::LibArchive   libarchive.a plus its private dependencies (pkg-config --static)
#   PkgConfig::RE2           libre2.a
# cpp-httplib has no static form in Debian 12 (its header holds declarations only; the code is in
# libcpp-httplib.so), so it stays a shared dependency: the release check (cmake/CvaKrewRelease.cmake)
# refuses a binary that needs it. See README "Static release".
find_package(PkgConfig REQUIRED)

# The full path of lib<name>.a, or a fatal error naming the library.
function(cva_static_library out name)
  find_library(CVA_STATIC_${name} NAMES lib${name}.a NO_CACHE)
  if(NOT CVA_STATIC_${name})
    message(FATAL_ERROR "CVA_STATIC_RELEASE: lib${name}.a not found; install its Debian -dev package "
                        "(scripts/install-deps --release)")
  endif()
  set(${out} ${CVA_STATIC_${name}} PARENT_SCOPE)
endfunction()

# An imported static library `target` from pkg-config module `module`: its first library is the
# target's location, the rest (static closure) are linked after it.
function(cva_static_from_pkgconfig target module)
  pkg_check_modules(CVA_PC_${module} REQUIRED QUIET ${module})
  set(libs ${CVA_PC_${module}_STATIC_LIBRARIES})
  list(POP_FRONT libs main)
  cva_static_library(main_path ${main})
  set(deps)
  foreach(lib IN LISTS libs)
    if(lib MATCHES "^(pthread|dl|m|rt|c)$")
      continue() # part of libc
    endif()
    cva_static_library(path ${lib})
    list(APPEND deps ${path})
  endforeach()
  add_library(${target} STATIC IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES
    IMPORTED_LOCATION ${main_path}
    INTERFACE_INCLUDE_DIRECTORIES "${CVA_PC_${module}_STATIC_INCLUDE_DIRS}"
    INTERFACE_LINK_LIBRARIES "${deps};Threads::Threads")
endfunction()

find_path(CVA_FMT_INCLUDE fmt/format-inl.h REQUIRED)
add_library(fmt::fmt INTERFACE IMPORTED GLOBAL)
set_target_properties(fmt::fmt PROPERTIES
  INTERFACE_COMPILE_DEFINITIONS FMT_HEADER_ONLY=1
  INTERFACE_INCLUDE_DIRECTORIES ${CVA_FMT_INCLUDE})

cva_static_from_pkgconfig(yaml-cpp yaml-cpp)
cva_static_from_pkgconfig(LibArchive::LibArchive libarchive)
cva_static_from_pkgconfig(PkgConfig::RE2 re2)
