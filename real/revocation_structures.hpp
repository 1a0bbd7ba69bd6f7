// The revocation side: the issuer's own certificate, OCSP responses (good and revoked) and CRL shards,
// assembled by OpenSSL with an HSM-backed key (legacy_key.hpp) and verified against the public half.
#pragma once

#include <openssl/evp.h>

#include <string>
#include <vector>

#include "real/pkcs11_module.hpp"

namespace surge::real {

/// A self-issued CA certificate "surge calibration (NOT TRUSTED)" for the HSM key (signed by it).
std::vector<unsigned char> issuer_certificate(KeyType type, EVP_PKEY* hsm_key);

/// An OCSP response for `certificate_der` (issued by `issuer_der`): good, or revoked now.
std::vector<unsigned char> ocsp_response(KeyType type, const std::vector<unsigned char>& issuer_der, EVP_PKEY* hsm_key,
                                         const std::vector<unsigned char>& certificate_der, bool revoked);
/// The same, for a serial (hex) of a certificate `issuer_der` issued, without the certificate itself.
std::vector<unsigned char> ocsp_response_for_serial(KeyType type, const std::vector<unsigned char>& issuer_der,
                                                    EVP_PKEY* hsm_key, const std::string& serial, bool revoked);
/// Verifies an OCSP response's signature with the issuer's key and returns its certificate status
/// (V_OCSP_CERTSTATUS_GOOD, _REVOKED), or -1 if it does not verify.
int verify_ocsp_response(const std::vector<unsigned char>& response_der, const std::vector<unsigned char>& issuer_der);

/// A CRL shard (Boulder: shard = serial mod shards) listing `entries` revoked serials.
std::vector<unsigned char> crl_shard(KeyType type, const std::vector<unsigned char>& issuer_der, EVP_PKEY* hsm_key,
                                     int shard, long entries);
/// A CRL shard listing these serials (hex), revoked now.
std::vector<unsigned char> crl_for_serials(KeyType type, const std::vector<unsigned char>& issuer_der,
                                           EVP_PKEY* hsm_key, int shard, const std::vector<std::string>& serials);
/// Verifies a CRL's signature with the issuer's key; returns its entry count, or -1 if it does not verify.
long verify_crl(const std::vector<unsigned char>& crl_der, const std::vector<unsigned char>& issuer_der);

}  // namespace surge::real
