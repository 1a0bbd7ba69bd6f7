// The twin's CT log signs SCTs a relying party verifies (RFC 6962 section 3.2), checked with OpenSSL and
// the signed struct assembled here, byte by byte from the RFC, not by the code under test.
#include "real/ct_log.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "real/structures.hpp"

namespace surge::real {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Bytes public_der(EVP_PKEY* k) {
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(k, &der);
  Bytes out(der, der + n);
  OPENSSL_free(der);
  return out;
}

// A software RSA-2048 issuer (the twin's are tokens): PKCS#1 v1.5 over a SHA-256 digest.
struct Issuer {
  Pkey key{EVP_RSA_gen(2048)};
  std::vector<unsigned char> sign(const std::vector<unsigned char>& digest) const {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key.get(), nullptr);
    size_t n = 0;
    std::vector<unsigned char> sig;
    if (EVP_PKEY_sign_init(ctx) == 1 && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
        EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) == 1 &&
        EVP_PKEY_sign(ctx, nullptr, &n, digest.data(), digest.size()) == 1) {
      sig.resize(n);
      EVP_PKEY_sign(ctx, sig.data(), &n, digest.data(), digest.size());
      sig.resize(n);
    }
    EVP_PKEY_CTX_free(ctx);
    return sig;
  }
};

Bytes precertificate(const Issuer& issuer, bool poisoned = true) {
  const Pkey subscriber(EVP_EC_gen("P-256"));
  CertificateContents c;
  c.precertificate = poisoned;
  return issue_certificate(KeyType::RSA_2048, public_der(issuer.key.get()), public_der(subscriber.get()), c,
                           [&](const std::vector<unsigned char>& d) { return issuer.sign(d); });
}

// RFC 6962 3.2, assembled here: the TBS with the poison removed by OpenSSL, the fields written by hand.
Bytes signed_struct(const Bytes& precert, const Bytes& issuer_spki, std::uint64_t t) {
  const unsigned char* p = precert.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(precert.size()));
  X509_EXTENSION_free(X509_delete_ext(x, X509_get_ext_by_NID(x, NID_ct_precert_poison, -1)));
  unsigned char* der = nullptr;
  const int n = i2d_re_X509_tbs(x, &der);
  const Bytes tbs(der, der + n);
  OPENSSL_free(der);
  X509_free(x);
  unsigned char hash[SHA256_DIGEST_LENGTH];
  SHA256(issuer_spki.data(), issuer_spki.size(), hash);
  Bytes s = {0, 0};  // v1, certificate_timestamp
  for (int i = 7; i >= 0; --i) s.push_back(static_cast<unsigned char>(t >> (8 * i)));
  s.insert(s.end(), {0, 1});  // precert_entry
  s.insert(s.end(), hash, hash + SHA256_DIGEST_LENGTH);
  s.insert(s.end(), {static_cast<unsigned char>(tbs.size() >> 16), static_cast<unsigned char>(tbs.size() >> 8),
                     static_cast<unsigned char>(tbs.size())});
  s.insert(s.end(), tbs.begin(), tbs.end());
  s.insert(s.end(), {0, 0});  // no extensions
  return s;
}

