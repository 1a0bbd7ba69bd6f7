#include "real/signing_workload.hpp"

#include <openssl/ec.h>

#include <openssl/x509.h>
#include <algorithm>

#include "models/random.hpp"
#include "real/der.hpp"
#include "real/legacy_key.hpp"
#include "real/revocation_structures.hpp"

namespace surge::real {
namespace {

constexpr int kCrlRingSize = 16;  // CRL shards are slow to build; fewer distinct ones suffice

// A plausible subscriber: a Let's Encrypt certificate names 1-3 DNS names most often.
const std::vector<std::string> kSubscriberNames = {"www.calibration.surge.invalid", "calibration.surge.invalid"};

std::vector<unsigned char> subscriber_key() {
  EVP_PKEY* k = EVP_EC_gen("prime256v1");
  std::vector<unsigned char> der = der_of(k, i2d_PUBKEY);
  EVP_PKEY_free(k);
  return der;
}

CertificateContents contents(bool precertificate) {
  CertificateContents c;
  c.names = kSubscriberNames;
  c.precertificate = precertificate;
  return c;
}

}  // namespace

std::string structure_name(Structure s) {
  switch (s) {
    case Structure::PRECERTIFICATE:
      return "precert";
    case Structure::CERTIFICATE:
      return "cert";
    case Structure::OCSP:
      return "ocsp";
    case Structure::CRL:
      return "crl";
    case Structure::RANDOM_DIGEST:
      return "random-digest";
  }
  return "?";
}

std::optional<Structure> parse_structure(const std::string& name) {
  for (Structure s : {Structure::PRECERTIFICATE, Structure::CERTIFICATE, Structure::OCSP, Structure::CRL})
    if (structure_name(s) == name) return s;
  return std::nullopt;
}

IssuerMaterial make_issuer_material(const KeyPair& key, const DigestSigner& sign) {
  IssuerMaterial m;
  m.key = key;
  const HsmPkey pkey = hsm_pkey(key, &sign);
  m.issuer_der = issuer_certificate(key.type, pkey.get());
  m.subscriber_public_der = subscriber_key();
  m.sample_certificate_der =
      issue_certificate(key.type, key.public_der, m.subscriber_public_der, contents(false), sign);
  return m;
}

std::vector<SigningRing> prepare_rings(const IssuerMaterial* material, KeyType type,
                                       const std::vector<Structure>& structures, int size, long crl_entries,
                                       std::uint64_t seed) {
  std::vector<SigningRing> rings;
  if (!material) {
    SigningRing r{Structure::RANDOM_DIGEST, {}};
    Rng rng(seed, 0xD16E57);
    const size_t digest_bytes = type == KeyType::ECDSA_P384 ? 48 : 32;
    for (int i = 0; i < size; ++i) {
      std::vector<unsigned char> d(digest_bytes);
      for (unsigned char& b : d) b = static_cast<unsigned char>(rng.next() & 0xff);
      r.inputs.push_back(signing_input(type, d));
    }
    rings.push_back(std::move(r));
    return rings;
  }
  // Capture the digest OpenSSL (or surge) hands the signer; answer with a placeholder signature.
  std::vector<unsigned char> captured;
  const DigestSigner capture = [&](const std::vector<unsigned char>& digest) {
    captured = digest;
    return std::vector<unsigned char>(signature_bytes(type), 0x01);  // a stand-in of the right shape
  };
  const HsmPkey pkey = hsm_pkey(material->key, &capture);
  for (Structure s : structures) {
    SigningRing r{s, {}};
    const int n = s == Structure::CRL ? std::min(kCrlRingSize, size) : size;
    for (int i = 0; i < n; ++i) {
      build_and_sign(s, *material, pkey.get(), capture, crl_entries, static_cast<std::uint64_t>(i));
      r.inputs.push_back(signing_input(type, captured));
    }
    rings.push_back(std::move(r));
  }
  return rings;
}

std::vector<unsigned char> build_and_sign(Structure s, const IssuerMaterial& m, EVP_PKEY* hsm_key,
                                          const DigestSigner& sign, long crl_entries, std::uint64_t index) {
  const KeyType type = m.key.type;
  switch (s) {
    case Structure::PRECERTIFICATE:
    case Structure::CERTIFICATE:
      return issue_certificate(type, m.key.public_der, m.subscriber_public_der,
                               contents(s == Structure::PRECERTIFICATE), sign);
    case Structure::OCSP:
      return ocsp_response(type, m.issuer_der, hsm_key, m.sample_certificate_der, index % 2 == 1);
    case Structure::CRL:
      return crl_shard(type, m.issuer_der, hsm_key, static_cast<int>(index % 128), crl_entries);
    case Structure::RANDOM_DIGEST:
      break;
  }
  throw HsmError("random digests are not a structure");
}

}  // namespace surge::real
