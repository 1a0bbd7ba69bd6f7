// The scenario parser, section by section: clients and their classes, incident batches, admission, --set
// overrides, Certificate Transparency, the API and validation.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "models/scenario_parser.hpp"
#include "tests/models/scenario_text.hpp"

namespace surge {
namespace {

using namespace surge::testing;

// kBase with its clients written as classes.
std::string with_classes(const std::string& classes) {
  return replace(kBase, "  ari_share: 1.0\n", "  classes:\n" + classes);
}

TEST(ScenarioParser, ReadsClientClassesWithTheirKindsKeys) {
  const Scenario s = parse_scenario(
      with_classes(
          "    - {name: ari, kind: ari, share: 55%}\n"
          "    - {name: certbot, kind: cron, share: 30%, runs_per_day: 4, random_sleep: 10min}\n"
          "    - {name: mail, kind: email, share: 10%, response: {distribution: lognormal, mean: 2d, cv: 1}}\n"
          "    - {name: sampled, kind: email, share: 4%, response: {distribution: empirical, sample: [1h, 3h]}}\n"
          "    - {name: lost, kind: unreached, share: 1%}\n"),
      "ok.yaml");
  ASSERT_EQ(s.clients.classes.size(), 5u);
  EXPECT_EQ(s.clients.classes[0].kind, ClientKind::ARI);
  EXPECT_EQ(s.clients.classes[0].share, 0.55);
  EXPECT_EQ(s.clients.classes[1].kind, ClientKind::CRON);
  EXPECT_EQ(s.clients.classes[1].runs_per_day, 4);
  EXPECT_EQ(s.clients.classes[1].period_s(s.clients), 6 * 3600);  // also the retry after a failed run
  EXPECT_EQ(s.clients.classes[1].random_sleep_s, 600);
  EXPECT_EQ(s.clients.classes[2].kind, ClientKind::EMAIL);
  EXPECT_EQ(s.clients.classes[2].response_mean_s, 2 * 86400);
  EXPECT_EQ(s.clients.classes[2].response.kind, DistributionKind::LOGNORMAL);
  EXPECT_EQ(s.clients.classes[2].response.cv, 1);
  EXPECT_EQ(s.clients.classes[3].response_mean_s, 2 * 3600);  // an empirical sample's own mean
  EXPECT_EQ(s.clients.classes[3].response.sample, (std::vector<double>{0.5, 1.5}));
  EXPECT_EQ(s.clients.classes[4].kind, ClientKind::UNREACHED);
  EXPECT_EQ(s.clients.classes[4].name, "lost");
  // Cron defaults: certbot's two runs a day and 8 min sleep.
  const Scenario d = parse_scenario(with_classes("    - {name: c, kind: cron, share: 100%}\n"), "ok.yaml");
  EXPECT_EQ(d.clients.classes[0].runs_per_day, 2);
  EXPECT_EQ(d.clients.classes[0].random_sleep_s, 480);
}

TEST(ScenarioParser, IncidentBatchesAsAListOrEveryInterval) {
  const std::string listed = replace(kBase, "  deadline: 24h\n",
                                     "  deadline: 24h\n  batches:\n    - {share: 25%, at: 0h}\n"
                                     "    - {share: 0.75, at: 3h}\n");
  const Scenario s = parse_scenario(listed, "ok.yaml");
  ASSERT_EQ(s.incident.batches.size(), 2u);
  EXPECT_EQ(s.incident.batches[0].share, 0.25);
  EXPECT_EQ(s.incident.batches[1].share, 0.75);
  EXPECT_EQ(s.incident.batches[1].enabled_s, 3 * 3600);
  const Scenario every = parse_scenario(
      replace(kBase, "  deadline: 24h\n", "  deadline: 24h\n  batches: {count: 4, every: 3h}\n"), "ok.yaml");
  ASSERT_EQ(every.incident.batches.size(), 4u);
  for (size_t b = 0; b < 4; ++b) {
    EXPECT_EQ(every.incident.batches[b].share, 0.25);
    EXPECT_EQ(every.incident.batches[b].enabled_s, b * 3 * 3600.0);
  }
  EXPECT_TRUE(parse_scenario(kBase, "ok.yaml").incident.batches.empty());  // absent: one batch at the decision
}

TEST(ScenarioParser, IncidentBatchesAreCheckedEntryByEntry) {
  auto with = [](const std::string& batches) {
    return replace(kBase, "  deadline: 24h\n", "  deadline: 24h\n  batches:\n" + batches);
  };
  const std::string sum = with("    - {share: 25%, at: 0h}\n    - {share: 50%, at: 3h}\n");
  EXPECT_EQ(problems(sum), "bad.yaml:" + where(sum, "- {share: 25%") + ": batch shares sum to 75%, not 100%");
  const std::string order = with("    - {share: 50%, at: 3h}\n    - {share: 50%, at: 1h}\n");
  EXPECT_EQ(problems(order), "bad.yaml:" + where(order, "1h}") +
                                 ": batch 1 is enabled at 1.00 h, before batch 0 (3.00 h): batches are listed in "
                                 "enabling order");
  // The decision is at 4 h and the deadline at 24 h: a batch must be enabled less than 20 h after the decision.
  const std::string late = with("    - {share: 50%, at: 0h}\n    - {share: 50%, at: 20h}\n");
  EXPECT_EQ(problems(late), "bad.yaml:" + where(late, "20h}") +
                                ": batch enabled at 20.0 h, not before the deadline (20.0 h after the decision)");
  const std::string every = replace(kBase, "  deadline: 24h\n", "  deadline: 24h\n  batches: {count: 5, every: 5h}\n");
  EXPECT_EQ(problems(every), "bad.yaml:" + where(every, "5h}") +
                                 ": batch enabled at 20.0 h, not before the deadline (20.0 h after the decision)");
}

TEST(ScenarioParser, ClientClassSharesMustSumToOneHundredPercent) {
  const std::string text =
      with_classes("    - {name: a, kind: ari, share: 55%}\n    - {name: b, kind: unreached, share: 40%}\n");
  EXPECT_EQ(problems(text), "bad.yaml:" + where(text, "- {name: a") + ": class shares sum to 95%, not 100%");
  const std::string over =
      with_classes("    - {name: a, kind: ari, share: 0.6}\n    - {name: b, kind: unreached, share: 0.405}\n");
  EXPECT_EQ(problems(over), "bad.yaml:" + where(over, "- {name: a") + ": class shares sum to 100.5%, not 100%");
}

TEST(ScenarioParser, ClientClassNamesAreUniqueAndKindsKnown) {
  const std::string twice =
      with_classes("    - {name: a, kind: ari, share: 50%}\n    - {name: a, kind: unreached, share: 50%}\n");
  EXPECT_EQ(problems(twice), "bad.yaml:" + where(twice, "a, kind: unreached") + ": client class 'a' is defined twice");
  const std::string kind = with_classes("    - {name: a, kind: pigeon, share: 100%}\n");
  EXPECT_EQ(problems(kind),
            "bad.yaml:" + where(kind, "pigeon") + ": unknown kind 'pigeon'; expected ari, cron, email or unreached");
  // A key of another kind is unknown here.
  const std::string stray = with_classes("    - {name: a, kind: ari, share: 100%, runs_per_day: 2}\n");
  EXPECT_EQ(problems(stray),
            "bad.yaml:" + where(stray, "runs_per_day") + ": unknown key 'runs_per_day' in 'clients.classes.a'");
  const std::string no_response = with_classes("    - {name: m, kind: email, share: 100%}\n");
  EXPECT_EQ(problems(no_response),
            "bad.yaml:" + where(no_response, "{name: m") + ": missing required key 'response' in 'clients.classes.m'");
  const std::string no_mean =
      with_classes("    - {name: m, kind: email, share: 100%, response: {distribution: exponential}}\n");
  EXPECT_EQ(problems(no_mean), "bad.yaml:" + where(no_mean, "{distribution") +
                                   ": missing required key 'mean' in 'clients.classes.m.response'");
  const std::string runs = with_classes("    - {name: c, kind: cron, share: 100%, runs_per_day: 0}\n");
  EXPECT_EQ(problems(runs),
            "bad.yaml:" + where(runs, "0}") +
                ": 'clients.classes.c.runs_per_day' must be in (0, 2880], got '0' (at most every 30 seconds)");
  const std::string empty = replace(kBase, "  ari_share: 1.0\n", "  classes: []\n");
  EXPECT_EQ(problems(empty),
            "bad.yaml:" + where(empty, "[]") + ": 'classes' must be a non-empty list of client classes");
}

TEST(ScenarioParser, AdmissionNeedsAPositiveQueueAndARetryAfter) {
  const Scenario none = parse_scenario(kBase, "ok.yaml");
  EXPECT_FALSE(none.admission.enabled());
  const Scenario s = parse_scenario(kBase + "admission: {queue: 2M, retry_after: 30min}\n", "ok.yaml");
  EXPECT_TRUE(s.admission.enabled());
  EXPECT_EQ(s.admission.queue_certificates, 2e6);
  EXPECT_EQ(s.admission.retry_after_s, 1800);
  const std::string zero = kBase + "admission: {queue: 0, retry_after: 30min}\n";
  EXPECT_EQ(problems(zero), "bad.yaml:" + where(zero, "0, retry") + ": 'admission.queue' must be in [1, 1G], got '0'");
  const std::string negative = kBase + "admission: {queue: -5, retry_after: 30min}\n";
  EXPECT_EQ(problems(negative),
            "bad.yaml:" + where(negative, "-5") + ": 'admission.queue' must be in [1, 1G], got '-5'");
  const std::string no_retry = kBase + "admission: {queue: 2M}\n";
  EXPECT_EQ(problems(no_retry),
            "bad.yaml:" + where(no_retry, "{queue") + ": missing required key 'retry_after' in 'admission'");
  const std::string stray = kBase + "admission: {queue: 2M, retry_after: 30min, jitter: 0}\n";
  EXPECT_EQ(problems(stray), "bad.yaml:" + where(stray, "jitter") + ": unknown key 'jitter' in 'admission'");
}

TEST(ScenarioParser, AriShareAndClassesExcludeEachOther) {
  const std::string both =
      replace(kBase, "  ari_share: 1.0\n", "  ari_share: 1.0\n  classes:\n    - {name: a, kind: ari, share: 100%}\n");
  EXPECT_EQ(problems(both),
            "bad.yaml:" + where(both, "1.0") +
                ": 'ari_share' and 'classes' exclude each other: give the ARI clients a class with its share");
  const std::string listed = with_classes("    - {name: a, kind: ari, share: 100%}\n");
  EXPECT_EQ(problems(listed, {{"clients.ari_share", "0.5"}}),
            "--set clients.ari_share=0.5: 'ari_share' and 'classes' exclude each other: give the ARI clients a "
            "class with its share");
  // Without classes, ari_share is still required.
  EXPECT_EQ(problems(replace(kBase, "  ari_share: 1.0\n", "  retry_after: 6h\n")),
            "bad.yaml:" + where(kBase, "  ari_share", 2) + ": missing required key 'ari_share' in 'clients'");
}

TEST(ScenarioOverrides, SetAnyFieldByPathWithListElementsByName) {
  Scenario s = parse_scenario(kBase, "ok.yaml",
                              {{"incident.deadline", "20h"},
                               {"data_centers.dc1.hsm.count", "1"},
                               {"data_centers.dc2.hsm.signatures_per_s", "12k/s"},
                               {"failures.0.at", "2h"},
                               {"clients.window.end", "12h"}});
  EXPECT_EQ(s.incident.deadline_s, 20 * 3600);
  EXPECT_EQ(s.data_centers[0].hsm_count, 1);
  EXPECT_EQ(s.data_centers[1].hsm.signatures_per_s, 12000);
  EXPECT_EQ(s.failures[0].at_s, 2 * 3600);
  EXPECT_EQ(s.clients.window_end_s, 12 * 3600);
}

TEST(ScenarioOverrides, ValidatesOverridesLikeTheFileAndNamesThem) {
  EXPECT_EQ(problems(kBase, {{"incident.deadline", "3h"}}),
            "--set incident.deadline=3h: deadline (3h) is not after the decision (4h)");
  EXPECT_EQ(problems(kBase, {{"data_centers.dc1.hsm.count", "0"}}),
            "--set data_centers.dc1.hsm.count=0: 'data_centers.dc1.hsm.count' must be in [1, 64], got '0' (each one is "
            "a simulated host with its own actors)");
  EXPECT_EQ(problems(kBase, {{"incident.deadlien", "3h"}}),
            "--set incident.deadlien=3h: unknown key 'deadlien' in 'incident'");
  EXPECT_EQ(problems(kBase, {{"data_centers.dc7.hsm.count", "1"}}),
            "--set data_centers.dc7.hsm.count=1: no element 'dc7' in 'data_centers'");
  EXPECT_THROW(parse_override("no-equals-sign"), ScenarioError);
  const std::string with_transfer =
      replace(kBase, "wan:\n", "wan:\n  - {from: dc1, to: cloud, bandwidth: 10Gbps, latency: 10ms}\n") +
      "transfers:\n  - {name: backup, from: dc1/db-writer, to: cloud, size: 20TB}\n";
  EXPECT_EQ(problems(with_transfer, {{"transfers.backup.size", "0TB"}}),
            "--set transfers.backup.size=0TB: 'transfers.backup.size' must be in [1B, 1000TB], got '0TB'");
}

TEST(ScenarioOverrides, AListOrMapWrittenWholeInFlowStyleReplacesTheFilesValue) {
  // The workbench's outages and fabric edits travel this way, so the CLI reproduces any of its states.
  const Scenario none = parse_scenario(kBase, "ok.yaml", {{"failures", "[]"}});
  EXPECT_TRUE(none.failures.empty());
  const Scenario two =
      parse_scenario(kBase, "ok.yaml", {{"failures", "[{hsm: dc1/hsm-1, at: 90min}, {db_writer: lost, at: 2h}]"}});
  ASSERT_EQ(two.failures.size(), 2u);
  EXPECT_EQ(two.failures[0].kind, FailureKind::HSM);
  EXPECT_EQ(two.failures[0].at_s, 90 * 60);
  EXPECT_EQ(two.failures[1].kind, FailureKind::DB_WRITER);
  const Scenario slow =
      parse_scenario(kBase, "ok.yaml", {{"data_centers.dc1.fabric", "{model: 25g-fiber, bandwidth: 1Gbps}"}});
  EXPECT_EQ(slow.data_centers[0].fabric.bandwidth_Bps, 1e9 / 8);
  // Errors inside the value name the override that wrote it, not a line of the file.
  EXPECT_EQ(problems(kBase, {{"failures", "[{hsm: dc1/hsm-9, at: 1h}]"}}),
            "--set failures=[{hsm: dc1/hsm-9, at: 1h}]: data center 'dc1' has no host 'hsm-9' (hosts: frontend, ca, "
            "sa, hsm-1..2, db-writer, db-replica-1..1)");
  EXPECT_EQ(problems(kBase, {{"failures", "[{data_center: dc2, at: 1h"}})
                .rfind("--set failures=[{data_center: dc2, "
                       "at: 1h: YAML syntax in the value: ",
                       0),
            0u);
}

const std::string kCt = R"(ct:
  scts_required: 2
  logs:
    - {name: argon, operator: google, rate: 10k/s, latency: 300ms}
    - {name: oak, operator: letsencrypt, rate: 2k/s}
)";

TEST(ScenarioParserCt, ReadsLogsOperatorsAndOutagesInSiUnits) {
  const std::string text = replace(kBase + kCt, "{data_center: dc2, at: 0h}",
                                   "{ct_operator: google, at: 2h, until: 8h}\n  - {ct_log: oak, at: 1h}");
  const Scenario s = parse_scenario(text, "ok.yaml");
  EXPECT_EQ(s.ct.scts_required, 2);
  ASSERT_EQ(s.ct.logs.size(), 2u);
  EXPECT_EQ(s.ct.logs[0].name, "argon");
  EXPECT_EQ(s.ct.logs[0].operator_name, "google");
  EXPECT_EQ(s.ct.logs[0].rate_per_s, 10000);
  EXPECT_DOUBLE_EQ(s.ct.logs[0].latency_s, 0.3);
  EXPECT_EQ(s.ct.logs[1].latency_s, 0);
  ASSERT_EQ(s.failures.size(), 2u);
  EXPECT_EQ(s.failures[0].kind, FailureKind::CT_OPERATOR);
  EXPECT_EQ(s.failures[0].at_s, 2 * 3600);
  EXPECT_EQ(s.failures[0].until_s, 8 * 3600);
  EXPECT_EQ(s.failures[1].kind, FailureKind::CT_LOG);
  EXPECT_TRUE(std::isinf(s.failures[1].until_s));
  EXPECT_TRUE(parse_scenario(kBase, "ok.yaml").ct.logs.empty());  // without `ct`, nothing waits for SCTs
}

TEST(ScenarioParserCt, RejectsTooFewOperatorsDuplicateLogsAndNonPositiveRates) {
  const std::string one_op = replace(kBase + kCt, "operator: letsencrypt", "operator: google");
  EXPECT_EQ(problems(one_op), "bad.yaml:" + where(one_op, "scts_required") +
                                  ": needs SCTs from 2 different operators but the logs have 1 operator(s)");
  const std::string twice = replace(kBase + kCt, "name: oak", "name: argon");
  EXPECT_EQ(problems(twice),
            "bad.yaml:" + where(twice, "argon, operator: letsencrypt") + ": CT log 'argon' is listed twice");
  const std::string zero = replace(kBase + kCt, "rate: 2k/s", "rate: 0/s");
  EXPECT_EQ(problems(zero),
            "bad.yaml:" + where(zero, "0/s") +
                ": 'ct.logs.oak.rate' must be in [0.001/s, 1G/s], got '0/s' (a slower station never drains "
                "an incident; 1G/s is past any hardware)");
}

TEST(ScenarioParserCt, RejectsOutagesOfUnknownLogsAndUntilOnPermanentFailures) {
  const std::string log = replace(kBase + kCt, "{data_center: dc2, at: 0h}", "{ct_log: pine, at: 1h}");
  EXPECT_EQ(problems(log), "bad.yaml:" + where(log, "pine") + ": 'pine' is not a CT log (logs: argon, oak)");
  const std::string op = replace(kBase + kCt, "{data_center: dc2, at: 0h}", "{ct_operator: digicert, at: 1h}");
  EXPECT_EQ(problems(op), "bad.yaml:" + where(op, "digicert") +
                              ": 'digicert' is not a CT log operator (operators: google, letsencrypt)");
  const std::string none = replace(kBase, "{data_center: dc2, at: 0h}", "{ct_log: argon, at: 1h}");
  EXPECT_EQ(problems(none),
            "bad.yaml:" + where(none, "argon") + ": 'argon' is not a CT log (the scenario has no ct logs)");
  const std::string until = replace(kBase, "{data_center: dc2, at: 0h}", "{data_center: dc2, at: 0h, until: 2h}");
  EXPECT_EQ(problems(until), "bad.yaml:" + where(until, "2h}") +
                                 ": 'until' is only for ct_log and ct_operator failures: other failures are permanent");
  const std::string before = replace(kBase + kCt, "{data_center: dc2, at: 0h}", "{ct_log: oak, at: 2h, until: 1h}");
  EXPECT_EQ(problems(before), "bad.yaml:" + where(before, "1h}") + ": 'until' must be after 'at'");
}

// The API, ARI polling and validation (docs/MODEL.md "The API and validation").
TEST(ScenarioParserFrontend, AbsentKeysModelNoApiNoPollingNoValidation) {
  const Scenario s = parse_scenario(kBase, "ok.yaml");
  EXPECT_EQ(s.data_centers[0].api_requests_per_s, 0);
  EXPECT_EQ(s.clients.ari_polling_certificates, 0);
  EXPECT_FALSE(s.validation.enabled);
  EXPECT_EQ(s.workload.new_authz_share, 0);
  EXPECT_EQ(s.workload.api_requests_per_issuance, 6);
  EXPECT_EQ(s.data_centers[0].db.reads_per_s, 100e3);  // the catalogue's db-2021
}

TEST(ScenarioParserFrontend, ReadsApiPollingAndValidationInSiUnits) {
  std::string text = replace(kBase, "    db: {model: db-2021, writer: true, replicas: 1}\n",
                             "    db: {model: db-2021, writer: true, replicas: 1, reads_per_s: 40k/s}\n"
                             "    api: {requests_per_s: 20k/s}\n");
  text = replace(text, "  ari_share: 1.0\n", "  ari_share: 1.0\n  ari_polling: {certificates: 200M}\n");
  text += "validation: {reuse_period: 30d, validations_per_s: 2k/s, dns_latency: 50ms, http_latency: 300ms}\n";
  const Scenario s = parse_scenario(text, "ok.yaml");
  EXPECT_EQ(s.data_centers[0].api_requests_per_s, 20e3);
  EXPECT_EQ(s.data_centers[1].api_requests_per_s, 0);
  EXPECT_EQ(s.data_centers[0].db.reads_per_s, 40e3);
  EXPECT_EQ(s.clients.ari_polling_certificates, 200e6);
  EXPECT_DOUBLE_EQ(s.clients.ari_poll_rate_per_s(), 200e6 / (6 * 3600.0));  // ~9,259/s (DOMAIN.md: ~9,300)
  EXPECT_TRUE(s.validation.enabled);
  EXPECT_EQ(s.validation.reuse_period_s, 30 * 86400.0);
  EXPECT_EQ(s.validation.validations_per_s, 2e3);
  EXPECT_DOUBLE_EQ(s.validation.latency_s(), 0.35);
  // Reuse 30 days over a 60-day renewal span: half the certificates are older than the reuse period.
  EXPECT_DOUBLE_EQ(s.workload.new_authz_share, 1 - 30.0 / 60.0);
  const Scenario all = parse_scenario(text, "ok.yaml", {{"validation.revalidate_all", "true"}});
  EXPECT_EQ(all.workload.new_authz_share, 1.0);
  const Scenario beyond = parse_scenario(text, "ok.yaml", {{"validation.reuse_period", "90d"}});
  EXPECT_EQ(beyond.workload.new_authz_share, 0.0);
}

TEST(ScenarioParserFrontend, NewAuthzShareAndValidationExcludeEachOther) {
  const std::string both = replace(kBase, "  era: seed-2021\n", "  era: seed-2021\n  new_authz_share: 0.2\n") +
                           "validation: {validations_per_s: 2k/s}\n";
  EXPECT_EQ(problems(both), "bad.yaml:" + where(both, "0.2") +
                                ": 'new_authz_share' and 'validation' exclude each other: the validation section "
                                "sets the share (reuse_period, revalidate_all)");
}

TEST(ScenarioParserFrontend, RejectsANegativeLatencyAndAMissingVaRate) {
  const std::string negative = kBase + "validation: {validations_per_s: 2k/s, dns_latency: -50ms}\n";
  EXPECT_EQ(problems(negative),
            "bad.yaml:" + where(negative, "-50ms") + ": 'validation.dns_latency' must be in [0s, 60s], got '-50ms'");
  const std::string no_rate = kBase + "validation: {revalidate_all: true}\n";
  EXPECT_EQ(problems(no_rate), "bad.yaml:" + where(no_rate, "{revalidate_all") +
                                   ": missing required key 'validations_per_s' in 'validation'");
  const std::string zero_api = replace(kBase, "    db: {model: db-2021, replicas: 1}\n",
                                       "    db: {model: db-2021, replicas: 1}\n    api: {requests_per_s: 0/s}\n");
  EXPECT_EQ(problems(zero_api), "bad.yaml:" + where(zero_api, "0/s") +
                                    ": 'data_centers.dc2.api.requests_per_s' must be in [0.001/s, 1G/s], got '0/s' (a "
                                    "slower station never drains an incident; 1G/s is past any hardware)");
}

}  // namespace
}  // namespace surge
