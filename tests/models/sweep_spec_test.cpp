#include "models/sweep_spec.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "models/analytic.hpp"
#include "models/report.hpp"
#include "models/scenario_parser.hpp"

#include "tests/models/sweep_text.hpp"

namespace surge {
namespace {

using namespace surge::testing;

TEST_F(SweepFixture, SweepReadsTheFileWithItsDefaults) {
  const SweepSpec s = parse(kSweep);
  EXPECT_EQ(s.file, file());
  EXPECT_EQ(s.name, "t");
  EXPECT_EQ(s.base, (dir_ / "base.yaml").string());  // relative to the sweep file's folder
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.replications, 1);
  EXPECT_EQ(s.metrics, default_sweep_metrics());
  EXPECT_TRUE(s.set.empty());
  EXPECT_FALSE(s.search.has_value());
  ASSERT_EQ(s.parameters.size(), 2u);
  EXPECT_EQ(s.parameters[0].kind, ValuesKind::LIST);
  EXPECT_EQ(s.parameters[0].values, (std::vector<std::string>{"0h", "2h", "4h"}));
  EXPECT_EQ(s.parameters[0].loc.line, 7);
  EXPECT_EQ(s.parameters[1].kind, ValuesKind::RANGE);
  EXPECT_EQ(s.parameters[1].unit, "%");
  EXPECT_EQ(s.parameters[1].from, 20);
  EXPECT_EQ(s.parameters[1].step, 20);
  EXPECT_EQ(s.parameters[1].values, (std::vector<std::string>{"20%", "40%", "60%", "80%", "100%"}));
}

TEST(SweepMetrics, DefaultsAreTheSummaryFigures) {
  EXPECT_EQ(default_sweep_metrics(),
            (std::vector<std::string>{"deadline_met", "completion_time_s", "revocation_complete_s",
                                      "not_replaced_by_deadline", "revoked_before_replaced", "replaced_by_deadline",
                                      "signatures"}));
}

TEST_F(SweepFixture, SweepReadsSeedReplicationsSetAndMetrics) {
  const SweepSpec s = parse(replace(kSweep, "base: base.yaml\n",
                                    "base: base.yaml\nseed: 18446744073709551615\nreplications: 3\n"
                                    "set: {workload.certificates: 2M, incident.deadline: 20h}\n"
                                    "metrics: [completion_time_s, resources.hsm:dc1.mean_wait_s, "
                                    "time_to_replace_s.p99]\n"));
  EXPECT_EQ(s.seed, 18446744073709551615u);
  EXPECT_EQ(s.replications, 3);
  ASSERT_EQ(s.set.size(), 2u);
  EXPECT_EQ(s.set[0].path, "workload.certificates");
  EXPECT_EQ(s.set[0].value, "2M");
  EXPECT_EQ(s.set[1].path, "incident.deadline");
  EXPECT_EQ(s.metrics,
            (std::vector<std::string>{"completion_time_s", "resources.hsm:dc1.mean_wait_s", "time_to_replace_s.p99"}));
}

TEST(SweepFormat, PrintsTheShortestDecimalInTheUnit) {
  EXPECT_EQ(format_value(2.5, "h"), "2.5h");
  EXPECT_EQ(format_value(1000000, "/s"), "1000000/s");
  EXPECT_EQ(format_value(0.4, ""), "0.4");
  EXPECT_EQ(format_value(-0.0, "h"), "0h");
  EXPECT_EQ(format_value(0.1 + 0.2, ""), "0.30000000000000004");  // exact: rounding is the caller's choice
}

TEST_F(SweepFixture, SweepRangeLandsOnItsEndDespiteRounding) {
  const SweepSpec s =
      parse(with_parameters("parameters:\n  - {path: clients.ari_share, range: {from: 0.2, to: 1.0, step: 0.2}}\n"));
  EXPECT_EQ(s.parameters[0].values, (std::vector<std::string>{"0.2", "0.4", "0.6", "0.8", "1"}));
  EXPECT_EQ(s.parameters[0].unit, "");
}

TEST_F(SweepFixture, SweepRangeStopsAtTheLastStepBeforeItsEnd) {
  const SweepSpec s =
      parse(with_parameters("parameters:\n  - {path: incident.decision_delay, range: {from: 0h, to: 5h, step: 2h}}\n"));
  EXPECT_EQ(s.parameters[0].values, (std::vector<std::string>{"0h", "2h", "4h"}));
  const SweepSpec one =
      parse(with_parameters("parameters:\n  - {path: incident.decision_delay, range: {from: 3h, to: 3h, step: 1h}}\n"));
  EXPECT_EQ(one.parameters[0].values, (std::vector<std::string>{"3h"}));
}

TEST_F(SweepFixture, SweepReadsASearchWithItsCondition) {
  const std::string search = R"(search:
  path: data_centers.dc1.hsm.signatures_per_s
  from: 1000/s
  to: 30000/s
  condition: {metric: completion_time_s, at_most: "deadline - 20%"}
)";
  SweepSpec s = parse(replace(kSweep, kParameters, search));
  ASSERT_TRUE(s.search.has_value());
  EXPECT_EQ(s.search->path, "data_centers.dc1.hsm.signatures_per_s");
  EXPECT_EQ(s.search->from, 1000);
  EXPECT_EQ(s.search->to, 30000);
  EXPECT_EQ(s.search->unit, "/s");
  EXPECT_EQ(s.search->tolerance, 0.01);
  EXPECT_EQ(s.search->max_replications, 20);
  EXPECT_TRUE(s.search->condition.at_most);
  EXPECT_EQ(s.search->condition.threshold_text, "deadline - 20%");
  ASSERT_TRUE(s.search->condition.deadline_fraction.has_value());
  EXPECT_DOUBLE_EQ(*s.search->condition.deadline_fraction, 0.8);
  EXPECT_TRUE(s.parameters.empty());

