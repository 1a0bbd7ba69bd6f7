// Helpers for simulation tests: load a shipped scenario with overrides, run it in a child process.
#pragma once

#include <string>
#include <vector>

#include "models/scenario_parser.hpp"
#include "models/statistics.hpp"
#include "sim/simulation.hpp"

namespace surge::test {

constexpr double kHour = 3600.0;

inline Scenario shipped(const std::string& name, const std::vector<Override>& overrides = {}) {
  return load_scenario(std::string(SURGE_SOURCE_DIR) + "/scenarios/" + name + ".yaml", overrides);
}

/// Runs in a child process (one SimGrid engine per process).
inline Report simulate(const Scenario& s) {
  return sim::run_in_child(s);
}

}  // namespace surge::test
