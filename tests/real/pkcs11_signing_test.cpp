// Real signing through SoftHSM2, a real PKCS#11 module, on a private token in a temporary directory.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include <openssl/ocsp.h>

#include "real/der.hpp"
#include "real/legacy_key.hpp"
#include "real/pkcs11_module.hpp"
#include "real/revocation_structures.hpp"
#include "real/structures.hpp"
#include "tests/real/softhsm_token.hpp"

namespace surge::real {
namespace {

namespace fs = std::filesystem;

constexpr const char* kModule = testing::kSoftHsmModule;
constexpr const char* kLabel = "surge-test";
using testing::kUserPin;

// A SoftHSM configuration whose token directory is private to this test process.
class SoftHsm : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { token_ = new testing::PrivateSoftHsm("signing", {kLabel}); }
  static void TearDownTestSuite() { delete token_; }
  static testing::PrivateSoftHsm* token_;
};
testing::PrivateSoftHsm* SoftHsm::token_ = nullptr;

// A subscriber key made in software (the CA never holds it).
std::vector<unsigned char> subscriber_key() {
  EVP_PKEY* k = EVP_EC_gen("prime256v1");
  std::vector<unsigned char> der = der_of(k, i2d_PUBKEY);
  EVP_PKEY_free(k);
  return der;
}

TEST_F(SoftHsm, EveryKeyTypeSignsCertificatesAndPrecertificatesThatOpenSslVerifies) {
  Pkcs11Module m(kModule);
  const CK_SESSION_HANDLE s = m.open_session(m.slot_by_label(kLabel));
  m.login(s, kUserPin);
  const std::vector<unsigned char> subscriber = subscriber_key();
  for (KeyType type : {KeyType::RSA_2048, KeyType::ECDSA_P256, KeyType::ECDSA_P384}) {
    const KeyPair key = m.generate_session_key(s, type);
    const DigestSigner sign = [&](const std::vector<unsigned char>& d) { return m.sign_digest(s, key, d); };
    CertificateContents c;
    c.names = {"www.calibration.surge.invalid", "calibration.surge.invalid"};
    const std::vector<unsigned char> cert = issue_certificate(type, key.public_der, subscriber, c, sign);
    EXPECT_TRUE(verify_certificate(cert, key.public_der)) << key_type_name(type);
    EXPECT_FALSE(has_ct_poison(cert));
    c.precertificate = true;
    const std::vector<unsigned char> precert = issue_certificate(type, key.public_der, subscriber, c, sign);
    EXPECT_TRUE(verify_certificate(precert, key.public_der)) << key_type_name(type);
    EXPECT_TRUE(has_ct_poison(precert));
    // A changed byte in the signed part no longer verifies; another key's public half does not either.
    std::vector<unsigned char> tampered = cert;
    tampered[tampered.size() / 3] ^= 0x01;
    EXPECT_FALSE(verify_certificate(tampered, key.public_der)) << key_type_name(type);
    const KeyPair other = m.generate_session_key(s, type);
    EXPECT_FALSE(verify_certificate(cert, other.public_der)) << key_type_name(type);
  }
  m.close_session(s);
}

TEST_F(SoftHsm, EveryKeyTypeSignsOcspResponsesAndCrlShardsThatOpenSslVerifies) {
  Pkcs11Module m(kModule);
  const CK_SESSION_HANDLE s = m.open_session(m.slot_by_label(kLabel));
  m.login(s, kUserPin);
  const std::vector<unsigned char> subscriber = subscriber_key();
  for (KeyType type : {KeyType::RSA_2048, KeyType::ECDSA_P256, KeyType::ECDSA_P384}) {
    const KeyPair key = m.generate_session_key(s, type);
    const DigestSigner sign = [&](const std::vector<unsigned char>& d) { return m.sign_digest(s, key, d); };
    const HsmPkey pkey = hsm_pkey(key, &sign);
    const std::vector<unsigned char> issuer = issuer_certificate(type, pkey.get());
    EXPECT_TRUE(verify_certificate(issuer, key.public_der)) << key_type_name(type);
    const std::vector<unsigned char> cert = issue_certificate(type, key.public_der, subscriber, {}, sign);
    EXPECT_EQ(verify_ocsp_response(ocsp_response(type, issuer, pkey.get(), cert, false), issuer),
              V_OCSP_CERTSTATUS_GOOD)
        << key_type_name(type);
    EXPECT_EQ(verify_ocsp_response(ocsp_response(type, issuer, pkey.get(), cert, true), issuer),
              V_OCSP_CERTSTATUS_REVOKED)
        << key_type_name(type);
    const std::vector<unsigned char> crl = crl_shard(type, issuer, pkey.get(), 7, 1000);
    EXPECT_EQ(verify_crl(crl, issuer), 1000) << key_type_name(type);
    // Against another key's issuer certificate, neither verifies.
    const KeyPair other = m.generate_session_key(s, type);
    const DigestSigner other_sign = [&](const std::vector<unsigned char>& d) { return m.sign_digest(s, other, d); };
    const HsmPkey other_pkey = hsm_pkey(other, &other_sign);
    const std::vector<unsigned char> other_issuer = issuer_certificate(type, other_pkey.get());
    EXPECT_EQ(verify_crl(crl, other_issuer), -1);
    EXPECT_EQ(verify_ocsp_response(ocsp_response(type, issuer, pkey.get(), cert, false), other_issuer), -1);
  }
  m.close_session(s);
}

TEST_F(SoftHsm, AWrongPinFailsOnceAndIsNeverRetried) {
  Pkcs11Module m(kModule);
  const CK_SESSION_HANDLE s = m.open_session(m.slot_by_label(kLabel));
  try {
    m.login(s, "not-the-pin");
    FAIL() << "logged in with a wrong PIN";
  } catch (const HsmError& e) {
    EXPECT_EQ(e.rv(), std::optional<CK_RV>(CKR_PIN_INCORRECT));
    EXPECT_EQ(e.kind(), HsmError::Kind::CONFIGURATION);
  }
  try {
    m.login(s, kUserPin);  // even the right PIN: one attempt per process
    FAIL() << "a second login was attempted";
  } catch (const HsmError& e) {
    EXPECT_NE(std::string(e.what()).find("not trying again"), std::string::npos);
    EXPECT_EQ(e.rv(), std::nullopt) << "no PKCS#11 call returned an error";
  }
  m.close_session(s);
}

TEST_F(SoftHsm, MissingTokensAndModulesAreClearErrors) {
  Pkcs11Module m(kModule);
  try {
    m.slot_by_label("no-such-token");
    FAIL();
  } catch (const HsmError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("no token labelled 'no-such-token' (the module has: slot ", 0), 0u) << what;
    EXPECT_NE(what.find(std::string("'") + kLabel + "'"), std::string::npos) << "names the labels present: " << what;
    EXPECT_EQ(e.rv(), std::nullopt) << "no PKCS#11 call returned an error";
    EXPECT_EQ(e.kind(), HsmError::Kind::CONFIGURATION);
  }
  for (const char* path : {"/nonexistent/module.so", "/lib/x86_64-linux-gnu/libc.so.6"}) {  // libc: not a module
    try {
      Pkcs11Module bad(path);
      FAIL() << path;
    } catch (const HsmError& e) {
      EXPECT_EQ(e.rv(), std::nullopt) << e.what();
      EXPECT_EQ(e.kind(), HsmError::Kind::CONFIGURATION);
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
}

TEST(Pkcs11Names, ReturnValuesAndMechanismsAreNamedAndUnknownOnesShownInHex) {
  EXPECT_EQ(rv_name(CKR_FUNCTION_REJECTED), "CKR_FUNCTION_REJECTED");  // 0x200: once a bare "CKR 0x00000200"
  EXPECT_EQ(rv_name(CKR_PIN_INCORRECT), "CKR_PIN_INCORRECT");
  EXPECT_EQ(rv_name(CKR_TOKEN_WRITE_PROTECTED), "CKR_TOKEN_WRITE_PROTECTED");
  EXPECT_EQ(rv_name(CKR_VENDOR_DEFINED | 0x2a), "CKR_VENDOR_DEFINED+0x2a");
  EXPECT_EQ(rv_name(0x4242), "CKR 0x00004242 (not in PKCS#11 3.0)");
  EXPECT_EQ(mechanism_name(CKM_ECDSA), "CKM_ECDSA");
  EXPECT_EQ(mechanism_name(CKM_RSA_PKCS), "CKM_RSA_PKCS");
  EXPECT_EQ(mechanism_name(CKM_SHA256_RSA_PKCS_PSS), "CKM_SHA256_RSA_PKCS_PSS");
  EXPECT_EQ(mechanism_name(CKM_VENDOR_DEFINED | 7), "CKM_VENDOR_DEFINED+0x7");
}

TEST(ModuleLoadRefusal, OnlyAFileNamedLikeSoftHsmAfterItsLinksLoadsWithoutConsent) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("surge-refusal-" + std::to_string(getpid()));
  fs::create_directories(dir);
  fs::create_symlink(kModule, dir / "vendor-hsm.so");                             // SoftHSM2 under another name
  fs::create_symlink("/lib/x86_64-linux-gnu/libc.so.6", dir / "libsofthsm2.so");  // another file named like it
  EXPECT_EQ(module_load_refusal(kModule, false), "");
  EXPECT_EQ(module_load_refusal((dir / "vendor-hsm.so").string(), false), "");
  const std::string other = (dir / "libsofthsm2.so").string();
  EXPECT_EQ(module_load_refusal(other, false).rfind("refusing to load " + other + ": only SoftHSM2", 0), 0u);
  EXPECT_EQ(module_load_refusal(other, true), "");
  EXPECT_NE(module_load_refusal("/nonexistent/libsofthsm2.so", false), "");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace surge::real
