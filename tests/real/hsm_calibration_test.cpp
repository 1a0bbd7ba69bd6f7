// `surge calibrate hsm` end to end on SoftHSM2 (a real PKCS#11 module) with a private token: the profile
// and its contents, the safety rails (PIN handling, one login, stored keys sign random digests only,
// modules other than SoftHSM refused), faults (exit 3, no profile), pairs, processes, rate caps.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "real/pkcs11_module.hpp"
#include "tests/command_result.hpp"
#include "tests/real/softhsm_token.hpp"

namespace surge::real {
namespace {

namespace fs = std::filesystem;
using testing::kSoftHsmModule;
using testing::kUserPin;

constexpr const char* kToken = "calib-a";
constexpr const char* kToken2 = "calib-b";
constexpr const char* kStoredKey = "stored-p256";
// Short levels: these tests check behaviour, not the figures of a 2-core machine.
const std::string kQuick = " --duration 0.3s --warmup 0.1s --bootstrap 20 --open-loop none ";

using Result = surge::testing::CommandResult;
using surge::testing::slurp;

class CalibrateHsm : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    token_ = new testing::PrivateSoftHsm("calibrate", {kToken, kToken2});
    // A stored (token) key for --existing-key.
    Pkcs11Module m(kSoftHsmModule);
    const CK_SESSION_HANDLE s = m.open_session(m.slot_by_label(kToken));
    m.login(s, kUserPin);
    m.generate_session_key(s, KeyType::ECDSA_P256, kStoredKey);
    m.close_session(s);
  }
  static void TearDownTestSuite() { delete token_; }

  fs::path out(const std::string& name) const { return token_->dir() / name; }

  // Runs `surge calibrate hsm` with the PIN in the environment variable only (never the command line).
  static Result calibrate(const std::string& args, const std::string& pin = kUserPin) {
    const std::string module =
        args.find("--module ") == std::string::npos ? std::string(" --module ") + kSoftHsmModule : "";
    setenv("SURGE_PKCS11_PIN", pin.c_str(), 1);
    const Result r = surge::testing::run_command(std::string(SURGE_CLI) + " calibrate hsm" + module + " " + args);
    unsetenv("SURGE_PKCS11_PIN");
    return r;
  }

  static testing::PrivateSoftHsm* token_;
};
testing::PrivateSoftHsm* CalibrateHsm::token_ = nullptr;

