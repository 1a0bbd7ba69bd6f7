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
  /// `what` followed by ": " and the return value's name (unless `name_rv` is false: `what` has it).
  HsmError(const std::string& what, CK_RV rv, bool name_rv = true);
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

/// What the module and a token say about themselves (C_GetInfo, C_GetTokenInfo), for profiles.
struct TokenDescription {
  std::string library_manufacturer;  ///< e.g. "SoftHSM"
  std::string library_description;
  std::string library_version;  ///< "major.minor"
  std::string token_label;
  std::string token_manufacturer;
  std::string token_model;
  std::string hardware_version;
  std::string firmware_version;
};

/// The mechanism a key type signs with, the way Boulder does: CKM_RSA_PKCS or CKM_ECDSA.
CK_MECHANISM_TYPE signing_mechanism(KeyType type);
/// The length of a raw signature: 256 bytes for RSA-2048, r || s of 64 (P-256) or 96 (P-384).
std::size_t signature_bytes(KeyType type);
/// The bytes the HSM signs for a digest: the DigestInfo-prefixed digest for RSA, the digest for ECDSA.
std::vector<unsigned char> signing_input(KeyType type, const std::vector<unsigned char>& digest);

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
  /// Logs the user in to the session's token, once per token: after a failed login no login is ever
  /// attempted again in this process (real HSMs lock the partition after a few bad attempts).
  void login(CK_SESSION_HANDLE s, const std::string& pin);
  /// Generates a session key pair (CKA_TOKEN = false): it lives as long as `s` stays open. With a
  /// label, a token key pair (CKA_TOKEN = true) stored under that label instead (for tests).
  KeyPair generate_session_key(CK_SESSION_HANDLE s, KeyType type, const std::string& token_label = "") const;
  /// A stored private key by CKA_LABEL (its public half is not needed: such keys sign random digests
  /// only). Throws HsmError (CKR_KEY_HANDLE_INVALID) if none, or if its type is not one surge knows.
  KeyPair find_key(CK_SESSION_HANDLE s, const std::string& label) const;
  /// The module's and a token's description.
  TokenDescription describe(CK_SLOT_ID slot) const;
  /// True if the module is SoftHSM (manufacturer "SoftHSM"): the one module surge loads without
  /// --i-accept-hsm-load.
  bool is_softhsm() const;
  /// Signs a digest (SHA-256 for RSA-2048 and P-256, SHA-384 for P-384) the way Boulder does; returns
  /// the raw signature (RSA: PKCS#1 v1.5; ECDSA: r || s).
  std::vector<unsigned char> sign_digest(CK_SESSION_HANDLE s, const KeyPair& key,
                                         const std::vector<unsigned char>& digest) const;

 private:
  void* library_ = nullptr;
  CK_FUNCTION_LIST* fn_ = nullptr;
  std::vector<CK_SLOT_ID> logged_in_;
  bool login_failed_ = false;
};

}  // namespace surge::real
