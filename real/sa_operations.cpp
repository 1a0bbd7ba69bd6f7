#include "real/sa_operations.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace surge::real {
namespace {

constexpr int kMaxRetries = 10;
constexpr int kDerMin = 1300, kDerSpan = 400;  // DOMAIN.md: DER ~1-2 KB
constexpr std::size_t kHashBytes = 32;
constexpr int kIdentifierDns = 0;
constexpr int kAuthzPending = 0, kAuthzValid = 1;
constexpr int kChallengeTypes = 7;  // http-01 | dns-01 | tls-alpn-01, as a bit field
constexpr std::int64_t kIssuerId = 1;
constexpr std::int64_t kCrlShards = 128;
constexpr std::size_t kReusablePool = 1024;  // valid authorizations a new order may reuse

std::string sha256(const std::string& s) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(s.data(), s.size(), out, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

}  // namespace

// ---- names ---------------------------------------------------------------------------------------------

std::string reversed_name(const std::string& name) {
  std::vector<std::string> labels;
  size_t start = 0;
  for (size_t dot; (dot = name.find('.', start)) != std::string::npos; start = dot + 1)
    labels.push_back(name.substr(start, dot - start));
  labels.push_back(name.substr(start));
  std::string out;
  for (auto it = labels.rbegin(); it != labels.rend(); ++it) out += (out.empty() ? "" : ".") + *it;
  return out;
}

std::string name_set_hash(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  std::string joined;
  for (const std::string& n : names) joined += n + ",";
  return sha256(joined);
}

// ---- synthetic data -------------------------------------------------------------------------------------

std::string SyntheticData::serial() {
  static const char* kHex = "0123456789abcdef";
  std::string s = "5e";
  while (s.size() < 36) s += kHex[rng_.next() & 0xf];
  return s;
}

std::string SyntheticData::bytes(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; i += sizeof(std::uint64_t)) {
    const std::uint64_t r = rng_.next();  // eight bytes per draw
    std::memcpy(s.data() + i, &r, std::min(sizeof r, n - i));
  }
  return s;
}

std::string SyntheticData::der() {
  return bytes(static_cast<std::size_t>(kDerMin + static_cast<int>(rng_.uniform() * kDerSpan)));
}

int SyntheticData::names_count() {
  const double u = rng_.uniform();
  if (u < 0.55) return 1;
  if (u < 0.85) return 2;
  if (u < 0.93) return 3;
  return 4 + static_cast<int>(rng_.uniform() * 7);  // 4..10
}

std::vector<std::string> SyntheticData::names() {
  const int n = names_count();
  const std::string site = "s" + std::to_string(rng_.next() % 1'000'000'000ULL) + ".surge.invalid";
  std::vector<std::string> out = {site};
  for (int i = 1; i < n; ++i) out.push_back("n" + std::to_string(i) + "." + site);
  return out;
}

// ---- counts ------------------------------------------------------------------------------------------------

void WriteCounts::add(const std::string& call, std::uint64_t rows_written) {
  ++commits[call];
  rows[call] += rows_written;
}

// ---- the SA's writes -----------------------------------------------------------------------------------------

SaWriter::SaWriter(DbConnection& c, SyntheticData& data) : c_(c), data_(data) {}

DbStatement& SaWriter::stmt(const char* sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) it = statements_.emplace(sql, c_.prepare(sql)).first;
  return *it->second;
}

