// The check that runs after parsing and before any answer: every capacity finite and positive, every time
// finite and in order. The parser's ranges (scenario_ranges.hpp) should make it pass on every valid input;
// a violation is a bug in surge, reported with the offending value, never an answer computed from it.
#pragma once

#include <stdexcept>
#include <string>

#include "models/scenario.hpp"

namespace surge {

/// A parsed scenario that breaks an invariant: a bug, not bad input (the CLI exits 3).
class InvariantError : public std::runtime_error {
 public:
  /// `what` names the value ("data_centers.dc1.hsm.signatures_per_s"), `value` its text.
  InvariantError(const std::string& what, const std::string& value)
      : std::runtime_error("internal error: " + what + " = " + value) {}
};

/// Throws InvariantError on the first broken invariant of `s`; returns when all hold.
void check_invariants(const Scenario& s);

}  // namespace surge
