#include "real/pkcs11_module.hpp"

#include <dlfcn.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "real/der.hpp"

namespace surge::real {
namespace {

constexpr CK_ULONG kRsaBits = 2048;
constexpr size_t kLabelSize = 32;  // token labels are 32 bytes, padded with spaces
// DER of the named curves' OIDs, as CKA_EC_PARAMS.
const std::vector<unsigned char> kP256Params = {0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
const std::vector<unsigned char> kP384Params = {0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22};
// DigestInfo prefix for SHA-256 (RFC 8017, section 9.2, note 1).
const std::vector<unsigned char> kSha256DigestInfo = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                                      0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};

void check(CK_RV rv, const std::string& what) {
  if (rv != CKR_OK) throw HsmError(what, rv);
}

std::string trimmed(const CK_UTF8CHAR* text, size_t size) {
  std::string s(reinterpret_cast<const char*>(text), size);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

std::string version(const CK_VERSION& v) {
  return std::to_string(v.major) + "." + std::to_string(v.minor);
}

std::string padded_label(const std::string& label) {
  std::string l = label.substr(0, kLabelSize);
  l.resize(kLabelSize, ' ');
  return l;
}

std::vector<unsigned char> attribute(CK_FUNCTION_LIST* fn, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o,
                                     CK_ATTRIBUTE_TYPE t) {
  CK_ATTRIBUTE a{t, nullptr, 0};
  check(fn->C_GetAttributeValue(s, o, &a, 1), "C_GetAttributeValue");
  std::vector<unsigned char> v(a.ulValueLen);
  a.pValue = v.data();
  check(fn->C_GetAttributeValue(s, o, &a, 1), "C_GetAttributeValue");
  return v;
}

// The public half as a SubjectPublicKeyInfo, through OpenSSL 3's provider-neutral key building.
std::vector<unsigned char> public_der(CK_FUNCTION_LIST* fn, CK_SESSION_HANDLE s, const KeyPair& k) {
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  std::vector<unsigned char> point;
  const char* type = "RSA";
  if (k.type == KeyType::RSA_2048) {
    const std::vector<unsigned char> mod = attribute(fn, s, k.public_key, CKA_MODULUS);
    const std::vector<unsigned char> exp = attribute(fn, s, k.public_key, CKA_PUBLIC_EXPONENT);
    n = BN_bin2bn(mod.data(), static_cast<int>(mod.size()), nullptr);
    e = BN_bin2bn(exp.data(), static_cast<int>(exp.size()), nullptr);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e);
  } else {
    type = "EC";
    // CKA_EC_POINT is the point wrapped in a DER OCTET STRING.
    const std::vector<unsigned char> wrapped = attribute(fn, s, k.public_key, CKA_EC_POINT);
    const unsigned char* p = wrapped.data();
    ASN1_OCTET_STRING* os = d2i_ASN1_OCTET_STRING(nullptr, &p, static_cast<long>(wrapped.size()));
    if (os) {
      point.assign(os->data, os->data + os->length);
      ASN1_OCTET_STRING_free(os);
    } else {
      point = wrapped;  // some modules return the raw point
    }
    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
                                    k.type == KeyType::ECDSA_P256 ? "prime256v1" : "secp384r1", 0);
    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  }
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* pkey = nullptr;
  const bool ok =
      ctx && EVP_PKEY_fromdata_init(ctx) == 1 && EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) == 1;
  std::vector<unsigned char> der;
  if (ok) der = der_of(pkey, i2d_PUBKEY);
  EVP_PKEY_free(pkey);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(n);
  BN_free(e);
  if (der.empty()) throw HsmError("cannot read the public half of the generated key (OpenSSL)");
  return der;
}

HsmError::Kind kind_of(CK_RV rv) {
  switch (rv) {
    case CKR_PIN_INCORRECT:
    case CKR_PIN_INVALID:
    case CKR_PIN_LEN_RANGE:
    case CKR_PIN_EXPIRED:
    case CKR_PIN_LOCKED:
    case CKR_USER_PIN_NOT_INITIALIZED:
    case CKR_SLOT_ID_INVALID:
    case CKR_TOKEN_NOT_PRESENT:
    case CKR_TOKEN_NOT_RECOGNIZED:
    case CKR_MECHANISM_INVALID:
      return HsmError::Kind::CONFIGURATION;
    default:
      return HsmError::Kind::FAULT;
  }
}

