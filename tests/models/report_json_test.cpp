// The report's JSON (docs/OUTPUT.md) reads back as it was written, every part from its field table.
#include <gtest/gtest.h>

#include "models/analytic.hpp"
#include "models/report.hpp"
#include "models/scenario_parser.hpp"

namespace surge {
namespace {

Report answer(const std::string& name) {
  const Report r = analyze(load_scenario(std::string(SURGE_SOURCE_DIR) + "/scenarios/" + name + ".yaml"));
  EXPECT_TRUE(r.recommended_window.has_value()) << name;
  return r;
}

TEST(ReportJson, ClassesReadBackAsTheyWereWritten) {
  Report r = answer("client-classes-one-dc");
  ASSERT_GE(r.classes.size(), 2u);
  r.classes[0].rejected_requests = 12.5;  // as admission control would
  r.classes[0].rejected_certificates = 3;
  const nlohmann::json j = to_json(r, true);
  const Report back = report_from_json(j);
  EXPECT_EQ(to_json(back, true), j);
  ASSERT_EQ(back.classes.size(), r.classes.size());
  EXPECT_EQ(back.classes[0].rejected_requests, 12.5);
  EXPECT_EQ(back.classes[0].rejected_certificates, 3.0);
  EXPECT_FALSE(back.classes[1].rejected_requests.has_value());  // not written when unset
  EXPECT_FALSE(j["classes"][1].contains("rejected_requests"));
  EXPECT_EQ(back.classes[1].kind, r.classes[1].kind);
  EXPECT_EQ(back.classes[1].time_to_replace_s.p99, r.classes[1].time_to_replace_s.p99);
  EXPECT_EQ(back.classes[1].last_request_s, r.classes[1].last_request_s);
}

TEST(ReportJson, AWindowNotFoundKeepsItsReasonAndNullEnds) {
  const Report r = answer("client-classes-one-dc");  // 80% only by missing the deadline
  ASSERT_FALSE(r.recommended_window->end_s.has_value());
  ASSERT_FALSE(r.recommended_window->reason.empty());
  const nlohmann::json j = to_json(r);
  EXPECT_TRUE(j["recommended_window"]["end_s"].is_null());
  EXPECT_TRUE(j["recommended_window"]["completion_s"].is_null());
  const Report back = report_from_json(j);
  EXPECT_FALSE(back.recommended_window->end_s.has_value());
  EXPECT_EQ(back.recommended_window->reason, r.recommended_window->reason);
  EXPECT_EQ(to_json(back), j);
}

TEST(ReportJson, AWindowFoundHasANullReason) {
  const Report r = answer("le-2021-hardware-one-dc");
  ASSERT_TRUE(r.recommended_window->end_s.has_value());
  const nlohmann::json j = to_json(r);
  EXPECT_TRUE(j["recommended_window"]["reason"].is_null());
  const Report back = report_from_json(j);
  EXPECT_EQ(back.recommended_window->end_s, r.recommended_window->end_s);
  EXPECT_EQ(back.recommended_window->peak_utilisation, r.recommended_window->peak_utilisation);
  EXPECT_EQ(back.recommended_window->resource, r.recommended_window->resource);
  EXPECT_TRUE(back.recommended_window->reason.empty());
  EXPECT_EQ(to_json(back), j);
}

}  // namespace
}  // namespace surge
