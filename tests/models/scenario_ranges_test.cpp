// Every number of a scenario has a range: the table in models/scenario_ranges.cpp, printed in
// docs/SCENARIOS.md, and enforced at both ends for every key (through --set, as sweeps and the GUI apply
// their values).
#include "models/scenario_ranges.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <cmath>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "models/scenario_parser.hpp"

namespace surge {
namespace {

// OCSP era with every optional section, so that each key has a place to be set.
const std::string kFull = R"(schema: 1
name: t
question: "q"
warm_up: 1h
service_times:
  hsm: {distribution: lognormal, cv: 0.5}
  db: {distribution: empirical, sample: [1ms, 2ms]}
data_centers:
  - name: dc1
    fabric: {model: 25g-fiber, bandwidth: 25Gbps, latency: 5us}
    hsm: {model: luna-2021, count: 2, sessions: 30, signatures_per_s: 10k/s, sigma: 0, kappa: 0}
    db: {model: db-2021, writer: true, replicas: 1, connections: 64, commits_per_s: 100k/s, reads_per_s: 20k/s,
         sigma: 0, kappa: 0}
    api: {requests_per_s: 50k/s}
  - name: dc2
    fabric: 25g-fiber
    hsm: {model: luna-2021, count: 2}
    db: {model: db-2021, replicas: 1, reads_per_s: 20k/s}
wan:
  - {from: dc1, to: dc2, bandwidth: 10Gbps, latency: 15ms}
  - {from: dc1, to: cloud, bandwidth: 10Gbps, latency: 10ms}
workload:
  certificates: 1M
  era: precert-2021
  signatures_per_issuance: 3
  signatures_per_revocation: 1
  key_types: [{key: rsa-2048, share: 100%}]
  names_per_certificate: 2
  api_requests_per_issuance: 6
  rpc_bytes: {acme: 6KiB}
  ocsp_resign_period: 3d
  active_certificates: 2M
  cohort_size: 10
clients:
  classes:
    - {name: cron, kind: cron, share: 40%, runs_per_day: 2, random_sleep: 8min}
    - {name: mail, kind: email, share: 30%, response: {distribution: lognormal, mean: 2d, cv: 1}}
    - {name: sampled, kind: email, share: 30%, response: {distribution: empirical, sample: [1h, 2h]}}
  retry_after: 6h
  retry_after_jitter: 20%
  normal_renewal_span: 60d
  background_issuance: 10/s
  ari_polling: {certificates: 1M}
  window: {start: 0h, end: 1h}
  clustering: {share: 10%, width: 60s}
incident:
  decision_delay: 4h
  deadline: 24h
  horizon: 96h
  revocation_margin: 10%
  revocation_slack: 1h
  db_promotion_delay: 5min
  batches: [{share: 50%, at: 0h}, {share: 50%, at: 2h}]
validation: {reuse_period: 30d, validations_per_s: 5k/s, dns_latency: 50ms, http_latency: 300ms}
admission: {queue: 100k, retry_after: 1h}
ct:
  scts_required: 1
  logs: [{name: argon, operator: google, rate: 5k/s, latency: 300ms}]
failures:
  - {ct_log: argon, at: 1h, until: 2h}
transfers:
  - {name: backup, from: dc1/db-writer, to: cloud, size: 1TB, start: 4h}
)";

// CRL era, the single-key and ari_share forms, and batches written as {count, every}.
const std::string kCrl = R"(schema: 1
name: t
question: "q"
data_centers:
  - {name: dc1, fabric: 25g-fiber, hsm: {model: luna-2021, count: 2}, db: {model: db-2021, writer: true}}
workload:
  certificates: 1M
  era: crl
  key_type: rsa-2048
  new_authz_share: 10%
  crl_shards: 128
  crl_period: 6h
  crl_entry_bytes: 40B
clients:
  ari_share: 1.0
incident:
  decision_delay: 4h
  deadline: 24h
  batches: {count: 2, every: 1h}
)";

