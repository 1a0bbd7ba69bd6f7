// A report's invariants, checked before any front end prints it: a report that breaks one is a bug in
// surge, never an answer (the CLI exits 3, "internal error"). docs/OUTPUT.md, "Invariants".
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "models/report.hpp"

namespace surge {

/// What is wrong with a report, one line per violation ("resources[api:dc1].saved_s is nan"); empty when
/// it keeps every invariant: every figure finite (no NaN, no infinity: what is not known is empty or null),
/// and a missed deadline blamed on a resource unless the clients' own timing explains it (some class asks
/// at or after the deadline).
std::vector<std::string> report_violations(const Report& report);

/// A report that breaks an invariant: a bug in surge (the CLI prints "surge: internal error: ..." and exits 3).
class ReportInvariantError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Throws ReportInvariantError, naming every violation, when the report breaks an invariant.
void require_report_invariants(const Report& report);

}  // namespace surge
