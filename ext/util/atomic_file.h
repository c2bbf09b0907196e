// Writing a file so that a reader (Apache serving a page) sees the old or the new content,
// never half of it: a temp file in the same directory, fsync, rename over the target.
#pragma once
#include <string>

namespace mr {

// mode is applied to the new file (umask does not matter). The directory must exist.
// durable=false skips the fsyncs: still atomic for readers, just not crash-proof (pages that are
// regenerated every minute anyway).
bool write_file_atomic(const std::string& path, const std::string& content, std::string* error,
                       unsigned mode = 0644, bool durable = true);

}  // namespace mr
