// The CA's write path as Boulder's SA commits it (DOMAIN.md), one prepared statement per SQL and one
// commit per SA call: NewOrderAndAuthzs, FinalizeAuthorization2, then per issued certificate
// SetOrderProcessing, AddSerial, AddPrecertificate (precertificates, certificateStatus 'notReady',
// issuedNames per name, keyHashToSerial), SetCertificateStatusReady, AddCertificate, the fqdnSets insert,
// FinalizeOrder (orders, orderFqdnSets, replacementOrders); revocation as one transaction
// (certificateStatus through its serial index, revokedCertificates). Synthetic data only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/random.hpp"
#include "real/db_connection.hpp"

namespace surge::real {

/// The SA's statements, as surge prepares them (the benchmark's minimal client prepares the same).
namespace sa_sql {
inline constexpr const char* kInsertRegistration =
    "INSERT INTO registrations (jwk, jwk_sha256, contact, agreement, LockCol, initialIP, createdAt, "
    "status) VALUES (?, ?, '[]', 'https://surge.invalid/terms', 0, ?, UTC_TIMESTAMP(), 'valid')";
inline constexpr const char* kInsertOrder =
    "INSERT INTO orders (registrationID, expires, created, beganProcessing) VALUES (?, "
    "UTC_TIMESTAMP() + INTERVAL 7 DAY, UTC_TIMESTAMP(), 0)";
inline constexpr const char* kInsertAuthz =
    "INSERT INTO authz2 (identifierType, identifierValue, registrationID, status, expires, "
    "challenges, token) VALUES (?, ?, ?, ?, UTC_TIMESTAMP() + INTERVAL 7 DAY, ?, ?)";
inline constexpr const char* kLinkOrderAuthz = "INSERT INTO orderToAuthz2 (orderID, authzID) VALUES (?, ?)";
inline constexpr const char* kInsertOrderFqdnSet =
    "INSERT INTO orderFqdnSets (setHash, orderID, registrationID, expires) VALUES (?, ?, ?, "
    "UTC_TIMESTAMP() + INTERVAL 7 DAY)";
inline constexpr const char* kInsertReplacementOrder =
    "INSERT INTO replacementOrders (serial, orderID, orderExpires, replaced) VALUES (?, ?, "
    "UTC_TIMESTAMP() + INTERVAL 7 DAY, false)";
inline constexpr const char* kFinalizeAuthz =
    "UPDATE authz2 SET status = ?, attempted = 0, attemptedAt = UTC_TIMESTAMP(), validationRecord = "
    "? WHERE id = ? AND status = ?";
inline constexpr const char* kSetOrderProcessing =
    "UPDATE orders SET beganProcessing = 1 WHERE id = ? AND beganProcessing = 0";
inline constexpr const char* kInsertSerial =
    "INSERT INTO serials (registrationID, serial, created, expires) VALUES (?, ?, UTC_TIMESTAMP(), "
    "UTC_TIMESTAMP() + INTERVAL 90 DAY)";
inline constexpr const char* kInsertPrecertificate =
    "INSERT INTO precertificates (registrationID, serial, der, issued, expires) VALUES (?, ?, ?, "
    "UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL 90 DAY)";
inline constexpr const char* kInsertCertificateStatus =
    "INSERT INTO certificateStatus (serial, status, ocspLastUpdated, revokedDate, revokedReason, "
    "lastExpirationNagSent, notAfter, isExpired, issuerID) VALUES (?, 'notReady', '1970-01-01', "
    "'1970-01-01', 0, '1970-01-01', UTC_TIMESTAMP() + INTERVAL 90 DAY, 0, ?)";
inline constexpr const char* kInsertIssuedName =
    "INSERT INTO issuedNames (reversedName, notBefore, serial, renewal) VALUES (?, UTC_TIMESTAMP(), "
    "?, ?)";
inline constexpr const char* kInsertKeyHash =
    "INSERT INTO keyHashToSerial (keyHash, certNotAfter, certSerial) VALUES (?, UTC_TIMESTAMP() + "
    "INTERVAL 90 DAY, ?)";
inline constexpr const char* kSetStatusReady =
    "UPDATE certificateStatus SET status = 'good' WHERE serial = ? AND status = 'notReady'";
inline constexpr const char* kInsertCertificate =
    "INSERT INTO certificates (registrationID, serial, digest, der, issued, expires) VALUES (?, ?, "
    "?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL 90 DAY)";
inline constexpr const char* kInsertFqdnSet =
    "INSERT INTO fqdnSets (setHash, serial, issued, expires) VALUES (?, ?, UTC_TIMESTAMP(), "
    "UTC_TIMESTAMP() + INTERVAL 90 DAY)";
inline constexpr const char* kFinalizeOrder =
    "UPDATE orders SET certificateSerial = ? WHERE id = ? AND beganProcessing = 1";
inline constexpr const char* kDeleteOrderFqdnSets = "DELETE FROM orderFqdnSets WHERE orderID = ?";
inline constexpr const char* kSetReplaced = "UPDATE replacementOrders SET replaced = true WHERE orderID = ?";
inline constexpr const char* kRevokeStatus =
    "UPDATE certificateStatus SET status = 'revoked', revokedReason = ?, revokedDate = "
    "UTC_TIMESTAMP(), ocspLastUpdated = UTC_TIMESTAMP() WHERE serial = ? AND status <> 'revoked'";
inline constexpr const char* kInsertRevoked =
    "INSERT INTO revokedCertificates (issuerID, serial, notAfterHour, shardIdx, revokedDate, "
    "revokedReason) VALUES (?, ?, DATE_FORMAT(UTC_TIMESTAMP() + INTERVAL 90 DAY, '%Y-%m-%d "
    "%H:00:00'), ?, UTC_TIMESTAMP(), ?)";
}  // namespace sa_sql

/// "www.example.com" -> "com.example.www", as issuedNames stores names.
std::string reversed_name(const std::string& name);
/// The hash of a certificate's name set (orderFqdnSets, fqdnSets): SHA-256 over the sorted names.
std::string name_set_hash(std::vector<std::string> names);

/// Synthetic contents: serials with surge's prefix, DER blobs of realistic size, names per certificate
/// from a stated distribution (1: 55%, 2: 30%, 3: 8%, 4-10: 7% evenly; a planning distribution).
class SyntheticData {
 public:
  SyntheticData(std::uint64_t seed, std::uint64_t stream) : rng_(seed, stream) {}
  /// 36 hex digits starting "5e" (surge's prefix), as Boulder stores serials.
  std::string serial();
  /// A DER-sized blob: 1,300 to 1,700 bytes.
  std::string der();
  /// `n` bytes of noise (hashes, tokens, keys).
  std::string bytes(std::size_t n);
  /// The names of one certificate, DNS names under .surge.invalid.
  std::vector<std::string> names();
  /// Draws from the names-per-certificate distribution.
  int names_count();
  /// True with probability p.
  bool chance(double p) { return rng_.uniform() < p; }
  /// A uniform index below n.
  std::uint64_t index(std::uint64_t n) { return rng_.next() % n; }

