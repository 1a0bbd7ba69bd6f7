// An OpenSSL EVP_PKEY that holds only the public half of an HSM key and signs through the HSM: a custom
// RSA_METHOD (sign: the digest goes to the HSM as a DigestInfo) or EC_KEY_METHOD (sign_sig: CKM_ECDSA,
// r || s into an ECDSA_SIG). With it OpenSSL's own OCSP_basic_sign and X509_CRL_sign assemble OCSP
// responses and CRLs (their responder ID and producedAt are set only by OCSP_basic_sign). These method
// APIs are deprecated in OpenSSL 3.0 but present; pkcs11-provider is not packaged for Debian 12.
#pragma once

#include <openssl/evp.h>

#include <memory>

#include "real/structures.hpp"

namespace surge::real {

/// Frees the key and its method.
struct HsmPkeyDeleter {
  void operator()(EVP_PKEY* k) const;
};
using HsmPkey = std::unique_ptr<EVP_PKEY, HsmPkeyDeleter>;

/// The public half of `key` as an EVP_PKEY whose private operations call `sign` (which must outlive it).
HsmPkey hsm_pkey(const KeyPair& key, const DigestSigner* sign);

}  // namespace surge::real
