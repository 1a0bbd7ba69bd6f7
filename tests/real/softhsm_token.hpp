// A SoftHSM2 configuration private to one test process: its own token directory under /tmp, the
// SOFTHSM2_CONF the module (and every child process) reads, and tokens made through PKCS#11 itself.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "real/pkcs11_module.hpp"

namespace surge::real::testing {

inline constexpr const char* kSoftHsmModule = "/usr/lib/softhsm/libsofthsm2.so";
inline constexpr const char* kUserPin = "test-user-pin-1234";
inline constexpr const char* kSoPin = "test-so-pin-5678";

/// Creates the private configuration and initialises tokens with these labels; removes it all.
class PrivateSoftHsm {
 public:
  explicit PrivateSoftHsm(const std::string& name, std::initializer_list<const char*> labels) {
    dir_ = std::filesystem::temp_directory_path() / ("surge-softhsm-" + name + "-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_ / "tokens");
    std::ofstream(dir_ / "softhsm2.conf") << "directories.tokendir = " << (dir_ / "tokens").string()
                                          << "\nobjectstore.backend = file\nlog.level = ERROR\n";
    setenv("SOFTHSM2_CONF", (dir_ / "softhsm2.conf").c_str(), 1);
    Pkcs11Module m(kSoftHsmModule);
    for (const char* label : labels) m.init_token(label, kSoPin, kUserPin);
  }
  ~PrivateSoftHsm() { std::filesystem::remove_all(dir_); }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace surge::real::testing
