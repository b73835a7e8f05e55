# Every dependency comes from Debian 12 packages as they ship: no vendoring, no downloads.
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED CONFIG)     # nlohmann_json::nlohmann_json
find_package(CLI11 2.1 REQUIRED CONFIG)              # CLI11::CLI11
find_package(PkgConfig REQUIRED)
if(CVA_STATIC_RELEASE)
  include(CvaStaticDeps)                             # the same targets, from static archives
else()
  find_package(fmt 9 REQUIRED CONFIG)                  # fmt::fmt
  find_package(yaml-cpp 0.7 REQUIRED CONFIG)           # plain `yaml-cpp` target in 0.7
  find_package(LibArchive 3.6 REQUIRED)                # LibArchive::LibArchive
  pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)  # libre2-dev ships only re2.pc
endif()
# cpp-httplib is a compiled library in Debian; its CPPHTTPLIB_*_SUPPORT defines must match the
# library's or objects disagree on class layout, so take them from its pkg-config flags.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
if(CVA_ENABLE_TESTS)
  find_package(doctest 2.4 REQUIRED CONFIG)          # doctest::doctest
endif()
