// The method APIs are deprecated in OpenSSL 3.0; this file is where surge uses them on purpose.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "real/legacy_key.hpp"

#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstring>

namespace surge::real {
namespace {

int g_index = -1;  // ex_data slot holding the DigestSigner* (RSA and EC_KEY share the index scheme)
int g_ec_index = -1;

int rsa_sign(int /*type*/, const unsigned char* m, unsigned int m_length, unsigned char* sigret, unsigned int* siglen,
             const RSA* rsa) {
  auto* sign = static_cast<const DigestSigner*>(RSA_get_ex_data(rsa, g_index));
  if (!sign) return 0;
  const std::vector<unsigned char> sig = (*sign)(std::vector<unsigned char>(m, m + m_length));
  std::memcpy(sigret, sig.data(), sig.size());
  *siglen = static_cast<unsigned int>(sig.size());
  return 1;
}

ECDSA_SIG* ec_sign_sig(const unsigned char* dgst, int dlen, const BIGNUM*, const BIGNUM*, EC_KEY* eckey) {
  auto* sign = static_cast<const DigestSigner*>(EC_KEY_get_ex_data(eckey, g_ec_index));
  if (!sign) return nullptr;
  const std::vector<unsigned char> rs = (*sign)(std::vector<unsigned char>(dgst, dgst + dlen));
  const int half = static_cast<int>(rs.size() / 2);
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(rs.data(), half, nullptr), BN_bin2bn(rs.data() + half, half, nullptr));
  return sig;
}

int ec_sign(int /*type*/, const unsigned char* dgst, int dlen, unsigned char* sig, unsigned int* siglen,
            const BIGNUM* kinv, const BIGNUM* r, EC_KEY* eckey) {
  ECDSA_SIG* s = ec_sign_sig(dgst, dlen, kinv, r, eckey);
  if (!s) return 0;
  unsigned char* p = sig;
  *siglen = static_cast<unsigned int>(i2d_ECDSA_SIG(s, &p));
  ECDSA_SIG_free(s);
  return 1;
}

}  // namespace

void HsmPkeyDeleter::operator()(EVP_PKEY* k) const {
  EVP_PKEY_free(k);
}

HsmPkey hsm_pkey(const KeyPair& key, const DigestSigner* sign) {
  const unsigned char* p = key.public_der.data();
  EVP_PKEY* pub = d2i_PUBKEY(nullptr, &p, static_cast<long>(key.public_der.size()));
  if (!pub) throw HsmError("cannot read the public key (OpenSSL)");
  EVP_PKEY* out = EVP_PKEY_new();
  if (key.type == KeyType::RSA_2048) {
    if (g_index < 0) g_index = RSA_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    static RSA_METHOD* method = [] {
      RSA_METHOD* m = RSA_meth_dup(RSA_PKCS1_OpenSSL());
      RSA_meth_set1_name(m, "surge-pkcs11");
      RSA_meth_set_sign(m, rsa_sign);
      return m;
    }();
    RSA* rsa = RSAPublicKey_dup(EVP_PKEY_get0_RSA(pub));
    RSA_set_method(rsa, method);
    RSA_set_ex_data(rsa, g_index, const_cast<DigestSigner*>(sign));
    EVP_PKEY_assign_RSA(out, rsa);
  } else {
    if (g_ec_index < 0) g_ec_index = EC_KEY_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    static EC_KEY_METHOD* method = [] {
      EC_KEY_METHOD* m = EC_KEY_METHOD_new(EC_KEY_get_default_method());
      EC_KEY_METHOD_set_sign(m, ec_sign, nullptr, ec_sign_sig);
      return m;
    }();
    EC_KEY* ec = EC_KEY_dup(EVP_PKEY_get0_EC_KEY(pub));
    EC_KEY_set_method(ec, method);
    EC_KEY_set_ex_data(ec, g_ec_index, const_cast<DigestSigner*>(sign));
    EVP_PKEY_assign_EC_KEY(out, ec);
  }
  EVP_PKEY_free(pub);
  return HsmPkey(out);
}

}  // namespace surge::real
