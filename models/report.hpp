// What a run answers: the summary a planner reads, each resource's use, and the time series. Shared by
// the simulator, the analytic planner and every front end (CLI, GUI, sweeps). No SimGrid here.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace surge {

/// How one resource was used over the run.
struct ResourceUse {
  std::string name;             ///< "hsm:dc1", "db-writer", "link:dc1/db-writer/nic"
  std::string kind;             ///< "hsm", "db", "link"
  std::string unit;             ///< "signatures/s", "commits/s", "bytes/s"
  double capacity = 0;          ///< at the start of the run, in `unit`
  double work = 0;              ///< total served (signatures, commits, bytes)
  double mean_utilisation = 0;  ///< served / capacity, averaged over the active period
  double peak_utilisation = 0;  ///< highest sampled interval
  double mean_busy = 0;         ///< HSM and DB: busy sessions (connections) / their count, over the active period
  bool available = true;        ///< false when it ended the run failed
  double saved_s = 0;           ///< completion time saved by +10% capacity (fluid arithmetic)
  /// When this resource alone would finish its work; empty: never (what it is left with never serves it).
  std::optional<double> fluid_completion_s;
  double demand_per_certificate = 0;  ///< analytic: work per affected certificate (signatures, commits, bytes)
  double needed_capacity = 0;         ///< analytic: capacity to meet the deadline alone, with headroom (0: none does)
  std::optional<double> mean_wait_s;  ///< queue wait per job: measured after the warm-up, or Erlang C (analytic)
  std::optional<double> mean_sojourn_s;    ///< simulated: time in the station per job (wait + service)
  std::optional<double> sojourn_p50_s;     ///< simulated: a job's time in the station, median
  std::optional<double> sojourn_p99_s;     ///< simulated: a job's time in the station, 99th percentile
  std::optional<double> mean_in_system;    ///< simulated: time-averaged jobs in the station after the warm-up
  std::optional<double> throughput_per_s;  ///< simulated: jobs completed per second after the warm-up
  long jobs = 0;                           ///< simulated: jobs (cohorts) measured
};

/// A background transfer's outcome.
struct TransferOutcome {
  std::string name;
  double bytes = 0;
  double start_s = 0;
  std::optional<double> done_s;  ///< empty if not finished within the horizon
};

/// Percentiles of a duration, over the certificates it was measured on.
struct Percentiles {
  double p50 = 0;
  double p99 = 0;
  /// false: there was nothing to measure (no replacement in the run); p50 and p99 are then "n/a" in the
  /// text and null in the JSON, not 0.
  bool measured = true;
  /// Analytic: the time grid's step, seconds; a percentile below it is not resolved (the text says
  /// "under" the step). 0: exact (simulated).
  double resolution_s = 0;
};

/// How the clients of one class fared (docs/OUTPUT.md, `classes`).
struct ClassOutcome {
  std::string name;
  std::string kind;                         ///< ari, cron, email, unreached
  double share = 0;                         ///< of the affected certificates, as the scenario gives it
  double certificates = 0;                  ///< affected certificates of the class
  double replaced_by_deadline = 0;          ///< of them, replaced by the deadline
  double revoked_before_replaced = 0;       ///< of them, revoked before their replacement existed: broken sites
  Percentiles time_to_replace_s;            ///< request to replacement, over the class's replacements in the run
  Percentiles replaced_after_decision_s;    ///< decision to replacement, over the same replacements
  std::optional<double> last_request_s;     ///< when its last client asked; empty if some ask only after the horizon
  std::optional<double> rejected_requests;  ///< with admission control: certificates x 503s answered to the class
  std::optional<double> rejected_certificates;  ///< ... distinct certificates of the class refused at least once
};

/// Analytic: the narrowest served window [0, end_s] (from each batch's enabling) that keeps every resource's
/// peak utilisation at or below a target and still meets the deadline (docs/OUTPUT.md, `recommended_window`).
struct RecommendedWindow {
  double target_utilisation = 0;       ///< the target, a fraction of capacity
  std::optional<double> end_s;         ///< the window's end, seconds after each batch's enabling; empty: none
  double peak_utilisation = 0;         ///< the busiest resource's peak utilisation at that window (or the widest)
  std::string resource;                ///< ... that resource
  std::optional<double> completion_s;  ///< last replacement at that window (seconds after discovery)
  std::string reason;                  ///< why there is none, when end_s is empty
};

/// The answer to a scenario.
struct Report {
  std::string scenario;
  std::string mode = "simulated";
  std::uint64_t seed = 0;
  std::string version;
  int cohort_size = 0;
  long cohorts = 0;

