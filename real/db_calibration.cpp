#include "real/db_calibration.hpp"

#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <thread>

#include <openssl/rand.h>
#include "models/exit_codes.hpp"
#include "real/ca_schema.hpp"
#include "real/db_integrity.hpp"
#include "real/db_prefill.hpp"
#include "real/run_environment.hpp"
#include "real/sa_operations.hpp"

namespace surge::real {
namespace {

using Clock = std::chrono::steady_clock;
constexpr double kAuthzReuseIssuance = 0.5;  // a day's orders: half their names validated recently
constexpr double kAuthzReuseReissue = 0.9;   // a replacement: the names were validated for the old one
constexpr std::uint64_t kMinFreeDiskBytes = 1ULL << 30;
constexpr double kSampleEvery_s = 1.0;
// The server's counters sampled each second (cumulative ones as per-second differences).
const std::vector<std::string> kCounters = {"Binlog_commits", "Binlog_group_commits", "Innodb_data_fsyncs",
                                            "Innodb_row_lock_waits", "Com_commit"};
const std::vector<std::string> kGauges = {"Innodb_history_list_length", "Innodb_checkpoint_age",
                                          "Innodb_row_lock_current_waits", "Threads_running"};

std::map<std::string, std::string> status(DbConnection& c) {
  std::string in;
  for (const auto* list : {&kCounters, &kGauges})
    for (const std::string& v : *list) in += (in.empty() ? "'" : ",'") + v + "'";
  std::map<std::string, std::string> out;
  for (const DbRow& r : c.query("SHOW GLOBAL STATUS WHERE Variable_name IN (" + in + ")"))
    out[r[0].value_or("")] = r[1].value_or("");
  return out;
}

// A worker's connection, writer and account for one level.
struct Worker {
  std::unique_ptr<DbConnection> connection;
  std::unique_ptr<SyntheticData> data;
  std::unique_ptr<SaWriter> writer;
  std::int64_t registration = 0;
  std::map<std::string, CallStats> calls;
  std::uint64_t units = 0;
};

std::uint64_t gtid_seq(const std::optional<std::string>& pos) {
  // "0-1-1234" (one domain): the sequence number is the last field.
  if (!pos || pos->empty()) return 0;
  const std::size_t dash = pos->rfind('-');
  return std::stoull(pos->substr(dash + 1));
}

class Sweep {
 public:
  Sweep(const DbCalibrationOptions& o, const DbTarget& target, std::int64_t run, std::vector<std::string> revocable,
        const std::function<void(const std::string&)>& log)
      : o_(o), target_(target), run_(run), revocable_(std::move(revocable)), log_(log) {
    if (!o.journal.empty()) journal_ = std::make_unique<AckJournal>(o.journal);
  }

  /// Samples a replica's progress each second (GTID sequence numbers on both sides).
  void watch_replica(DbConnection* replica, DbConnection* primary) {
    replica_ = replica;
    primary_ = primary;
  }

  DbLevel run(int connections, int level_index) {
    std::vector<Worker> workers = connect_workers(connections, level_index);
    auto monitor = connect_mariadb(target_);
    LevelState state(o_);
    std::vector<std::thread> threads;
    for (Worker& wk : workers) threads.emplace_back([this, &wk, &state] { work(wk, state); });
    DbLevel level;
    level.connections = connections;
    std::this_thread::sleep_until(state.measure);
    const double cpu0 = process_cpu_seconds();
    watch(*monitor, level, state);
    const double cpu1 = process_cpu_seconds();
    for (std::thread& t : threads) t.join();
    if (!state.error.empty()) {
      std::uint64_t unknown = 0;
      for (const Worker& wk : workers) unknown += wk.writer->counts().unknown;
      if (unknown > 0)
        state.error += " (" + std::to_string(unknown) + " commit" + (unknown == 1 ? "" : "s") +
                       " sent and never acknowledged: unknown whether committed)";
      throw DbError(state.error, state.error_code);
    }
    level.duration_s = o_.duration_s;
    level.client_cpu_cores = (cpu1 - cpu0) / o_.duration_s;
    merge(workers, level);
    return level;
  }