TEST_F(CalibrateHsm, WritesAProfileWithOneFitPerKeyTypeAndNoPinAnywhere) {
  const fs::path profile = out("profile.json"), json = out("all.json"), csv = out("levels.csv");
  const Result r =
      calibrate(std::string("--token ") + kToken + " --key-type ecdsa-p256,rsa-2048 --threads 1,2,3,4,6,8" + kQuick +
                "--out " + profile.string() + " --json " + json.string() + " --csv " + csv.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json p = nlohmann::json::parse(slurp(profile));
  EXPECT_EQ(p.at("surge_profile"), 1);
  EXPECT_EQ(p.at("kind"), "hsm");
  EXPECT_EQ(p.at("metadata").at("token_model"), "SoftHSM v2");
  EXPECT_EQ(p.at("metadata").at("key_storage"), "session");
  EXPECT_EQ(p.at("metadata").at("mode"), "prepared-digests");
  EXPECT_EQ(p.at("metadata").at("structures"), nlohmann::json({"precert", "cert", "ocsp", "crl"}));
  ASSERT_EQ(p.at("key_types").size(), 2u);
  for (const char* key : {"ecdsa-p256", "rsa-2048"}) {
    const nlohmann::json& k = p.at("key_types").at(key);
    ASSERT_EQ(k.at("levels").size(), 6u) << key;
    // Throughput is what the latencies say: N workers each completing 1 / mean latency per second, within
    // the queueing the sessions add (a closed loop with N callers: X <= N / mean service time).
    const nlohmann::json& one = k.at("levels").at(0);
    EXPECT_EQ(one.at("threads"), 1);
    const double x1 = one.at("throughput_per_s"), mean1 = one.at("latency").at("mean_s");
    // One caller is busy at most all of the time: X * mean latency <= 1 (plus one call at the window's edge).
    // How close to 1 depends on how loaded the machine is, so only the bound is a test.
    EXPECT_LE(x1 * mean1, 1.05) << key << ": one caller's throughput cannot exceed 1 / its latency";
    EXPECT_GT(x1 * mean1, 0) << key;
    EXPECT_GT(one.at("latency").at("count").get<double>(), 0);
    EXPECT_NEAR(k.at("service_time_n1").at("mean_s").get<double>(), mean1, 1e-12);
    std::uint64_t in_histogram = 0;
    for (const auto& b : one.at("histogram")) in_histogram += b.at("count").get<std::uint64_t>();
    EXPECT_EQ(in_histogram, one.at("latency").at("count").get<std::uint64_t>());
    if (k.at("identified")) {
      EXPECT_GE(k.at("sigma").at("value").get<double>(), 0);
      EXPECT_GE(k.at("kappa").at("value").get<double>(), 0);
      EXPECT_LE(k.at("lambda").at("low").get<double>(), k.at("lambda").at("value").get<double>());
    } else {
      EXPECT_NE(k.at("reason").get<std::string>().find("unidentified"), std::string::npos);
    }
  }
  // The CSV has a row per level; the JSON per-second series covers the measured time.
  std::istringstream rows(slurp(csv));
  int lines = 0;
  for (std::string line; std::getline(rows, line);) ++lines;
  EXPECT_EQ(lines, 1 + 12);
  const nlohmann::json all = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(all.at("key_types").at(0).at("sweep").at("levels").at(0).at("per_second").size(), 1u);
  // The PIN is nowhere: not in stdout, stderr, the profile, the JSON or the CSV.
  for (const std::string& text : {r.out, r.err, slurp(profile), slurp(json), slurp(csv)})
    EXPECT_EQ(text.find(kUserPin), std::string::npos);
  EXPECT_NE(r.out.find("signatures/s"), std::string::npos);
}

TEST_F(CalibrateHsm, ThePinIsNotInTheCommandLineOrEnvironmentOfTheRunningProcess) {
  const fs::path profile = out("proc.json");
  setenv("SURGE_PKCS11_PIN", kUserPin, 1);
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string module = kSoftHsmModule;
    execl(SURGE_CLI, SURGE_CLI, "calibrate", "hsm", "--module", module.c_str(), "--token", kToken, "--key-type",
          "ecdsa-p256", "--threads", "1", "--duration", "2s", "--warmup", "0.1s", "--open-loop", "none", "--out",
          profile.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  unsetenv("SURGE_PKCS11_PIN");
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // signing by now
  const std::string cmdline = slurp("/proc/" + std::to_string(pid) + "/cmdline");
  const std::string limits = slurp("/proc/" + std::to_string(pid) + "/limits");
  const std::string environ = slurp("/proc/" + std::to_string(pid) + "/environ");
  EXPECT_NE(cmdline.find("calibrate"), std::string::npos) << "read the running process";
  EXPECT_EQ(cmdline.find(kUserPin), std::string::npos);
  EXPECT_EQ(environ.find(kUserPin), std::string::npos);
  // Core dumps are off: no dump can carry the PIN or key material away.
  std::istringstream lines(limits);
  bool core_limit_seen = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("Max core file size", 0) != 0) continue;
    core_limit_seen = true;
    std::istringstream fields(line.substr(std::string("Max core file size").size()));
    std::string soft, hard;
    fields >> soft >> hard;
    EXPECT_EQ(soft, "0");
    EXPECT_EQ(hard, "0");
  }
  EXPECT_TRUE(core_limit_seen) << limits;
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(slurp(profile).find(kUserPin), std::string::npos);
}

