// The report's JSON (docs/OUTPUT.md) and back: one table of its top-level figures, from which both the
// writer and the reader are made, and a function per list.
#include "models/report.hpp"

#include <algorithm>
#include <map>
#include <type_traits>
#include <variant>

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

nlohmann::json opt(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}
std::optional<double> opt_from(const nlohmann::json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<double>();
}

// ---- JSON: one table of the report's top-level figures ------------------------------------------

// When a figure is written. An optional is "set" when it has a value, a map when it is not empty.
enum class Written {
  ALWAYS,           ///< whenever its scope holds
  WHEN_SET,         ///< only when set
  NULL_WHEN_UNSET,  ///< whenever its scope holds; null when the optional is empty
  ZERO_WHEN_UNSET,  ///< whenever its scope holds; 0 when the optional is empty
};

// Which reports carry a figure. On reading, only the CRL era is told from the JSON (by crl_signatures);
// the others are read wherever present.
enum class Scope {
  EVERY_REPORT,
  ANALYTIC,      ///< mode "analytic"
  NOT_ANALYTIC,  ///< any other mode
  CRL_ERA,       ///< reports with crl_signatures
};

// Whether report_from_json insists on a figure (within its scope) or leaves the member's default.
enum class Need { REQUIRED, OPTIONAL };

using ReportMember =
    std::variant<std::string Report::*, std::uint64_t Report::*, int Report::*, long Report::*, double Report::*,
                 bool Report::*, std::optional<double> Report::*, Percentiles Report::*,
                 std::vector<std::string> Report::*, std::map<std::string, double> Report::*>;

struct ReportField {
  const char* key;
  ReportMember member;
  Written written = Written::ALWAYS;
  Scope scope = Scope::EVERY_REPORT;
  Need need = Need::REQUIRED;
};

