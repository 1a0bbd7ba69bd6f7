// The scenario as the models and the simulator see it: plain structs, every figure in SI units
// (seconds, bytes, bytes per second, operations per second). Built by scenario_parser from YAML.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "models/capacity_curve.hpp"
#include "models/distributions.hpp"
#include "models/units.hpp"

namespace surge {

/// Where a value came from, for messages that point back into the scenario file.
struct SourceLoc {
  int line = 0;    ///< 1-based; 0 when the value came from --set or a default
  int column = 0;  ///< 1-based
};

/// One HSM model (a catalogue entry, possibly overridden): every member of a pair has this.
struct HsmSpec {
  std::string model;                                      ///< catalogue name, e.g. "luna-2021"
  std::map<std::string, double> signatures_per_s_by_key;  ///< rated signatures/s per key type ("*": any)
  double signatures_per_s = 0;  ///< for the reference key type (the first issuer), one member at `sessions` sessions
  /// Signatures/s of one member for each of the workload's key types, in their order (the first is
  /// signatures_per_s); empty: every key type at signatures_per_s.
  std::vector<double> key_rates_per_s;
  int sessions = 0;     ///< PKCS#11 sessions the CA keeps open per member (concurrency c)
  CapacityCurve curve;  ///< throughput versus concurrency, normalised at `sessions` (for the key type)
  /// From a calibration profile: one session's signatures/s (the USL lambda) per fitted key type; the
  /// parser turns each into signatures_per_s_by_key at `sessions` unless a rate is written for it.
  std::map<std::string, double> session_rate_by_key;
  /// From a calibration profile: the fitted curve per key type; the scenario's key type's becomes `curve`.
  std::map<std::string, CapacityCurve> curve_by_key;
  std::string source;  ///< where the figure comes from ("profile PATH (module, date)" for a profile)
};

/// One database server model: the writer and its replicas are this machine.
struct DbSpec {
  std::string model;         ///< catalogue name, e.g. "db-2021"
  double commits_per_s = 0;  ///< writer throughput for the issuance mix at `connections`
  int connections = 0;       ///< connections the SA pool keeps to the writer
  CapacityCurve curve;       ///< throughput versus connections, normalised at `connections`
  /// From a calibration profile: one connection's commits/s (the USL lambda); the parser turns it into
  /// commits_per_s at `connections` unless a rate is written.
  double connection_rate = 0;
  /// Reads/s one server (a replica, or the writer when no replica is live) answers for ARI polling; 0:
  /// not given (needed only with `clients.ari_polling`).
  double reads_per_s = 0;
  std::string source;  ///< where the figure comes from ("profile PATH (server_version, date)" for a profile)
};

/// The internal network of one data center: every host's NIC runs at this speed.
struct FabricSpec {
  std::string model;         ///< catalogue name, e.g. "25g-fiber"
  double bandwidth_Bps = 0;  ///< per host NIC, each direction, bytes per second
  double latency_s = 0;      ///< one hop host -> switch
};

/// One data center: an HSM group, service hosts, database servers and a fabric.
struct DataCenter {
  std::string name;
  FabricSpec fabric;
  HsmSpec hsm;
  int hsm_count = 0;  ///< members of the HSM group (a pair is 2)
  DbSpec db;
  bool db_writer = false;  ///< the single DB writer lives here (exactly one data center)
  SourceLoc hsm_loc;       ///< where its hsm entry is written
  int db_replicas = 0;     ///< read replicas in this data center
  /// ACME requests/s its front end fleet (the API) serves; 0: the API is not modelled here.
  double api_requests_per_s = 0;
  SourceLoc loc;
};

/// A wide-area link: between two data centers, or from a data center to "cloud".
struct WanLink {
  std::string from;
  std::string to;
  double bandwidth_Bps = 0;  ///< each direction
  double latency_s = 0;
  SourceLoc loc;
};

/// How many signatures and commits each certificate costs, by era of the CA's practice.
enum class Era {
  SEED_2021,     ///< the seed's counting: certificate + OCSP for it, OCSP for the revocation (3)
  PRECERT_2021,  ///< 2021 with the precertificate counted: precert + cert + OCSP, OCSP revocation (4)
  CRL,           ///< today: precert + cert (2); revocation is a CRL entry, shards re-signed periodically
};

/// One issuing key type (an issuer: its own intermediate) and its share of the certificates.
struct KeyShare {
  std::string key;   ///< e.g. "rsa-2048", as HSM specs name their rates
  double share = 1;  ///< of the affected certificates and of the normal day's issuance, in (0, 1]
  SourceLoc loc;
};

/// The work: which certificates, and what each costs.
struct Workload {
  double certificates = 0;  ///< affected certificates to revoke and replace
  Era era = Era::SEED_2021;
  std::string key_type = "rsa-2048";  ///< the reference issuing key: selects each HSM's signatures/s
  /// The issuers by share, the first the reference key (key_type); empty: key_type alone (share 1).
  std::vector<KeyShare> key_types;
  double signatures_per_issuance = 0;    ///< HSM signatures to issue one replacement
  double signatures_per_revocation = 0;  ///< HSM signatures to revoke one certificate
  double names_per_certificate = 1.6;    ///< mean DNS names per certificate (rows in issuedNames)
  double new_authz_share = 0;            ///< share of names needing a fresh authorization
  /// ACME requests per issuance: new order, authorization, challenge, finalize, poll, download (planning value).
  double api_requests_per_issuance = 6;
  /// Bytes per issuance on the fabric by hop of Boulder's pipeline (planning values): the ACME exchange with
  /// the client (new order, finalize, certificate and chain), then the WFE -> RA -> CA -> SA gRPC calls.
  std::map<std::string, double> rpc_bytes = {
      {"acme", 6.0 * 1024}, {"wfe_ra", 2.0 * 1024}, {"ra_ca", 2.0 * 1024}, {"ca_sa", 2.0 * 1024}};
  double crl_shards = 128;                    ///< CRL era: shards per issuer
  double crl_period_s = 6 * kSecondsPerHour;  ///< CRL era: each shard re-signed once per period
  /// CRL era: bytes one revoked certificate adds to the shards uploaded (DOMAIN.md: "over 8 GB across
  /// shards at 200M revocations", ~40 bytes per entry).
  double crl_entry_bytes = 40;
  /// OCSP eras: unexpired certificates whose OCSP responses ocsp-updater keeps fresh (default: `certificates`).
  double active_certificates = 0;
  /// OCSP eras: every active certificate's response is re-signed once per this period; 0: not modelled.
  double ocsp_resign_period_s = 0;
  int cohort_size = 0;  ///< certificates that travel together; 0 = auto: ceil(all that travel / 200,000)