// Where each ranged scenario key is set in a probe, and the path its message names.
struct Probe {
  std::string pattern;  // the row of the table
  const std::string* base;
  std::string set_path;  // --set path
  std::string reported;  // the key path in the message
  bool list = false;     // the value is one element of a list (sample)
};

Probe probe(const std::string& pattern, const std::string* base, const std::string& path,
            const std::string& reported = "") {
  return Probe{pattern, base, path, reported.empty() ? path : reported};
}

// The probes of the sections before the clients ...
std::vector<Probe> probes_before_clients() {
  const std::string* f = &kFull;
  const std::string* c = &kCrl;
  return {
      probe("schema", f, "schema"),
      probe("warm_up", f, "warm_up"),
      probe("time_scale", f, "time_scale"),
      probe("service_times.*.cv", f, "service_times.hsm.cv"),
      probe("data_centers.*.fabric.bandwidth", f, "data_centers.dc1.fabric.bandwidth"),
      probe("data_centers.*.fabric.latency", f, "data_centers.dc1.fabric.latency"),
      probe("data_centers.*.hsm.count", f, "data_centers.dc1.hsm.count"),
      probe("data_centers.*.hsm.sessions", f, "data_centers.dc1.hsm.sessions"),
      probe("data_centers.*.hsm.signatures_per_s", f, "data_centers.dc1.hsm.signatures_per_s"),
      probe("data_centers.*.hsm.signatures_per_s.*", f, "data_centers.dc2.hsm.signatures_per_s.rsa-2048"),
      probe("data_centers.*.hsm.sigma", f, "data_centers.dc1.hsm.sigma"),
      probe("data_centers.*.hsm.kappa", f, "data_centers.dc1.hsm.kappa"),
      probe("data_centers.*.db.replicas", f, "data_centers.dc1.db.replicas"),
      probe("data_centers.*.db.connections", f, "data_centers.dc1.db.connections"),
      probe("data_centers.*.db.commits_per_s", f, "data_centers.dc1.db.commits_per_s"),
      probe("data_centers.*.db.reads_per_s", f, "data_centers.dc1.db.reads_per_s"),
      probe("data_centers.*.db.sigma", f, "data_centers.dc1.db.sigma"),
      probe("data_centers.*.db.kappa", f, "data_centers.dc1.db.kappa"),
      probe("data_centers.*.api.requests_per_s", f, "data_centers.dc1.api.requests_per_s"),
      probe("wan.*.bandwidth", f, "wan.0.bandwidth"),
      probe("wan.*.latency", f, "wan.0.latency"),
      probe("workload.certificates", f, "workload.certificates"),
      probe("workload.signatures_per_issuance", f, "workload.signatures_per_issuance"),
      probe("workload.signatures_per_revocation", f, "workload.signatures_per_revocation"),
      probe("workload.key_types.*.share", f, "workload.key_types.0.share", "workload.key_types.rsa-2048.share"),
      probe("workload.names_per_certificate", f, "workload.names_per_certificate"),
      probe("workload.new_authz_share", c, "workload.new_authz_share"),
      probe("workload.api_requests_per_issuance", f, "workload.api_requests_per_issuance"),
      probe("workload.rpc_bytes.*", f, "workload.rpc_bytes.acme"),
      probe("workload.crl_shards", c, "workload.crl_shards"),
      probe("workload.crl_period", c, "workload.crl_period"),
      probe("workload.crl_entry_bytes", c, "workload.crl_entry_bytes"),
      probe("workload.active_certificates", f, "workload.active_certificates"),
      probe("workload.ocsp_resign_period", f, "workload.ocsp_resign_period"),
      probe("workload.cohort_size", c, "workload.cohort_size"),
  };
}

