// libFuzzer target over the scenario parser: every input must end in a Scenario meeting the invariants or
// in the project's typed ScenarioError with file:line:col (fuzz_oracle.hpp); anything else aborts, and
// libFuzzer saves the input. Run through scripts/fuzz.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "tests/fuzz/fuzz_oracle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto problem = surge::fuzz::check_parse(text)) {
    std::fprintf(stderr, "fuzz_parser: %s\n", problem->c_str());
    std::abort();
  }
  return 0;
}