  /// The issuers: key_types, or key_type alone with share 1.
  std::vector<KeyShare> keys() const;
};

/// Shape of the request clustering at the top of each hour.
enum class BurstShape { UNIFORM, EXPONENTIAL };

/// How the clients of a class learn that they must renew, and when they act.
enum class ClientKind {
  ARI,        ///< poll renewalInfo every Retry-After, renew at a uniform time in the served window
  CRON,       ///< act at their next scheduled run (certbot: twice a day, after a random sleep)
  EMAIL,      ///< no ARI; renew at the earlier of their normal schedule and their answer to the CA's e-mail
  UNREACHED,  ///< never reached: their normal schedule only
};

struct Clients;

/// A share of the affected certificates whose clients behave alike.
struct ClientClass {
  std::string name;
  ClientKind kind = ClientKind::ARI;
  double share = 0;                  ///< of the affected certificates
  double runs_per_day = 2;           ///< cron: scheduled runs per day (certbot's timer: 2)
  double random_sleep_s = 8 * 60.0;  ///< cron: each run starts after a uniform sleep up to this (certbot: 8 min)
  double response_mean_s = 0;        ///< e-mail: mean time from the decision to the client's answer
  Distribution response;             ///< e-mail: the answer time's shape (a factor with mean 1)
  SourceLoc loc;

