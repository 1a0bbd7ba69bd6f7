#include "models/format_units.hpp"
#include "models/units.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace surge {
namespace {

constexpr int kSignificantFigures = 3;
// Below a thousandth of the smallest unit ("0.000123 us" would follow) a value is written in powers of ten.
constexpr int kFewestDecimalExponent = -3;

constexpr std::array kDurationUnits{DisplayUnit{"us", 1e-6, " "}, DisplayUnit{"ms", 1e-3, " "},
                                    DisplayUnit{"s", 1.0, " "}, DisplayUnit{"min", kSecondsPerMinute, " "},
                                    DisplayUnit{"h", kSecondsPerHour, " "}};
constexpr std::array kRateUnits{DisplayUnit{"/s", 1.0, ""}, DisplayUnit{"k/s", 1e3, ""}, DisplayUnit{"M/s", 1e6, ""}};
constexpr std::array kSizeUnits{DisplayUnit{"B", 1.0, " "}, DisplayUnit{"kB", 1e3, " "}, DisplayUnit{"MB", 1e6, " "},
                                DisplayUnit{"GB", 1e9, " "}};
// In bytes per second: one bit per second is an eighth of a byte.
constexpr std::array kBandwidthUnits{
    DisplayUnit{"bps", 1 / kBitsPerByte, " "}, DisplayUnit{"kbps", 1e3 / kBitsPerByte, " "},
    DisplayUnit{"Mbps", 1e6 / kBitsPerByte, " "}, DisplayUnit{"Gbps", 1e9 / kBitsPerByte, " "},
    DisplayUnit{"Tbps", 1e12 / kBitsPerByte, " "}};

// x > 0 rounded to three significant figures, as printf rounds it, and the decimal exponent of the result:
// 9.996 -> (10.0, 1).
struct Rounded {
  double value;
  int exponent;
};
Rounded round_significant(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*e", kSignificantFigures - 1, x);
  const char* exponent = std::strchr(buf, 'e');  // "1.00e+01": the value is all of it, the exponent after 'e'
  return Rounded{std::strtod(buf, nullptr), exponent ? std::atoi(exponent + 1) : 0};
}

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

}  // namespace

std::string format_scaled(double value_si, std::span<const DisplayUnit> units) {
  if (std::isnan(value_si)) return "-";
  if (std::isinf(value_si)) return value_si > 0 ? "inf" : "-inf";
  const DisplayUnit* base = &units.front();  // the SI unit, for zero and for values far below every unit
  for (const DisplayUnit& u : units)
    if (u.si == 1) base = &u;
  const std::string base_symbol = std::string(base->space) + std::string(base->symbol);
  if (value_si == 0) return "0" + base_symbol;
  const char* sign = value_si < 0 ? "-" : "";
  const double magnitude = std::fabs(value_si);
  const DisplayUnit* chosen = &units.front();
  Rounded r = round_significant(magnitude / chosen->si);
  for (auto u = units.rbegin(); u != units.rend(); ++u) {
    const Rounded in_u = round_significant(magnitude / u->si);
    if (in_u.exponent >= 0) {
      chosen = &*u;
      r = in_u;
      break;
    }
  }
  char buf[64];
  if (r.exponent < kFewestDecimalExponent) {  // 3.58e-289 s rather than 300 zeros
    std::snprintf(buf, sizeof buf, "%s%.*e%s", sign, kSignificantFigures - 1, magnitude / base->si,
                  base_symbol.c_str());
    return buf;
  }
  const int decimals = std::max(0, kSignificantFigures - 1 - r.exponent);
  std::snprintf(buf, sizeof buf, "%s%.*f%.*s%.*s", sign, decimals, r.value, static_cast<int>(chosen->space.size()),
                chosen->space.data(), static_cast<int>(chosen->symbol.size()), chosen->symbol.data());
  return buf;
}

std::string format_duration(double seconds) {
  return format_scaled(seconds, kDurationUnits);
}

std::string format_rate(double per_s, std::string_view noun) {
  const std::string plain = format_scaled(per_s, kRateUnits);
  if (noun.empty() || !ends_with(plain, "/s")) return plain;
  // "1.50k/s" -> "1.50k signatures/s"
  return plain.substr(0, plain.size() - 2) + " " + std::string(noun) + "/s";
}

std::string format_size(double bytes) {
  return format_scaled(bytes, kSizeUnits);
}

std::string format_bandwidth(double bytes_per_s) {
  return format_scaled(bytes_per_s, kBandwidthUnits);
}

std::string format_capacity(double capacity, std::string_view unit) {
  const size_t qualifier = unit.find(" (");
  const std::string_view base = unit.substr(0, qualifier);
  const std::string rest = qualifier == std::string_view::npos ? std::string() : std::string(unit.substr(qualifier));
  if (base == "bytes/s") return format_bandwidth(capacity) + rest;
  constexpr std::string_view kPerSecond = "/s";
  if (base.size() > kPerSecond.size() && ends_with(base, kPerSecond))
    return format_rate(capacity, base.substr(0, base.size() - kPerSecond.size())) + rest;
  return format_count(capacity) + " " + std::string(unit);
}

std::string format_figure(double value, std::string_view key) {
  // The unit is in the last dotted part that names one: "time_to_replace_s.p99", "resources.hsm:dc1.mean_wait_s".
  for (size_t end = key.size(); end != std::string_view::npos && end > 0;) {
    const size_t dot = key.rfind('.', end - 1);
    const std::string_view part =
        key.substr(dot == std::string_view::npos ? 0 : dot + 1, end - (dot == std::string_view::npos ? 0 : dot + 1));
    if (ends_with(part, "_per_s")) return format_rate(value);
    if (ends_with(part, "_s")) return format_duration(value);
    if (part.find("bytes") != std::string_view::npos) return format_size(value);
    end = dot;
  }
  constexpr double kCountFrom = 1e4;  // from here thousands separators read better than an exponent
  if (std::isfinite(value) && std::fabs(value) >= kCountFrom) return format_count(value);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", value);
  return buf;
}

std::string format_count(double count) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f", std::round(count));
  std::string digits = buf;
  bool negative = !digits.empty() && digits[0] == '-';
  if (negative) digits.erase(0, 1);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return negative ? "-" + out : out;
}

}  // namespace surge