  s = parse(replace(kSweep, kParameters,
                    replace(search, "at_most: \"deadline - 20%\"}",
                            "at_least: 20h}\n  tolerance: 0.5%\n"
                            "  max_replications: 5")));
  EXPECT_FALSE(s.search->condition.at_most);
  EXPECT_EQ(s.search->condition.threshold, 20 * 3600);
  EXPECT_FALSE(s.search->condition.deadline_fraction.has_value());
  EXPECT_EQ(s.search->tolerance, 0.005);
  EXPECT_EQ(s.search->max_replications, 5);

  s = parse(replace(kSweep, kParameters,
                    replace(search, "{metric: completion_time_s, at_most: \"deadline - 20%\"}",
                            "{metric: signatures, at_least: 2.5M}")));
  EXPECT_EQ(s.search->condition.threshold, 2.5e6);  // not a time: a plain number
  s = parse(replace(kSweep, kParameters, replace(search, "\"deadline - 20%\"", "deadline")));
  EXPECT_EQ(*s.search->condition.deadline_fraction, 1.0);
}

TEST_F(SweepFixture, SweepTakesAWholeMapInFlowStyleAsAValue) {
  const SweepSpec s = parse(with_parameters(R"(parameters:
  - path: data_centers.dc1.fabric
    values: ["{model: 25g-fiber, bandwidth: 1Gbps}", "{model: 25g-fiber, bandwidth: 10Gbps}"]
)"));
  EXPECT_EQ(s.parameters[0].values[0], "{model: 25g-fiber, bandwidth: 1Gbps}");
}

// ---- errors, to the letter ----------------------------------------------------------------------

TEST_F(SweepFixture, SweepReportsUnknownKeysAtTheKey) {
  std::string text = with_parameters("parameters:\n  - {path: incident.decision_delay, values: [0h], step: 2h}\n");
  EXPECT_EQ(problems(text), at(text, "step") + ": unknown key 'step' in 'parameters.0'");
  text = replace(kSweep, "base: base.yaml\n", "base: base.yaml\nreplication: 2\n");
  EXPECT_EQ(problems(text), at(text, "replication") + ": unknown key 'replication' in 'sweep'");
  text = with_parameters("parameters:\n  - {path: clients.ari_share, range: {from: 0.2, to: 1, stpe: 0.2}}\n");
  EXPECT_EQ(problems(text), at(text, "{from") + ": missing required key 'step' in 'parameters.0.range'\n" +
                                at(text, "stpe") + ": unknown key 'stpe' in 'parameters.0.range'");
}

TEST_F(SweepFixture, SweepRejectsBoundsInDifferentUnitsAtTheOffendingValue) {
  std::string text =
      with_parameters("parameters:\n  - {path: incident.decision_delay, range: {from: 0h, to: 12h, step: 30min}}\n");
  EXPECT_EQ(problems(text), at(text, "30min") + ": 'step' is in 'min' but 'from' is in 'h'; write them in one unit");
  text = with_parameters(
      "parameters:\n  - {path: clients.ari_share, samples: {from: 0.2, to: 90%}}\n"
      "sampling: {points: 4}\n");
  EXPECT_EQ(problems(text), at(text, "90%") + ": 'to' is in '%' but 'from' has no unit; write them in one unit");
}

TEST_F(SweepFixture, SweepRejectsAStepThatIsNotPositive) {
  std::string text =
      with_parameters("parameters:\n  - {path: incident.decision_delay, range: {from: 0h, to: 12h, step: 0h}}\n");
  EXPECT_EQ(problems(text), at(text, "0h}") + ": 'step' must be positive, got '0h'");
  text = with_parameters("parameters:\n  - {path: incident.decision_delay, range: {from: 0h, to: 12h, step: -2h}}\n");
  EXPECT_EQ(problems(text), at(text, "-2h") + ": 'step' must be positive, got '-2h'");
}

TEST_F(SweepFixture, SweepRejectsBoundsInTheWrongOrderAndNonNumbers) {
  std::string text =
      with_parameters("parameters:\n  - {path: incident.decision_delay, range: {from: 6h, to: 2h, step: 1h}}\n");
  EXPECT_EQ(problems(text), at(text, "2h") + ": 'to' must be at least 'from' (6h), got '2h'");
  text = with_parameters(
      "parameters:\n  - {path: clients.ari_share, samples: {from: 0.5, to: 0.5}}\n"
      "sampling: {points: 4}\n");
  EXPECT_EQ(problems(text), at(text, "0.5}") + ": 'to' must be greater than 'from' (0.5), got '0.5'");
  text = with_parameters("parameters:\n  - {path: incident.decision_delay, range: {from: soon, to: 2h, step: 1h}}\n");
  EXPECT_EQ(problems(text),
            at(text, "soon") + ": 'from' must be a number with an optional unit, such as 2h, 1000/s or 20%");
  text =
      with_parameters("parameters:\n  - {path: incident.decision_delay, range: {from: 0h, to: 1000h, step: 0.001h}}\n");
  EXPECT_EQ(problems(text), at(text, "0.001h") + ": 'step' 0.001h makes more than 10000 values from 0h to 1000h");
}

TEST_F(SweepFixture, SweepReportsAMissingBaseAtTheBaseValue) {
  const std::string text = replace(kSweep, "base: base.yaml", "base: nope.yaml");
  EXPECT_EQ(problems(text), at(text, "nope.yaml") + ": cannot read the base scenario 'nope.yaml' (" +
                                (dir_ / "nope.yaml").string() + ")");
}

TEST_F(SweepFixture, SweepReportsAMissingBaseKeyAtTheTopOnly) {
  const std::string text = replace(kSweep, "base: base.yaml\n", "");
  EXPECT_EQ(problems(text), at(text, "schema") + ": missing required key 'base' in 'sweep'");
}

TEST_F(SweepFixture, SweepChecksTheBaseEvenWhenTheSweepHasOtherProblems) {
  const std::string text = replace(replace(kSweep, "base: base.yaml", "base: nope.yaml"), "values: [0h, 2h, 4h]",
                                   "values: [0h, 2h, 4h], step: 1h");
  EXPECT_EQ(problems(text), at(text, "step") + ": unknown key 'step' in 'parameters.0'\n" + at(text, "nope.yaml") +
                                ": cannot read the base scenario 'nope.yaml' (" + (dir_ / "nope.yaml").string() + ")");
}

TEST_F(SweepFixture, SweepReportsABaseThatDoesNotLoadWithItsFirstProblem) {
  write("bad.yaml", replace(replace(kSweepBase, "  deadline: 24h\n", "  deadline: 24h\n  deadlien: 20h\n"), "count: 2",
                            "count: 0"));
  const std::string text = replace(kSweep, "base: base.yaml", "base: bad.yaml");
  EXPECT_EQ(problems(text), at(text, "bad.yaml") +
                                ": base scenario 'bad.yaml' does not load: " + (dir_ / "bad.yaml").string() +
                                ":7:36: 'data_centers.dc1.hsm.count' must be in [1, 64], got '0' (each one is a "
                                "simulated host with its own actors) (and 1 more problem)");
}

TEST_F(SweepFixture, SweepReportsAValueTheBaseRejectsAtThatValue) {
  std::string text = with_parameters("parameters:\n  - {path: incident.decision_delay, values: [0h, 2h, 25h]}\n");
  EXPECT_EQ(problems(text),
            at(text, "25h") + ": incident.decision_delay=25h: deadline (24h) is not after the decision (25h)");
  // A range's values are reported at the range; samples at the bound.
  text = with_parameters("parameters:\n  - {path: incident.decision_delay, range: {from: 20h, to: 30h, step: 5h}}\n");
  EXPECT_EQ(problems(text),
            at(text, "{from") + ": incident.decision_delay=25h: deadline (24h) is not after the decision (25h)\n" +
                at(text, "{from") + ": incident.decision_delay=30h: deadline (24h) is not after the decision (30h)");
  text = with_parameters(
      "parameters:\n  - {path: clients.ari_share, samples: {from: 0.5, to: 1.5}}\n"
      "sampling: {points: 4}\n");
  EXPECT_EQ(problems(text),
            at(text, "1.5") + ": clients.ari_share=1.5: 'clients.ari_share' must be in [0, 1], got '1.5'");
  text = with_parameters("parameters:\n  - {path: data_centers.dc7.hsm.count, values: [1]}\n");
  EXPECT_EQ(problems(text), at(text, "1]") + ": data_centers.dc7.hsm.count=1: no element 'dc7' in 'data_centers'");
}

TEST_F(SweepFixture, SweepReportsACombinationTheBaseRejectsNamingThePoint) {
  const std::string text = with_parameters(
      "parameters:\n  - {path: incident.decision_delay, values: [4h, 20h]}\n"
      "  - {path: incident.deadline, values: [24h, 12h]}\n");
  EXPECT_EQ(problems(text), at(text, "12h") +
                                ": incident.decision_delay=20h; incident.deadline=12h: deadline (12h) is not after "
                                "the decision (20h)");
}

TEST_F(SweepFixture, SweepListsTenFailingCombinationsAndCountsTheRest) {
  const std::string text = with_parameters(
      "parameters:\n  - {path: incident.decision_delay, range: {from: 13h, to: 23h, step: 1h}}\n"
      "  - {path: incident.deadline, values: [24h, 12h]}\n");
  try {
    parse(text);
    FAIL() << "expected a ScenarioError";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 11u);
    EXPECT_EQ(e.diagnostics()[0].headline(), at(text, "12h") +
                                                 ": incident.decision_delay=13h; incident.deadline=12h: deadline "
                                                 "(12h) is not after the decision (13h)");
    EXPECT_EQ(e.diagnostics()[10].headline(),
              at(text, "- {path: incident.decision_delay") + ": and 1 more point the base scenario rejects");
  }
}

