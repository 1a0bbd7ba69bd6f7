// A database connection behind one interface (MariaDB today; PostgreSQL can follow): plain statements
// for DDL and small reads, prepared statements for the write path, explicit transactions, and a count
// of client-server round trips.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace surge::real {

/// A failure of the server or the connection; `code` is the server's error number (0 if none).
class DbError : public std::runtime_error {
 public:
  DbError(const std::string& what, unsigned code) : std::runtime_error(what), code_(code) {}
  unsigned code() const { return code_; }
  /// True for errors a transaction is retried after (deadlock, lock wait timeout).
  bool retryable() const;
  /// True for a deadlock (one of the retryable errors).
  bool deadlock() const;
  /// True when the connection is gone (the outcome of a commit in flight is then unknown).
  bool connection_lost() const;
  /// True when the caller's configuration is at fault (wrong user or password, a missing privilege):
  /// exit 2 rather than 3.
  bool configuration() const;

 private:
  unsigned code_;
};

/// A bound parameter: NULL, an integer, or bytes (text and blobs alike).
using DbValue = std::variant<std::monostate, std::int64_t, std::string>;

/// A result row: each column as text, or nullopt for NULL.
using DbRow = std::vector<std::optional<std::string>>;

/// A prepared statement of one connection.
class DbStatement {
 public:
  virtual ~DbStatement() = default;
  /// Executes with these parameters; returns the rows affected.
  virtual std::uint64_t execute(const std::vector<DbValue>& params) = 0;
  /// The AUTO_INCREMENT id of the last insert.
  virtual std::uint64_t last_insert_id() const = 0;
};

/// One connection to a server.
class DbConnection {
 public:
  virtual ~DbConnection() = default;
  /// Runs a statement that returns no rows (DDL, SET, BEGIN, COMMIT).
  virtual void execute(const std::string& sql) = 0;
  /// Runs a query and returns all its rows (small reads only).
  virtual std::vector<DbRow> query(const std::string& sql) = 0;
  /// Prepares a statement (owned by the caller, valid while the connection lives).
  virtual std::unique_ptr<DbStatement> prepare(const std::string& sql) = 0;
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  /// Client-server round trips made so far (each statement, prepare, begin, commit).
  virtual std::uint64_t round_trips() const = 0;
  /// The single value of a one-row, one-column query (nullopt for NULL or no row).
  std::optional<std::string> scalar(const std::string& sql);
};

/// Where to connect.
struct DbTarget {
  std::string host = "127.0.0.1";
  unsigned port = 3306;
  std::string user;
  std::string password;  ///< never logged
  std::string database;  ///< may be empty
  std::string socket;    ///< a Unix socket instead of TCP (local servers)
  bool require_tls = false;
};

/// True for a Unix socket or a loopback host (localhost, 127.x, ::1).
bool is_loopback(const DbTarget& target);

/// Parses "mariadb://USER@HOST:PORT/DB" (no password in it: that comes from the environment or a file);
/// TLS is required unless the host is loopback. Throws std::invalid_argument naming what is wrong.
DbTarget parse_dsn(const std::string& dsn);

/// Connects to MariaDB (MySQL protocol) with the C client library. Throws DbError.
std::unique_ptr<DbConnection> connect_mariadb(const DbTarget& target);

}  // namespace surge::real
