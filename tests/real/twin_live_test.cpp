// `surge twin` live (issue 18): one small run of scenarios/twin-hsm-lost.yaml (CRL era, CT, an HSM member
// SIGKILLed part-way), checked for work that was real. Everything is verified with OpenSSL's own
// certificate, CRL and CT code against the keys the run wrote (the issuer's, each log's), not with
// surge's; row counts against the SA's acknowledged commits; the failure in the measured series.
#include <gtest/gtest.h>
#include <openssl/ct.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "real/local_mariadb.hpp"
#include "real/net_lab.hpp"
#include "real/sct.hpp"
#include "tests/command_result.hpp"

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<unsigned char>;

Bytes read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

X509* certificate(const Bytes& der) {
  const unsigned char* p = der.data();
  return d2i_X509(nullptr, &p, static_cast<long>(der.size()));
}

std::string hex(const ASN1_INTEGER* serial) {
  BIGNUM* bn = ASN1_INTEGER_to_BN(serial, nullptr);
  char* h = BN_bn2hex(bn);
  std::string out = h;
  OPENSSL_free(h);
  BN_free(bn);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The final certificates the run kept: signed by the issuer, no poison, SCTs that OpenSSL's CT code
// validates against the logs' keys, from two operators' logs (google: argon or xenon; cloudflare: nimbus).
void check_certificates(const fs::path& evidence, X509* issuer) {
  // The logs as OpenSSL's CT log list file names them (CTLOG_STORE_load_file's format).
  const fs::path list = evidence / "ct_log_list.cnf";
  std::ofstream cnf(list);
  cnf << "enabled_logs = argon,xenon,nimbus\n";
  std::map<std::string, std::string> log_of_id;
  for (const char* name : {"argon", "xenon", "nimbus"}) {
    const Bytes key = read_bytes(evidence / (std::string("ctlog-") + name + ".der"));
    ASSERT_FALSE(key.empty()) << name;
    cnf << "[" << name << "]\ndescription = " << name << "\nkey = " << surge::real::base64(key) << "\n";
    const Bytes id = surge::real::sha256(key);
    log_of_id[std::string(id.begin(), id.end())] = name;
  }
  cnf.close();
  CTLOG_STORE* logs = CTLOG_STORE_new();
  ASSERT_EQ(CTLOG_STORE_load_file(logs, list.c_str()), 1);
  int checked = 0;
  for (int k = 1; fs::exists(evidence / ("certificate-" + std::to_string(k) + ".der")); ++k, ++checked) {
    X509* x = certificate(read_bytes(evidence / ("certificate-" + std::to_string(k) + ".der")));
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(X509_verify(x, X509_get0_pubkey(issuer)), 1) << "certificate " << k;
    EXPECT_LT(X509_get_ext_by_NID(x, NID_ct_precert_poison, -1), 0) << "a final certificate has no poison";
    STACK_OF(SCT)* scts = static_cast<STACK_OF(SCT)*>(X509_get_ext_d2i(x, NID_ct_precert_scts, nullptr, nullptr));
    ASSERT_NE(scts, nullptr) << "certificate " << k << " embeds no SCTs";
    CT_POLICY_EVAL_CTX* ctx = CT_POLICY_EVAL_CTX_new();
    CT_POLICY_EVAL_CTX_set1_cert(ctx, x);
    CT_POLICY_EVAL_CTX_set1_issuer(ctx, issuer);
    CT_POLICY_EVAL_CTX_set_shared_CTLOG_STORE(ctx, logs);
    EXPECT_EQ(SCT_LIST_validate(scts, ctx), 1) << "certificate " << k;
    std::set<std::string> operators;
    for (int i = 0; i < sk_SCT_num(scts); ++i) {
      SCT* sct = sk_SCT_value(scts, i);
      EXPECT_EQ(SCT_get_validation_status(sct), SCT_VALIDATION_STATUS_VALID) << "certificate " << k << " SCT " << i;
      unsigned char* id = nullptr;
      const size_t n = SCT_get0_log_id(sct, &id);
      const std::string log = log_of_id[std::string(id, id + n)];
      operators.insert(log == "nimbus" ? "cloudflare" : "google");
    }
    EXPECT_EQ(operators.size(), 2u) << "certificate " << k << ": SCTs from two operators";
    CT_POLICY_EVAL_CTX_free(ctx);
    SCT_LIST_free(scts);
    X509_free(x);
  }
  EXPECT_EQ(checked, 5);
  CTLOG_STORE_free(logs);
}

// Precertificates read back from MariaDB: signed by the issuer, with the critical poison extension.
void check_precertificates(const nlohmann::json& sample, X509* issuer) {
  ASSERT_EQ(sample.size(), 5u);
  for (const nlohmann::json& p : sample) {
    X509* x = certificate(surge::real::unbase64(p["der"].get<std::string>()));
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(X509_verify(x, X509_get0_pubkey(issuer)), 1);
    const int at = X509_get_ext_by_NID(x, NID_ct_precert_poison, -1);
    ASSERT_GE(at, 0);
    EXPECT_EQ(X509_EXTENSION_get_critical(X509_get_ext(x, at)), 1);
    EXPECT_EQ(hex(X509_get0_serialNumber(x)), p["serial"].get<std::string>());
    X509_free(x);
  }
}

// Every old certificate (serial 5e, then its index in 34 hex digits) is in a CRL shard the issuer signed.
void check_crls(const fs::path& dir, X509* issuer, long n) {
  std::set<std::string> listed;
  for (const auto& e : fs::directory_iterator(dir)) {
    const Bytes der = read_bytes(e.path());
    const unsigned char* p = der.data();
    X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size()));
    ASSERT_NE(crl, nullptr) << e.path();
    EXPECT_EQ(X509_CRL_verify(crl, X509_get0_pubkey(issuer)), 1) << e.path();
    STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl);
    for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i)
      listed.insert(hex(X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, i))));
    X509_CRL_free(crl);
  }
  long missing = 0;
  for (long i = 0; i < n; ++i) {
    char serial[40];
    std::snprintf(serial, sizeof serial, "5e%034lx", i);
    missing += listed.count(serial) == 0;
  }
  EXPECT_EQ(missing, 0) << "of " << n << " revoked certificates, " << missing << " are in no CRL";
}

