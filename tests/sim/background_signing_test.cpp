// Background signing: OCSP re-signing of unexpired responses (OCSP eras) and CRL generation (era crl),
// in the simulator and the analytic planner, against the arithmetic computed here.
#include <gtest/gtest.h>

#include <cmath>

#include "models/analytic.hpp"
#include "models/units.hpp"
#include "models/workload.hpp"
#include "tests/sim/sim_test_util.hpp"

namespace surge::test {
namespace {

constexpr double kCertificates = 40e6;  // long enough for the planner's 30 s grid to be within 1%
constexpr double kDay_s = 86400;
constexpr double kBatch_s = 60;  // ocsp-updater's batch, and the controller's look: the run ends on it

// The 2021 hardware in one data center (an HSM pair of 20,000 signatures/s; the writer's 100,000
// commits/s is faster than the pair for every era), every client asking within a minute of the decision
// at t = 0: an HSM-bound backlog, randomness off.
std::vector<Override> backlog(const std::string& era) {
  return {
      {"randomness", "off"},
      {"workload.certificates", "40M"},
      {"workload.era", era},
      {"workload.cohort_size", "1000"},
      {"clients.retry_after", "1min"},
      {"incident.decision_delay", "0h"},
      {"incident.deadline", "6h"},
      {"incident.horizon", "12h"},
      {"transfers", "[]"},
      {"failures", "[{data_center: dc2, at: 0h}]"},
  };
}

double pair_capacity(const Scenario& s) {
  return s.data_centers[0].hsm_count * s.data_centers[0].hsm.signatures_per_s;
}

TEST(BackgroundSigning, OcspResigningTakesItsRateOffTheHsmsForIssuance) {
  std::vector<Override> o = backlog("seed-2021");
  o.push_back({"workload.active_certificates", "400M"});
  o.push_back({"workload.ocsp_resign_period", "3d"});
  const Scenario s = shipped("le-2021-hardware-one-dc", o);
  const double rate = 400e6 / (3 * kDay_s);  // 1,543 signatures/s
  const double per_certificate = 3;          // seed-2021: certificate, its OCSP, the revocation's OCSP
  const double expected = kCertificates * per_certificate / (pair_capacity(s) - rate);
  // Without re-signing it would be 6,000 s: 8% earlier, far outside the tolerance.
  ASSERT_LT(kCertificates * per_certificate / pair_capacity(s), 0.95 * expected);

  const Report sim = simulate(s);
  ASSERT_TRUE(sim.completion_time_s);
  EXPECT_NEAR(*sim.completion_time_s, expected, 0.01 * expected);
  ASSERT_TRUE(sim.ocsp_resign_signatures);
  ASSERT_TRUE(sim.revocation_complete_s);
  // The run ends at the controller's first look after the last revocation; by then every batch handed
  // over but the last is signed.
  const double run_s = std::ceil(*sim.revocation_complete_s / kBatch_s) * kBatch_s;
  EXPECT_NEAR(*sim.ocsp_resign_signatures, rate * run_s, rate * kBatch_s);
  EXPECT_FALSE(sim.crl_signatures);
  // Background signatures are HSM work, but not certificate work: the HSMs still bind.
  ASSERT_EQ(sim.bottleneck.size(), 1u);
  EXPECT_EQ(sim.bottleneck[0], "hsm:dc1");

  const Report an = analyze(s);
  ASSERT_TRUE(an.completion_time_s);
  EXPECT_NEAR(*an.completion_time_s, expected, 0.01 * expected);
  ASSERT_TRUE(an.ocsp_resign_signatures);
  ASSERT_TRUE(an.revocation_complete_s);
  EXPECT_NEAR(*an.ocsp_resign_signatures, rate * *an.revocation_complete_s, rate * kBatch_s);
  EXPECT_EQ(an.bottleneck, sim.bottleneck);
}

// Era crl (2 signatures per replacement, none per revocation), CRLs generated every 2 h: each
// generation reads the revoked rows (200 B each) from a replica over the fabric, signs 128 shards and
// uploads 40 B per revocation to the cloud over the dc1 -> cloud link.
struct CrlRun {
  Scenario s;
  double period_s = 2 * 3600;  // after the last revocation (~4,000 s): one generation with rows
  double read_s = 0;           // the last generation's read: two NICs' latency + bytes / NIC bandwidth
  double upload_s = 0;         // its upload: the CA's NIC and the WAN link, bytes / the narrower
};

CrlRun crl_run(const std::string& cloud_bandwidth) {
  std::vector<Override> o = backlog("crl");
  o.push_back({"workload.crl_period", "2h"});
  o.push_back({"workload.crl_shards", "128"});
  o.push_back({"wan", "[{from: dc1, to: dc2, bandwidth: 10Gbps, latency: 15ms}, {from: dc1, to: cloud, bandwidth: " +
                          cloud_bandwidth + ", latency: 10ms}]"});
  CrlRun r{shipped("le-2021-hardware-one-dc", o)};
  const FabricSpec& fabric = r.s.data_centers[0].fabric;
  const WanLink& wan = r.s.wan[1];
  constexpr double kRowBytes = 200, kEntryBytes = 40;
  r.read_s = 2 * fabric.latency_s + kCertificates * kRowBytes / fabric.bandwidth_Bps;
  r.upload_s = fabric.latency_s + wan.latency_s +
               kCertificates * kEntryBytes / std::min(fabric.bandwidth_Bps, wan.bandwidth_Bps);
  return r;
}

TEST(BackgroundSigning, CrlGenerationsPublishTheRevocationsAtTheFirstGenerationAfterTheLast) {
  const CrlRun c = crl_run("10Gbps");
  const Report sim = simulate(c.s);
  ASSERT_TRUE(sim.revocation_complete_s);
  ASSERT_TRUE(sim.revocations_published_s);
  const double generation = std::ceil(*sim.revocation_complete_s / c.period_s) * c.period_s;
  ASSERT_GT(generation, 0);
  // Read, sign (128 signatures on one member: 13 ms) and upload.
  const double expected = generation + c.read_s + c.upload_s;
  EXPECT_NEAR(*sim.revocations_published_s, expected, 0.05);
  // Generations at 0, P, ..., the publishing one: the run ends at the controller's next look.
  const double generations = generation / c.period_s + 1;
  EXPECT_DOUBLE_EQ(*sim.crl_signatures, issuer_count(c.s) * 128 * generations);
  // Generations at 0 (no revoked rows yet) and the publishing one (every row): the bytes are one full CRL.
  ASSERT_EQ(generations, 2);
  EXPECT_DOUBLE_EQ(*sim.crl_bytes_uploaded, kCertificates * 40);
  EXPECT_FALSE(sim.ocsp_resign_signatures);
  const std::string text = render_text(sim);  // the report came back through its JSON: the fields survive
  EXPECT_NE(text.find("Revocations published in CRLs: " + format_duration(*sim.revocations_published_s) +
                      " (last revocation " + format_duration(*sim.revocation_complete_s) + ", CRL period 2.00 h)"),
            std::string::npos)
      << text;

  // The planner: the same generation time and path arithmetic (its signing takes the pair, 6 ms).
  const Report an = analyze(c.s);
  ASSERT_TRUE(an.revocations_published_s);
  EXPECT_NEAR(*an.revocations_published_s, expected, 0.05);
  EXPECT_DOUBLE_EQ(*an.crl_signatures, *sim.crl_signatures);
  EXPECT_DOUBLE_EQ(*an.crl_bytes_uploaded, *sim.crl_bytes_uploaded);
  EXPECT_NE(render_comparison(sim, an).find("revocations published"), std::string::npos);
}

TEST(BackgroundSigning, ASlowCloudLinkDelaysPublicationByBytesOverBandwidth) {
  const CrlRun fast = crl_run("10Gbps"), slow = crl_run("10Mbps");
  const Report a = simulate(fast.s), b = simulate(slow.s);
  ASSERT_TRUE(a.revocations_published_s);
  ASSERT_TRUE(b.revocations_published_s);
  EXPECT_EQ(a.revocation_complete_s, b.revocation_complete_s);  // the upload is off the certificates' path
  const double delay = slow.upload_s - fast.upload_s;           // 1.6 GB at 1.25 MB/s instead of 1.25 GB/s
  ASSERT_GT(delay, 600);
  EXPECT_NEAR(*b.revocations_published_s - *a.revocations_published_s, delay, 0.05);

  const Report an = analyze(slow.s);
  ASSERT_TRUE(an.revocations_published_s);
  EXPECT_NEAR(*an.revocations_published_s, *b.revocations_published_s, 0.05);
}

TEST(BackgroundSigning, OffByDefaultAndAZeroPeriodChangesNothing) {
  std::vector<Override> o = backlog("seed-2021");
  const Scenario absent = shipped("le-2021-hardware-one-dc", o);
  o.push_back({"workload.active_certificates", "400M"});
  o.push_back({"workload.ocsp_resign_period", "0s"});
  const Scenario zero = shipped("le-2021-hardware-one-dc", o);
  EXPECT_EQ(absent.workload.ocsp_resign_period_s, 0);
  auto json = [](Report r) {
    r.wall_s = 0;
    return to_json(r, true);
  };
  const Report a = simulate(absent), b = simulate(zero);
  EXPECT_EQ(json(a), json(b));
  EXPECT_FALSE(json(a).contains("ocsp_resign_signatures"));
  EXPECT_FALSE(json(a).contains("crl_signatures"));
  EXPECT_EQ(json(analyze(absent)).dump(), json(analyze(zero)).dump());
}

}  // namespace
}  // namespace surge::test
