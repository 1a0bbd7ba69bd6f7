// The comparison of a live run with its prediction (twin.json), its samples (twin.csv) and the text
// `surge twin` prints. The error arithmetic is models/twin_compare's.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "models/twin_compare.hpp"
#include "models/units.hpp"
#include "real/twin/live.hpp"

namespace surge::twin {
namespace {

CumulativeCurve predicted_curve(const nlohmann::json& prediction, const char* column) {
  const nlohmann::json& c = prediction.at("predicted_curves");
  return {c.at("t_s").get<std::vector<double>>(), c.at(column).get<std::vector<double>>()};
}

CumulativeCurve measured_curve(const Measured& m, const std::string& counter) {
  CumulativeCurve c;
  for (const Sample& s : m.samples) {
    c.t_s.push_back(s.t_s);
    const auto it = s.counters.find(counter);
    c.count.push_back(it == s.counters.end() ? 0 : it->second);
  }
  return c;
}

nlohmann::json optional_json(std::optional<double> v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// A counter's total at the end, summed over the nodes that keep it (e.g. "signatures.cert" on every signer).
double total(const Measured& m, const std::string& suffix) {
  double sum = 0;
  if (m.samples.empty()) return 0;
  for (const auto& [name, v] : m.samples.back().counters)
    if (name == suffix ||
        (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
         name[name.size() - suffix.size() - 1] == '.'))
      sum += v;
  return sum;
}

// Busy shares measured: the signers' sessions (time inside C_Sign over sessions x the run) and the SA's
// connections (time inside commits over connections x the run).
nlohmann::json measured_busy(const Scenario& twin, const Measured& m) {
  double sessions = 0, busy_sign = 0, busy_commit = 0;
  for (const DataCenter& dc : twin.data_centers) sessions += dc.hsm_count * std::max(1, dc.hsm.sessions);
  if (!m.samples.empty())
    for (const auto& [name, v] : m.samples.back().counters) {
      const std::string sign = ".busy_s.sign";
      if (name.size() > sign.size() && name.compare(name.size() - sign.size(), sign.size(), sign) == 0) busy_sign += v;
      if (name.rfind("sa.busy_s.commit.", 0) == 0) busy_commit += v;
    }
  const double connections = kSaConnections;
  const double span = std::max(1e-9, m.end_s);
  return {{"hsm_sessions_busy", busy_sign / (sessions * span)},
          {"db_connections_busy", busy_commit / (connections * span)}};
}

// A counter's increase over [from, to], summed over the counters whose names `match`.
template <typename Match>
double increase(const Measured& m, double from, double to, Match&& match) {
  std::map<std::string, CumulativeCurve> curves;
  for (const Sample& s : m.samples)
    for (const auto& [name, v] : s.counters)
      if (match(name)) {
        curves[name].t_s.push_back(s.t_s);
        curves[name].count.push_back(v);
      }
  double sum = 0;
  for (const auto& [name, c] : curves) sum += curve_at(c, to) - curve_at(c, from);
  return sum;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Work served over capacity-time, over [from, to], for the resources the twin paces, named as the model
// names them: each data center's HSM group (its members' signatures over their paced rate while up) and
// the writer (commits over its paced rate).
nlohmann::json measured_utilisation(const Scenario& twin, const Measured& m, double from, double to) {
  nlohmann::json out = nlohmann::json::object();
  const double span = std::max(1e-9, to - from);
  for (const DataCenter& dc : twin.data_centers) {
    double capacity_time = 0;
    for (int i = 1; i <= dc.hsm_count; ++i) {
      const std::string member = dc.name + "/hsm-" + std::to_string(i);
      const auto lost = m.lost_at_s.find(member);
      const double until = lost == m.lost_at_s.end() ? to : std::min(to, lost->second);
      capacity_time += dc.hsm.signatures_per_s * std::max(0.0, until - from);
    }
    const double work = increase(m, from, to, [&](const std::string& n) {
      return n.rfind(dc.name + "/hsm-", 0) == 0 && n.find(".signatures.") != std::string::npos;
    });
    if (capacity_time > 0 && work > 0) out["hsm:" + dc.name] = work / capacity_time;
  }
  const double commits = twin.data_centers[twin.writer_data_center()].db.commits_per_s;
  const double work = increase(m, from, to, [](const std::string& n) { return n == "sa.commits"; });
  if (commits > 0) out["db-writer"] = work / (commits * span);
  return out;
}

// The resource with the highest utilisation (empty when none).
std::string busiest(const nlohmann::json& utilisation) {
  std::string best;
  double most = -1;
  for (const auto& [name, u] : utilisation.items())
    if (u.get<double>() > most) most = u.get<double>(), best = name;
  return best;
}

// CPU seconds used by every process over the run (the last sample's), and by each.
double cpu_total(const Measured& m, nlohmann::json* by_process = nullptr) {
  double total = 0;
  if (m.samples.empty()) return 0;
  for (const auto& [name, v] : m.samples.back().cpu_s) {
    total += std::max(0.0, v);
    if (by_process) (*by_process)[name] = v;
  }
  return total;
}

double cores() {
  return static_cast<double>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
}

// Each paced stage's time per visit, p50 and p99: predicted, the simulator's time in the station per job
// at the stage's resource (with cohorts of one, a certificate's visit: all its signatures of an issuance,
// or all its commits, at once); measured, at each signer per signature and at the SA per call (one
// commit, FinalizeAuthorizations one per authorization), the wait for the pace and a session or
// connection included. An issuance visits the live stages several times where the model visits once.
nlohmann::json stage_latency(const nlohmann::json& sim, const Scenario& twin, const Measured& m) {
  std::map<std::string, nlohmann::json> predicted;
  for (const nlohmann::json& r : sim.at("resources"))
    if (r.contains("sojourn_p50_s") && r.contains("sojourn_p99_s"))
      predicted[r.at("name").get<std::string>()] = {{"p50", r["sojourn_p50_s"]}, {"p99", r["sojourn_p99_s"]}};
  nlohmann::json out = nlohmann::json::object();
  const auto add = [&](const std::string& node, const std::string& stage, const std::string& resource) {
    const auto p50 = m.final_counters.find(node + ".latency." + stage + ".p50");
    const auto p99 = m.final_counters.find(node + ".latency." + stage + ".p99");
    if (p50 == m.final_counters.end() || p99 == m.final_counters.end()) return;
    nlohmann::json e = {{"resource", resource}, {"measured", {{"p50", p50->second}, {"p99", p99->second}}}};
    if (predicted.count(resource)) {
      e["predicted"] = predicted[resource];
      for (const char* q : {"p50", "p99"})
        e["error"][q] = optional_json(relative_error(e["predicted"][q].get<double>(), e["measured"][q].get<double>()));
    }
    out[node] = e;
  };
  for (const DataCenter& dc : twin.data_centers)
    for (int i = 1; i <= dc.hsm_count; ++i) add(dc.name + "/hsm-" + std::to_string(i), "stage.sign", "hsm:" + dc.name);
  add("sa", "stage.call", "db-writer");
  return out;
}

// When the lab's link was cut (its "link A-B" failure), or the end.
double link_cut_s(const Measured& m) {
  for (const auto& [name, at] : m.lost_at_s)
    if (name.rfind("link ", 0) == 0) return at;
  return m.end_s;
}

// The two data centers' link and the replica across it: the replica's lag (largest and median before the
// cut, and at the end) and the link's bytes and utilisation before the cut, predicted and measured.
nlohmann::json replication(const nlohmann::json& prediction, const Scenario& twin, const Measured& m) {
  const double cut = link_cut_s(m);
  LatencyStats lag;
  double lag_end = -1;
  for (const Sample& s : m.samples) {
    const auto l = s.counters.find("replica.lag_s");
    if (l == s.counters.end() || l->second < 0) continue;
    if (s.t_s < cut) lag.record(l->second);
    if (s.t_s >= cut) lag_end = l->second;
  }
  // The link's bytes over the model's utilisation window (from the decision), up to the cut.
  const double from = std::min(twin.incident.decision_delay_s, cut);
  const auto bytes = [&](const char* counter) {
    return increase(m, from, cut, [&](const std::string& n) { return n == counter; });
  };
  const double sent = bytes("wan.sent_bytes"), received = bytes("wan.received_bytes");
  const nlohmann::json& sim = prediction.at("simulated");
  const nlohmann::json& curves = prediction.at("predicted_curves");
  double predicted_max = 0;
  if (curves.contains("replication_lag_s"))
    for (std::size_t i = 0; i < curves.at("t_s").size(); ++i)
      if (curves["t_s"][i].get<double>() < cut)
        predicted_max = std::max(predicted_max, curves["replication_lag_s"][i].get<double>());
  nlohmann::json link_use = nullptr;
  for (const nlohmann::json& r : sim.at("resources"))
    if (r.value("kind", "") == "link" && r.value("name", "").rfind("link:wan/", 0) == 0)
      link_use = r.value("mean_utilisation", 0.0);
  const double bandwidth = twin.wan.empty() ? 0 : twin.wan.front().bandwidth_Bps;
  const double span = std::max(1e-9, cut - from);
  const std::optional<double> measured_max = lag.count() ? std::optional<double>(lag.quantile(1)) : std::nullopt;
  return {{"cut_s", cut < m.end_s ? nlohmann::json(cut) : nlohmann::json(nullptr)},
          {"lag_max_before_cut_s",
           {{"predicted", predicted_max}, {"measured", optional_json(measured_max)}, {"resolution_s", 0.1}}},
          {"lag_p50_before_cut_s", lag.count() ? nlohmann::json(lag.quantile(0.5)) : nlohmann::json(nullptr)},
          {"lag_at_end_s", lag_end >= 0 ? nlohmann::json(lag_end) : nlohmann::json(nullptr)},
          {"link",
           {{"bandwidth_Bps", bandwidth},
            {"from_s", from},
            {"sent_bytes", sent},
            {"received_bytes", received},
            {"utilisation",
             {{"predicted_mean", link_use},
              {"measured", bandwidth > 0 ? std::max(sent, received) / (bandwidth * span) : 0.0}}}}}};
}

}  // namespace

nlohmann::json host_profile(const Scenario& twin, const Measured& m) {
  const double n = std::max(1.0, twin.workload.certificates);
  return {{"kind", "surge-twin-host"},
          {"cores", cores()},
          {"cpu_s_per_certificate", {{era_name(twin.workload.era), cpu_total(m) / n}}},
          {"utilisation_cap", 0.5},
          {"source", "surge twin live run of " + twin.name + ", " + exact_number(n) + " certificates"}};
}

nlohmann::json compare(const nlohmann::json& prediction, const Scenario& twin, const Measured& m) {
  const double n = twin.workload.certificates;
  const double tolerance = 0.5;  // a count
  nlohmann::json curves = nlohmann::json::object();
  nlohmann::json errors = nlohmann::json::object();
  for (const auto& [column, counter] :
       std::vector<std::pair<const char*, const char*>>{{"replaced", "load.replaced"}, {"revoked", "load.revoked"}}) {
    const CumulativeCurve p = predicted_curve(prediction, column), mc = measured_curve(m, counter);
    const std::optional<double> tp = time_to_reach(p, n, tolerance), tm = time_to_reach(mc, n, tolerance);
    curves[column] = {{"largest_gap_share", largest_gap_share(p, mc, n)},
                      {"drain_s", {{"predicted", optional_json(tp)}, {"measured", optional_json(tm)}}},
                      {"drain_error", optional_json(relative_error(tp, tm))}};
  }
  const nlohmann::json& sim = prediction.at("simulated");
  nlohmann::json predicted_utilisation = nlohmann::json::object();
  for (const nlohmann::json& r : sim.at("resources"))
    if (r.value("kind", "") == "hsm" || r.value("kind", "") == "db")
      predicted_utilisation[r.at("name").get<std::string>()] = r.value("mean_utilisation", 0.0);
  // Measured over the incident's active period: from the decision to the last replacement.
  const double from = twin.incident.decision_delay_s;
  const double to = time_to_reach(measured_curve(m, "load.replaced"), n, tolerance).value_or(m.end_s);
  const nlohmann::json measured_use = measured_utilisation(twin, m, from, to);
  const std::vector<std::string> predicted_bottleneck = sim.value("bottleneck", std::vector<std::string>{});
  const std::string measured_bottleneck = busiest(measured_use);
  nlohmann::json latencies = nlohmann::json::object();
  for (const auto& [name, v] : m.final_counters) latencies[name] = v;
  const double span = std::max(1e-9, m.end_s);
  nlohmann::json rates = {{"issuances_per_s", total(m, "load.replaced") / span},
                          {"revocations_per_s", total(m, "load.revoked") / span},
                          {"commits_per_s", total(m, "commits") / span},
                          {"signatures_per_s", (total(m, "signatures.precert") + total(m, "signatures.cert") +
                                                total(m, "signatures.ocsp") + total(m, "signatures.crl")) /
                                                   span},
                          {"ct_submissions_per_s", total(m, "ct.submissions") / span}};
  // Request to replacement, the model's time_to_replace_s: p50 and p99 predicted and measured.
  const nlohmann::json predicted_ttr = sim.value("time_to_replace_s", nlohmann::json::object());
  nlohmann::json ttr = {
      {"predicted", predicted_ttr},
      {"measured", {{"p50", m.time_to_replace.quantile(0.5)}, {"p99", m.time_to_replace.quantile(0.99)}}}};
  for (const char* q : {"p50", "p99"})
    ttr["error"][q] = optional_json(
        relative_error(predicted_ttr.contains(q) ? std::optional<double>(predicted_ttr[q].get<double>()) : std::nullopt,
                       ttr["measured"][q].get<double>()));
  nlohmann::json by_process = nlohmann::json::object();
  const double cpu = cpu_total(m, &by_process);
  const nlohmann::json& host = prediction.at("scale").value("host", nlohmann::json::object());
  const nlohmann::json cpu_json = {
      {"cores", cores()},
      {"busy_measured", cpu / (cores() * span)},
      {"cpu_s_per_certificate", {{"profile", host.value("cpu_s_per_certificate", 0.0)}, {"measured", cpu / n}}},
      {"cpu_s_by_process", by_process}};
  nlohmann::json counts = nlohmann::json::object();
  if (!m.samples.empty())
    for (const auto& [name, v] : m.samples.back().counters) counts[name] = v;
  nlohmann::json out = {{"certificates", n},
                        {"prediction_made_at", prediction.value("made_at", "")},
                        {"live_end_s", m.end_s},
                        {"bulk_revocation_start_s",
                         {{"predicted", sim.value("bulk_revocation_start_s", nlohmann::json(nullptr))},
                          {"measured", m.bulk_revocation_start_s < 0 ? nlohmann::json(nullptr)
                                                                     : nlohmann::json(m.bulk_revocation_start_s)}}},
                        {"curves", curves},
                        {"bottleneck",
                         {{"predicted", predicted_bottleneck},
                          {"measured", measured_bottleneck},
                          {"agree", std::find(predicted_bottleneck.begin(), predicted_bottleneck.end(),
                                              measured_bottleneck) != predicted_bottleneck.end()}}},
                        {"utilisation", {{"predicted", predicted_utilisation}, {"measured", measured_use}}},
                        {"servers_busy_measured", measured_busy(twin, m)},
                        {"time_to_replace_s", ttr},
                        {"stage_latency_s", stage_latency(sim, twin, m)},
                        {"mean_rates", rates},
                        {"cpu", cpu_json},
                        {"latencies_s", latencies},
                        {"counters", counts},
                        {"failures_injected", m.lost}};
  if (!m.samples.empty() && m.samples.front().counters.count("wan.sent_bytes"))
    out["replication"] = replication(prediction, twin, m);
  return out;
}

std::string samples_csv(const Measured& m) {
  std::set<std::string> counters, cpus;
  for (const Sample& s : m.samples) {
    for (const auto& [k, v] : s.counters) counters.insert(k);
    for (const auto& [k, v] : s.cpu_s) cpus.insert(k);
  }
  std::ostringstream out;
  out.precision(10);
  out << "t_s";
  for (const std::string& k : counters) out << "," << k;
  for (const std::string& k : cpus) out << ",cpu_s." << k;
  out << "\n";
  for (const Sample& s : m.samples) {
    out << s.t_s;
    for (const std::string& k : counters) out << "," << (s.counters.count(k) ? s.counters.at(k) : 0.0);
    for (const std::string& k : cpus) out << "," << (s.cpu_s.count(k) ? s.cpu_s.at(k) : 0.0);
    out << "\n";
  }
  return out.str();
}

std::string summary_text(const nlohmann::json& t) {
  std::ostringstream out;
  out.precision(4);
  auto drain = [&](const char* c) {
    const nlohmann::json& d = t.at("curves").at(c).at("drain_s");
    out << "  " << c << ": drain predicted " << d.at("predicted") << " s, measured " << d.at("measured")
        << " s; largest gap " << 100 * t.at("curves").at(c).at("largest_gap_share").get<double>() << "% of N\n";
  };
  out << "surge twin: " << t.at("certificates").get<double>() << " certificates, live run " << t.at("live_end_s")
      << " s\n";
  drain("replaced");
  drain("revoked");
  const nlohmann::json& b = t.at("bottleneck");
  out << "  bottleneck: predicted " << b.at("predicted").dump() << ", measured " << b.at("measured")
      << (b.at("agree").get<bool>() ? " (they agree)" : " (they DISAGREE)") << "\n";
  out << "  utilisation predicted " << t.at("utilisation").at("predicted").dump() << ", measured "
      << t.at("utilisation").at("measured").dump() << "\n";
  const nlohmann::json& ttr = t.at("time_to_replace_s");
  out << "  request to replacement: p50 predicted " << ttr.at("predicted").value("p50", 0.0) << " s, measured "
      << ttr.at("measured").at("p50") << " s; p99 predicted " << ttr.at("predicted").value("p99", 0.0)
      << " s, measured " << ttr.at("measured").at("p99") << " s\n";
  const nlohmann::json& cpu = t.at("cpu");
  out << "  CPU: " << 100 * cpu.at("busy_measured").get<double>() << "% of " << cpu.at("cores")
      << " cores busy; per certificate " << 1000 * cpu.at("cpu_s_per_certificate").at("measured").get<double>()
      << " ms measured, " << 1000 * cpu.at("cpu_s_per_certificate").at("profile").get<double>()
      << " ms by the host profile\n";
  if (t.contains("stage_latency_s") && !t.at("stage_latency_s").empty()) {
    out << "  stage time per visit (p50 / p99, s; the model visits once per certificate, the pipeline per call):\n";
    for (const auto& [node, e] : t.at("stage_latency_s").items()) {
      out << "    " << node << " (" << e.at("resource").get<std::string>() << "): predicted ";
      if (e.contains("predicted"))
        out << e["predicted"]["p50"] << " / " << e["predicted"]["p99"];
      else
        out << "n/a";
      out << ", measured " << e.at("measured").at("p50") << " / " << e.at("measured").at("p99") << "\n";
    }
  }
  for (const char* f : {"failures_injected"})
    if (!t.at(f).empty()) out << "  failures injected: " << t.at(f).dump() << "\n";
  if (t.contains("replication")) {
    const nlohmann::json& r = t.at("replication");
    const nlohmann::json& link = r.at("link");
    out << "  replica lag before the cut: max predicted " << r.at("lag_max_before_cut_s").at("predicted")
        << " s, measured " << r.at("lag_max_before_cut_s").at("measured") << " s (p50 " << r.at("lag_p50_before_cut_s")
        << " s); at the end " << r.at("lag_at_end_s") << " s\n  link: " << link.at("sent_bytes") << " B out, "
        << link.at("received_bytes") << " B in from the decision to the cut; utilisation predicted "
        << link.at("utilisation").at("predicted_mean") << ", measured " << link.at("utilisation").at("measured")
        << "\n";
  }
  return out.str();
}

}  // namespace surge::twin