TEST_F(SweepFixture, SweepReportsAFixedOverrideTheBaseRejectsAtItsValue) {
  const std::string text = replace(kSweep, "base: base.yaml\n", "base: base.yaml\nset: {workload.cohort_size: 0}\n");
  EXPECT_EQ(problems(text), at(text, "0}") +
                                ": workload.cohort_size=0: 'workload.cohort_size' must be in [1, 1G], got '0' (each "
                                "cohort is a simulated message; at most 2,000,000 travel)");
}

TEST_F(SweepFixture, SweepRendersAValueProblemWithACaretInsideTheQuotes) {
  const std::string text = with_parameters(
      "parameters:\n  - path: data_centers.dc1.fabric\n    values: [\"{model: 25g-fiber, bandwidth: 0Gbps}\"]\n");
  try {
    parse(text);
    FAIL() << "expected a ScenarioError";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].render(),
              at(text, "{model") +
                  ": data_centers.dc1.fabric={model: 25g-fiber, bandwidth: 0Gbps}: 'data_centers.dc1.fabric.bandwidth' "
                  "must be in [1Mbps, 10Tbps], got '0Gbps' (no network link of this kind is slower or faster)\n" +
                  "    values: [\"{model: 25g-fiber, bandwidth: 0Gbps}\"]\n" + std::string(14, ' ') + "^");
  }
}

