#include "models/report.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "models/format_units.hpp"
#include "models/units.hpp"

namespace surge {
namespace {

// Percentiles over no replacement are not figures: null in the JSON, "n/a" in the text. Below the
// planner's grid step they are not resolved: the text says so.
nlohmann::json percentiles_json(const Percentiles& p) {
  nlohmann::json j = {{"p50", nullptr}, {"p99", nullptr}};
  if (p.measured) j = {{"p50", p.p50}, {"p99", p.p99}};
  if (p.resolution_s > 0) j["resolution_s"] = p.resolution_s;
  return j;
}

Percentiles percentiles_from(const nlohmann::json& j) {
  Percentiles p;
  p.measured = !j.at("p50").is_null();
  if (p.measured) p.p50 = j.at("p50"), p.p99 = j.at("p99");
  p.resolution_s = j.value("resolution_s", 0.0);
  return p;
}

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

nlohmann::json opt(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}
std::optional<double> opt_from(const nlohmann::json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<double>();
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

}  // namespace

nlohmann::json to_json(const Report& r, bool with_series) {
  nlohmann::json j;
  j["scenario"] = r.scenario;
  j["mode"] = r.mode;
  j["seed"] = r.seed;
  j["surge_version"] = r.version;
  j["cohort_size"] = r.cohort_size;
  j["cohorts"] = r.cohorts;
  j["certificates"] = r.certificates;
  j["decision_s"] = r.decision_s;
  j["deadline_s"] = r.deadline_s;
  j["horizon_s"] = r.horizon_s;
  j["deadline_met"] = r.deadline_met;
  j["completion_time_s"] = opt(r.completion_time_s);
  j["revocation_complete_s"] = opt(r.revocation_complete_s);
  j["replaced_by_deadline"] = r.replaced_by_deadline;
  j["not_replaced_by_deadline"] = r.not_replaced_by_deadline;
  j["revoked_by_deadline"] = r.revoked_by_deadline;
  j["revoked_before_replaced"] = r.revoked_before_replaced;
  j["replaced_within_horizon"] = r.replaced_within_horizon;
  j["bulk_revocation_start_s"] = opt(r.bulk_revocation_start_s);
  j["time_to_replace_s"] = percentiles_json(r.time_to_replace_s);
  nlohmann::json classes = nlohmann::json::array();
  for (const ClassOutcome& c : r.classes)
    classes.push_back({{"name", c.name},
                       {"kind", c.kind},
                       {"share", c.share},
                       {"certificates", c.certificates},
                       {"replaced_by_deadline", c.replaced_by_deadline},
                       {"revoked_before_replaced", c.revoked_before_replaced},
                       {"time_to_replace_s", percentiles_json(c.time_to_replace_s)},
                       {"replaced_after_decision_s", percentiles_json(c.replaced_after_decision_s)},
                       {"last_request_s", opt(c.last_request_s)}});
  for (size_t i = 0; i < r.classes.size(); ++i) {
    if (r.classes[i].rejected_requests) classes[i]["rejected_requests"] = *r.classes[i].rejected_requests;
    if (r.classes[i].rejected_certificates) classes[i]["rejected_certificates"] = *r.classes[i].rejected_certificates;
  }
  j["classes"] = classes;
  j["bottleneck"] = r.bottleneck;
  j["signatures"] = r.signatures;
  j["signatures_needed"] = r.signatures_needed;
  if (!r.signatures_by_key.empty()) j["signatures_by_key"] = r.signatures_by_key;
  j["db_commits"] = r.db_commits;
  j["db_replication_lag_max_s"] = r.db_replication_lag_max_s;
  if (r.sct_wait_mean_s) j["sct_wait_mean_s"] = *r.sct_wait_mean_s;
  if (r.sct_queue_wait_mean_s) j["sct_queue_wait_mean_s"] = *r.sct_queue_wait_mean_s;
  if (r.rejected_requests) j["rejected_requests"] = *r.rejected_requests;
  if (r.rejected_certificates) j["rejected_certificates"] = *r.rejected_certificates;
  if (r.admission_delay_total_s) j["admission_delay_total_s"] = *r.admission_delay_total_s;
  if (r.admission_delay_mean_s) j["admission_delay_mean_s"] = *r.admission_delay_mean_s;
  if (r.ocsp_resign_signatures) j["ocsp_resign_signatures"] = *r.ocsp_resign_signatures;
  if (r.crl_signatures) {  // the CRL era: all four, publication null when not within the run
    j["crl_signatures"] = *r.crl_signatures;
    j["crl_bytes_uploaded"] = r.crl_bytes_uploaded.value_or(0);
    j["revocations_published_s"] = opt(r.revocations_published_s);
    j["crl_period_s"] = r.crl_period_s;
  }
  if (r.ari_polls) j["ari_polls"] = *r.ari_polls;
  if (r.mode != "analytic" && r.latest_decision_s) j["latest_decision_s"] = *r.latest_decision_s;  // surge run's
  if (const std::optional<RecommendedWindow>& w = r.recommended_window)
    j["recommended_window"] = {{"target_utilisation", w->target_utilisation},
                               {"end_s", opt(w->end_s)},
                               {"peak_utilisation", w->peak_utilisation},
                               {"resource", w->resource},
                               {"completion_s", opt(w->completion_s)},
                               {"reason", w->reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(w->reason)}};
  nlohmann::json util = nlohmann::json::object();
  nlohmann::json res = nlohmann::json::array();
  for (const ResourceUse& u : r.resources) {
    util[u.name] = {{"mean", u.mean_utilisation}, {"peak", u.peak_utilisation}};
    if (u.kind == "hsm" || u.kind == "db") util[u.name]["busy"] = u.mean_busy;  // sessions or connections
    res.push_back({{"name", u.name},
                   {"kind", u.kind},
                   {"unit", u.unit},
                   {"capacity", u.capacity},
                   {"work", u.work},
                   {"mean_utilisation", u.mean_utilisation},
                   {"peak_utilisation", u.peak_utilisation},
                   {"mean_busy", u.mean_busy},
                   {"available", u.available},
                   {"saved_s_by_10pct", u.saved_s},
                   {"fluid_completion_s", opt(u.fluid_completion_s)}});
  }
  j["utilisation"] = util;
  j["resources"] = res;
  if (r.mode == "analytic") {
    j["max_sustainable_rate_per_s"] = opt(r.max_sustainable_rate_per_s);
    j["latest_decision_s"] = opt(r.latest_decision_s);
    j["headroom"] = r.headroom;
    for (size_t i = 0; i < r.resources.size(); ++i) {
      const ResourceUse& u = r.resources[i];
      res[i]["demand_per_certificate"] = u.demand_per_certificate;
      res[i]["needed_capacity"] = u.needed_capacity > 0 ? nlohmann::json(u.needed_capacity) : nlohmann::json(nullptr);
    }
    j["resources"] = res;
  }
  for (size_t i = 0; i < r.resources.size(); ++i) {
    const ResourceUse& u = r.resources[i];
    if (u.mean_wait_s) j["resources"][i]["mean_wait_s"] = *u.mean_wait_s;
    if (u.mean_sojourn_s) j["resources"][i]["mean_sojourn_s"] = *u.mean_sojourn_s;
    if (u.mean_in_system) j["resources"][i]["mean_in_system"] = *u.mean_in_system;
    if (u.throughput_per_s) j["resources"][i]["throughput_per_s"] = *u.throughput_per_s;
    if (u.jobs > 0) j["resources"][i]["jobs"] = u.jobs;
  }
  nlohmann::json tr = nlohmann::json::array();
  for (const TransferOutcome& t : r.transfers)
    tr.push_back({{"name", t.name}, {"bytes", t.bytes}, {"start_s", t.start_s}, {"done_s", opt(t.done_s)}});
  j["transfers"] = tr;
  if (with_series) {
    j["series"] = {{"columns", r.series_columns}, {"rows", r.series}};
  }
  j["wall_s"] = r.wall_s;
  j["activities"] = r.activities;
  return j;
}

Report report_from_json(const nlohmann::json& j) {
  Report r;
  r.scenario = j.at("scenario");
  r.mode = j.at("mode");
  r.seed = j.at("seed");
  r.version = j.at("surge_version");
  r.cohort_size = j.at("cohort_size");
  r.cohorts = j.at("cohorts");
  r.certificates = j.at("certificates");
  r.decision_s = j.at("decision_s");
  r.deadline_s = j.at("deadline_s");
  r.horizon_s = j.at("horizon_s");
  r.deadline_met = j.at("deadline_met");
  r.completion_time_s = opt_from(j.at("completion_time_s"));
  r.revocation_complete_s = opt_from(j.at("revocation_complete_s"));
  r.replaced_by_deadline = j.at("replaced_by_deadline");
  r.not_replaced_by_deadline = j.at("not_replaced_by_deadline");
  r.revoked_by_deadline = j.at("revoked_by_deadline");
  r.revoked_before_replaced = j.at("revoked_before_replaced");
  r.replaced_within_horizon = j.at("replaced_within_horizon");
  r.bulk_revocation_start_s = opt_from(j.at("bulk_revocation_start_s"));
  r.time_to_replace_s = percentiles_from(j.at("time_to_replace_s"));
  if (j.contains("classes")) {  // reports written before client classes have none
    for (const auto& c : j["classes"]) {
      ClassOutcome x;
      x.name = c.at("name");
      x.kind = c.at("kind");
      x.share = c.at("share");
      x.certificates = c.at("certificates");
      x.replaced_by_deadline = c.at("replaced_by_deadline");
      x.revoked_before_replaced = c.at("revoked_before_replaced");
      x.time_to_replace_s = percentiles_from(c.at("time_to_replace_s"));
      x.replaced_after_decision_s = percentiles_from(c.at("replaced_after_decision_s"));
      x.last_request_s = opt_from(c.at("last_request_s"));
      if (c.contains("rejected_requests")) x.rejected_requests = c["rejected_requests"].get<double>();
      if (c.contains("rejected_certificates")) x.rejected_certificates = c["rejected_certificates"].get<double>();
      r.classes.push_back(x);
    }
  }
  r.bottleneck = j.at("bottleneck").get<std::vector<std::string>>();
  r.signatures = j.at("signatures");
  r.signatures_needed = j.at("signatures_needed");
  if (j.contains("signatures_by_key"))
    r.signatures_by_key = j["signatures_by_key"].get<std::map<std::string, double>>();
  r.db_commits = j.at("db_commits");
  r.db_replication_lag_max_s = j.at("db_replication_lag_max_s");
  if (j.contains("sct_wait_mean_s")) r.sct_wait_mean_s = opt_from(j["sct_wait_mean_s"]);
  if (j.contains("sct_queue_wait_mean_s")) r.sct_queue_wait_mean_s = opt_from(j["sct_queue_wait_mean_s"]);
  if (j.contains("rejected_requests")) r.rejected_requests = j["rejected_requests"].get<double>();
  if (j.contains("rejected_certificates")) r.rejected_certificates = j["rejected_certificates"].get<double>();
  if (j.contains("admission_delay_total_s")) r.admission_delay_total_s = j["admission_delay_total_s"].get<double>();
  if (j.contains("admission_delay_mean_s")) r.admission_delay_mean_s = j["admission_delay_mean_s"].get<double>();
  if (j.contains("ocsp_resign_signatures")) r.ocsp_resign_signatures = j["ocsp_resign_signatures"].get<double>();
  if (j.contains("crl_signatures")) {
    r.crl_signatures = j["crl_signatures"].get<double>();
    r.crl_bytes_uploaded = j.at("crl_bytes_uploaded").get<double>();
    r.revocations_published_s = opt_from(j.at("revocations_published_s"));
    r.crl_period_s = j.at("crl_period_s").get<double>();
  }
  if (j.contains("ari_polls")) r.ari_polls = j["ari_polls"].get<double>();
  for (const auto& u : j.at("resources")) {
    ResourceUse x;
    x.name = u.at("name");
    x.kind = u.at("kind");
    x.unit = u.at("unit");
    x.capacity = u.at("capacity");
    x.work = u.at("work");
    x.mean_utilisation = u.at("mean_utilisation");
    x.peak_utilisation = u.at("peak_utilisation");
    x.mean_busy = u.at("mean_busy");
    x.available = u.at("available");
    x.demand_per_certificate = u.value("demand_per_certificate", 0.0);
    x.needed_capacity =
        u.contains("needed_capacity") && !u["needed_capacity"].is_null() ? u["needed_capacity"].get<double>() : 0;
    if (u.contains("mean_wait_s")) x.mean_wait_s = opt_from(u["mean_wait_s"]);
    if (u.contains("mean_sojourn_s")) x.mean_sojourn_s = opt_from(u["mean_sojourn_s"]);
    if (u.contains("mean_in_system")) x.mean_in_system = opt_from(u["mean_in_system"]);
    if (u.contains("throughput_per_s")) x.throughput_per_s = opt_from(u["throughput_per_s"]);
    x.jobs = u.value("jobs", 0L);
    x.saved_s = u.at("saved_s_by_10pct");
    x.fluid_completion_s = opt_from(u.at("fluid_completion_s"));
    r.resources.push_back(x);
  }
  for (const auto& t : j.at("transfers"))
    r.transfers.push_back(TransferOutcome{t.at("name"), t.at("bytes"), t.at("start_s"), opt_from(t.at("done_s"))});
  if (j.contains("series")) {
    r.series_columns = j["series"].at("columns").get<std::vector<std::string>>();
    r.series = j["series"].at("rows").get<std::vector<std::vector<double>>>();
  }
  if (j.contains("max_sustainable_rate_per_s"))
    r.max_sustainable_rate_per_s = opt_from(j["max_sustainable_rate_per_s"]);
  if (j.contains("latest_decision_s")) r.latest_decision_s = opt_from(j["latest_decision_s"]);
  if (j.contains("recommended_window") && !j["recommended_window"].is_null()) {
    const nlohmann::json& w = j["recommended_window"];
    RecommendedWindow x;
    x.target_utilisation = w.at("target_utilisation");
    x.end_s = opt_from(w.at("end_s"));
    x.peak_utilisation = w.at("peak_utilisation");
    x.resource = w.at("resource");
    x.completion_s = opt_from(w.at("completion_s"));
    if (!w.at("reason").is_null()) x.reason = w["reason"];
    r.recommended_window = x;
  }
  r.headroom = j.value("headroom", 0.0);
  r.wall_s = j.value("wall_s", 0.0);
  r.activities = j.value("activities", 0L);
  return r;
}

std::string render_text(const Report& r) {
  std::ostringstream o;
  auto when = [&](const std::optional<double>& t) {
    return t ? format_duration(*t) + " after discovery"
             : "not within the horizon (" + format_duration(r.horizon_s) + ")";
  };
  o << "scenario   " << r.scenario << " (" << r.mode;
  if (r.mode == "analytic") {
    o << ", fluid model, " << format_duration(r.wall_s) << ")\n";
  } else {
    o << ", seed " << r.seed << ", cohorts of " << r.cohort_size << ")\n";
  }
  if (r.certificates <= 0) {
    o << "answer     no affected certificates: the normal day's issuance only, over " << format_duration(r.horizon_s)
      << "\n";
  } else {
    o << "answer     " << (r.deadline_met ? "DEADLINE MET" : "DEADLINE MISSED") << ": " << format_count(r.certificates)
      << " certificates, decision at " << format_duration(r.decision_s) << ", deadline at "
      << format_duration(r.deadline_s) << "\n";
    if (r.replaced_within_horizon <= 0)  // no last replacement, no latency: say so rather than print zeros
      o << "replaced   none within the horizon (" << format_duration(r.horizon_s) << ")\n";
    else
      o << "replaced   last at " << when(r.completion_time_s) << "; " << format_count(r.replaced_by_deadline)
        << " by the deadline, " << format_count(r.not_replaced_by_deadline) << " not\n";
    o << "revoked    last at " << when(r.revocation_complete_s);
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
  if (const std::optional<RecommendedWindow>& w = r.recommended_window; w && r.certificates > 0) {
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
  if (r.mode == "analytic" && r.certificates > 0) {
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
