// The names PKCS#11 gives its return values and mechanisms, for messages and profiles.
#pragma once

#include <p11-kit/pkcs11.h>

#include <string>

namespace surge::real {

/// The name of a PKCS#11 return value, e.g. "CKR_PIN_INCORRECT"; a vendor's or an unknown value in hex.
std::string rv_name(CK_RV rv);
/// The name of a mechanism, e.g. "CKM_ECDSA"; a vendor's or an unknown value in hex.
std::string mechanism_name(CK_MECHANISM_TYPE m);

}  // namespace surge::real
