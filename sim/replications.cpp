#include "sim/replications.hpp"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <map>
#include <sstream>

#include "models/statistics.hpp"
#include "models/units.hpp"
#include "sim/child_process.hpp"

namespace surge::sim {

Replicated run_replications(const Scenario& scenario, int count, int parallel, const RunOptions& options) {
  const std::uint64_t base = options.seed.value_or(scenario.seed);
  std::vector<nlohmann::json> json(static_cast<size_t>(count));
  std::deque<std::pair<int, ChildHandle>> running;
  auto collect = [&] {
    auto [index, handle] = running.front();
    running.pop_front();
    const ChildResult child = finish_child(handle);
    if (child.signal != 0)
      throw RunError("replication " + std::to_string(index) + " died from signal " + std::to_string(child.signal));
    nlohmann::json j = nlohmann::json::parse(child.output, nullptr, false);
    if (j.is_discarded()) throw RunError("replication " + std::to_string(index) + " returned no report");
    if (j.contains("error")) throw RunError(j["error"].get<std::string>());
    json[static_cast<size_t>(index)] = std::move(j);
  };
  for (int r = 0; r < count; ++r) {
    if (static_cast<int>(running.size()) >= std::max(1, parallel)) collect();
    RunOptions o;
    o.seed = replication_seed(base, r);
    o.sample_interval_s = options.sample_interval_s;
    o.log = options.log;
    running.push_back({r, start_child([&scenario, o](int& code) {
                         try {
                           return to_json(run_simulation(scenario, o)).dump();
                         } catch (const std::exception& e) {
                           code = 3;
                           return nlohmann::json{{"error", e.what()}}.dump();
                         }
                       })});
  }
  while (!running.empty()) collect();
  Replicated out;
  for (const nlohmann::json& j : json) out.runs.push_back(report_from_json(j));
  out.summary = summarize(json);
  return out;
}

std::string render_replicated(const Replicated& r) {
  std::ostringstream o;
  const Report& first = r.runs.front();
  const nlohmann::json& s = r.summary;
  auto est = [&](const std::string& path) -> const nlohmann::json* { return s.contains(path) ? &s[path] : nullptr; };
  auto duration = [&](const std::string& path) {
    const nlohmann::json* e = est(path);
    if (!e || e->at("n").get<int>() == 0) return std::string("not within the horizon in any run");
    std::string text =
        format_duration(e->at("mean").get<double>()) + " +/- " + format_duration(e->at("ci95").get<double>());
    if (e->at("n").get<int>() < static_cast<int>(r.runs.size()))
      text += " (in " + std::to_string(e->at("n").get<int>()) + " of " + std::to_string(r.runs.size()) + " runs)";
    return text;
  };
  auto count = [&](const std::string& path) {
    const nlohmann::json* e = est(path);
    if (!e) return std::string("-");
    return format_count(e->at("mean").get<double>()) + " +/- " + format_count(e->at("ci95").get<double>());
  };
  std::map<std::string, int> bottlenecks;
  int met = 0;
  for (const Report& x : r.runs) {
    std::string b;
    for (const std::string& n : x.bottleneck) b += (b.empty() ? "" : " + ") + n;
    ++bottlenecks[b.empty() ? "none" : b];
    met += x.deadline_met ? 1 : 0;
  }
  o << "scenario   " << first.scenario << " (simulated, " << r.runs.size()
    << " replications, means with 95% confidence intervals)\n";
  o << "answer     deadline met in " << met << " of " << r.runs.size() << " runs\n";
  o << "replaced   last at " << duration("completion_time_s") << "\n";
  o << "           " << count("replaced_by_deadline") << " by the deadline, " << count("not_replaced_by_deadline")
    << " not\n";
  o << "revoked    last at " << duration("revocation_complete_s") << "\n";
  o << "broken     " << count("revoked_before_replaced") << " revoked before their replacement existed\n";
  o << "latency    p50 " << duration("time_to_replace_s.p50") << ", p99 " << duration("time_to_replace_s.p99") << "\n";
  o << "bottleneck";
  for (const auto& [name, n] : bottlenecks) o << " " << name << " (" << n << " runs)";
  o << "\n\nresource                          mean utilisation       mean wait\n";
  for (const ResourceUse& u : first.resources) {
    if (u.kind == "link" && u.work <= 0) continue;
    const nlohmann::json* util = est("resources." + u.name + ".mean_utilisation");
    const nlohmann::json* wait = est("resources." + u.name + ".mean_wait_s");
    char line[256];
    char ustr[64] = "-";
    if (util)
      std::snprintf(ustr, sizeof ustr, "%.1f%% +/- %.1f%%", util->at("mean").get<double>() * 100,
                    util->at("ci95").get<double>() * 100);
    std::snprintf(line, sizeof line, "%-33s %-22s %s\n", u.name.c_str(), ustr,
                  wait ? (format_duration(wait->at("mean").get<double>()) + " +/- " +
                          format_duration(wait->at("ci95").get<double>()))
                             .c_str()
                       : "-");
    o << line;
  }
  return o.str();
}

}  // namespace surge::sim
