// Sweep points: the grid, samples (Latin hypercube, random) and their combination, and the shipped sweeps.
#include "models/sweep_spec.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "tests/models/sweep_text.hpp"

namespace surge {
namespace {

using namespace surge::testing;

TEST_F(SweepFixture, SweepPointsAreTheGridWithTheFirstParameterSlowest) {
  const std::vector<SweepPoint> points = expand_points(parse(kSweep));
  ASSERT_EQ(points.size(), 3u * 5u);
  EXPECT_EQ(points[0].key(), "incident.decision_delay=0h;clients.ari_share=20%");
  EXPECT_EQ(points[1].key(), "incident.decision_delay=0h;clients.ari_share=40%");
  EXPECT_EQ(points[5].key(), "incident.decision_delay=2h;clients.ari_share=20%");
  EXPECT_EQ(points[14].key(), "incident.decision_delay=4h;clients.ari_share=100%");
  ASSERT_EQ(points[14].overrides.size(), 2u);
  EXPECT_EQ(points[14].overrides[1].path, "clients.ari_share");
  EXPECT_EQ(points[14].overrides[1].value, "100%");
  std::set<std::string> keys;
  for (const SweepPoint& p : points) keys.insert(p.key());
  EXPECT_EQ(keys.size(), points.size());
}

TEST_F(SweepFixture, SweepSearchAloneHasOnePointWithNoOverrides) {
  const SweepSpec s = parse(replace(kSweep, kParameters, R"(search:
  path: data_centers.dc1.hsm.signatures_per_s
  from: 1000/s
  to: 30000/s
  condition: {metric: completion_time_s, at_most: 20h}
)"));
  const std::vector<SweepPoint> points = expand_points(s);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].key(), "");
}

const std::string kLatinHypercube = R"(parameters:
  - {path: data_centers.dc1.hsm.signatures_per_s, samples: {from: 1000/s, to: 20000/s}}
  - {path: clients.ari_share, samples: {from: 0.2, to: 1}}
sampling: {method: latin-hypercube, points: 20, seed: 7}
)";

// The number in a sampled value ("1234.5/s" -> 1234.5).
double number_of(const std::string& value) {
  return std::stod(value);
}

TEST_F(SweepFixture, SweepLatinHypercubePutsOneValueInEachStratumOfEachParameter) {
  const SweepSpec s = parse(with_parameters(kLatinHypercube));
  EXPECT_EQ(s.sampling, SamplingKind::LATIN_HYPERCUBE);
  EXPECT_EQ(s.samples, 20);
  EXPECT_EQ(s.sampling_seed, 7u);
  const std::vector<SweepPoint> points = expand_points(s);
  ASSERT_EQ(points.size(), 20u);
  for (size_t k = 0; k < s.parameters.size(); ++k) {
    const SweepParameter& p = s.parameters[k];
    std::vector<int> per_stratum(20, 0);
    for (const SweepPoint& point : points) {
      ASSERT_EQ(point.overrides[k].path, p.path);
      const std::string& v = point.overrides[k].value;
      EXPECT_TRUE(p.unit.empty() || v.ends_with(p.unit)) << v;
      const double x = number_of(v);
      ASSERT_GE(x, p.from);
      ASSERT_LT(x, p.to);
      ++per_stratum[static_cast<size_t>((x - p.from) / (p.to - p.from) * 20)];
    }
    EXPECT_EQ(per_stratum, std::vector<int>(20, 1)) << p.path;
  }
}

TEST_F(SweepFixture, SweepSamplesAreReproducibleAndChangeWithTheSeed) {
  const std::vector<SweepPoint> a = expand_points(parse(with_parameters(kLatinHypercube)));
  const std::vector<SweepPoint> b = expand_points(parse(with_parameters(kLatinHypercube)));
  const std::vector<SweepPoint> c =
      expand_points(parse(with_parameters(replace(kLatinHypercube, "seed: 7", "seed: 8"))));
  ASSERT_EQ(a.size(), c.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].key(), b[i].key());
  size_t differ = 0;
  for (size_t i = 0; i < a.size(); ++i) differ += a[i].key() != c[i].key() ? 1 : 0;
  EXPECT_EQ(differ, a.size());
  // The two parameters draw from streams of their own: not the same strata in the same order.
  size_t same_stratum = 0;
  for (const SweepPoint& p : a) {
    const int s0 = static_cast<int>((number_of(p.overrides[0].value) - 1000) / 19000 * 20);
    const int s1 = static_cast<int>((number_of(p.overrides[1].value) - 0.2) / 0.8 * 20);
    same_stratum += s0 == s1 ? 1 : 0;
  }
  EXPECT_LT(same_stratum, a.size());
}

