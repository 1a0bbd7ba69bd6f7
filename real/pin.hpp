// The token PIN: from an environment variable (unset once read) or a file only its owner can read;
// never from the command line, never logged, wiped from memory when done.
#pragma once

#include <stdexcept>
#include <string>

namespace surge::real {

/// A PIN that could not be obtained; the message never contains the PIN.
class PinError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A secret held in memory and overwritten when it goes out of scope. Not copyable.
class Pin {
 public:
  explicit Pin(std::string value) : value_(std::move(value)) {}
  ~Pin();
  Pin(Pin&& other) noexcept : value_(std::move(other.value_)) { other.value_.clear(); }
  Pin(const Pin&) = delete;
  Pin& operator=(const Pin&) = delete;
  const std::string& value() const { return value_; }
  /// Overwrites the secret now (a forked child that has logged in no longer needs it).
  void wipe() const;

 private:
  std::string value_;
};

/// The default environment variable.
inline constexpr const char* kPinEnvironment = "SURGE_PKCS11_PIN";

/// Reads the PIN from `variable` and removes it from the environment (children never inherit it).
/// `what` names the secret in messages ("the token PIN", "the database password").
Pin pin_from_environment(const std::string& variable = kPinEnvironment, const std::string& what = "the token PIN");
/// Reads the PIN from a regular file that group and others cannot read (mode 0600 or stricter); one
/// trailing newline is dropped.
Pin pin_from_file(const std::string& path, const std::string& what = "PIN");

}  // namespace surge::real