  /// Cron: seconds between two runs (a day of the clients' clock over runs_per_day), and so the retry
  /// after a failed run (one run later).
  double period_s(const Clients& c) const;
};

/// Name of a client kind as scenario files write it.
std::string client_kind_name(ClientKind kind);

/// The ACME clients of the affected certificates and the normal day's traffic.
struct Clients {
  /// The client classes; empty: two classes from ari_share, `ari` (that share) and `unreached` (the rest).
  std::vector<ClientClass> classes;
  double ari_share = 1.0;                       ///< share of affected certificates whose client polls ARI
  double retry_after_s = 6 * kSecondsPerHour;   ///< ARI poll interval the CA serves
  double retry_after_jitter = 0.2;              ///< +/- relative jitter on the interval
  double window_start_s = 0;                    ///< served renewal window, relative to the decision
  double window_end_s = 0;                      ///< ... (start = end = 0: already open, renew at the poll)
  double normal_renewal_span_s = 60 * 86400.0;  ///< non-ARI clients renew uniformly over this span
  double burst_share = 0;                       ///< share of requests moved to the top of their hour
  double burst_width_s = 60;                    ///< how long the burst lasts after the top of the hour
  BurstShape burst_shape = BurstShape::UNIFORM;
  double background_issuance_per_s = 0;  ///< the normal day's issuance, going on during the incident
  /// The scenario's clock (Scenario::time_scale, copied by the parser): the clients' hours and days, and
  /// the Retry-After they accept, are real ones divided by it.
  double time_scale = 1;
  double hour_s() const { return kSecondsPerHour / time_scale; }
  /// Certificates whose clients poll renewalInfo every Retry-After (the whole ARI population, not only the
  /// affected); 0: polling puts no load on the API or the replicas.
  double ari_polling_certificates = 0;
  /// ARI polls per second: the polling certificates over the mean Retry-After.
  double ari_poll_rate_per_s() const { return ari_polling_certificates / retry_after_s; }
};

/// One incident batch: a share of every class's affected certificates that the CA enables at a time.
struct IncidentBatch {
  double share = 1;      ///< of each class's affected certificates
  double enabled_s = 0;  ///< after the decision, when the CA starts serving these certificates the incident
                         ///< window (ARI) and e-mails their subscribers
  SourceLoc loc;
};

/// The incident clock, all relative to discovery at t = 0.
struct Incident {
  double decision_delay_s = 0;                  ///< when revocation and reissuance start
  double deadline_s = 0;                        ///< every affected certificate must be revoked by then
  double horizon_s = 0;                         ///< the simulation stops here
  double revocation_margin = 0.1;               ///< bulk revocation's estimated duration is stretched by this share
  double revocation_slack_s = kSecondsPerHour;  ///< ... and it is planned to end this long before the deadline
  double db_promotion_delay_s = 300;            ///< time to promote a replica after the writer is lost
  /// Incident batches enabled in stages, by enabling time; empty: one batch of every certificate at the decision.
  std::vector<IncidentBatch> batches;
};

/// What fails.
enum class FailureKind {
  DATA_CENTER,  ///< a whole data center
  HSM,          ///< one HSM member
  DB_WRITER,    ///< the DB writer host
  LINK,         ///< one WAN link (between two data centers, or a data center and the cloud)
  CT_LOG,       ///< one Certificate Transparency log, until it returns
  CT_OPERATOR,  ///< every CT log of one operator, until they return
};

/// A failure at a time: a data center, one HSM member ("dc1/hsm-1"), the DB writer, a WAN link, a CT log
/// or a CT log operator.
struct Failure {
  FailureKind kind = FailureKind::DATA_CENTER;
  double at_s = 0;
  /// CT kinds only: when the log (operator) returns; +inf: never. Other failures are permanent.
  double until_s = std::numeric_limits<double>::infinity();
  /// Data center name, "dc/hsm-N", a WAN link's topology name ("wan/dc1-dc2", as wan_link_name()
  /// writes it, whichever way the scenario wrote it), a CT log's or operator's name; empty for the writer.
  std::string target;
  SourceLoc loc;
};

/// One Certificate Transparency log, run by an operator outside the CA.
struct CtLog {
  std::string name;           ///< e.g. "argon2021"
  std::string operator_name;  ///< e.g. "google": SCTs must come from different operators
  double rate_per_s = 0;      ///< submissions per second the log accepts from this CA (its rate limit)
  double latency_s = 0;       ///< from the end of a submission's service to its SCT's return
  SourceLoc loc;
};

/// Certificate Transparency: every precertificate is submitted to logs of different operators and the
/// final certificate is signed once `scts_required` SCTs have returned. Empty `logs`: not modelled.
struct CtSpec {
  int scts_required = 2;    ///< SCTs from distinct operators per precertificate
  std::vector<CtLog> logs;  ///< in scenario order
  /// Operators in order of first appearance among the logs.
  std::vector<std::string> operators() const;
  /// Index of the named log, or -1.
  int log_index(const std::string& name) const;
};

/// A bulk transfer during the incident (backup, replica re-sync, logs for forensics).
struct Transfer {
  std::string name;
  std::string from;  ///< "dc/host" (frontend, ca, sa, hsm-N, db-writer, db-replica-N) or a data center
  std::string to;    ///< "dc/host", a data center, or "cloud"
  double bytes = 0;
  double start_s = 0;
  SourceLoc loc;
};

/// Admission control at the ACME API: a bounded queue of issuance work; a new order arriving while it is
/// full is answered 503 with Retry-After, and its client asks again later (by class).
struct Admission {
  /// Certificates admitted and not yet replaced (or, for the normal day's orders, issued) at which new
  /// orders are refused; 0: no admission control.
  double queue_certificates = 0;
  double retry_after_s = 0;  ///< Retry-After served with the 503 (ARI, e-mail, unreached clients and the background)
  bool enabled() const { return queue_certificates > 0; }
};

/// Domain validation by each data center's validation authority (VA): how many names of a replacement
/// need a new validation, at what rate the VA does them, and the DNS and HTTP round trips each waits.
struct Validation {
  bool enabled = false;                  ///< the `validation` section is present
  double reuse_period_s = 30 * 86400.0;  ///< an authorization younger than this is reused (Let's Encrypt: 30 days)
  bool revalidate_all = false;   ///< the incident's cause invalidates every validation: every name is revalidated
  double validations_per_s = 0;  ///< per data center's VA
  double dns_latency_s = 0;      ///< DNS lookups of one validation (a delay; no capacity used)
  double http_latency_s = 0;     ///< the HTTP (or TLS-ALPN) challenge fetch (a delay)
  /// Share of names needing a new validation: 1 with revalidate_all; else the share of certificates older
  /// than the reuse period, ages uniform over the normal renewal span: max(0, 1 - reuse / span).
  double new_share(double normal_renewal_span_s) const;
  /// The delay a validating issuance waits: DNS then HTTP.
  double latency_s() const { return dns_latency_s + http_latency_s; }
};

/// A whole scenario.
struct Scenario {
  int schema = 1;
  std::string file;  ///< path it was read from
  std::string name;
  std::string question;
  std::uint64_t seed = 1;
  bool randomness = true;  ///< false: means instead of draws (arrivals at their distribution's quantiles)
  double warm_up_s = 0;    ///< station statistics count jobs that arrive after this
  /// A twin's clock (models/twin_scale): its durations are a scenario's over this, and the model's own
  /// time steps too (step()). 1 for every scenario of real time.
  double time_scale = 1;
  Distribution hsm_service;      ///< variability of a signing job's time (factor with mean 1)
  Distribution db_service;       ///< ... of a commit job's
  Distribution network_service;  ///< ... of a transfer's size
  std::vector<DataCenter> data_centers;
  std::vector<WanLink> wan;
  Workload workload;
  Clients clients;
  Incident incident;
  std::vector<Failure> failures;
  std::vector<Transfer> transfers;
  CtSpec ct;              ///< Certificate Transparency logs; no logs: issuance does not wait for SCTs
  Admission admission;    ///< the API's bounded queue; absent: every order is admitted at once
  Validation validation;  ///< the VA; absent: no VA station, no validation latency

  /// One of the model's own time steps (the controller's interval, a batching period, a grid floor, the
  /// series' sampling), written in real seconds, on this scenario's clock.
  double step(double real_s) const { return real_s / time_scale; }
  /// Certificates per cohort after resolving "auto".
  int effective_cohort_size() const;
  /// Index of the data center holding the DB writer.
  int writer_data_center() const;
  /// Index of the named data center, or -1.
  int data_center_index(const std::string& name) const;
};

/// Name of an era as scenario files write it.
std::string era_name(Era era);

}  // namespace surge