struct KeyTypeNames {
  KeyType type;
  const char* name;
  const char* old_name;
};
constexpr KeyTypeNames kKeyTypes[] = {{KeyType::RSA_2048, "rsa-2048", "rsa2048"},
                                      {KeyType::ECDSA_P256, "ecdsa-p256", "p256"},
                                      {KeyType::ECDSA_P384, "ecdsa-p384", "p384"}};

}  // namespace

HsmError::HsmError(const std::string& what, Kind kind) : HsmError(Whole{}, what, std::nullopt, kind) {}

HsmError::HsmError(const std::string& what, CK_RV rv) : HsmError(what, rv, kind_of(rv)) {}

HsmError::HsmError(const std::string& what, CK_RV rv, Kind kind)
    : HsmError(Whole{}, what + ": " + rv_name(rv), rv, kind) {}

HsmError::HsmError(Whole, const std::string& whole, std::optional<CK_RV> rv, Kind kind)
    : std::runtime_error(whole), rv_(rv), kind_(kind) {}

HsmError HsmError::relayed(const std::string& whole, std::optional<CK_RV> rv, Kind kind) {
  return HsmError(Whole{}, whole, rv, kind);
}

std::string module_load_refusal(const std::string& path, bool accepted) {
  if (accepted) return "";
  std::error_code ec;
  const std::filesystem::path real = std::filesystem::canonical(path, ec);
  if (!ec && real.filename().string().rfind("libsofthsm2", 0) == 0) return "";
  return "refusing to load " + path +
         ": only SoftHSM2 (libsofthsm2.so) is loaded without --i-accept-hsm-load. Loading any other module "
         "reaches its HSM and the calibration drives it at full load: give --i-accept-hsm-load for a "
         "dedicated test partition, never a production one";
}

std::string key_type_name(KeyType k) {
  for (const KeyTypeNames& n : kKeyTypes)
    if (n.type == k) return n.name;
  return "?";
}

std::optional<KeyType> parse_key_type(const std::string& name, bool* old_spelling) {
  for (const KeyTypeNames& n : kKeyTypes) {
    if (name == n.name || name == n.old_name) {
      if (old_spelling) *old_spelling = name == n.old_name;
      return n.type;
    }
  }
  return std::nullopt;
}

Pkcs11Module::Pkcs11Module(const std::string& path) {
  library_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library_)
    throw HsmError(std::string("cannot load the PKCS#11 module: ") + dlerror(), HsmError::Kind::CONFIGURATION);
  auto get = reinterpret_cast<CK_C_GetFunctionList>(dlsym(library_, "C_GetFunctionList"));
  if (!get) {
    dlclose(library_);
    throw HsmError(path + " is not a PKCS#11 module (it has no C_GetFunctionList)", HsmError::Kind::CONFIGURATION);
  }
  CK_RV rv = get(&fn_);
  std::string function = "C_GetFunctionList";
  if (rv == CKR_OK) {
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    rv = fn_->C_Initialize(&args);
    function = "C_Initialize";
  }
  if (rv != CKR_OK) {
    fn_ = nullptr;
    dlclose(library_);
    throw HsmError(function + " of " + path + " failed (is the module's daemon or appliance reachable?)", rv,
                   HsmError::Kind::FAULT);
  }
}

Pkcs11Module::~Pkcs11Module() {
  if (fn_) fn_->C_Finalize(nullptr);
  if (library_) dlclose(library_);
}

std::vector<CK_SLOT_ID> Pkcs11Module::slots_with_tokens() const {
  CK_ULONG n = 0;
  check(fn_->C_GetSlotList(CK_TRUE, nullptr, &n), "C_GetSlotList");
  std::vector<CK_SLOT_ID> slots(n);
  check(fn_->C_GetSlotList(CK_TRUE, slots.data(), &n), "C_GetSlotList");
  slots.resize(n);
  return slots;
}

std::string Pkcs11Module::tokens_present() const {
  std::string out;
  for (CK_SLOT_ID slot : slots_with_tokens()) {
    CK_TOKEN_INFO info{};
    out += (out.empty() ? "slot " : ", slot ") + std::to_string(slot);
    if (fn_->C_GetTokenInfo(slot, &info) != CKR_OK) continue;
    out += (info.flags & CKF_TOKEN_INITIALIZED) ? " '" + trimmed(info.label, sizeof info.label) + "'"
                                                : std::string(" (token not initialised)");
  }
  return out.empty() ? "no slot holds a token" : out;
}

CK_SLOT_ID Pkcs11Module::slot_by_label(const std::string& label) const {
  const std::string want = padded_label(label);
  for (CK_SLOT_ID slot : slots_with_tokens()) {
    CK_TOKEN_INFO info{};
    if (fn_->C_GetTokenInfo(slot, &info) != CKR_OK) continue;
    if (std::memcmp(info.label, want.data(), kLabelSize) == 0) return slot;
  }
  throw HsmError("no token labelled '" + label + "' (the module has: " + tokens_present() + ")",
                 HsmError::Kind::CONFIGURATION);
}

