// `surge calibrate hsm` with modules other than SoftHSM2. A module that records what is done to it (and
// forwards to SoftHSM2) shows that a refused module is never loaded, that a module is initialised and
// logged in to once per process, and how a token that lacks a key type's mechanism is handled: that key
// type is skipped and reported, the others measured. opencryptoki's software token, behind its
// pkcsslotd daemon, is the second real module where scripts/opencryptoki.sh could set it up; these tests
// are skipped, with the reason, where it could not.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "real/pkcs11_module.hpp"
#include "tests/command_result.hpp"
#include "tests/real/softhsm_token.hpp"

namespace surge::real {
namespace {

namespace fs = std::filesystem;
using Result = surge::testing::CommandResult;
using surge::testing::slurp;

constexpr const char* kToken = "recorded";
const std::string kQuick = " --threads 1 --duration 0.3s --warmup 0.1s --bootstrap 20 --open-loop none ";

long lines_equal_to(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  long n = 0;
  for (std::string l; std::getline(in, l);) n += l == line;
  return n;
}

Result calibrate(const std::string& args, const std::string& pin) {
  setenv("SURGE_PKCS11_PIN", pin.c_str(), 1);
  const Result r = surge::testing::run_command(std::string(SURGE_CLI) + " calibrate hsm " + args);
  unsetenv("SURGE_PKCS11_PIN");
  return r;
}

class RecordingModule : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { token_ = new testing::PrivateSoftHsm("recording", {kToken}); }
  static void TearDownTestSuite() { delete token_; }
  void SetUp() override {
    log_ = token_->dir() / "calls.log";
    fs::remove(log_);
    setenv("SURGE_RECORDING_LOG", log_.c_str(), 1);
  }
  void TearDown() override {
    unsetenv("SURGE_RECORDING_LOG");
    unsetenv("SURGE_RECORDING_HIDE");
  }
  static Result run(const std::string& args) {
    return calibrate(std::string("--module ") + SURGE_RECORDING_MODULE + " --token " + kToken + " " + args,
                     testing::kUserPin);
  }
  fs::path out(const std::string& name) const { return token_->dir() / name; }