 private:
  // A level's instants and what its threads share: the stop flag, the last commit (for the watchdog), the
  // first error.
  struct LevelState {
    explicit LevelState(const DbCalibrationOptions& o)
        : start(Clock::now() + std::chrono::milliseconds(50)),
          measure(start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.warmup_s))),
          end(measure + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.duration_s))),
          last_commit_ns(start.time_since_epoch().count()) {}
    void fail(const DbError& e) {
      std::lock_guard<std::mutex> lock(mu);
      if (error.empty()) error = e.what(), error_code = e.code();
      stop = true;
    }
    const Clock::time_point start, measure, end;
    std::atomic<bool> stop{false};
    std::atomic<std::int64_t> last_commit_ns;
    std::mutex mu;
    std::string error;
    unsigned error_code = 0;
  };

  // A connection, an account and a writer per worker. Streams differ by run, level and worker: a later run
  // into the same database writes new keys.
  std::vector<Worker> connect_workers(int connections, int level_index) {
    std::vector<Worker> workers(static_cast<size_t>(connections));
    for (int w = 0; w < connections; ++w) {
      Worker& wk = workers[static_cast<size_t>(w)];
      wk.connection = connect_mariadb(target_);
      wk.connection->execute("USE `" + o_.database + "`");
      wk.data = std::make_unique<SyntheticData>(
          o_.seed, (static_cast<std::uint64_t>(run_) << 32) ^ (static_cast<std::uint64_t>(level_index) * 10007 + w));
      wk.writer = std::make_unique<SaWriter>(*wk.connection, *wk.data);
      wk.registration = wk.writer->new_registration();
    }
    return workers;
  }

  // One worker: units of the mix from the start until the end, each commit timed inside the window.
  void work(Worker& wk, LevelState& state) {
    wk.writer->observe([&](const std::string& call, double s, std::uint64_t rows, std::uint64_t trips) {
      const auto now = Clock::now();
      state.last_commit_ns.store(now.time_since_epoch().count(), std::memory_order_relaxed);
      if (now < state.measure || now > state.end) return;
      CallStats& cs = wk.calls[call];
      ++cs.commits;
      cs.rows += rows;
      cs.round_trips += trips;
      cs.latency.record(s);
    });
    std::this_thread::sleep_until(state.start);
    try {
      while (!state.stop.load(std::memory_order_relaxed) && Clock::now() < state.end) {
        if (!unit(wk)) break;
        if (Clock::now() >= state.measure && Clock::now() <= state.end) ++wk.units;
      }
    } catch (const DbError& e) {
      state.fail(e);
    }
  }

  // The monitor: the server's counters (and a replica's progress) each second, and the watchdog.
  void watch(DbConnection& monitor, DbLevel& level, LevelState& state) {
    try {
      std::map<std::string, std::string> prev = status(monitor);
      if (replica_) replica_prev_ = gtid_seq(replica_->scalar("SELECT @@gtid_slave_pos"));
      const auto every = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(kSampleEvery_s));
      for (auto t = state.measure + every; t <= state.end && !state.stop; t += every) {
        std::this_thread::sleep_until(t);
        const std::map<std::string, std::string> now = status(monitor);
        level.per_second.push_back(sample(prev, now));
        prev = now;
        const double idle_s = std::chrono::duration<double>(Clock::now().time_since_epoch() -
                                                            Clock::duration(state.last_commit_ns.load()))
                                  .count();
        if (idle_s > o_.stall_timeout_s) stall(monitor, idle_s);
      }
    } catch (const DbError& e) {
      state.fail(e);  // the monitor lost the server too: stop the workers, then report
    }
  }

  // One second's sample: counters as differences, gauges as they stand, a replica's progress.
  nlohmann::json sample(const std::map<std::string, std::string>& prev, const std::map<std::string, std::string>& now) {
    nlohmann::json out = nlohmann::json::object();
    for (const std::string& k : kCounters)
      if (now.count(k) && prev.count(k)) out[k] = std::stod(now.at(k)) - std::stod(prev.at(k));
    for (const std::string& k : kGauges)
      if (now.count(k)) out[k] = std::stod(now.at(k));
    if (replica_) {
      const std::uint64_t applied = gtid_seq(replica_->scalar("SELECT @@gtid_slave_pos"));
      const std::uint64_t written = gtid_seq(primary_->scalar("SELECT @@gtid_binlog_pos"));
      out["replica_applied"] = static_cast<double>(applied - std::min(applied, replica_prev_));
      out["replica_lag_transactions"] = static_cast<double>(written - std::min(written, applied));
      replica_prev_ = applied;
    }
    return out;
  }

  // The workers' counts, summed into the level.
  static void merge(std::vector<Worker>& workers, DbLevel& level) {
    std::uint64_t rows = 0;
    for (Worker& wk : workers) {
      for (auto& [name, cs] : wk.calls) {
        CallStats& into = level.calls[name];
        into.commits += cs.commits;
        into.rows += cs.rows;
        into.round_trips += cs.round_trips;
        into.latency.merge(cs.latency);
        level.commits += cs.commits;
        rows += cs.rows;
      }
      level.units += wk.units;
      level.retries += wk.writer->counts().retries;
      level.deadlocks += wk.writer->counts().deadlocks;
      level.unknown += wk.writer->counts().unknown;
    }
    level.commits_per_s = static_cast<double>(level.commits) / level.duration_s;
    level.rows_per_s = static_cast<double>(rows) / level.duration_s;
  }

  // One unit of the mix; false when there is nothing left to revoke.
  bool unit(Worker& wk) {
    SaWriter& sa = *wk.writer;
    switch (o_.mix) {
      case DbMix::ISSUANCE: {
        const PendingOrder order = sa.new_order(wk.registration, kAuthzReuseIssuance, std::nullopt);
        sa.finalize_authorizations(order);
        acknowledged_certificate(sa.issue(order));
        return true;
      }
      case DbMix::REVOCATION: {
        const std::optional<std::string> serial = next_revocable();
        if (!serial) return false;
        sa.revoke(*serial);
        acknowledged_revocation(*serial);
        return true;
      }
      case DbMix::REISSUE: {
        const std::optional<std::string> serial = next_revocable();
        if (!serial) return false;
        const PendingOrder order = sa.new_order(wk.registration, kAuthzReuseReissue, *serial);
        sa.finalize_authorizations(order);
        acknowledged_certificate(sa.issue(order));
        sa.revoke(*serial);  // replace first, then revoke: the site never breaks
        acknowledged_revocation(*serial);
        return true;
      }
      case DbMix::NEW_ORDER:
        sa.new_order(wk.registration, kAuthzReuseIssuance, std::nullopt);
        return true;
    }
    return false;
  }

  void acknowledged_certificate(const std::string& serial) {
    if (journal_) journal_->certificate(serial);
  }
  void acknowledged_revocation(const std::string& serial) {
    if (journal_) journal_->revoked(serial);
  }

  std::optional<std::string> next_revocable() {
    const std::size_t i = next_.fetch_add(1);
    if (i >= revocable_.size()) {
      if (i == revocable_.size()) log_("prefilled certificates exhausted: raise --prefill for longer levels");
      return std::nullopt;
    }
    return revocable_[i];
  }

  // No commit for too long: say what the server is doing and stop (exit 3, no profile).
  [[noreturn]] void stall(DbConnection& monitor, double idle_s) {
    std::ostringstream d;
    d << "surge calibrate db: no commit for " << static_cast<int>(idle_s) << " s (watchdog); the server's threads:";
    try {
      for (const DbRow& r : monitor.query("SELECT state, COUNT(*) FROM information_schema.processlist WHERE "
                                          "command <> 'Sleep' GROUP BY state"))
        d << " [" << r[0].value_or("") << ": " << r[1].value_or("0") << "]";
      const std::optional<std::string> base = monitor.scalar("SELECT @@log_bin_basename");
      if (base && is_loopback(target_)) {
        struct statvfs fs {};
        if (statvfs(std::filesystem::path(*base).parent_path().c_str(), &fs) == 0)
          d << "; free disk where the binary logs go: "
            << static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize) / 1e9 << " GB";
      }
    } catch (const DbError& e) {
      d << " (cannot ask the server: " << e.what() << ")";
    }
    std::fprintf(stderr, "%s\n", d.str().c_str());
    std::fflush(stderr);
    std::_Exit(kExitRuntime);  // workers are blocked in the server; a local server follows its parent down
  }

  const DbCalibrationOptions& o_;
  DbTarget target_;
  std::int64_t run_;
  std::vector<std::string> revocable_;
  std::atomic<std::size_t> next_{0};
  const std::function<void(const std::string&)>& log_;
  std::unique_ptr<AckJournal> journal_;
  DbConnection* replica_ = nullptr;
  DbConnection* primary_ = nullptr;
  std::uint64_t replica_prev_ = 0;
};

}  // namespace