TEST_F(SweepFixture, SweepParameterNamesExactlyOneKindOfValues) {
  std::string text = with_parameters(
      "parameters:\n  - {path: incident.decision_delay, values: [0h], range: {from: 0h, to: 2h, step: 1h}}\n");
  EXPECT_EQ(problems(text), at(text, "{path") + ": a parameter names exactly one of values, range, samples");
  text = with_parameters("parameters:\n  - {path: incident.decision_delay}\n");
  EXPECT_EQ(problems(text), at(text, "{path") + ": a parameter names exactly one of values, range, samples");
}

TEST_F(SweepFixture, SweepRejectsAParameterGivenTwice) {
  const std::string text = with_parameters(
      "parameters:\n  - {path: incident.decision_delay, values: [0h]}\n"
      "  - {path: incident.decision_delay, values: [2h]}\n");
  EXPECT_EQ(problems(text),
            at(text, "incident.decision_delay, values: [2h]") + ": parameter 'incident.decision_delay' is given twice");
}

TEST_F(SweepFixture, SweepSamplesNeedASamplingSectionAndItNeedsSamples) {
  std::string text = with_parameters("parameters:\n  - {path: clients.ari_share, samples: {from: 0.2, to: 1}}\n");
  EXPECT_EQ(problems(text), at(text, "{from") +
                                ": 'samples' needs a 'sampling' section, such as sampling: {method: "
                                "latin-hypercube, points: 20}");
  text = kSweep + "sampling: {method: random, points: 4}\n";
  EXPECT_EQ(problems(text), at(text, "{method") + ": 'sampling' is given but no parameter has 'samples'");
  text = with_parameters(
      "parameters:\n  - {path: clients.ari_share, samples: {from: 0.2, to: 1}}\n"
      "sampling: {method: sobol, points: 4}\n");
  EXPECT_EQ(problems(text),
            at(text, "sobol") + ": unknown sampling method 'sobol'; expected random or latin-hypercube");
}

