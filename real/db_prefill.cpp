#include "real/db_prefill.hpp"

#include <chrono>

namespace surge::real {
namespace {

constexpr int kBatch = 200;  // certificates per transaction (a few MB of SQL)

std::string hex(const std::string& bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out = "X'";
  out.reserve(bytes.size() * 2 + 3);
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out + "'";
}

// Appends "(...)" to a multi-row INSERT's VALUES list.
void row(std::string& sql, const std::string& values) {
  sql += (sql.back() == ' ' ? "(" : ",(") + values + ")";
}

}  // namespace

Prefill prefill(DbConnection& c, SyntheticData& data, std::int64_t reg, std::uint64_t target_bytes) {
  Prefill p;
  const auto t0 = std::chrono::steady_clock::now();
  const std::string r = std::to_string(reg);
  const std::string expires = "UTC_TIMESTAMP() + INTERVAL 90 DAY";
  while (p.bytes < target_bytes) {
    std::string serials = "INSERT INTO serials (registrationID, serial, created, expires) VALUES ";
    std::string precerts = "INSERT INTO precertificates (registrationID, serial, der, issued, expires) VALUES ";
    std::string status =
        "INSERT INTO certificateStatus (serial, status, ocspLastUpdated, revokedDate, revokedReason, "
        "lastExpirationNagSent, notAfter, isExpired, issuerID) VALUES ";
    std::string names = "INSERT INTO issuedNames (reversedName, notBefore, serial, renewal) VALUES ";
    std::string keys = "INSERT INTO keyHashToSerial (keyHash, certNotAfter, certSerial) VALUES ";
    std::string certs = "INSERT INTO certificates (registrationID, serial, digest, der, issued, expires) VALUES ";
    std::string sets = "INSERT INTO fqdnSets (setHash, serial, issued, expires) VALUES ";
    std::vector<std::string> batch;
    for (int i = 0; i < kBatch && p.bytes < target_bytes; ++i) {
      const std::string serial = data.serial(), q = "'" + serial + "'";
      const std::string precert = data.der(), cert = data.der();
      row(serials, r + "," + q + ",UTC_TIMESTAMP()," + expires);
      row(precerts, r + "," + q + "," + hex(precert) + ",UTC_TIMESTAMP()," + expires);
      row(status, q + ",'good','1970-01-01','1970-01-01',0,'1970-01-01'," + expires + ",0,1");
      const std::vector<std::string> cert_names = data.names();
      for (const std::string& n : cert_names) {
        row(names, "'" + reversed_name(n) + "',UTC_TIMESTAMP()," + q + ",0");  // [a-z0-9.]: safe to quote
        p.bytes += n.size() + 60;
      }
      row(keys, hex(data.bytes(32)) + "," + expires + "," + q);
      row(certs, r + "," + q + ",'" + data.serial() + "'," + hex(cert) + ",UTC_TIMESTAMP()," + expires);
      row(sets, hex(name_set_hash(cert_names)) + "," + q + ",UTC_TIMESTAMP()," + expires);
      p.bytes += precert.size() + cert.size() + 6 * (serial.size() + 40);
      batch.push_back(serial);
    }
    c.begin();
    for (const std::string* sql : {&serials, &precerts, &status, &names, &keys, &certs, &sets}) c.execute(*sql);
    c.commit();
    p.certificates += batch.size();
    p.serials.insert(p.serials.end(), batch.begin(), batch.end());
  }
  p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return p;
}

}  // namespace surge::real
