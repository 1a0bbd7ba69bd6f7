// Incident transfers (backups, replica rebuilds, logs) are flows sharing links with issuance.
#include <gtest/gtest.h>

#include "tests/sim/sim_test_util.hpp"

namespace surge::test {
namespace {

TEST(Transfers, RunAtTheirPathsNarrowestLinkWhenAlone) {
  // Forensic logs leave dc1's front end an hour after discovery, before issuance starts: 5 TB through the
  // 25 Gbps NIC and the 10 Gbps WAN link to the cloud.
  const Report r = simulate(shipped("le-2021-hardware-one-dc"));
  const TransferOutcome* logs = nullptr;
  for (const TransferOutcome& t : r.transfers)
    if (t.name == "forensic-logs") logs = &t;
  ASSERT_NE(logs, nullptr);
  ASSERT_TRUE(logs->done_s.has_value());
  const double expected = 1 * kHour + 5e12 / (10e9 / 8);
  EXPECT_NEAR(*logs->done_s, expected, 0.005 * expected);
  for (const TransferOutcome& t : r.transfers) EXPECT_TRUE(t.done_s.has_value()) << t.name;
}

}  // namespace
}  // namespace surge::test
