#include "models/statistics.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>
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
