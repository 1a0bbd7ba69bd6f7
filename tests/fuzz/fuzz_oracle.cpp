#include "tests/fuzz/fuzz_oracle.hpp"

#include <cctype>
#include <cmath>
#include <exception>
#include <typeinfo>

#include <nlohmann/json.hpp>

#include "models/analytic.hpp"

namespace surge::fuzz {
namespace {

// Phrases of the standard library's and yaml-cpp's own exception texts: a diagnostic that carries one
// passed a library's message through instead of saying what is wrong with the scenario.
constexpr const char* kLibraryPhrases[] = {"bad conversion",
                                           "stoi",
                                           "stod",
                                           "stol",
                                           "invalid_argument",
                                           "out_of_range",
                                           "basic_string",
                                           "bad_alloc",
                                           "operator[] call on a scalar",
                                           "invalid node",
                                           "bad subscript"};

// The message without what it quotes from the input ('...'), where any text may stand. A quote ends a word:
// "bad_a'...'lloc" (an input's apostrophes in an echoed path) must not join into "bad_alloc".
std::string unquoted(const std::string& message) {
  std::string out;
  bool quoted = false;
  for (char c : message) {
    if (c == '\'') {
      quoted = !quoted;
      out += ' ';
    } else if (!quoted) {
      out += c;
    }
  }
  return out;
}

// A library phrase as a whole word of the message's own text. A phrase the input itself holds is the
// input echoed (a path, a name), quoted or not.
bool has_library_phrase(const std::string& message, std::string_view input) {
  const std::string text = unquoted(message);
  auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (const char* phrase : kLibraryPhrases) {
    const std::string_view p(phrase);
    for (size_t at = text.find(p); at != std::string::npos; at = text.find(p, at + 1)) {
      const bool starts = at == 0 || !word_char(text[at - 1]);
      const bool ends = at + p.size() == text.size() || !word_char(text[at + p.size()]);
      // The input is searched last (it is long, the message short).
      if (starts && ends && input.find(p) == std::string_view::npos) return true;
    }
  }
  return false;
}

std::string where(const Diagnostic& d) {
  return "'" + d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message + "'";
}

// The first non-finite number in a JSON tree, as its path; empty when every number is finite.
std::string non_finite_at(const nlohmann::json& j, const std::string& path) {
  if (j.is_number_float()) return std::isfinite(j.get<double>()) ? "" : path + " = " + std::to_string(j.get<double>());
  if (j.is_object()) {
    for (const auto& [key, value] : j.items())
      if (std::string at = non_finite_at(value, path + "." + key); !at.empty()) return at;
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i)
      if (std::string at = non_finite_at(j[i], path + "[" + std::to_string(i) + "]"); !at.empty()) return at;
  }
  return "";
}

bool positive(double x) {
  return std::isfinite(x) && x > 0;
}
bool non_negative(double x) {
  return std::isfinite(x) && x >= 0;
}

std::optional<std::string> data_center_problem(const DataCenter& dc) {
  const std::string at = "data center '" + dc.name + "': ";
  if (!positive(dc.hsm.signatures_per_s)) return at + "HSM signatures/s not finite and positive";
  for (const auto& [key, rate] : dc.hsm.signatures_per_s_by_key)
    if (!positive(rate)) return at + "HSM signatures/s for " + key + " not finite and positive";
  for (double rate : dc.hsm.key_rates_per_s)
    if (!positive(rate)) return at + "an HSM key rate not finite and positive";
  if (dc.hsm.sessions <= 0) return at + "HSM sessions not positive";
  if (dc.hsm_count < 0 || dc.db_replicas < 0) return at + "a negative count of hosts";
  if (!positive(dc.db.commits_per_s)) return at + "DB commits/s not finite and positive";
  if (dc.db.connections <= 0) return at + "DB connections not positive";
  if (!non_negative(dc.db.reads_per_s)) return at + "DB reads/s not finite";
  if (!positive(dc.fabric.bandwidth_Bps)) return at + "fabric bandwidth not finite and positive";
  if (!non_negative(dc.fabric.latency_s)) return at + "fabric latency not finite";
  if (!non_negative(dc.api_requests_per_s)) return at + "API requests/s not finite";
  return std::nullopt;
}

std::optional<std::string> clock_problem(const Scenario& s) {
  const Incident& in = s.incident;
  if (!non_negative(in.decision_delay_s) || !positive(in.deadline_s) || !positive(in.horizon_s))
    return std::string("incident times not finite");
  if (in.decision_delay_s > in.deadline_s || in.deadline_s > in.horizon_s)
    return std::string("incident times out of order (decision <= deadline <= horizon)");
  for (const IncidentBatch& b : in.batches)
    if (!non_negative(b.enabled_s) || !positive(b.share)) return std::string("an incident batch not finite");
  for (const Failure& f : s.failures)
    if (!non_negative(f.at_s) || std::isnan(f.until_s) || f.until_s < f.at_s)
      return "failure of '" + f.target + "' not finite or ends before it starts";
  for (const Transfer& t : s.transfers)
    if (!non_negative(t.start_s) || !positive(t.bytes)) return "transfer '" + t.name + "' not finite";
  if (!non_negative(s.warm_up_s)) return std::string("warm_up not finite");
  return std::nullopt;
}

}  // namespace

