// An issuing key made once in software and put on every member token of an HSM group (a key ceremony
// cloning one key across an HA group), so that each member signs as the same issuer: the twin's CA
// signers, one per member token, issue under one issuer certificate.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <vector>

#include "real/pkcs11_module.hpp"

namespace surge::real {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using SoftwareKey = std::unique_ptr<EVP_PKEY, PkeyFree>;

/// A fresh key of this type (RSA-2048 with exponent 65537, or an EC key on P-256 or P-384).
SoftwareKey generate_software_key(KeyType type);

/// Its SubjectPublicKeyInfo, DER.
std::vector<unsigned char> public_key_der(EVP_PKEY* key);

/// Stores the private key on the token of session `s` (logged in as user) as a token object labelled
/// `label` that signs and never leaves the token (sensitive, not extractable). Throws HsmError.
void import_private_key(const Pkcs11Module& module, CK_SESSION_HANDLE s, EVP_PKEY* key, KeyType type,
                        const std::string& label);

}  // namespace surge::real