// The scalar and optional top-level figures of docs/OUTPUT.md; to_json writes them and report_from_json
// reads them from this table alone. The lists' entries (classes, resources, utilisation, transfers) and
// the recommended window have entry tables of their own below (ListField); the series is written as it is.
const ReportField kReportFields[] = {
    {.key = "scenario", .member = &Report::scenario},
    {.key = "mode", .member = &Report::mode},
    {.key = "seed", .member = &Report::seed},
    {.key = "surge_version", .member = &Report::version},
    {.key = "cohort_size", .member = &Report::cohort_size},
    {.key = "cohorts", .member = &Report::cohorts},
    {.key = "certificates", .member = &Report::certificates},
    {.key = "decision_s", .member = &Report::decision_s},
    {.key = "deadline_s", .member = &Report::deadline_s},
    {.key = "horizon_s", .member = &Report::horizon_s},
    {.key = "deadline_met", .member = &Report::deadline_met},
    {.key = "completion_time_s", .member = &Report::completion_time_s, .written = Written::NULL_WHEN_UNSET},
    {.key = "revocation_complete_s", .member = &Report::revocation_complete_s, .written = Written::NULL_WHEN_UNSET},
    {.key = "replaced_by_deadline", .member = &Report::replaced_by_deadline},
    {.key = "not_replaced_by_deadline", .member = &Report::not_replaced_by_deadline},
    {.key = "revoked_by_deadline", .member = &Report::revoked_by_deadline},
    {.key = "revoked_before_replaced", .member = &Report::revoked_before_replaced},
    {.key = "replaced_within_horizon", .member = &Report::replaced_within_horizon},
    {.key = "bulk_revocation_start_s", .member = &Report::bulk_revocation_start_s, .written = Written::NULL_WHEN_UNSET},
    {.key = "time_to_replace_s", .member = &Report::time_to_replace_s},
    {.key = "bottleneck", .member = &Report::bottleneck},
    {.key = "signatures", .member = &Report::signatures},
    {.key = "signatures_needed", .member = &Report::signatures_needed},
    {.key = "signatures_by_key",
     .member = &Report::signatures_by_key,
     .written = Written::WHEN_SET,
     .need = Need::OPTIONAL},
    {.key = "db_commits", .member = &Report::db_commits},
    {.key = "db_replication_lag_max_s", .member = &Report::db_replication_lag_max_s},
    {.key = "sct_wait_mean_s",
     .member = &Report::sct_wait_mean_s,
     .written = Written::WHEN_SET,
     .need = Need::OPTIONAL},
    {.key = "sct_queue_wait_mean_s",
     .member = &Report::sct_queue_wait_mean_s,
     .written = Written::WHEN_SET,
     .need = Need::OPTIONAL},
    {.key = "rejected_requests",
     .member = &Report::rejected_requests,
     .written = Written::WHEN_SET,
     .need = Need::OPTIONAL},
    {.key = "rejected_certificates",
     .member = &Report::rejected_certificates,
     .written = Written::WHEN_SET,
     .need = Need::OPTIONAL},
    {.key = "admission_delay_total_s",
     .member = &Report::admission_delay_total_s,
     .written = Written::WHEN_SET,
     .need = Need::OPTIONAL},
    {.key = "admission_delay_mean_s",
     .member = &Report::admission_delay_mean_s,
     .written = Written::WHEN_SET,
     .need = Need::OPTIONAL},
    {.key = "ocsp_resign_signatures",
     .member = &Report::ocsp_resign_signatures,
     .written = Written::WHEN_SET,
     .need = Need::OPTIONAL},
    // The CRL era: all four, publication null when not within the run.
    {.key = "crl_signatures",
     .member = &Report::crl_signatures,
     .written = Written::WHEN_SET,
     .scope = Scope::CRL_ERA,
     .need = Need::OPTIONAL},
    {.key = "crl_bytes_uploaded",
     .member = &Report::crl_bytes_uploaded,
     .written = Written::ZERO_WHEN_UNSET,
     .scope = Scope::CRL_ERA},
    {.key = "revocations_published_s",
     .member = &Report::revocations_published_s,
     .written = Written::NULL_WHEN_UNSET,
     .scope = Scope::CRL_ERA},
    {.key = "crl_period_s", .member = &Report::crl_period_s, .scope = Scope::CRL_ERA},
    {.key = "ari_polls", .member = &Report::ari_polls, .written = Written::WHEN_SET, .need = Need::OPTIONAL},
    // The analytic planner's figures; surge run's simulated report carries the latest decision when known.
    {.key = "max_sustainable_rate_per_s",
     .member = &Report::max_sustainable_rate_per_s,
     .written = Written::NULL_WHEN_UNSET,
     .scope = Scope::ANALYTIC,
     .need = Need::OPTIONAL},
    {.key = "latest_decision_s",
     .member = &Report::latest_decision_s,
     .written = Written::NULL_WHEN_UNSET,
     .scope = Scope::ANALYTIC,
     .need = Need::OPTIONAL},
    {.key = "latest_decision_s",
     .member = &Report::latest_decision_s,
     .written = Written::WHEN_SET,
     .scope = Scope::NOT_ANALYTIC,
     .need = Need::OPTIONAL},
    {.key = "headroom", .member = &Report::headroom, .scope = Scope::ANALYTIC, .need = Need::OPTIONAL},
    // Optional on reading: reports written before them have neither.
    {.key = "wall_s", .member = &Report::wall_s, .need = Need::OPTIONAL},
    {.key = "activities", .member = &Report::activities, .need = Need::OPTIONAL},
};

bool scope_holds(Scope s, const Report& r) {
  switch (s) {
    case Scope::EVERY_REPORT:
      return true;
    case Scope::ANALYTIC:
      return r.mode == "analytic";
    case Scope::NOT_ANALYTIC:
      return r.mode != "analytic";
    case Scope::CRL_ERA:
      return r.crl_signatures.has_value();
  }
  return true;
}

bool scope_found(Scope s, const nlohmann::json& j) {
  return s != Scope::CRL_ERA || j.contains("crl_signatures");
}

template <class T>
bool is_set(const T&) {
  return true;
}
bool is_set(const std::optional<double>& v) {
  return v.has_value();
}
bool is_set(const std::map<std::string, double>& v) {
  return !v.empty();
}

template <class T>
nlohmann::json field_json(const T& v) {
  return v;
}
nlohmann::json field_json(const std::optional<double>& v) {
  return opt(v);
}
nlohmann::json field_json(const Percentiles& p) {
  return percentiles_json(p);
}

// A null reads as unset for every optional.
template <class T>
void field_from(const nlohmann::json& j, T& v) {
  v = j.get<T>();
}
void field_from(const nlohmann::json& j, std::optional<double>& v) {
  v = opt_from(j);
}
void field_from(const nlohmann::json& j, Percentiles& p) {
  p = percentiles_from(j);
}

