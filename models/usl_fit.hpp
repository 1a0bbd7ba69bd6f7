// Fitting the Universal Scalability Law to a concurrency sweep (HSM sessions, DB connections):
// X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1)). A linearised least-squares fit (Eigen) of
// N / X seeds a damped Gauss-Newton on X itself with 0 <= sigma < 1, kappa >= 0; bootstrap intervals. A fit is
// "identified" only with at least 6 levels and 2 of them past the observed peak (SETUP-NOTES: with
// levels 1-8 kappa is unidentified).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace surge {

/// One level of a sweep.
struct UslSample {
  double n = 0;  ///< concurrency (sessions, connections)
  double x = 0;  ///< measured throughput at it (operations/s)
};

/// A value with its 95% bootstrap interval.
struct Interval {
  double value = 0, low = 0, high = 0;
};

/// Where X(N) is highest for N >= 1 under given parameters (0 <= sigma < 1, kappa >= 0).
struct UslPeak {
  double n = 0;                 ///< the concurrency of the highest throughput; infinite when X rises for ever
  double x = 0;                 ///< that throughput; infinite when X rises for ever
  std::optional<double> limit;  ///< with no finite peak, what X rises toward (lambda / sigma; infinite at sigma 0)
  bool retrograde = false;      ///< X falls from the first level on: the peak is N = 1
};

/// The peak of X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1)): N* = sqrt((1 - sigma) / kappa)
/// when kappa > 0, or N = 1 when N* <= 1 (retrograde from the first level); no finite peak when kappa = 0.
UslPeak usl_peak(double lambda, double sigma, double kappa);

/// The fit.
struct UslFit {
  bool identified = false;
  std::string reason;             ///< why not, when not identified
  Interval lambda;                ///< throughput of one (operations/s)
  Interval sigma;                 ///< contention, kept in [0, 1): at 1 or more no level beats one alone
  Interval kappa;                 ///< coherency, kept >= 0
  double n_peak = 0;              ///< concurrency of the highest throughput (usl_peak; infinite when kappa = 0)
  double x_peak = 0;              ///< that throughput (infinite when there is no finite peak)
  std::optional<double> x_limit;  ///< with no finite peak, what X rises toward (infinite when sigma = 0)
  bool retrograde = false;        ///< throughput falls from the first level: n_peak = 1
  double rms_relative_error = 0;  ///< of the fitted X against the samples

  /// X(N) under the fitted parameters.
  double throughput(double n) const;
};

/// The fit's peak for people: "peak 1,234/s at N = 21.8", "retrograde from the first level: 1,000/s at
/// N = 1, less at every level above", "no peak: rises toward 4,000/s" or "no peak: scales linearly".
/// `noun` names what is counted ("commits" gives "1,234 commits/s"); empty for "/s".
std::string usl_peak_text(const UslFit& fit, const std::string& noun = "");

/// The levels of a concurrency sweep: as listed, or 1, 2, 4, ... doubling until throughput falls for two
/// levels in a row or the next level would pass a cap (the rule both calibrations follow).
class LevelSchedule {
 public:
  LevelSchedule(std::vector<int> listed, int cap) : listed_(std::move(listed)), cap_(cap) {}
  /// The concurrency of the next level.
  int level() const { return listed_.empty() ? doubling_ : listed_[index_]; }
  /// Records the level's throughput; false when the sweep is over.
  bool next(double throughput) {
    falls_ = index_ > 0 && throughput < last_ ? falls_ + 1 : 0;
    last_ = throughput;
    ++index_;
    if (!listed_.empty()) return index_ < listed_.size();
    doubling_ *= 2;
    return falls_ < kFallsToStop && doubling_ <= cap_;
  }

 private:
  static constexpr int kFallsToStop = 2;
  std::vector<int> listed_;
  int cap_;
  int doubling_ = 1;
  std::size_t index_ = 0;
  int falls_ = 0;
  double last_ = 0;
};

/// The fit as calibration profiles write it: {"identified", "reason"} and, when identified, "lambda",
/// "sigma", "kappa" as {"value", "low", "high"}, "n_peak", "x_peak" and "x_limit" (null when infinite),
/// "retrograde", "rms_relative_error". No NaN: every number is finite or null.
nlohmann::json usl_fit_json(const UslFit& fit);

/// Fits the USL; `bootstrap` resamples (0: no intervals) drawn from the project's generator.
UslFit fit_usl(const std::vector<UslSample>& samples, int bootstrap = 200, std::uint64_t seed = 1);

}  // namespace surge
