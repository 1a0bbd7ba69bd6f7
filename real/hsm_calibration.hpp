// `surge calibrate hsm`: a concurrency sweep per key type through any PKCS#11 module (threads, and
// processes for client-library limits), open-loop latency below the peak, a mixed load, CRL signing
// against shard size, a pair's members alone and together; the Universal Scalability Law fitted per key
// type (models/usl_fit), and a profile that scenarios reference (`hsm: {profile: ...}`).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/atomic_file.hpp"
#include "models/usl_fit.hpp"
#include "real/signing_level.hpp"

namespace surge::real {

/// Everything `surge calibrate hsm` takes.
struct HsmCalibrationOptions {
  BenchSetup bench;
  std::vector<int> threads;                     ///< levels; empty: 1, 2, 4, ... until two falls
  int max_threads = 256;                        ///< cap of the doubling sweep
  int processes = 1;                            ///< client processes a level's threads are spread over
  double duration_s = 5;                        ///< measured time per level
  double warmup_s = 1;                          ///< discarded time before it
  double max_rate_per_s = 0;                    ///< cap on signatures/s (0: none)
  long max_errors = 0;                          ///< errors tolerated before the calibration fails
  std::vector<std::pair<KeyType, double>> mix;  ///< a mixed load's shares (empty: none)
  std::vector<double> open_loop_fractions;      ///< of the measured peak, e.g. 0.5, 0.7, 0.9
  std::vector<long> crl_sizes;                  ///< CRL shard sizes to time (empty: none)
  int bootstrap = 200;                          ///< resamples for the fit's intervals
  FaultInjection fault;                         ///< tests only
};

/// One concurrency sweep on one key type (or mix) and member set.
struct Sweep {
  std::string name;     ///< "rsa-2048", "mix"
  std::string members;  ///< token labels joined by '+'
  std::vector<LevelResult> levels;
  UslFit fit;
};

/// What one key type measured.
struct KeyCalibration {
  KeyType type = KeyType::RSA_2048;
  Sweep sweep;                     ///< on the first token: the profile's curve
  std::vector<Sweep> pair_sweeps;  ///< the second member alone, then both together
  std::vector<LevelResult> open_loop;
};

/// The whole calibration.
struct HsmCalibration {
  nlohmann::json metadata;
  std::vector<KeyCalibration> keys;
  std::optional<Sweep> mix;
  nlohmann::json crl = nlohmann::json::array();
};

/// Runs the calibration; `log` receives a line per level as it finishes. Throws HsmError on faults
/// (nothing is written then).
HsmCalibration calibrate_hsm(const HsmCalibrationOptions& options, const Pin& pin,
                             const std::function<void(const std::string&)>& log);

/// The profile scenarios reference: per key type lambda, sigma, kappa with intervals, N_peak, X_peak,
/// the service time at N = 1 (mean, CV), the levels with histograms; metadata.
nlohmann::json profile_json(const HsmCalibration& c);
/// Everything measured (levels with per-second series and histograms).
nlohmann::json results_json(const HsmCalibration& c);
/// One row per level (sweeps, pair, mix, open loop).
std::string render_csv(const HsmCalibration& c);
/// The table on stdout.
std::string render_table(const HsmCalibration& c);

}  // namespace surge::real
