#include "real/structures.hpp"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <memory>

#include "real/der.hpp"

namespace surge::real {
namespace {

constexpr const char* kCtPoisonOid = "1.3.6.1.4.1.11129.2.4.3";  // RFC 6962, section 3.1
constexpr int kSerialBytes = 16;
constexpr unsigned char kSerialPrefix = 0x5e;  // "surge": every calibration serial starts with it

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;

PkeyPtr pubkey_from_der(const std::vector<unsigned char>& der) {
  const unsigned char* p = der.data();
  return PkeyPtr(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
}

int signature_nid(KeyType t) {
  switch (t) {
    case KeyType::RSA_2048:
      return NID_sha256WithRSAEncryption;
    case KeyType::ECDSA_P256:
      return NID_ecdsa_with_SHA256;
    case KeyType::ECDSA_P384:
      return NID_ecdsa_with_SHA384;
  }
  return NID_undef;
}

// Sets an AlgorithmIdentifier: RSA carries an explicit NULL parameter, ECDSA none (RFC 5758).
void set_algorithm(X509_ALGOR* alg, KeyType t) {
  X509_ALGOR_set0(alg, OBJ_nid2obj(signature_nid(t)), t == KeyType::RSA_2048 ? V_ASN1_NULL : V_ASN1_UNDEF, nullptr);
}

void add_extension(X509* x, X509V3_CTX* ctx, int nid, const char* value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value);
  if (ext) {
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }
}

// ECDSA r || s from PKCS#11 into the DER ECDSA-Sig-Value X.509 carries.
std::vector<unsigned char> ecdsa_der(const std::vector<unsigned char>& rs) {
  const size_t half = rs.size() / 2;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(rs.data(), static_cast<int>(half), nullptr),
                 BN_bin2bn(rs.data() + half, static_cast<int>(half), nullptr));
  std::vector<unsigned char> der = der_of(sig, i2d_ECDSA_SIG);
  ECDSA_SIG_free(sig);
  return der;
}

// Sets the signature algorithm, encodes the TBS, signs its digest through `sign` and places the signature.
void sign_tbs(X509* x, KeyType issuer_type, const DigestSigner& sign) {
  // The signature algorithm goes into the TBS (and the outer copy) before the TBS is encoded; OpenSSL
  // 3.0 has no setter, so set the structures X509_get0_* hand out.
  set_algorithm(const_cast<X509_ALGOR*>(X509_get0_tbs_sigalg(x)), issuer_type);
  const ASN1_BIT_STRING* sig_const = nullptr;
  const X509_ALGOR* outer_const = nullptr;
  X509_get0_signature(&sig_const, &outer_const, x);
  set_algorithm(const_cast<X509_ALGOR*>(outer_const), issuer_type);

  unsigned char* tbs = nullptr;
  const int tbs_len = i2d_re_X509_tbs(x, &tbs);
  if (tbs_len <= 0) throw HsmError("cannot encode the TBS certificate (OpenSSL)");
  const std::vector<unsigned char> tbs_bytes(tbs, tbs + tbs_len);
  OPENSSL_free(tbs);

  std::vector<unsigned char> signature = sign(digest_for(issuer_type, tbs_bytes));
  if (issuer_type != KeyType::RSA_2048) signature = ecdsa_der(signature);
  ASN1_BIT_STRING* sig = const_cast<ASN1_BIT_STRING*>(sig_const);
  ASN1_BIT_STRING_set(sig, signature.data(), static_cast<int>(signature.size()));
  sig->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);  // no unused bits
  sig->flags |= ASN1_STRING_FLAG_BITS_LEFT;
}

}  // namespace

std::vector<unsigned char> digest_for(KeyType type, const std::vector<unsigned char>& data) {
  const EVP_MD* md = type == KeyType::ECDSA_P384 ? EVP_sha384() : EVP_sha256();
  std::vector<unsigned char> out(static_cast<size_t>(EVP_MD_get_size(md)));
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr);
  out.resize(len);
  return out;
}

