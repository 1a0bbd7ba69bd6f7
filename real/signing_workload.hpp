// What a calibration signs: the structures a CA signs (precertificate, certificate, OCSP response,
// CRL shard), prepared ahead of a level as signing inputs over real TBS bytes (the default: the HSM is
// what is measured), or built, hashed, signed and assembled per operation (--pipeline: the CA's CPU is
// measured too). Random digests only for a stored key: signing a certificate structure with an issuing
// key is issuance.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "real/structures.hpp"

namespace surge::real {

/// What one signature covers.
enum class Structure { PRECERTIFICATE, CERTIFICATE, OCSP, CRL, RANDOM_DIGEST };

/// "precert", "cert", "ocsp", "crl", "random-digest".
std::string structure_name(Structure s);
/// The inverse of structure_name for the four CA structures; nullopt for anything else.
std::optional<Structure> parse_structure(const std::string& name);

/// The issuer side of a key: its self-issued certificate (signed through the HSM once) and a
/// subscriber certificate that OCSP responses speak about.
struct IssuerMaterial {
  KeyPair key;
  std::vector<unsigned char> issuer_der;
  std::vector<unsigned char> subscriber_public_der;
  std::vector<unsigned char> sample_certificate_der;
};

/// Signs the issuer's certificate and a sample certificate through `sign` (the HSM).
IssuerMaterial make_issuer_material(const KeyPair& key, const DigestSigner& sign);

/// Signing inputs (what C_Sign receives: a DigestInfo for RSA, the digest for ECDSA) of one structure.
struct SigningRing {
  Structure structure = Structure::RANDOM_DIGEST;
  std::vector<std::vector<unsigned char>> inputs;
};

/// Builds `size` structures of each kind with OpenSSL and keeps the signing input of each (the TBS
/// bytes hashed exactly where the HSM would sign them; nothing is signed). CRL shards hold
/// `crl_entries` entries, 16 of them at most (slow to build); OCSP responses alternate good and revoked. Without
/// material (a stored key), random digests.
std::vector<SigningRing> prepare_rings(const IssuerMaterial* material, KeyType type,
                                       const std::vector<Structure>& structures, int size, long crl_entries,
                                       std::uint64_t seed);

/// One structure built, hashed, signed through `sign` and assembled (the pipeline); returns its DER.
/// `hsm_key` is an HSM-backed EVP_PKEY over the same signer (legacy_key.hpp), for OCSP and CRLs.
std::vector<unsigned char> build_and_sign(Structure s, const IssuerMaterial& material, EVP_PKEY* hsm_key,
                                          const DigestSigner& sign, long crl_entries, std::uint64_t index);

}  // namespace surge::real
