// The CA's write path on a real MariaDB server that the test starts on loopback in a temporary
// directory: surge's own databases only, each SA call's rows and commits, the integrity invariants,
// connection errors.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>

#include "real/ca_schema.hpp"
#include "real/db_integrity.hpp"
#include "real/local_mariadb.hpp"
#include "real/sa_operations.hpp"

namespace surge::real {
namespace {

class MariaDbWritePath : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    LocalServerOptions o;
    o.buffer_pool = "64M";
    server_ = new LocalMariaDb(o);
  }
  static void TearDownTestSuite() { delete server_; }

  static std::map<std::string, std::uint64_t> row_counts(DbConnection& c) {
    std::map<std::string, std::uint64_t> out;
    for (const auto& [t, n] : check_integrity(c).rows) out[t] = n;
    return out;
  }
  static std::uint64_t binlog_commits(DbConnection& c) {
    return std::stoull(c.query("SHOW GLOBAL STATUS LIKE 'Binlog_commits'").at(0).at(1).value());
  }

  static LocalMariaDb* server_;
};
LocalMariaDb* MariaDbWritePath::server_ = nullptr;

TEST_F(MariaDbWritePath, WritesOnlyIntoDatabasesItCreatedAndStamped) {
  auto c = connect_mariadb(server_->target());
  const std::string uuid = open_surge_database(*c, "surge_own");
  EXPECT_EQ(uuid.size(), 36u);
  EXPECT_EQ(c->scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'surge_own'").value(),
            std::to_string(ca_tables().size() + 2));  // the CA's tables, surge_meta, surge_runs
  // Again: the same database, recognised by its stamp; runs append.
  auto again = connect_mariadb(server_->target());
  EXPECT_EQ(open_surge_database(*again, "surge_own"), uuid);
  const std::int64_t first = start_run(*again, "first");
  EXPECT_EQ(start_run(*again, "second"), first + 1);

  // A surge_* database that surge did not create is refused and left as it was.
  auto admin = connect_mariadb(server_->admin_target());
  admin->execute("CREATE DATABASE surge_foreign");
  admin->execute("CREATE TABLE surge_foreign.certificates (id INT PRIMARY KEY)");
  admin->execute("INSERT INTO surge_foreign.certificates VALUES (1), (2)");
  try {
    open_surge_database(*c, "surge_foreign");
    FAIL() << "wrote into a foreign database";
  } catch (const RefusedTarget& e) {
    EXPECT_EQ(std::string(e.what()),
              "database 'surge_foreign' exists and surge did not create it (no surge_meta): refusing to write to it");
  }
  EXPECT_EQ(admin->scalar("SELECT COUNT(*) FROM surge_foreign.certificates").value(), "2");
  EXPECT_EQ(
      admin->scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'surge_foreign'").value(),
      "1");
  // Anything not named surge_* is never touched.
  EXPECT_THROW(open_surge_database(*c, "boulder_sa"), RefusedTarget);
  EXPECT_THROW(open_surge_database(*c, "surge_x; DROP DATABASE mysql"), RefusedTarget);
}

