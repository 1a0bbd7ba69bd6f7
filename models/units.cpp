#include "models/units.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace surge {
namespace {

struct Unit {
  std::string_view symbol;
  double factor;  // multiply the number by this to get SI
};

constexpr std::array kDurationUnits{Unit{"us", 1e-6},
                                    Unit{"ms", 1e-3},
                                    Unit{"s", 1.0},
                                    Unit{"min", kSecondsPerMinute},
                                    Unit{"h", kSecondsPerHour},
                                    Unit{"d", kSecondsPerDay},
                                    Unit{"day", kSecondsPerDay}};
constexpr std::array kSizeUnits{Unit{"B", 1.0},
                                Unit{"KB", 1e3},
                                Unit{"KiB", 1024.0},
                                Unit{"MB", 1e6},
                                Unit{"MiB", 1048576.0},
                                Unit{"GB", 1e9},
                                Unit{"GiB", 1073741824.0},
                                Unit{"TB", 1e12},
                                Unit{"TiB", 1099511627776.0}};
constexpr std::array kBandwidthUnits{Unit{"bps", 1.0 / kBitsPerByte},
                                     Unit{"Kbps", 1e3 / kBitsPerByte},
                                     Unit{"Mbps", 1e6 / kBitsPerByte},
                                     Unit{"Gbps", 1e9 / kBitsPerByte},
                                     Unit{"Tbps", 1e12 / kBitsPerByte},
                                     Unit{"Bps", 1.0},
                                     Unit{"KBps", 1e3},
                                     Unit{"MBps", 1e6},
                                     Unit{"GBps", 1e9}};
constexpr std::array kRatePeriods{Unit{"s", 1.0}, Unit{"min", kSecondsPerMinute}, Unit{"h", kSecondsPerHour},
                                  Unit{"day", kSecondsPerDay}, Unit{"d", kSecondsPerDay}};
constexpr std::array kMultipliers{Unit{"k", 1e3}, Unit{"M", 1e6}, Unit{"G", 1e9}};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Splits "12.5Gbps" into the number and the rest; returns the number of characters the number used.
std::optional<double> leading_number(std::string_view s, size_t& used) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::fixed);
  if (ec != std::errc()) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);  // scientific, e.g. 1e6
    if (r.ec != std::errc()) return std::nullopt;
    ptr = r.ptr;
  }
  // Accept exponents too: from_chars(fixed) stops before 'e'.
  if (ptr < s.data() + s.size() && (*ptr == 'e' || *ptr == 'E')) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec == std::errc()) ptr = r.ptr;
  }
  used = static_cast<size_t>(ptr - s.data());
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

template <size_t N>
std::optional<double> lookup(const std::array<Unit, N>& units, std::string_view symbol) {
  for (const Unit& u : units)
    if (u.symbol == symbol) return u.factor;
  return std::nullopt;
}

Quantity fail(std::string message, int column) {
  return Quantity{std::nullopt, std::move(message), column};
}

}  // namespace

std::string describe_kind(QuantityKind kind) {
  switch (kind) {
    case QuantityKind::DURATION:
      return "a duration with a unit (us, ms, s, min, h, d, day), such as 6h or 90s";
    case QuantityKind::SIZE:
      return "a size with a unit (B, KB, KiB, MB, MiB, GB, GiB, TB, TiB), such as 1.5KiB";
    case QuantityKind::BANDWIDTH:
      return "a bandwidth with a unit (bps, Kbps, Mbps, Gbps, Tbps, Bps, KBps, MBps, GBps), such as 25Gbps";
    case QuantityKind::RATE:
      return "a rate per unit of time, such as 10000/s, 10k/s or 2M/day";
    case QuantityKind::COUNT:
      return "a count, such as 200M or 3000000";
    case QuantityKind::FRACTION:
      return "a fraction between 0 and 1, such as 0.25 or 25%";
  }
  return "a value";
}

Quantity parse_quantity(std::string_view raw, QuantityKind kind) {
  // Columns are reported relative to raw, so remember how much leading space trim() removed.
  std::string_view text = trim(raw);
  const int lead = static_cast<int>(text.data() - raw.data());
  if (text.empty()) return fail("empty value; expected " + describe_kind(kind), 0);

  size_t used = 0;
  std::optional<double> number = leading_number(text, used);
  if (!number) return fail("'" + std::string(text) + "' is not a number; expected " + describe_kind(kind), lead);
  std::string_view rest = trim(text.substr(used));
  const int rest_col = lead + static_cast<int>(rest.empty() ? text.size() : rest.data() - text.data());

  switch (kind) {
    case QuantityKind::DURATION:
    case QuantityKind::SIZE:
    case QuantityKind::BANDWIDTH: {
      if (rest.empty())
        return fail("missing unit in '" + std::string(text) + "'; expected " + describe_kind(kind), rest_col);
      std::optional<double> factor = kind == QuantityKind::DURATION ? lookup(kDurationUnits, rest)
                                     : kind == QuantityKind::SIZE   ? lookup(kSizeUnits, rest)
                                                                    : lookup(kBandwidthUnits, rest);
      if (!factor) return fail("unknown unit '" + std::string(rest) + "'; expected " + describe_kind(kind), rest_col);
      return Quantity{*number * *factor, {}, 0};
    }
    case QuantityKind::RATE: {
      size_t slash = rest.find('/');
      if (slash == std::string_view::npos)
        return fail("missing '/<time unit>' in '" + std::string(text) + "'; expected " + describe_kind(kind), rest_col);
      std::string_view mult = trim(rest.substr(0, slash));
      std::string_view period = trim(rest.substr(slash + 1));
      double m = 1.0;
      if (!mult.empty()) {
        std::optional<double> f = lookup(kMultipliers, mult);
        if (!f) return fail("unknown multiplier '" + std::string(mult) + "'; expected k, M or G", rest_col);
        m = *f;
      }
      std::optional<double> p = lookup(kRatePeriods, period);
      if (!p)
        return fail("unknown time unit '" + std::string(period) + "' in rate; expected " + describe_kind(kind),
                    rest_col + static_cast<int>(slash) + 1);
      return Quantity{*number * m / *p, {}, 0};
    }
    case QuantityKind::COUNT: {
      if (rest.empty()) return Quantity{*number, {}, 0};
      std::optional<double> f = lookup(kMultipliers, rest);
      if (!f) return fail("unknown suffix '" + std::string(rest) + "'; expected " + describe_kind(kind), rest_col);
      return Quantity{*number * *f, {}, 0};
    }
    case QuantityKind::FRACTION: {
      double v = *number;
      if (rest == "%") {
        v /= 100.0;
      } else if (!rest.empty()) {
        return fail("unknown suffix '" + std::string(rest) + "'; expected " + describe_kind(kind), rest_col);
      }
      if (v < 0.0 || v > 1.0) return fail("'" + std::string(text) + "' is outside [0, 1]", lead);
      return Quantity{v, {}, 0};
    }
  }
  return fail("unsupported quantity", 0);
}

std::string exact_number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace surge
