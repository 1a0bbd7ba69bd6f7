#include "models/report_check.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace surge {
namespace {

// A report that keeps every invariant: deadline missed, blamed on the HSMs.
Report sound() {
  Report r;
  r.scenario = "t";
  r.certificates = 100;
  r.deadline_s = 10;
  r.deadline_met = false;
  r.bottleneck = {"hsm:dc1"};
  ResourceUse u;
  u.name = "hsm:dc1";
  r.resources.push_back(u);
  ClassOutcome c;
  c.name = "ari";
  c.certificates = 100;
  c.last_request_s = 5.0;
  r.classes.push_back(c);
  return r;
}

TEST(ReportInvariants, ASoundReportHasNone) {
  EXPECT_TRUE(report_violations(sound()).empty());
  EXPECT_NO_THROW(require_report_invariants(sound()));
}

TEST(ReportInvariants, NamesEveryFigureThatIsNotFinite) {
  Report r = sound();
  r.resources[0].saved_s = std::nan("");
  r.time_to_replace_s.p99 = std::numeric_limits<double>::infinity();
  r.classes[0].replaced_after_decision_s.p50 = std::nan("");
  EXPECT_EQ(report_violations(r),
            (std::vector<std::string>{"time_to_replace_s.p99 is infinite", "resources[hsm:dc1].saved_s_by_10pct is nan",
                                      "classes[ari].replaced_after_decision_s.p50 is nan"}));
  try {
    require_report_invariants(r);
    FAIL() << "no exception";
  } catch (const ReportInvariantError& e) {
    EXPECT_EQ(std::string(e.what()),
              "internal error: the simulated report of 't' breaks its invariants: time_to_replace_s.p99 is infinite; "
              "resources[hsm:dc1].saved_s_by_10pct is nan; classes[ari].replaced_after_decision_s.p50 is nan");
  }
}

TEST(ReportInvariants, PercentilesOverNothingAreNotFigures) {
  Report r = sound();
  r.time_to_replace_s.measured = false;
  r.time_to_replace_s.p50 = std::nan("");  // not a figure: not checked (and printed n/a)
  EXPECT_TRUE(report_violations(r).empty());
}

TEST(ReportInvariants, AMissedDeadlineNeedsABottleneckUnlessClientsAskLate) {
  Report r = sound();
  r.bottleneck.clear();
  EXPECT_EQ(report_violations(r),
            std::vector<std::string>{
                "the deadline is missed but no bottleneck is named and every class asks before the deadline"});
  r.classes[0].last_request_s = 10.0;  // the last client asks at the deadline: nothing the CA has binds
  EXPECT_TRUE(report_violations(r).empty());
  r.classes[0].last_request_s.reset();  // some ask only after the horizon
  EXPECT_TRUE(report_violations(r).empty());
  r.classes[0].last_request_s = 5.0;
  r.deadline_met = true;
  EXPECT_TRUE(report_violations(r).empty());
}

}  // namespace
}  // namespace surge