// ... and of the clients and the sections after them.
std::vector<Probe> probes_from_clients() {
  const std::string* f = &kFull;
  const std::string* c = &kCrl;
  return {
      probe("clients.ari_share", c, "clients.ari_share"),
      probe("clients.classes.*.share", f, "clients.classes.cron.share"),
      probe("clients.classes.*.runs_per_day", f, "clients.classes.cron.runs_per_day"),
      probe("clients.classes.*.random_sleep", f, "clients.classes.cron.random_sleep"),
      probe("clients.classes.*.response.mean", f, "clients.classes.mail.response.mean"),
      probe("clients.classes.*.response.cv", f, "clients.classes.mail.response.cv"),
      probe("clients.retry_after", f, "clients.retry_after"),
      probe("clients.retry_after_jitter", f, "clients.retry_after_jitter"),
      probe("clients.normal_renewal_span", f, "clients.normal_renewal_span"),
      probe("clients.background_issuance", f, "clients.background_issuance"),
      probe("clients.ari_polling.certificates", f, "clients.ari_polling.certificates"),
      probe("clients.window.start", f, "clients.window.start"),
      probe("clients.window.end", f, "clients.window.end"),
      probe("clients.clustering.share", f, "clients.clustering.share"),
      probe("clients.clustering.width", f, "clients.clustering.width"),
      probe("incident.decision_delay", f, "incident.decision_delay"),
      probe("incident.deadline", f, "incident.deadline"),
      probe("incident.horizon", f, "incident.horizon"),
      probe("incident.revocation_margin", f, "incident.revocation_margin"),
      probe("incident.revocation_slack", f, "incident.revocation_slack"),
      probe("incident.db_promotion_delay", f, "incident.db_promotion_delay"),
      probe("incident.batches.count", c, "incident.batches.count"),
      probe("incident.batches.every", c, "incident.batches.every"),
      probe("incident.batches.*.share", f, "incident.batches.0.share"),
      probe("incident.batches.*.at", f, "incident.batches.1.at"),
      probe("validation.reuse_period", f, "validation.reuse_period"),
      probe("validation.validations_per_s", f, "validation.validations_per_s"),
      probe("validation.dns_latency", f, "validation.dns_latency"),
      probe("validation.http_latency", f, "validation.http_latency"),
      probe("admission.queue", f, "admission.queue"),
      probe("admission.retry_after", f, "admission.retry_after"),
      probe("ct.scts_required", f, "ct.scts_required"),
      probe("ct.logs.*.rate", f, "ct.logs.argon.rate"),
      probe("ct.logs.*.latency", f, "ct.logs.argon.latency"),
      probe("failures.*.at", f, "failures.0.at"),
      probe("failures.*.until", f, "failures.0.until"),
      probe("transfers.*.size", f, "transfers.backup.size"),
      probe("transfers.*.start", f, "transfers.backup.start"),
  };
}

std::vector<Probe> probes() {
  std::vector<Probe> out = probes_before_clients();
  for (const Probe& p : probes_from_clients()) out.push_back(p);
  out.push_back(Probe{"service_times.*.sample", &kFull, "service_times.db.sample", "service_times.db.sample", true});
  out.push_back(Probe{"clients.classes.*.response.sample", &kFull, "clients.classes.sampled.response.sample",
                      "clients.classes.sampled.response.sample", true});
  return out;
}

// A value in SI units, written with the unit of the key's kind: 60 -> "60s", 1e4 -> "10000/s".
std::string written(RangeKind kind, double si) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", si);
  std::string text = buf;
  switch (kind) {
    case RangeKind::DURATION:
      return text + "s";
    case RangeKind::RATE:
      return text + "/s";
    case RangeKind::SIZE:
      return text + "B";
    case RangeKind::BANDWIDTH:
      return text + "Bps";
    default:
      return text;
  }
}

// The messages of every problem the base with `path=value` has (empty: it parses).
std::vector<std::string> messages(const Probe& probe, const std::string& value) {
  try {
    parse_scenario(*probe.base, "probe.yaml", {Override{probe.set_path, probe.list ? "[" + value + "]" : value}});
  } catch (const ScenarioError& e) {
    std::vector<std::string> out;
    for (const Diagnostic& d : e.diagnostics()) out.push_back(d.message);
    return out;
  }
  return {};
}

const KeyRange& row(const std::string& pattern) {
  for (const KeyRange& r : key_ranges())
    if (!r.catalogue && r.pattern == pattern) return r;
  ADD_FAILURE() << "no row " << pattern;
  static const KeyRange none{};
  return none;
}

