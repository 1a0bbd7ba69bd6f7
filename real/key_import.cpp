#include "real/key_import.hpp"

#include <openssl/core_names.h>
#include <openssl/x509.h>

#include <algorithm>

namespace surge::real {
namespace {

// DER of the named curves' OIDs, as CKA_EC_PARAMS.
const std::vector<unsigned char> kP256 = {0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
const std::vector<unsigned char> kP384 = {0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22};

std::vector<unsigned char> big_number(EVP_PKEY* key, const char* name, int pad_to = 0) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) throw HsmError(std::string("the key has no ") + name);
  std::vector<unsigned char> out(static_cast<size_t>(std::max(BN_num_bytes(bn), pad_to)));
  BN_bn2binpad(bn, out.data(), static_cast<int>(out.size()));
  BN_clear_free(bn);
  return out;
}

}  // namespace

SoftwareKey generate_software_key(KeyType type) {
  EVP_PKEY* k =
      type == KeyType::RSA_2048 ? EVP_RSA_gen(2048) : EVP_EC_gen(type == KeyType::ECDSA_P256 ? "P-256" : "P-384");
  if (!k) throw HsmError("cannot generate a " + key_type_name(type) + " key (OpenSSL)");
  return SoftwareKey(k);
}

std::vector<unsigned char> public_key_der(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(key, &der);
  if (n <= 0) throw HsmError("cannot encode a public key (OpenSSL)");
  std::vector<unsigned char> out(der, der + n);
  OPENSSL_free(der);
  return out;
}

void import_private_key(const Pkcs11Module& module, CK_SESSION_HANDLE s, EVP_PKEY* key, KeyType type,
                        const std::string& label) {
  CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
  CK_KEY_TYPE key_type = type == KeyType::RSA_2048 ? CKK_RSA : CKK_EC;
  CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
  std::string l = label;
  std::vector<CK_ATTRIBUTE> t = {{CKA_CLASS, &cls, sizeof cls},     {CKA_KEY_TYPE, &key_type, sizeof key_type},
                                 {CKA_TOKEN, &yes, sizeof yes},     {CKA_PRIVATE, &yes, sizeof yes},
                                 {CKA_SENSITIVE, &yes, sizeof yes}, {CKA_EXTRACTABLE, &no, sizeof no},
                                 {CKA_SIGN, &yes, sizeof yes},      {CKA_LABEL, l.data(), l.size()}};
  std::vector<std::vector<unsigned char>> values;  // keeps the attribute values alive
  auto add = [&](CK_ATTRIBUTE_TYPE a, std::vector<unsigned char> v) {
    values.push_back(std::move(v));
    t.push_back({a, values.back().data(), values.back().size()});
  };
  values.reserve(8);
  if (type == KeyType::RSA_2048) {
    add(CKA_MODULUS, big_number(key, OSSL_PKEY_PARAM_RSA_N));
    add(CKA_PUBLIC_EXPONENT, big_number(key, OSSL_PKEY_PARAM_RSA_E));
    add(CKA_PRIVATE_EXPONENT, big_number(key, OSSL_PKEY_PARAM_RSA_D));
    add(CKA_PRIME_1, big_number(key, OSSL_PKEY_PARAM_RSA_FACTOR1));
    add(CKA_PRIME_2, big_number(key, OSSL_PKEY_PARAM_RSA_FACTOR2));
    add(CKA_EXPONENT_1, big_number(key, OSSL_PKEY_PARAM_RSA_EXPONENT1));
    add(CKA_EXPONENT_2, big_number(key, OSSL_PKEY_PARAM_RSA_EXPONENT2));
    add(CKA_COEFFICIENT, big_number(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1));
  } else {
    add(CKA_EC_PARAMS, type == KeyType::ECDSA_P256 ? kP256 : kP384);
    add(CKA_VALUE, big_number(key, OSSL_PKEY_PARAM_PRIV_KEY, type == KeyType::ECDSA_P256 ? 32 : 48));
  }
  CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
  const CK_RV rv = module.api()->C_CreateObject(s, t.data(), static_cast<CK_ULONG>(t.size()), &handle);
  for (auto& v : values) OPENSSL_cleanse(v.data(), v.size());
  if (rv != CKR_OK) throw HsmError("C_CreateObject (importing the issuing key '" + label + "')", rv);
}

}  // namespace surge::real
