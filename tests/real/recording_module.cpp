// A PKCS#11 module for tests: it writes down what is done to it and forwards every call to a real
// module (SoftHSM2 unless SURGE_RECORDING_TARGET names another), so a test can see whether a module was
// loaded at all, how often C_Login was called, and how surge copes with a token that lacks a mechanism.
//   SURGE_RECORDING_LOG     file each event is appended to: "loaded" when the library is mapped, then
//                           the name of each recorded function as it is called
//   SURGE_RECORDING_HIDE    a mechanism number the token is made to lack (C_GetMechanismList leaves it
//                           out; C_GetMechanismInfo and C_SignInit answer CKR_MECHANISM_INVALID)
#include <dlfcn.h>
#include <p11-kit/pkcs11.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

CK_FUNCTION_LIST g_list;  // the target's list with the recorded functions replaced
CK_FUNCTION_LIST* g_target = nullptr;

void record(const char* event) {
  const char* path = std::getenv("SURGE_RECORDING_LOG");
  if (!path) return;
  if (FILE* f = std::fopen(path, "a")) {
    std::fprintf(f, "%s\n", event);
    std::fclose(f);
  }
}

bool hidden(CK_MECHANISM_TYPE m) {
  const char* h = std::getenv("SURGE_RECORDING_HIDE");
  return h && std::strtoul(h, nullptr, 0) == m;
}

__attribute__((constructor)) void on_load() {
  record("loaded");
}

CK_RV initialize(CK_VOID_PTR args) {
  record("C_Initialize");
  return g_target->C_Initialize(args);
}

CK_RV finalize(CK_VOID_PTR reserved) {
  record("C_Finalize");
  return g_target->C_Finalize(reserved);
}

CK_RV login(CK_SESSION_HANDLE s, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
  record("C_Login");
  return g_target->C_Login(s, user, pin, len);
}

CK_RV mechanism_list(CK_SLOT_ID slot, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count) {
  record("C_GetMechanismList");
  CK_ULONG n = 0;
  CK_RV rv = g_target->C_GetMechanismList(slot, nullptr, &n);
  if (rv != CKR_OK) return rv;
  std::vector<CK_MECHANISM_TYPE> all(n);
  rv = g_target->C_GetMechanismList(slot, all.data(), &n);
  if (rv != CKR_OK) return rv;
  std::vector<CK_MECHANISM_TYPE> kept;
  for (CK_ULONG i = 0; i < n; ++i)
    if (!hidden(all[i])) kept.push_back(all[i]);
  if (list && *count < kept.size()) {
    *count = kept.size();
    return CKR_BUFFER_TOO_SMALL;
  }
  if (list) std::copy(kept.begin(), kept.end(), list);
  *count = kept.size();
  return CKR_OK;
}

CK_RV mechanism_info(CK_SLOT_ID slot, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR info) {
  if (hidden(type)) return CKR_MECHANISM_INVALID;
  return g_target->C_GetMechanismInfo(slot, type, info);
}

CK_RV sign_init(CK_SESSION_HANDLE s, CK_MECHANISM_PTR mechanism, CK_OBJECT_HANDLE key) {
  if (mechanism && hidden(mechanism->mechanism)) return CKR_MECHANISM_INVALID;
  return g_target->C_SignInit(s, mechanism, key);
}

}  // namespace

extern "C" CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
  record("C_GetFunctionList");
  if (!g_target) {
    const char* path = std::getenv("SURGE_RECORDING_TARGET");
    void* lib = dlopen(path ? path : "/usr/lib/softhsm/libsofthsm2.so", RTLD_NOW | RTLD_LOCAL);
    auto get = lib ? reinterpret_cast<CK_C_GetFunctionList>(dlsym(lib, "C_GetFunctionList")) : nullptr;
    if (!get || get(&g_target) != CKR_OK) return CKR_GENERAL_ERROR;
    g_list = *g_target;
    g_list.C_Initialize = initialize;
    g_list.C_Finalize = finalize;
    g_list.C_Login = login;
    g_list.C_GetMechanismList = mechanism_list;
    g_list.C_GetMechanismInfo = mechanism_info;
    g_list.C_SignInit = sign_init;
  }
  *list = &g_list;
  return CKR_OK;
}
