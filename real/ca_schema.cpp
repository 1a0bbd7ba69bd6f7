#include "real/ca_schema.hpp"

#include "real/run_environment.hpp"

#include <openssl/rand.h>
#include <unistd.h>

#include <cstdio>
#include <regex>

namespace surge::real {
namespace {

// Column types and indexes as Boulder's schema has them; surge adds nothing to the CA tables.
const std::vector<std::pair<std::string, std::string>>& ddl() {
  static const std::vector<std::pair<std::string, std::string>> tables = {
      {"registrations",
       "id BIGINT NOT NULL AUTO_INCREMENT, jwk MEDIUMBLOB NOT NULL, jwk_sha256 VARCHAR(255) NOT NULL, "
       "contact VARCHAR(191) NOT NULL, agreement VARCHAR(255) NOT NULL, LockCol BIGINT NOT NULL, "
       "initialIP BINARY(16) NOT NULL, createdAt DATETIME NOT NULL, status VARCHAR(255) NOT NULL DEFAULT 'valid', "
       "PRIMARY KEY (id), UNIQUE KEY jwk_sha256 (jwk_sha256), KEY initialIP_createdAt (initialIP, createdAt)"},
      {"orders",
       "id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, registrationID BIGINT NOT NULL, expires DATETIME NOT NULL, "
       "error MEDIUMBLOB DEFAULT NULL, certificateSerial VARCHAR(255) DEFAULT NULL, "
       "beganProcessing TINYINT(1) NOT NULL DEFAULT 0, created DATETIME NOT NULL, PRIMARY KEY (id), "
       "KEY reg_status_expires (registrationID, expires), KEY regID_created_idx (registrationID, created)"},
      {"authz2",
       "id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, identifierType TINYINT NOT NULL, "
       "identifierValue VARCHAR(255) NOT NULL, registrationID BIGINT NOT NULL, status TINYINT NOT NULL, "
       "expires DATETIME NOT NULL, challenges TINYINT NOT NULL, attempted TINYINT DEFAULT NULL, "
       "attemptedAt DATETIME DEFAULT NULL, token BINARY(32) NOT NULL, validationError MEDIUMBLOB DEFAULT NULL, "
       "validationRecord MEDIUMBLOB DEFAULT NULL, PRIMARY KEY (id), "
       "KEY regID_expires_idx (registrationID, status, expires), "
       "KEY regID_identifier_status_expires_idx (registrationID, identifierType, identifierValue, status, expires), "
       "KEY expires_idx (expires)"},
      {"orderToAuthz2",
       "orderID BIGINT NOT NULL, authzID BIGINT NOT NULL, PRIMARY KEY (orderID, authzID), KEY authzID (authzID)"},
      {"orderFqdnSets",
       "id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, setHash BINARY(32) NOT NULL, orderID BIGINT NOT NULL, "
       "registrationID BIGINT NOT NULL, expires DATETIME NOT NULL, PRIMARY KEY (id), "
       "KEY setHash_expires_idx (setHash, expires), KEY orderID_idx (orderID), "
       "KEY orderFqdnSets_registrationID_registrations (registrationID)"},
      {"replacementOrders",
       "id BIGINT NOT NULL AUTO_INCREMENT, serial VARCHAR(255) NOT NULL, orderID BIGINT NOT NULL, "
       "orderExpires DATETIME NOT NULL, replaced BOOLEAN DEFAULT false, PRIMARY KEY (id), "
       "KEY serial_idx (serial), KEY orderID_idx (orderID)"},
      {"serials",
       "id BIGINT NOT NULL AUTO_INCREMENT, registrationID BIGINT NOT NULL, serial VARCHAR(255) NOT NULL, "
       "created DATETIME NOT NULL, expires DATETIME NOT NULL, PRIMARY KEY (id), UNIQUE KEY serial (serial), "
       "KEY regId_serials_idx (registrationID), CONSTRAINT regId_serials FOREIGN KEY (registrationID) "
       "REFERENCES registrations (id) ON DELETE NO ACTION ON UPDATE NO ACTION"},
      {"precertificates",
       "id BIGINT NOT NULL AUTO_INCREMENT, registrationID BIGINT NOT NULL, serial VARCHAR(255) NOT NULL, "
       "der MEDIUMBLOB NOT NULL, issued DATETIME NOT NULL, expires DATETIME NOT NULL, PRIMARY KEY (id), "
       "KEY serial (serial), KEY regId_precertificates_idx (registrationID), "
       "KEY issued_precertificates_idx (issued)"},
      {"certificateStatus",
       "id BIGINT NOT NULL AUTO_INCREMENT, serial VARCHAR(255) NOT NULL, subscriberApproved TINYINT(1) DEFAULT 0, "
       "status VARCHAR(255) NOT NULL, ocspLastUpdated DATETIME NOT NULL, revokedDate DATETIME NOT NULL, "
       "revokedReason INT NOT NULL, lastExpirationNagSent DATETIME NOT NULL, LockCol BIGINT DEFAULT 0, "
       "ocspResponse BLOB DEFAULT NULL, notAfter DATETIME DEFAULT NULL, isExpired TINYINT(1) DEFAULT 0, "
       "issuerID BIGINT DEFAULT NULL, PRIMARY KEY (id), KEY serial (serial), "
       "KEY isExpired_ocspLastUpdated_idx (isExpired, ocspLastUpdated), KEY notAfter_idx (notAfter)"},
      {"issuedNames",
       "id BIGINT NOT NULL AUTO_INCREMENT, reversedName VARCHAR(640) CHARACTER SET ascii NOT NULL, "
       "notBefore DATETIME NOT NULL, serial VARCHAR(255) NOT NULL, renewal TINYINT(1) NOT NULL DEFAULT 0, "
       "PRIMARY KEY (id), KEY reversedName_notBefore_Idx (reversedName, notBefore)"},
      {"keyHashToSerial",
       "id BIGINT NOT NULL AUTO_INCREMENT, keyHash BINARY(32) NOT NULL, certNotAfter DATETIME NOT NULL, "
       "certSerial VARCHAR(255) NOT NULL, PRIMARY KEY (id), UNIQUE KEY unique_keyHash_certserial (keyHash, "
       "certSerial), "
       "KEY keyHash_certNotAfter (keyHash, certNotAfter)"},
      {"certificates",
       "id BIGINT NOT NULL AUTO_INCREMENT, registrationID BIGINT NOT NULL, serial VARCHAR(255) NOT NULL, "
       "digest VARCHAR(255) NOT NULL, der MEDIUMBLOB NOT NULL, issued DATETIME NOT NULL, expires DATETIME NOT NULL, "
       "PRIMARY KEY (id), KEY serial (serial), KEY regId_certificates_idx (registrationID), KEY issued_idx (issued)"},
      {"fqdnSets",
       "id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, setHash BINARY(32) NOT NULL, serial VARCHAR(255) NOT NULL, "
       "issued DATETIME NOT NULL, expires DATETIME NOT NULL, PRIMARY KEY (id), KEY serial (serial), "
       "KEY setHash_issued_idx (setHash, issued)"},
      {"revokedCertificates",
       "id BIGINT NOT NULL AUTO_INCREMENT, issuerID BIGINT NOT NULL, serial VARCHAR(255) NOT NULL, "
       "notAfterHour DATETIME NOT NULL, shardIdx BIGINT NOT NULL, revokedDate DATETIME NOT NULL, "
       "revokedReason INT NOT NULL, PRIMARY KEY (id), "
       "KEY issuerID_shardIdx_notAfterHour_idx (issuerID, shardIdx, notAfterHour), KEY serial (serial)"},
  };
  return tables;
}

std::string uuid4() {
  unsigned char b[16];
  RAND_bytes(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

}  // namespace

const std::vector<std::string>& ca_tables() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& [t, cols] : ddl()) n.push_back(t);
    return n;
  }();
  return names;
}

