#include "real/sct.hpp"

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <memory>

namespace surge::real {
namespace {

constexpr std::size_t kLogIdBytes = 32;

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

X509Ptr parse_certificate(const Bytes& der) {
  const unsigned char* p = der.data();
  return X509Ptr(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
}

void put(Bytes& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<unsigned char>(v >> (8 * i)));
}

// Reads `bytes` big-endian bytes at `at`; false past the end.
bool get(const Bytes& in, std::size_t& at, int bytes, std::uint64_t& v) {
  if (at + static_cast<std::size_t>(bytes) > in.size()) return false;
  v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | in[at++];
  return true;
}

// The certificate's SCT list extension's value (the TLS list inside its OCTET STRING); empty if none.
Bytes sct_extension_value(X509* x) {
  const int at = X509_get_ext_by_NID(x, NID_ct_precert_scts, -1);
  if (at < 0) return {};
  const ASN1_OCTET_STRING* outer = X509_EXTENSION_get_data(X509_get_ext(x, at));
  const unsigned char* p = ASN1_STRING_get0_data(outer);
  ASN1_OCTET_STRING* inner = d2i_ASN1_OCTET_STRING(nullptr, &p, ASN1_STRING_length(outer));
  if (!inner) return {};
  Bytes out(ASN1_STRING_get0_data(inner), ASN1_STRING_get0_data(inner) + ASN1_STRING_length(inner));
  ASN1_OCTET_STRING_free(inner);
  return out;
}

}  // namespace

std::string base64(const Bytes& b) {
  std::string out(4 * ((b.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), b.data(), static_cast<int>(b.size()));
  out.resize(static_cast<size_t>(std::max(n, 0)));
  return out;
}

Bytes unbase64(const std::string& text) {
  if (text.empty() || text.size() % 4 != 0) return {};
  Bytes out(3 * text.size() / 4);
  const int n =
      EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return {};
  size_t pad = 0;
  while (pad < 2 && text[text.size() - 1 - pad] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

Bytes serialize_sct(const SignedTimestamp& sct) {
  Bytes out = {0};  // v1
  out.insert(out.end(), sct.log_id.begin(), sct.log_id.end());
  put(out, sct.timestamp_ms, 8);
  put(out, 0, 2);  // no extensions
  out.insert(out.end(), sct.signature.begin(), sct.signature.end());
  return out;
}

std::optional<SignedTimestamp> parse_sct(const Bytes& in) {
  if (in.size() < 1 + kLogIdBytes + 8 + 2 + 4 || in[0] != 0) return std::nullopt;
  SignedTimestamp sct;
  sct.log_id.assign(in.begin() + 1, in.begin() + 1 + kLogIdBytes);
  std::size_t at = 1 + kLogIdBytes;
  std::uint64_t extensions = 0, length = 0;
  if (!get(in, at, 8, sct.timestamp_ms) || !get(in, at, 2, extensions) || extensions != 0) return std::nullopt;
  const std::size_t signature_at = at;
  at += 2;  // hash and signature algorithms
  if (!get(in, at, 2, length) || at + length != in.size()) return std::nullopt;
  sct.signature.assign(in.begin() + static_cast<long>(signature_at), in.end());
  return sct;
}

Bytes sct_list(const std::vector<Bytes>& scts) {
  Bytes body;
  for (const Bytes& s : scts) {
    put(body, s.size(), 2);
    body.insert(body.end(), s.begin(), s.end());
  }
  Bytes out;
  put(out, body.size(), 2);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

std::vector<SignedTimestamp> embedded_scts(const Bytes& certificate_der) {
  X509Ptr x = parse_certificate(certificate_der);
  if (!x) return {};
  const Bytes list = sct_extension_value(x.get());
  std::vector<SignedTimestamp> out;
  std::size_t at = 0;
  std::uint64_t total = 0, length = 0;
  if (!get(list, at, 2, total) || total + 2 != list.size()) return {};
  while (at < list.size() && get(list, at, 2, length) && at + length <= list.size()) {
    if (auto sct =
            parse_sct(Bytes(list.begin() + static_cast<long>(at), list.begin() + static_cast<long>(at + length))))
      out.push_back(*sct);
    at += length;
  }
  return out;
}

bool verify_embedded_sct(const SignedTimestamp& sct, const Bytes& log_public_der, const Bytes& certificate_der,
                         const Bytes& issuer_key_der) {
  X509Ptr x = parse_certificate(certificate_der);
  if (!x || sct.signature.size() < 4) return false;
  const int at = X509_get_ext_by_NID(x.get(), NID_ct_precert_scts, -1);
  if (at < 0) return false;
  X509_EXTENSION_free(X509_delete_ext(x.get(), at));
  unsigned char* der = nullptr;
  const int n = i2d_re_X509_tbs(x.get(), &der);
  if (n <= 0) return false;
  const Bytes tbs(der, der + n);
  OPENSSL_free(der);
  const Bytes data = precert_signed_data(sct.timestamp_ms, sha256(issuer_key_der), tbs);
  const unsigned char* p = log_public_der.data();
  EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(log_public_der.size()));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      key && ctx && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, sct.signature.data() + 4, sct.signature.size() - 4, data.data(), data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok && sct.log_id == sha256(log_public_der);
}

}  // namespace surge::real
