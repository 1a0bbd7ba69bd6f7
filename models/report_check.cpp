#include "models/report_check.hpp"

#include <cmath>

namespace surge {
namespace {

/// Collects the figures that are not finite, each named by its path in the report.
class FiniteCheck {
 public:
  explicit FiniteCheck(std::vector<std::string>& out) : out_(out) {}
  void operator()(const std::string& name, double v) {
    if (!std::isfinite(v)) out_.push_back(name + " is " + (std::isnan(v) ? "nan" : "infinite"));
  }

 private:
  std::vector<std::string>& out_;
};

// Every figure of the series (the others come from the report's field tables: for_each_number).
void check_series(const Report& r, FiniteCheck& f) {
  for (size_t i = 0; i < r.series.size(); ++i)
    for (size_t c = 0; c < r.series[i].size(); ++c)
      f("series[" + std::to_string(i) + "]." + (c < r.series_columns.size() ? r.series_columns[c] : std::to_string(c)),
        r.series[i][c]);
}

// A class whose clients ask at or after the deadline (or after the horizon) misses it whatever the CA does.
bool clients_ask_late(const Report& r) {
  for (const ClassOutcome& c : r.classes)
    if (c.certificates > 0 && (!c.last_request_s || *c.last_request_s >= r.deadline_s)) return true;
  return false;
}

}  // namespace

std::vector<std::string> report_violations(const Report& r) {
  std::vector<std::string> out;
  FiniteCheck finite(out);
  for_each_number(r, [&](const std::string& path, double v) { finite(path, v); });
  check_series(r, finite);
  if (r.certificates > 0 && !r.deadline_met && r.bottleneck.empty() && !clients_ask_late(r))
    out.push_back("the deadline is missed but no bottleneck is named and every class asks before the deadline");
  return out;
}

void require_report_invariants(const Report& r) {
  const std::vector<std::string> v = report_violations(r);
  if (v.empty()) return;
  std::string message = "internal error: the " + r.mode + " report of '" + r.scenario + "' breaks its invariants: ";
  for (size_t i = 0; i < v.size(); ++i) message += (i ? "; " : "") + v[i];
  throw ReportInvariantError(message);
}

}  // namespace surge