// Every number at the top level of real reports' JSON (and each percentile's p50 and p99), from analytic
// answers that between them carry the CRL era's, CT's, admission control's and the OCSP era's figures.
std::set<std::string> figures_of_real_reports() {
  std::set<std::string> out;
  for (const std::string name : {"le-2021-hardware-one-dc", "le-2025-crl-era", "ct-log-outage", "client-classes-one-dc",
                                 "le-2021-ocsp-era-one-dc", "revalidation-one-dc"}) {
    AnalyticOptions fast;
    fast.recommend_window = false;
    const nlohmann::json j =
        to_json(analyze(load_scenario(std::string(SURGE_SOURCE_DIR) + "/scenarios/" + name + ".yaml"), fast));
    for (const auto& [key, value] : j.items()) {
      if (key == "seed" || key == "wall_s" || key == "activities") continue;  // the run's, not the answer's
      if (value.is_number() || value.is_boolean()) out.insert(key);
      if (value.is_object() && value.contains("p50")) out.insert({key + ".p50", key + ".p99"});
    }
  }
  return out;
}

// Whether docs/OUTPUT.md's JSON table has a row for the figure (for "x.p50", for x).
bool report_figure_documented(const std::string& figure) {
  std::ifstream doc(std::string(SURGE_SOURCE_DIR) + "/docs/OUTPUT.md");
  const std::string row = "| `" + figure.substr(0, figure.find('.')) + "` |";
  for (std::string line; std::getline(doc, line);)
    if (line.rfind(row, 0) == 0) return true;
  return false;
}

