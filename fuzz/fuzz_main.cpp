// libFuzzer entry point; CVA_FUZZ_TARGET names the target in targets.hpp.
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  return cva::fuzz::CVA_FUZZ_TARGET(data, size);
}
