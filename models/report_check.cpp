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

void check_summary(const Report& r, FiniteCheck& f) {
  f("certificates", r.certificates), f("decision_s", r.decision_s), f("deadline_s", r.deadline_s);
  f("horizon_s", r.horizon_s), f("completion_time_s", r.completion_time_s);
  f("revocation_complete_s", r.revocation_complete_s), f("replaced_by_deadline", r.replaced_by_deadline);
  f("not_replaced_by_deadline", r.not_replaced_by_deadline), f("revoked_by_deadline", r.revoked_by_deadline);
  f("revoked_before_replaced", r.revoked_before_replaced), f("replaced_within_horizon", r.replaced_within_horizon);
  f("bulk_revocation_start_s", r.bulk_revocation_start_s), f("time_to_replace_s", r.time_to_replace_s);
  f("signatures", r.signatures), f("signatures_needed", r.signatures_needed), f("db_commits", r.db_commits);
  f("db_replication_lag_max_s", r.db_replication_lag_max_s), f("sct_wait_mean_s", r.sct_wait_mean_s);
  f("sct_queue_wait_mean_s", r.sct_queue_wait_mean_s), f("rejected_requests", r.rejected_requests);
  f("rejected_certificates", r.rejected_certificates), f("admission_delay_total_s", r.admission_delay_total_s);
  f("admission_delay_mean_s", r.admission_delay_mean_s), f("ocsp_resign_signatures", r.ocsp_resign_signatures);
  f("crl_signatures", r.crl_signatures), f("crl_bytes_uploaded", r.crl_bytes_uploaded);
  f("revocations_published_s", r.revocations_published_s), f("crl_period_s", r.crl_period_s);
  f("ari_polls", r.ari_polls), f("max_sustainable_rate_per_s", r.max_sustainable_rate_per_s);
  f("latest_decision_s", r.latest_decision_s), f("headroom", r.headroom);
  for (const auto& [key, count] : r.signatures_by_key) f("signatures_by_key[" + key + "]", count);
}

void check_parts(const Report& r, FiniteCheck& f) {
  for (const ResourceUse& u : r.resources) {
    const std::string at = "resources[" + u.name + "].";
    f(at + "capacity", u.capacity), f(at + "work", u.work), f(at + "mean_utilisation", u.mean_utilisation);
    f(at + "peak_utilisation", u.peak_utilisation), f(at + "mean_busy", u.mean_busy), f(at + "saved_s", u.saved_s);
    f(at + "fluid_completion_s", u.fluid_completion_s), f(at + "demand_per_certificate", u.demand_per_certificate);
    f(at + "needed_capacity", u.needed_capacity), f(at + "mean_wait_s", u.mean_wait_s);
    f(at + "mean_sojourn_s", u.mean_sojourn_s), f(at + "mean_in_system", u.mean_in_system);
    f(at + "throughput_per_s", u.throughput_per_s);
  }
  for (const ClassOutcome& c : r.classes) {
    const std::string at = "classes[" + c.name + "].";
    f(at + "share", c.share), f(at + "certificates", c.certificates);
    f(at + "replaced_by_deadline", c.replaced_by_deadline),
        f(at + "revoked_before_replaced", c.revoked_before_replaced);
    f(at + "time_to_replace_s", c.time_to_replace_s), f(at + "replaced_after_decision_s", c.replaced_after_decision_s);
    f(at + "last_request_s", c.last_request_s), f(at + "rejected_requests", c.rejected_requests);
    f(at + "rejected_certificates", c.rejected_certificates);
  }
  for (const TransferOutcome& t : r.transfers) {
    const std::string at = "transfers[" + t.name + "].";
    f(at + "bytes", t.bytes), f(at + "start_s", t.start_s), f(at + "done_s", t.done_s);
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
  check_summary(r, finite);
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