bool verifies(const Bytes& log_key_der, const SignedTimestamp& sct, const Bytes& signed_data) {
  const unsigned char* p = log_key_der.data();
  const Pkey key(d2i_PUBKEY(nullptr, &p, static_cast<long>(log_key_der.size())));
  const Bytes der(sct.signature.begin() + 4, sct.signature.end());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
                  EVP_DigestVerify(ctx, der.data(), der.size(), signed_data.data(), signed_data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

TEST(CtLog, AnSctVerifiesAgainstTheLogsKeyOverThePrecertificateWithoutItsPoison) {
  const Issuer issuer;
  const Bytes precert = precertificate(issuer), issuer_spki = public_der(issuer.key.get());
  ASSERT_TRUE(has_ct_poison(precert));
  const CtLogKey log = CtLogKey::generate();
  const std::uint64_t t = 1765000000123;
  const SignedTimestamp sct = log.sign_precertificate(precert, issuer_spki, t);
  EXPECT_EQ(sct.timestamp_ms, t);
  unsigned char id[SHA256_DIGEST_LENGTH];
  SHA256(log.public_key_der().data(), log.public_key_der().size(), id);
  EXPECT_EQ(sct.log_id, Bytes(id, id + SHA256_DIGEST_LENGTH));
  // DigitallySigned: SHA-256 (4), ECDSA (3), a two-byte length, the DER signature.
  ASSERT_GT(sct.signature.size(), 4u);
  EXPECT_EQ(sct.signature[0], 4);
  EXPECT_EQ(sct.signature[1], 3);
  EXPECT_EQ(static_cast<size_t>(sct.signature[2] << 8 | sct.signature[3]), sct.signature.size() - 4);
  EXPECT_TRUE(verifies(log.public_key_der(), sct, signed_struct(precert, issuer_spki, t)));
  // Over another timestamp, issuer or log key, it does not.
  EXPECT_FALSE(verifies(log.public_key_der(), sct, signed_struct(precert, issuer_spki, t + 1)));
  const Issuer other;
  EXPECT_FALSE(verifies(log.public_key_der(), sct, signed_struct(precert, public_der(other.key.get()), t)));
  EXPECT_FALSE(verifies(CtLogKey::generate().public_key_der(), sct, signed_struct(precert, issuer_spki, t)));
}

TEST(CtLog, ACertificateWithoutPoisonOrNoCertificateIsRefused) {
  const Issuer issuer;
  const CtLogKey log = CtLogKey::generate();
  EXPECT_THROW(log.sign_precertificate(precertificate(issuer, false), public_der(issuer.key.get()), 1),
               std::invalid_argument);
  EXPECT_THROW(log.sign_precertificate(Bytes{0x30, 0x03, 0x02, 0x01, 0x01}, public_der(issuer.key.get()), 1),
               std::invalid_argument);
}

std::string base64(const Bytes& b) {
  std::string out(4 * ((b.size() + 2) / 3), '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), b.data(), static_cast<int>(b.size()));
  return out;
}

Bytes unbase64(const std::string& t) {
  Bytes out(3 * t.size() / 4);
  const int n =
      EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(t.data()), static_cast<int>(t.size()));
  out.resize(static_cast<size_t>(n) - (t.ends_with("==") ? 2 : t.ends_with("=") ? 1 : 0));
  return out;
}

// surge-ctlog as a child: its pid and the port it printed once listening.
struct LogServer {
  pid_t pid = -1;
  int port = 0;
  ~LogServer() {
    if (pid > 0) kill(pid, SIGKILL), waitpid(pid, nullptr, 0);
  }
};

void start_log(LogServer& log, const std::string& rate, const std::string& key_file) {
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  log.pid = fork();
  if (log.pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    execl(SURGE_CTLOG, SURGE_CTLOG, "--name", "twin-log", "--rate", rate.c_str(), "--port", "0", "--public-key",
          key_file.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  FILE* f = fdopen(out[0], "r");
  char line[128] = {};
  ASSERT_NE(std::fgets(line, sizeof line, f), nullptr) << "surge-ctlog printed nothing";
  std::fclose(f);
  ASSERT_EQ(std::sscanf(line, "listening 127.0.0.1:%d", &log.port), 1) << line;
}

TEST(CtLogServer, AddPreChainReturnsAVerifyingSctThenRefusesOverItsRateWith429) {
  const std::string key_file =
      (std::filesystem::temp_directory_path() / ("ctlog-" + std::to_string(getpid()))).string();
  LogServer log;
  start_log(log, "0.001", key_file);  // one submission, then none for 1,000 s: 429 whatever the machine's speed
  std::ifstream in(key_file, std::ios::binary);
  const Bytes log_key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const Issuer issuer;
  const Bytes precert = precertificate(issuer), issuer_spki = public_der(issuer.key.get());
  CertificateContents self;  // the issuer's certificate: its own key as the subject's
  const Bytes issuer_cert = issue_certificate(KeyType::RSA_2048, issuer_spki, issuer_spki, self,
                                              [&](const std::vector<unsigned char>& d) { return issuer.sign(d); });
  httplib::Client client("127.0.0.1", log.port);
  const std::string body = nlohmann::json{{"chain", {base64(precert), base64(issuer_cert)}}}.dump();
  const auto first = client.Post("/ct/v1/add-pre-chain", body, "application/json");
  ASSERT_TRUE(first) << "no answer";
  ASSERT_EQ(first->status, 200) << first->body;
  const nlohmann::json j = nlohmann::json::parse(first->body);
  EXPECT_EQ(j["sct_version"], 0);
  SignedTimestamp sct;
  sct.timestamp_ms = j["timestamp"].get<std::uint64_t>();
  sct.signature = unbase64(j["signature"].get<std::string>());
  unsigned char id[SHA256_DIGEST_LENGTH];
  SHA256(log_key.data(), log_key.size(), id);
  EXPECT_EQ(unbase64(j["id"].get<std::string>()), Bytes(id, id + SHA256_DIGEST_LENGTH));
  EXPECT_TRUE(verifies(log_key, sct, signed_struct(precert, issuer_spki, sct.timestamp_ms)));
  const auto second = client.Post("/ct/v1/add-pre-chain", body, "application/json");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 429);
  EXPECT_EQ(second->get_header_value("Retry-After"), "1");
  const auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("surge_ctlog_submissions_total{log=\"twin-log\"} 1\n"), std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("surge_ctlog_rate_limited_total{log=\"twin-log\"} 1\n"), std::string::npos)
      << metrics->body;
  // SIGTERM stops it cleanly.
  kill(log.pid, SIGTERM);
  int status = 0;
  waitpid(log.pid, &status, 0);
  log.pid = -1;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  std::filesystem::remove(key_file);
}

TEST(CtLogServer, AChainWithoutItsIssuerIsABadRequest) {
  const std::string key_file =
      (std::filesystem::temp_directory_path() / ("ctlog-bad-" + std::to_string(getpid()))).string();
  LogServer log;
  start_log(log, "1000", key_file);
  const Issuer issuer;
  httplib::Client client("127.0.0.1", log.port);
  const auto r = client.Post("/ct/v1/add-pre-chain", nlohmann::json{{"chain", {base64(precertificate(issuer))}}}.dump(),
                             "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("needs a precertificate and its issuer"), std::string::npos) << r->body;
  std::filesystem::remove(key_file);
}

}  // namespace
}  // namespace surge::real
