#include "db_integrity.hpp"

#include "ca_schema.hpp"

namespace surge::real {

bool IntegrityReport::ok() const {
  for (const IntegrityCheck& c : checks)
    if (c.violations > 0) return false;
  return true;
}

IntegrityReport check_integrity(DbConnection& c) {
  const std::vector<std::pair<std::string, std::string>> invariants = {
      {"every certificateStatus row has its precertificate",
       "SELECT COUNT(*) FROM certificateStatus s LEFT JOIN precertificates p ON p.serial = s.serial "
       "WHERE p.id IS NULL"},
      {"every certificate has its precertificate",
       "SELECT COUNT(*) FROM certificates c LEFT JOIN precertificates p ON p.serial = c.serial WHERE p.id IS NULL"},
      {"every revoked status has its revokedCertificates row",
       "SELECT COUNT(*) FROM certificateStatus s LEFT JOIN revokedCertificates r ON r.serial = s.serial "
       "WHERE s.status = 'revoked' AND r.id IS NULL"},
  };
  IntegrityReport report;
  for (const auto& [name, sql] : invariants) report.checks.push_back({name, std::stoull(c.scalar(sql).value_or("0"))});
  for (const std::string& t : ca_tables())
    report.rows.emplace_back(t, std::stoull(c.scalar("SELECT COUNT(*) FROM `" + t + "`").value_or("0")));
  return report;
}

}  // namespace surge::real