std::string mix_name(DbMix m) {
  switch (m) {
    case DbMix::ISSUANCE:
      return "issuance";
    case DbMix::REVOCATION:
      return "revocation";
    case DbMix::REISSUE:
      return "reissue";
    case DbMix::NEW_ORDER:
      return "new-order";
  }
  return "?";
}

std::optional<DbMix> parse_mix(const std::string& name) {
  for (DbMix m : {DbMix::ISSUANCE, DbMix::REVOCATION, DbMix::REISSUE, DbMix::NEW_ORDER})
    if (mix_name(m) == name) return m;
  return std::nullopt;
}

nlohmann::json check_target(DbConnection& c, const DbTarget& target, bool allow_replicated) {
  nlohmann::json found;
  const DbRow ro = c.query("SELECT @@global.read_only, @@global.innodb_read_only").at(0);
  if (ro[0].value_or("0") != "0" || ro[1].value_or("0") != "0")
    throw RefusedTarget("the server is read-only: surge calibrates a writer");
  found["read_only"] = false;
  bool replica = false;
  try {
    replica = !c.query("SHOW ALL SLAVES STATUS").empty();
  } catch (const DbError& e) {
    if (!allow_replicated)
      throw RefusedTarget("cannot tell whether the server is a replica (" + std::string(e.what()) +
                          "); grant SLAVE MONITOR or pass --allow-replicated");
  }
  const std::uint64_t attached = std::stoull(
      c.scalar("SELECT COUNT(*) FROM information_schema.processlist WHERE command LIKE 'Binlog Dump%'").value_or("0"));
  found["replica"] = replica;
  found["replicas_attached"] = attached;
  if (!allow_replicated && replica)
    throw RefusedTarget("the server is a replica: its writes come from its primary (--allow-replicated to override)");
  if (!allow_replicated && attached > 0)
    throw RefusedTarget("the server has " + std::to_string(attached) +
                        " replica(s) attached: calibration writes would reach them (--allow-replicated to override)");
  const std::optional<std::string> binlog = c.scalar("SELECT @@log_bin_basename");
  if (binlog && is_loopback(target)) {
    struct statvfs fs {};
    if (statvfs(std::filesystem::path(*binlog).parent_path().c_str(), &fs) == 0) {
      const auto free = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
      found["binlog_free_disk_bytes"] = free;
      if (free < kMinFreeDiskBytes)
        throw RefusedTarget("only " + std::to_string(free / (1 << 20)) + " MiB free where the binary logs go (" +
                            *binlog + "): at least 1 GiB is needed");
    }
  } else {
    found["binlog_free_disk_bytes"] = nullptr;  // a remote server's disk cannot be seen from here
  }
  return found;
}

