// The text report reads its figures in scaled units (models/format_units.hpp); the JSON stays SI. A report
// is built here by hand, so each expected string follows from the figures put in.
#include <gtest/gtest.h>

#include <limits>

#include "models/report.hpp"

namespace surge {
namespace {

constexpr double kHour_s = 3600;

Report queue_report() {
  Report r;
  r.scenario = "queue";
  r.mode = "analytic";
  r.wall_s = 0.0123;
  r.certificates = 1e6;
  r.decision_s = 4 * kHour_s;
  r.deadline_s = 24 * kHour_s;
  r.horizon_s = 48 * kHour_s;
  r.max_sustainable_rate_per_s = 6944.44;  // 600M signatures / 86,400 s
  ResourceUse hsm;
  hsm.name = "hsm:dc1";
  hsm.kind = "hsm";
  hsm.unit = "signatures/s";
  hsm.capacity = 2000;
  hsm.mean_utilisation = 0.9;
  hsm.peak_utilisation = 0.9;
  hsm.mean_wait_s = 81.0 / 19 * 1e-3;  // M/M/2 at 90% load, 1 ms service: Erlang C, 4.263 ms
  hsm.saved_s = 1.5 * kHour_s;
  hsm.demand_per_certificate = 3;
  hsm.needed_capacity = 20000;
  ResourceUse link;
  link.name = "link:wan/dc1-cloud";
  link.kind = "link";
  link.unit = "bytes/s";
  link.capacity = 10e9 / 8;  // 10 Gbps
  link.work = 1;
  link.saved_s = 0;
  link.demand_per_certificate = 2000;
  link.needed_capacity = 25e9 / 8;
  r.resources = {hsm, link};
  r.transfers = {TransferOutcome{"backup", 2.3e12, 90, std::nullopt}};
  r.crl_signatures = 128;
  r.crl_bytes_uploaded = 4.5e6;
  r.crl_period_s = 2 * kHour_s;
  return r;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ReportText, AMillisecondWaitReadsInMilliseconds) {
  const std::string text = render_text(queue_report());
  EXPECT_TRUE(has(text, "2.00k signatures/s")) << text;
  // The HSM row: capacity, 90% mean and peak, busy, the wait, 1.5 h saved.
  EXPECT_TRUE(has(text, "  90.0%  90.0%   0.0%   4.26 ms    1.50 h\n")) << text;
  EXPECT_FALSE(has(text, "0.00 s")) << text;
  EXPECT_TRUE(has(text, "10.0 Gbps")) << text;
}

TEST(ReportText, RatesSizesAndTheAnalysisTimeAreScaled) {
  const std::string text = render_text(queue_report());
  EXPECT_TRUE(has(text, "scenario   queue (analytic, fluid model, 12.3 ms)\n")) << text;
  EXPECT_TRUE(has(text, "sustained  at most 6.94k replacements/s (the slowest resource)\n")) << text;
  EXPECT_TRUE(has(text, "  hsm:dc1: 20.0k signatures/s (has 2.00k signatures/s)\n")) << text;
  EXPECT_TRUE(has(text, "  link:wan/dc1-cloud: 25.0 Gbps (has 10.0 Gbps)\n")) << text;
  EXPECT_TRUE(has(text, "CRLs       128 shard signatures, 4.50 MB uploaded\n")) << text;
  EXPECT_TRUE(has(text, "transfer   backup: 2300 GB from 1.50 min, not done within the horizon\n")) << text;
}

TEST(ReportText, TheJsonStaysSi) {
  const nlohmann::json j = to_json(queue_report());
  EXPECT_DOUBLE_EQ(j["resources"][0]["mean_wait_s"].get<double>(), 81.0 / 19 * 1e-3);
  EXPECT_DOUBLE_EQ(j["resources"][1]["capacity"].get<double>(), 10e9 / 8);
  EXPECT_DOUBLE_EQ(j["crl_bytes_uploaded"].get<double>(), 4.5e6);
}

TEST(ReportText, ANotANumberSavingPrintsADash) {
  Report r = queue_report();
  r.resources[0].saved_s = std::numeric_limits<double>::quiet_NaN();
  const std::string text = render_text(r);
  EXPECT_FALSE(has(text, "nan")) << text;
  EXPECT_TRUE(has(text, "4.26 ms    -\n")) << text;
}

}  // namespace
}  // namespace surge