TEST_F(SweepFixture, EveryNumberAtTheTopOfAReportIsAMetricAndTheMessageListsThemAll) {
  const std::set<std::string> figures = figures_of_real_reports();
  ASSERT_TRUE(figures.count("crl_signatures") && figures.count("latest_decision_s"));
  std::string list;
  for (const std::string& f : figures) list += (list.empty() ? "" : ", ") + f;
  EXPECT_EQ(problems(replace(kSweep, "base: base.yaml\n", "base: base.yaml\nmetrics: [" + list + "]\n")), "");
  const std::string text =
      replace(kSweep, "base: base.yaml\n", "base: base.yaml\nmetrics: [deadline_met, completion_time]\n");
  const std::string message = problems(text);
  const std::string head =
      at(text, "completion_time]") + ": unknown metric 'completion_time'; a metric is a report figure (";
  const std::string tail =
      ") or resources.NAME.FIELD, utilisation.NAME.FIELD, transfers.NAME.FIELD, classes.NAME.FIELD";
  ASSERT_EQ(message.substr(0, head.size()), head);
  ASSERT_GE(message.size(), head.size() + tail.size());
  EXPECT_EQ(message.substr(message.size() - tail.size()), tail);
  std::set<std::string> listed;
  std::stringstream names(message.substr(head.size(), message.size() - head.size() - tail.size()));
  for (std::string name; std::getline(names >> std::ws, name, ',');) listed.insert(name);
  for (const std::string& f : figures) EXPECT_TRUE(listed.count(f)) << f << " is not in: " << message;
  for (const std::string& f : listed) EXPECT_TRUE(report_figure_documented(f)) << f;
  for (const std::string not_a_figure : {"scenario", "mode", "bottleneck", "seed", "wall_s", "surge_version"})
    EXPECT_FALSE(listed.count(not_a_figure)) << not_a_figure;
}

TEST_F(SweepFixture, SweepRejectsUnknownMetrics) {
  std::string text;
  text = replace(kSweep, "base: base.yaml\n", "base: base.yaml\nmetrics: [resources.hsm:dc1.mean_wiat_s]\n");
  EXPECT_EQ(problems(text),
            at(text, "resources") +
                ": unknown field 'mean_wiat_s' in metric 'resources.hsm:dc1.mean_wiat_s'; "
                "resources.NAME has: capacity, work, mean_utilisation, peak_utilisation, mean_busy, "
                "available, saved_s_by_10pct, fluid_completion_s, demand_per_certificate, "
                "needed_capacity, mean_wait_s, mean_sojourn_s, sojourn_p50_s, sojourn_p99_s, mean_in_system, "
                "throughput_per_s, jobs");
  text = replace(kSweep, "base: base.yaml\n", "base: base.yaml\nmetrics: [utilisation.mean]\n");
  EXPECT_EQ(problems(text),
            at(text, "utilisation") + ": metric 'utilisation.mean' needs a name and a field: utilisation.NAME.FIELD");
  text = replace(kSweep, "base: base.yaml\n", "base: base.yaml\nmetrics: [classes.ari.time_to_replace_s.p95]\n");
  EXPECT_EQ(problems(text), at(text, "classes") +
                                ": unknown field 'p95' in metric 'classes.ari.time_to_replace_s.p95'; classes.NAME "
                                "has: share, certificates, replaced_by_deadline, revoked_before_replaced, "
                                "time_to_replace_s.p50, time_to_replace_s.p99, replaced_after_decision_s.p50, "
                                "replaced_after_decision_s.p99, last_request_s, rejected_requests, "
                                "rejected_certificates");
}

