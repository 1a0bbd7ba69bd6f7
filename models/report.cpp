#include "models/report.hpp"

#include <cmath>
#include <cstdio>
#include <ostream>
#include <sstream>

#include "models/format_units.hpp"
#include "models/units.hpp"

namespace surge {
namespace {

// A percentile as the text shows it: "n/a" over no replacement, "under" the planner's grid step below it.
std::string percentile_text(const Percentiles& p, double value) {
  if (!p.measured) return "n/a";
  if (value < p.resolution_s) return "under " + format_duration(p.resolution_s);
  return format_duration(value);
}
std::string p50_text(const Percentiles& p) {
  return percentile_text(p, p.p50);
}
std::string p99_text(const Percentiles& p) {
  return percentile_text(p, p.p99);
}

std::string pct(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", share * 100.0);
  return buf;
}

// One line per client class (none for a single class: the summary above says it all).
std::string render_classes(const Report& r) {
  long with_certificates = 0;
  for (const ClassOutcome& c : r.classes) with_certificates += c.certificates > 0 ? 1 : 0;
  if (with_certificates < 2) return "";
  std::ostringstream o;
  constexpr const char* kRow = "  %-24s %6s  %-13s %-13s %-13s %-10s %-10s %s\n";
  char line[256];
  o << "classes    broken = revoked before replaced; p50, p99: request to replacement\n";
  std::snprintf(line, sizeof line, kRow, "class", "share", "certificates", "by deadline", "broken", "p50", "p99",
                "last request");
  o << line;
  for (const ClassOutcome& c : r.classes) {
    if (c.certificates <= 0) continue;  // in the JSON; here an empty default class would only confuse
    const std::string label = c.name + " (" + c.kind + ")";
    const std::string last = c.last_request_s ? format_duration(*c.last_request_s) : std::string("after horizon");
    std::snprintf(line, sizeof line, kRow, label.c_str(), pct(c.share).c_str(), format_count(c.certificates).c_str(),
                  format_count(c.replaced_by_deadline).c_str(), format_count(c.revoked_before_replaced).c_str(),
                  p50_text(c.time_to_replace_s).c_str(), p99_text(c.time_to_replace_s).c_str(), last.c_str());
    o << line;
  }
  return o.str();
}

// ---- the text summary ---------------------------------------------------------------------------

// When something last happened, or that it did not within the horizon.
std::string when_text(const std::optional<double>& t, const Report& r) {
  return t ? format_duration(*t) + " after discovery" : "not within the horizon (" + format_duration(r.horizon_s) + ")";
}

void write_heading(std::ostream& o, const Report& r) {
  o << "scenario   " << r.scenario << " (" << r.mode;
  if (r.mode == "analytic") {
    o << ", fluid model, " << format_duration(r.wall_s) << ")\n";
  } else {
    o << ", seed " << r.seed << ", cohorts of " << r.cohort_size << ")\n";
  }
}

// The binding resources, or the busiest one when none binds.
void write_bottleneck(std::ostream& o, const Report& r) {
  o << "bottleneck ";
  if (r.bottleneck.empty()) {
    o << "none: no resource binds; clients' renewal timing sets the pace";
    const ResourceUse* busiest = nullptr;
    for (const ResourceUse& u : r.resources)
      if (!busiest || u.peak_utilisation > busiest->peak_utilisation) busiest = &u;
    if (busiest && busiest->peak_utilisation > 0)
      o << " (busiest: " << busiest->name << ", peak " << pct(busiest->peak_utilisation) << ")";
    o << "\n";
  } else {
    for (size_t i = 0; i < r.bottleneck.size(); ++i) o << (i ? " + " : "") << r.bottleneck[i];
    o << "\n";
  }
}

// The answer: deadline, replacements, revocations, broken sites, latency, classes and bottleneck.
void write_answer(std::ostream& o, const Report& r) {
  if (r.certificates <= 0) {
    o << "answer     no affected certificates: the normal day's issuance only, over " << format_duration(r.horizon_s)
      << "\n";
    return;
  }
  o << "answer     " << (r.deadline_met ? "DEADLINE MET" : "DEADLINE MISSED") << ": " << format_count(r.certificates)
    << " certificates, decision at " << format_duration(r.decision_s) << ", deadline at "
    << format_duration(r.deadline_s) << "\n";
  if (r.replaced_within_horizon <= 0)  // no last replacement, no latency: say so rather than print zeros
    o << "replaced   none within the horizon (" << format_duration(r.horizon_s) << ")\n";
  else
    o << "replaced   last at " << when_text(r.completion_time_s, r) << "; " << format_count(r.replaced_by_deadline)
      << " by the deadline, " << format_count(r.not_replaced_by_deadline) << " not\n";
  o << "revoked    last at " << when_text(r.revocation_complete_s, r);
  if (r.revocation_complete_s) {  // the revocation deadline is the one the Baseline Requirements set
    const double margin_s = r.deadline_s - *r.revocation_complete_s;
    o << ", " << format_duration(std::abs(margin_s)) << (margin_s >= 0 ? " before" : " after") << " the deadline";
  }
  o << "; " << format_count(r.revoked_by_deadline) << " by the deadline\n";
  o << "broken     " << format_count(r.revoked_before_replaced) << " revoked before their replacement existed";
  if (r.bulk_revocation_start_s) o << " (bulk revocation from " << format_duration(*r.bulk_revocation_start_s) << ")";
  o << "\n";
  o << "latency    request to replacement p50 " << p50_text(r.time_to_replace_s) << ", p99 "
    << p99_text(r.time_to_replace_s) << (r.time_to_replace_s.measured ? "" : " (nothing replaced)") << "\n";
  o << render_classes(r);
  write_bottleneck(o, r);
}

// Signatures done and needed, by key, and the background signing of OCSP and CRLs.
void write_signatures(std::ostream& o, const Report& r) {
  o << "signatures " << format_count(r.signatures)
    << " done (normal issuance included); the affected certificates need " << format_count(r.signatures_needed) << "\n";
  if (r.signatures_by_key.size() > 1) {  // one issuer: the line above says it all
    o << "by key    ";
    const char* sep = " ";
    for (const auto& [key, count] : r.signatures_by_key) o << sep << key << " " << format_count(count), sep = ", ";
    o << " signatures\n";
  }
  if (r.ocsp_resign_signatures)
    o << "OCSP       " << format_count(*r.ocsp_resign_signatures) << " responses re-signed in the background\n";
  if (r.crl_signatures) {
    o << "CRLs       " << format_count(*r.crl_signatures) << " shard signatures, "
      << format_size(r.crl_bytes_uploaded.value_or(0)) << " uploaded\n";
    if (r.certificates > 0) {
      o << "Revocations published in CRLs: "
        << (r.revocations_published_s ? format_duration(*r.revocations_published_s)
                                      : "not within the run (" + format_duration(r.horizon_s) + ")");
      if (r.revocation_complete_s) o << " (last revocation " << format_duration(*r.revocation_complete_s);
      o << (r.revocation_complete_s ? ", " : " (") << "CRL period " << format_duration(r.crl_period_s) << ")\n";
    }
  }
}

// The analytic planner's sustained rate and latest decision.
void write_decision(std::ostream& o, const Report& r) {
  if (r.mode == "analytic" && r.certificates > 0) {
    if (r.max_sustainable_rate_per_s)
      o << "sustained  at most " << format_rate(*r.max_sustainable_rate_per_s, "replacements")
        << " (the slowest resource)\n";
    o << "decision   "
      << (r.latest_decision_s
              ? "the deadline is met for decisions up to " + format_duration(*r.latest_decision_s) + " after discovery"
              : std::string("no decision time meets the deadline with this capacity"))
      << "\n";
  } else if (r.latest_decision_s) {  // a simulated run carries the analytic planner's latest decision
    o << "decision   the deadline is met for decisions up to " << format_duration(*r.latest_decision_s)
      << " after discovery (analytic planner)\n";
  }
}

void write_window(std::ostream& o, const Report& r) {
  const std::optional<RecommendedWindow>& w = r.recommended_window;
  if (!(w && r.certificates > 0)) return;
  o << "window     ";
  if (w->end_s) {
    o << "recommended: "
      << (*w->end_s > 0 ? "spread renewals over " + format_duration(*w->end_s) + " from each batch's enabling"
                        : std::string("the window already open (renew at the next poll)"))
      << ": " << w->resource << " peaks at " << pct(w->peak_utilisation) << " (target " << pct(w->target_utilisation)
      << "), last replacement at "
      << (w->completion_s ? format_duration(*w->completion_s) : std::string("after the horizon")) << " (deadline "
      << format_duration(r.deadline_s) << ")";
  } else {
    o << "none keeps every resource under " << pct(w->target_utilisation) << " and meets the deadline: " << w->reason;
  }
  o << (r.mode == "analytic" ? "\n" : " (analytic planner)\n");
}

// One row per resource that did something.
void write_resources(std::ostream& o, const Report& r) {
  o << "\nresource                          capacity                   mean   peak   busy   mean wait  +10% saves\n";
  int idle = 0;
  std::string qualified;  // a unit's qualifier, e.g. "rsa-2048 equivalent": said once below the table
  for (const ResourceUse& u : r.resources) {
    if (u.kind == "link" && u.work <= 0) {
      ++idle;  // listed in the JSON; here they would bury the busy ones
      continue;
    }
    char line[256];
    const std::string name = u.available ? u.name : u.name + " (down)";
    const size_t qualifier = u.unit.find(" (");
    if (qualifier != std::string::npos) qualified = u.unit.substr(qualifier + 2, u.unit.size() - qualifier - 3);
    const std::string cap = format_capacity(u.capacity, u.unit.substr(0, qualifier));
    const std::string wait = u.mean_wait_s ? format_duration(*u.mean_wait_s) : std::string("-");
    std::snprintf(line, sizeof line, "%-33s %-26s %6s %6s %6s   %-10s %s\n", name.c_str(), cap.c_str(),
                  pct(u.mean_utilisation).c_str(), pct(u.peak_utilisation).c_str(),
                  u.kind == "hsm" || u.kind == "db" ? pct(u.mean_busy).c_str() : "-", wait.c_str(),
                  format_duration(u.saved_s).c_str());
    o << line;
  }
  if (idle > 0) o << "(" << idle << " links carried nothing)\n";
  if (!qualified.empty()) o << "(HSM signatures/s: " << qualified << ")\n";
}

// Analytic: the capacity each resource would need to meet the deadline on its own.
void write_needed_capacity(std::ostream& o, const Report& r) {
  if (!(r.mode == "analytic" && r.certificates > 0)) return;
  char head[64];
  std::snprintf(head, sizeof head, "%.0f%%", r.headroom * 100);
  o << "\nto meet the deadline alone, with " << head << " headroom:\n";
  for (const ResourceUse& u : r.resources) {
    if (u.demand_per_certificate <= 0) continue;
    o << "  " << u.name << ": ";
    if (u.needed_capacity <= 0) {
      o << "none found up to a million times today's (requests arrive too late for it alone)\n";
    } else {
      const std::string unit = u.unit.substr(0, u.unit.find(" ("));
      o << format_capacity(u.needed_capacity, unit) << " (has " << format_capacity(u.capacity, unit) << ")\n";
    }
  }
}

// CT, admission, ARI and replication figures when the scenario has them, and the background transfers.
void write_extras(std::ostream& o, const Report& r) {
  if (r.sct_wait_mean_s)
    o << "\nCT: mean time waiting for SCTs " << format_duration(*r.sct_wait_mean_s) << " (in a log's queue "
      << format_duration(r.sct_queue_wait_mean_s.value_or(0)) << ")\n";
  if (r.rejected_requests)
    o << "\nadmission: " << format_count(*r.rejected_requests) << " requests refused (503), "
      << format_count(r.rejected_certificates.value_or(0)) << " certificates; mean extra delay "
      << format_duration(r.admission_delay_mean_s.value_or(0)) << " per refused certificate\n";
  if (r.ari_polls) o << "\nARI polling: " << format_count(*r.ari_polls) << " renewalInfo polls served\n";
  if (r.db_replication_lag_max_s > 0)
    o << "\nDB replication lag: max " << format_duration(r.db_replication_lag_max_s) << "\n";
  for (const TransferOutcome& t : r.transfers)
    o << "transfer   " << t.name << ": " << format_size(t.bytes) << " from " << format_duration(t.start_s) << ", "
      << (t.done_s ? "done at " + format_duration(*t.done_s) : std::string("not done within the horizon")) << "\n";
}

}  // namespace

std::string render_text(const Report& r) {
  std::ostringstream o;
  write_heading(o, r);
  write_answer(o, r);
  write_signatures(o, r);
  write_decision(o, r);
  write_window(o, r);
  write_resources(o, r);
  write_needed_capacity(o, r);
  write_extras(o, r);
  return o.str();
}

std::string render_comparison(const Report& sim, const Report& analytic) {
  std::ostringstream o;
  auto when = [](const std::optional<double>& t) { return t ? format_duration(*t) : std::string("-"); };
  auto gap = [](const std::optional<double>& a, const std::optional<double>& b) {
    if (!a || !b || *b == 0) return std::string("");
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.1f%%", (*a - *b) / *b * 100);
    return std::string(buf);
  };
  auto names = [](const std::vector<std::string>& v) {
    std::string s;
    for (const std::string& x : v) s += (s.empty() ? "" : " + ") + x;
    return s.empty() ? std::string("none") : s;
  };
  char line[256];
  auto row = [&](const std::string& what, const std::string& a, const std::string& b, const std::string& d) {
    std::snprintf(line, sizeof line, "%-26s %-24s %-24s %s\n", what.c_str(), a.c_str(), b.c_str(), d.c_str());
    o << line;
  };
  row("", "simulated", "analytic", "simulated vs analytic");
  row("deadline", sim.deadline_met ? "met" : "missed", analytic.deadline_met ? "met" : "missed", "");
  row("last replacement", when(sim.completion_time_s), when(analytic.completion_time_s),
      gap(sim.completion_time_s, analytic.completion_time_s));
  row("last revocation", when(sim.revocation_complete_s), when(analytic.revocation_complete_s),
      gap(sim.revocation_complete_s, analytic.revocation_complete_s));
  row("replaced by deadline", format_count(sim.replaced_by_deadline), format_count(analytic.replaced_by_deadline), "");
  row("revoked before replaced", format_count(sim.revoked_before_replaced),
      format_count(analytic.revoked_before_replaced), "");
  row("bulk revocation from", when(sim.bulk_revocation_start_s), when(analytic.bulk_revocation_start_s), "");
  if (sim.crl_signatures || analytic.crl_signatures)
    row("revocations published", when(sim.revocations_published_s), when(analytic.revocations_published_s),
        gap(sim.revocations_published_s, analytic.revocations_published_s));
  row("request to replacement p50", p50_text(sim.time_to_replace_s), p50_text(analytic.time_to_replace_s), "");
  row("request to replacement p99", p99_text(sim.time_to_replace_s), p99_text(analytic.time_to_replace_s), "");
  // Per class, when the two reports have the same classes (they do for one scenario).
  if (render_classes(sim).size() > 0 && sim.classes.size() == analytic.classes.size()) {
    for (size_t k = 0; k < sim.classes.size(); ++k) {
      const ClassOutcome &a = sim.classes[k], &b = analytic.classes[k];
      if (a.certificates <= 0) continue;
      row(a.name + ": by deadline", format_count(a.replaced_by_deadline), format_count(b.replaced_by_deadline), "");
      row(a.name + ": broken", format_count(a.revoked_before_replaced), format_count(b.revoked_before_replaced), "");
      row(a.name + ": p99", p99_text(a.time_to_replace_s), p99_text(b.time_to_replace_s), "");
    }
  }
  row("bottleneck", names(sim.bottleneck), names(analytic.bottleneck),
      sim.bottleneck == analytic.bottleneck ? "same" : "DIFFERENT");
  o << "\nWhere they part: the analytic answer is a fluid model (no queueing inside a station below\n"
       "saturation, no cohort granularity, arrivals at their means); the simulation has random arrivals,\n"
       "bursts, FIFO queues and cohorts of k certificates.\n";
  return o.str();
}

std::string render_series_csv(const Report& r) {
  std::ostringstream o;
  for (size_t i = 0; i < r.series_columns.size(); ++i) o << (i ? "," : "") << r.series_columns[i];
  o << "\n";
  char buf[64];
  for (const auto& row : r.series) {
    for (size_t i = 0; i < row.size(); ++i) {
      std::snprintf(buf, sizeof buf, "%.10g", row[i]);
      o << (i ? "," : "") << buf;
    }
    o << "\n";
  }
  return o.str();
}

}  // namespace surge
