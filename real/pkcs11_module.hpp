// A PKCS#11 v2.40 module loaded by path (dlopen, C_GetFunctionList, C_Initialize with OS locking), its
// token found by label, one login per process, ephemeral session keys, and signing the way Boulder
// does (hash in software; CKM_RSA_PKCS over the DigestInfo, CKM_ECDSA over the digest).
#pragma once

#include <p11-kit/pkcs11.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace surge::real {

/// A failure of the module or the token, with the PKCS#11 return value's name.
class HsmError : public std::runtime_error {
 public:
  HsmError(const std::string& what, CK_RV rv);
  CK_RV rv() const { return rv_; }

 private:
  CK_RV rv_;
};

/// The name of a PKCS#11 return value, e.g. "CKR_PIN_INCORRECT".
std::string rv_name(CK_RV rv);

/// Key types a CA's intermediates use.
enum class KeyType { RSA_2048, ECDSA_P256, ECDSA_P384 };

/// "rsa2048", "p256", "p384".
std::string key_type_name(KeyType k);

/// A key pair generated on the token; the private half never leaves it.
struct KeyPair {
  KeyType type = KeyType::RSA_2048;
  CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
  std::vector<unsigned char> public_der;  ///< SubjectPublicKeyInfo, DER (read back from the token)
};

/// A loaded module. Not copyable; C_Finalize and dlclose on destruction.
class Pkcs11Module {
 public:
  /// Loads and initializes the module at `path`. Throws HsmError.
  explicit Pkcs11Module(const std::string& path);
  ~Pkcs11Module();
  Pkcs11Module(const Pkcs11Module&) = delete;
  Pkcs11Module& operator=(const Pkcs11Module&) = delete;

  /// The function list, for callers that drive sessions themselves.
  CK_FUNCTION_LIST* api() const { return fn_; }
  /// The slot whose token has this label. Throws HsmError if none.
  CK_SLOT_ID slot_by_label(const std::string& label) const;
  /// Initializes the token in the first free slot (a test token): SO PIN, label, then the user PIN.
  CK_SLOT_ID init_token(const std::string& label, const std::string& so_pin, const std::string& user_pin);
  /// Opens a read-write session.
  CK_SESSION_HANDLE open_session(CK_SLOT_ID slot) const;
  void close_session(CK_SESSION_HANDLE s) const;
  /// Logs the user in, once: a wrong PIN is never retried (real HSMs lock the partition).
  void login(CK_SESSION_HANDLE s, const std::string& pin);
  /// Generates a session key pair (CKA_TOKEN = false): it lives as long as `s` stays open.
  KeyPair generate_session_key(CK_SESSION_HANDLE s, KeyType type) const;
  /// Signs a digest (SHA-256 for RSA-2048 and P-256, SHA-384 for P-384) the way Boulder does; returns
  /// the raw signature (RSA: PKCS#1 v1.5; ECDSA: r || s).
  std::vector<unsigned char> sign_digest(CK_SESSION_HANDLE s, const KeyPair& key,
                                         const std::vector<unsigned char>& digest) const;

 private:
  void* library_ = nullptr;
  CK_FUNCTION_LIST* fn_ = nullptr;
  bool logged_in_ = false;
  bool login_failed_ = false;
};

}  // namespace surge::real