template <typename Fn>
void SaWriter::commit(const std::string& call, bool transaction, Fn&& fn) {
  for (int attempt = 0;; ++attempt) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::uint64_t trips0 = c_.round_trips();
    try {
      if (transaction) c_.begin();
      const std::uint64_t rows = fn();
      if (transaction) {
        try {
          c_.commit();
        } catch (const DbError& e) {
          if (e.connection_lost()) ++counts_.unknown;  // sent, never acknowledged: committed or not
          throw;
        }
      }
      counts_.add(call, rows);
      if (observer_)
        observer_(call, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), rows,
                  c_.round_trips() - trips0);
      return;
    } catch (const DbError& e) {
      // An autocommit statement whose answer never came may or may not have committed.
      if (!transaction && e.connection_lost()) ++counts_.unknown;
      if (transaction && !e.connection_lost()) c_.rollback();
      if (!e.retryable() || attempt >= kMaxRetries) throw;
      ++counts_.retries;
      if (e.deadlock()) ++counts_.deadlocks;
    }
  }
}

std::int64_t SaWriter::new_registration() {
  std::int64_t id = 0;
  commit("NewRegistration", false, [&] {
    const std::string jwk = data_.bytes(300);
    DbStatement& s = stmt(sa_sql::kInsertRegistration);
    const std::uint64_t rows = s.execute({jwk, data_.serial() + data_.serial(), data_.bytes(16)});
    id = static_cast<std::int64_t>(s.last_insert_id());
    return rows;
  });
  return id;
}

PendingOrder SaWriter::new_order(std::int64_t registration_id, double reuse,
                                 const std::optional<std::string>& replaces) {
  PendingOrder o;
  o.registration_id = registration_id;
  o.names = data_.names();
  o.set_hash = name_set_hash(o.names);
  o.replaces = replaces;
  commit("NewOrderAndAuthzs", true, [&] {
    o.new_authz_ids.clear();
    std::uint64_t rows = 0;
    DbStatement& order = stmt(sa_sql::kInsertOrder);
    rows += order.execute({registration_id});
    o.order_id = static_cast<std::int64_t>(order.last_insert_id());
    DbStatement& authz = stmt(sa_sql::kInsertAuthz);
    DbStatement& link = stmt(sa_sql::kLinkOrderAuthz);
    std::vector<std::int64_t> linked;
    for (const std::string& name : o.names) {
      std::int64_t id = 0;
      const std::int64_t candidate =
          reusable_.empty() ? 0 : reusable_[static_cast<std::size_t>(data_.index(reusable_.size()))];
      if (candidate != 0 && data_.chance(reuse) && std::find(linked.begin(), linked.end(), candidate) == linked.end()) {
        id = candidate;  // validated earlier: no new authorization
      } else {
        rows += authz.execute({std::int64_t{kIdentifierDns}, name, registration_id, std::int64_t{kAuthzPending},
                               std::int64_t{kChallengeTypes}, data_.bytes(kHashBytes)});
        id = static_cast<std::int64_t>(authz.last_insert_id());
        o.new_authz_ids.push_back(id);
      }
      rows += link.execute({o.order_id, id});
      linked.push_back(id);
    }
    rows += stmt(sa_sql::kInsertOrderFqdnSet).execute({o.set_hash, o.order_id, registration_id});
    if (replaces) rows += stmt(sa_sql::kInsertReplacementOrder).execute({*replaces, o.order_id});
    return rows;
  });
  for (std::int64_t id : o.new_authz_ids)
    if (reusable_.size() < kReusablePool) reusable_.push_back(id);
  return o;
}

void SaWriter::finalize_authorizations(const PendingOrder& o) {
  for (std::int64_t id : o.new_authz_ids) {
    commit("FinalizeAuthorization2", false, [&] {
      return stmt(sa_sql::kFinalizeAuthz)
          .execute({std::int64_t{kAuthzValid}, data_.bytes(200), id, std::int64_t{kAuthzPending}});
    });
  }
}

std::string SaWriter::issue(const PendingOrder& o) {
  // The synthetic contents are drawn in this order (serial, key hash, precertificate, digest, certificate).
  const std::string serial = data_.serial();
  set_order_processing(o);
  add_serial(o, serial);
  const std::string key_hash = data_.bytes(kHashBytes);
  const std::string precertificate = data_.der();
  add_precertificate(o, serial, precertificate, key_hash);
  set_status_ready(serial);
  const std::string digest = data_.serial();
  const std::string certificate = data_.der();
  add_certificate(o, serial, digest, certificate);
  add_fqdn_set(o, serial);
  finalize_order(o, serial);
  return serial;
}