// A column of twin.csv.
std::vector<double> column(const fs::path& csv, const std::string& name) {
  std::ifstream in(csv);
  std::string line, cell;
  std::getline(in, line);
  int at = -1, k = 0;
  for (std::stringstream h(line); std::getline(h, cell, ','); ++k)
    if (cell == name) at = k;
  std::vector<double> out;
  if (at < 0) return out;
  while (std::getline(in, line)) {
    std::stringstream r(line);
    for (int i = 0; i <= at && std::getline(r, cell, ','); ++i) {
    }
    out.push_back(std::stod(cell));
  }
  return out;
}

TEST(TwinLive, ARunOfTheHsmLostRegimeDidRealWorkAndItsFailureShowsInTheSeries) {
  const fs::path dir = fs::temp_directory_path() / ("surge-twin-live-test-" + std::to_string(getpid()));
  fs::remove_all(dir);
  const auto r = surge::testing::run_command(std::string(SURGE_CLI) + " twin " + SURGE_SOURCE_DIR +
                                             "/scenarios/twin-hsm-lost.yaml --out " + dir.string() + " --duration 10s");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  std::ifstream in(dir / "twin.json");
  const nlohmann::json t = nlohmann::json::parse(in);
  const long n = std::lround(t["certificates"].get<double>());
  const nlohmann::json& c = t["counters"];
  X509* issuer = certificate(read_bytes(dir / "evidence" / "issuer.der"));
  ASSERT_NE(issuer, nullptr);
  check_certificates(dir / "evidence", issuer);
  check_precertificates(t["database"]["sample_precertificates"], issuer);
  check_crls(dir / "evidence" / "crl", issuer, n);
  X509_free(issuer);
  // Every acknowledged commit is a row, and every row an acknowledged commit.
  const nlohmann::json& rows = t["database"]["rows"];
  EXPECT_EQ(rows["certificates"], c["sa.commits.AddCertificate"]);
  EXPECT_EQ(rows["precertificates"], c["sa.commits.AddPrecertificate"]);
  EXPECT_EQ(rows["revokedCertificates"], c["sa.commits.RevokeCertificate"]);
  EXPECT_EQ(rows["fqdnSets"], c["sa.commits.AddFQDNSet"]);
  // Every affected certificate replaced (an acknowledged issuance each) and revoked.
  EXPECT_EQ(c["load.replaced"].get<double>(), n);
  EXPECT_EQ(c["ra.issued"].get<double>(), n);
  EXPECT_EQ(rows["revokedCertificates"].get<double>(), n);
  EXPECT_EQ(rows["certificateStatus.revoked"].get<double>(), n);
  // The lost member: killed once, after which it signs nothing while the survivor keeps signing.
  ASSERT_EQ(t["failures_injected"].size(), 1u);
  EXPECT_EQ(t["failures_injected"][0].get<std::string>().rfind("dc1/hsm-2 at ", 0), 0u);
  EXPECT_EQ(c["ra.signers_lost"].get<double>(), 1);
  const auto ts = column(dir / "twin.csv", "t_s");
  const auto lost = column(dir / "twin.csv", "dc1/hsm-2.busy_s.sign");
  const auto survivor = column(dir / "twin.csv", "dc1/hsm-1.busy_s.sign");
  ASSERT_EQ(lost.size(), ts.size());
  ASSERT_EQ(survivor.size(), ts.size());
  const double killed_at = std::stod(t["failures_injected"][0].get<std::string>().substr(13));
  size_t after = 0;
  while (after < ts.size() && ts[after] < killed_at + 1) ++after;  // the first sample a second later
  ASSERT_LT(after + 1, ts.size()) << "the run ended within a second of the failure";
  EXPECT_GT(lost[after], 0) << "the lost member signed before it was lost";
  EXPECT_EQ(lost.back(), lost[after]) << "a killed member signs nothing more";
  EXPECT_GT(survivor.back(), survivor[after]) << "the survivor goes on signing";
  // Each paced stage's time per visit, predicted by the simulator and measured at the node: the stage (the
  // pace's wait, a session, the signature) takes at least the signature alone, quantile by quantile.
  const nlohmann::json& stages = t["stage_latency_s"];
  for (const char* node : {"dc1/hsm-1", "dc1/hsm-2", "sa"}) {
    ASSERT_TRUE(stages.contains(node)) << stages;
    const nlohmann::json& e = stages[node];
    EXPECT_EQ(e["resource"], std::string(node) == "sa" ? "db-writer" : "hsm:dc1");
    EXPECT_LE(e["predicted"]["p50"].get<double>(), e["predicted"]["p99"].get<double>());
    EXPECT_LE(e["measured"]["p50"].get<double>(), e["measured"]["p99"].get<double>());
    EXPECT_GT(e["measured"]["p50"].get<double>(), 0);
  }
  for (const char* member : {"dc1/hsm-1", "dc1/hsm-2"})
    for (const char* q : {"p50", "p99"})
      EXPECT_GE(stages[member]["measured"][q].get<double>(),
                t["latencies_s"][std::string(member) + ".latency.sign." + q].get<double>())
          << member << " " << q;
#ifdef SURGE_HAS_PLOT
  // The curves drawn: a PNG (its signature) beside the results.
  const Bytes png = read_bytes(dir / "twin.png");
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(Bytes(png.begin(), png.begin() + 8), (Bytes{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}));
#endif
  fs::remove_all(dir);
}

