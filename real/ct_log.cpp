#include "real/ct_log.hpp"

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace surge::real {
namespace {

constexpr unsigned char kSctVersion = 0;            // v1
constexpr unsigned char kCertificateTimestamp = 0;  // SignatureType.certificate_timestamp
constexpr unsigned char kPrecertEntry = 1;          // LogEntryType.precert_entry (2 bytes)
constexpr unsigned char kHashSha256 = 4;            // HashAlgorithm.sha256 (RFC 5246)
constexpr unsigned char kSignatureEcdsa = 3;        // SignatureAlgorithm.ecdsa

void put_big_endian(Bytes& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<unsigned char>(v >> (8 * i)));
}

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};

}  // namespace

struct CtLogKey::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

Bytes sha256(const Bytes& data) {
  Bytes out(32);
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &n, EVP_sha256(), nullptr) != 1 || n != 32)
    throw std::runtime_error("SHA-256 failed");
  return out;
}

Bytes tbs_without_poison(const Bytes& precertificate_der) {
  const unsigned char* p = precertificate_der.data();
  std::unique_ptr<X509, X509Free> x(d2i_X509(nullptr, &p, static_cast<long>(precertificate_der.size())));
  if (!x) throw std::invalid_argument("not a DER certificate");
  const int at = X509_get_ext_by_NID(x.get(), NID_ct_precert_poison, -1);
  if (at < 0) throw std::invalid_argument("a precertificate carries the CT poison extension; this one does not");
  X509_EXTENSION_free(X509_delete_ext(x.get(), at));
  unsigned char* der = nullptr;
  const int n = i2d_re_X509_tbs(x.get(), &der);  // re-encodes the TBS as it now is
  if (n <= 0) throw std::runtime_error("cannot encode the TBSCertificate");
  Bytes tbs(der, der + n);
  OPENSSL_free(der);
  return tbs;
}

Bytes precert_signed_data(std::uint64_t timestamp_ms, const Bytes& issuer_key_hash, const Bytes& tbs) {
  Bytes out = {kSctVersion, kCertificateTimestamp};
  put_big_endian(out, timestamp_ms, 8);
  put_big_endian(out, kPrecertEntry, 2);
  out.insert(out.end(), issuer_key_hash.begin(), issuer_key_hash.end());
  put_big_endian(out, tbs.size(), 3);
  out.insert(out.end(), tbs.begin(), tbs.end());
  put_big_endian(out, 0, 2);  // no CtExtensions
  return out;
}

CtLogKey CtLogKey::generate() {
  auto key = std::make_unique<Key>();
  key->pkey = EVP_EC_gen("P-256");
  if (!key->pkey) throw std::runtime_error("cannot generate the log's P-256 key");
  return CtLogKey(std::move(key));
}

CtLogKey::CtLogKey(std::unique_ptr<Key> key) : key_(std::move(key)) {
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(key_->pkey, &der);
  if (n <= 0) throw std::runtime_error("cannot encode the log's public key");
  public_der_.assign(der, der + n);
  OPENSSL_free(der);
  log_id_ = sha256(public_der_);
}

CtLogKey::~CtLogKey() = default;
CtLogKey::CtLogKey(CtLogKey&&) noexcept = default;
CtLogKey& CtLogKey::operator=(CtLogKey&&) noexcept = default;

SignedTimestamp CtLogKey::sign_precertificate(const Bytes& precertificate_der, const Bytes& issuer_key_der,
                                              std::uint64_t timestamp_ms) const {
  const Bytes data = precert_signed_data(timestamp_ms, sha256(issuer_key_der), tbs_without_poison(precertificate_der));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t n = 0;
  Bytes der;
  const bool ok = ctx && EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_->pkey) == 1 &&
                  EVP_DigestSign(ctx, nullptr, &n, data.data(), data.size()) == 1 &&
                  (der.resize(n), EVP_DigestSign(ctx, der.data(), &n, data.data(), data.size()) == 1);
  EVP_MD_CTX_free(ctx);
  if (!ok) throw std::runtime_error("the log's signature failed");
  der.resize(n);
  SignedTimestamp sct{timestamp_ms, log_id_, {kHashSha256, kSignatureEcdsa}};
  put_big_endian(sct.signature, der.size(), 2);
  sct.signature.insert(sct.signature.end(), der.begin(), der.end());
  return sct;
}

}  // namespace surge::real
