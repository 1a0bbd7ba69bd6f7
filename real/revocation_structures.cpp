#include "real/revocation_structures.hpp"

#include <openssl/ocsp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "real/der.hpp"
#include "real/structures.hpp"

namespace surge::real {
namespace {

constexpr long kOcspValidity_s = 3 * 24 * 3600;  // Let's Encrypt's OCSP responses were valid a few days
constexpr long kCrlValidity_s = 7 * 24 * 3600;
constexpr unsigned char kSerialPrefix = 0x5e;

const EVP_MD* digest(KeyType t) {
  return t == KeyType::ECDSA_P384 ? EVP_sha384() : EVP_sha256();
}

X509* from_der(const std::vector<unsigned char>& der) {
  const unsigned char* p = der.data();
  return d2i_X509(nullptr, &p, static_cast<long>(der.size()));
}

void set_name(X509_NAME* n) {
  X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("surge"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(kCalibrationIssuer), -1, -1,
                             0);
}

}  // namespace

std::vector<unsigned char> issuer_certificate(KeyType type, EVP_PKEY* hsm_key) {
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  set_name(X509_get_subject_name(x));
  set_name(X509_get_issuer_name(x));
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 365L * 24 * 3600);
  X509_set_pubkey(x, hsm_key);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair<int, const char*>{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                            {NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"},
                            {NID_subject_key_identifier, "hash"}}) {
    X509_EXTENSION* e = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(x, e, -1);
    X509_EXTENSION_free(e);
  }
  if (X509_sign(x, hsm_key, digest(type)) <= 0) {
    X509_free(x);
    throw HsmError("cannot sign the issuer certificate through the HSM");
  }
  std::vector<unsigned char> der = der_of(x, i2d_X509);
  X509_free(x);
  return der;
}

namespace {

// Signs a response about `id` (consumed), good or revoked now, as Boulder does.
std::vector<unsigned char> sign_ocsp(KeyType type, X509* issuer, EVP_PKEY* hsm_key, OCSP_CERTID* id, bool revoked) {
  OCSP_BASICRESP* bs = OCSP_BASICRESP_new();
  ASN1_TIME* now = X509_gmtime_adj(nullptr, 0);
  ASN1_TIME* next = X509_gmtime_adj(nullptr, kOcspValidity_s);
  OCSP_basic_add1_status(bs, id, revoked ? V_OCSP_CERTSTATUS_REVOKED : V_OCSP_CERTSTATUS_GOOD,
                         revoked ? OCSP_REVOKED_STATUS_KEYCOMPROMISE : -1, revoked ? now : nullptr, now, next);
  // Boulder's responses carry no certificates and name the responder by key hash.
  const int ok = OCSP_basic_sign(bs, issuer, hsm_key, digest(type), nullptr, OCSP_NOCERTS | OCSP_RESPID_KEY);
  std::vector<unsigned char> der;
  if (ok > 0) {
    OCSP_RESPONSE* resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
    der = der_of(resp, i2d_OCSP_RESPONSE);
    OCSP_RESPONSE_free(resp);
  }
  ASN1_TIME_free(now);
  ASN1_TIME_free(next);
  OCSP_BASICRESP_free(bs);
  OCSP_CERTID_free(id);
  if (der.empty()) throw HsmError("cannot sign the OCSP response through the HSM");
  return der;
}

// A serial in hex as an ASN1_INTEGER (the caller frees it); nullptr when it is not hex.
ASN1_INTEGER* serial_integer(const std::string& hex) {
  BIGNUM* bn = nullptr;
  if (hex.empty() || BN_hex2bn(&bn, hex.c_str()) != static_cast<int>(hex.size())) {
    BN_free(bn);
    return nullptr;
  }
  ASN1_INTEGER* ai = BN_to_ASN1_INTEGER(bn, nullptr);
  BN_free(bn);
  return ai;
}

}  // namespace

std::vector<unsigned char> ocsp_response(KeyType type, const std::vector<unsigned char>& issuer_der, EVP_PKEY* hsm_key,
                                         const std::vector<unsigned char>& certificate_der, bool revoked) {
  std::unique_ptr<X509, void (*)(X509*)> issuer(from_der(issuer_der), X509_free);
  std::unique_ptr<X509, void (*)(X509*)> cert(from_der(certificate_der), X509_free);
  return sign_ocsp(type, issuer.get(), hsm_key, OCSP_cert_to_id(EVP_sha1(), cert.get(), issuer.get()), revoked);
}

