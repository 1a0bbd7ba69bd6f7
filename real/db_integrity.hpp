// The invariants the CA's tables keep at every commit (each holds because the rows it relates are written
// in one transaction, or in order): every certificateStatus row has its precertificate, every certificate
// its precertificate, every revoked status its revokedCertificates row. `surge calibrate db
// --check-integrity` counts the violations.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "real/db_connection.hpp"

namespace surge::real {

/// One invariant and how many rows break it.
struct IntegrityCheck {
  std::string invariant;
  std::uint64_t violations = 0;
};

/// Checks the invariants in the current database; also returns the row counts of the CA tables.
struct IntegrityReport {
  std::vector<IntegrityCheck> checks;
  std::vector<std::pair<std::string, std::uint64_t>> rows;
  bool ok() const;
};

IntegrityReport check_integrity(DbConnection& c);

/// Acknowledged commits, one line each ("cert SERIAL" once AddCertificate was acknowledged, "revoked
/// SERIAL" once the revocation was), appended with one write(2) per line: they survive a SIGKILL of
/// surge, and a crash of the server must not lose them. Thread-safe.
class AckJournal {
 public:
  /// Opens (creates, appends to) `path`; throws std::runtime_error.
  explicit AckJournal(const std::string& path);
  ~AckJournal();
  AckJournal(const AckJournal&) = delete;
  AckJournal& operator=(const AckJournal&) = delete;
  void certificate(const std::string& serial);
  void revoked(const std::string& serial);

 private:
  void line(const std::string& text);
  int fd_ = -1;
};

/// Checks every acknowledged commit of a journal against the database.
struct JournalCheck {
  std::uint64_t acknowledged = 0;  ///< lines in the journal
  std::uint64_t missing = 0;       ///< of them, not found (certificates) or not revoked (revocations)
};
JournalCheck check_journal(DbConnection& c, const std::string& path);

}  // namespace surge::real
