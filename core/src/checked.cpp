#include "checked.hpp"

namespace loyalty {

void fail_overflow(const char* path, const char* message) {
  fail("overflow", path, message);
}

}  // namespace loyalty
