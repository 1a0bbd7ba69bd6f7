// DER encoding of an OpenSSL object through its i2d_ function: measure, allocate, encode.
#pragma once

#include <vector>

namespace surge::real {

/// The DER of `object` (empty if it cannot be encoded).
template <typename T, typename Encode>
std::vector<unsigned char> der_of(T* object, Encode i2d) {
  const int len = i2d(object, nullptr);
  if (len <= 0) return {};
  std::vector<unsigned char> der(static_cast<size_t>(len));
  unsigned char* p = der.data();
  i2d(object, &p);
  return der;
}

}  // namespace surge::real
