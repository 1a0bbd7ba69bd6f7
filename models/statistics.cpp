#include "models/statistics.hpp"

#include <algorithm>
#include <bit>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <cstdint>
#include <map>

#include "models/report.hpp"

namespace surge {

double student_t_975(int df) {
  if (df < 1) return 0;
  return boost::math::quantile(boost::math::students_t(df), 0.975);
}

Estimate estimate(const std::vector<double>& v) {
  Estimate e;
  e.n = static_cast<int>(v.size());
  if (v.empty()) return e;
  double sum = 0;
  for (double x : v) sum += x;
  e.mean = sum / e.n;
  if (e.n < 2) return e;
  double ss = 0;
  for (double x : v) ss += (x - e.mean) * (x - e.mean);
  const double sd = std::sqrt(ss / (e.n - 1));
  e.half_width = student_t_975(e.n - 1) * sd / std::sqrt(static_cast<double>(e.n));
  return e;
}

std::uint64_t replication_seed(std::uint64_t seed, int replication) {
  // splitmix64 of (seed, replication): well-spread, different for every replication.
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (static_cast<std::uint64_t>(replication) + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

namespace {

// A double's bits as an unsigned key in the double's order (-0 and +0 alike, as the comparison has them).
std::uint64_t order_key(double x) {
  constexpr std::uint64_t kSign = std::uint64_t{1} << 63;
  const auto bits = std::bit_cast<std::uint64_t>(x);
  return x < 0 ? ~bits : bits | kSign;
}

}  // namespace

// By value, then weight, as std::sort on the pairs orders them (pairs equal under it are equal to the bit,
// so every correct sort gives this order). A delay vector holds thousands of short runs and few distinct
// values (9,407 pairs, 437 values in one case), which comparison sorts handle slowly: least significant
// digit first, 11 bits at a time, the weight's key and then the value's, skipping digits all pairs share.
void WeightedValues::sort() {
  // Above this many pairs (the simulator's cohorts: a million at k = 1) the radix sort's copies would cost
  // more memory than its speed is worth: sort in place.
  constexpr std::size_t kRadixMost = std::size_t{1} << 16;
  if (v.size() > kRadixMost) {
    std::sort(v.begin(), v.end());
    return;
  }
  constexpr int kDigitBits = 11, kDigits = (64 + kDigitBits - 1) / kDigitBits;
  constexpr std::size_t kBuckets = std::size_t{1} << kDigitBits;
  struct Keyed {
    std::uint64_t key[2];  // the weight's, the value's
    std::uint32_t at;      // where the pair is in v
  };
  std::vector<Keyed> keyed(v.size()), out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    keyed[i] = Keyed{{order_key(v[i].second), order_key(v[i].first)}, static_cast<std::uint32_t>(i)};
  for (int field = 0; field < 2; ++field) {
    for (int d = 0; d < kDigits; ++d) {
      const int shift = d * kDigitBits;
      auto digit = [&](const Keyed& x) { return (x.key[field] >> shift) & (kBuckets - 1); };
      std::vector<std::size_t> start(kBuckets + 1, 0);
      for (const Keyed& x : keyed) ++start[digit(x) + 1];
      if (std::find(start.begin(), start.end(), keyed.size()) != start.end()) continue;  // one digit for all
      for (std::size_t b = 0; b < kBuckets; ++b) start[b + 1] += start[b];
      for (const Keyed& x : keyed) out[start[digit(x)]++] = x;
      keyed.swap(out);
    }
  }
  std::vector<std::pair<double, double>> sorted(v.size());
  for (std::size_t i = 0; i < keyed.size(); ++i) sorted[i] = v[keyed[i].at];
  v.swap(sorted);
}

double WeightedValues::quantile(double q) const {
  double acc = 0;
  for (const auto& d : v)
    if ((acc += d.second) >= q * total) return d.first;
  return v.empty() ? 0.0 : v.back().first;
}

namespace {

// Numeric leaves by path; arrays of named objects are keyed by name.
void flatten(const nlohmann::json& j, const std::string& path, std::map<std::string, double>& out) {
  if (j.is_number()) {
    out[path] = j.get<double>();
  } else if (j.is_boolean()) {
    out[path] = j.get<bool>() ? 1.0 : 0.0;
  } else if (j.is_object()) {
    for (const auto& [k, v] : j.items()) flatten(v, path.empty() ? k : path + "." + k, out);
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) {
      const std::string key =
          j[i].is_object() && j[i].contains("name") ? j[i]["name"].get<std::string>() : std::to_string(i);
      flatten(j[i], path + "." + key, out);
    }
  }
}

}  // namespace

nlohmann::json summarize(const std::vector<nlohmann::json>& reports) {
  std::map<std::string, std::vector<double>> values;
  for (const nlohmann::json& r : reports) {
    std::map<std::string, double> flat;
    for (const auto& [k, v] : r.items())
      if (!is_run_detail(k)) flatten(v, k, flat);
    for (const auto& [k, v] : flat) values[k].push_back(v);
  }
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [k, v] : values) {
    const Estimate e = estimate(v);
    out[k] = {{"mean", e.mean}, {"ci95", e.half_width}, {"n", e.n}};
  }
  return out;
}

}  // namespace surge
