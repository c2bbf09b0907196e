// util/file_io's bounded read in the out-parameter form the respond code's many small reads use.
#pragma once
#include <string>
#include <utility>

#include "util/file_io.h"

namespace mr {

// The first `max` bytes of `path` into `out`; false (out untouched) when it cannot be read.
inline bool read_prefix_into(const std::string& path, std::string& out, size_t max) {
    Expected<std::string> r = read_file_prefix(path, max);
    if (!r) return false;
    out = std::move(*r);
    return true;
}

}  // namespace mr
