#include "models/scenario_invariants.hpp"

#include <cmath>

namespace surge {
namespace {

std::string text_of(double value) {
  return exact_number(value);
}

// Capacities: finite and more than zero.
void capacity(const std::string& what, double value) {
  if (!std::isfinite(value) || value <= 0) throw InvariantError(what + " (a capacity, finite and > 0)", text_of(value));
}

// Amounts and times that may be zero: finite and not negative.
void amount(const std::string& what, double value) {
  if (!std::isfinite(value) || value < 0) throw InvariantError(what + " (finite and >= 0)", text_of(value));
}

void count(const std::string& what, int value, int least) {
  if (value < least) throw InvariantError(what + " (at least " + std::to_string(least) + ")", std::to_string(value));
}

// `earlier` <= `later`, both finite.
void ordered(const std::string& earlier_name, double earlier, const std::string& later_name, double later) {
  amount(earlier_name, earlier);
  amount(later_name, later);
  if (earlier > later)
    throw InvariantError(earlier_name + " (not after " + later_name + " = " + text_of(later) + ")", text_of(earlier));
}

void check_data_center(const DataCenter& dc) {
  const std::string at = "data_centers." + dc.name;
  count(at + ".hsm.count", dc.hsm_count, 1);
  count(at + ".hsm.sessions", dc.hsm.sessions, 1);
  capacity(at + ".hsm.signatures_per_s", dc.hsm.signatures_per_s);
  for (double rate : dc.hsm.key_rates_per_s) capacity(at + ".hsm.signatures_per_s (a key type's)", rate);
  count(at + ".db.replicas", dc.db_replicas, 0);
  count(at + ".db.connections", dc.db.connections, 1);
  capacity(at + ".db.commits_per_s", dc.db.commits_per_s);
  amount(at + ".db.reads_per_s", dc.db.reads_per_s);
  capacity(at + ".fabric.bandwidth", dc.fabric.bandwidth_Bps);
  amount(at + ".fabric.latency", dc.fabric.latency_s);
  amount(at + ".api.requests_per_s", dc.api_requests_per_s);
}

void check_times(const Scenario& s) {
  const Incident& i = s.incident;
  ordered("incident.decision_delay", i.decision_delay_s, "incident.deadline", i.deadline_s);
  ordered("incident.deadline", i.deadline_s, "incident.horizon", i.horizon_s);
  capacity("incident.deadline", i.deadline_s);
  amount("incident.revocation_slack", i.revocation_slack_s);
  amount("incident.db_promotion_delay", i.db_promotion_delay_s);
  for (const IncidentBatch& b : i.batches)
    ordered("incident.batches.at", b.enabled_s, "incident.deadline", i.deadline_s);
  ordered("clients.window.start", s.clients.window_start_s, "clients.window.end", s.clients.window_end_s);
  capacity("clients.retry_after", s.clients.retry_after_s);
  capacity("clients.normal_renewal_span", s.clients.normal_renewal_span_s);
  amount("warm_up", s.warm_up_s);
  for (const Failure& f : s.failures) {
    amount("failures.at", f.at_s);
    if (!std::isinf(f.until_s)) ordered("failures.at", f.at_s, "failures.until", f.until_s);
  }
  for (const Transfer& t : s.transfers) amount("transfers." + t.name + ".start", t.start_s);
}

}  // namespace

void check_invariants(const Scenario& s) {
  if (s.data_centers.empty()) throw InvariantError("data_centers (how many)", "0");
  for (const DataCenter& dc : s.data_centers) check_data_center(dc);
  for (const WanLink& w : s.wan) {
    capacity("wan." + w.from + "-" + w.to + ".bandwidth", w.bandwidth_Bps);
    amount("wan." + w.from + "-" + w.to + ".latency", w.latency_s);
  }
  const Workload& w = s.workload;
  amount("workload.certificates", w.certificates);
  capacity("workload.signatures_per_issuance", w.signatures_per_issuance);
  amount("workload.signatures_per_revocation", w.signatures_per_revocation);
  if (w.era == Era::CRL) {
    capacity("workload.crl_shards", w.crl_shards);
    capacity("workload.crl_period", w.crl_period_s);
  }
  amount("clients.background_issuance", s.clients.background_issuance_per_s);
  count("workload.cohort_size (effective)", s.effective_cohort_size(), 1);
  for (const CtLog& l : s.ct.logs) capacity("ct.logs." + l.name + ".rate", l.rate_per_s);
  for (const Transfer& t : s.transfers) capacity("transfers." + t.name + ".size", t.bytes);
  if (s.validation.enabled) capacity("validation.validations_per_s", s.validation.validations_per_s);
  check_times(s);
}

}  // namespace surge
