// A PKCS#11 v2.40 module loaded by path (dlopen, C_GetFunctionList, C_Initialize with OS locking), its
// token found by label, one login per process, ephemeral session keys, and signing the way Boulder
// does (hash in software; CKM_RSA_PKCS over the DigestInfo, CKM_ECDSA over the digest).
#pragma once

#include <p11-kit/pkcs11.h>

#include "models/exit_codes.hpp"
#include "real/pkcs11_names.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace surge::real {

/// A failure of the module, a token or the set-up. A failed PKCS#11 call carries its return value,
/// named in the message after the function; what surge finds itself (a missing label, a module it
/// will not load, an OpenSSL failure) carries none. CONFIGURATION is the caller's to fix (exit 2):
/// a module, token, slot, PIN or key type; FAULT is a runtime failure (exit 3).
class HsmError : public std::runtime_error {
 public:
  enum class Kind { FAULT, CONFIGURATION };
  /// `what` alone: no PKCS#11 call returned an error.
  explicit HsmError(const std::string& what, Kind kind = Kind::FAULT);
  /// `what` (the function that failed, and on what), then ": " and the return value's name; the kind
  /// from the return value (a PIN, a slot or a mechanism the token lacks is CONFIGURATION).
  HsmError(const std::string& what, CK_RV rv);
  HsmError(const std::string& what, CK_RV rv, Kind kind);
  /// A message already whole (relayed from a client process), with its return value if it had one.
  static HsmError relayed(const std::string& whole, std::optional<CK_RV> rv, Kind kind);
  std::optional<CK_RV> rv() const { return rv_; }
  Kind kind() const { return kind_; }
  /// kExitBadInput (2) for CONFIGURATION, kExitRuntime (3) for FAULT.
  int exit_code() const { return kind_ == Kind::CONFIGURATION ? kExitBadInput : kExitRuntime; }

 private:
  struct Whole {};
  HsmError(Whole, const std::string& whole, std::optional<CK_RV> rv, Kind kind);
  std::optional<CK_RV> rv_;
  Kind kind_;
};

/// Why a module may not be loaded, or "" if it may: only SoftHSM2 (a file named libsofthsm2*, after
/// symbolic links) is loaded without `accepted` (--i-accept-hsm-load). Decided from the path alone,
/// before anything of the module runs: on a network HSM, loading it reaches the appliance.
std::string module_load_refusal(const std::string& path, bool accepted);

/// Key types a CA's intermediates use.
enum class KeyType { RSA_2048, ECDSA_P256, ECDSA_P384 };

/// The one spelling of a key type, the scenarios' and the CLI's: "rsa-2048", "ecdsa-p256", "ecdsa-p384".
std::string key_type_name(KeyType k);
/// A key type by that name; the calibrate CLI's old spelling ("rsa2048", "p256", "p384") is read too, and
/// then `old_spelling` is set. Empty for any other name.
std::optional<KeyType> parse_key_type(const std::string& name, bool* old_spelling = nullptr);

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
  /// The slot whose token has this label. Throws HsmError (CONFIGURATION) naming the labels present.
  CK_SLOT_ID slot_by_label(const std::string& label) const;
  /// `slot` if it holds a token. Throws HsmError (CONFIGURATION) naming the slots with tokens.
  CK_SLOT_ID slot_by_id(CK_SLOT_ID slot) const;
  /// "slot 3 'surge-ock', slot 7 'other'": the slots with a token and the tokens' labels.
  std::string tokens_present() const;
  /// True if the slot's token offers `mechanism` for signing (CKF_SIGN).
  bool signs_with(CK_SLOT_ID slot, CK_MECHANISM_TYPE mechanism) const;
  /// The mechanisms the slot's token offers for signing, in the module's order.
  std::vector<CK_MECHANISM_TYPE> signing_mechanisms(CK_SLOT_ID slot) const;
  /// Initializes the token in the first free slot (a test token): SO PIN, label, then the user PIN.
  CK_SLOT_ID init_token(const std::string& label, const std::string& so_pin, const std::string& user_pin);
  /// Opens a read-write session.
  CK_SESSION_HANDLE open_session(CK_SLOT_ID slot) const;
  void close_session(CK_SESSION_HANDLE s) const;
  /// Logs the user in to the session's token, once per token: after a failed login no login is ever
  /// attempted again in this process (real HSMs lock the partition after a few bad attempts). A wrong
  /// PIN's error says what the token's PIN counter flags show afterwards.
  void login(CK_SESSION_HANDLE s, const std::string& pin);
  /// Generates a session key pair (CKA_TOKEN = false): it lives as long as `s` stays open. With a
  /// label, a token key pair (CKA_TOKEN = true) stored under that label instead (for tests).
  KeyPair generate_session_key(CK_SESSION_HANDLE s, KeyType type, const std::string& token_label = "") const;
  /// A stored private key by CKA_LABEL (its public half is not needed: such keys sign random digests
  /// only). Throws HsmError (CKR_KEY_HANDLE_INVALID) if none, or if its type is not one surge knows.
  KeyPair find_key(CK_SESSION_HANDLE s, const std::string& label) const;
  /// The module's and a token's description.
  TokenDescription describe(CK_SLOT_ID slot) const;
  /// True if the module says it is SoftHSM (C_GetInfo's manufacturer "SoftHSM").
  bool is_softhsm() const;
  /// Signs a digest (SHA-256 for RSA-2048 and P-256, SHA-384 for P-384) the way Boulder does; returns
  /// the raw signature (RSA: PKCS#1 v1.5; ECDSA: r || s).
  std::vector<unsigned char> sign_digest(CK_SESSION_HANDLE s, const KeyPair& key,
                                         const std::vector<unsigned char>& digest) const;

 private:
  std::vector<CK_SLOT_ID> slots_with_tokens() const;
  /// "'label' (slot 3)".
  std::string token_name(CK_SLOT_ID slot) const;
  /// What the token's PIN counter flags show after a failed login, and what to do.
  std::string pin_counter_text(CK_SLOT_ID slot) const;

  void* library_ = nullptr;
  CK_FUNCTION_LIST* fn_ = nullptr;
  std::vector<CK_SLOT_ID> logged_in_;
  bool login_failed_ = false;
};

}  // namespace surge::real