TEST_F(SweepFixture, EachClassFigureIsAMetric) {
  const std::string metrics =
      "metrics: [classes.ari.revoked_before_replaced, classes.cron.time_to_replace_s.p99, "
      "classes.email.last_request_s, classes.ari.v2.share]\n";  // a class name may hold a dot
  EXPECT_EQ(problems(replace(kSweep, "base: base.yaml\n", "base: base.yaml\n" + metrics)), "");
}

TEST_F(SweepFixture, SweepRejectsABadSearchCondition) {
  const std::string search = R"(search:
  path: data_centers.dc1.hsm.signatures_per_s
  from: 1000/s
  to: 30000/s
  condition: {metric: completion_time_s, at_most: "deadline - 20%"}
)";
  auto with_condition = [&](const std::string& condition) {
    return replace(kSweep, kParameters,
                   replace(search, "{metric: completion_time_s, at_most: \"deadline - 20%\"}", condition));
  };
  std::string text = with_condition("{metric: completion_time_s, at_most: 20h, at_least: 10h}");
  EXPECT_EQ(problems(text), at(text, "{metric") + ": a condition names exactly one of at_most, at_least");
  text = with_condition("{metric: completion_time_s}");
  EXPECT_EQ(problems(text), at(text, "{metric") + ": a condition names exactly one of at_most, at_least");
  text = with_condition("{metric: completion_time, at_most: 20h}");
  EXPECT_EQ(problems(text).substr(0, problems(text).find(';')),
            at(text, "completion_time") + ": unknown metric 'completion_time'");
  text = with_condition("{metric: signatures, at_least: deadline}");
  EXPECT_EQ(problems(text), at(text, "deadline}") +
                                ": 'at_least' compares 'signatures' with the deadline, but only times (figures "
                                "ending in _s) can be");
  text = with_condition("{metric: completion_time_s, at_most: \"deadline - 120%\"}");
  EXPECT_EQ(problems(text), at(text, "deadline - 120%") +
                                ": 'at_most' must be 'deadline' or 'deadline - P%' with P from 0 to under 100, such "
                                "as deadline - 20%; got 'deadline - 120%'");
  text = with_condition("{metric: completion_time_s, at_most: 20}");
  EXPECT_EQ(problems(text),
            at(text, "20}", 2) +
                ": 'at_most': missing unit in '20'; expected a duration with a unit (us, ms, s, min, h, d, "
                "day), such as 6h or 90s");
  text = with_condition("{metric: completion_time_s, at_most: 20h, within: 1h}");
  EXPECT_EQ(problems(text), at(text, "within") + ": unknown key 'within' in 'search.condition'");
}

TEST_F(SweepFixture, SweepChecksBothSearchBoundsAgainstTheBase) {
  const std::string text = replace(kSweep, kParameters, R"(search:
  path: data_centers.dc1.hsm.signatures_per_s
  from: 0/s
  to: 30000/s
  condition: {metric: completion_time_s, at_most: 20h}
)");
  EXPECT_EQ(
      problems(text),
      at(text, "0/s") +
          ": data_centers.dc1.hsm.signatures_per_s=0/s: 'data_centers.dc1.hsm.signatures_per_s' must be in [0.001/s, "
          "1G/s], got '0/s' (a slower station never drains an incident; 1G/s is past any hardware)");
}

TEST_F(SweepFixture, SweepNeedsParametersOrASearch) {
  const std::string text = replace(kSweep, kParameters, "");
  EXPECT_EQ(problems(text), at(text, "schema") + ": a sweep needs 'parameters' or a 'search' (or both)");
}

TEST_F(SweepFixture, SweepReportsEveryProblemNotJustTheFirst) {
  const std::string text = replace(
      with_parameters("parameters:\n  - {path: incident.decision_delay, range: {from: 0h, to: 12h, step: 0h}}\n"),
      "schema: 1\n", "schema: 1\nreplications: 0\n");
  EXPECT_EQ(problems(text), at(text, "0\n") + ": 'replications' must be at least 1, got '0'\n" + at(text, "0h}") +
                                ": 'step' must be positive, got '0h'");
}

// ---- points -------------------------------------------------------------------------------------

}  // namespace
}  // namespace surge
