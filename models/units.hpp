// Quantities with units as scenario files write them ("25Gbps", "1.5KiB", "10k/s", "6h", "200M"),
// converted once, here, into SI: seconds, bytes, bytes per second, events per second, plain counts.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "models/format_units.hpp"  // format_duration, format_count: formatting for people lives there

namespace surge {

/// Unit factors, written once for every layer.
inline constexpr double kBitsPerByte = 8.0;
inline constexpr double kSecondsPerMinute = 60.0;
inline constexpr double kSecondsPerHour = 3600.0;
inline constexpr double kSecondsPerDay = 86400.0;

/// What a scenario value measures; decides which units it accepts.
enum class QuantityKind {
  DURATION,   ///< seconds: us, ms, s, min, h, d (or day)
  SIZE,       ///< bytes: B, KB, KiB, MB, MiB, GB, GiB, TB, TiB
  BANDWIDTH,  ///< bytes per second: bps, Kbps, Mbps, Gbps, Tbps (bits) or Bps, KBps, MBps, GBps (bytes)
  RATE,       ///< events per second: "10000/s", "10k/s", "340k/h", "2M/day"
  COUNT,      ///< a plain number with an optional k, M, G suffix: "200M"
  FRACTION,   ///< a number in [0, 1] or a percentage: "0.25", "25%"
};

/// Result of parsing one quantity: the SI value, or an error message and the column (0-based, within
/// the text) where the problem starts.
struct Quantity {
  std::optional<double> value;  ///< SI value when the text parsed
  std::string error;            ///< empty when the text parsed
  int error_column = 0;         ///< offset into the text of the offending part
};

/// Parses text as a quantity of the given kind; never throws.
Quantity parse_quantity(std::string_view text, QuantityKind kind);

/// Human name of a kind with an example, for error messages ("a duration such as 6h or 90s").
std::string describe_kind(QuantityKind kind);
/// A number with every digit it needs to read back as the same double ("%.17g": 2 -> "2").
std::string exact_number(double v);

}  // namespace surge