TEST(ScenarioRanges, EveryBoundIsAValueOfItsKindInOrder) {
  for (const KeyRange& r : key_ranges()) {
    EXPECT_TRUE(std::isfinite(range_min(r)) && std::isfinite(range_max(r))) << r.pattern;
    EXPECT_LE(range_min(r), range_max(r)) << r.pattern;
    if (r.kind == RangeKind::INTEGER) {
      EXPECT_EQ(range_min(r), std::floor(range_min(r))) << r.pattern;
    }
  }
}

TEST(ScenarioRanges, BothBasesAreValid) {
  EXPECT_NO_THROW(parse_scenario(kFull, "full.yaml"));
  EXPECT_NO_THROW(parse_scenario(kCrl, "crl.yaml"));
}

TEST(ScenarioRanges, EveryScenarioRowHasAProbe) {
  std::map<std::string, int> probed;
  for (const Probe& p : probes()) ++probed[p.pattern];
  for (const KeyRange& r : key_ranges()) {
    if (r.catalogue || r.pattern == "seed") continue;  // the catalogue's rows mirror data_centers[]'s; seed below
    EXPECT_EQ(probed[std::string(r.pattern)], 1) << r.pattern;
  }
}

// Each key at its minimum and maximum is not refused for its range; just past either end it is, with the
// message naming the key, the range and the value written.
TEST(ScenarioRanges, EveryKeyAtBothEndsAndPastThem) {
  for (const Probe& probe : probes()) {
    const KeyRange& r = row(probe.pattern);
    const double lo = range_min(r), hi = range_max(r);
    const bool whole = r.kind == RangeKind::INTEGER;
    const double below = r.min_open ? lo : whole ? lo - 1 : lo - std::max(std::abs(lo), 1e-3) * 1e-3;
    const double above = whole ? hi + 1 : hi * (1 + 1e-6);
    const std::string prefix = "'" + probe.reported + "' must be in ";
    auto refused_for_range = [&](const std::vector<std::string>& ms) {
      for (const std::string& m : ms)
        if (m.rfind(prefix, 0) == 0) return true;
      return false;
    };
    std::vector<double> valid = {hi};
    if (!r.min_open) valid.push_back(lo);
    for (double v : valid)
      EXPECT_FALSE(refused_for_range(messages(probe, written(r.kind, v)))) << probe.set_path << "=" << v;
    for (double v : {below, above}) {
      const std::string text = written(r.kind, v);
      std::string expected =
          prefix + (r.min_open ? "(" : "[") + std::string(r.min) + ", " + std::string(r.max) + "], got '" + text + "'";
      if (!r.reason.empty()) expected += " (" + std::string(r.reason) + ")";
      const std::vector<std::string> ms = messages(probe, text);
      EXPECT_NE(std::find(ms.begin(), ms.end(), expected), ms.end())
          << probe.set_path << "=" << text << "\nexpected: " << expected << "\ngot: " << (ms.empty() ? "" : ms[0]);
    }
  }
}

// The figures of the issue's probes, by hand.
// A twin's clock (time_scale f): a duration is checked as f times itself, the scenario's own time.
TEST(ScenarioRanges, ATwinsDurationsAreCheckedInTheScenariosTime) {
  const Override fast{"time_scale", "2"};
  EXPECT_NO_THROW(parse_scenario(kFull, "t.yaml", {fast, {"clients.retry_after", "0.6s"}}));  // 1.2 s: in [1s, 7d]
  EXPECT_THROW(parse_scenario(kFull, "t.yaml", {{"clients.retry_after", "0.6s"}}), ScenarioError);
  try {
    parse_scenario(kFull, "t.yaml", {fast, {"clients.retry_after", "0.4s"}});  // 0.8 s
    FAIL() << "0.4s at time scale 2 was let through";
  } catch (const ScenarioError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("'clients.retry_after' must be in [1s, 7d], got '0.4s'"), std::string::npos) << m;
    EXPECT_NE(m.find("(checked at time_scale 2)"), std::string::npos) << m;
  }
  // The upper ends too: 60 d of renewal span at time scale 100 is 6,000 d of the scenario's time.
  EXPECT_THROW(parse_scenario(kFull, "t.yaml", {{"time_scale", "100"}}), ScenarioError);
}

