// libFuzzer target over the scenario parser and the analytic planner: an accepted scenario's report must
// have every figure finite and blame something when the deadline is missed (fuzz_oracle.hpp); anything
// else aborts, and libFuzzer saves the input. Run through scripts/fuzz.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "tests/fuzz/fuzz_oracle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto problem = surge::fuzz::check_plan(text)) {
    std::fprintf(stderr, "fuzz_planner: %s\n", problem->c_str());
    std::abort();
  }
  return 0;
}