TEST(TwinLive, AModuleThatDoesNotLoadIsBadInputAndLeavesNoResult) {
  const fs::path dir = fs::temp_directory_path() / ("surge-twin-live-bad-" + std::to_string(getpid()));
  fs::remove_all(dir);
  const auto r = surge::testing::run_command(std::string(SURGE_CLI) + " twin " + SURGE_SOURCE_DIR +
                                             "/scenarios/twin-hsm-lost.yaml --out " + dir.string() +
                                             " --duration 10s --module /nonexistent/libpkcs11.so");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("/nonexistent/libpkcs11.so"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "twin.json"));
  EXPECT_TRUE(fs::exists(dir / "prediction.json")) << "the prediction, made first, stands";
  fs::remove_all(dir);
}

TEST(TwinLive, OnAServerGivenByDsnTheRunWritesItsOwnDatabaseAndDropsIt) {
  surge::real::LocalMariaDb server;
  const surge::real::DbTarget t = server.target();
  const fs::path dir = fs::temp_directory_path() / ("surge-twin-live-dsn-" + std::to_string(getpid()));
  fs::remove_all(dir);
  const std::string dsn = "mariadb://" + t.user + "@127.0.0.1:" + std::to_string(t.port) + "/surge_twin";
  const std::string command = std::string(SURGE_CLI) + " twin " + SURGE_SOURCE_DIR +
                              "/scenarios/twin-db-bound.yaml --out " + dir.string() + " --duration 10s --dsn " + dsn;
  // The password reaches surge in its environment only, never on its command line.
  setenv("SURGE_DB_PASSWORD", "not-the-password", 1);
  auto r = surge::testing::run_command(command);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("Access denied"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("not-the-password"), std::string::npos) << "a password in a message";
  EXPECT_FALSE(fs::exists(dir / "twin.json"));
  setenv("SURGE_DB_PASSWORD", t.password.c_str(), 1);
  r = surge::testing::run_command(command);
  unsetenv("SURGE_DB_PASSWORD");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  std::ifstream in(dir / "twin.json");
  const nlohmann::json tj = nlohmann::json::parse(in);
  EXPECT_EQ(tj["database"]["rows"]["certificates"], tj["counters"]["sa.commits.AddCertificate"]);
  EXPECT_EQ(tj["database"]["rows"]["revokedCertificates"].get<double>(), tj["certificates"].get<double>());
  // The run's database went with it: the server holds no surge_twin_* database.
  const auto admin = surge::real::connect_mariadb(server.admin_target());
  EXPECT_EQ(admin->scalar("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name LIKE 'surge\\_twin%'"),
            "0")
      << r.out << r.err;
  fs::remove_all(dir);
}