TEST(ScenarioRanges, AHugeHsmCountIsRefusedBeforeItWraps) {
  try {
    parse_scenario(kFull, "probe.yaml", {Override{"data_centers.dc1.hsm.count", "2147483648"}});
    FAIL() << "accepted";
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(),
                 "--set data_centers.dc1.hsm.count=2147483648: 'data_centers.dc1.hsm.count' must be in [1, 64], got "
                 "'2147483648' (each one is a simulated host with its own actors)");
  }
}

TEST(ScenarioRanges, AFileValueIsReportedAtItsLineAndColumn) {
  std::string text = kCrl;
  text.replace(text.find("count: 2, every"), 8, "count: 4444444444");
  try {
    parse_scenario(text, "probe.yaml");
    FAIL() << "accepted";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    // "  batches: {count: 4444444444, ..." is line 19; the value starts at column 20.
    EXPECT_EQ(e.diagnostics()[0].headline(),
              "probe.yaml:19:20: 'incident.batches.count' must be in [1, 1000], got '4444444444' (the planner steps "
              "through every batch)");
  }
}

TEST(ScenarioRanges, AnInfiniteDeadlineIsOutOfRange) {
  const std::vector<std::string> ms =
      messages(Probe{"", &kFull, "incident.deadline", "incident.deadline"}, "1e308d");  // 1e308 x 86400 overflows
  ASSERT_FALSE(ms.empty());  // the batches and the horizon, read against no deadline, follow
  EXPECT_EQ(ms[0],
            "'incident.deadline' must be in [1min, 90d], got '1e308d' (the simulator and the planner step through "
            "the horizon)");
}

TEST(ScenarioRanges, AFractionOverOneNamesTheKeyAndRange) {
  const std::vector<std::string> ms = messages(Probe{"", &kCrl, "clients.ari_share", ""}, "150%");
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_EQ(ms[0], "'clients.ari_share' must be in [0, 1], got '150%'");
}

TEST(ScenarioRanges, AWholeNumberKeyRefusesAFraction) {
  const std::vector<std::string> ms = messages(Probe{"", &kCrl, "workload.crl_shards", ""}, "12.5");
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_EQ(ms[0], "'workload.crl_shards' must be a whole number in [1, 4096], got '12.5'");
}

TEST(ScenarioRanges, AWholeNumberKeyRefusesAFractionOrAWordNamingItsRange) {
  const Probe count{"", &kCrl, "data_centers.dc1.hsm.count", ""};
  for (const std::string value : {"2.5", "two", "1e400"}) {
    const std::vector<std::string> ms = messages(count, value);
    ASSERT_EQ(ms.size(), 1u) << value;
    EXPECT_EQ(ms[0], "'data_centers.dc1.hsm.count' must be a whole number in [1, 64], got '" + value + "'");
  }
}

TEST(ScenarioRanges, ABatchListIsNoLongerThanTheLargestCount) {
  auto batches = [](int n) {
    std::string list = "[";
    for (int i = 0; i < n; ++i) list += std::string(i ? ", " : "") + "{share: 0, at: 0h}";
    return list + "]";
  };
  const Probe probe{"", &kCrl, "incident.batches", ""};
  const std::vector<std::string> over = messages(probe, batches(1001));
  ASSERT_EQ(over.size(), 1u);
  EXPECT_EQ(over[0], "'incident.batches' lists 1001 batches, more than 1000 (the planner steps through every batch)");
  // 1000 batches of share 0 are read (and refused only for their sum).
  const std::vector<std::string> at_most = messages(probe, batches(1000));
  ASSERT_EQ(at_most.size(), 1u);
  EXPECT_EQ(at_most[0], "batch shares sum to 0%, not 100%");
}

