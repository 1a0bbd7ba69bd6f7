// The pieces the twin's CA is made of, checked with OpenSSL's own code: SCTs serialized and embedded
// in the final certificate (RFC 6962 section 3.3), the final certificate made from the precertificate,
// an issuing key cloned onto several tokens, and OCSP responses and CRLs about serials.
#include <gtest/gtest.h>
#include <openssl/ct.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <set>

#include "real/key_import.hpp"
#include "real/legacy_key.hpp"
#include "real/revocation_structures.hpp"
#include "real/sct.hpp"
#include "real/structures.hpp"
#include "tests/real/softhsm_token.hpp"

namespace surge::real {
namespace {

using testing::kSoftHsmModule;
using testing::kUserPin;

X509* parse(const Bytes& der) {
  const unsigned char* p = der.data();
  return d2i_X509(nullptr, &p, static_cast<long>(der.size()));
}

// A token holding a cloned RSA-2048 issuing key, and a signer on it.
struct TokenIssuer {
  testing::PrivateSoftHsm hsm{"parts", {"member-1", "member-2"}};
  Pkcs11Module m{kSoftHsmModule};
  SoftwareKey key = generate_software_key(KeyType::RSA_2048);
  CK_SESSION_HANDLE s = 0;
  KeyPair pair;
  DigestSigner sign;
  explicit TokenIssuer(const char* member = "member-1") {
    for (const char* label : {"member-1", "member-2"}) {
      const CK_SESSION_HANDLE t = m.open_session(m.slot_by_label(label));
      m.login(t, kUserPin);
      import_private_key(m, t, key.get(), KeyType::RSA_2048, "issuer");
      // The session stays open: closing a slot's last session logs it out (Pkcs11Module logs in once).
    }
    s = m.open_session(m.slot_by_label(member));
    m.login(s, kUserPin);
    pair = m.find_key(s, "issuer");
    pair.public_der = public_key_der(key.get());
    sign = [this](const std::vector<unsigned char>& d) { return m.sign_digest(s, pair, d); };
  }
};

CertificateContents precert_contents() {
  CertificateContents c;
  c.names = {"www.twin.surge.invalid", "twin.surge.invalid"};
  c.precertificate = true;
  c.serial = {0x5e, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
              0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11};
  return c;
}

TEST(TwinParts, AKeyClonedOntoTwoTokensSignsAsOneIssuerOnEither) {
  for (const char* member : {"member-1", "member-2"}) {
    TokenIssuer issuer(member);
    const Bytes subscriber = public_key_der(generate_software_key(KeyType::ECDSA_P256).get());
    const Bytes der =
        issue_certificate(KeyType::RSA_2048, issuer.pair.public_der, subscriber, precert_contents(), issuer.sign);
    X509* x = parse(der);
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(X509_verify(x, issuer.key.get()), 1) << member;  // the software key's public half
    X509_free(x);
  }
}

TEST(TwinParts, TheFinalCertificateIsThePrecertificateWithItsScts) {
  TokenIssuer issuer;
  const Bytes subscriber = public_key_der(generate_software_key(KeyType::ECDSA_P256).get());
  const Bytes pre =
      issue_certificate(KeyType::RSA_2048, issuer.pair.public_der, subscriber, precert_contents(), issuer.sign);
  EXPECT_EQ(serial_hex(pre), "5e0102030405060708090a0b0c0d0e0f1011");
  const CtLogKey a = CtLogKey::generate(), b = CtLogKey::generate();
  const SignedTimestamp sa = a.sign_precertificate(pre, issuer.pair.public_der, 1700000000000);
  const SignedTimestamp sb = b.sign_precertificate(pre, issuer.pair.public_der, 1700000000001);
  // Serialization round-trips, and OpenSSL reads the list.
  const Bytes list = sct_list({serialize_sct(sa), serialize_sct(sb)});
  ASSERT_EQ(parse_sct(serialize_sct(sa))->signature, sa.signature);
  const unsigned char* p = list.data();
  STACK_OF(SCT)* read = o2i_SCT_LIST(nullptr, &p, list.size());
  ASSERT_NE(read, nullptr);
  ASSERT_EQ(sk_SCT_num(read), 2);
  EXPECT_EQ(SCT_get_timestamp(sk_SCT_value(read, 1)), 1700000000001u);
  SCT_LIST_free(read);
  const Bytes cert = certificate_for_precertificate(KeyType::RSA_2048, pre, list, issuer.sign);
  X509* x = parse(cert);
  X509* px = parse(pre);
  ASSERT_TRUE(x && px);
  EXPECT_EQ(X509_verify(x, issuer.key.get()), 1);
  EXPECT_FALSE(has_ct_poison(cert));
  EXPECT_EQ(serial_hex(cert), serial_hex(pre));
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(x), X509_get_subject_name(px)), 0);
  EXPECT_EQ(ASN1_TIME_compare(X509_get0_notAfter(x), X509_get0_notAfter(px)), 0);
  const std::vector<SignedTimestamp> embedded = embedded_scts(cert);
  ASSERT_EQ(embedded.size(), 2u);
  EXPECT_TRUE(verify_embedded_sct(embedded[0], a.public_key_der(), cert, issuer.pair.public_der));
  EXPECT_TRUE(verify_embedded_sct(embedded[1], b.public_key_der(), cert, issuer.pair.public_der));
  EXPECT_FALSE(verify_embedded_sct(embedded[0], b.public_key_der(), cert, issuer.pair.public_der));
  X509_free(x);
  X509_free(px);
}

TEST(TwinParts, OcspAndCrlSpeakAboutTheSerialsGiven) {
  TokenIssuer issuer;
  const HsmPkey pkey = hsm_pkey(issuer.pair, &issuer.sign);
  const Bytes issuer_der = issuer_certificate(KeyType::RSA_2048, pkey.get());
  const std::string serial = "5e00000000000000000000000000000000002a";
  const Bytes ocsp = ocsp_response_for_serial(KeyType::RSA_2048, issuer_der, pkey.get(), serial, true);
  EXPECT_EQ(verify_ocsp_response(ocsp, issuer_der), V_OCSP_CERTSTATUS_REVOKED);
  const std::vector<std::string> serials = {serial, "5e00000000000000000000000000000000002b"};
  const Bytes crl_der = crl_for_serials(KeyType::RSA_2048, issuer_der, pkey.get(), 42, serials);
  EXPECT_EQ(verify_crl(crl_der, issuer_der), 2);
  const unsigned char* p = crl_der.data();
  X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(crl_der.size()));
  ASSERT_NE(crl, nullptr);
  std::set<std::string> listed;
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl);
  for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
    BIGNUM* bn = ASN1_INTEGER_to_BN(X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, i)), nullptr);
    char* hex = BN_bn2hex(bn);
    std::string h = hex;
    for (char& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    listed.insert(h);
    OPENSSL_free(hex);
    BN_free(bn);
  }
  EXPECT_EQ(listed, std::set<std::string>(serials.begin(), serials.end()));
  X509_CRL_free(crl);
  EXPECT_THROW(ocsp_response_for_serial(KeyType::RSA_2048, issuer_der, pkey.get(), "not hex", false), HsmError);
}

}  // namespace
}  // namespace surge::real
