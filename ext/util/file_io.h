// Whole-file reads, bounded: nothing read from disk can make a program allocate without limit.
#pragma once
#include <cstddef>
#include <string>

namespace mr {

// Reads a whole file, bounded (rule files are small; a 16 MiB feed list is the ceiling).
bool read_text_file(const std::string& path, std::string& out, std::string& error,
                    size_t max_bytes = 16u << 20);

}  // namespace mr
