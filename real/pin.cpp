#include "real/pin.hpp"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace surge::real {

Pin::~Pin() {
  wipe();
}

void Pin::wipe() const {
  if (!value_.empty()) OPENSSL_cleanse(const_cast<char*>(value_.data()), value_.size());
}

Pin pin_from_environment(const std::string& variable, const std::string& what) {
  const char* v = std::getenv(variable.c_str());
  if (!v) throw PinError("environment variable " + variable + " is not set (it holds " + what + ")");
  if (!*v) throw PinError("environment variable " + variable + " is set but empty (it holds " + what + ")");
  Pin pin{std::string(v)};
  // Overwrite the environment's copy before removing it.
  OPENSSL_cleanse(const_cast<char*>(v), std::char_traits<char>::length(v));
  unsetenv(variable.c_str());
  return pin;
}

Pin pin_from_file(const std::string& path, const std::string& what) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) throw PinError("cannot read the " + what + " file " + path);
  if (!S_ISREG(st.st_mode)) throw PinError("the " + what + " file " + path + " is not a regular file");
  if (st.st_mode & (S_IRWXG | S_IRWXO)) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    throw PinError("the " + what + " file " + path + " must not be readable by group or others (mode " + mode +
                   "); chmod 600 " + path);
  }
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  buf.str(std::string(text.size(), '\0'));
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  if (text.empty()) throw PinError("the " + what + " file " + path + " is empty");
  Pin pin{text};
  OPENSSL_cleanse(text.data(), text.size());
  return pin;
}

}  // namespace surge::real
