#include "models/twin_scale.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <stdexcept>

#include "models/units.hpp"

#include <nlohmann/json.hpp>

namespace surge {
namespace {

// A value as an override writes it: all digits, in the scenario's own units.
std::string text(double v, const char* unit) {
  return exact_number(v) + unit;
}

// Collects the overrides of one scaling, each value from the parsed scenario (defaults included).
class Scaler {
 public:
  explicit Scaler(const TwinScale& k) : k_(k) {}
  void duration(const std::string& path, double s) { add(path, text(s / k_.time_factor, "s")); }
  void rate(const std::string& path, double per_s) { add(path, text(per_s * k_.rate_factor, "/s")); }
  void bandwidth(const std::string& path, double bytes_per_s) {
    add(path, text(bytes_per_s * k_.rate_factor * kBitsPerByte, "bps"));
  }
  void count(const std::string& path, double n) { add(path, text(std::round(n * k_.count_factor()), "")); }
  void bytes(const std::string& path, double b) { add(path, text(std::max(1.0, b * k_.count_factor()), "B")); }
  void add(const std::string& path, const std::string& value) { out_.push_back({path, value}); }
  double time_factor() const { return k_.time_factor; }
  double count_factor() const { return k_.count_factor(); }
  std::vector<Override> take() { return std::move(out_); }

