# Every dependency comes from Debian 12 packages as they ship: no vendoring, no downloads.
#
# CVA_LINK says how the third-party libraries are linked:
#   auto    (default) statically when every static archive is installed (scripts/install-deps
#           installs them), so the binary the tests run is the release binary; dynamically otherwise
#   static  statically, or a configure error naming what is missing (scripts/release)
#   shared  dynamically, from Debian's shared libraries (quicker links while developing)
# Statically linked, the binary needs nothing but libc and libstdc++ (the release test checks it).
# CVA_LINK_STATIC says which way it went.
set(CVA_LINK auto CACHE STRING "Link third-party libraries: auto (static when possible), static or shared")
set_property(CACHE CVA_LINK PROPERTY STRINGS auto static shared)
if(NOT CVA_LINK MATCHES "^(auto|static|shared)$")
  message(FATAL_ERROR "CVA_LINK=${CVA_LINK}: use auto, static or shared")
endif()

find_package(Threads REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED CONFIG)     # nlohmann_json::nlohmann_json
find_package(CLI11 2.1 REQUIRED CONFIG)              # CLI11::CLI11
find_package(PkgConfig REQUIRED)

set(CVA_LINK_STATIC OFF)
if(NOT CVA_LINK STREQUAL "shared")
  include(CvaStaticDeps)
  cva_find_static_deps(cva_static_missing)
  if(NOT cva_static_missing)
    set(CVA_LINK_STATIC ON)
    # libstdc++ stays shared (every distribution has it); libgcc's unwinder is linked in. Unused
    # sections of the static archives are dropped.
    add_compile_options(-ffunction-sections -fdata-sections)
    add_link_options(-static-libgcc -Wl,--gc-sections -Wl,--as-needed)
    cva_add_static_deps()
  elseif(CVA_LINK STREQUAL "static")
    message(FATAL_ERROR "CVA_LINK=static: no ${cva_static_missing}; install the Debian -dev packages "
                        "(scripts/install-deps)")
  else()
    message(STATUS "Linking third-party libraries dynamically: no ${cva_static_missing} (scripts/install-deps "
                   "installs them); this binary is not a release binary")
  endif()
endif()
if(NOT CVA_LINK_STATIC)
  find_package(fmt 9 REQUIRED CONFIG)                  # fmt::fmt
  find_package(yaml-cpp 0.7 REQUIRED CONFIG)           # plain `yaml-cpp` target in 0.7
  find_package(LibArchive 3.6 REQUIRED)                # LibArchive::LibArchive
  pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)  # libre2-dev ships only re2.pc
endif()
message(STATUS "Third-party libraries: static ${CVA_LINK_STATIC}")

if(CVA_ENABLE_TESTS)
  find_package(doctest 2.4 REQUIRED CONFIG)          # doctest::doctest
endif()
