// The baseline of tests/bench/fuzz_speed.sh: yaml-cpp's YAML::Load of the input and nothing else, built with the
// same compiler, sanitizers and coverage flags as fuzz_parser, so that the parser's cost is read as a ratio to
// the YAML library's own on the same machine in the same run. Not a target to fuzz for findings.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const YAML::Node root = YAML::Load(std::string(reinterpret_cast<const char*>(data), size));
    static_cast<void>(root);
  } catch (const YAML::Exception&) {
    // a syntax error is an answer too: fuzz_parser turns it into a diagnostic
  }
  return 0;
}