  double certificates = 0;  ///< affected certificates
  double decision_s = 0;    ///< when reissuance started
  double deadline_s = 0;
  double horizon_s = 0;
  bool deadline_met = false;                    ///< every affected certificate replaced and revoked by the deadline
  std::optional<double> completion_time_s;      ///< last replacement; empty if not all within the horizon
  std::optional<double> revocation_complete_s;  ///< last revocation; empty if not all within the horizon
  double replaced_by_deadline = 0;
  double not_replaced_by_deadline = 0;
  double revoked_by_deadline = 0;
  double revoked_before_replaced = 0;  ///< sites that break: revoked before their replacement existed
  double replaced_within_horizon = 0;
  std::optional<double> bulk_revocation_start_s;  ///< when revocation of not-yet-replaced certificates began
  Percentiles time_to_replace_s;                  ///< from the client's request to its replacement
  std::vector<ClassOutcome> classes;              ///< per client class, in the scenario's order
  std::vector<std::string> bottleneck;            ///< empty: no resource binds (client timing does)
  double signatures = 0;                          ///< HSM signatures performed within the horizon
  double signatures_needed = 0;                   ///< for every affected certificate (replace + revoke)
  /// `signatures` by issuing key type: actual signatures (not reference-key equivalents).
  std::map<std::string, double> signatures_by_key;
  double db_commits = 0;
  double db_replication_lag_max_s = 0;
  /// Simulated, with CT logs: mean time an issuance spends at the CT step, from submitting its
  /// precertificate to its last required SCT's return (per cohort, jobs after the warm-up).
  std::optional<double> sct_wait_mean_s;
  /// ... of which waiting for a log to start serving its last submission (rate limits and outages).
  std::optional<double> sct_queue_wait_mean_s;
  /// Simulated, with `admission`: certificates x 503s answered (a certificate refused twice counts twice),
  /// affected and background orders alike.
  std::optional<double> rejected_requests;
  /// ... distinct certificates refused at least once.
  std::optional<double> rejected_certificates;
  /// ... over the refused certificates that were admitted in the end: seconds from the first request to
  /// the admission, summed (certificate-seconds) and per certificate.
  std::optional<double> admission_delay_total_s;
  std::optional<double> admission_delay_mean_s;
  /// OCSP eras with `ocsp_resign_period`: background re-signatures of unexpired responses done within the run.
  std::optional<double> ocsp_resign_signatures;
  /// CRL era: shard signatures (issuers x shards per generation) done within the run.
  std::optional<double> crl_signatures;
  /// CRL era: bytes of CRL shards uploaded to the cloud within the run (every generation's).
  std::optional<double> crl_bytes_uploaded;
  /// CRL era: when the first CRL generation that includes the last affected revocation was published
  /// (its upload finished); empty if not within the run.
  std::optional<double> revocations_published_s;
  double crl_period_s = 0;  ///< CRL era: the period between two CRL generations (for the text summary)
  /// With `clients.ari_polling`: renewalInfo polls served (each one read on a DB replica) within the run.
  std::optional<double> ari_polls;
  std::vector<ResourceUse> resources;
  std::vector<TransferOutcome> transfers;

  std::vector<std::string> series_columns;  ///< time series: first column t_s
  std::vector<std::vector<double>> series;  ///< rows

  std::optional<double> max_sustainable_rate_per_s;  ///< analytic: replacements/s the slowest resource sustains
  std::optional<double> latest_decision_s;           ///< analytic: the latest decision still meeting the deadline
  double headroom = 0;                               ///< analytic: margin included in needed_capacity
  double wall_s = 0;                                 ///< how long the run took (not part of reproducibility)
  /// The analytic planner's recommended window (surge analyze and surge run).
  std::optional<RecommendedWindow> recommended_window;
  long activities = 0;  ///< SimGrid activities the run started (execs, transfers, arrival sleeps)
};

/// JSON, documented in docs/OUTPUT.md.
nlohmann::json to_json(const Report& r, bool with_series = false);
/// Whether a top-level key of the JSON describes the run rather than its answer (the series, the seed, the
/// wall time, SimGrid's activities): summaries of replications and sweep metrics leave these out.
bool is_run_detail(std::string_view key);
/// Every numeric figure at the top level of a report's JSON as sweep summaries flatten it ("completion_time_s",
/// "time_to_replace_s.p50"), in the order of the report's field table: the figures a sweep may name.
std::vector<std::string> report_figures();
/// The numeric figures of each entry of `resources`, `utilisation`, `transfers` and `classes`, in the order
/// of their field tables (a percentile as FIELD.p50 and FIELD.p99): a sweep names them as
/// resources.NAME.FIELD, utilisation.NAME.FIELD, transfers.NAME.FIELD, classes.NAME.FIELD.
std::vector<std::string> resource_figures();
std::vector<std::string> utilisation_figures();
std::vector<std::string> transfer_figures();
std::vector<std::string> class_figures();
/// Calls f(path, value) for every floating-point figure of the report's top level, its resources, transfers,
/// classes and recommended window, from the same field tables: "completion_time_s", "time_to_replace_s.p50"
/// (measured ones), "signatures_by_key[rsa-2048]", "resources[hsm:dc1].saved_s_by_10pct",
/// "transfers[backup].done_s", "classes[ari].last_request_s", "recommended_window.end_s" (set optionals
/// only). The run's details (wall time) and the series are left out.
using NumberVisitor = std::function<void(const std::string& path, double value)>;
void for_each_number(const Report& r, const NumberVisitor& f);
/// Back from JSON (for reports streamed from child processes).
Report report_from_json(const nlohmann::json& j);
/// The plain-text summary a planner reads.
std::string render_text(const Report& r);
/// A simulated and an analytic report side by side, with where they differ.
std::string render_comparison(const Report& simulated, const Report& analytic);
/// The time series as CSV.
std::string render_series_csv(const Report& r);

}  // namespace surge