void SaWriter::set_order_processing(const PendingOrder& o) {
  commit("SetOrderProcessing", false, [&] { return stmt(sa_sql::kSetOrderProcessing).execute({o.order_id}); });
}

void SaWriter::add_serial(const PendingOrder& o, const std::string& serial) {
  commit("AddSerial", false, [&] { return stmt(sa_sql::kInsertSerial).execute({o.registration_id, serial}); });
}

void SaWriter::add_precertificate(const PendingOrder& o, const std::string& serial, const std::string& der,
                                  const std::string& key_hash) {
  commit("AddPrecertificate", true, [&] {
    std::uint64_t rows = stmt(sa_sql::kInsertPrecertificate).execute({o.registration_id, serial, der});
    rows += stmt(sa_sql::kInsertCertificateStatus).execute({serial, kIssuerId});
    DbStatement& name = stmt(sa_sql::kInsertIssuedName);
    for (const std::string& n : o.names)
      rows += name.execute({reversed_name(n), serial, std::int64_t{o.replaces ? 1 : 0}});
    rows += stmt(sa_sql::kInsertKeyHash).execute({key_hash, serial});
    return rows;
  });
}

void SaWriter::set_status_ready(const std::string& serial) {
  commit("SetCertificateStatusReady", false, [&] { return stmt(sa_sql::kSetStatusReady).execute({serial}); });
}

void SaWriter::add_certificate(const PendingOrder& o, const std::string& serial, const std::string& digest,
                               const std::string& der) {
  commit("AddCertificate", false, [&] {
    return stmt(sa_sql::kInsertCertificate).execute({o.registration_id, serial, digest, der});
  });
}

void SaWriter::add_fqdn_set(const PendingOrder& o, const std::string& serial) {
  commit("AddFQDNSet", false, [&] { return stmt(sa_sql::kInsertFqdnSet).execute({o.set_hash, serial}); });
}

void SaWriter::finalize_order(const PendingOrder& o, const std::string& serial) {
  commit("FinalizeOrder", true, [&] {
    std::uint64_t rows = stmt(sa_sql::kFinalizeOrder).execute({serial, o.order_id});
    rows += stmt(sa_sql::kDeleteOrderFqdnSets).execute({o.order_id});
    if (o.replaces) rows += stmt(sa_sql::kSetReplaced).execute({o.order_id});
    return rows;
  });
}

int SaWriter::crl_shard_of(const std::string& serial) {
  // Boulder shards CRLs by serial; the shard here is the serial's low bits.
  return static_cast<int>(std::stoull(serial.substr(serial.size() - 4), nullptr, 16) % kCrlShards);
}

void SaWriter::revoke(const std::string& serial, int reason) {
  commit("RevokeCertificate", true, [&] {
    std::uint64_t rows = stmt(sa_sql::kRevokeStatus).execute({std::int64_t{reason}, serial});
    if (rows == 0) return rows;  // already revoked (or unknown): nothing to add
    rows += stmt(sa_sql::kInsertRevoked)
                .execute({kIssuerId, serial, std::int64_t{crl_shard_of(serial)}, std::int64_t{reason}});
    return rows;
  });
}

std::vector<std::string> SaWriter::revoked_serials(int shard, int shards) {
  std::vector<std::string> out;
  for (const DbRow& r :
       c_.query("SELECT serial FROM revokedCertificates WHERE issuerID = " + std::to_string(kIssuerId) +
                " AND MOD(shardIdx, " + std::to_string(std::max(1, shards)) + ") = " + std::to_string(shard)))
    if (r.at(0)) out.push_back(*r.at(0));
  return out;
}

}  // namespace surge::real