  static testing::PrivateSoftHsm* token_;
  fs::path log_;
};
testing::PrivateSoftHsm* RecordingModule::token_ = nullptr;

TEST_F(RecordingModule, WithoutConsentTheModuleIsRefusedBeforeItIsLoaded) {
  const fs::path profile = out("refused.json");
  const Result r = run("--key-type ecdsa-p256" + kQuick + "--processes 2 --out " + profile.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.rfind(std::string("surge calibrate hsm: refusing to load ") + SURGE_RECORDING_MODULE +
                            ": only SoftHSM2 (libsofthsm2.so) is loaded without --i-accept-hsm-load",
                        0),
            0u)
      << r.err;
  EXPECT_FALSE(fs::exists(log_)) << "the module was loaded:\n" << slurp(log_);
  EXPECT_FALSE(fs::exists(profile));
}

TEST_F(RecordingModule, WithConsentEachProcessLoadsInitialisesAndLogsInOnce) {
  const fs::path profile = out("accepted.json");
  const Result r =
      run("--i-accept-hsm-load --key-type ecdsa-p256 --processes 2" + kQuick + "--out " + profile.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string calls = slurp(log_);
  EXPECT_EQ(lines_equal_to(calls, "loaded"), 2) << calls;
  EXPECT_EQ(lines_equal_to(calls, "C_Initialize"), 2) << calls;
  EXPECT_EQ(lines_equal_to(calls, "C_Login"), 2) << calls;
  EXPECT_EQ(lines_equal_to(calls, "C_Finalize"), 2) << calls;
  EXPECT_LT(calls.find("loaded"), calls.find("C_Initialize"));
}

TEST_F(RecordingModule, AKeyTypeTheTokenCannotSignWithIsSkippedAndReportedAndTheOthersMeasured) {
  setenv("SURGE_RECORDING_HIDE", std::to_string(CKM_ECDSA).c_str(), 1);
  const fs::path profile = out("skipped.json");
  // The default key types (rsa2048, p256, p384) and a mix that needs one of the missing ones.
  const Result r = run("--i-accept-hsm-load --mix rsa-2048=0.5,ecdsa-p384=0.5" + kQuick + "--out " + profile.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json p = nlohmann::json::parse(slurp(profile));
  ASSERT_EQ(p.at("key_types").size(), 1u) << p.at("key_types").dump();
  EXPECT_TRUE(p.at("key_types").contains("rsa-2048"));
  const nlohmann::json& skipped = p.at("metadata").at("key_types_skipped");
  ASSERT_EQ(skipped.size(), 2u) << skipped.dump();
  EXPECT_EQ(skipped.at(0).at("key_type"), "ecdsa-p256");
  EXPECT_EQ(skipped.at(1).at("key_type"), "ecdsa-p384");
  for (const auto& k : skipped) {
    const std::string reason = k.at("reason");
    EXPECT_EQ(
        reason.rfind(std::string("token '") + kToken + "' does not offer CKM_ECDSA for signing (it signs with: ", 0),
        0u)
        << reason;
    EXPECT_NE(reason.find("CKM_RSA_PKCS"), std::string::npos) << "the mechanisms it offers: " << reason;
    EXPECT_EQ(reason.find("CKM_ECDSA,"), std::string::npos) << reason;
    EXPECT_NE(r.out.find("skipped " + k.at("key_type").get<std::string>() + ": " + reason), std::string::npos) << r.out;
  }
  EXPECT_EQ(p.at("metadata").at("mix_skipped"), "the mix needs ecdsa-p384, which the token cannot sign with");

  // Asked only for key types the token lacks: nothing can be measured, exit 2, no profile.
  const fs::path none = out("none.json");
  const Result r2 = run("--i-accept-hsm-load --key-type ecdsa-p256,ecdsa-p384" + kQuick + "--out " + none.string());
  EXPECT_EQ(r2.code, 2);
  EXPECT_EQ(
      r2.err.rfind("surge calibrate hsm: none of the key types asked for can be measured (ecdsa-p256: token '", 0), 0u)
      << r2.err;
  EXPECT_FALSE(fs::exists(none));
}

// opencryptoki: scripts/opencryptoki.sh start leaves, in SURGE_OPENCRYPTOKI_DIR (default
// /tmp/surge-opencryptoki), `label` and a 0600 `pin` file when the token is ready, or `skipped` with the
// reason it is not.
class Opencryptoki : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* env = std::getenv("SURGE_OPENCRYPTOKI_DIR");
    dir_ = env ? env : "/tmp/surge-opencryptoki";
    if (!fs::exists(dir_ / "label")) {
      const std::string why =
          fs::exists(dir_ / "skipped") ? slurp(dir_ / "skipped") : "scripts/opencryptoki.sh start has not run";
      GTEST_SKIP() << "opencryptoki's software token is not set up: " << why;
    }
    label_ = slurp(dir_ / "label");
    label_.erase(label_.find_last_not_of("\n") + 1);
    work_ = fs::temp_directory_path() / ("surge-ock-test-" + std::to_string(getpid()));
    fs::create_directories(work_);
  }
  void TearDown() override {
    if (!work_.empty()) fs::remove_all(work_);
  }
  Result run(const std::string& args, const std::string& pin) const {
    return calibrate(std::string("--module ") + kModule + " --i-accept-hsm-load --token " + label_ + " " + args, pin);
  }
  std::string pin() const {
    std::string p = slurp(dir_ / "pin");
    p.erase(p.find_last_not_of("\n") + 1);
    return p;
  }

  void wrong_pin_then_right_pin() const;
  // The "Flags: 0x... (RNG|LOGIN_REQUIRED|...|)" line pkcsconf prints for the token's slot.
  std::string token_flags() const {
    const Result r = surge::testing::run_command("pkcsconf -t -c " + slurp(dir_ / "slot"));
    const size_t at = r.out.find("Flags:");
    return at == npos ? "(pkcsconf printed no flags: " + r.err + ")" : r.out.substr(at, r.out.find('\n', at) - at);
  }
  static constexpr size_t npos = std::string::npos;

  static constexpr const char* kModule = "/usr/lib/x86_64-linux-gnu/pkcs11/libopencryptoki.so";
  fs::path dir_, work_;
  std::string label_;
};

TEST_F(Opencryptoki, MeasuresRsaSkipsTheEcdsaItLacksAndAWrongPinSaysWhatThePinCounterShows) {
  const fs::path profile = work_ / "ock.json";
  const Result r = run("--threads 1,2" + kQuick.substr(kQuick.find(" --duration")) + "--out " + profile.string() +
                           " --pin-file " + (dir_ / "pin").string(),
                       "");
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json p = nlohmann::json::parse(slurp(profile));
  EXPECT_EQ(p.at("metadata").at("tokens").at(0).at("label"), label_);
  EXPECT_NE(p.at("metadata").at("library").at("manufacturer").get<std::string>().rfind("SoftHSM", 0), 0u);
  ASSERT_TRUE(p.at("key_types").contains("rsa-2048"));
  EXPECT_EQ(p.at("key_types").at("rsa-2048").at("levels").size(), 2u);
  for (const auto& k : p.at("metadata").at("key_types_skipped")) {
    EXPECT_NE(k.at("reason").get<std::string>().find("does not offer CKM_ECDSA"), std::string::npos) << k.dump();
    EXPECT_FALSE(p.at("key_types").contains(k.at("key_type")));
  }
  EXPECT_EQ(p.at("key_types").size() + p.at("metadata").at("key_types_skipped").size(), 3u);
  wrong_pin_then_right_pin();
}

// In the same test as the run above, so that no other test logs in to the shared token between the wrong
// PIN and the check of its counter flags.
void Opencryptoki::wrong_pin_then_right_pin() const {
  const fs::path profile = work_ / "wrong.json";
  const Result r = run("--key-type rsa-2048" + kQuick + "--out " + profile.string(), "0000");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("C_Login to token '" + label_ + "'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("CKR_PIN_INCORRECT"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(profile));
  // The token's flags, read by opencryptoki's own tool (loading the module into this test process,
  // which has forked, crashes in opencryptoki's TPM token library).
  const std::string flags = token_flags();
  EXPECT_EQ(r.err.find("CKF_USER_PIN_COUNT_LOW") != std::string::npos, flags.find("USER_PIN_COUNT_LOW|") != npos)
      << r.err << "\n"
      << flags;
  EXPECT_EQ(r.err.find("CKF_USER_PIN_FINAL_TRY") != std::string::npos, flags.find("USER_PIN_FINAL_TRY|") != npos)
      << r.err << "\n"
      << flags;
  EXPECT_EQ(flags.find("USER_PIN_LOCKED"), npos) << "one wrong PIN locked the token: " << flags;
  const Result ok = run("--key-type rsa-2048" + kQuick + "--out " + profile.string(), pin());
  ASSERT_EQ(ok.code, 0) << ok.err;
  EXPECT_EQ(token_flags().find("USER_PIN_COUNT_LOW"), npos) << "a good login resets the counter";
}

}  // namespace
}  // namespace surge::real
