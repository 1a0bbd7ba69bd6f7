#include "models/units.hpp"

#include <gtest/gtest.h>

namespace surge {
namespace {

double si(const char* text, QuantityKind kind) {
  Quantity q = parse_quantity(text, kind);
  EXPECT_TRUE(q.value.has_value()) << text << ": " << q.error;
  return q.value.value_or(-1);
}

TEST(Units, ConvertsBandwidthBitsAndBytesToBytesPerSecond) {
  EXPECT_DOUBLE_EQ(si("25Gbps", QuantityKind::BANDWIDTH), 25e9 / 8);
  EXPECT_DOUBLE_EQ(si("1Gbps", QuantityKind::BANDWIDTH), 125e6);
  EXPECT_DOUBLE_EQ(si("125MBps", QuantityKind::BANDWIDTH), 125e6);
}

TEST(Units, ConvertsSizesWithDecimalAndBinaryPrefixes) {
  EXPECT_DOUBLE_EQ(si("1.5KiB", QuantityKind::SIZE), 1536);
  EXPECT_DOUBLE_EQ(si("2KB", QuantityKind::SIZE), 2000);
  EXPECT_DOUBLE_EQ(si("20TB", QuantityKind::SIZE), 20e12);
}

TEST(Units, ConvertsRatesWithMultipliersAndPeriods) {
  EXPECT_DOUBLE_EQ(si("10000/s", QuantityKind::RATE), 10000);
  EXPECT_DOUBLE_EQ(si("10k/s", QuantityKind::RATE), 10000);
  EXPECT_DOUBLE_EQ(si("2M/day", QuantityKind::RATE), 2e6 / 86400);
  EXPECT_DOUBLE_EQ(si("340k/h", QuantityKind::RATE), 340e3 / 3600);
}

TEST(Units, ConvertsDurationsCountsAndFractions) {
  EXPECT_DOUBLE_EQ(si("6h", QuantityKind::DURATION), 21600);
  EXPECT_DOUBLE_EQ(si("90s", QuantityKind::DURATION), 90);
  EXPECT_DOUBLE_EQ(si("15ms", QuantityKind::DURATION), 0.015);
  EXPECT_DOUBLE_EQ(si("5min", QuantityKind::DURATION), 300);
  EXPECT_DOUBLE_EQ(si("200M", QuantityKind::COUNT), 200e6);
  EXPECT_DOUBLE_EQ(si("3000000", QuantityKind::COUNT), 3e6);
  EXPECT_DOUBLE_EQ(si("25%", QuantityKind::FRACTION), 0.25);
  EXPECT_DOUBLE_EQ(si("0.2", QuantityKind::FRACTION), 0.2);
}

TEST(Units, RejectsMissingAndUnknownUnitsWithTheColumnOfTheUnit) {
  Quantity missing = parse_quantity("25", QuantityKind::BANDWIDTH);
  EXPECT_FALSE(missing.value);
  EXPECT_EQ(missing.error.rfind("missing unit in '25'", 0), 0u) << missing.error;
  EXPECT_EQ(missing.error_column, 2);

  Quantity unknown = parse_quantity("25Gbit", QuantityKind::BANDWIDTH);
  EXPECT_FALSE(unknown.value);
  EXPECT_EQ(unknown.error.rfind("unknown unit 'Gbit'", 0), 0u) << unknown.error;
  EXPECT_EQ(unknown.error_column, 2);

  Quantity period = parse_quantity("10k/week", QuantityKind::RATE);
  EXPECT_FALSE(period.value);
  EXPECT_EQ(period.error_column, 4);

  EXPECT_FALSE(parse_quantity("6", QuantityKind::DURATION).value);       // a duration needs its unit
  EXPECT_FALSE(parse_quantity("1.5", QuantityKind::FRACTION).value);     // outside [0, 1]
  EXPECT_FALSE(parse_quantity("fast", QuantityKind::RATE).value);        // not a number
  EXPECT_FALSE(parse_quantity("200 certs", QuantityKind::COUNT).value);  // unknown suffix
}

TEST(Units, FormatsCountsWithThousandsSeparators) {
  EXPECT_EQ(format_count(190080000), "190,080,000");
  EXPECT_EQ(format_count(864000000), "864,000,000");
  EXPECT_EQ(format_count(999), "999");
  EXPECT_EQ(format_count(-1234), "-1,234");
}

}  // namespace
}  // namespace surge
