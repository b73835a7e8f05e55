# Release settings and the `krew-release` target: the archive krew installs and its manifest.
# Any build whose third-party libraries are linked statically (CVA_LINK, the default where the
# static archives are installed) makes release binaries; scripts/release builds one with Release
# flags, for this machine or (--arch arm64) cross-compiled:
#   cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DCVA_LINK=static
#   cmake --build build-release --target krew-release
set(CVA_HOMEPAGE "https://github.com/coder/kubectl-coder-cva" CACHE STRING
    "Project home page: krew's homepage and SARIF's informationUri")
set(CVA_RELEASE_URL "${CVA_HOMEPAGE}/releases/download" CACHE STRING
    "Base URL of the release archives: <url>/v<version>/<archive>")

# krew's os/arch names for the platform being built.
string(TOLOWER "${CMAKE_SYSTEM_NAME}" CVA_RELEASE_OS)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  set(CVA_RELEASE_ARCH amd64)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  set(CVA_RELEASE_ARCH arm64)
else()
  set(CVA_RELEASE_ARCH "${CMAKE_SYSTEM_PROCESSOR}")
endif()

find_program(CVA_READELF NAMES ${CMAKE_READELF} readelf)
set(cva_krew_args
  -DSTRIP=${CMAKE_STRIP}
  -DREADELF=${CVA_READELF}
  -DLICENSE=${PROJECT_SOURCE_DIR}/LICENSE
  -DTEMPLATE=${PROJECT_SOURCE_DIR}/krew/coder-cva.yaml.in
  -DVERSION=${PROJECT_VERSION}
  -DHOMEPAGE=${CVA_HOMEPAGE}
  -DRELEASE_URL=${CVA_RELEASE_URL}
  -DOS=${CVA_RELEASE_OS}
  -DARCH=${CVA_RELEASE_ARCH})
add_custom_target(krew-release
  COMMAND ${CMAKE_COMMAND} -DBINARY=$<TARGET_FILE:kubectl-coder_cva> ${cva_krew_args} -DDIST=${PROJECT_BINARY_DIR}/dist
          -P ${PROJECT_SOURCE_DIR}/cmake/CvaKrewRelease.cmake
  DEPENDS kubectl-coder_cva
  COMMENT "Packing kubectl-coder_cva_${CVA_RELEASE_OS}_${CVA_RELEASE_ARCH}.tar.gz and the krew manifest"
  VERBATIM)
# The manifest alone, from every archive in dist/ (archives of other platforms copied there).
add_custom_target(krew-manifest
  COMMAND ${CMAKE_COMMAND} -DMANIFEST_ONLY=ON ${cva_krew_args} -DDIST=${PROJECT_BINARY_DIR}/dist -P ${PROJECT_SOURCE_DIR}/cmake/CvaKrewRelease.cmake
  COMMENT "Writing the krew manifest from the archives in ${PROJECT_BINARY_DIR}/dist"
  VERBATIM)
