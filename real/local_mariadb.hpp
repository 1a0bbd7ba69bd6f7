// A throwaway MariaDB server on loopback in a temporary directory (`surge calibrate db --local`, and
// the tests): mariadb-install-db, mariadbd with its own defaults file (127.0.0.1 on a free port, a
// private socket, durable settings and the binary log on by default), a calibration user with a random
// password, stopped (SIGTERM, then SIGKILL after a grace period) and removed when it goes. A temporary
// folder is removed however surge ends (a janitor process waits for it), and folders of dead runs are
// removed at the next start; a kept folder (--local-dir) killed while it was being installed is
// installed afresh, and moves to a free port when its old one was taken meanwhile.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>

#include "real/db_connection.hpp"

namespace surge::real {

/// Durability settings of a local server.
struct Durability {
  int flush_log_at_trx_commit = 1;  ///< innodb_flush_log_at_trx_commit
  bool log_bin = true;
  int sync_binlog = 1;
  std::string binlog_format = "ROW";
};

/// Options of a local server.
struct LocalServerOptions {
  Durability durability;
  std::string buffer_pool = "128M";  ///< innodb_buffer_pool_size
  std::string dir;                   ///< where to put it (empty: a new folder under the temp directory)
  bool keep = false;                 ///< leave the folder (for --check-integrity --local-dir later)
  int server_id = 1;
  std::string net_namespace;              ///< a network namespace to run it in (real/net_lab; empty: this one's)
  std::string address = "127.0.0.1";      ///< where it listens and target() connects
  std::string client_host = "127.0.0.1";  ///< where its users may connect from (a MariaDB host pattern)
};

/// A running private server. Not copyable.
class LocalMariaDb {
 public:
  /// Installs and starts it (or, when `options.dir` holds a server surge made before, starts that one);
  /// throws DbError with the server's log tail if it does not come up.
  explicit LocalMariaDb(const LocalServerOptions& options = {});
  /// Starts an existing data directory again (after a crash or a stop), same port and socket.
  static LocalMariaDb reopen(const std::string& dir);
  ~LocalMariaDb();
  LocalMariaDb(const LocalMariaDb&) = delete;
  LocalMariaDb& operator=(const LocalMariaDb&) = delete;
  LocalMariaDb(LocalMariaDb&& other) noexcept;

  /// The calibration user over TCP on 127.0.0.1 (its password random, held in memory only).
  DbTarget target() const { return target_; }
  /// root over the private socket (administration: SET GLOBAL, SHUTDOWN).
  DbTarget admin_target() const;
  const std::string& dir() const { return dir_; }
  pid_t pid() const { return pid_; }
  /// Stops it cleanly (SIGTERM, waits); the data stays until destruction (unless kept).
  void stop();
  /// SIGKILL: a crash. The data directory stays; reopen() recovers it.
  void kill_hard();

 private:
  struct Existing {};
  explicit LocalMariaDb(Existing) {}
  void start();
  DbTarget target_from_config() const;
  void create_user(DbTarget t);
  std::string dir_;
  std::string config_;
  pid_t pid_ = -1;
  bool keep_ = false;
  int janitor_fd_ = -1;  ///< a temporary folder's janitor ends (and removes it) when this closes
  std::string net_namespace_, address_ = "127.0.0.1", client_host_ = "127.0.0.1";
  DbTarget target_;
};

/// A replica of a local server, fed by GTID from the primary's binary log from the moment it starts
/// (earlier events, such as the servers' own users, are not replayed).
struct LocalReplica {
  std::unique_ptr<LocalMariaDb> server;
  std::unique_ptr<DbConnection> admin;          ///< root on the replica
  std::unique_ptr<DbConnection> primary_admin;  ///< root on the primary
};

/// Starts a replica of `primary` (server id + 1, settings, namespace and address of `options`) and waits
/// until the primary serves it its binary log. Throws DbError.
LocalReplica start_local_replica(LocalMariaDb& primary, const LocalServerOptions& options);

}  // namespace surge::real