// The two-data-center regime: dc1 and dc2 as network namespaces joined by a tbf-shaped veth pair, dc2's
// signers and the replica across it, the link cut part-way. What shows the cut was real: the RA saw both of
// dc2's signers stop answering; the link carried bytes before the cut and none after; the replica's
// heartbeat stopped arriving (its lag at the end is the time since the cut); and every certificate was
// still replaced and revoked by dc1 alone.
TEST(TwinLive, TwoDataCentersOnAShapedLinkAndTheCutShowInTheSeries) {
  if (const auto why = surge::real::NetLab::unavailable()) GTEST_SKIP() << *why;
  const fs::path dir = fs::temp_directory_path() / ("surge-twin-live-2dc-" + std::to_string(getpid()));
  fs::remove_all(dir);
  const auto r = surge::testing::run_command(std::string(SURGE_CLI) + " twin " + SURGE_SOURCE_DIR +
                                             "/scenarios/twin-two-dc.yaml --out " + dir.string() + " --duration 10s");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  std::ifstream in(dir / "twin.json");
  const nlohmann::json t = nlohmann::json::parse(in);
  const nlohmann::json& c = t["counters"];
  const long n = std::lround(t["certificates"].get<double>());
  EXPECT_EQ(c["load.replaced"].get<double>(), n);
  EXPECT_EQ(t["database"]["rows"]["revokedCertificates"].get<double>(), n);
  EXPECT_EQ(t["database"]["rows"]["certificates"], c["sa.commits.AddCertificate"]);
  // The cut: the link first, then dc2's two members lost to the RA, at the same time.
  const nlohmann::json& failures = t["failures_injected"];
  ASSERT_EQ(failures.size(), 3u) << failures;
  EXPECT_EQ(failures[0].get<std::string>().rfind("link dc1-dc2 at ", 0), 0u) << failures;
  EXPECT_EQ(c["ra.signers_lost"].get<double>(), 2) << "both of dc2's signers stopped answering the RA";
  const double cut = std::stod(failures[0].get<std::string>().substr(16));
  const auto ts = column(dir / "twin.csv", "t_s");
  const auto sent = column(dir / "twin.csv", "wan.sent_bytes");
  const auto lag = column(dir / "twin.csv", "replica.lag_s");
  ASSERT_EQ(sent.size(), ts.size());
  ASSERT_EQ(lag.size(), ts.size());
  size_t before = 0, after = 0;
  while (before + 1 < ts.size() && ts[before + 1] < cut) ++before;  // the last sample before the cut
  while (after < ts.size() && ts[after] < cut + 1) ++after;         // the first a second after it
  ASSERT_LT(after + 1, ts.size()) << "the run ended within a second of the cut";
  EXPECT_GT(sent[before], 0) << "the link carried the RPCs and the binlog before the cut";
  EXPECT_EQ(sent.back(), sent[after]) << "nothing crosses a cut link";
  EXPECT_GE(lag[before], 0) << "the replica's lag was read before the cut";
  EXPECT_LT(lag[before], cut) << "the replica had the heartbeats of the run's start";
  EXPECT_GE(lag.back(), ts.back() - cut - 0.5) << "no heartbeat reached the replica after the cut";
  // Each end of the link was shaped to the twin scenario's WAN bandwidth: tc's own report of its qdisc.
  std::ifstream yaml(dir / "twin-scenario.yaml");
  std::string line;
  double bandwidth_bps = 0;
  while (std::getline(yaml, line))
    if (line.find("{from: dc1, to: dc2, bandwidth: ") != std::string::npos)
      bandwidth_bps = std::stod(line.substr(line.find("bandwidth: ") + 11));
  ASSERT_GT(bandwidth_bps, 0);
  std::ifstream net(dir / "evidence" / "network.txt");
  int shaped = 0;
  while (std::getline(net, line)) {
    if (line.rfind("[{", 0) != 0) continue;
    const nlohmann::json q = nlohmann::json::parse(line).at(0);
    EXPECT_EQ(q["kind"], "tbf") << line;
    EXPECT_NEAR(q["options"]["rate"].get<double>(), bandwidth_bps / 8, 1) << line;
    ++shaped;
  }
  EXPECT_EQ(shaped, 2) << "a qdisc on each end";
  fs::remove_all(dir);
}

