// A double as JSON text, in nlohmann's layout: the fewest significant digits that read back as
// the same double, "1.5", "100.0", "0.001", "1e-05", "1.5e+20", "-0.0", and "null" for NaN and
// the infinities. The writers use it instead of nlohmann's serializer, whose formatter and the
// printf it brings were about 8 KB of the WebAssembly module's gzip'd download
// (docs/performance.md); libc++ 14 has no std::to_chars for doubles.
#pragma once

#include <string>

namespace loyalty {

std::string double_text(double value);

}  // namespace loyalty