void write_field(const ReportField& f, const Report& r, nlohmann::json& j) {
  if (!scope_holds(f.scope, r)) return;
  std::visit(
      [&](auto member) {
        const auto& v = r.*member;
        if (f.written == Written::WHEN_SET && !is_set(v)) return;
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::optional<double>>) {
          if (f.written == Written::ZERO_WHEN_UNSET) {
            j[f.key] = v.value_or(0);
            return;
          }
        }
        j[f.key] = field_json(v);
      },
      f.member);
}

void read_field(const ReportField& f, const nlohmann::json& j, Report& r) {
  if (!scope_found(f.scope, j)) return;
  if (f.need == Need::OPTIONAL && !j.contains(f.key)) return;
  std::visit([&](auto member) { field_from(j.at(f.key), r.*member); }, f.member);
}

// ---- The lists' entries: one table per entry type ------------------------------------------------

template <class Owner>
using ListMember = std::variant<std::string Owner::*, double Owner::*, bool Owner::*, long Owner::*,
                                std::optional<double> Owner::*, Percentiles Owner::*>;

// When an entry's figure is written; every one but ALWAYS is optional on reading (its default when absent
// or null).
enum class Shown {
  ALWAYS,    ///< always; an empty optional as null
  ANALYTIC,  ///< in analytic reports
  WHEN_SET,  ///< when the optional has a value, or the number is above 0
};

template <class Owner>
struct ListField {
  const char* key;
  ListMember<Owner> member;
  Shown shown = Shown::ALWAYS;
  bool null_when_none = false;  ///< written as null when not above 0 or empty text (and read back so)
};

// The planner's figures appear only in analytic reports; the queue's only where measured.
const ListField<ResourceUse> kResourceFields[] = {
    {"name", &ResourceUse::name},
    {"kind", &ResourceUse::kind},
    {"unit", &ResourceUse::unit},
    {"capacity", &ResourceUse::capacity},
    {"work", &ResourceUse::work},
    {"mean_utilisation", &ResourceUse::mean_utilisation},
    {"peak_utilisation", &ResourceUse::peak_utilisation},
    {"mean_busy", &ResourceUse::mean_busy},
    {"available", &ResourceUse::available},
    {"saved_s_by_10pct", &ResourceUse::saved_s},
    {"fluid_completion_s", &ResourceUse::fluid_completion_s},
    {"demand_per_certificate", &ResourceUse::demand_per_certificate, Shown::ANALYTIC},
    {"needed_capacity", &ResourceUse::needed_capacity, Shown::ANALYTIC, true},
    {"mean_wait_s", &ResourceUse::mean_wait_s, Shown::WHEN_SET},
    {"mean_sojourn_s", &ResourceUse::mean_sojourn_s, Shown::WHEN_SET},
    {"sojourn_p50_s", &ResourceUse::sojourn_p50_s, Shown::WHEN_SET},
    {"sojourn_p99_s", &ResourceUse::sojourn_p99_s, Shown::WHEN_SET},
    {"mean_in_system", &ResourceUse::mean_in_system, Shown::WHEN_SET},
    {"throughput_per_s", &ResourceUse::throughput_per_s, Shown::WHEN_SET},
    {"jobs", &ResourceUse::jobs, Shown::WHEN_SET},
};

const ListField<TransferOutcome> kTransferFields[] = {
    {"name", &TransferOutcome::name},
    {"bytes", &TransferOutcome::bytes},
    {"start_s", &TransferOutcome::start_s},
    {"done_s", &TransferOutcome::done_s},
};

// Each client class's outcome; the admission figures only where admission control refused some.
const ListField<ClassOutcome> kClassFields[] = {
    {"name", &ClassOutcome::name},
    {"kind", &ClassOutcome::kind},
    {"share", &ClassOutcome::share},
    {"certificates", &ClassOutcome::certificates},
    {"replaced_by_deadline", &ClassOutcome::replaced_by_deadline},
    {"revoked_before_replaced", &ClassOutcome::revoked_before_replaced},
    {"time_to_replace_s", &ClassOutcome::time_to_replace_s},
    {"replaced_after_decision_s", &ClassOutcome::replaced_after_decision_s},
    {"last_request_s", &ClassOutcome::last_request_s},
    {"rejected_requests", &ClassOutcome::rejected_requests, Shown::WHEN_SET},
    {"rejected_certificates", &ClassOutcome::rejected_certificates, Shown::WHEN_SET},
};