 private:
  const TwinScale& k_;
  std::vector<Override> out_;
};

// The real parts at the scenario's rates times s (the part that sets s at its own, profiled, rate): the
// live pipeline paces the other part to it. Their curves stay the profiles'. Each paced part is one
// server: a signer, or the SA, takes the next slot of a schedule at its rate (real/twin/pacer), so the
// twin's model has one session per member and one connection at the writer, serving a signature (a
// commit) in 1 / rate. With the scenario's servers it would serve each in servers / rate: a service time
// stretched by 1 / s, where every other duration is divided by f.
void scale_parts(const Scenario& s, Scaler& x) {
  const std::vector<KeyShare> keys = s.workload.keys();
  for (const DataCenter& dc : s.data_centers) {
    const std::string at = "data_centers." + dc.name;
    if (dc.hsm_count > 0) x.add(at + ".hsm.sessions", "1");
    if (dc.db_writer || dc.db_replicas > 0) x.add(at + ".db.connections", "1");
    if (dc.hsm_count > 0 && keys.size() == 1) x.rate(at + ".hsm.signatures_per_s", dc.hsm.signatures_per_s);
    if (dc.hsm_count > 0 && keys.size() > 1)
      for (size_t i = 0; i < keys.size(); ++i)
        x.rate(at + ".hsm.signatures_per_s." + keys[i].key,
               dc.hsm.key_rates_per_s.empty() ? dc.hsm.signatures_per_s : dc.hsm.key_rates_per_s[i]);
    if (dc.db_writer || dc.db_replicas > 0) x.rate(at + ".db.commits_per_s", dc.db.commits_per_s);
  }
}

void scale_network(const Scenario& s, Scaler& x) {
  for (const DataCenter& dc : s.data_centers) {
    const std::string at = "data_centers." + dc.name;
    if (dc.api_requests_per_s > 0) x.rate(at + ".api.requests_per_s", dc.api_requests_per_s);
    if (dc.db.reads_per_s > 0) x.rate(at + ".db.reads_per_s", dc.db.reads_per_s);
  }
  for (size_t i = 0; i < s.wan.size(); ++i) {
    const std::string at = "wan." + std::to_string(i);
    x.bandwidth(at + ".bandwidth", s.wan[i].bandwidth_Bps);
    x.duration(at + ".latency", s.wan[i].latency_s);
  }
  for (const Transfer& t : s.transfers) {
    x.bytes("transfers." + t.name + ".size", t.bytes);
    x.duration("transfers." + t.name + ".start", t.start_s);
  }
}

void scale_workload_and_clients(const Scenario& s, Scaler& x) {
  const Workload& w = s.workload;
  x.count("workload.certificates", w.certificates);
  if (w.era != Era::CRL && w.active_certificates > 0) x.count("workload.active_certificates", w.active_certificates);
  if (w.ocsp_resign_period_s > 0) x.duration("workload.ocsp_resign_period", w.ocsp_resign_period_s);
  if (w.era == Era::CRL) {
    // CRL signatures per second are shards over the period: for the twin's to be the scenario's times s,
    // the shards are a count (times s / f), at least one, so that every revocation is still published
    // within a period of it.
    x.duration("workload.crl_period", w.crl_period_s);
    x.add("workload.crl_shards", text(std::max(1.0, std::round(w.crl_shards * x.count_factor())), ""));
  }
  x.add("workload.cohort_size", "1");
  const Clients& c = s.clients;
  x.duration("clients.retry_after", c.retry_after_s);
  x.duration("clients.normal_renewal_span", c.normal_renewal_span_s);
  x.duration("clients.window.start", c.window_start_s);
  x.duration("clients.window.end", c.window_end_s);
  if (c.burst_share > 0) x.duration("clients.clustering.width", c.burst_width_s);
  if (c.background_issuance_per_s > 0) x.rate("clients.background_issuance", c.background_issuance_per_s);
  if (c.ari_polling_certificates > 0) x.count("clients.ari_polling.certificates", c.ari_polling_certificates);
  for (const ClientClass& k : c.classes) {
    const std::string at = "clients.classes." + k.name;
    if (k.kind == ClientKind::CRON) {
      x.duration(at + ".random_sleep", k.random_sleep_s);
    }
    if (k.kind == ClientKind::EMAIL) x.duration(at + ".response.mean", k.response_mean_s);
  }
}

void scale_incident_and_checks(const Scenario& s, Scaler& x) {
  const Incident& i = s.incident;
  if (!i.batches.empty()) {  // written out as a list, whichever form the file uses
    std::string list;
    for (const IncidentBatch& b : i.batches)
      list += (list.empty() ? "" : ", ") + std::string("{share: ") + text(b.share, "") +
              ", at: " + text(b.enabled_s / x.time_factor(), "s") + "}";
    x.add("incident.batches", "[" + list + "]");
  }
  x.duration("incident.decision_delay", i.decision_delay_s);
  x.duration("incident.deadline", i.deadline_s);
  x.duration("incident.horizon", i.horizon_s);
  x.duration("incident.revocation_slack", i.revocation_slack_s);
  x.duration("incident.db_promotion_delay", i.db_promotion_delay_s);
  for (size_t n = 0; n < s.failures.size(); ++n) {
    const std::string at = "failures." + std::to_string(n);
    x.duration(at + ".at", s.failures[n].at_s);
    if (std::isfinite(s.failures[n].until_s)) x.duration(at + ".until", s.failures[n].until_s);
  }
  for (const CtLog& log : s.ct.logs) {
    x.rate("ct.logs." + log.name + ".rate", log.rate_per_s);
    x.duration("ct.logs." + log.name + ".latency", log.latency_s);
  }
  if (s.admission.enabled()) {
    x.count("admission.queue", s.admission.queue_certificates);
    x.duration("admission.retry_after", s.admission.retry_after_s);
  }
  if (s.validation.enabled) {
    x.duration("validation.reuse_period", s.validation.reuse_period_s);
    x.rate("validation.validations_per_s", s.validation.validations_per_s);
    x.duration("validation.dns_latency", s.validation.dns_latency_s);
    x.duration("validation.http_latency", s.validation.http_latency_s);
  }
}

// The capacity of each HSM and database resource with capacity, by name.
std::map<std::string, double> real_capacities(const Report& r) {
  std::map<std::string, double> out;
  for (const ResourceUse& u : r.resources)
    if ((u.kind == "hsm" || u.kind == "db") && u.capacity > 0) out[u.name] = u.capacity;
  return out;
}

}  // namespace

std::vector<Override> part_overrides(const Scenario& s, const TwinParts& parts) {
  std::vector<Override> out;
  for (const DataCenter& dc : s.data_centers) {
    if (dc.hsm_count > 0) out.push_back({"data_centers." + dc.name + ".hsm.profile", parts.hsm_profile});
    if (dc.db_writer || dc.db_replicas > 0)
      out.push_back({"data_centers." + dc.name + ".db.profile", parts.db_profile});
  }
  return out;
}

std::optional<std::string> read_twin_host(const std::string& file, const std::string& era, TwinHost& out) {
  std::ifstream in(file);
  if (!in) return file + ": cannot read the twin host profile";
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (!j.is_object() || j.value("kind", "") != "surge-twin-host")
    return file + ": not a twin host profile (kind: surge-twin-host)";
  const nlohmann::json& cores = j.value("cores", nlohmann::json());
  if (!cores.is_number() || cores.get<double>() < 1 || cores.get<double>() > 4096)
    return file + ": field 'cores' must be a number from 1 to 4096";
  const nlohmann::json& cost = j.value("cpu_s_per_certificate", nlohmann::json());
  double largest = 0;
  if (cost.is_object())
    for (const auto& [name, v] : cost.items())
      if (v.is_number() && v.get<double>() > 0) largest = std::max(largest, v.get<double>());
  if (largest <= 0 || largest > 10)
    return file + ": field 'cpu_s_per_certificate' must map eras to CPU seconds in (0, 10]";
  const nlohmann::json& cap = j.value("utilisation_cap", nlohmann::json(0.5));
  if (!cap.is_number() || cap.get<double>() <= 0 || cap.get<double>() > 1)
    return file + ": field 'utilisation_cap' must be a share in (0, 1]";
  out.cores = cores.get<double>();
  out.cpu_s_per_certificate =
      cost.contains(era) && cost[era].is_number() && cost[era].get<double>() > 0 ? cost[era].get<double>() : largest;
  out.utilisation_cap = cap.get<double>();
  out.profile = file;
  return std::nullopt;
}

TwinScale twin_scale(const Report& scenario, const Report& with_parts, double live_s, const TwinHost& host) {
  TwinScale k;
  k.rate_factor = std::numeric_limits<double>::infinity();
  const std::map<std::string, double> twin = real_capacities(with_parts);
  for (const auto& [name, capacity] : real_capacities(scenario)) {
    const auto it = twin.find(name);
    if (it == twin.end() || it->second / capacity >= k.rate_factor) continue;
    k.rate_factor = it->second / capacity, k.set_by = name;
  }
  if (k.set_by.empty())
    throw std::invalid_argument("no HSM or database resource has capacity in both the scenario and the twin");
  const double rate = scenario.max_sustainable_rate_per_s.value_or(0);
  if (host.cores > 0 && host.cpu_s_per_certificate > 0 && rate > 0) {
    const double cpu = host.utilisation_cap * host.cores / (host.cpu_s_per_certificate * rate);
    if (cpu < k.rate_factor) k.rate_factor = cpu, k.set_by = "host-cpu";
  }
  const double span_s = scenario.completion_time_s.value_or(scenario.horizon_s);
  k.time_factor = span_s / live_s;
  return k;
}

std::vector<Override> twin_overrides(const Scenario& s, const TwinParts& parts, const TwinScale& k) {
  Scaler x(k);
  x.add("time_scale", text(k.time_factor, ""));
  for (const Override& o : part_overrides(s, parts)) x.add(o.path, o.value);
  scale_parts(s, x);
  scale_network(s, x);
  scale_workload_and_clients(s, x);
  scale_incident_and_checks(s, x);
  return x.take();
}

}  // namespace surge
