// The preview response built as an nlohmann tree, the test reference for the preview writer.
#pragma once

#include "operations.hpp"

namespace loyalty {

json op_preview_tree(const Program& program, const In& request);

}  // namespace loyalty
