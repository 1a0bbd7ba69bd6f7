// What `surge calibrate db` writes: the profile scenarios reference, everything measured as JSON, one CSV
// row per level, and the table on stdout.
#include <cstdio>
#include <sstream>

#include "real/db_calibration.hpp"

namespace surge::real {
namespace {

nlohmann::json level_json(const DbLevel& l, bool with_series) {
  nlohmann::json calls = nlohmann::json::object();
  for (const auto& [name, s] : l.calls)
    calls[name] = {{"commits", s.commits},
                   {"commits_per_s", static_cast<double>(s.commits) / l.duration_s},
                   {"rows_per_s", static_cast<double>(s.rows) / l.duration_s},
                   {"round_trips_per_commit", s.commits ? static_cast<double>(s.round_trips) / s.commits : 0.0},
                   {"latency", s.latency.summary_json()},
                   {"histogram", s.latency.histogram_json()}};
  nlohmann::json j = {{"connections", l.connections},
                      {"duration_s", l.duration_s},
                      {"commits", l.commits},
                      {"commits_per_s", l.commits_per_s},
                      {"rows_per_s", l.rows_per_s},
                      {"units", l.units},
                      {"retries", l.retries},
                      {"deadlocks", l.deadlocks},
                      {"unknown_commits", l.unknown},
                      {"client_cpu_cores", l.client_cpu_cores},
                      {"calls", calls}};
  if (with_series) j["per_second"] = l.per_second;
  return j;
}

}  // namespace

nlohmann::json db_profile_json(const DbCalibration& c) {
  nlohmann::json commits = usl_fit_json(c.fit);
  const DbLevel* one = nullptr;
  for (const DbLevel& l : c.levels)
    if (l.connections == 1) one = &l;
  if (one) {
    LatencyStats all;
    for (const auto& [name, s] : one->calls) all.merge(s.latency);
    commits["service_time_n1"] = {{"mean_s", all.mean()}, {"cv", all.cv()}};
  } else {
    commits["service_time_n1"] = nullptr;
  }
  nlohmann::json levels = nlohmann::json::array();
  for (const DbLevel& l : c.levels)
    levels.push_back(
        {{"connections", l.connections}, {"commits_per_s", l.commits_per_s}, {"rows_per_s", l.rows_per_s}});
  commits["levels"] = levels;
  nlohmann::json types = nlohmann::json::object();
  for (const auto& [name, fit] : c.fits_by_call) {
    nlohmann::json t = usl_fit_json(fit);
    nlohmann::json tl = nlohmann::json::array();
    for (const DbLevel& l : c.levels) {
      if (!l.calls.count(name)) continue;
      const CallStats& s = l.calls.at(name);
      tl.push_back({{"connections", l.connections},
                    {"commits_per_s", static_cast<double>(s.commits) / l.duration_s},
                    {"latency", s.latency.summary_json()},
                    {"histogram", s.latency.histogram_json()}});
    }
    t["levels"] = tl;
    types[name] = t;
  }
  return {{"surge_profile", 1},
          {"kind", "db"},
          {"metadata", c.metadata},
          {"commits", commits},
          {"transaction_types", types}};
}

nlohmann::json db_results_json(const DbCalibration& c) {
  nlohmann::json levels = nlohmann::json::array();
  for (const DbLevel& l : c.levels) levels.push_back(level_json(l, true));
  nlohmann::json fits = nlohmann::json::object();
  for (const auto& [name, f] : c.fits_by_call) fits[name] = usl_fit_json(f);
  nlohmann::json j = {{"metadata", c.metadata},     {"prefill", c.prefill}, {"levels", levels},
                      {"fit", usl_fit_json(c.fit)}, {"fits_by_call", fits}, {"integrity", c.integrity}};
  if (!c.replica.is_null()) j["replica"] = c.replica;
  if (!c.durability.empty()) {
    j["durability_matrix"] = nlohmann::json::array();
    for (const DbCalibration& d : c.durability) j["durability_matrix"].push_back(db_results_json(d));
  }
  return j;
}

namespace {

std::string settings_of(const DbCalibration& c) {
  const nlohmann::json& s = c.metadata.at("settings");
  auto get = [&](const char* k) { return s.contains(k) ? s.at(k).get<std::string>() : std::string("?"); };
  return "flush_log_at_trx_commit=" + get("innodb_flush_log_at_trx_commit") + " log_bin=" + get("log_bin") +
         " sync_binlog=" + get("sync_binlog");
}

void csv_rows(std::ostringstream& out, const DbCalibration& c) {
  const std::string settings = settings_of(c);
  char buf[640];
  for (const DbLevel& l : c.levels) {
    std::snprintf(buf, sizeof buf, "%s,%d,all,%.6g,%.6g,,,,,,%llu,%llu\n", settings.c_str(), l.connections,
                  l.commits_per_s, l.rows_per_s, static_cast<unsigned long long>(l.retries),
                  static_cast<unsigned long long>(l.unknown));
    out << buf;
    for (const auto& [name, s] : l.calls) {
      std::snprintf(buf, sizeof buf, "%s,%d,%s,%.6g,%.6g,%.4g,%.6g,%.6g,%.6g,%.6g,,\n", settings.c_str(), l.connections,
                    name.c_str(), static_cast<double>(s.commits) / l.duration_s,
                    static_cast<double>(s.rows) / l.duration_s,
                    s.commits ? static_cast<double>(s.round_trips) / static_cast<double>(s.commits) : 0.0,
                    s.latency.quantile(0.5), s.latency.quantile(0.9), s.latency.quantile(0.99), s.latency.max());
      out << buf;
    }
  }
}

}  // namespace

std::string render_db_csv(const DbCalibration& c) {
  std::ostringstream out;
  out << "settings,connections,call,commits_per_s,rows_per_s,round_trips_per_commit,p50_s,p90_s,p99_s,max_s,retries,"
         "unknown_commits\n";
  csv_rows(out, c);
  for (const DbCalibration& d : c.durability) csv_rows(out, d);
  return out.str();
}

std::string render_db_table(const DbCalibration& c) {
  std::ostringstream out;
  char buf[512];
  const nlohmann::json& s = c.metadata.at("settings");
  auto setting = [&](const char* k) { return s.contains(k) ? s.at(k).get<std::string>() : std::string("?"); };
  out << "surge calibrate db: " << c.metadata.at("server").get<std::string>() << ", MariaDB "
      << c.metadata.at("server_version").get<std::string>() << ", mix " << c.metadata.at("mix").get<std::string>()
      << "\n  innodb_flush_log_at_trx_commit=" << setting("innodb_flush_log_at_trx_commit")
      << " log_bin=" << setting("log_bin") << " sync_binlog=" << setting("sync_binlog")
      << " binlog_format=" << setting("binlog_format") << " buffer pool " << setting("innodb_buffer_pool_size")
      << "\n  prefill: " << c.prefill.at("certificates").get<std::uint64_t>() << " certificates, "
      << c.prefill.at("bytes_written").get<std::uint64_t>() / (1 << 20) << " MiB written\n\n";
  out << "  connections  commits/s    rows/s  units/s  retries  unknown  client CPU\n";
  for (const DbLevel& l : c.levels) {
    std::snprintf(buf, sizeof buf, "  %11d  %9.0f  %8.0f  %7.0f  %7llu  %7llu  %10.2f\n", l.connections,
                  l.commits_per_s, l.rows_per_s, static_cast<double>(l.units) / l.duration_s,
                  static_cast<unsigned long long>(l.retries), static_cast<unsigned long long>(l.unknown),
                  l.client_cpu_cores);
    out << buf;
  }
  if (c.fit.identified) {
    std::snprintf(buf, sizeof buf,
                  "  USL fit: lambda %.0f commits/s [%.0f, %.0f], sigma %.4f [%.4f, %.4f], kappa %.6f [%.6f, %.6f]; ",
                  c.fit.lambda.value, c.fit.lambda.low, c.fit.lambda.high, c.fit.sigma.value, c.fit.sigma.low,
                  c.fit.sigma.high, c.fit.kappa.value, c.fit.kappa.low, c.fit.kappa.high);
    out << buf << usl_peak_text(c.fit, "commits") << "\n";
  } else {
    out << "  USL fit: " << c.fit.reason << "\n";
  }
  out << "\n  per SA call at each level: commits/s, p50 / p99 commit latency (ms), round trips per commit\n";
  for (const DbLevel& l : c.levels) {
    for (const auto& [name, cs] : l.calls) {
      std::snprintf(buf, sizeof buf, "  %4d  %-26s %9.0f  %7.3f / %7.3f  %5.1f\n", l.connections, name.c_str(),
                    static_cast<double>(cs.commits) / l.duration_s, cs.latency.quantile(0.5) * 1e3,
                    cs.latency.quantile(0.99) * 1e3,
                    cs.commits ? static_cast<double>(cs.round_trips) / static_cast<double>(cs.commits) : 0.0);
      out << buf;
    }
  }
  if (!c.replica.is_null()) {
    out << "\n  replica: applied per second and largest lag (transactions) at each level; caught up "
        << c.replica.at("catch_up_s").get<double>() << " s after the last\n";
    for (const auto& l : c.replica.at("levels")) {
      std::snprintf(buf, sizeof buf, "  %4d  primary %9.0f commits/s  replica applied %9.0f/s  max lag %8.0f\n",
                    l.at("connections").get<int>(), l.at("primary_transactions_per_s").get<double>(),
                    l.at("replica_applied_per_s").get<double>(), l.at("max_lag_transactions").get<double>());
      out << buf;
    }
  }
  if (!c.durability.empty()) {
    out << "\n  durability matrix (commits/s at each level):\n";
    for (const DbCalibration* d : [&] {
           std::vector<const DbCalibration*> all = {&c};
           for (const DbCalibration& x : c.durability) all.push_back(&x);
           return all;
         }()) {
      out << "  " << settings_of(*d) << ":";
      for (const DbLevel& l : d->levels) {
        std::snprintf(buf, sizeof buf, "  %d: %.0f", l.connections, l.commits_per_s);
        out << buf;
      }
      out << "\n";
    }
  }
  out << "\n  integrity:";
  for (const auto& i : c.integrity)
    out << " " << i.at("invariant").get<std::string>() << ": " << i.at("violations").get<std::uint64_t>() << ";";
  out << "\n";
  return out.str();
}

}  // namespace surge::real