TEST_F(CalibrateHsm, AWrongPinIsTriedOnceExitsTwoSaysWhatThePinCounterShowsAndWritesNothing) {
  const fs::path profile = out("wrong-pin.json");
  const Result r = calibrate(std::string("--token ") + kToken + " --key-type ecdsa-p256 --threads 1" + kQuick +
                                 "--out " + profile.string() + " --processes 2",
                             "wrong-pin-0000");
  EXPECT_EQ(r.code, 2);
  Pkcs11Module m(kSoftHsmModule);
  const CK_SLOT_ID slot = m.slot_by_label(kToken);
  const std::string head = "surge calibrate hsm: C_Login to token '" + std::string(kToken) + "' (slot " +
                           std::to_string(slot) + "): CKR_PIN_INCORRECT; ";
  EXPECT_EQ(r.err.rfind(head, 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  EXPECT_FALSE(fs::exists(profile));
  // One failed attempt, not two (two processes, but the second never starts): SoftHSM counts them.
  CK_TOKEN_INFO info{};
  m.api()->C_GetTokenInfo(slot, &info);
  EXPECT_FALSE(info.flags & CKF_USER_PIN_LOCKED);
  // The message says what the token's flags show now.
  EXPECT_EQ(r.err.find("CKF_USER_PIN_COUNT_LOW") != std::string::npos, (info.flags & CKF_USER_PIN_COUNT_LOW) != 0);
  EXPECT_EQ(r.err.find("CKF_USER_PIN_FINAL_TRY") != std::string::npos, (info.flags & CKF_USER_PIN_FINAL_TRY) != 0);
  if (!(info.flags & (CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY))) {
    EXPECT_NE(r.err.find("none of the PIN counter flags"), std::string::npos) << r.err;
  }
  const Result ok = calibrate(std::string("--token ") + kToken + " --key-type ecdsa-p256 --threads 1" + kQuick +
                              "--out " + profile.string());
  EXPECT_EQ(ok.code, 0) << ok.err;
}

// "slot 1 'calib-a', slot 2 'calib-b', slot 3 (token not initialised)", from the module directly.
std::string softhsm_tokens(const Pkcs11Module& m) {
  CK_ULONG n = 0;
  m.api()->C_GetSlotList(CK_TRUE, nullptr, &n);
  std::vector<CK_SLOT_ID> slots(n);
  m.api()->C_GetSlotList(CK_TRUE, slots.data(), &n);
  std::string out;
  for (CK_SLOT_ID slot : slots) {
    CK_TOKEN_INFO info{};
    m.api()->C_GetTokenInfo(slot, &info);
    std::string label(reinterpret_cast<const char*>(info.label), sizeof info.label);
    label.erase(label.find_last_not_of(' ') + 1);
    out += (out.empty() ? "slot " : ", slot ") + std::to_string(slot) +
           ((info.flags & CKF_TOKEN_INITIALIZED) ? " '" + label + "'" : std::string(" (token not initialised)"));
  }
  return out;
}

TEST_F(CalibrateHsm, ConfigurationErrorsAreOneLineExitTwoAndNoProfile) {
  const fs::path profile = out("fault.json");
  const std::string base = " --key-type ecdsa-p256 --threads 1" + kQuick + "--out " + profile.string();
  Result r = calibrate("--token no-such-token" + base);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "surge calibrate hsm: no token labelled 'no-such-token' (the module has: " +
                       softhsm_tokens(Pkcs11Module(kSoftHsmModule)) + ")\n");
  EXPECT_NE(r.err.find(std::string("'") + kToken2 + "'"), std::string::npos) << "lists the labels: " << r.err;
  r = calibrate(std::string("--token ") + kToken + " --existing-key no-such-key --threads 1" + kQuick + "--out " +
                profile.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "surge calibrate hsm: no private key labelled 'no-such-key' on the token\n");
  r = calibrate("--token " + std::string(kToken) + " --i-accept-hsm-load --module /nonexistent/libhsm.so" + base);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "surge calibrate hsm: cannot load the PKCS#11 module: /nonexistent/libhsm.so: cannot open shared "
            "object file: No such file or directory\n");
  EXPECT_FALSE(fs::exists(profile));
}

TEST_F(CalibrateHsm, FaultsAreOneLineExitThreeAndNoProfile) {
  const fs::path profile = out("fault.json");
  const std::string base = " --key-type ecdsa-p256 --threads 1" + kQuick + "--out " + profile.string();
  Result r;
  // A session that dies mid-run (closed under the worker, as a failed HSM would): the run stops.
  r = calibrate(std::string("--token ") + kToken + " --inject-fault 0:50" + base);
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("token 'calib-a': C_Sign: CKR_SESSION_HANDLE_INVALID (1 error, --max-errors 0)"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(profile));
}

