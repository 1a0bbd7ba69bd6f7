#include "models/report_check.hpp"

#include <cmath>
#include <optional>

namespace surge {
namespace {

/// Collects the figures that are not finite, each named by its path in the report.
class FiniteCheck {
 public:
  explicit FiniteCheck(std::vector<std::string>& out) : out_(out) {}
  void operator()(const std::string& name, double v) {
    if (!std::isfinite(v)) out_.push_back(name + " is " + (std::isnan(v) ? "nan" : "infinite"));
  }
  void operator()(const std::string& name, const std::optional<double>& v) {
    if (v) (*this)(name, *v);
  }
  void operator()(const std::string& name, const Percentiles& p) {
    if (!p.measured) return;
    (*this)(name + ".p50", p.p50);
    (*this)(name + ".p99", p.p99);
  }

 private:
  std::vector<std::string>& out_;
};

// Every figure of the classes, the recommended window and the series (the top level, the resources and the
// transfers come from the report's field tables: for_each_number).
void check_parts(const Report& r, FiniteCheck& f) {
  for (const ClassOutcome& c : r.classes) {
    const std::string at = "classes[" + c.name + "].";
    f(at + "share", c.share), f(at + "certificates", c.certificates);
    f(at + "replaced_by_deadline", c.replaced_by_deadline),
        f(at + "revoked_before_replaced", c.revoked_before_replaced);
    f(at + "time_to_replace_s", c.time_to_replace_s), f(at + "replaced_after_decision_s", c.replaced_after_decision_s);
    f(at + "last_request_s", c.last_request_s), f(at + "rejected_requests", c.rejected_requests);
    f(at + "rejected_certificates", c.rejected_certificates);
  }
  if (const auto& w = r.recommended_window) {
    f("recommended_window.target_utilisation", w->target_utilisation), f("recommended_window.end_s", w->end_s);
    f("recommended_window.peak_utilisation", w->peak_utilisation);
    f("recommended_window.completion_s", w->completion_s);
  }
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
  check_parts(r, finite);
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
