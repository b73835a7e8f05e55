# The third-party libraries linked statically (CVA_LINK in CvaDeps.cmake), so the binary runs on a
# stock Debian or Ubuntu with nothing but libc and libstdc++. Defines the same target names as
# CvaDeps.cmake's find_package calls, from Debian's static archives:
#   fmt::fmt                 Debian ships no libfmt.a: fmt's implementation header, compiled once
#                            (cmake/fmt_static.cpp)
#   yaml-cpp                 libyaml-cpp.a
#   LibArchive::LibArchive   libarchive.a plus its private dependencies (pkg-config --static)
#   PkgConfig::RE2           libre2.a
# HTTP is the project's own code (core/http): Debian's cpp-httplib has no static form.
# In a cross build (cmake/aarch64-linux-gnu.cmake) the archives and .pc files come from the target
# architecture's packages, found through CMAKE_FIND_ROOT_PATH and PKG_CONFIG_LIBDIR.

set(cva_static_modules yaml-cpp libarchive re2)

# The full path of lib<name>.a in `out`, or <out>-NOTFOUND.
function(cva_static_library out name)
  find_library(CVA_STATIC_${name} NAMES lib${name}.a NO_CACHE)
  set(${out} ${CVA_STATIC_${name}} PARENT_SCOPE)
endfunction()

# The static archives of pkg-config `module` (its own first, then its private dependencies) in
# `out`; the names of those not found in `missing_out`.
function(cva_static_closure out missing_out module)
  pkg_check_modules(CVA_PC_${module} QUIET ${module})
  if(NOT CVA_PC_${module}_FOUND)
    set(${missing_out} "${module}.pc" PARENT_SCOPE)
    return()
  endif()
  set(paths)
  set(missing)
  foreach(lib IN LISTS CVA_PC_${module}_STATIC_LIBRARIES)
    if(lib MATCHES "^(pthread|dl|m|rt|c)$")
      continue() # part of libc
    endif()
    cva_static_library(path ${lib})
    if(path)
      list(APPEND paths ${path})
    else()
      list(APPEND missing lib${lib}.a)
    endif()
  endforeach()
  set(${out} ${paths} PARENT_SCOPE)
  set(${missing_out} ${missing} PARENT_SCOPE)
endfunction()

# Sets `missing_out` to what a static link lacks (empty when everything is there).
function(cva_find_static_deps missing_out)
  set(missing)
  foreach(module IN LISTS cva_static_modules)
    cva_static_closure(paths module_missing ${module})
    list(APPEND missing ${module_missing})
  endforeach()
  find_path(CVA_FMT_INCLUDE fmt/format-inl.h NO_CACHE)
  if(NOT CVA_FMT_INCLUDE)
    list(APPEND missing fmt/format-inl.h)
  endif()
  list(REMOVE_DUPLICATES missing)
  set(${missing_out} ${missing} PARENT_SCOPE)
endfunction()

# An imported static library `target` from pkg-config `module`.
function(cva_static_from_pkgconfig target module)
  cva_static_closure(paths missing ${module})
  list(POP_FRONT paths main)
  add_library(${target} STATIC IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES
    IMPORTED_LOCATION ${main}
    INTERFACE_INCLUDE_DIRECTORIES "${CVA_PC_${module}_STATIC_INCLUDE_DIRS}"
    INTERFACE_LINK_LIBRARIES "${paths};Threads::Threads")
endfunction()

# Defines the targets; call only when cva_find_static_deps found everything.
macro(cva_add_static_deps)
  find_path(CVA_FMT_INCLUDE fmt/format-inl.h REQUIRED)
  add_library(cva_fmt STATIC ${CMAKE_CURRENT_LIST_DIR}/fmt_static.cpp)
  target_include_directories(cva_fmt SYSTEM PUBLIC ${CVA_FMT_INCLUDE})
  add_library(fmt::fmt ALIAS cva_fmt)
  cva_static_from_pkgconfig(yaml-cpp yaml-cpp)
  cva_static_from_pkgconfig(LibArchive::LibArchive libarchive)
  cva_static_from_pkgconfig(PkgConfig::RE2 re2)
endmacro()
