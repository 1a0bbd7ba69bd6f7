// DbConnection over the MariaDB C client (libmariadb): text protocol for DDL and reads, binary
// protocol (mysql_stmt_*) for the write path.
#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include <cstring>
#include <regex>

#include "real/db_connection.hpp"

namespace surge::real {
namespace {

constexpr unsigned kConnectTimeout_s = 10;

class MariaDbStatement : public DbStatement {
 public:
  MariaDbStatement(MYSQL* db, const std::string& sql, std::uint64_t* round_trips) : db_(db), round_trips_(round_trips) {
    stmt_ = mysql_stmt_init(db);
    if (!stmt_) throw DbError("mysql_stmt_init: out of memory", 0);
    ++*round_trips_;
    if (mysql_stmt_prepare(stmt_, sql.c_str(), sql.size()) != 0) {
      const DbError e("prepare: " + std::string(mysql_stmt_error(stmt_)) + " in: " + sql, mysql_stmt_errno(stmt_));
      mysql_stmt_close(stmt_);
      throw e;
    }
    params_ = mysql_stmt_param_count(stmt_);
  }
  ~MariaDbStatement() override { mysql_stmt_close(stmt_); }

  std::uint64_t execute(const std::vector<DbValue>& params) override {
    if (params.size() != params_)
      throw DbError("statement takes " + std::to_string(params_) + " parameters, got " + std::to_string(params.size()),
                    0);
    // Reused between executions: no allocation on the write path once the statement has run.
    bind_.resize(params.size());
    ints_.resize(params.size());
    lengths_.resize(params.size());
    std::vector<MYSQL_BIND>& bind = bind_;
    std::vector<long long>& ints = ints_;
    std::vector<unsigned long>& lengths = lengths_;
    for (size_t i = 0; i < params.size(); ++i) {
      MYSQL_BIND& b = bind[i];
      std::memset(&b, 0, sizeof b);
      if (std::holds_alternative<std::monostate>(params[i])) {
        b.buffer_type = MYSQL_TYPE_NULL;
      } else if (const auto* v = std::get_if<std::int64_t>(&params[i])) {
        ints[i] = *v;
        b.buffer_type = MYSQL_TYPE_LONGLONG;
        b.buffer = &ints[i];
      } else {
        const std::string& s = std::get<std::string>(params[i]);
        lengths[i] = s.size();
        b.buffer_type = MYSQL_TYPE_BLOB;
        b.buffer = const_cast<char*>(s.data());
        b.buffer_length = s.size();
        b.length = &lengths[i];
      }
    }
    if (!bind.empty() && mysql_stmt_bind_param(stmt_, bind.data()) != 0) fail("bind");
    ++*round_trips_;
    if (mysql_stmt_execute(stmt_) != 0) fail("execute");
    const my_ulonglong affected = mysql_stmt_affected_rows(stmt_);
    return affected == static_cast<my_ulonglong>(-1) ? 0 : affected;
  }

  std::uint64_t last_insert_id() const override { return mysql_stmt_insert_id(stmt_); }