TEST_F(SweepFixture, SweepRandomSamplesStayWithinTheirBoundsAtSixDigits) {
  const SweepSpec s = parse(
      with_parameters(replace(replace(kLatinHypercube, "latin-hypercube", "random"), "points: 20", "points: 50")));
  EXPECT_EQ(s.sampling, SamplingKind::RANDOM);
  const std::vector<SweepPoint> points = expand_points(s);
  ASSERT_EQ(points.size(), 50u);
  for (const SweepPoint& p : points) {
    const double x = number_of(p.overrides[0].value);
    EXPECT_GE(x, 1000);
    EXPECT_LE(x, 20000);
    EXPECT_EQ(format_value(x, "/s"), p.overrides[0].value);  // printed as it reads back
    EXPECT_LE(p.overrides[0].value.size(), std::string("12345.6/s").size()) << p.overrides[0].value;
  }
}

TEST_F(SweepFixture, SweepCombinesEveryGridPointWithEveryDraw) {
  const SweepSpec s = parse(with_parameters(R"(parameters:
  - {path: clients.ari_share, samples: {from: 0.2, to: 1}}
  - {path: incident.decision_delay, values: [0h, 2h]}
sampling: {method: random, points: 3}
)"));
  const std::vector<SweepPoint> points = expand_points(s);
  ASSERT_EQ(points.size(), 2u * 3u);
  for (size_t i = 0; i < points.size(); ++i) {
    ASSERT_EQ(points[i].overrides.size(), 2u);
    EXPECT_EQ(points[i].overrides[0].path, "clients.ari_share");  // in the parameters' order
    EXPECT_EQ(points[i].overrides[1].value, i < 3 ? "0h" : "2h");
    EXPECT_EQ(points[i].overrides[0].value, points[i % 3].overrides[0].value);  // the same draws at each
  }
}

// ---- shipped sweeps -----------------------------------------------------------------------------

TEST(SweepFiles, EveryShippedSweepLoads) {
  int loaded = 0;
  for (const auto& e : fs::directory_iterator(std::string(SURGE_SOURCE_DIR) + "/scenarios")) {
    if (!e.path().string().ends_with(".sweep.yaml")) continue;
    try {
      const SweepSpec s = load_sweep(e.path().string());
      EXPECT_FALSE(expand_points(s).empty()) << e.path();
      ++loaded;
    } catch (const ScenarioError& err) {
      ADD_FAILURE() << err.what();
    }
  }
  EXPECT_GE(loaded, 4);
}

TEST(SweepFiles, ShippedSweepsHaveTheirShape) {
  const std::string dir = std::string(SURGE_SOURCE_DIR) + "/scenarios/";
  const SweepSpec grid = load_sweep(dir + "decision-x-ari-one-dc.sweep.yaml");
  EXPECT_EQ(grid.base, dir + "le-2021-hardware-one-dc.yaml");
  EXPECT_EQ(expand_points(grid).size(), 7u * 5u);
  const SweepSpec fabric = load_sweep(dir + "fabric-1g-25g.sweep.yaml");
  const std::vector<SweepPoint> fabric_points = expand_points(fabric);
  ASSERT_EQ(fabric_points.size(), 5u);
  EXPECT_EQ(fabric_points.front().key(), "data_centers.dc1.fabric={model: 25g-fiber, bandwidth: 1Gbps}");
  for (const char* year : {"2020", "2021"}) {
    const SweepSpec search = load_sweep(dir + "hsm-search-" + year + ".sweep.yaml");
    ASSERT_TRUE(search.search.has_value()) << year;
    EXPECT_EQ(search.base, dir + "le-" + year + "-hardware-one-dc.yaml");
    EXPECT_EQ(search.search->path, "data_centers.dc1.hsm.signatures_per_s");
    EXPECT_EQ(search.search->from, 500);
    EXPECT_EQ(search.search->to, 40000);
    EXPECT_DOUBLE_EQ(*search.search->condition.deadline_fraction, 0.8);
  }
}

}  // namespace
}  // namespace surge