TEST_F(MariaDbWritePath, EachSaCallWritesExactlyItsRowsInItsCommits) {
  auto c = connect_mariadb(server_->target());
  open_surge_database(*c, "surge_rows");
  auto admin = connect_mariadb(server_->admin_target());
  SyntheticData data(7, 1);
  SaWriter sa(*c, data);
  const std::int64_t reg = sa.new_registration();
  // A certificate to replace, issued first.
  const PendingOrder first = sa.new_order(reg, 0.0, std::nullopt);
  sa.finalize_authorizations(first);
  const std::string old_serial = sa.issue(first);

  const std::map<std::string, std::uint64_t> before = row_counts(*c);
  const std::uint64_t commits_before = binlog_commits(*admin);
  const PendingOrder o = sa.new_order(reg, 0.0, old_serial);  // reuse 0: every name needs a new authorization
  const auto n = static_cast<std::uint64_t>(o.names.size());
  ASSERT_GE(n, 1u);
  EXPECT_EQ(o.new_authz_ids.size(), n);
  sa.finalize_authorizations(o);
  const std::string serial = sa.issue(o);
  sa.revoke(old_serial);
  const std::map<std::string, std::uint64_t> after = row_counts(*c);

  // Rows, table by table (orderFqdnSets: written by the new order, deleted when it is finalized).
  const std::map<std::string, std::uint64_t> added = {{"registrations", 0},
                                                      {"orders", 1},
                                                      {"authz2", n},
                                                      {"orderToAuthz2", n},
                                                      {"orderFqdnSets", 0},
                                                      {"replacementOrders", 1},
                                                      {"serials", 1},
                                                      {"precertificates", 1},
                                                      {"certificateStatus", 1},
                                                      {"issuedNames", n},
                                                      {"keyHashToSerial", 1},
                                                      {"certificates", 1},
                                                      {"fqdnSets", 1},
                                                      {"revokedCertificates", 1}};
  for (const auto& [table, rows] : added) EXPECT_EQ(after.at(table) - before.at(table), rows) << table;
  // Commits: NewOrderAndAuthzs 1, FinalizeAuthorization2 per new authorization, seven for the certificate,
  // the revocation 1; each a binlog transaction on the server.
  EXPECT_EQ(binlog_commits(*admin) - commits_before, 1 + n + 7 + 1);
  // What the rows say.
  auto value = [&](const std::string& sql) { return c->scalar(sql).value_or("NULL"); };
  EXPECT_EQ(value("SELECT status FROM certificateStatus WHERE serial = '" + serial + "'"), "good");
  EXPECT_EQ(value("SELECT status FROM certificateStatus WHERE serial = '" + old_serial + "'"), "revoked");
  EXPECT_EQ(value("SELECT certificateSerial FROM orders WHERE id = " + std::to_string(o.order_id)), serial);
  EXPECT_EQ(value("SELECT replaced FROM replacementOrders WHERE orderID = " + std::to_string(o.order_id)), "1");
  EXPECT_EQ(value("SELECT COUNT(*) FROM authz2 WHERE status = 1 AND id >= " + std::to_string(o.new_authz_ids[0])),
            std::to_string(n));
  EXPECT_EQ(value("SELECT COUNT(*) FROM issuedNames WHERE serial = '" + serial + "' AND renewal = 1"),
            std::to_string(n));
  EXPECT_EQ(serial.substr(0, 2), "5e");
  const std::uint64_t der = std::stoull(value("SELECT LENGTH(der) FROM certificates WHERE serial = '" + serial + "'"));
  EXPECT_GE(der, 1300u);
  EXPECT_LT(der, 1700u);
  // The writer's own count agrees with the server's.
  EXPECT_EQ(sa.counts().commits.at("FinalizeAuthorization2"), first.new_authz_ids.size() + n);
  EXPECT_EQ(sa.counts().commits.at("AddPrecertificate"), 2u);
  // A second order for the same account reuses validated authorizations when asked to.
  const PendingOrder reused = sa.new_order(reg, 1.0, std::nullopt);
  EXPECT_TRUE(reused.new_authz_ids.empty());
}

TEST_F(MariaDbWritePath, TheIntegrityCheckCatchesBrokenRows) {
  auto c = connect_mariadb(server_->target());
  open_surge_database(*c, "surge_integrity");
  SyntheticData data(11, 1);
  SaWriter sa(*c, data);
  const std::int64_t reg = sa.new_registration();
  std::vector<std::string> serials;
  for (int i = 0; i < 5; ++i) {
    const PendingOrder o = sa.new_order(reg, 0.5, std::nullopt);
    sa.finalize_authorizations(o);
    serials.push_back(sa.issue(o));
  }
  sa.revoke(serials[0]);
  sa.revoke(serials[1]);
  IntegrityReport r = check_integrity(*c);
  EXPECT_TRUE(r.ok());
  ASSERT_EQ(r.checks.size(), 4u);
  EXPECT_EQ(r.checks[3].invariant, "CHECK TABLE finds every CA table sound");
  // Break it on purpose: a precertificate gone, a revocation row gone.
  c->execute("DELETE FROM precertificates WHERE serial = '" + serials[2] + "'");
  c->execute("DELETE FROM revokedCertificates WHERE serial = '" + serials[0] + "'");
  r = check_integrity(*c);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.checks[0].invariant, "every certificateStatus row has its precertificate");
  EXPECT_EQ(r.checks[0].violations, 1u);
  EXPECT_EQ(r.checks[1].violations, 1u);  // its certificate too
  EXPECT_EQ(r.checks[2].violations, 1u);
  EXPECT_EQ(r.checks[3].violations, 0u) << "rows deleted in transactions leave the tables sound";
}