 private:
  [[noreturn]] void fail(const std::string& what) {
    throw DbError(what + ": " + mysql_stmt_error(stmt_), mysql_stmt_errno(stmt_));
  }
  MYSQL* db_;
  MYSQL_STMT* stmt_ = nullptr;
  unsigned long params_ = 0;
  std::uint64_t* round_trips_;
  std::vector<MYSQL_BIND> bind_;
  std::vector<long long> ints_;
  std::vector<unsigned long> lengths_;
};

// The client's message, with what to do for the common failures (its " (115)" alone says little).
std::string connect_error(MYSQL* db, const std::string& where) {
  const std::string text = mysql_error(db);
  switch (mysql_errno(db)) {
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
      return "nothing accepted the connection at " + where +
             " (refused or unreachable): is a MariaDB server running and listening there? (client: " + text + ")";
    case CR_UNKNOWN_HOST:
      return "the host name does not resolve (client: " + text + ")";
    case ER_ACCESS_DENIED_ERROR:
      return "the server refused the user and password: check the user in --dsn and the password "
             "(SURGE_DB_PASSWORD, --password-env or --password-file) (server: " +
             text + ")";
    default:
      return text;
  }
}

class MariaDbConnection : public DbConnection {
 public:
  explicit MariaDbConnection(const DbTarget& t) {
    db_ = mysql_init(nullptr);
    if (!db_) throw DbError("mysql_init: out of memory", 0);
    const unsigned timeout = kConnectTimeout_s;
    mysql_options(db_, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    if (t.require_tls) {
      const my_bool enforce = 1;
      mysql_optionsv(db_, MYSQL_OPT_SSL_ENFORCE, &enforce);
    }
    const char* socket = t.socket.empty() ? nullptr : t.socket.c_str();
    const char* host = t.socket.empty() ? t.host.c_str() : "localhost";
    if (!mysql_real_connect(db_, host, t.user.c_str(), t.password.c_str(),
                            t.database.empty() ? nullptr : t.database.c_str(), t.port, socket, 0)) {
      const std::string where = t.socket.empty() ? t.host + ":" + std::to_string(t.port) : t.socket;
      const DbError e("cannot connect to " + where + " as " + t.user + ": " + connect_error(db_, where),
                      mysql_errno(db_));
      mysql_close(db_);
      throw e;
    }
    ++round_trips_;
  }
  ~MariaDbConnection() override { mysql_close(db_); }

  void execute(const std::string& sql) override {
    ++round_trips_;
    if (mysql_real_query(db_, sql.c_str(), sql.size()) != 0) fail(sql);
    // Drain any result so the connection is ready for the next statement.
    if (MYSQL_RES* r = mysql_store_result(db_)) mysql_free_result(r);
  }

  std::vector<DbRow> query(const std::string& sql) override {
    ++round_trips_;
    if (mysql_real_query(db_, sql.c_str(), sql.size()) != 0) fail(sql);
    MYSQL_RES* r = mysql_store_result(db_);
    std::vector<DbRow> rows;
    if (!r) {
      if (mysql_field_count(db_) != 0) fail(sql);
      return rows;
    }
    const unsigned n = mysql_num_fields(r);
    while (MYSQL_ROW row = mysql_fetch_row(r)) {
      const unsigned long* len = mysql_fetch_lengths(r);
      DbRow out(n);
      for (unsigned i = 0; i < n; ++i)
        if (row[i]) out[i] = std::string(row[i], len[i]);
      rows.push_back(std::move(out));
    }
    mysql_free_result(r);
    return rows;
  }

  std::unique_ptr<DbStatement> prepare(const std::string& sql) override {
    return std::make_unique<MariaDbStatement>(db_, sql, &round_trips_);
  }
  void begin() override { execute("START TRANSACTION"); }
  void commit() override {
    ++round_trips_;
    if (mysql_commit(db_) != 0) fail("COMMIT");
  }
  void rollback() override {
    ++round_trips_;
    mysql_rollback(db_);  // best effort: after a lost connection there is nothing to roll back
  }
  std::uint64_t round_trips() const override { return round_trips_; }

 private:
  [[noreturn]] void fail(const std::string& sql) {
    // A statement that carries a secret (CREATE USER ... IDENTIFIED BY) is never echoed.
    const bool secret = sql.find("IDENTIFIED") != std::string::npos;
    throw DbError(
        std::string(mysql_error(db_)) + " (in: " + (secret ? "a statement with a password" : sql.substr(0, 200)) + ")",
        mysql_errno(db_));
  }
  MYSQL* db_ = nullptr;
  std::uint64_t round_trips_ = 0;
};

}  // namespace

bool DbError::retryable() const {
  return code_ == ER_LOCK_DEADLOCK || code_ == ER_LOCK_WAIT_TIMEOUT;
}

bool DbError::deadlock() const {
  return code_ == ER_LOCK_DEADLOCK;
}

bool DbError::connection_lost() const {
  return code_ == CR_SERVER_GONE_ERROR || code_ == CR_SERVER_LOST || code_ == CR_CONNECTION_ERROR ||
         code_ == CR_CONN_HOST_ERROR;
}

bool DbError::configuration() const {
  return code_ == ER_ACCESS_DENIED_ERROR || code_ == ER_DBACCESS_DENIED_ERROR || code_ == ER_TABLEACCESS_DENIED_ERROR ||
         code_ == ER_SPECIFIC_ACCESS_DENIED_ERROR || code_ == CR_UNKNOWN_HOST;
}

std::optional<std::string> DbConnection::scalar(const std::string& sql) {
  const std::vector<DbRow> rows = query(sql);
  if (rows.empty() || rows.front().empty()) return std::nullopt;
  return rows.front().front();
}

bool is_loopback(const DbTarget& t) {
  return !t.socket.empty() || t.host == "localhost" || t.host.rfind("127.", 0) == 0 || t.host == "::1";
}

DbTarget parse_dsn(const std::string& dsn) {
  static const std::regex re(R"(^mariadb://([A-Za-z0-9_.-]+)@([A-Za-z0-9_.:-]+?)(?::([0-9]{1,5}))?/([A-Za-z0-9_]*)$)");
  std::smatch m;
  if (dsn.find(':', std::string("mariadb://").size()) != std::string::npos && dsn.find('@') != std::string::npos &&
      dsn.find(':', std::string("mariadb://").size()) < dsn.find('@'))
    throw std::invalid_argument("a DSN carries no password (use SURGE_DB_PASSWORD or --password-file)");
  if (!std::regex_match(dsn, m, re)) throw std::invalid_argument("'" + dsn + "' is not mariadb://USER@HOST:PORT/DB");
  DbTarget t;
  t.user = m[1];
  t.host = m[2];
  t.port = m[3].matched ? static_cast<unsigned>(std::stoul(m[3])) : 3306;
  t.database = m[4];
  if (t.port == 0 || t.port > 65535) throw std::invalid_argument("port " + std::string(m[3]) + " is out of range");
  t.require_tls = !is_loopback(t);  // a password never crosses a network in the clear
  return t;
}

std::unique_ptr<DbConnection> connect_mariadb(const DbTarget& target) {
  return std::make_unique<MariaDbConnection>(target);
}

}  // namespace surge::real
