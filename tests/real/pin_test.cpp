#include "pin.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace surge::real {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSecret = "s3cret-pin-4321";

fs::path pin_file(mode_t mode, const std::string& content) {
  static int n = 0;
  const fs::path p = fs::temp_directory_path() / ("surge-pin-" + std::to_string(getpid()) + "-" + std::to_string(n++));
  std::ofstream(p) << content;
  chmod(p.c_str(), mode);
  return p;
}

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
}

TEST(Pin, ComesFromAFileOnlyItsOwnerCanRead) {
  const fs::path ok = pin_file(0600, std::string(kSecret) + "\n");
  EXPECT_EQ(pin_from_file(ok).value(), kSecret);
  const fs::path open = pin_file(0644, kSecret);
  try {
    pin_from_file(open);
    FAIL() << "a world-readable PIN file was accepted";
  } catch (const PinError& e) {
    EXPECT_EQ(std::string(e.what()), "the PIN file " + open.string() +
                                         " must not be readable by group or others (mode 0644); chmod 600 " +
                                         open.string());
    EXPECT_EQ(std::string(e.what()).find(kSecret), std::string::npos);  // never the PIN itself
  }
  EXPECT_THROW(pin_from_file(pin_file(0600, "")), PinError);
  EXPECT_THROW(pin_from_file("/nonexistent/pin"), PinError);
  fs::remove(ok);
  fs::remove(open);
}

}  // namespace
}  // namespace surge::real
