#include "models/broken_sites.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace surge {
namespace {

TEST(SiteBreaks, OnlyWhenRevokedBeforeItsReplacementExists) {
  EXPECT_TRUE(site_breaks(-1, 100));    // revoked, never replaced
  EXPECT_TRUE(site_breaks(200, 100));   // revoked, replaced later
  EXPECT_FALSE(site_breaks(100, 200));  // replaced, then revoked
  EXPECT_FALSE(site_breaks(100, -1));   // replaced, not revoked within the run
  EXPECT_FALSE(site_breaks(-1, -1));    // neither: not replaced, but no site broken yet
}

// A replaced curve on a 1 s grid: `at_start` replaced at t = 0, then `rate` more per second.
std::vector<double> rising(double at_start, double rate, double cap, int points) {
  std::vector<double> r;
  for (int i = 0; i < points; ++i) r.push_back(std::min(cap, at_start + rate * i));
  return r;
}

TEST(BrokenSites, ReplacementAndRevocationFrontsMeetAndTheRestBreak) {
  // 100 certificates, 40 replaced when bulk revocation starts at 0; it revokes the other 60 from the last
  // over 20 s (3/s) while replacement goes on at 2/s from the first. They meet when 40 + 2t = 100 - 3t,
  // t = 12 s: 64 replaced in time, 36 = 60 x 3 / (2 + 3) revoked before their replacement.
  BulkRevocation b{100, 0, 20, 100, 1, rising(40, 2, 100, 101)};
  EXPECT_NEAR(broken_sites(b), 36.0, 1e-9);
}

TEST(BrokenSites, AMeetingBetweenGridPointsIsResolvedToOneStepOfReplacements) {
  // The same, revoking over 24 s (2.5/s): 40 + 2t = 100 - 2.5t at t = 13.33 s, 66.67 replaced, 33.33
  // broken, to within the 2 certificates replaced per grid step.
  BulkRevocation b{100, 0, 24, 100, 1, rising(40, 2, 100, 101)};
  EXPECT_NEAR(broken_sites(b), 60.0 * 2.5 / 4.5, 2.0);
}

TEST(BrokenSites, ReplacementStalledUntilTheBulkEndsIsNotReadAsRisingBeforeIt) {
  // Replacement stops during the bulk (0 to 20.5 s), then 50/s: the front reaches the 40 replaced at
  // 20.5 s, before any of the rest is replaced: all 60 break (a curve rising from 20 s would say fewer).
  std::vector<double> r(101, 40.0);
  for (size_t i = 21; i < r.size(); ++i) r[i] = std::min(100.0, 40.0 + 50.0 * static_cast<double>(i - 20));
  BulkRevocation b{100, 0, 20.5, 100, 1, r};
  EXPECT_NEAR(broken_sites(b), 60.0, 1e-9);
}

TEST(BrokenSites, NoReplacementDuringTheBulkBreaksEveryRemainingSite) {
  // The OCSP era: revocation signatures take the HSMs, replacement stops: all 60 break.
  BulkRevocation b{100, 10, 30, 100, 1, rising(40, 0, 100, 101)};
  EXPECT_NEAR(broken_sites(b), 60.0, 1e-9);
}

TEST(BrokenSites, ARevocationThatNeverEndsBreaksOnlyWhatItRevoked) {
  // Nothing can revoke (end +inf): the front stays at the top, nothing is revoked, no site breaks.
  BulkRevocation never{100, 0, std::numeric_limits<double>::infinity(), 50, 1, rising(40, 0, 100, 51)};
  EXPECT_NEAR(broken_sites(never), 0.0, 1e-9);
  // Revoking 60 over 100 s but the run ends at 50 s with nothing more replaced: 30 revoked, all broken.
  BulkRevocation cut{100, 0, 100, 50, 1, rising(40, 0, 100, 51)};
  EXPECT_NEAR(broken_sites(cut), 30.0, 1e-9);
}

}  // namespace
}  // namespace surge