// The analytic report's recommended window; its reason only when there is none.
const ListField<RecommendedWindow> kWindowFields[] = {
    {"target_utilisation", &RecommendedWindow::target_utilisation},
    {"end_s", &RecommendedWindow::end_s},
    {"peak_utilisation", &RecommendedWindow::peak_utilisation},
    {"resource", &RecommendedWindow::resource},
    {"completion_s", &RecommendedWindow::completion_s},
    {"reason", &RecommendedWindow::reason, Shown::ALWAYS, true},
};

// Each resource's utilisation entry; busy sessions (HSM) or connections (DB) only for those kinds.
const ListField<ResourceUse> kUtilisationFields[] = {
    {"mean", &ResourceUse::mean_utilisation},
    {"peak", &ResourceUse::peak_utilisation},
    {"busy", &ResourceUse::mean_busy},
};

template <class Owner>
void write_list_field(const ListField<Owner>& f, const Owner& x, bool analytic, nlohmann::json& j) {
  if (f.shown == Shown::ANALYTIC && !analytic) return;
  std::visit(
      [&](auto member) {
        const auto& v = x.*member;
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::optional<double>>) {
          if (f.shown != Shown::WHEN_SET || v) j[f.key] = opt(v);
        } else if constexpr (std::is_same_v<T, double> || std::is_same_v<T, long>) {
          if (f.shown == Shown::WHEN_SET && !(v > 0)) return;
          j[f.key] = f.null_when_none && !(v > 0) ? nlohmann::json(nullptr) : nlohmann::json(v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          j[f.key] = f.null_when_none && v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v);
        } else {
          j[f.key] = field_json(v);
        }
      },
      f.member);
}

template <class Owner>
void read_list_field(const ListField<Owner>& f, const nlohmann::json& j, Owner& x) {
  if (f.shown != Shown::ALWAYS && (!j.contains(f.key) || j[f.key].is_null())) return;
  if (f.null_when_none && j.at(f.key).is_null()) return;
  std::visit([&](auto member) { field_from(j.at(f.key), x.*member); }, f.member);
}

template <class Owner, size_t N>
nlohmann::json entry_json(const ListField<Owner> (&fields)[N], const Owner& x, bool analytic) {
  nlohmann::json j = nlohmann::json::object();
  for (const ListField<Owner>& f : fields) write_list_field(f, x, analytic, j);
  return j;
}

template <class Owner, size_t N>
Owner entry_from(const ListField<Owner> (&fields)[N], const nlohmann::json& j) {
  Owner x;
  for (const ListField<Owner>& f : fields) read_list_field(f, j, x);
  return x;
}

// The numeric figures of an entry table, in its order: what sweep metrics may name in a list's entries.
template <class Owner, size_t N>
std::vector<std::string> numbers_of(const ListField<Owner> (&fields)[N]) {
  std::vector<std::string> out;
  for (const ListField<Owner>& f : fields) {
    if (std::holds_alternative<Percentiles Owner::*>(f.member))
      out.push_back(std::string(f.key) + ".p50"), out.push_back(std::string(f.key) + ".p99");
    else if (!std::holds_alternative<std::string Owner::*>(f.member))
      out.push_back(f.key);
  }
  return out;
}

nlohmann::json utilisation_json(const std::vector<ResourceUse>& resources) {
  nlohmann::json util = nlohmann::json::object();
  for (const ResourceUse& u : resources) {
    util[u.name] = entry_json(kUtilisationFields, u, false);
    if (u.kind != "hsm" && u.kind != "db") util[u.name].erase("busy");  // no sessions to be busy
  }
  return util;
}

// A list's JSON array: each entry's JSON from its table.
template <class Owner, size_t N>
nlohmann::json entries_json(const ListField<Owner> (&fields)[N], const std::vector<Owner>& items, bool analytic) {
  nlohmann::json out = nlohmann::json::array();
  for (const Owner& x : items) out.push_back(entry_json(fields, x, analytic));
  return out;
}

template <class Owner, size_t N>
std::vector<Owner> entries_from(const ListField<Owner> (&fields)[N], const nlohmann::json& j) {
  std::vector<Owner> out;
  for (const auto& x : j) out.push_back(entry_from(fields, x));
  return out;
}

}  // namespace

