// The structures a CA signs, built with OpenSSL and signed through a callback (the HSM): the TBS bytes
// are hashed in software, the digest signed, and the signature placed into the structure, as Boulder
// does. Issuer "surge calibration (NOT TRUSTED)": these are calibration artefacts, never trusted.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "real/pkcs11_module.hpp"

namespace surge::real {

/// Signs a digest with the issuing key; returns the raw signature (RSA PKCS#1 v1.5, or ECDSA r || s).
using DigestSigner = std::function<std::vector<unsigned char>(const std::vector<unsigned char>& digest)>;

/// The issuer's name on every calibration structure.
inline constexpr const char* kCalibrationIssuer = "surge calibration (NOT TRUSTED)";

/// What to put in a certificate.
struct CertificateContents {
  std::vector<std::string> names = {"calibration.surge.invalid"};  ///< DNS names (SAN); the first is the CN
  bool precertificate = false;                                     ///< adds the critical CT poison extension (RFC 6962)
  long validity_days = 90;
  std::vector<unsigned char> serial;  ///< big-endian; empty: 16 random bytes starting with surge's prefix
};

/// The digest a key type's signature covers: SHA-256 (RSA-2048, P-256) or SHA-384 (P-384).
std::vector<unsigned char> digest_for(KeyType type, const std::vector<unsigned char>& data);

/// A certificate (or precertificate) issued by the key `issuer` (its public half in DER) to a
/// subscriber key (SubjectPublicKeyInfo DER), signed by `sign`. Returns the certificate's DER.
std::vector<unsigned char> issue_certificate(KeyType issuer_type, const std::vector<unsigned char>& issuer_public_der,
                                             const std::vector<unsigned char>& subscriber_public_der,
                                             const CertificateContents& contents, const DigestSigner& sign);

/// The final certificate of a precertificate (RFC 6962 section 3.1): its TBSCertificate without the
/// poison extension, with the SCT list extension (`sct_list`, a SignedCertificateTimestampList; none
/// when empty) in its place, signed by `sign`.
std::vector<unsigned char> certificate_for_precertificate(KeyType issuer_type,
                                                          const std::vector<unsigned char>& precertificate_der,
                                                          const std::vector<unsigned char>& sct_list,
                                                          const DigestSigner& sign);

/// A certificate's serial number in lower-case hex (36 digits for surge's 18-byte serials, as Boulder
/// stores them); empty when the bytes are no certificate.
std::string serial_hex(const std::vector<unsigned char>& certificate_der);

/// A certificate's SubjectPublicKeyInfo, DER; empty when the bytes are no certificate.
std::vector<unsigned char> certificate_public_key(const std::vector<unsigned char>& certificate_der);

/// Verifies a certificate's signature against the issuer's public key (DER); true if it verifies.
bool verify_certificate(const std::vector<unsigned char>& certificate_der,
                        const std::vector<unsigned char>& issuer_public_der);

/// True if the certificate carries the critical CT poison extension.
bool has_ct_poison(const std::vector<unsigned char>& certificate_der);

}  // namespace surge::real
