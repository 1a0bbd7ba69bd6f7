// The invariants the CA's tables keep at every commit (each holds because the rows it relates are written
// in one transaction, or in order): every certificateStatus row has its precertificate, every certificate
// its precertificate, every revoked status its revokedCertificates row. `surge calibrate db
// --check-integrity` counts the violations.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db_connection.hpp"

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

}  // namespace surge::real
