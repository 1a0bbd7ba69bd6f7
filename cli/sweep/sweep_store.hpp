// A sweep's results on disk: DIR/results.sqlite (every run, and one row per point with each metric's
// mean and 95% confidence interval) and DIR/results.csv (the points, rewritten whole after every run).
// Each run is committed on its own as it finishes, so an interrupted sweep loses nothing; results are keyed
// by the point's parameters and the replication, never by run order, and a stored run is reused only while
// its scenario hash (base scenario text and overrides) is unchanged.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/sweep_spec.hpp"

struct sqlite3;

namespace surge::sweep {

/// Thrown when the results cannot be read or written, or the directory holds another sweep's (bad input).
class StoreError : public std::runtime_error {
 public:
  explicit StoreError(const std::string& what, bool bad_input = false)
      : std::runtime_error(what), bad_input_(bad_input) {}
  bool bad_input() const { return bad_input_; }

 private:
  bool bad_input_;
};

/// One run as stored.
struct RunRecord {
  std::string point_key;
  int replication = 0;
  std::uint64_t seed = 0;
  bool ok = false;
  std::string error;      ///< why it failed
  nlohmann::json report;  ///< the run's summary JSON (surge run --json), when ok
  std::string scenario_hash;
  double wall_s = 0;
  std::string runner = "local";  ///< who ran it: "local", or "rank N on HOST" under MPI
};

/// The results of one sweep in one directory.
class SweepStore {
 public:
  /// Opens DIR/results.sqlite, creating it for this sweep (its points, expand_points(spec), in order); throws
  /// StoreError when DIR holds another sweep's results (different parameters or metrics).
  SweepStore(const std::string& dir, const SweepSpec& spec, const std::vector<SweepPoint>& points);
  ~SweepStore();
  SweepStore(const SweepStore&) = delete;
  SweepStore& operator=(const SweepStore&) = delete;

  /// The runs stored for a point, by replication (those with the current scenario hash only).
  std::map<int, RunRecord> runs(const std::string& point_key, const std::string& scenario_hash) const;
  /// Stores one run (replacing one with the same point and replication) and the point's row, in one
  /// transaction; then rewrites results.csv.
  void record(const RunRecord& run, const SweepPoint& point, int replications_wanted);
  /// Rewrites results.csv from the points table (atomically: temporary file, then rename).
  void write_csv() const;

  const std::string& dir() const { return dir_; }

 private:
  void exec(const std::string& sql) const;
  void update_point(const SweepPoint& point, const std::string& scenario_hash, int replications_wanted);

  std::string dir_;
  const SweepSpec& spec_;
  sqlite3* db_ = nullptr;
  std::vector<std::string> param_columns_;
  std::map<std::string, std::int64_t> point_index_;  // every point key's place in expansion order (CSV order)
};

/// A stable 64-bit hash (FNV-1a) as 16 hex digits: the same text gives the same hash on any machine.
std::string stable_hash(const std::string& text);

}  // namespace surge::sweep
