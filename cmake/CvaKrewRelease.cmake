# Script mode (cmake -P), run by the `krew-release` target and the `release-pack` test:
#   1. refuses a binary that needs any shared library but libc, libm, libstdc++, libgcc_s and the
#      loader (its ELF NEEDED entries, read with READELF, so a cross-built binary is checked too);
#   2. packs DIST/kubectl-coder_cva_<OS>_<ARCH>.tar.gz: the stripped binary and LICENSE at the top,
#      with fixed timestamps so the same binary always gives the same archive and hash;
#   3. writes DIST/coder-cva.yaml from TEMPLATE with one platform per archive present in DIST
#      (archives built for other platforms, or on other machines, may be copied there first), each
#      with its sha256.
# With MANIFEST_ONLY=ON only step 3 runs; with CLEAN=ON, DIST is emptied first.
cmake_minimum_required(VERSION 3.25)

foreach(var TEMPLATE VERSION HOMEPAGE RELEASE_URL DIST)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "CvaKrewRelease.cmake: -D${var}= is required")
  endif()
endforeach()

# Platforms the manifest must cover; others found in DIST are added too.
set(expected_platforms linux_amd64 linux_arm64)

if(CLEAN)
  file(REMOVE_RECURSE ${DIST})
endif()
file(MAKE_DIRECTORY ${DIST})

if(NOT MANIFEST_ONLY)
  foreach(var BINARY LICENSE OS ARCH)
    if(NOT DEFINED ${var})
      message(FATAL_ERROR "CvaKrewRelease.cmake: -D${var}= is required")
    endif()
  endforeach()
  if(NOT READELF)
    set(READELF readelf)
  endif()
  execute_process(COMMAND ${READELF} -d ${BINARY} OUTPUT_VARIABLE dynamic RESULT_VARIABLE readelf_rc)
  if(NOT readelf_rc EQUAL 0)
    message(FATAL_ERROR "${READELF} -d ${BINARY} failed")
  endif()
  string(REGEX MATCHALL "\\(NEEDED\\)[^\n]*\\[[^]\n]+\\]" needed_lines "${dynamic}")
  set(unexpected)
  foreach(line IN LISTS needed_lines)
    string(REGEX REPLACE ".*\\[([^]]+)\\]$" "\\1" library "${line}")
    if(NOT library MATCHES "^(libc|libm|libstdc\\+\\+|libgcc_s)\\.so\\.[0-9]+$" AND NOT library MATCHES "^ld-linux")
      list(APPEND unexpected "${library}")
    endif()
  endforeach()
  if(NOT needed_lines)
    message(FATAL_ERROR "${BINARY}: no NEEDED entries in its dynamic section (not a dynamic executable?)")
  endif()
  if(unexpected)
    list(JOIN unexpected " " text)
    message(FATAL_ERROR "${BINARY} needs shared libraries beyond libc and libstdc++: ${text} (configure with "
                        "-DCVA_LINK=static and install the static archives: scripts/install-deps)")
  endif()

  set(stage ${DIST}/stage-${OS}-${ARCH})
  file(REMOVE_RECURSE ${stage})
  file(MAKE_DIRECTORY ${stage})
  file(COPY_FILE ${BINARY} ${stage}/kubectl-coder_cva)
  file(COPY_FILE ${LICENSE} ${stage}/LICENSE)
  if(STRIP)
    execute_process(COMMAND ${STRIP} --strip-all ${stage}/kubectl-coder_cva COMMAND_ERROR_IS_FATAL ANY)
  endif()
  file(CHMOD ${stage}/kubectl-coder_cva PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
       GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
  file(CHMOD ${stage}/LICENSE PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  set(archive ${DIST}/kubectl-coder_cva_${OS}_${ARCH}.tar.gz)
  # Member names relative to the stage (krew's `files` expect the two files at the top); fixed
  # owner, order and times, and no name or time in the gzip header, so the hash is reproducible.
  execute_process(COMMAND tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu
                          -C ${stage} -cf - kubectl-coder_cva LICENSE
                  COMMAND gzip -9 -n
                  OUTPUT_FILE ${archive}
                  COMMAND_ERROR_IS_FATAL ANY)
  file(REMOVE_RECURSE ${stage})
  message(STATUS "Packed ${archive}")
endif()

file(GLOB archives ${DIST}/kubectl-coder_cva_*_*.tar.gz)
list(SORT archives)
if(NOT archives)
  message(FATAL_ERROR "no kubectl-coder_cva_<os>_<arch>.tar.gz in ${DIST}")
endif()
set(platforms "")
set(present)
foreach(archive IN LISTS archives)
  get_filename_component(name ${archive} NAME)
  string(REGEX MATCH "^kubectl-coder_cva_([a-z0-9]+)_([a-z0-9]+)\\.tar\\.gz$" matched "${name}")
  if(NOT matched)
    message(FATAL_ERROR "unexpected archive name ${name}")
  endif()
  set(os ${CMAKE_MATCH_1})
  set(arch ${CMAKE_MATCH_2})
  list(APPEND present ${os}_${arch})
  file(SHA256 ${archive} sha)
  string(TOLOWER "${sha}" sha)
  string(APPEND platforms
    "  - selector:\n"
    "      matchLabels:\n"
    "        os: ${os}\n"
    "        arch: ${arch}\n"
    "    uri: ${RELEASE_URL}/v${VERSION}/${name}\n"
    "    sha256: ${sha}\n"
    "    files:\n"
    "      - from: kubectl-coder_cva\n"
    "        to: .\n"
    "      - from: LICENSE\n"
    "        to: .\n"
    "    bin: kubectl-coder_cva\n")
endforeach()
foreach(p IN LISTS expected_platforms)
  if(NOT p IN_LIST present)
    string(REPLACE "_" "/" shown ${p})
    message(WARNING "no archive for ${shown} in ${DIST}: the manifest leaves that platform out (scripts/release "
                    "builds linux/amd64 and, cross-compiled, linux/arm64)")
  endif()
endforeach()
file(READ ${TEMPLATE} manifest)
string(REPLACE "@VERSION@" "${VERSION}" manifest "${manifest}")
string(REPLACE "@HOMEPAGE@" "${HOMEPAGE}" manifest "${manifest}")
string(REPLACE "@PLATFORMS@\n" "${platforms}" manifest "${manifest}")
file(WRITE ${DIST}/coder-cva.yaml "${manifest}")
message(STATUS "Wrote ${DIST}/coder-cva.yaml for: ${present}")