CK_SLOT_ID Pkcs11Module::slot_by_id(CK_SLOT_ID slot) const {
  const std::vector<CK_SLOT_ID> slots = slots_with_tokens();
  if (std::find(slots.begin(), slots.end(), slot) == slots.end())
    throw HsmError("no token in slot " + std::to_string(slot) + " (the module has: " + tokens_present() + ")",
                   HsmError::Kind::CONFIGURATION);
  return slot;
}

std::string Pkcs11Module::token_name(CK_SLOT_ID slot) const {
  CK_TOKEN_INFO info{};
  if (fn_->C_GetTokenInfo(slot, &info) != CKR_OK) return "in slot " + std::to_string(slot);
  return "'" + trimmed(info.label, sizeof info.label) + "' (slot " + std::to_string(slot) + ")";
}

std::string Pkcs11Module::pin_counter_text(CK_SLOT_ID slot) const {
  CK_TOKEN_INFO info{};
  const CK_RV rv = fn_->C_GetTokenInfo(slot, &info);
  if (rv != CKR_OK) return "the token's PIN counter flags cannot be read (C_GetTokenInfo: " + rv_name(rv) + ")";
  std::string flags;
  for (const auto& [flag, name] : {std::pair{CKF_USER_PIN_COUNT_LOW, "CKF_USER_PIN_COUNT_LOW"},
                                   std::pair{CKF_USER_PIN_FINAL_TRY, "CKF_USER_PIN_FINAL_TRY"},
                                   std::pair{CKF_USER_PIN_LOCKED, "CKF_USER_PIN_LOCKED"}})
    if (info.flags & flag) flags += (flags.empty() ? "" : ", ") + std::string(name);
  if (flags.empty())
    return "the token now shows none of the PIN counter flags (count low, final try, locked); it may not "
           "report them, so check its failed-login count before trying again";
  std::string advice = "check the PIN before trying again";
  if (info.flags & CKF_USER_PIN_FINAL_TRY) advice = "one more wrong PIN locks the user PIN";
  if (info.flags & CKF_USER_PIN_LOCKED) advice = "the user PIN is locked: the token's security officer must reset it";
  return "the token's PIN counter flags now show " + flags + ": " + advice;
}

bool Pkcs11Module::signs_with(CK_SLOT_ID slot, CK_MECHANISM_TYPE mechanism) const {
  CK_MECHANISM_INFO info{};
  return fn_->C_GetMechanismInfo(slot, mechanism, &info) == CKR_OK && (info.flags & CKF_SIGN);
}

std::vector<CK_MECHANISM_TYPE> Pkcs11Module::signing_mechanisms(CK_SLOT_ID slot) const {
  CK_ULONG n = 0;
  check(fn_->C_GetMechanismList(slot, nullptr, &n), "C_GetMechanismList");
  std::vector<CK_MECHANISM_TYPE> all(n);
  check(fn_->C_GetMechanismList(slot, all.data(), &n), "C_GetMechanismList");
  all.resize(n);
  std::vector<CK_MECHANISM_TYPE> out;
  for (CK_MECHANISM_TYPE m : all)
    if (signs_with(slot, m)) out.push_back(m);
  return out;
}

CK_SLOT_ID Pkcs11Module::init_token(const std::string& label, const std::string& so_pin, const std::string& user_pin) {
  CK_ULONG n = 0;
  check(fn_->C_GetSlotList(CK_TRUE, nullptr, &n), "C_GetSlotList");
  std::vector<CK_SLOT_ID> slots(n);
  check(fn_->C_GetSlotList(CK_TRUE, slots.data(), &n), "C_GetSlotList");
  CK_SLOT_ID free_slot = 0;
  bool found = false;
  for (CK_ULONG i = 0; i < n && !found; ++i) {
    CK_TOKEN_INFO info{};
    if (fn_->C_GetTokenInfo(slots[i], &info) == CKR_OK && !(info.flags & CKF_TOKEN_INITIALIZED)) {
      free_slot = slots[i];
      found = true;
    }
  }
  if (!found) throw HsmError("no free slot to initialize a token in", HsmError::Kind::CONFIGURATION);
  std::string so = so_pin, user = user_pin, l = padded_label(label);
  check(fn_->C_InitToken(free_slot, reinterpret_cast<CK_UTF8CHAR*>(so.data()), so.size(),
                         reinterpret_cast<CK_UTF8CHAR*>(l.data())),
        "C_InitToken");
  const CK_SLOT_ID slot = slot_by_label(label);  // SoftHSM moves an initialized token to a new slot id
  CK_SESSION_HANDLE s = open_session(slot);
  check(fn_->C_Login(s, CKU_SO, reinterpret_cast<CK_UTF8CHAR*>(so.data()), so.size()), "C_Login (SO)");
  check(fn_->C_InitPIN(s, reinterpret_cast<CK_UTF8CHAR*>(user.data()), user.size()), "C_InitPIN");
  fn_->C_Logout(s);
  close_session(s);
  return slot;
}