TEST_F(CalibrateHsm, PinFilesMustBePrivateAndPinsNeverComeFromTheCommandLine) {
  const fs::path pin = out("pin.txt"), profile = out("pinfile.json");
  std::ofstream(pin) << kUserPin << "\n";
  chmod(pin.c_str(), 0644);
  const std::string base = std::string("--token ") + kToken + " --key-type ecdsa-p256 --threads 1" + kQuick + "--out " +
                           profile.string() + " --pin-file " + pin.string();
  Result r = calibrate(base, "");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "surge calibrate hsm: the PIN file " + pin.string() +
                       " must not be readable by group or others (mode 0644); chmod 600 " + pin.string() + "\n");
  EXPECT_FALSE(fs::exists(profile));
  chmod(pin.c_str(), 0600);
  r = calibrate(base, "");
  EXPECT_EQ(r.code, 0) << r.err;
  r = calibrate(std::string("--token ") + kToken + " --pin " + kUserPin + kQuick + "--out " + profile.string());
  EXPECT_EQ(r.code, 2) << "there is no --pin option";
}

TEST_F(CalibrateHsm, AStoredKeySignsRandomDigestsOnlyAndRefusesStructures) {
  const fs::path profile = out("stored.json");
  Result r = calibrate(std::string("--token ") + kToken + " --existing-key " + kStoredKey + " --structure cert" +
                       kQuick + "--out " + profile.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "surge calibrate hsm: --existing-key signs random digests only: --structure, --pipeline and --crl-sizes "
            "need session keys (signing a certificate, OCSP or CRL structure with an issuing key is issuance)\n");
  r = calibrate(std::string("--token ") + kToken + " --existing-key " + kStoredKey + " --pipeline" + kQuick + "--out " +
                profile.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_FALSE(fs::exists(profile));
  r = calibrate(std::string("--token ") + kToken + " --existing-key " + kStoredKey + " --threads 1,2" + kQuick +
                "--out " + profile.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json p = nlohmann::json::parse(slurp(profile));
  EXPECT_EQ(p.at("metadata").at("key_storage"), "token");
  EXPECT_EQ(p.at("metadata").at("structures"), nlohmann::json({"random-digest"}));
  EXPECT_EQ(p.at("key_types").size(), 1u);
  EXPECT_TRUE(p.at("key_types").contains("ecdsa-p256"));
}

TEST_F(CalibrateHsm, ATokenIsFoundBySlotIdAsWellAsByLabel) {
  Pkcs11Module m(kSoftHsmModule);
  const CK_SLOT_ID slot = m.slot_by_label(kToken2);
  const fs::path profile = out("slot.json");
  Result r = calibrate("--slot " + std::to_string(slot) + " --key-type ecdsa-p256 --threads 1" + kQuick + "--out " +
                       profile.string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(slurp(profile)).at("metadata").at("tokens").at(0).at("label"), kToken2);
  EXPECT_NE(r.out.find(std::string("ecdsa-p256 on ") + kToken2 + "\n"), std::string::npos) << "by its label: " << r.out;
  r = calibrate("--slot 987654 --key-type ecdsa-p256 --threads 1" + kQuick + "--out " + profile.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "surge calibrate hsm: no token in slot 987654 (the module has: " + softhsm_tokens(m) + ")\n");
}

TEST_F(CalibrateHsm, ModulesOtherThanSoftHsmNeedExplicitConsent) {
  const std::string other = "/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-trust.so";
  ASSERT_TRUE(fs::exists(other)) << "scripts/setup.sh installs p11-kit-modules";
  const fs::path profile = out("other.json");
  const Result r = calibrate("--token " + std::string(kToken) + " --module " + other + " --threads 1" + kQuick +
                             "--out " + profile.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("only SoftHSM2 (libsofthsm2.so) is loaded without --i-accept-hsm-load"), std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(profile));
}

TEST_F(CalibrateHsm, ATokenThatCanSignWithNoKeyTypeAskedForIsExitTwoBeforeAnyKeyIsMade) {
  // p11-kit's trust module is a real PKCS#11 module whose tokens (the system's trust stores) sign nothing.
  const std::string other = "/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-trust.so";
  Pkcs11Module m(other);
  CK_ULONG n = 0;
  ASSERT_EQ(m.api()->C_GetSlotList(CK_TRUE, nullptr, &n), static_cast<CK_RV>(CKR_OK));
  ASSERT_GT(n, 0u) << "the trust module shows no token";
  std::vector<CK_SLOT_ID> slots(n);
  m.api()->C_GetSlotList(CK_TRUE, slots.data(), &n);
  const std::string label = m.describe(slots[0]).token_label;
  const fs::path profile = out("no-mechanism.json");
  const Result r = calibrate("--module " + other + " --i-accept-hsm-load --token '" + label +
                             "' --key-type ecdsa-p256" + kQuick + "--out " + profile.string());
  EXPECT_EQ(r.code, 2);
  // surge's one line ends standard error (the module may print its own complaints before it).
  const std::string line = "surge calibrate hsm: none of the key types asked for can be measured (ecdsa-p256: token '" +
                           label +
                           "' does not offer CKM_ECDSA for signing (it signs with: no public-key signature "
                           "mechanism))\n";
  ASSERT_GE(r.err.size(), line.size()) << r.err;
  EXPECT_EQ(r.err.substr(r.err.size() - line.size()), line);
  EXPECT_EQ(r.err.find("surge calibrate hsm:"), r.err.size() - line.size()) << "one line of surge's own";
  EXPECT_FALSE(fs::exists(profile));
}

TEST_F(CalibrateHsm, APairCarriesOnWhenOneMemberFailsWithinMaxErrors) {
  const fs::path profile = out("pair.json"), json = out("pair-all.json");
  const Result r = calibrate(std::string("--token ") + kToken + " --token " + kToken2 +
                             " --key-type ecdsa-p256 --threads 2 --max-errors 5 --inject-fault 1:20" + kQuick +
                             "--out " + profile.string() + " --json " + json.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json all = nlohmann::json::parse(slurp(json));
  const nlohmann::json& key = all.at("key_types").at(0);
  ASSERT_EQ(key.at("pair").size(), 2u);
  EXPECT_EQ(key.at("sweep").at("members"), "calib-a");
  EXPECT_EQ(key.at("pair").at(0).at("members"), "calib-b");
  const nlohmann::json& both = key.at("pair").at(1);
  EXPECT_EQ(both.at("members"), "calib-a+calib-b");
  // Worker 0 lost its session on calib-b after 20 signatures: one error, counted against calib-b; the
  // pool opened a new session and went on signing.
  const nlohmann::json& level = both.at("levels").at(0);
  EXPECT_EQ(level.at("errors"), 1);
  EXPECT_EQ(level.at("errors_by_member").at("calib-b"), 1);
  EXPECT_GT(level.at("signatures").get<double>(), 20) << "signing went on after the lost session";
  // The member alone, with the fault injected too: the worker reopens its session, as a CA's pool would.
  EXPECT_EQ(key.at("pair").at(0).at("levels").at(0).at("errors"), 1);
}

TEST_F(CalibrateHsm, MaxRateCapsTheSignaturesPerSecond) {
  const fs::path profile = out("rate.json");
  constexpr double kRate = 500;
  const Result r = calibrate(std::string("--token ") + kToken + " --key-type ecdsa-p256 --threads 4 --max-rate 500" +
                             kQuick + "--out " + profile.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json p = nlohmann::json::parse(slurp(profile));
  const double x = p.at("key_types").at("ecdsa-p256").at("levels").at(0).at("throughput_per_s");
  EXPECT_LE(x, kRate * 1.05);  // a cap: never above it (one slot's rounding at the window's edge)
  EXPECT_GT(x, 0);
}

TEST_F(CalibrateHsm, ProcessesSpreadALevelAndMergeItsMeasurements) {
  const fs::path json = out("procs-all.json"), profile = out("procs.json");
  const Result r = calibrate(std::string("--token ") + kToken + " --key-type ecdsa-p256 --threads 1,4 --processes 2" +
                             kQuick + "--out " + profile.string() + " --json " + json.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json all = nlohmann::json::parse(slurp(json));
  const nlohmann::json& levels = all.at("key_types").at(0).at("sweep").at("levels");
  EXPECT_EQ(levels.at(0).at("processes"), 1);  // one thread: one process
  EXPECT_EQ(levels.at(1).at("processes"), 2);
  EXPECT_EQ(levels.at(1).at("threads"), 4);
  // Merged: the signatures are the latency samples of both processes, and the per-second series sums them.
  std::uint64_t per_second = 0;
  for (const auto& c : levels.at(1).at("per_second")) per_second += c.get<std::uint64_t>();
  EXPECT_EQ(per_second, levels.at(1).at("signatures").get<std::uint64_t>());
  EXPECT_EQ(levels.at(1).at("latency").at("count"), levels.at(1).at("signatures"));
}

TEST_F(CalibrateHsm, PipelineReportsTheCaSideCpuOfEveryStructure) {
  const fs::path json = out("pipeline-all.json"), profile = out("pipeline.json");
  const Result r = calibrate(std::string("--token ") + kToken + " --key-type ecdsa-p256 --threads 1 --pipeline" +
                             kQuick + "--out " + profile.string() + " --json " + json.string() + " --crl-entries 100");
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json all = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(all.at("metadata").at("mode"), "pipeline");
  const nlohmann::json& level = all.at("key_types").at(0).at("sweep").at("levels").at(0);
  for (const char* s : {"precert", "cert", "ocsp", "crl"})
    EXPECT_GT(level.at("ca_cpu_us_per_structure").at(s).get<double>(), 0) << s;
  // A whole operation takes longer than its signature.
  EXPECT_GT(level.at("operation_latency").at("mean_s").get<double>(), level.at("latency").at("mean_s").get<double>());
}

TEST_F(CalibrateHsm, MixedLoadsOpenLoopAndCrlSizes) {
  const fs::path json = out("extras-all.json"), profile = out("extras.json");
  const Result r = calibrate(std::string("--token ") + kToken +
                             " --key-type rsa-2048,ecdsa-p256 --threads 2 --duration 0.4s --warmup 0.1s --bootstrap 0"
                             " --mix rsa-2048=0.25,ecdsa-p256=0.75 --open-loop 0.5 --crl-sizes 10,1000 --out " +
                             profile.string() + " --json " + json.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json all = nlohmann::json::parse(slurp(json));
  // The mix signs each key type at its share (a weighted round robin: exact up to one pattern's rounding).
  const nlohmann::json& mix = all.at("mix").at("levels").at(0);
  const double rsa = mix.at("by_key_type").at("rsa-2048"), p256 = mix.at("by_key_type").at("ecdsa-p256");
  EXPECT_NEAR(rsa / (rsa + p256), 0.25, 0.02);
  // Open loop at half the measured peak: the arrivals are served (nothing queues without bound).
  for (const auto& key : all.at("key_types")) {
    const nlohmann::json& open = key.at("open_loop").at(0);
    const double peak = key.at("sweep").at("levels").at(0).at("throughput_per_s");
    EXPECT_NEAR(open.at("offered_per_s").get<double>(), 0.5 * peak, 1e-6 * peak);
  }
  // CRL shards grow by one entry's DER per revoked serial: SEQUENCE { INTEGER (16 bytes, the surge
  // prefix keeps it positive, so 2 + 16 or 2 + 17), UTCTime (2 + 13) } = 2 + 33 or 34 bytes.
  const nlohmann::json& crl = all.at("crl");
  ASSERT_EQ(crl.size(), 2u);
  const double per_entry = (crl.at(1).at("der_bytes").get<double>() - crl.at(0).at("der_bytes").get<double>()) / 990;
  EXPECT_NEAR(per_entry, 35.0, 1.0);
}

// Runs `surge analyze` (not calibrate).
Result analyze(const std::string& args) {
  return surge::testing::run_command(std::string(SURGE_CLI) + " analyze " + args);
}

TEST_F(CalibrateHsm, TheProfileRatesTheScenariosHsmsAsItsFitSays) {
  const fs::path profile = out("for-scenario.json");
  const Result r = calibrate(std::string("--token ") + kToken + " --key-type rsa-2048 --threads 1,2,4,8,16,32" +
                             kQuick + "--out " + profile.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json key = nlohmann::json::parse(slurp(profile)).at("key_types").at("rsa-2048");
  // The fixture scenario: one data center, a pair of HSMs at 4 sessions each, RSA-2048 issuing key.
  const std::string scenario = std::string(SURGE_SOURCE_DIR) + "/data/fixtures/hsm-profile.yaml";
  const Result a = analyze(scenario + " --json --set data_centers.dc1.hsm.profile=" + profile.string());
  if (!key.at("identified")) {
    // Noise on 2 cores can leave the curve unfitted: the scenario then refuses the profile, saying why.
    EXPECT_EQ(a.code, 2);
    EXPECT_NE(a.err.find("key type 'rsa-2048' has no fitted curve (" + key.at("reason").get<std::string>() + ")"),
              std::string::npos)
        << a.err;
    return;
  }
  ASSERT_EQ(a.code, 0) << a.err;
  const double lambda = key.at("lambda").at("value"), sigma = key.at("sigma").at("value");
  const double kappa = key.at("kappa").at("value");
  constexpr double kSessions = 4, kMembers = 2;
  const double per_member = lambda * kSessions / (1 + sigma * (kSessions - 1) + kappa * kSessions * (kSessions - 1));
  bool found = false;
  const nlohmann::json report = nlohmann::json::parse(a.out);
  for (const auto& res : report.at("resources")) {
    if (res.at("name") != "hsm:dc1") continue;
    found = true;
    EXPECT_NEAR(res.at("capacity").get<double>(), kMembers * per_member, 1e-6 * per_member);
  }
  EXPECT_TRUE(found) << a.out.substr(0, 2000) << slurp(profile).substr(0, 1500);
}

TEST_F(CalibrateHsm, AScenarioRefusesAProfileWhoseCurveIsUnidentified) {
  const fs::path profile = out("two-levels.json");
  const Result r = calibrate(std::string("--token ") + kToken + " --key-type rsa-2048 --threads 1,2" + kQuick +
                             "--out " + profile.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string scenario = std::string(SURGE_SOURCE_DIR) + "/data/fixtures/hsm-profile.yaml";
  const Result a = analyze(scenario + " --set data_centers.dc1.hsm.profile=" + profile.string());
  EXPECT_EQ(a.code, 2);
  EXPECT_EQ(a.err, "--set data_centers.dc1.hsm.profile=" + profile.string() + ": profile " + profile.string() +
                       ": key type 'rsa-2048' has no fitted curve (unidentified: 2 levels, at least 6 needed)\n");
}

TEST_F(CalibrateHsm, KeyTypesHaveTheScenariosSpellingAndTheOldOneIsReadWithANote) {
  const fs::path profile = out("old-spelling.json");
  const Result r = calibrate(std::string("--token ") + kToken + " --key-type p256 --mix p256=1 --threads 1" + kQuick +
                             "--out " + profile.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string note =
      "surge calibrate hsm: note: key type 'p256' is the old spelling; write 'ecdsa-p256', as scenarios do\n";
  EXPECT_EQ(r.err.find(note), 0u) << r.err;
  EXPECT_EQ(r.err.find(note, 1), std::string::npos) << "noted once: " << r.err;
  const nlohmann::json p = nlohmann::json::parse(slurp(profile));
  EXPECT_TRUE(p.at("key_types").contains("ecdsa-p256")) << p.at("key_types").dump();
  EXPECT_NE(r.out.find("ecdsa-p256 on " + std::string(kToken)), std::string::npos) << r.out;
}

TEST_F(CalibrateHsm, BadOptionsAreExitTwoBeforeAnythingRuns) {
  const fs::path profile = out("bad.json");
  struct Case {
    std::string args, message;
  };
  for (const Case& c : std::vector<Case>{
           {"--key-type rsa4096", "--key-type: unknown key type 'rsa4096' (rsa-2048, ecdsa-p256, ecdsa-p384)"},
           {"--threads 0", "--threads: '0' is not a thread count from 1 to 1024"},
           {"--structure x509", "--structure: unknown structure 'x509' (precert, cert, ocsp, crl)"},
           {"--mix rsa-2048", "--mix: 'rsa-2048' is not KEY=SHARE (e.g. rsa-2048=0.5)"},
           {"--key-type ecdsa-p256 --mix rsa-2048=1", "--mix: rsa-2048 is not among --key-type"},
           {"--open-loop 1.5", "--open-loop: fractions of the peak lie in (0, 1], got 1.5"},
           {"--duration 0s", "--duration: must be positive"},
       }) {
    const Result r = calibrate(std::string("--token ") + kToken + " " + c.args + " --out " + profile.string());
    EXPECT_EQ(r.code, 2) << c.args;
    EXPECT_EQ(r.err, "surge calibrate hsm: " + c.message + "\n") << c.args;
  }
  const Result r = calibrate(std::string("--token ") + kToken + " --out /nonexistent/dir/p.json");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "surge calibrate hsm: --out: folder /nonexistent/dir does not exist\n");
  EXPECT_FALSE(fs::exists(profile));
  // A folder that takes no new file (/proc/self, even for root) is found before the module is loaded.
  const Result csv = calibrate(std::string("--token ") + kToken + " --out " + profile.string() + " --csv /proc/self/x");
  EXPECT_EQ(csv.code, 2);
  EXPECT_EQ(csv.err.rfind("surge calibrate hsm: --csv: cannot create files in folder /proc/self: ", 0), 0u) << csv.err;
  EXPECT_FALSE(fs::exists(profile));
}

}  // namespace
}  // namespace surge::real
