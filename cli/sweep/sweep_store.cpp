#include "cli/sweep/sweep_store.hpp"

#include <sqlite3.h>

#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <sstream>

#include "models/atomic_file.hpp"
#include "models/statistics.hpp"

namespace surge::sweep {
namespace {

constexpr int kBusyTimeout_ms = 10000;

std::string quote_id(const std::string& name) {
  std::string q = "\"";
  for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

// A prepared statement that finalizes itself.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK)
      throw StoreError(std::string("results database: ") + sqlite3_errmsg(db) + " in: " + sql);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  void bind(int i, const std::string& v) { sqlite3_bind_text(stmt_, i, v.c_str(), -1, SQLITE_TRANSIENT); }
  void bind(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void bind(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
  void bind_null(int i) { sqlite3_bind_null(stmt_, i); }
  void reset() { sqlite3_reset(stmt_); }
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw StoreError(std::string("results database: ") + sqlite3_errmsg(db_));
  }
  std::string text(int col) const {
    const unsigned char* t = sqlite3_column_text(stmt_, col);
    return t ? reinterpret_cast<const char*>(t) : "";
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  bool null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  bool is_real(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_FLOAT; }
  int columns() const { return sqlite3_column_count(stmt_); }
  std::string name(int col) const { return sqlite3_column_name(stmt_, col); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace

std::string stable_hash(const std::string& text) {
  constexpr std::uint64_t kOffset = 14695981039346656037ULL, kPrime = 1099511628211ULL;
  std::uint64_t h = kOffset;
  for (unsigned char c : text) h = (h ^ c) * kPrime;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, h);
  return buf;
}

SweepStore::SweepStore(const std::string& dir, const SweepSpec& spec, const std::vector<SweepPoint>& points)
    : dir_(dir), spec_(spec) {
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/results.sqlite";
  if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("cannot open " + path + ": " + why);
  }
  sqlite3_busy_timeout(db_, kBusyTimeout_ms);
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=FULL");
  for (const SweepParameter& p : spec.parameters) param_columns_.push_back(p.path);

  // What this directory holds must be this sweep's results: the same parameters and metrics.
  nlohmann::json shape = {{"parameters", param_columns_}, {"metrics", spec.metrics}};
  exec("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  {
    Statement q(db_, "SELECT value FROM meta WHERE key = 'shape'");
    if (q.step() && q.text(0) != shape.dump())
      throw StoreError(dir + " holds the results of another sweep (" + q.text(0) + "); choose another --out directory",
                       true);
  }
  exec("BEGIN");
  {
    Statement put(db_, "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)");
    for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
             {"shape", shape.dump()}, {"sweep", spec.name}, {"sweep_file", spec.file}, {"base", spec.base}}) {
      put.bind(1, k);
      put.bind(2, v);
      put.step();
      put.reset();
    }
  }
  exec(
      "CREATE TABLE IF NOT EXISTS runs(point_key TEXT NOT NULL, replication INTEGER NOT NULL, seed INTEGER NOT NULL, "
      "status TEXT NOT NULL, error TEXT, report TEXT, scenario_hash TEXT NOT NULL, surge_version TEXT NOT NULL, "
      "wall_s REAL, finished_at TEXT NOT NULL, runner TEXT, PRIMARY KEY(point_key, replication))");
  std::string cols = "point_key TEXT PRIMARY KEY, point_index INTEGER";
  for (const std::string& p : param_columns_) cols += ", " + quote_id(p) + " TEXT";
  cols += ", replications INTEGER, failed INTEGER, error TEXT, seed INTEGER, surge_version TEXT, scenario_hash TEXT";
  for (const std::string& m : spec.metrics)
    cols += ", " + quote_id(m + "_mean") + " REAL, " + quote_id(m + "_ci95") + " REAL";
  exec("CREATE TABLE IF NOT EXISTS points(" + cols + ")");
  exec("COMMIT");
  for (size_t i = 0; i < points.size(); ++i) point_index_[points[i].key()] = static_cast<std::int64_t>(i);
}

SweepStore::~SweepStore() {
  sqlite3_close(db_);
}

void SweepStore::exec(const std::string& sql) const {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    throw StoreError("results database: " + why);
  }
}

std::map<int, RunRecord> SweepStore::runs(const std::string& point_key, const std::string& scenario_hash) const {
  std::map<int, RunRecord> out;
  Statement q(
      db_,
      "SELECT replication, seed, status, error, report, wall_s FROM runs WHERE point_key = ? AND scenario_hash = ?");
  q.bind(1, point_key);
  q.bind(2, scenario_hash);
  while (q.step()) {
    RunRecord r;
    r.point_key = point_key;
    r.replication = static_cast<int>(q.integer(0));
    r.seed = static_cast<std::uint64_t>(q.integer(1));
    r.ok = q.text(2) == "ok";
    r.error = q.text(3);
    if (r.ok) r.report = nlohmann::json::parse(q.text(4));
    r.scenario_hash = scenario_hash;
    r.wall_s = q.real(5);
    out[r.replication] = r;
  }
  return out;
}

void SweepStore::record(const RunRecord& run, const SweepPoint& point, int replications_wanted) {
  exec("BEGIN IMMEDIATE");
  try {
    Statement put(db_,
                  "INSERT OR REPLACE INTO runs(point_key, replication, seed, status, error, report, scenario_hash, "
                  "surge_version, wall_s, finished_at, runner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    put.bind(1, run.point_key);
    put.bind(2, static_cast<std::int64_t>(run.replication));
    put.bind(3, static_cast<std::int64_t>(run.seed));
    put.bind(4, std::string(run.ok ? "ok" : "failed"));
    put.bind(5, run.error);
    if (run.ok)
      put.bind(6, run.report.dump());
    else
      put.bind_null(6);
    put.bind(7, run.scenario_hash);
    put.bind(8, std::string(SURGE_VERSION));
    put.bind(9, run.wall_s);
    put.bind(10, utc_now());
    put.bind(11, run.runner);
    put.step();
    update_point(point, run.scenario_hash, replications_wanted);
    exec("COMMIT");
  } catch (...) {
    exec("ROLLBACK");
    throw;
  }
  write_csv();
}

void SweepStore::update_point(const SweepPoint& point, const std::string& scenario_hash, int replications_wanted) {
  const std::map<int, RunRecord> done = runs(point.key(), scenario_hash);
  std::vector<nlohmann::json> reports;
  int failed = 0;
  std::string error;
  for (const auto& [r, rec] : done) {
    if (r >= replications_wanted) continue;
    if (rec.ok) {
      reports.push_back(rec.report);
    } else {
      ++failed;
      if (error.empty()) error = rec.error;
    }
  }
  const nlohmann::json summary = summarize(reports);
  std::string names = "point_key, point_index", marks = "?, ?";
  for (const std::string& p : param_columns_) names += ", " + quote_id(p), marks += ", ?";
  names += ", replications, failed, error, seed, surge_version, scenario_hash";
  marks += ", ?, ?, ?, ?, ?, ?";
  for (const std::string& m : spec_.metrics)
    names += ", " + quote_id(m + "_mean") + ", " + quote_id(m + "_ci95"), marks += ", ?, ?";
  Statement put(db_, "INSERT OR REPLACE INTO points(" + names + ") VALUES (" + marks + ")");
  int i = 1;
  put.bind(i++, point.key());
  const auto place = point_index_.find(point.key());
  put.bind(i++, place == point_index_.end() ? std::int64_t{-1} : place->second);
  for (const Override& o : point.overrides) put.bind(i++, o.value);
  put.bind(i++, static_cast<std::int64_t>(reports.size()));
  put.bind(i++, static_cast<std::int64_t>(failed));
  if (error.empty())
    put.bind_null(i++);
  else
    put.bind(i++, error);
  put.bind(i++, static_cast<std::int64_t>(spec_.seed));
  put.bind(i++, std::string(SURGE_VERSION));
  put.bind(i++, scenario_hash);
  for (const std::string& m : spec_.metrics) {
    const bool has = summary.contains(m) && summary[m]["n"].get<int>() > 0;
    if (has)
      put.bind(i++, summary[m]["mean"].get<double>());
    else
      put.bind_null(i++);
    if (has && summary[m]["n"].get<int>() > 1)
      put.bind(i++, summary[m]["ci95"].get<double>());
    else
      put.bind_null(i++);
  }
  put.step();
}

void SweepStore::write_csv() const {
  Statement q(db_, "SELECT * FROM points ORDER BY point_index, point_key");
  std::ostringstream out;
  bool header = false;
  while (q.step()) {
    if (!header) {
      for (int c = 0; c < q.columns(); ++c) out << (c ? "," : "") << csv_cell(q.name(c));
      out << "\n";
      header = true;
    }
    for (int c = 0; c < q.columns(); ++c) {
      out << (c ? "," : "");
      if (q.null(c)) continue;
      if (q.is_real(c)) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", q.real(c));  // exact: reads back to the same double
        out << buf;
      } else {
        out << csv_cell(q.text(c));
      }
    }
    out << "\n";
  }
  try {
    write_file_atomically(dir_ + "/results.csv", out.str());
  } catch (const std::runtime_error& e) {
    throw StoreError(e.what());
  }
}

}  // namespace surge::sweep
