// A Certificate Transparency log's signing side (RFC 6962), for the twin's local logs: a P-256 key, the
// log's id, and the signed certificate timestamp (SCT) it returns for a precertificate. What it signs is
// RFC 6962 section 3.2's digitally-signed struct over the precertificate's TBSCertificate without its
// poison extension and the issuer's key hash; the signature is encoded as a DigitallySigned (SHA-256,
// ECDSA). The twin's publisher embeds the SCTs in the final certificate.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace surge::real {

using Bytes = std::vector<unsigned char>;

/// An SCT as add-pre-chain returns it (RFC 6962 section 4.1), its binary fields decoded.
struct SignedTimestamp {
  std::uint64_t timestamp_ms = 0;  ///< milliseconds since the epoch
  Bytes log_id;                    ///< SHA-256 of the log's public key (SubjectPublicKeyInfo DER)
  Bytes signature;                 ///< DigitallySigned: hash 4 (SHA-256), signature 3 (ECDSA), length, DER
};

/// The precertificate's TBSCertificate, DER, without the CT poison extension (as the final certificate's
/// will be); throws std::invalid_argument when the input is no certificate or carries no poison.
Bytes tbs_without_poison(const Bytes& precertificate_der);

/// What an SCT over a precertificate signs (RFC 6962 section 3.2): version 0, certificate_timestamp,
/// the timestamp, entry type precert_entry, the issuer's key hash, the TBS (3-byte length) and no
/// extensions.
Bytes precert_signed_data(std::uint64_t timestamp_ms, const Bytes& issuer_key_hash, const Bytes& tbs);

/// SHA-256 of a byte string.
Bytes sha256(const Bytes& data);

/// One log's key.
class CtLogKey {
 public:
  /// A fresh P-256 key (a twin's logs live for one run).
  static CtLogKey generate();
  ~CtLogKey();
  CtLogKey(CtLogKey&&) noexcept;
  CtLogKey& operator=(CtLogKey&&) noexcept;

  /// The public key, SubjectPublicKeyInfo DER: what relying parties verify SCTs with.
  const Bytes& public_key_der() const { return public_der_; }
  /// SHA-256 of it.
  const Bytes& log_id() const { return log_id_; }
  /// The SCT for a precertificate issued by the key whose SubjectPublicKeyInfo is `issuer_key_der`.
  SignedTimestamp sign_precertificate(const Bytes& precertificate_der, const Bytes& issuer_key_der,
                                      std::uint64_t timestamp_ms) const;

 private:
  struct Key;
  explicit CtLogKey(std::unique_ptr<Key> key);
  std::unique_ptr<Key> key_;
  Bytes public_der_;
  Bytes log_id_;
};

}  // namespace surge::real