TEST_F(MariaDbWritePath, TheJournalOfAcknowledgedCommitsFindsOnesTheDatabaseLost) {
  auto c = connect_mariadb(server_->target());
  open_surge_database(*c, "surge_journal");
  SyntheticData data(13, 1);
  SaWriter sa(*c, data);
  const std::string path = server_->dir() + "/journal-test.log";
  const std::int64_t reg = sa.new_registration();
  std::vector<std::string> serials;
  {
    AckJournal journal(path);
    for (int i = 0; i < 3; ++i) {
      const PendingOrder o = sa.new_order(reg, 0.0, std::nullopt);
      sa.finalize_authorizations(o);
      serials.push_back(sa.issue(o));
      journal.certificate(serials.back());
    }
    sa.revoke(serials[0]);
    journal.revoked(serials[0]);
  }
  JournalCheck j = check_journal(*c, path);
  EXPECT_EQ(j.acknowledged, 4u);
  EXPECT_EQ(j.missing, 0u);
  // A certificate acknowledged but gone, a revocation acknowledged but undone, and a line cut short by a
  // kill (not an acknowledgement).
  c->execute("DELETE FROM certificates WHERE serial = '" + serials[1] + "'");
  c->execute("UPDATE certificateStatus SET status = 'good' WHERE serial = '" + serials[0] + "'");
  std::ofstream(path, std::ios::app) << "cert 5e01";
  j = check_journal(*c, path);
  EXPECT_EQ(j.acknowledged, 4u);
  EXPECT_EQ(j.missing, 2u);
}

TEST_F(MariaDbWritePath, AWrongPasswordIsAClearErrorWithoutThePassword) {
  DbTarget t = server_->target();
  t.password = "not-the-password-3141";
  try {
    connect_mariadb(t);
    FAIL() << "connected with a wrong password";
  } catch (const DbError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("Access denied for user 'surge'"), std::string::npos) << what;
    EXPECT_NE(what.find("the server refused the user and password"), std::string::npos) << what;
    EXPECT_EQ(what.find("not-the-password-3141"), std::string::npos);
    EXPECT_TRUE(e.configuration());
  }
  DbTarget nowhere = server_->target();
  nowhere.port = 1;  // nothing listens there
  try {
    connect_mariadb(nowhere);
    FAIL() << "connected to port 1";
  } catch (const DbError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("nothing accepted the connection at 127.0.0.1:1 (refused or unreachable): is a MariaDB "
                        "server running and listening there?"),
              std::string::npos)
        << what;
    EXPECT_FALSE(e.configuration()) << "a server that is down is a fault, not the command's";
  }
}

TEST(Dsn, ParsesUserHostPortAndDatabaseAndRefusesPasswords) {
  const DbTarget t = parse_dsn("mariadb://calib@db1.example.net:3307/surge_cal");
  EXPECT_EQ(t.user, "calib");
  EXPECT_EQ(t.host, "db1.example.net");
  EXPECT_EQ(t.port, 3307u);
  EXPECT_EQ(t.database, "surge_cal");
  EXPECT_EQ(parse_dsn("mariadb://calib@127.0.0.1/surge_x").port, 3306u);
  try {
    parse_dsn("mariadb://calib:secret@db1:3306/surge_x");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "a DSN carries no password (use SURGE_DB_PASSWORD or --password-file)");
  }
  EXPECT_THROW(parse_dsn("mysql://calib@db1/surge_x"), std::invalid_argument);
  EXPECT_THROW(parse_dsn("mariadb://db1/surge_x"), std::invalid_argument);
}

}  // namespace
}  // namespace surge::real
