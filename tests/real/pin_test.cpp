#include "real/pin.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace surge::real {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSecret = "s3cret-pin-4321";

// PIN files in a folder of the test's own, removed with everything in it however the test ends.
class PinFiles {
 public:
  PinFiles() : dir_(fs::temp_directory_path() / ("surge-pin-" + std::to_string(getpid()))) {
    fs::create_directories(dir_);
  }
  ~PinFiles() { fs::remove_all(dir_); }
  fs::path make(mode_t mode, const std::string& content) {
    const fs::path p = dir_ / std::to_string(n_++);
    std::ofstream(p) << content;
    chmod(p.c_str(), mode);
    return p;
  }

 private:
  fs::path dir_;
  int n_ = 0;
};

TEST(Pin, ComesFromTheEnvironmentWhichThenForgetsIt) {
  setenv("SURGE_TEST_PIN", kSecret, 1);
  const Pin pin = pin_from_environment("SURGE_TEST_PIN");
  EXPECT_EQ(pin.value(), kSecret);
  EXPECT_EQ(std::getenv("SURGE_TEST_PIN"), nullptr);  // children never inherit it
  try {
    pin_from_environment("SURGE_TEST_PIN");
    FAIL();
  } catch (const PinError& e) {
    EXPECT_EQ(std::string(e.what()), "environment variable SURGE_TEST_PIN is not set (it holds the token PIN)");
  }
  setenv("SURGE_TEST_PIN", "", 1);
  try {
    pin_from_environment("SURGE_TEST_PIN");
    FAIL();
  } catch (const PinError& e) {
    EXPECT_EQ(std::string(e.what()), "environment variable SURGE_TEST_PIN is set but empty (it holds the token PIN)");
  }
  unsetenv("SURGE_TEST_PIN");
}

TEST(Pin, ComesFromAFileOnlyItsOwnerCanRead) {
  PinFiles files;
  const fs::path ok = files.make(0600, std::string(kSecret) + "\n");
  EXPECT_EQ(pin_from_file(ok).value(), kSecret);
  const fs::path open = files.make(0644, kSecret);
  try {
    pin_from_file(open);
    FAIL() << "a world-readable PIN file was accepted";
  } catch (const PinError& e) {
    EXPECT_EQ(std::string(e.what()), "the PIN file " + open.string() +
                                         " must not be readable by group or others (mode 0644); chmod 600 " +
                                         open.string());
    EXPECT_EQ(std::string(e.what()).find(kSecret), std::string::npos);  // never the PIN itself
  }
  EXPECT_THROW(pin_from_file(files.make(0600, "")), PinError);
  EXPECT_THROW(pin_from_file("/nonexistent/pin"), PinError);
}

}  // namespace
}  // namespace surge::real