std::vector<unsigned char> issue_certificate(KeyType issuer_type, const std::vector<unsigned char>& issuer_public_der,
                                             const std::vector<unsigned char>& subscriber_public_der,
                                             const CertificateContents& c, const DigestSigner& sign) {
  X509Ptr x(X509_new());
  PkeyPtr issuer_key = pubkey_from_der(issuer_public_der);
  PkeyPtr subscriber_key = pubkey_from_der(subscriber_public_der);
  if (!x || !issuer_key || !subscriber_key) throw HsmError("cannot build a certificate (OpenSSL)");
  X509_set_version(x.get(), 2);  // v3
  std::vector<unsigned char> serial = c.serial;
  if (serial.empty()) {
    serial.resize(kSerialBytes);
    RAND_bytes(serial.data(), kSerialBytes);
    serial[0] = kSerialPrefix;
  }
  BIGNUM* bn = BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x.get()));
  BN_free(bn);
  X509_NAME* issuer = X509_get_issuer_name(x.get());
  X509_NAME_add_entry_by_txt(issuer, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("surge"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(issuer, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(kCalibrationIssuer),
                             -1, -1, 0);
  X509_NAME* subject = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(c.names.at(0).c_str()), -1, -1, 0);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), c.validity_days * 24 * 3600);
  X509_set_pubkey(x.get(), subscriber_key.get());

  // The extensions a Let's Encrypt end-entity certificate carries (minus SCTs and AIA URLs).
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, nullptr, x.get(), nullptr, nullptr, 0);
  add_extension(x.get(), &ctx, NID_key_usage, "critical,digitalSignature,keyEncipherment");
  add_extension(x.get(), &ctx, NID_ext_key_usage, "serverAuth,clientAuth");
  add_extension(x.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(x.get(), &ctx, NID_subject_key_identifier, "hash");
  std::string san;
  for (const std::string& n : c.names) san += (san.empty() ? "DNS:" : ",DNS:") + n;
  add_extension(x.get(), &ctx, NID_subject_alt_name, san.c_str());
  add_extension(x.get(), &ctx, NID_certificate_policies, "2.23.140.1.2.1");
  if (c.precertificate) {
    ASN1_OBJECT* oid = OBJ_txt2obj(kCtPoisonOid, 1);
    ASN1_OCTET_STRING* null_value = ASN1_OCTET_STRING_new();
    const unsigned char asn1_null[] = {0x05, 0x00};
    ASN1_OCTET_STRING_set(null_value, asn1_null, sizeof asn1_null);
    X509_EXTENSION* poison = X509_EXTENSION_create_by_OBJ(nullptr, oid, 1, null_value);
    X509_add_ext(x.get(), poison, -1);
    X509_EXTENSION_free(poison);
    ASN1_OCTET_STRING_free(null_value);
    ASN1_OBJECT_free(oid);
  }

  sign_tbs(x.get(), issuer_type, sign);
  return der_of(x.get(), i2d_X509);
}

std::vector<unsigned char> certificate_for_precertificate(KeyType issuer_type,
                                                          const std::vector<unsigned char>& precertificate_der,
                                                          const std::vector<unsigned char>& sct_list,
                                                          const DigestSigner& sign) {
  const unsigned char* p = precertificate_der.data();
  X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(precertificate_der.size())));
  if (!x) throw HsmError("not a DER precertificate");
  ASN1_OBJECT* oid = OBJ_txt2obj(kCtPoisonOid, 1);
  const int at = X509_get_ext_by_OBJ(x.get(), oid, -1);
  ASN1_OBJECT_free(oid);
  if (at < 0) throw HsmError("the precertificate carries no CT poison extension");
  X509_EXTENSION_free(X509_delete_ext(x.get(), at));
  if (!sct_list.empty()) {
    // extnValue is an OCTET STRING holding the list as an OCTET STRING (RFC 6962 section 3.3).
    ASN1_OCTET_STRING* inner = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(inner, sct_list.data(), static_cast<int>(sct_list.size()));
    std::vector<unsigned char> inner_der = der_of(inner, i2d_ASN1_OCTET_STRING);
    ASN1_OCTET_STRING_free(inner);
    ASN1_OCTET_STRING* value = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(value, inner_der.data(), static_cast<int>(inner_der.size()));
    X509_EXTENSION* ext = X509_EXTENSION_create_by_NID(nullptr, NID_ct_precert_scts, 0, value);
    X509_add_ext(x.get(), ext, -1);
    X509_EXTENSION_free(ext);
    ASN1_OCTET_STRING_free(value);
  }
  sign_tbs(x.get(), issuer_type, sign);
  return der_of(x.get(), i2d_X509);
}

std::string serial_hex(const std::vector<unsigned char>& der) {
  const unsigned char* p = der.data();
  X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x) return {};
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x.get()), nullptr);
  char* hex = BN_bn2hex(bn);
  std::string out = hex ? hex : "";
  OPENSSL_free(hex);
  BN_free(bn);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

std::vector<unsigned char> certificate_public_key(const std::vector<unsigned char>& der) {
  const unsigned char* p = der.data();
  X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x) return {};
  return der_of(X509_get0_pubkey(x.get()), i2d_PUBKEY);
}

bool verify_certificate(const std::vector<unsigned char>& der, const std::vector<unsigned char>& issuer_public_der) {
  const unsigned char* p = der.data();
  X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  PkeyPtr key = pubkey_from_der(issuer_public_der);
  return x && key && X509_verify(x.get(), key.get()) == 1;
}

bool has_ct_poison(const std::vector<unsigned char>& der) {
  const unsigned char* p = der.data();
  X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x) return false;
  ASN1_OBJECT* oid = OBJ_txt2obj(kCtPoisonOid, 1);
  const int at = X509_get_ext_by_OBJ(x.get(), oid, -1);
  ASN1_OBJECT_free(oid);
  return at >= 0 && X509_EXTENSION_get_critical(X509_get_ext(x.get(), at)) == 1;
}

}  // namespace surge::real