std::map<std::string, std::string> server_settings(DbConnection& c) {
  std::map<std::string, std::string> out;
  for (const DbRow& r :
       c.query("SHOW GLOBAL VARIABLES WHERE Variable_name IN ('innodb_flush_log_at_trx_commit','log_bin',"
               "'sync_binlog','binlog_format','innodb_buffer_pool_size','innodb_log_file_size','version',"
               "'innodb_doublewrite','max_connections')"))
    out[r[0].value_or("")] = r[1].value_or("");
  return out;
}

std::vector<Durability> durability_matrix() {
  Durability binlog_off;
  binlog_off.log_bin = false;
  Durability relaxed;
  relaxed.flush_log_at_trx_commit = 2;
  relaxed.sync_binlog = 0;
  return {Durability{}, binlog_off, relaxed};
}

std::string describe(const Durability& d) {
  return "flush_log_at_trx_commit=" + std::to_string(d.flush_log_at_trx_commit) +
         (d.log_bin ? " log_bin=ON sync_binlog=" + std::to_string(d.sync_binlog) : std::string(" log_bin=OFF"));
}

namespace {

using Log = std::function<void(const std::string&)>;

// Realistic state before the sweep: issued certificates, by default twice the buffer pool; the tables
// analysed. Returns the prefill and its record for the results.
Prefill prefill_state(DbConnection& c, const DbCalibrationOptions& o, const std::map<std::string, std::string>& set,
                      std::int64_t run, nlohmann::json& record, const Log& log) {
  const std::uint64_t buffer_pool =
      std::stoull(set.count("innodb_buffer_pool_size") ? set.at("innodb_buffer_pool_size") : "0");
  const std::uint64_t target_bytes = o.prefill_bytes.value_or(2 * buffer_pool);
  SyntheticData prefill_data(o.seed, (static_cast<std::uint64_t>(run) << 32) ^ 0xF111);
  SaWriter owner(c, prefill_data);
  const std::int64_t reg = owner.new_registration();
  log("prefilling " + std::to_string(target_bytes / (1 << 20)) + " MiB");
  Prefill p = prefill(c, prefill_data, reg, target_bytes);
  for (const std::string& t : ca_tables()) c.execute("ANALYZE TABLE `" + t + "`");
  nlohmann::json sizes = nlohmann::json::object();
  for (const auto& [table, data, index] : table_sizes(c, o.database))
    sizes[table] = {{"data_bytes", data}, {"index_bytes", index}};
  record = {{"certificates", p.certificates}, {"bytes_written", p.bytes}, {"seconds", p.seconds}, {"tables", sizes}};
  return p;
}

// The levels as listed, or doubling until commits/s falls for two levels in a row.
void sweep_levels(Sweep& sweep, const DbCalibrationOptions& o, std::vector<DbLevel>& levels, const Log& log) {
  LevelSchedule schedule(o.connections, o.max_connections);
  for (int i = 0;; ++i) {
    const int connections = schedule.level();
    DbLevel l = sweep.run(connections, i);
    char line[256];
    std::snprintf(line, sizeof line, "%s: %d connections: %.0f commits/s, %.0f rows/s, %llu units, %llu retries",
                  mix_name(o.mix).c_str(), connections, l.commits_per_s, l.rows_per_s,
                  static_cast<unsigned long long>(l.units), static_cast<unsigned long long>(l.retries));
    log(line);
    levels.push_back(std::move(l));
    if (!schedule.next(levels.back().commits_per_s)) break;
  }
}

// The USL on commits/s over connections, and on each SA call's commits/s.
void fit_levels(DbCalibration& cal, const DbCalibrationOptions& o) {
  std::vector<UslSample> samples;
  std::map<std::string, std::vector<UslSample>> by_call;
  for (const DbLevel& l : cal.levels) {
    samples.push_back({static_cast<double>(l.connections), l.commits_per_s});
    for (const auto& [name, s] : l.calls)
      by_call[name].push_back({static_cast<double>(l.connections), static_cast<double>(s.commits) / l.duration_s});
  }
  cal.fit = fit_usl(samples, o.bootstrap, o.seed);
  for (const auto& [name, s] : by_call) cal.fits_by_call[name] = fit_usl(s, o.bootstrap, o.seed);
}

// After the last level: how long the replica takes to apply what it was behind by, and its lag per level.
nlohmann::json replica_catch_up(const LocalReplica& replica, const std::vector<DbLevel>& levels) {
  const auto t0 = Clock::now();
  const std::uint64_t target_seq = gtid_seq(replica.primary_admin->scalar("SELECT @@gtid_binlog_pos"));
  while (gtid_seq(replica.admin->scalar("SELECT @@gtid_slave_pos")) < target_seq &&
         Clock::now() - t0 < std::chrono::seconds(600))
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  nlohmann::json per_level = nlohmann::json::array();
  for (const DbLevel& l : levels) {
    double applied = 0, max_lag = 0;
    for (const auto& sample : l.per_second) {
      applied += sample.value("replica_applied", 0.0);
      max_lag = std::max(max_lag, sample.value("replica_lag_transactions", 0.0));
    }
    const double seconds = std::max<double>(1.0, static_cast<double>(l.per_second.size()));
    per_level.push_back({{"connections", l.connections},
                         {"primary_transactions_per_s", l.commits_per_s},
                         {"replica_applied_per_s", applied / seconds},
                         {"max_lag_transactions", max_lag}});
  }
  return {{"levels", per_level},
          {"catch_up_s", std::chrono::duration<double>(Clock::now() - t0).count()},
          {"caught_up", gtid_seq(replica.admin->scalar("SELECT @@gtid_slave_pos")) >= target_seq}};
}

DbCalibration calibrate_one(const DbCalibrationOptions& o, const Log& log) {
  std::unique_ptr<LocalMariaDb> server;
  DbTarget target = o.target;
  LocalReplica replica;
  if (o.local) {
    server = std::make_unique<LocalMariaDb>(o.local_server);
    target = server->target();
    log("local MariaDB in " + server->dir() + " on 127.0.0.1:" + std::to_string(target.port) + " (" +
        describe(o.local_server.durability) + ")");
    if (o.local_replica) {
      replica = start_local_replica(*server, o.local_server);
      log("local replica in " + replica.server->dir());
    }
  }
  auto c = connect_mariadb(target);
  DbCalibration cal;
  // The local replica is surge's own: its primary may have it attached.
  const nlohmann::json checks = check_target(*c, target, o.allow_replicated || o.local_replica);
  const std::string uuid = open_surge_database(*c, o.database);
  const std::int64_t run = start_run(*c, "surge calibrate db, mix " + mix_name(o.mix));
  const std::map<std::string, std::string> set = server_settings(*c);
  const Prefill p = prefill_state(*c, o, set, run, cal.prefill, log);

  Sweep sweep(o, target, run, p.serials, log);
  if (replica.admin) sweep.watch_replica(replica.admin.get(), replica.primary_admin.get());
  sweep_levels(sweep, o, cal.levels, log);
  fit_levels(cal, o);

  const IntegrityReport integrity = check_integrity(*c);
  cal.integrity = nlohmann::json::array();
  for (const IntegrityCheck& ic : integrity.checks)
    cal.integrity.push_back({{"invariant", ic.invariant}, {"violations", ic.violations}});
  if (!integrity.ok()) throw DbError("the integrity check failed after the sweep (see --check-integrity)", 0);

  cal.metadata = {{"target", o.local ? "local" : "dsn"},
                  {"server", o.local ? "127.0.0.1 (throwaway)" : target.host + ":" + std::to_string(target.port)},
                  {"server_version", set.count("version") ? set.at("version") : ""},
                  {"settings", set},
                  {"checks", checks},
                  {"database", o.database},
                  {"database_uuid", uuid},
                  {"run", run},
                  {"mix", mix_name(o.mix)},
                  {"duration_s", o.duration_s},
                  {"warmup_s", o.warmup_s},
                  {"surge_version", SURGE_VERSION},
                  {"date", utc_timestamp()},
                  {"host", host_name()}};
  if (replica.admin) cal.replica = replica_catch_up(replica, cal.levels);
  return cal;
}

}  // namespace

DbCalibration calibrate_db(const DbCalibrationOptions& o, const std::function<void(const std::string&)>& log) {
  DbCalibration cal = calibrate_one(o, log);
  if (o.local && o.durability_matrix) {
    // The other settings, each on a fresh server (log_bin cannot change at run time); the profile keeps
    // the first, the CA's own.
    const std::vector<Durability> matrix = durability_matrix();
    for (std::size_t i = 1; i < matrix.size(); ++i) {
      DbCalibrationOptions other = o;
      other.local_server.durability = matrix[i];
      other.local_server.dir.clear();
      other.local_server.keep = false;
      other.journal.clear();
      other.local_replica = other.local_replica && matrix[i].log_bin;
      cal.durability.push_back(calibrate_one(other, log));
    }
  }
  return cal;
}

}  // namespace surge::real
