// The comparison of a live run with its prediction (twin.json), its samples (twin.csv) and the text
// `surge twin` prints. The error arithmetic is models/twin_compare's.
#include <cmath>
#include <set>
#include <sstream>

#include "models/twin_compare.hpp"
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
  const double connections = std::max(1, twin.data_centers[twin.writer_data_center()].db.connections);
  const double span = std::max(1e-9, m.end_s);
  return {{"hsm_sessions_busy", busy_sign / (sessions * span)},
          {"db_connections_busy", busy_commit / (connections * span)}};
}

}  // namespace

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
    predicted_utilisation[r.at("name").get<std::string>()] = r.value("mean_busy", 0.0);
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
  nlohmann::json counts = nlohmann::json::object();
  if (!m.samples.empty())
    for (const auto& [name, v] : m.samples.back().counters) counts[name] = v;
  return {{"certificates", n},
          {"prediction_made_at", prediction.value("made_at", "")},
          {"live_end_s", m.end_s},
          {"bulk_revocation_start_s",
           {{"predicted", sim.value("bulk_revocation_start_s", nlohmann::json(nullptr))},
            {"measured",
             m.bulk_revocation_start_s < 0 ? nlohmann::json(nullptr) : nlohmann::json(m.bulk_revocation_start_s)}}},
          {"curves", curves},
          {"bottleneck", {{"predicted", sim.value("bottleneck", nlohmann::json(nullptr))}}},
          {"utilisation", {{"predicted", predicted_utilisation}, {"measured", measured_busy(twin, m)}}},
          {"mean_rates", rates},
          {"latencies_s", latencies},
          {"counters", counts},
          {"failures_injected", m.lost}};
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
  out << "  bottleneck predicted: " << t.at("bottleneck").at("predicted")
      << "; busy measured: " << t.at("utilisation").at("measured").dump() << "\n";
  for (const char* f : {"failures_injected"})
    if (!t.at(f).empty()) out << "  failures injected: " << t.at(f).dump() << "\n";
  return out.str();
}

}  // namespace surge::twin
