#include "models/heap.hpp"

#include <cstdlib>  // defines __GLIBC__ under glibc
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace surge {

void keep_freed_heap() {
#if defined(__GLIBC__)
  constexpr int kTopPad = 64 << 20;  // bytes of freed heap kept, and asked of the kernel beyond each need
  mallopt(M_TOP_PAD, kTopPad);
#endif
}

}  // namespace surge