// OCSP re-signing's period: 0 is "off", as absence is; a period below an hour is out of range.
TEST(ScenarioRanges, AnOcspResignPeriodOfZeroIsOff) {
  const Probe probe{"", &kFull, "workload.ocsp_resign_period", ""};
  EXPECT_TRUE(messages(probe, "0s").empty());
  EXPECT_EQ(
      parse_scenario(kFull, "ok.yaml", {Override{"workload.ocsp_resign_period", "0h"}}).workload.ocsp_resign_period_s,
      0);
  const std::vector<std::string> ms = messages(probe, "1us");
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_EQ(ms[0],
            "'workload.ocsp_resign_period' must be in [1h, 30d], got '1us' (or 0: off; re-signing every active "
            "response more often outruns any HSM)");
}

TEST(ScenarioRanges, AKeyTypeWithoutAShareIsReportedOnce) {
  const std::vector<std::string> ms = messages(Probe{"", &kFull, "workload.key_types", ""}, "[{key: rsa-2048}]");
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_EQ(ms[0], "missing required key 'share' in 'workload.key_types.rsa-2048'");
}

// 1,000,000 certificates + 10/s x 96 h = 4,456,000 travel: at most 2,000,000 cohorts needs k >= 3.
TEST(ScenarioRanges, CohortSizeHasAFloorFromTheCohortsTheSimulatorHolds) {
  const Probe probe{"", &kFull, "workload.cohort_size", ""};
  const std::vector<std::string> ms = messages(probe, "2");
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_EQ(ms[0],
            "'workload.cohort_size' must be in [3, 1G], got '2' (at most 2,000,000 cohorts of 4,456,000 travelling "
            "certificates: each cohort is a simulated message)");
  EXPECT_TRUE(messages(probe, "3").empty());
}

// The catalogue's keys, each set in a catalogue of its own beside a scenario that uses it.
struct CatalogueProbe {
  std::string pattern;   // the row of the table
  std::string field;     // its placeholder in kCatalogue
  std::string reported;  // the key path in the message
};

const std::string kCatalogue = R"(schema: $schema
hsm:
  h: {signatures_per_s: $sigs, sessions: $sessions, sigma: $hsigma, kappa: $hkappa, source: s}
  m: {signatures_per_s: {rsa-2048: $keysigs}, sessions: 30, source: s}
db:
  d: {commits_per_s: $commits, connections: $connections, reads_per_s: $reads, sigma: $dsigma, kappa: $dkappa, source: s}
fabric:
  f: {bandwidth: $bandwidth, latency: $latency}
)";

const std::map<std::string, std::string> kCatalogueDefaults = {
    {"$schema", "1"},      {"$sigs", "10k/s"},       {"$sessions", "30"},    {"$hsigma", "0"},    {"$hkappa", "0"},
    {"$keysigs", "10k/s"}, {"$commits", "100k/s"},   {"$connections", "64"}, {"$reads", "20k/s"}, {"$dsigma", "0"},
    {"$dkappa", "0"},      {"$bandwidth", "25Gbps"}, {"$latency", "5us"}};

const std::string kUsesCatalogue = R"(schema: 1
name: t
question: "q"
catalogue: catalogue.yaml
data_centers:
  - {name: dc1, fabric: f, hsm: {model: h, count: 2}, db: {model: d, writer: true}}
workload: {certificates: 1M, era: seed-2021}
clients: {ari_share: 1.0}
incident: {decision_delay: 4h, deadline: 24h}
)";

