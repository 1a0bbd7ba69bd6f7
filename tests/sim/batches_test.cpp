// The CA's levers: incident batches enabled in stages and the recommended window. Arrivals, completion and
// the window against closed forms computed here, on one HSM that nothing else slows down, randomness off.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "models/analytic.hpp"
#include "tests/command_result.hpp"
#include "tests/sim/sim_test_util.hpp"

namespace surge::test {
namespace {

constexpr double kDecision_s = kHour;
constexpr double kCertificates = 200000;
constexpr double kSignatures = 3;     // 2 per issuance + 1 per revocation
constexpr double kHsmRate = 25;       // signatures/s: the only resource that binds
constexpr double kRetryAfter_s = 60;  // ARI clients poll every minute: they renew as soon as the window allows
constexpr double kPipeSlack_s = 60;   // the last cohort's service, commits and network: well under a minute
constexpr double kAveraging_s = 600;  // the planner holds the busiest 10 minutes' rate under the target

// The busiest 10 minutes of ARI renewals uniform over a window [0, W] from the decision, as a multiple of
// N / W: the renewal is max(first poll, chosen), F(x) = min(1, x / RA) x / W, and F(t + A) - F(t) peaks at
// t = RA / 2 (half a poll after the decision), at (A + RA / 4) / W.
constexpr double kFirstPollExcess = 1 + kRetryAfter_s / (4 * kAveraging_s);

// ARI clients only, polling every minute without jitter; one HSM member; database and network effectively
// instantaneous. `extra` adds clients keys, `incident` incident keys.
std::string scenario_text(const std::string& extra = "", const std::string& incident = "  deadline: 24h\n") {
  return R"(schema: 1
name: levers
question: "q"
randomness: off
data_centers:
  - name: dc1
    fabric: 25g-fiber
    hsm: {model: luna-2021, count: 1, sessions: 1, signatures_per_s: 25/s}
    db: {model: db-2021, writer: true, replicas: 0, commits_per_s: 1G/s}
workload:
  certificates: 200k
  era: seed-2021
  signatures_per_issuance: 2
  signatures_per_revocation: 1
  cohort_size: 20
  rpc_bytes: {acme: 0B, wfe_ra: 0B, ra_ca: 0B, ca_sa: 0B}
clients:
  ari_share: 1.0
  retry_after: 1min
  retry_after_jitter: 0%
)" + extra +
         "incident:\n  decision_delay: 1h\n  horizon: 48h\n" + incident;
}

TEST(RecommendedWindow, SpreadsUniformAriRenewalsToTheTargetOnTheHsm) {
  // Renewals uniform over [0, W] after the decision: N / W certificates/s, N x signatures / W signatures/s
  // on the HSM, with the first poll's excess; the target U is met from
  // W = N x signatures x excess / (U x capacity). (A 48 h horizon puts the planner's grid on 30 s.)
  for (double target : {0.8, 0.5}) {
    const Scenario s = parse_scenario(scenario_text(), "w.yaml");
    AnalyticOptions options;
    options.target_utilisation = target;
    const Report r = analyze(s, options);
    ASSERT_TRUE(r.recommended_window.has_value());
    const RecommendedWindow& w = *r.recommended_window;
    const double expected = kCertificates * kSignatures * kFirstPollExcess / (target * kHsmRate);
    ASSERT_TRUE(w.end_s.has_value()) << w.reason;
    // The planner's bisection: 14 steps over [0, deadline - decision]; its grid is exact here.
    const double tolerance = (24 - 1) * kHour / (1 << 14);
    EXPECT_NEAR(*w.end_s, expected, tolerance) << target;
    EXPECT_GE(*w.end_s, expected - 1e-6);                                    // the target is met
    EXPECT_NEAR(w.peak_utilisation, target, target * tolerance / expected);  // within one step of it
    EXPECT_EQ(w.resource, "hsm:dc1");
    EXPECT_EQ(w.target_utilisation, target);
    // The last request at decision + W, served with a minute's slack (below saturation, no backlog).
    ASSERT_TRUE(w.completion_s.has_value());
    EXPECT_NEAR(*w.completion_s, kDecision_s + expected, kPipeSlack_s + 60);
  }
}

TEST(RecommendedWindow, TheSimulatorMeetsTheDeadlineAtTheRecommendedWindow) {
  const Scenario s = parse_scenario(scenario_text(), "w.yaml");
  const Report planned = analyze(s);
  ASSERT_TRUE(planned.recommended_window && planned.recommended_window->end_s);
  const double end_s = *planned.recommended_window->end_s;
  Scenario spread = s;
  spread.clients.window_end_s = end_s;
  const Report r = simulate(spread);
  EXPECT_TRUE(r.deadline_met);
  ASSERT_TRUE(r.completion_time_s.has_value());
  EXPECT_NEAR(*r.completion_time_s, kDecision_s + end_s, kPipeSlack_s + 60);
  // At 80% no queue builds: a request waits for at most a few cohorts' service.
  EXPECT_LT(r.time_to_replace_s.p99, kPipeSlack_s);
}

TEST(RecommendedWindow, NoneWhenEvenTheWidestWindowStaysAboveTheTarget) {
  // 7 h from the decision to the deadline: spread over all of it, the HSM still runs at
  // N x signatures x excess / (7 h x capacity) = 97.6%, above 80%.
  const Scenario s = parse_scenario(scenario_text("", "  deadline: 8h\n"), "w.yaml");
  const Report r = analyze(s);
  ASSERT_TRUE(r.recommended_window.has_value());
  const RecommendedWindow& w = *r.recommended_window;
  EXPECT_FALSE(w.end_s.has_value());
  EXPECT_NEAR(w.peak_utilisation, kCertificates * kSignatures * kFirstPollExcess / (7 * kHour * kHsmRate), 1e-4);
  EXPECT_EQ(w.resource, "hsm:dc1");
  EXPECT_EQ(w.reason,
            "even spread over 7.00 h (all the time to the deadline), hsm:dc1 peaks at 98%, above the 80% target");
  EXPECT_NE(render_text(r).find("none keeps every resource under 80.0% and meets the deadline: even spread"),
            std::string::npos);
}

TEST(RecommendedWindow, NoneWhenTheWindowThatMeetsTheTargetMissesTheDeadline) {
  // Two halves, the second enabled 20 h after the decision: each half alone needs
  // W = N / 2 x signatures x excess / (U x capacity) = 4.27 h for 80%, and the second half's window then
  // ends at 1 h + 20 h + 4.27 h = 25.27 h, after the 24 h deadline.
  const Scenario s = parse_scenario(
      scenario_text("", "  deadline: 24h\n  batches:\n    - {share: 50%, at: 0h}\n    - {share: 50%, at: 20h}\n"),
      "w.yaml");
  const Report r = analyze(s);
  ASSERT_TRUE(r.recommended_window.has_value());
  const RecommendedWindow& w = *r.recommended_window;
  EXPECT_FALSE(w.end_s.has_value());
  const double needed = kCertificates / 2 * kSignatures * kFirstPollExcess / (0.8 * kHsmRate);
  EXPECT_NEAR(needed / kHour, 4.27, 0.005);
  EXPECT_EQ(
      w.reason.rfind("spreading over 4.27 h keeps hsm:dc1 at 80% but misses the deadline (last replacement at ", 0), 0u)
      << w.reason;
  ASSERT_TRUE(w.completion_s.has_value());
  EXPECT_GT(*w.completion_s, kDecision_s + 20 * kHour + needed);
}

TEST(IncidentBatches, StagedBatchesEndOneRetryAfterAfterTheLastEnablingInBothModels) {
  // Four batches every 3 h, window open, Retry-After 1 min: the last batch asks over [9 h, 9 h + 1 min]
  // after the decision. Capacity is ample (each batch's 50,000 certificates x 3 signatures in one minute
  // would need 2,500/s: raise the HSM so that it does not bind).
  std::string text = scenario_text("", "  deadline: 24h\n  batches: {count: 4, every: 3h}\n");
  text.replace(text.find("25/s"), 4, "100k/s");
  const Scenario s = parse_scenario(text, "b.yaml");
  const double last_request = kDecision_s + 9 * kHour + kRetryAfter_s;
  const Report sim = simulate(s), fluid = analyze(s);
  for (const Report* r : {&sim, &fluid}) {
    ASSERT_TRUE(r->completion_time_s.has_value()) << r->mode;
    EXPECT_NEAR(*r->completion_time_s, last_request, kPipeSlack_s) << r->mode;
    EXPECT_TRUE(r->deadline_met) << r->mode;
  }
  // The second batch replaces nothing before it is enabled: a quarter of the certificates ask by 3 h.
  ASSERT_FALSE(sim.series.empty());
  size_t replaced_col = 0;
  for (size_t c = 0; c < sim.series_columns.size(); ++c)
    if (sim.series_columns[c] == "replaced") replaced_col = c;
  ASSERT_GT(replaced_col, 0u);
  for (const std::vector<double>& row : sim.series) {
    if (row[0] > kDecision_s + kRetryAfter_s + kPipeSlack_s && row[0] < kDecision_s + 3 * kHour) {
      ASSERT_NEAR(row[replaced_col], kCertificates / 4, 1e-9) << row[0];
    }
  }
}

TEST(RecommendedWindow, RunAndAnalyzePrintTheSameWindowInTextAndJson) {
  const std::string cli = std::string(SURGE_CLI) + " ";
  const std::string file =
      std::string(SURGE_SOURCE_DIR) + "/scenarios/staged-batches.yaml --set workload.certificates=2M";
  const surge::testing::CommandResult run = surge::testing::run_command(cli + "run " + file + " --quiet --json");
  const surge::testing::CommandResult analyzed = surge::testing::run_command(cli + "analyze " + file + " --json");
  ASSERT_EQ(run.code, 0) << run.err;
  ASSERT_EQ(analyzed.code, 0) << analyzed.err;
  const nlohmann::json a = nlohmann::json::parse(run.out)["recommended_window"];
  const nlohmann::json b = nlohmann::json::parse(analyzed.out)["recommended_window"];
  ASSERT_TRUE(a.is_object());
  EXPECT_EQ(a, b);
  EXPECT_EQ(a["target_utilisation"], 0.8);
  EXPECT_TRUE(a["end_s"].is_number());  // 2M certificates: the window already open is under 80%
  EXPECT_EQ(a["end_s"].get<double>(), 0.0);
  for (const std::string& command : {"run " + file + " --quiet", "analyze " + file + " --target-utilisation 0.5"}) {
    const surge::testing::CommandResult text = surge::testing::run_command(cli + command);
    EXPECT_NE(text.out.find("\nwindow     recommended: the window already open (renew at the next poll): hsm:dc1 "),
              std::string::npos)
        << text.out;
  }
}

TEST(RecommendedWindow, TargetUtilisationOutsideZeroToOneIsBadInput) {
  const std::string file = std::string(SURGE_SOURCE_DIR) + "/scenarios/le-2021-hardware-one-dc.yaml";
  for (const std::string command : {"analyze", "run"}) {
    const surge::testing::CommandResult r =
        surge::testing::run_command(std::string(SURGE_CLI) + " " + command + " " + file + " --target-utilisation 1.5");
    EXPECT_EQ(r.code, 2) << command;
    EXPECT_EQ(r.err, "surge: --target-utilisation 1.5: must be more than 0 and at most 1 (a fraction of capacity)\n");
  }
  const surge::testing::CommandResult zero =
      surge::testing::run_command(std::string(SURGE_CLI) + " analyze " + file + " --target-utilisation 0");
  EXPECT_EQ(zero.code, 2);
}

}  // namespace
}  // namespace surge::test