// Where this process may not make network namespaces (here: as user nobody), the two-data-center regime
// says so and exits 3 with no result, and `--regimes` skips it.
TEST(TwinLive, WithoutNetworkNamespacesTheTwoDataCenterRegimeSaysSoAndIsSkipped) {
  const fs::path dir = fs::temp_directory_path() / ("surge-twin-live-nons-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::all);
  const std::string as_nobody = geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
  if (as_nobody.empty() && !surge::real::NetLab::unavailable()) GTEST_SKIP() << "not root, yet namespaces allowed";
  // nobody must reach the programs and the scenarios (a checkout under /root, mode 700, is out of reach).
  const std::string reach =
      as_nobody + "test -x " + SURGE_CLI + " -a -r " + SURGE_SOURCE_DIR + "/scenarios/twin-two-dc.yaml";
  if (!as_nobody.empty() && surge::testing::run_command(reach).code != 0)
    GTEST_SKIP() << "user nobody cannot reach " << SURGE_CLI << " or " << SURGE_SOURCE_DIR;
  auto r =
      surge::testing::run_command(as_nobody + SURGE_CLI + " twin " + SURGE_SOURCE_DIR +
                                  "/scenarios/twin-two-dc.yaml --out " + (dir / "one").string() + " --duration 10s");
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("not on this machine: two data centers need network namespaces"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "one" / "twin.json"));
  r = surge::testing::run_command(as_nobody + SURGE_CLI + " twin --regimes two-dc --out " + (dir / "all").string() +
                                  " --duration 10s");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("skipped"), std::string::npos) << r.out;
  fs::remove_all(dir);
}

}  // namespace