namespace {

// One member's numbers, under `path`: a floating-point figure, a set optional, a measured percentile's p50
// and p99, each entry of a map; integers, flags and text are no figures that could go wrong.
template <class T>
void numbers_in(const std::string& path, const T& v, const NumberVisitor& f) {
  if constexpr (std::is_same_v<T, double>) {
    f(path, v);
  } else if constexpr (std::is_same_v<T, std::optional<double>>) {
    if (v) f(path, *v);
  } else if constexpr (std::is_same_v<T, Percentiles>) {
    if (v.measured) f(path + ".p50", v.p50), f(path + ".p99", v.p99);
  } else if constexpr (std::is_same_v<T, std::map<std::string, double>>) {
    for (const auto& [key, x] : v) f(path + "[" + key + "]", x);
  }
}

template <class Owner, size_t N>
void entry_numbers(const ListField<Owner> (&fields)[N], const Owner& x, const std::string& at, const NumberVisitor& f) {
  for (const ListField<Owner>& field : fields)
    std::visit([&](auto member) { numbers_in(at + field.key, x.*member, f); }, field.member);
}

}  // namespace

void for_each_number(const Report& r, const NumberVisitor& f) {
  for (const ReportField& field : kReportFields)
    if (!is_run_detail(field.key)) std::visit([&](auto member) { numbers_in(field.key, r.*member, f); }, field.member);
  for (const ResourceUse& u : r.resources) entry_numbers(kResourceFields, u, "resources[" + u.name + "].", f);
  for (const TransferOutcome& t : r.transfers) entry_numbers(kTransferFields, t, "transfers[" + t.name + "].", f);
  for (const ClassOutcome& c : r.classes) entry_numbers(kClassFields, c, "classes[" + c.name + "].", f);
  if (r.recommended_window) entry_numbers(kWindowFields, *r.recommended_window, "recommended_window.", f);
}

std::vector<std::string> resource_figures() {
  return numbers_of(kResourceFields);
}
std::vector<std::string> utilisation_figures() {
  return numbers_of(kUtilisationFields);
}
std::vector<std::string> transfer_figures() {
  return numbers_of(kTransferFields);
}
std::vector<std::string> class_figures() {
  return numbers_of(kClassFields);
}

bool is_run_detail(std::string_view key) {
  return key == "series" || key == "seed" || key == "wall_s" || key == "activities";
}

std::vector<std::string> report_figures() {
  std::vector<std::string> out;
  auto add = [&](const std::string& figure) {
    if (std::find(out.begin(), out.end(), figure) == out.end()) out.push_back(figure);
  };
  for (const ReportField& f : kReportFields) {
    if (is_run_detail(f.key)) continue;
    std::visit(
        [&](auto member) {
          using T = std::decay_t<decltype(Report{}.*member)>;
          if constexpr (std::is_same_v<T, Percentiles>) {
            add(std::string(f.key) + ".p50"), add(std::string(f.key) + ".p99");
          } else if constexpr (std::is_arithmetic_v<T> || std::is_same_v<T, std::optional<double>>) {
            add(f.key);
          }
        },
        f.member);
  }
  return out;
}

nlohmann::json to_json(const Report& r, bool with_series) {
  nlohmann::json j;
  for (const ReportField& f : kReportFields) write_field(f, r, j);
  const bool analytic = r.mode == "analytic";
  j["classes"] = entries_json(kClassFields, r.classes, analytic);
  j["resources"] = entries_json(kResourceFields, r.resources, analytic);
  j["utilisation"] = utilisation_json(r.resources);
  j["transfers"] = entries_json(kTransferFields, r.transfers, analytic);
  if (r.recommended_window) j["recommended_window"] = entry_json(kWindowFields, *r.recommended_window, analytic);
  if (with_series) j["series"] = {{"columns", r.series_columns}, {"rows", r.series}};
  return j;
}

Report report_from_json(const nlohmann::json& j) {
  Report r;
  for (const ReportField& f : kReportFields) read_field(f, j, r);
  if (j.contains("classes")) r.classes = entries_from(kClassFields, j["classes"]);  // none before client classes
  r.resources = entries_from(kResourceFields, j.at("resources"));
  r.transfers = entries_from(kTransferFields, j.at("transfers"));
  if (j.contains("recommended_window") && !j["recommended_window"].is_null())
    r.recommended_window = entry_from(kWindowFields, j["recommended_window"]);
  if (j.contains("series")) {
    r.series_columns = j["series"].at("columns").get<std::vector<std::string>>();
    r.series = j["series"].at("rows").get<std::vector<std::vector<double>>>();
  }
  return r;
}

}  // namespace surge