 private:
  Rng rng_;
};

/// An order on its way to a certificate.
struct PendingOrder {
  std::int64_t registration_id = 0;
  std::int64_t order_id = 0;
  std::vector<std::int64_t> new_authz_ids;  ///< authorizations created for it (reused ones are not)
  std::vector<std::string> names;
  std::string set_hash;
  std::optional<std::string> replaces;  ///< the serial it replaces (ARI), if any
};

/// Commits and rows written, by SA call.
struct WriteCounts {
  std::map<std::string, std::uint64_t> commits;
  std::map<std::string, std::uint64_t> rows;
  std::uint64_t deadlocks = 0;  ///< of the retries, deadlocks (the rest: lock wait timeouts)
  std::uint64_t retries = 0;    ///< deadlocks and lock wait timeouts retried
  std::uint64_t unknown = 0;    ///< commits sent whose acknowledgement was lost (committed or not)
  void add(const std::string& call, std::uint64_t rows_written);
};

/// Told of every acknowledged commit: the SA call, its time from the first statement to the commit's
/// acknowledgement (seconds), its rows and its round trips.
using CommitObserver =
    std::function<void(const std::string& call, double seconds, std::uint64_t rows, std::uint64_t round_trips)>;

/// The SA's writes on one connection.
class SaWriter {
 public:
  SaWriter(DbConnection& c, SyntheticData& data);
  /// Times every commit from now on.
  void observe(CommitObserver observer) { observer_ = std::move(observer); }

  /// One account (INSERT registrations): 1 commit.
  std::int64_t new_registration();
  /// NewOrderAndAuthzs: orders, orderToAuthz2 per name, authz2 per name not reused, orderFqdnSets and
  /// replacementOrders when it replaces a certificate; 1 commit. `reuse` of the names' authorizations
  /// (0..1) is the share that needs no new validation.
  PendingOrder new_order(std::int64_t registration_id, double reuse, const std::optional<std::string>& replaces);
  /// FinalizeAuthorization2 for each new authorization: 1 commit each.
  void finalize_authorizations(const PendingOrder& o);
  /// The seven finalize commits, each below; returns the new certificate's serial.
  std::string issue(const PendingOrder& o);
  /// Revocation: certificateStatus to revoked (through its serial index) and a revokedCertificates row, in
  /// one transaction; 1 commit. `reason` is the CRL reason code (4: superseded).
  void revoke(const std::string& serial, int reason = 4);

  // The finalize commits one at a time, as the SA's RPCs make them (the twin's pipeline): the serial and
  // the DER are the CA's.
  void set_order_processing(const PendingOrder& o);
  void add_serial(const PendingOrder& o, const std::string& serial);
  /// precertificates, certificateStatus 'notReady', issuedNames per name, keyHashToSerial; 1 commit.
  void add_precertificate(const PendingOrder& o, const std::string& serial, const std::string& der,
                          const std::string& key_hash);
  void set_status_ready(const std::string& serial);
  /// certificates (`digest`: the certificate's digest as Boulder stores it); 1 commit.
  void add_certificate(const PendingOrder& o, const std::string& serial, const std::string& digest,
                       const std::string& der);
  void add_fqdn_set(const PendingOrder& o, const std::string& serial);
  void finalize_order(const PendingOrder& o, const std::string& serial);
  /// Serials in revokedCertificates in shard `shard` of `shards` (what crl-updater reads for one shard):
  /// those whose stored shard index (of 128) is `shard` modulo `shards`.
  std::vector<std::string> revoked_serials(int shard, int shards = 128);
  /// The shard a serial's CRL entry belongs to (its low bits mod 128, as revoke() files it).
  static int crl_shard_of(const std::string& serial);

  const WriteCounts& counts() const { return counts_; }

 private:
  // Runs fn in a transaction (or autocommit for a single statement), retried on deadlock.
  template <typename Fn>
  void commit(const std::string& call, bool transaction, Fn&& fn);
  DbStatement& stmt(const char* sql);

  DbConnection& c_;
  SyntheticData& data_;
  std::map<const char*, std::unique_ptr<DbStatement>> statements_;  ///< by sa_sql constant (its address)
  std::vector<std::int64_t> reusable_;
  CommitObserver observer_;  ///< authorizations this writer created, reusable by later orders
  WriteCounts counts_;
};

}  // namespace surge::real
