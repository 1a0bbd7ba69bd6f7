// Realistic state before a database calibration: issued certificates (serials, precertificates,
// certificateStatus 'good', issuedNames, keyHashToSerial, certificates, fqdnSets) written in bulk, until
// the bytes surge wrote reach a target (by default twice the server's buffer pool), so that the sweep
// runs against tables larger than memory and revocations find their rows through the serial index.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "real/db_connection.hpp"
#include "real/sa_operations.hpp"

namespace surge::real {

/// What the prefill wrote.
struct Prefill {
  std::uint64_t certificates = 0;
  std::uint64_t bytes = 0;           ///< payload bytes surge wrote
  std::vector<std::string> serials;  ///< certificates with status 'good', for revocations
  double seconds = 0;
};

/// Writes issued certificates for registration `registration_id` until `target_bytes` are written.
Prefill prefill(DbConnection& c, SyntheticData& data, std::int64_t registration_id, std::uint64_t target_bytes);

}  // namespace surge::real
