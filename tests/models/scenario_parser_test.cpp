#include "models/scenario_parser.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "tests/models/scenario_text.hpp"

namespace surge {
namespace {

using namespace surge::testing;

TEST(ScenarioParser, AcceptsTheBaseScenarioInSiUnits) {
  Scenario s = parse_scenario(kBase, "ok.yaml");
  ASSERT_EQ(s.data_centers.size(), 2u);
  EXPECT_EQ(s.data_centers[0].hsm.signatures_per_s, 10000);
  EXPECT_EQ(s.data_centers[0].fabric.bandwidth_Bps, 25e9 / 8);
  EXPECT_EQ(s.wan[0].latency_s, 0.015);
  EXPECT_EQ(s.workload.certificates, 1e6);
  EXPECT_EQ(s.workload.signatures_per_issuance + s.workload.signatures_per_revocation, 3);
  EXPECT_EQ(s.incident.decision_delay_s, 4 * 3600);
  EXPECT_EQ(s.incident.horizon_s, 4 * 24 * 3600);  // default: four deadlines
  EXPECT_EQ(s.writer_data_center(), 0);
}

TEST(ScenarioParser, ReportsAnUnknownKeyAtTheKey) {
  const std::string text = replace(kBase, "  deadline: 24h\n", "  deadline: 24h\n  deadlien: 20h\n");
  EXPECT_EQ(problems(text), "bad.yaml:" + where(text, "deadlien") + ": unknown key 'deadlien' in 'incident'");
}

TEST(ScenarioParser, AModelWrittenAsAListOrAMapIsReportedNotLeftWithoutCapacity) {
  // Found by fuzz_parser: `model: : luna-2021` (a map) was skipped silently, the HSM kept 0 sessions and
  // only the invariant check stopped it (exit 3) (regressions/model-written-as-a-map-left-no-capacity.yaml).
  for (const std::string& model : {std::string("[luna-2021]"), std::string(": luna-2021")}) {
    const std::string text =
        replace(kBase, "hsm: {model: luna-2021, count: 2}", "hsm: {model: " + model + ", count: 2}");
    const std::string p = problems(text);
    EXPECT_NE(p.find(": 'model' must be a name from the catalogue's HSM models, not a list or a map; the catalogue ("),
              std::string::npos)
        << model << ": " << p;
    EXPECT_EQ(p.find('\n'), std::string::npos) << model << ": one problem, got\n" << p;
  }
}

TEST(ScenarioParser, ReportsAMissingRequiredKeyAtItsMap) {
  const std::string text = replace(kBase, "  deadline: 24h\n", "");
  EXPECT_EQ(problems(text),
            "bad.yaml:" + where(text, "decision_delay") + ": missing required key 'deadline' in 'incident'");
}

TEST(ScenarioParser, ReportsAWrongUnitWithTheColumnOfTheUnit) {
  const std::string text = replace(kBase, "bandwidth: 10Gbps", "bandwidth: 10Gbit");
  EXPECT_EQ(problems(text),
            "bad.yaml:" + where(text, "10Gbit", 2) +
                ": 'bandwidth': unknown unit 'Gbit'; expected a bandwidth with a unit (bps, Kbps, Mbps, "
                "Gbps, Tbps, Bps, KBps, MBps, GBps), such as 25Gbps");
}

TEST(ScenarioParser, ReportsAMissingUnit) {
  const std::string text = replace(kBase, "decision_delay: 4h", "decision_delay: 4");
  EXPECT_EQ(problems(text), "bad.yaml:" + where(text, "decision_delay: 4", 17) +
                                ": 'decision_delay': missing unit in '4'; expected a duration with a unit (us, ms, s, "
                                "min, h, d, day), such as 6h or 90s");
}

TEST(ScenarioParser, RejectsZeroAndNegativeCapacities) {
  const std::string zero = replace(kBase, "bandwidth: 10Gbps", "bandwidth: 0Gbps");
  EXPECT_EQ(problems(zero), "bad.yaml:" + where(zero, "0Gbps") +
                                ": 'wan.0.bandwidth' must be in [1Mbps, 10Tbps], got '0Gbps' (no network link of this "
                                "kind is slower or faster)");
  const std::string negative =
      replace(kBase, "count: 2}\n    db: {model: db-2021, writer", "count: -1}\n    db: {model: db-2021, writer");
  EXPECT_EQ(problems(negative), "bad.yaml:" + where(negative, "-1") +
                                    ": 'data_centers.dc1.hsm.count' must be in [1, 64], got '-1' (each one is a "
                                    "simulated host with its own actors)");
  const std::string rate =
      replace(kBase, "hsm: {model: luna-2021, count: 2}\n    db: {model: db-2021, writer",
              "hsm: {model: luna-2021, count: 2, signatures_per_s: 0/s}\n    db: {model: db-2021, writer");
  EXPECT_EQ(problems(rate),
            "bad.yaml:" + where(rate, "0/s") +
                ": 'data_centers.dc1.hsm.signatures_per_s' must be in [0.001/s, 1G/s], got '0/s' (a slower "
                "station never drains an incident; 1G/s is past any hardware)");
}

TEST(ScenarioParser, RejectsReferencesToDataCentersAndHostsThatDoNotExist) {
  const std::string dc = replace(kBase, "{data_center: dc2, at: 0h}", "{data_center: dc3, at: 0h}");
  EXPECT_EQ(problems(dc), "bad.yaml:" + where(dc, "dc3") + ": no data center named 'dc3'");
  const std::string hsm = replace(kBase, "{data_center: dc2, at: 0h}", "{hsm: dc1/hsm-3, at: 6h}");
  EXPECT_EQ(problems(hsm), "bad.yaml:" + where(hsm, "dc1/hsm-3") +
                               ": data center 'dc1' has no host 'hsm-3' (hosts: frontend, ca, sa, hsm-1..2, db-writer, "
                               "db-replica-1..1)");
  const std::string wan = replace(kBase, "to: dc2,", "to: dc9,");
  EXPECT_EQ(problems(wan), "bad.yaml:" + where(wan, "dc9") + ": no data center named 'dc9'");
}

// kBase with WAN links to the cloud as well: three links, "dc1-dc2", "dc1-cloud", "dc2-cloud".
std::string with_cloud_links() {
  return replace(kBase, "latency: 15ms}\n",
                 "latency: 15ms}\n  - {from: dc1, to: cloud, bandwidth: 10Gbps, latency: 10ms}\n"
                 "  - {from: dc2, to: cloud, bandwidth: 10Gbps, latency: 10ms}\n");
}

TEST(ScenarioParser, NamesAFailedLinkByItsTopologyNameWhicheverWayItIsWritten) {
  for (const std::string written : {"dc1-dc2", "dc2-dc1", "wan/dc1-dc2", "wan/dc2-dc1"}) {
    const Scenario s =
        parse_scenario(replace(kBase, "{data_center: dc2, at: 0h}", "{link: " + written + ", at: 2h}"), "ok.yaml");
    ASSERT_EQ(s.failures.size(), 1u);
    EXPECT_EQ(s.failures[0].kind, FailureKind::LINK) << written;
    EXPECT_EQ(s.failures[0].target, "wan/dc1-dc2") << written;
    EXPECT_EQ(s.failures[0].at_s, 2 * 3600) << written;
  }
  const Scenario cloud =
      parse_scenario(replace(with_cloud_links(), "{data_center: dc2, at: 0h}", "{link: cloud-dc2, at: 2h}"), "ok.yaml");
  EXPECT_EQ(cloud.failures[0].target, "wan/dc2-cloud");
  // As a GUI would write it: the whole list from the command line.
  const Scenario set = parse_scenario(kBase, "ok.yaml", {{"failures", "[{link: dc2-dc1, at: 2h}]"}});
  ASSERT_EQ(set.failures.size(), 1u);
  EXPECT_EQ(set.failures[0].kind, FailureKind::LINK);
  EXPECT_EQ(set.failures[0].target, "wan/dc1-dc2");
}

TEST(ScenarioParser, RejectsALinkFailureThatNamesNoWanLinkListingTheLinks) {
  const std::string text = replace(with_cloud_links(), "{data_center: dc2, at: 0h}", "{link: dc1-dc3, at: 2h}");
  EXPECT_EQ(problems(text), "bad.yaml:" + where(text, "dc1-dc3") +
                                ": 'dc1-dc3' is not a WAN link (links: dc1-dc2, dc1-cloud, dc2-cloud)");
  // Only "wan/" may prefix a link, and hosts are not its ends.
  const std::string host =
      replace(with_cloud_links(), "{data_center: dc2, at: 0h}", "{link: dc1/frontend-dc2, at: 2h}");
  EXPECT_EQ(problems(host), "bad.yaml:" + where(host, "dc1/frontend-dc2") +
                                ": 'dc1/frontend-dc2' is not a WAN link (links: dc1-dc2, dc1-cloud, dc2-cloud)");
  const std::string none =
      replace(replace(kBase, "wan:\n  - {from: dc1, to: dc2, bandwidth: 10Gbps, latency: 15ms}\n", ""),
              "{data_center: dc2, at: 0h}", "{link: dc1-dc2, at: 2h}");
  EXPECT_EQ(problems(none),
            "bad.yaml:" + where(none, "dc1-dc2") + ": 'dc1-dc2' is not a WAN link (the scenario has none)");
  EXPECT_EQ(problems(kBase, {{"failures", "[{link: dc9-dc1, at: 2h}]"}}),
            "--set failures=[{link: dc9-dc1, at: 2h}]: 'dc9-dc1' is not a WAN link (links: dc1-dc2)");
}

TEST(ScenarioParser, AFailureNamesExactlyOneKind) {
  const std::string two = replace(kBase, "{data_center: dc2, at: 0h}", "{data_center: dc2, link: dc1-dc2, at: 0h}");
  EXPECT_EQ(problems(two),
            "bad.yaml:" + where(two, "{data_center: dc2, link") +
                ": a failure names exactly one of data_center, hsm, db_writer, link, ct_log, ct_operator");
  const std::string none = replace(kBase, "{data_center: dc2, at: 0h}", "{at: 0h}");
  EXPECT_EQ(problems(none),
            "bad.yaml:" + where(none, "{at: 0h}") +
                ": a failure names exactly one of data_center, hsm, db_writer, link, ct_log, ct_operator");
}

TEST(ScenarioParser, RejectsADeadlineBeforeTheDecision) {
  const std::string text = replace(kBase, "deadline: 24h", "deadline: 3h");
  EXPECT_EQ(problems(text), "bad.yaml:" + where(text, "3h") + ": deadline (3h) is not after the decision (4h)");
}

TEST(ScenarioParser, RejectsUnknownCatalogueModelsNamingTheChoices) {
  const std::string text = replace(kBase, "luna-2021, count: 2}\n    db: {model: db-2021, writer",
                                   "luna-2099, count: 2}\n    db: {model: db-2021, writer");
  const std::string got = problems(text);
  EXPECT_EQ(got.rfind("bad.yaml:" + where(text, "luna-2099") + ": unknown HSM model 'luna-2099'; the catalogue (", 0),
            0u)
      << got;
  EXPECT_NE(got.find(") has: luna-2020, luna-2021"), std::string::npos) << got;
}

TEST(ScenarioParser, ReportsEveryProblemNotJustTheFirst) {
  std::string text = replace(kBase, "deadline: 24h", "deadline: 24");
  text = replace(text, "era: seed-2021", "era: ocsp-2030");
  const std::string got = problems(text);
  EXPECT_NE(got.find("unknown era 'ocsp-2030'; expected seed-2021, precert-2021 or crl"), std::string::npos) << got;
  EXPECT_NE(got.find("'deadline': missing unit in '24'"), std::string::npos) << got;
}

TEST(ScenarioParser, RejectsBackgroundSigningKeysOfTheOtherEra) {
  const std::string ocsp = replace(kBase, "era: seed-2021", "era: seed-2021\n  crl_shards: 128");
  EXPECT_EQ(problems(ocsp),
            "bad.yaml:" + where(ocsp, "128") + ": crl_shards is for era crl; era seed-2021 publishes OCSP responses");
  const std::string crl = replace(kBase, "era: seed-2021", "era: crl\n  ocsp_resign_period: 3d");
  EXPECT_EQ(problems(crl),
            "bad.yaml:" + where(crl, "3d") +
                ": ocsp_resign_period is for the OCSP eras (seed-2021, precert-2021); era crl has no OCSP");
}

TEST(ScenarioParser, BackgroundSigningDefaults) {
  const Scenario ocsp = parse_scenario(kBase, "ok.yaml");
  EXPECT_EQ(ocsp.workload.ocsp_resign_period_s, 0);   // absent: not modelled
  EXPECT_EQ(ocsp.workload.active_certificates, 1e6);  // the affected certificates
  const Scenario resign = parse_scenario(
      replace(kBase, "era: seed-2021", "era: seed-2021\n  active_certificates: 150M\n  ocsp_resign_period: 3d"),
      "ok.yaml");
  EXPECT_EQ(resign.workload.active_certificates, 150e6);
  EXPECT_EQ(resign.workload.ocsp_resign_period_s, 3 * 86400);
  const Scenario crl = parse_scenario(replace(kBase, "era: seed-2021", "era: crl"), "ok.yaml");
  EXPECT_EQ(crl.workload.crl_shards, 128);
  EXPECT_EQ(crl.workload.crl_period_s, 6 * 3600);
  EXPECT_EQ(crl.workload.crl_entry_bytes, 40);  // DOMAIN.md: ~40 bytes per entry
}

TEST(ScenarioParser, RendersTheSourceLineWithACaretUnderTheProblem) {
  const std::string text = replace(kBase, "bandwidth: 10Gbps", "bandwidth: 10Gbit");
  try {
    parse_scenario(text, "bad.yaml");
    FAIL() << "expected an error";
  } catch (const ScenarioError& e) {
    const std::string rendered = e.diagnostics().at(0).render();
    std::istringstream lines(rendered);
    std::string headline, source, caret;
    std::getline(lines, headline);
    std::getline(lines, source);
    std::getline(lines, caret);
    EXPECT_EQ(source, "  - {from: dc1, to: dc2, bandwidth: 10Gbit, latency: 15ms}");
    EXPECT_EQ(caret, std::string(source.find("Gbit"), ' ') + "^");
  }
}

TEST(ScenarioParser, ReportsYamlSyntaxErrorsWithTheirPosition) {
  const std::string text = replace(kBase, "  ari_share: 1.0", "  ari_share: [1.0");
  EXPECT_EQ(problems(text).rfind("bad.yaml:", 0), 0u);
  EXPECT_NE(problems(text).find("YAML syntax"), std::string::npos);
}

TEST(ScenarioParser, RejectsTrafficThatHasNoNetworkPath) {
  const std::string island = replace(kBase, "wan:\n  - {from: dc1, to: dc2, bandwidth: 10Gbps, latency: 15ms}\n", "");
  EXPECT_EQ(problems(island),
            "bad.yaml:" + where(island, "name: dc2") + ": data center 'dc2' has no WAN path to the DB writer in 'dc1'");
  const std::string backup =
      kBase + "transfers:\n  - {name: backup, from: dc1/db-writer, to: cloud, size: 20TB, start: 4h}\n";
  EXPECT_EQ(problems(backup),
            "bad.yaml:" + where(backup, "{name: backup") +
                ": transfer 'backup' has no network path from 'dc1/db-writer' to 'cloud' (no WAN link "
                "reaches the cloud)");
}

TEST(ScenarioParser, ReadsSixtyFourBitSeedsAndRejectsOthers) {
  EXPECT_EQ(parse_scenario(kBase + "seed: 18446744073709551615\n", "ok.yaml").seed, 18446744073709551615ULL);
  const std::string bad = kBase + "seed: -3\n";
  EXPECT_EQ(problems(bad),
            "bad.yaml:" + where(bad, "-3") + ": 'seed' must be a whole number from 0 to 18446744073709551615");
}

TEST(ScenarioParser, TakesEachHsmRateForTheScenariosKeyType) {
  EXPECT_EQ(parse_scenario(kBase, "ok.yaml").data_centers[0].hsm.signatures_per_s, 10000);  // rsa-2048 by default
  const Scenario ec = parse_scenario(kBase, "ok.yaml", {{"workload.key_type", "ecdsa-p384"}});
  EXPECT_EQ(ec.data_centers[0].hsm.signatures_per_s, 7000);
  // One rate written in the scenario overrides the catalogue's for every key type.
  const Scenario one = parse_scenario(
      kBase, "ok.yaml", {{"workload.key_type", "ecdsa-p384"}, {"data_centers.dc1.hsm.signatures_per_s", "12k/s"}});
  EXPECT_EQ(one.data_centers[0].hsm.signatures_per_s, 12000);
  EXPECT_EQ(one.data_centers[1].hsm.signatures_per_s, 7000);
  const std::string text = replace(kBase, "  era: seed-2021\n", "  era: seed-2021\n  key_type: ecdsa-p256\n");
  EXPECT_EQ(problems(text), "bad.yaml:" + where(text, "{model: luna-2021") +
                                ": HSM model 'luna-2021' has no signatures_per_s for key type 'ecdsa-p256' (it has: "
                                "ecdsa-p384, rsa-2048)\n"
                                "bad.yaml:" +
                                where(text, "{model: luna-2021, count: 2}\n    db: {model: db-2021, replicas") +
                                ": HSM model 'luna-2021' has no signatures_per_s for key type 'ecdsa-p256' (it has: "
                                "ecdsa-p384, rsa-2048)");
}

std::string with_key_types(const std::string& list) {
  return replace(kBase, "  era: seed-2021\n", "  era: seed-2021\n  key_types:\n" + list);
}

TEST(ScenarioParser, ReadsKeyTypesWithEachHsmsRateForEveryKey) {
  const Scenario s = parse_scenario(
      with_key_types("    - {key: rsa-2048, share: 60%}\n    - {key: ecdsa-p384, share: 40%}\n"), "ok.yaml");
  ASSERT_EQ(s.workload.key_types.size(), 2u);
  EXPECT_EQ(s.workload.key_types[1].key, "ecdsa-p384");
  EXPECT_EQ(s.workload.key_types[1].share, 0.4);
  EXPECT_EQ(s.workload.key_type, "rsa-2048");  // the first is the reference key
  EXPECT_EQ(s.data_centers[0].hsm.signatures_per_s, 10000);
  EXPECT_EQ(s.data_centers[0].hsm.key_rates_per_s, (std::vector<double>{10000, 7000}));
  // key_type alone is a list of one, share 1.
  const Scenario one = parse_scenario(kBase, "ok.yaml", {{"workload.key_type", "ecdsa-p384"}});
  ASSERT_EQ(one.workload.keys().size(), 1u);
  EXPECT_EQ(one.workload.keys()[0].key, "ecdsa-p384");
  EXPECT_EQ(one.workload.keys()[0].share, 1.0);
  EXPECT_EQ(one.data_centers[1].hsm.key_rates_per_s, (std::vector<double>{7000}));
}

TEST(ScenarioParser, RejectsAKeyTypeOneDataCentersHsmHasNoRateFor) {
  // dc1's HSM is given an ECDSA P-256 rate; dc2's keeps the catalogue's, which has none.
  std::string text = with_key_types("    - {key: rsa-2048, share: 50%}\n    - {key: ecdsa-p256, share: 50%}\n");
  text = replace(text, "hsm: {model: luna-2021, count: 2}",
                 "hsm: {model: luna-2021, count: 2, signatures_per_s: {ecdsa-p256: 9k/s}}");
  EXPECT_EQ(problems(text),
            "bad.yaml:" + where(text, "{model: luna-2021, count: 2}\n    db: {model: db-2021, replicas") +
                ": HSM model 'luna-2021' has no signatures_per_s for key type 'ecdsa-p256' (it has: "
                "ecdsa-p384, rsa-2048)");
}

TEST(ScenarioParser, RejectsBadKeyTypeShares) {
  const std::string zero = with_key_types("    - {key: rsa-2048, share: 100%}\n    - {key: ecdsa-p384, share: 0}\n");
  EXPECT_EQ(problems(zero), "bad.yaml:" + where(zero, "share: 0}", 7) +
                                ": 'workload.key_types.ecdsa-p384.share' must be in (0, 1], got '0'");
  const std::string over = with_key_types("    - {key: rsa-2048, share: 1.2}\n");
  EXPECT_EQ(problems(over),
            "bad.yaml:" + where(over, "1.2}") + ": 'workload.key_types.rsa-2048.share' must be in (0, 1], got '1.2'");
  const std::string sum = with_key_types("    - {key: rsa-2048, share: 50%}\n    - {key: ecdsa-p384, share: 40%}\n");
  EXPECT_EQ(problems(sum), "bad.yaml:" + where(sum, "- {key: rsa") + ": key type shares sum to 90%, not 100%");
  const std::string twice = with_key_types("    - {key: rsa-2048, share: 50%}\n    - {key: rsa-2048, share: 50%}\n");
  EXPECT_EQ(problems(twice),
            "bad.yaml:" + where(twice, "rsa-2048, share: 50%}\nclients") + ": key type 'rsa-2048' is listed twice");
  const std::string exclusive = replace(with_key_types("    - {key: rsa-2048, share: 100%}\n"),
                                        "  key_types:", "  key_type: rsa-2048\n  key_types:");
  EXPECT_EQ(problems(exclusive), "bad.yaml:" + where(exclusive, "- {key") +
                                     ": 'key_type' and 'key_types' exclude each other: list the one key with share "
                                     "100%");
}

TEST(ScenarioParser, AWindowGivenByItsStartAloneHasNoWidth) {
  const Scenario s = parse_scenario(kBase, "ok.yaml", {{"clients.window.start", "2h"}});
  EXPECT_EQ(s.clients.window_start_s, 2 * 3600);
  EXPECT_EQ(s.clients.window_end_s, 2 * 3600);
  EXPECT_EQ(problems(kBase, {{"clients.window.start", "2h"}, {"clients.window.end", "1h"}}),
            "--set clients.window.end=1h: window end is before its start");
}

TEST(ScenarioParser, ReadsServiceTimeVariabilityAndRandomness) {
  const Scenario s = parse_scenario(kBase +
                                        "randomness: off\nwarm_up: 2h\nservice_times:\n"
                                        "  hsm: {distribution: lognormal, cv: 0.5}\n"
                                        "  db: {distribution: empirical, sample: [1ms, 2ms, 3ms]}\n",
                                    "ok.yaml");
  EXPECT_FALSE(s.randomness);
  EXPECT_EQ(s.warm_up_s, 7200);
  EXPECT_EQ(s.hsm_service.kind, DistributionKind::LOGNORMAL);
  EXPECT_EQ(s.hsm_service.cv, 0.5);
  EXPECT_EQ(s.db_service.sample, (std::vector<double>{0.5, 1.0, 1.5}));  // rescaled to mean 1
  const std::string bad = kBase + "service_times:\n  hsm: {distribution: gamma}\n";
  EXPECT_EQ(problems(bad), "bad.yaml:" + where(bad, "gamma") +
                               ": unknown distribution 'gamma'; expected deterministic, exponential, lognormal or "
                               "empirical");
  const std::string empty = kBase + "service_times:\n  db: {distribution: empirical, sample: []}\n";
  EXPECT_EQ(problems(empty),
            "bad.yaml:" + where(empty, "[]") + ": 'sample' must be a non-empty list of measured times");
  const std::string rnd = kBase + "randomness: maybe\n";
  EXPECT_EQ(problems(rnd), "bad.yaml:" + where(rnd, "maybe") + ": 'randomness' must be on or off");
}
// Where a name or a key is a list or a map, the parser says so at the spot; yaml-cpp's own exception
// ("bad conversion") never escapes.
TEST(ScenarioParser, ANameOrKeyThatIsAListOrMapIsATypedError) {
  const std::string dc_name = replace(kBase, "  - name: dc1\n", "  - name: [dc1, x]\n");
  // The data center has no name then, so the WAN link and the failure naming dc1 are reported too.
  EXPECT_NE(problems(dc_name).find("bad.yaml:" + where(dc_name, "[dc1") + ": 'name' must be a single value\n"),
            std::string::npos)
      << problems(dc_name);
  const std::string key = replace(kBase, "  deadline: 24h\n", "  deadline: 24h\n  [a, b]: 1\n");
  EXPECT_EQ(problems(key),
            "bad.yaml:" + where(key, "[a, b]") + ": a key in 'incident' must be a name, not a list or a map");
  const std::string log = kBase + "ct:\n  scts_required: 1\n  logs: [{name: {a: 1}, operator: x, rate: 1k/s}]\n";
  EXPECT_EQ(problems(log), "bad.yaml:" + where(log, "{a: 1}") + ": 'name' must be a single value");
  const std::string transfer = kBase + "transfers:\n  - {name: [t], from: dc1, to: dc2, size: 1TB}\n";
  EXPECT_EQ(problems(transfer), "bad.yaml:" + where(transfer, "[t]") + ": 'name' must be a single value");
  EXPECT_EQ(problems(kBase, {{"name", "[a, b]"}}), "--set name=[a, b]: 'name' must be a single value");
}

// A host number past any count is "no such host", not std::stoi's exception.
TEST(ScenarioParser, AnHsmNumberTooLongForAnIntIsNoSuchHost) {
  EXPECT_EQ(problems(kBase, {{"failures", "[{hsm: dc1/hsm-99999999999, at: 1h}]"}}),
            "--set failures=[{hsm: dc1/hsm-99999999999, at: 1h}]: data center 'dc1' has no host 'hsm-99999999999' "
            "(hosts: frontend, ca, sa, hsm-1..2, db-writer, db-replica-1..1)");
  EXPECT_EQ(problems(kBase, {{"failures.99999999999999999999.at", "1h"}}),
            "--set failures.99999999999999999999.at=1h: no element '99999999999999999999' in 'failures'");
}

// Fuzz findings (tests/fuzz/README.md), each with its exact message.

TEST(ScenarioParserFuzzFindings, TwoUnnamedDataCentersAreEachMissingANameNotDefinedTwice) {
  std::string text = replace(kBase, "  - name: dc1\n    fabric", "  - fabric");
  text = replace(text, "  - name: dc2\n    fabric", "  - fabric");
  const size_t second = text.find("fabric", text.find("fabric") + 1);
  const std::string got = problems(text);
  EXPECT_NE(got.find("bad.yaml:" + where(text, "fabric") + ": missing required key 'name' in 'data_centers.0'\n"),
            std::string::npos)
      << got;
  EXPECT_NE(got.find("bad.yaml:" + where(text.substr(0, second) + "@", "@") +
                     ": missing required key 'name' in 'data_centers.1'"),
            std::string::npos)
      << got;
  EXPECT_EQ(got.find("defined twice"), std::string::npos) << got;
  EXPECT_EQ(got.find("--set"), std::string::npos) << got;
}

TEST(ScenarioParserFuzzFindings, AMissingCatalogueIsReportedAtTheCatalogueValue) {
  const std::string text = "catalogue: no-such-catalogue.yaml\n" + kBase;
  EXPECT_EQ(problems(text), "bad.yaml:1:12: cannot read the hardware catalogue 'no-such-catalogue.yaml': no such file");
}

TEST(ScenarioParserFuzzFindings, ACatalogueThatIsADirectoryIsReportedAtTheCatalogueValue) {
  const std::string text = "catalogue: \"/\"\n" + kBase;  // quoted: the column is the text's, after the quote
  EXPECT_EQ(problems(text), "bad.yaml:1:13: cannot read the hardware catalogue '/': it is a directory");
}

}  // namespace
}  // namespace surge