CK_SESSION_HANDLE Pkcs11Module::open_session(CK_SLOT_ID slot) const {
  CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
  check(fn_->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &s), "C_OpenSession");
  return s;
}

void Pkcs11Module::close_session(CK_SESSION_HANDLE s) const {
  fn_->C_CloseSession(s);
}

void Pkcs11Module::login(CK_SESSION_HANDLE s, const std::string& pin) {
  if (login_failed_)
    throw HsmError("login already failed once in this process; not trying again", HsmError::Kind::CONFIGURATION);
  CK_SESSION_INFO info{};
  check(fn_->C_GetSessionInfo(s, &info), "C_GetSessionInfo");
  if (std::find(logged_in_.begin(), logged_in_.end(), info.slotID) != logged_in_.end()) return;
  std::string p = pin;
  const CK_RV rv = fn_->C_Login(s, CKU_USER, reinterpret_cast<CK_UTF8CHAR*>(p.data()), p.size());
  std::fill(p.begin(), p.end(), '\0');
  if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
    login_failed_ = true;
    throw HsmError::relayed(
        "C_Login to token " + token_name(info.slotID) + ": " + rv_name(rv) + "; " + pin_counter_text(info.slotID), rv,
        HsmError::Kind::CONFIGURATION);
  }
  logged_in_.push_back(info.slotID);
}

KeyPair Pkcs11Module::generate_session_key(CK_SESSION_HANDLE s, KeyType type, const std::string& token_label) const {
  CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
  CK_BBOOL on_token = token_label.empty() ? CK_FALSE : CK_TRUE;
  std::string label = token_label;
  CK_ULONG bits = kRsaBits;
  CK_BYTE exponent[] = {0x01, 0x00, 0x01};
  const std::vector<unsigned char>& curve = type == KeyType::ECDSA_P256 ? kP256Params : kP384Params;
  std::vector<CK_ATTRIBUTE> pub = {{CKA_TOKEN, &on_token, sizeof on_token}, {CKA_VERIFY, &yes, sizeof yes}};
  if (type == KeyType::RSA_2048) {
    pub.push_back({CKA_MODULUS_BITS, &bits, sizeof bits});
    pub.push_back({CKA_PUBLIC_EXPONENT, exponent, sizeof exponent});
  } else {
    pub.push_back({CKA_EC_PARAMS, const_cast<unsigned char*>(curve.data()), curve.size()});
  }
  std::vector<CK_ATTRIBUTE> priv = {{CKA_TOKEN, &on_token, sizeof on_token},
                                    {CKA_SIGN, &yes, sizeof yes},
                                    {CKA_PRIVATE, &yes, sizeof yes},
                                    {CKA_SENSITIVE, &yes, sizeof yes},
                                    {CKA_EXTRACTABLE, &no, sizeof no}};
  if (on_token) {
    pub.push_back({CKA_LABEL, label.data(), label.size()});
    priv.push_back({CKA_LABEL, label.data(), label.size()});
  }
  CK_MECHANISM mech{type == KeyType::RSA_2048 ? CKM_RSA_PKCS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN, nullptr, 0};
  KeyPair k;
  k.type = type;
  check(
      fn_->C_GenerateKeyPair(s, &mech, pub.data(), pub.size(), priv.data(), priv.size(), &k.public_key, &k.private_key),
      "C_GenerateKeyPair (" + key_type_name(type) + ")");
  k.public_der = public_der(fn_, s, k);
  return k;
}

