#include "real/db_integrity.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <regex>
#include <stdexcept>

#include "real/ca_schema.hpp"

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
  // The storage engine's own check: a table is sound when CHECK TABLE ends its report with status OK and
  // gives no error on the way.
  std::string tables;
  for (const std::string& t : ca_tables()) tables += (tables.empty() ? "`" : ", `") + t + "`";
  std::map<std::string, bool> sound;
  for (const DbRow& r : c.query("CHECK TABLE " + tables)) {
    const std::string table = r.at(0).value_or(""), type = r.at(2).value_or(""), text = r.at(3).value_or("");
    if (type == "error") sound[table] = false;
    if (type == "status" && !sound.count(table)) sound[table] = text == "OK";
  }
  std::uint64_t unsound = ca_tables().size() - sound.size();  // a table CHECK TABLE did not report on
  for (const auto& [table, ok] : sound) unsound += !ok;
  report.checks.push_back({"CHECK TABLE finds every CA table sound", unsound});
  for (const std::string& t : ca_tables())
    report.rows.emplace_back(t, std::stoull(c.scalar("SELECT COUNT(*) FROM `" + t + "`").value_or("0")));
  return report;
}

AckJournal::AckJournal(const std::string& path) {
  fd_ = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) throw std::runtime_error("cannot open the journal " + path);
}

AckJournal::~AckJournal() {
  if (fd_ >= 0) close(fd_);
}

void AckJournal::certificate(const std::string& serial) {
  line("cert " + serial + "\n");
}

void AckJournal::revoked(const std::string& serial) {
  line("revoked " + serial + "\n");
}

void AckJournal::line(const std::string& text) {
  // One write per line with O_APPEND: lines from several threads never interleave.
  if (write(fd_, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    throw std::runtime_error("cannot write the journal");
}

JournalCheck check_journal(DbConnection& c, const std::string& path) {
  static const std::regex line_re("^(cert|revoked) ([0-9a-f]{36})$");
  constexpr std::size_t kBatch = 1000;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the journal " + path);
  std::vector<std::string> certs, revoked;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_match(line, m, line_re)) continue;  // a line cut short by a kill is not an acknowledgement
    (m[1] == "cert" ? certs : revoked).push_back(m[2]);
  }
  JournalCheck r;
  r.acknowledged = certs.size() + revoked.size();
  auto found = [&](const std::vector<std::string>& serials, const std::string& query_head) {
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < serials.size(); i += kBatch) {
      std::string in_list;
      for (std::size_t j = i; j < std::min(serials.size(), i + kBatch); ++j)
        in_list += (in_list.empty() ? "'" : ",'") + serials[j] + "'";
      n += std::stoull(c.scalar(query_head + "(" + in_list + ")").value_or("0"));
    }
    return n;
  };
  r.missing += certs.size() - found(certs, "SELECT COUNT(DISTINCT serial) FROM certificates WHERE serial IN ");
  r.missing +=
      revoked.size() - found(revoked,
                             "SELECT COUNT(DISTINCT s.serial) FROM certificateStatus s JOIN revokedCertificates "
                             "r ON r.serial = s.serial WHERE s.status = 'revoked' AND s.serial IN ");
  return r;
}

}  // namespace surge::real
