# Linked privately by all product and test code, never by third-party code.
add_library(cva_warnings INTERFACE)
target_compile_options(cva_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                              -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual)
if(CVA_WARNINGS_AS_ERRORS)
  target_compile_options(cva_warnings INTERFACE -Werror)
endif()
# GCC 12 reports false -Warray-bounds / -Wmaybe-uninitialized / -Wstringop-overflow positives
# inside libstdc++'s std::string at -O2 (GCC bugs 105329, 105651, 107852); they carry no signal.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(cva_warnings INTERFACE -Wno-array-bounds -Wno-maybe-uninitialized
                                                -Wno-stringop-overflow -Wno-restrict)
endif()
