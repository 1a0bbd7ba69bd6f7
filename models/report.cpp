#include "report.hpp"

#include <cstdio>
#include <sstream>

#include "units.hpp"

namespace surge {
namespace {

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
  j["time_to_replace_s"] = {{"p50", r.time_to_replace_s.p50}, {"p99", r.time_to_replace_s.p99}};
  j["bottleneck"] = r.bottleneck;
  j["signatures"] = r.signatures;
  j["signatures_needed"] = r.signatures_needed;
  j["db_commits"] = r.db_commits;
  j["db_replication_lag_max_s"] = r.db_replication_lag_max_s;
  nlohmann::json util = nlohmann::json::object();
  nlohmann::json res = nlohmann::json::array();
  for (const ResourceUse& u : r.resources) {
    util[u.name] = {{"mean", u.mean_utilisation}, {"peak", u.peak_utilisation}};
    if (u.kind != "link") util[u.name]["busy"] = u.mean_busy;
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
                   {"fluid_completion_s", u.fluid_completion_s}});
  }
  j["utilisation"] = util;
  j["resources"] = res;
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
  r.time_to_replace_s.p50 = j.at("time_to_replace_s").at("p50");
  r.time_to_replace_s.p99 = j.at("time_to_replace_s").at("p99");
  r.bottleneck = j.at("bottleneck").get<std::vector<std::string>>();
  r.signatures = j.at("signatures");
  r.signatures_needed = j.at("signatures_needed");
  r.db_commits = j.at("db_commits");
  r.db_replication_lag_max_s = j.at("db_replication_lag_max_s");
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
    x.saved_s = u.at("saved_s_by_10pct");
    x.fluid_completion_s = u.at("fluid_completion_s");
    r.resources.push_back(x);
  }
  for (const auto& t : j.at("transfers"))
    r.transfers.push_back(TransferOutcome{t.at("name"), t.at("bytes"), t.at("start_s"), opt_from(t.at("done_s"))});
  if (j.contains("series")) {
    r.series_columns = j["series"].at("columns").get<std::vector<std::string>>();
    r.series = j["series"].at("rows").get<std::vector<std::vector<double>>>();
  }
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
  o << "scenario   " << r.scenario << " (" << r.mode << ", seed " << r.seed << ", cohorts of " << r.cohort_size
    << ")\n";
  if (r.certificates <= 0) {
    o << "answer     no affected certificates: the normal day's issuance only, over " << format_duration(r.horizon_s)
      << "\n";
  } else {
    o << "answer     " << (r.deadline_met ? "DEADLINE MET" : "DEADLINE MISSED") << ": " << format_count(r.certificates)
      << " certificates, decision at " << format_duration(r.decision_s) << ", deadline at "
      << format_duration(r.deadline_s) << "\n";
    o << "replaced   last at " << when(r.completion_time_s) << "; " << format_count(r.replaced_by_deadline)
      << " by the deadline, " << format_count(r.not_replaced_by_deadline) << " not\n";
    o << "revoked    last at " << when(r.revocation_complete_s) << "; " << format_count(r.revoked_by_deadline)
      << " by the deadline\n";
    o << "broken     " << format_count(r.revoked_before_replaced) << " revoked before their replacement existed";
    if (r.bulk_revocation_start_s) o << " (bulk revocation from " << format_duration(*r.bulk_revocation_start_s) << ")";
    o << "\n";
    o << "latency    request to replacement p50 " << format_duration(r.time_to_replace_s.p50) << ", p99 "
      << format_duration(r.time_to_replace_s.p99) << "\n";
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
  o << "\nresource                          capacity               mean   peak   busy   +10% saves\n";
  int idle = 0;
  for (const ResourceUse& u : r.resources) {
    if (u.kind == "link" && u.work <= 0) {
      ++idle;  // listed in the JSON; here they would bury the busy ones
      continue;
    }
    char line[256];
    const std::string name = u.available ? u.name : u.name + " (down)";
    char cap[64];
    if (u.unit == "bytes/s") {
      std::snprintf(cap, sizeof cap, "%.4g Gbps", u.capacity * 8 / 1e9);
    } else {
      std::snprintf(cap, sizeof cap, "%s %s", format_count(u.capacity).c_str(), u.unit.c_str());
    }
    std::snprintf(line, sizeof line, "%-33s %-22s %6s %6s %6s   %s\n", name.c_str(), cap,
                  pct(u.mean_utilisation).c_str(), pct(u.peak_utilisation).c_str(),
                  u.kind == "link" ? "-" : pct(u.mean_busy).c_str(), format_duration(u.saved_s).c_str());
    o << line;
  }
  if (idle > 0) o << "(" << idle << " links carried nothing)\n";
  if (r.db_replication_lag_max_s > 0)
    o << "\nDB replication lag: max " << format_duration(r.db_replication_lag_max_s) << "\n";
  for (const TransferOutcome& t : r.transfers)
    o << "transfer   " << t.name << ": " << format_count(t.bytes / 1e9) << " GB from " << format_duration(t.start_s)
      << ", " << (t.done_s ? "done at " + format_duration(*t.done_s) : std::string("not done within the horizon"))
      << "\n";
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