std::string input_file_name() {
  return std::string(SURGE_SOURCE_DIR) + "/scenarios/fuzz-input.yaml";
}

std::optional<std::string> diagnostics_problem(const std::vector<Diagnostic>& diagnostics, std::string_view input) {
  if (diagnostics.empty()) return std::string("a ScenarioError with no diagnostic");
  for (const Diagnostic& d : diagnostics) {
    if (d.file.empty() || d.line < 1 || d.column < 1) return "a diagnostic without file:line:col: " + where(d);
    if (d.message.empty()) return "a diagnostic without a message: " + where(d);
    if (has_library_phrase(d.message, input)) return "a library's text in a diagnostic: " + where(d);
  }
  return std::nullopt;
}

std::optional<std::string> scenario_problem(const Scenario& s) {
  if (s.data_centers.empty()) return std::string("no data center");
  for (const DataCenter& dc : s.data_centers)
    if (auto p = data_center_problem(dc)) return p;
  for (const WanLink& w : s.wan)
    if (!positive(w.bandwidth_Bps) || !non_negative(w.latency_s))
      return "WAN link " + w.from + "-" + w.to + " not finite and positive";
  for (const CtLog& l : s.ct.logs)
    if (!positive(l.rate_per_s) || !non_negative(l.latency_s)) return "CT log '" + l.name + "' not finite and positive";
  const Workload& w = s.workload;
  for (double x : {w.certificates, w.signatures_per_issuance, w.signatures_per_revocation, w.names_per_certificate,
                   w.api_requests_per_issuance, w.active_certificates, w.crl_shards, w.crl_entry_bytes})
    if (!non_negative(x)) return std::string("a workload figure not finite or negative");
  for (const KeyShare& k : w.key_types)
    if (!positive(k.share) || k.share > 1) return "key type '" + k.key + "' share not in (0, 1]";
  for (const ClientClass& c : s.clients.classes)
    if (!non_negative(c.share) || c.share > 1) return "client class '" + c.name + "' share not in [0, 1]";
  if (!positive(s.clients.retry_after_s)) return std::string("ARI Retry-After not finite and positive");
  if (!non_negative(s.admission.queue_certificates) || !non_negative(s.admission.retry_after_s))
    return std::string("admission figures not finite");
  return clock_problem(s);
}

std::optional<std::string> report_problem(const Report& r) {
  if (std::string at = non_finite_at(to_json(r, true), "report"); !at.empty()) return "a figure not finite: " + at;
  if (r.deadline_met || !r.bottleneck.empty()) return std::nullopt;
  for (const ClassOutcome& c : r.classes)
    if (c.certificates > 0 && (!c.last_request_s || *c.last_request_s > r.deadline_s)) return std::nullopt;
  return std::string("the deadline is missed and nothing is blamed (no bottleneck, every client asked in time)");
}

std::optional<std::string> check_parse(std::string_view text, std::optional<Scenario>* scenario) {
  try {
    Scenario s = parse_scenario(std::string(text), input_file_name());
    auto problem = scenario_problem(s);
    if (scenario) *scenario = std::move(s);
    return problem;
  } catch (const ScenarioError& e) {
    return diagnostics_problem(e.diagnostics(), text);
  } catch (const std::exception& e) {
    return std::string("an exception other than ScenarioError (") + typeid(e).name() + "): " + e.what();
  } catch (...) {
    return std::string("a non-standard exception");
  }
}

std::optional<std::string> check_plan(std::string_view text, PlanSearch search) {
  std::optional<Scenario> s;
  if (auto problem = check_parse(text, &s)) return problem;
  if (!s) return std::nullopt;  // rejected as it should be
  try {
    AnalyticOptions options;
    options.search_decision = options.recommend_window = search == PlanSearch::ALL;
    return report_problem(analyze(*s, options));
  } catch (const std::exception& e) {
    return std::string("the planner threw (") + typeid(e).name() + "): " + e.what();
  } catch (...) {
    return std::string("the planner threw a non-standard exception");
  }
}

}  // namespace surge::fuzz