namespace {

constexpr int kCreationLockWait_s = 30;
// The comment of a surge database while it is being created (the stamp's step sets "surge").
constexpr const char* kCreatingComment = "surge: being created";

// The surge stamp's UUID of a stamped database.
std::string existing_stamp(DbConnection& c, const std::string& database) {
  c.execute("USE `" + database + "`");
  const std::optional<std::string> uuid = c.scalar("SELECT uuid FROM surge_meta LIMIT 1");
  if (!uuid) throw RefusedTarget("database '" + database + "' has an empty surge_meta: refusing to write to it");
  return *uuid;
}

// The tables and the stamp, in a database created (empty) a moment ago.
std::string create_tables_and_stamp(DbConnection& c, const std::string& database) {
  c.execute("USE `" + database + "`");
  for (const auto& [table, columns] : ddl())
    c.execute("CREATE TABLE `" + table + "` (" + columns + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
  fault_point("ca-tables-created");
  c.execute(
      "CREATE TABLE surge_meta (uuid CHAR(36) NOT NULL, host VARCHAR(255) NOT NULL, created DATETIME NOT NULL, "
      "PRIMARY KEY (uuid)) ENGINE=InnoDB");
  c.execute(
      "CREATE TABLE surge_runs (id BIGINT NOT NULL AUTO_INCREMENT, started DATETIME NOT NULL, host VARCHAR(255) NOT "
      "NULL, description TEXT NOT NULL, PRIMARY KEY (id)) ENGINE=InnoDB");
  const std::string uuid = uuid4();
  auto stamp = c.prepare("INSERT INTO surge_meta (uuid, host, created) VALUES (?, ?, UTC_TIMESTAMP())");
  stamp->execute({uuid, host_name()});
  fault_point("ca-stamped");
  c.execute("ALTER DATABASE `" + database + "` COMMENT 'surge'");
  return uuid;
}

// Held while a database is created: a second run waits, and finding the lock free proves that whoever
// left a database "being created" is gone (a connection's locks end with it).
class CreationLock {
 public:
  CreationLock(DbConnection& c, const std::string& database) : c_(c), name_("surge:create:" + database) {
    if (c_.scalar("SELECT GET_LOCK('" + name_ + "', " + std::to_string(kCreationLockWait_s) + ")").value_or("0") != "1")
      throw DbError("another surge run has been creating database '" + database + "' for " +
                        std::to_string(kCreationLockWait_s) + " s (lock " + name_ + "); try again when it is done",
                    0);
  }
  ~CreationLock() {
    try {
      c_.execute("DO RELEASE_LOCK('" + name_ + "')");
    } catch (const DbError&) {
    }
  }
  CreationLock(const CreationLock&) = delete;
  CreationLock& operator=(const CreationLock&) = delete;

 private:
  DbConnection& c_;
  std::string name_;
};

}  // namespace

SurgeDatabase surge_database_state(DbConnection& c, const std::string& database) {
  const std::optional<std::string> comment =
      c.scalar("SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + database + "'");
  if (!comment) return SurgeDatabase::ABSENT;
  if (*comment == kCreatingComment) return SurgeDatabase::UNFINISHED;
  const std::optional<std::string> meta =
      c.scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '" + database +
               "' AND table_name = 'surge_meta'");
  return meta.value_or("0") == "0" ? SurgeDatabase::FOREIGN : SurgeDatabase::STAMPED;
}

std::string open_surge_database(DbConnection& c, const std::string& database) {
  static const std::regex name_re("^surge_[A-Za-z0-9_]{1,57}$");
  if (!std::regex_match(database, name_re))
    throw RefusedTarget("database '" + database +
                        "': surge writes only into databases named surge_* (letters, "
                        "digits, underscores)");
  // Created in one piece or recognised as unfinished: the database is made with the comment "surge: being
  // created", which only the last step (after the stamp) changes. A run killed in between leaves that
  // comment, and the next run, holding the creation lock, drops the unfinished database and starts again.
  const CreationLock lock(c, database);
  switch (surge_database_state(c, database)) {
    case SurgeDatabase::STAMPED:
      return existing_stamp(c, database);
    case SurgeDatabase::FOREIGN:
      throw RefusedTarget("database '" + database +
                          "' exists and surge did not create it (no surge_meta): refusing to write to it");
    case SurgeDatabase::UNFINISHED:
      c.execute("DROP DATABASE `" + database + "`");  // its creator is gone: we hold the creation lock
      break;
    case SurgeDatabase::ABSENT:
      break;
  }
  c.execute("CREATE DATABASE `" + database + "` COMMENT '" + kCreatingComment + "'");
  fault_point("ca-database-created");
  return create_tables_and_stamp(c, database);
}

std::int64_t start_run(DbConnection& c, const std::string& description) {
  auto s = c.prepare("INSERT INTO surge_runs (started, host, description) VALUES (UTC_TIMESTAMP(), ?, ?)");
  s->execute({host_name(), description});
  return static_cast<std::int64_t>(s->last_insert_id());
}

std::vector<std::tuple<std::string, std::uint64_t, std::uint64_t>> table_sizes(DbConnection& c,
                                                                               const std::string& database) {
  std::vector<std::tuple<std::string, std::uint64_t, std::uint64_t>> out;
  for (const DbRow& r : c.query("SELECT table_name, data_length, index_length FROM information_schema.tables WHERE "
                                "table_schema = '" +
                                database + "' ORDER BY table_name"))
    out.emplace_back(r[0].value_or(""), std::stoull(r[1].value_or("0")), std::stoull(r[2].value_or("0")));
  return out;
}

}  // namespace surge::real
