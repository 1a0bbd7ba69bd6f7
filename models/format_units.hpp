// Quantities for people to read: each duration, rate and size in the unit that shows it with three
// significant figures ("4.26 ms", "1.50k/s", "2.30 GB"). The one formatting policy of every text front end
// (the report, --compare-analytic, the sweep tables, the GUI); JSON and CSV stay SI with the unit in the key.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace surge {

/// A unit a quantity can be shown in: its symbol and how many SI units one of it holds.
struct DisplayUnit {
  std::string_view symbol;  ///< as printed after the number ("ms", "k/s")
  double si = 1;            ///< SI units (seconds, events/s, bytes) in one of it
  std::string_view space;   ///< between the number and the symbol: " " or ""
};

/// `value_si` in the largest of `units` (ascending) where it is at least 1 after rounding to three significant
/// figures, else the smallest: "4.26 ms", "278 h", "0.100 us"; below a thousandth of the smallest, in powers
/// of ten in the SI unit ("3.58e-289 s"). Zero in the SI unit ("0 s"); NaN "-", infinities "inf"/"-inf".
std::string format_scaled(double value_si, std::span<const DisplayUnit> units);

/// Seconds in us, ms, s, min or h, three significant figures: 0.004263 -> "4.26 ms", 44400 -> "12.3 h".
std::string format_duration(double seconds);

/// Events per second in /s, k/s or M/s, three significant figures: 1500 -> "1.50k/s". With a noun, the
/// noun goes between the prefix and "/s": (1500, "signatures") -> "1.50k signatures/s", (950, ...) ->
/// "950 signatures/s".
std::string format_rate(double per_s, std::string_view noun = {});

/// Bytes in B, kB, MB or GB (powers of 1000), three significant figures: 2.3e9 -> "2.30 GB".
std::string format_size(double bytes);

/// Bytes per second as bits per second in bps, kbps, Mbps, Gbps or Tbps (as scenario files write link
/// bandwidth), three significant figures: 1.25e9 -> "10.0 Gbps".
std::string format_bandwidth(double bytes_per_s);

/// A capacity in a resource's unit (ResourceUse::unit), scaled for reading: "bytes/s" in bits per second as
/// scenario files write links ("25.0 Gbps"), "NOUN/s" as a rate of its noun ("2.20k signatures/s"), a
/// qualifier kept after it ("... (rsa-2048 equivalent)"); any other unit as a count and the unit.
std::string format_capacity(double capacity, std::string_view unit);

/// A figure named by its JSON key (or sweep metric path), formatted by the unit the key carries: "..._per_s" a
/// rate, "..._s" a duration, "...bytes..." a size, read from the last dotted part that names a unit
/// ("time_to_replace_s.p99" is a duration); any other key (counts, fractions) as "%.4g", or with thousands
/// separators from 10,000 on.
std::string format_figure(double value, std::string_view key);

/// Formats a count with thousands separators: 190080000 -> "190,080,000".
std::string format_count(double count);

}  // namespace surge
