// SCTs on the CA's side (RFC 6962 sections 3.2 and 3.3): an SCT serialized as the TLS structure the
// final certificate embeds, the SignedCertificateTimestampList extension's value, the SCTs read back from
// a certificate, and their verification against each log's key. Base64, as add-pre-chain speaks it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "real/ct_log.hpp"

namespace surge::real {

/// RFC 4648 base64.
std::string base64(const Bytes& b);
/// The inverse of base64; empty when the text is not base64.
Bytes unbase64(const std::string& text);

/// One SCT as the TLS structure SerializedSCT: version, log id, timestamp, no extensions, DigitallySigned.
Bytes serialize_sct(const SignedTimestamp& sct);
/// The inverse of serialize_sct; nullopt when the bytes are not one v1 SCT.
std::optional<SignedTimestamp> parse_sct(const Bytes& serialized);

/// The SignedCertificateTimestampList (a 2-byte length, then each SCT with its 2-byte length).
Bytes sct_list(const std::vector<Bytes>& serialized_scts);

/// The SCTs a certificate embeds (extension 1.3.6.1.4.1.11129.2.4.2); empty when it carries none.
std::vector<SignedTimestamp> embedded_scts(const Bytes& certificate_der);

/// True when `sct` is the log's (`log_public_der`, SubjectPublicKeyInfo) signature over the final
/// certificate's TBS without its SCT list, as the precertificate's was, for the issuer `issuer_key_der`.
bool verify_embedded_sct(const SignedTimestamp& sct, const Bytes& log_public_der, const Bytes& certificate_der,
                         const Bytes& issuer_key_der);

}  // namespace surge::real