// The messages of every problem the scenario has with the catalogue's `field` at `value`.
std::vector<std::string> catalogue_messages(const std::string& field, const std::string& value) {
  std::string text = kCatalogue;
  for (const auto& [name, fallback] : kCatalogueDefaults)
    text.replace(text.find(name), name.size(), name == field ? value : fallback);
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("surge-ranges-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "catalogue.yaml") << text;
  std::vector<std::string> out;
  try {
    parse_scenario(kUsesCatalogue, (dir / "s.yaml").string());
  } catch (const ScenarioError& e) {
    for (const Diagnostic& d : e.diagnostics()) out.push_back(d.message);
  }
  std::filesystem::remove_all(dir);
  return out;
}

TEST(ScenarioRanges, EveryCatalogueKeyAtBothEndsAndPastThem) {
  const std::vector<CatalogueProbe> probes = {
      {"schema", "$schema", "schema"},
      {"hsm.*.signatures_per_s", "$sigs", "hsm.h.signatures_per_s"},
      {"hsm.*.signatures_per_s.*", "$keysigs", "hsm.m.signatures_per_s.rsa-2048"},
      {"hsm.*.sessions", "$sessions", "hsm.h.sessions"},
      {"hsm.*.sigma", "$hsigma", "hsm.h.sigma"},
      {"hsm.*.kappa", "$hkappa", "hsm.h.kappa"},
      {"db.*.commits_per_s", "$commits", "db.d.commits_per_s"},
      {"db.*.connections", "$connections", "db.d.connections"},
      {"db.*.reads_per_s", "$reads", "db.d.reads_per_s"},
      {"db.*.sigma", "$dsigma", "db.d.sigma"},
      {"db.*.kappa", "$dkappa", "db.d.kappa"},
      {"fabric.*.bandwidth", "$bandwidth", "fabric.f.bandwidth"},
      {"fabric.*.latency", "$latency", "fabric.f.latency"},
  };
  EXPECT_TRUE(catalogue_messages("", "").empty());
  int rows = 0;
  for (const KeyRange& r : key_ranges()) rows += r.catalogue ? 1 : 0;
  EXPECT_EQ(static_cast<size_t>(rows), probes.size());
  for (const CatalogueProbe& probe : probes) {
    const KeyRange* r = nullptr;
    for (const KeyRange& k : key_ranges())
      if (k.catalogue && k.pattern == probe.pattern) r = &k;
    ASSERT_NE(r, nullptr) << probe.pattern;
    const double lo = range_min(*r), hi = range_max(*r);
    const bool whole = r->kind == RangeKind::INTEGER;
    const std::string prefix = "'" + probe.reported + "' must be in ";
    for (double v : {lo, hi})
      for (const std::string& m : catalogue_messages(probe.field, written(r->kind, v)))
        EXPECT_NE(m.rfind(prefix, 0), 0u) << probe.field << "=" << v << ": " << m;
    for (double v : {whole ? lo - 1 : lo - std::max(std::abs(lo), 1e-3) * 1e-3, whole ? hi + 1 : hi * (1 + 1e-6)}) {
      const std::string text = written(r->kind, v);
      std::string expected = prefix + range_text(*r) + ", got '" + text + "'";
      if (!r->reason.empty()) expected += " (" + std::string(r->reason) + ")";
      const std::vector<std::string> ms = catalogue_messages(probe.field, text);
      EXPECT_NE(std::find(ms.begin(), ms.end(), expected), ms.end())
          << probe.field << "=" << text << "\nexpected: " << expected << "\ngot: " << (ms.empty() ? "" : ms[0]);
    }
  }
}

TEST(ScenarioRanges, TheSeedRowMatchesTheSeedMessage) {
  const KeyRange& r = row("seed");
  EXPECT_EQ(r.min, "0");
  EXPECT_EQ(r.max, "18446744073709551615");
}

// docs/SCENARIOS.md carries the table the code checks against, between its markers.
TEST(ScenarioRanges, TheDocumentedTableIsTheCodesTable) {
  std::ifstream in(std::string(SURGE_SOURCE_DIR) + "/docs/SCENARIOS.md");
  ASSERT_TRUE(in) << "docs/SCENARIOS.md";
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string doc = buf.str();
  const std::string begin = "<!-- ranges:begin -->\n", end = "<!-- ranges:end -->";
  const size_t a = doc.find(begin), b = doc.find(end);
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(b, std::string::npos);
  EXPECT_EQ(doc.substr(a + begin.size(), b - a - begin.size()), ranges_markdown());
}

}  // namespace
}  // namespace surge
