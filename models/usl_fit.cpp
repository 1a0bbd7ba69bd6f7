#include "models/usl_fit.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "models/format_units.hpp"
#include "models/random.hpp"

namespace surge {
namespace {

constexpr int kMinLevels = 6;
constexpr int kMinPastPeak = 2;
constexpr int kIterations = 100;
constexpr double kConfidence = 0.95;
// Contention stays below 1: at 1 a second caller adds nothing and above it takes away from the first, which
// coherency (kappa) describes; a fit that wants more is retrograde from the first level (usl_peak).
constexpr double kMaxSigma = 1 - 1e-9;

double clamp_sigma(double sigma) {
  return std::clamp(sigma, 0.0, kMaxSigma);
}

struct Params {
  double lambda = 0, sigma = 0, kappa = 0;
};

double usl(const Params& p, double n) {
  return p.lambda * n / (1 + p.sigma * (n - 1) + p.kappa * n * (n - 1));
}

double sse(const Params& p, const std::vector<UslSample>& s) {
  double e = 0;
  for (const UslSample& x : s) e += (x.x - usl(p, x.n)) * (x.x - usl(p, x.n));
  return e;
}

// N / X = 1/lambda + (sigma/lambda) (N - 1) + (kappa/lambda) N (N - 1): linear in the three unknowns.
Params linearised(const std::vector<UslSample>& s) {
  Eigen::MatrixXd A(static_cast<Eigen::Index>(s.size()), 3);
  Eigen::VectorXd y(static_cast<Eigen::Index>(s.size()));
  for (size_t i = 0; i < s.size(); ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    A(r, 0) = 1;
    A(r, 1) = s[i].n - 1;
    A(r, 2) = s[i].n * (s[i].n - 1);
    y(r) = s[i].n / s[i].x;
  }
  const Eigen::Vector3d c = A.colPivHouseholderQr().solve(y);
  Params p;
  p.lambda = c(0) > 0 ? 1 / c(0) : s.front().x / s.front().n;
  p.sigma = clamp_sigma(c(1) * p.lambda);
  p.kappa = std::max(0.0, c(2) * p.lambda);
  return p;
}

// Damped Gauss-Newton (Levenberg) on the throughputs, sigma and kappa kept >= 0.
Params refine(Params p, const std::vector<UslSample>& s) {
  double mu = 1e-3;
  double best = sse(p, s);
  for (int it = 0; it < kIterations; ++it) {
    Eigen::MatrixXd J(static_cast<Eigen::Index>(s.size()), 3);
    Eigen::VectorXd r(static_cast<Eigen::Index>(s.size()));
    for (size_t i = 0; i < s.size(); ++i) {
      const double n = s[i].n, d = 1 + p.sigma * (n - 1) + p.kappa * n * (n - 1);
      const double f = p.lambda * n / d;
      const auto k = static_cast<Eigen::Index>(i);
      r(k) = s[i].x - f;
      J(k, 0) = n / d;
      J(k, 1) = -f * (n - 1) / d;
      J(k, 2) = -f * n * (n - 1) / d;
    }
    const Eigen::Matrix3d JtJ = J.transpose() * J;
    const Eigen::Vector3d g = J.transpose() * r;
    bool improved = false;
    for (int tries = 0; tries < 20 && !improved; ++tries) {
      Eigen::Matrix3d M = JtJ;
      M.diagonal() += mu * JtJ.diagonal().cwiseMax(1e-300);
      const Eigen::Vector3d step = M.ldlt().solve(g);
      Params q{p.lambda + step(0), clamp_sigma(p.sigma + step(1)), std::max(0.0, p.kappa + step(2))};
      const double e = q.lambda > 0 ? sse(q, s) : INFINITY;
      if (e < best) {
        const double gain = best - e;
        p = q;
        best = e;
        mu = std::max(mu / 10, 1e-12);
        improved = true;
        if (gain <= 1e-15 * std::max(1.0, e)) return p;
      } else {
        mu *= 10;
      }
    }
    if (!improved) break;
  }
  return p;
}

Params fit_once(const std::vector<UslSample>& s) {
  return refine(linearised(s), s);
}

Interval interval(double value, std::vector<double> draws) {
  Interval i{value, value, value};
  if (draws.empty()) return i;
  std::sort(draws.begin(), draws.end());
  auto at = [&](double q) { return draws[static_cast<size_t>(q * static_cast<double>(draws.size() - 1))]; };
  i.low = at((1 - kConfidence) / 2);
  i.high = at(1 - (1 - kConfidence) / 2);
  return i;
}

}  // namespace

UslPeak usl_peak(double lambda, double sigma, double kappa) {
  UslPeak p;
  if (kappa > 0) {
    const double n = std::sqrt((1 - sigma) / kappa);
    p.retrograde = !(n > 1);
    p.n = p.retrograde ? 1 : n;
    p.x = usl(Params{lambda, sigma, kappa}, p.n);
    return p;
  }
  p.n = p.x = INFINITY;
  p.limit = sigma > 0 ? lambda / sigma : INFINITY;
  return p;
}

std::string usl_peak_text(const UslFit& f, const std::string& noun) {
  const std::string per_s = noun.empty() ? "/s" : " " + noun + "/s";
  auto rate = [&](double x) { return format_count(std::round(x)) + per_s; };
  char n[32];
  std::snprintf(n, sizeof n, "%.1f", f.n_peak);
  if (f.retrograde)
    return "retrograde from the first level: " + rate(f.x_peak) + " at N = 1, less at every level above";
  if (std::isfinite(f.n_peak)) return "peak " + rate(f.x_peak) + " at N = " + n;
  if (f.x_limit && std::isfinite(*f.x_limit)) return "no peak: rises toward " + rate(*f.x_limit);
  return "no peak: scales linearly";
}

nlohmann::json usl_fit_json(const UslFit& f) {
  auto interval_json = [](const Interval& i) {
    return nlohmann::json{{"value", i.value}, {"low", i.low}, {"high", i.high}};
  };
  auto finite = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  nlohmann::json j = {{"identified", f.identified}, {"reason", f.reason}};
  if (f.identified) {
    j["lambda"] = interval_json(f.lambda);
    j["sigma"] = interval_json(f.sigma);
    j["kappa"] = interval_json(f.kappa);
    j["n_peak"] = finite(f.n_peak);
    j["x_peak"] = finite(f.x_peak);
    j["x_limit"] = f.x_limit ? finite(*f.x_limit) : nlohmann::json(nullptr);
    j["retrograde"] = f.retrograde;
    j["rms_relative_error"] = f.rms_relative_error;
  }
  return j;
}

double UslFit::throughput(double n) const {
  return usl(Params{lambda.value, sigma.value, kappa.value}, n);
}

UslFit fit_usl(const std::vector<UslSample>& samples, int bootstrap, std::uint64_t seed) {
  UslFit out;
  std::vector<UslSample> s = samples;
  std::sort(s.begin(), s.end(), [](const UslSample& a, const UslSample& b) { return a.n < b.n; });
  size_t peak = 0;
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i].x > s[peak].x) peak = i;
  const int past_peak = static_cast<int>(s.size() - 1 - peak);
  if (static_cast<int>(s.size()) < kMinLevels) {
    out.reason =
        "unidentified: " + std::to_string(s.size()) + " levels, at least " + std::to_string(kMinLevels) + " needed";
    return out;
  }
  if (past_peak < kMinPastPeak) {
    out.reason = "unidentified: " + std::to_string(past_peak) + " levels past the peak, at least " +
                 std::to_string(kMinPastPeak) + " needed (sweep further)";
    return out;
  }
  const Params p = fit_once(s);
  out.identified = true;
  // Bootstrap on relative residuals: resample them onto the fitted curve and refit.
  std::vector<double> rel;
  for (const UslSample& x : s) rel.push_back(x.x / usl(p, x.n) - 1);
  std::vector<double> ls, ss, ks;
  Rng rng(seed, 0xB007);
  for (int b = 0; b < bootstrap; ++b) {
    std::vector<UslSample> r = s;
    for (UslSample& x : r) {
      const size_t pick = static_cast<size_t>(rng.uniform() * static_cast<double>(rel.size()));
      x.x = usl(p, x.n) * (1 + rel[std::min(pick, rel.size() - 1)]);
    }
    const Params q = fit_once(r);
    ls.push_back(q.lambda), ss.push_back(q.sigma), ks.push_back(q.kappa);
  }
  out.lambda = interval(p.lambda, ls);
  out.sigma = interval(p.sigma, ss);
  out.kappa = interval(p.kappa, ks);
  const UslPeak top = usl_peak(p.lambda, p.sigma, p.kappa);
  out.n_peak = top.n;
  out.x_peak = top.x;
  out.x_limit = top.limit;
  out.retrograde = top.retrograde;
  double e2 = 0;
  for (double r : rel) e2 += r * r;
  out.rms_relative_error = std::sqrt(e2 / static_cast<double>(rel.size()));
  return out;
}

}  // namespace surge