std::vector<unsigned char> ocsp_response_for_serial(KeyType type, const std::vector<unsigned char>& issuer_der,
                                                    EVP_PKEY* hsm_key, const std::string& serial, bool revoked) {
  std::unique_ptr<X509, void (*)(X509*)> issuer(from_der(issuer_der), X509_free);
  ASN1_INTEGER* number = serial_integer(serial);
  if (!issuer || !number) {
    ASN1_INTEGER_free(number);
    throw HsmError("cannot make an OCSP request for serial '" + serial + "'");
  }
  OCSP_CERTID* id =
      OCSP_cert_id_new(EVP_sha1(), X509_get_subject_name(issuer.get()), X509_get0_pubkey_bitstr(issuer.get()), number);
  ASN1_INTEGER_free(number);
  return sign_ocsp(type, issuer.get(), hsm_key, id, revoked);
}

int verify_ocsp_response(const std::vector<unsigned char>& response_der, const std::vector<unsigned char>& issuer_der) {
  const unsigned char* p = response_der.data();
  OCSP_RESPONSE* resp = d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(response_der.size()));
  if (!resp) return -1;
  OCSP_BASICRESP* bs = OCSP_response_get1_basic(resp);
  X509* issuer = from_der(issuer_der);
  int status = -1;
  // The response carries no certificates: the issuer is given; its signature is checked, not its chain.
  STACK_OF(X509)* certs = sk_X509_new_null();
  X509_STORE* store = X509_STORE_new();
  if (issuer) sk_X509_push(certs, issuer);
  if (bs && issuer && OCSP_basic_verify(bs, certs, store, OCSP_NOVERIFY | OCSP_TRUSTOTHER) == 1) {
    int reason = 0;
    OCSP_SINGLERESP* single = OCSP_resp_get0(bs, 0);
    if (single) status = OCSP_single_get0_status(single, &reason, nullptr, nullptr, nullptr);
  }
  X509_STORE_free(store);
  sk_X509_free(certs);
  X509_free(issuer);
  OCSP_BASICRESP_free(bs);
  OCSP_RESPONSE_free(resp);
  return status;
}

std::vector<unsigned char> crl_shard(KeyType type, const std::vector<unsigned char>& issuer_der, EVP_PKEY* hsm_key,
                                     int shard, long entries) {
  std::vector<std::string> serials;
  for (long i = 0; i < entries; ++i) {
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] = kSerialPrefix;
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    char* hex = BN_bn2hex(bn);
    serials.emplace_back(hex);
    OPENSSL_free(hex);
    BN_free(bn);
  }
  return crl_for_serials(type, issuer_der, hsm_key, shard, serials);
}

std::vector<unsigned char> crl_for_serials(KeyType type, const std::vector<unsigned char>& issuer_der,
                                           EVP_PKEY* hsm_key, int shard, const std::vector<std::string>& serials) {
  X509* issuer = from_der(issuer_der);
  X509_CRL* crl = X509_CRL_new();
  X509_CRL_set_version(crl, 1);  // v2
  X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer));
  ASN1_TIME* now = X509_gmtime_adj(nullptr, 0);
  ASN1_TIME* next = X509_gmtime_adj(nullptr, kCrlValidity_s);
  X509_CRL_set1_lastUpdate(crl, now);
  X509_CRL_set1_nextUpdate(crl, next);
  for (const std::string& serial : serials) {
    ASN1_INTEGER* ai = serial_integer(serial);
    if (!ai) continue;
    X509_REVOKED* r = X509_REVOKED_new();
    X509_REVOKED_set_serialNumber(r, ai);
    X509_REVOKED_set_revocationDate(r, now);
    X509_CRL_add0_revoked(crl, r);
    ASN1_INTEGER_free(ai);
  }
  ASN1_INTEGER* number = ASN1_INTEGER_new();
  ASN1_INTEGER_set(number, shard);
  X509_CRL_add1_ext_i2d(crl, NID_crl_number, number, 0, 0);
  ASN1_INTEGER_free(number);
  X509_CRL_sort(crl);
  const int ok = X509_CRL_sign(crl, hsm_key, digest(type));
  std::vector<unsigned char> der;
  if (ok > 0) der = der_of(crl, i2d_X509_CRL);
  ASN1_TIME_free(now);
  ASN1_TIME_free(next);
  X509_CRL_free(crl);
  X509_free(issuer);
  if (der.empty()) throw HsmError("cannot sign the CRL through the HSM");
  return der;
}

long verify_crl(const std::vector<unsigned char>& crl_der, const std::vector<unsigned char>& issuer_der) {
  const unsigned char* p = crl_der.data();
  X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(crl_der.size()));
  X509* issuer = from_der(issuer_der);
  long entries = -1;
  if (crl && issuer && X509_CRL_verify(crl, X509_get0_pubkey(issuer)) == 1) {
    STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl);
    entries = revoked ? sk_X509_REVOKED_num(revoked) : 0;
  }
  X509_free(issuer);
  X509_CRL_free(crl);
  return entries;
}

}  // namespace surge::real
