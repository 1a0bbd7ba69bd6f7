// The one formatting policy for people: three significant figures in the unit that shows them. Every expected
// string is written by hand from the rule (pick the largest unit in which the rounded value is at least 1).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "models/format_units.hpp"

namespace surge {
namespace {

struct Case {
  double value;
  const char* text;
};

TEST(FormatDuration, ThreeSignificantFiguresFromMicrosecondsToHours) {
  const Case cases[] = {
      {1e-7, "0.100 us"},                    // below the smallest unit: stays in it
      {1e-6, "1.00 us"},                     //
      {1.5e-6, "1.50 us"},                   //
      {2.5e-5, "25.0 us"},                   //
      {4.56e-4, "456 us"},                   //
      {9.996e-4, "1.00 ms"},                 // rounds up into the next unit, not "1000 us"
      {81.0 / 19 * 1e-3, "4.26 ms"},         // M/M/2 at 90% load, 1 ms service: Wq = C(2, 1.8) / 0.2 ms = 81/19 ms
      {0.0123, "12.3 ms"},                   //
      {0.25, "250 ms"},                      //
      {0.9996, "1.00 s"},                    //
      {3.2, "3.20 s"},                       //
      {45.678, "45.7 s"},                    //
      {59.96, "60.0 s"},                     // 0.9993 min rounds to 0.999: still seconds
      {90, "1.50 min"},                      //
      {2700, "45.0 min"},                    //
      {3599, "1.00 h"},                      // 0.99972 h rounds to 1.00
      {4 * 3600 + 600e6 / 20000, "12.3 h"},  // 4 h + 30,000 s = 44,400 s = 12.333 h
      {86400, "24.0 h"},                     //
      {1e6, "278 h"},                        // 277.78 h
      {0, "0 s"},                            //
      {-90, "-1.50 min"},                    // a margin after the deadline
  };
  for (const Case& c : cases) EXPECT_EQ(format_duration(c.value), c.text) << c.value;
}

TEST(FormatDuration, EveryDecadeFromTenthOfAMicrosecondToAMillionSecondsHasThreeFigures) {
  // 1.23 x 10^k s for k = -7 .. 5, written out by hand.
  const char* expected[] = {"0.123 us", "1.23 us", "12.3 us",  "123 us",   "1.23 ms", "12.3 ms", "123 ms",
                            "1.23 s",   "12.3 s",  "2.05 min", "20.5 min", "3.42 h",  "34.2 h"};
  for (int k = -7; k <= 5; ++k) EXPECT_EQ(format_duration(1.23 * std::pow(10.0, k)), expected[k + 7]) << "1.23e" << k;
}

TEST(FormatDuration, FarBelowAMicrosecondIsWrittenInPowersOfTen) {
  EXPECT_EQ(format_duration(1.23e-9), "0.00123 us");  // a thousandth of the smallest unit: still decimals
  EXPECT_EQ(format_duration(1e-10), "1.00e-10 s");
  EXPECT_EQ(format_duration(3.5796e-289), "3.58e-289 s");  // an Erlang C wait at 0% load
  EXPECT_EQ(format_size(2e-4), "2.00e-04 B");
}

TEST(FormatDuration, NotANumberIsADashAndInfinityIsSaid) {
  EXPECT_EQ(format_duration(std::numeric_limits<double>::quiet_NaN()), "-");
  EXPECT_EQ(format_duration(-std::numeric_limits<double>::quiet_NaN()), "-");  // printf would say "-nan"
  EXPECT_EQ(format_duration(std::numeric_limits<double>::infinity()), "inf");
}

TEST(FormatRate, PerSecondThousandsAndMillions) {
  const Case cases[] = {{0, "0/s"},         {0.5, "0.500/s"},  {7.25, "7.25/s"},   {950, "950/s"},
                        {999.7, "1.00k/s"}, {1500, "1.50k/s"}, {20000, "20.0k/s"}, {6944.44, "6.94k/s"},
                        {2.3e6, "2.30M/s"}, {1.5e9, "1500M/s"}};
  for (const Case& c : cases) EXPECT_EQ(format_rate(c.value), c.text) << c.value;
}

TEST(FormatRate, ANounGoesBetweenThePrefixAndPerSecond) {
  EXPECT_EQ(format_rate(2200, "signatures"), "2.20k signatures/s");
  EXPECT_EQ(format_rate(950, "commits"), "950 commits/s");
  EXPECT_EQ(format_rate(3.5e6, "replacements"), "3.50M replacements/s");
}

TEST(FormatSize, BytesInPowersOfAThousand) {
  const Case cases[] = {{0, "0 B"},       {512, "512 B"},     {1536, "1.54 kB"}, {999999, "1.00 MB"},
                        {1e6, "1.00 MB"}, {2.3e9, "2.30 GB"}, {1e12, "1000 GB"}, {0.5, "0.500 B"}};
  for (const Case& c : cases) EXPECT_EQ(format_size(c.value), c.text) << c.value;
}

TEST(FormatBandwidth, BitsPerSecondAsScenarioFilesWriteThem) {
  EXPECT_EQ(format_bandwidth(25e9 / 8), "25.0 Gbps");
  EXPECT_EQ(format_bandwidth(10e6 / 8), "10.0 Mbps");
  EXPECT_EQ(format_bandwidth(1.25e9), "10.0 Gbps");
  EXPECT_EQ(format_bandwidth(100e9 / 8 * 1.1), "110 Gbps");
  EXPECT_EQ(format_bandwidth(0), "0 bps");
}

TEST(FormatCapacity, EachResourceUnitReadsInItsOwnTerms) {
  EXPECT_EQ(format_capacity(2200, "signatures/s"), "2.20k signatures/s");
  EXPECT_EQ(format_capacity(2200, "signatures/s (rsa-2048 equivalent)"), "2.20k signatures/s (rsa-2048 equivalent)");
  EXPECT_EQ(format_capacity(5000, "commits/s"), "5.00k commits/s");
  EXPECT_EQ(format_capacity(25e9 / 8, "bytes/s"), "25.0 Gbps");
  EXPECT_EQ(format_capacity(12, "sessions"), "12 sessions");
}

TEST(FormatFigure, TheKeyCarriesTheUnit) {
  EXPECT_EQ(format_figure(44400, "completion_time_s"), "12.3 h");
  EXPECT_EQ(format_figure(81.0 / 19 * 1e-3, "resources.hsm:dc1.mean_wait_s"), "4.26 ms");
  EXPECT_EQ(format_figure(90, "time_to_replace_s.p99"), "1.50 min");  // the unit is before the percentile
  EXPECT_EQ(format_figure(1500, "resources.hsm:dc1.throughput_per_s"), "1.50k/s");
  EXPECT_EQ(format_figure(2.3e9, "crl_bytes_uploaded"), "2.30 GB");
  EXPECT_EQ(format_figure(0.8, "resources.hsm:dc1.mean_utilisation"), "0.8");
  EXPECT_EQ(format_figure(1234567, "revoked_before_replaced"), "1,234,567");
}

}  // namespace
}  // namespace surge