KeyPair Pkcs11Module::find_key(CK_SESSION_HANDLE s, const std::string& label) const {
  CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
  std::string l = label;
  CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_LABEL, l.data(), l.size()}};
  check(fn_->C_FindObjectsInit(s, tmpl, 2), "C_FindObjectsInit");
  CK_OBJECT_HANDLE found[2];
  CK_ULONG n = 0;
  const CK_RV rv = fn_->C_FindObjects(s, found, 2, &n);
  fn_->C_FindObjectsFinal(s);
  check(rv, "C_FindObjects");
  if (n == 0) throw HsmError("no private key labelled '" + label + "' on the token", HsmError::Kind::CONFIGURATION);
  if (n > 1) throw HsmError("more than one private key labelled '" + label + "'", HsmError::Kind::CONFIGURATION);
  KeyPair k;
  k.private_key = found[0];
  const std::vector<unsigned char> kt = attribute(fn_, s, k.private_key, CKA_KEY_TYPE);
  CK_KEY_TYPE key_type = CKK_RSA;
  std::memcpy(&key_type, kt.data(), std::min(kt.size(), sizeof key_type));
  if (key_type == CKK_RSA) {
    const std::vector<unsigned char> modulus = attribute(fn_, s, k.private_key, CKA_MODULUS);
    if (modulus.size() * 8 != kRsaBits)
      throw HsmError("key '" + label + "' is RSA-" + std::to_string(modulus.size() * 8) + "; surge measures RSA-2048",
                     HsmError::Kind::CONFIGURATION);
    k.type = KeyType::RSA_2048;
  } else if (key_type == CKK_EC) {
    const std::vector<unsigned char> params = attribute(fn_, s, k.private_key, CKA_EC_PARAMS);
    if (params == kP256Params) {
      k.type = KeyType::ECDSA_P256;
    } else if (params == kP384Params) {
      k.type = KeyType::ECDSA_P384;
    } else {
      throw HsmError("key '" + label + "' is on a curve other than P-256 and P-384", HsmError::Kind::CONFIGURATION);
    }
  } else {
    throw HsmError("key '" + label + "' is neither RSA nor EC", HsmError::Kind::CONFIGURATION);
  }
  return k;
}

TokenDescription Pkcs11Module::describe(CK_SLOT_ID slot) const {
  TokenDescription d;
  CK_INFO info{};
  check(fn_->C_GetInfo(&info), "C_GetInfo");
  d.library_manufacturer = trimmed(info.manufacturerID, sizeof info.manufacturerID);
  d.library_description = trimmed(info.libraryDescription, sizeof info.libraryDescription);
  d.library_version = version(info.libraryVersion);
  CK_TOKEN_INFO t{};
  check(fn_->C_GetTokenInfo(slot, &t), "C_GetTokenInfo");
  d.token_label = trimmed(t.label, sizeof t.label);
  d.token_manufacturer = trimmed(t.manufacturerID, sizeof t.manufacturerID);
  d.token_model = trimmed(t.model, sizeof t.model);
  d.hardware_version = version(t.hardwareVersion);
  d.firmware_version = version(t.firmwareVersion);
  return d;
}

bool Pkcs11Module::is_softhsm() const {
  CK_INFO info{};
  if (fn_->C_GetInfo(&info) != CKR_OK) return false;
  return trimmed(info.manufacturerID, sizeof info.manufacturerID).rfind("SoftHSM", 0) == 0;
}

std::size_t signature_bytes(KeyType type) {
  switch (type) {
    case KeyType::RSA_2048:
      return kRsaBits / 8;
    case KeyType::ECDSA_P256:
      return 2 * 32;
    case KeyType::ECDSA_P384:
      return 2 * 48;
  }
  return 0;
}

CK_MECHANISM_TYPE signing_mechanism(KeyType type) {
  return type == KeyType::RSA_2048 ? CKM_RSA_PKCS : CKM_ECDSA;
}

std::vector<unsigned char> signing_input(KeyType type, const std::vector<unsigned char>& digest) {
  if (type != KeyType::RSA_2048) return digest;
  // Boulder hashes in software and has the HSM do PKCS#1 v1.5 over the DigestInfo.
  std::vector<unsigned char> input = kSha256DigestInfo;
  input.insert(input.end(), digest.begin(), digest.end());
  return input;
}

std::vector<unsigned char> Pkcs11Module::sign_digest(CK_SESSION_HANDLE s, const KeyPair& key,
                                                     const std::vector<unsigned char>& digest) const {
  std::vector<unsigned char> input = signing_input(key.type, digest);
  CK_MECHANISM mech{signing_mechanism(key.type), nullptr, 0};
  check(fn_->C_SignInit(s, &mech, key.private_key), "C_SignInit");
  CK_ULONG len = 0;
  check(fn_->C_Sign(s, input.data(), input.size(), nullptr, &len), "C_Sign");
  std::vector<unsigned char> sig(len);
  check(fn_->C_Sign(s, input.data(), input.size(), sig.data(), &len), "C_Sign");
  sig.resize(len);
  return sig;
}

}  // namespace surge::real
