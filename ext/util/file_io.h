// Files in and out, the one way: whole-file reads are bounded (nothing read from disk makes a
// program allocate without limit), writes are atomic (a temp file in the same directory, fsync,
// rename over the target: a reader such as Apache or the next client run sees the old or the
// new content, never half of it).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.h"

namespace mr {

// The default ceiling of a whole-file read: rule files, configs and templates are small.
constexpr size_t kMaxTextFile = 16u << 20;

// The whole file, or an error naming it ("PATH:0: cannot open: ...", "PATH:0: larger than N
// bytes"): a file over `max_bytes` is refused, never read in part.
Expected<std::string> read_file(const std::string& path, size_t max_bytes = kMaxTextFile);

// The first `max_bytes` of a file: a longer file is cut, not refused (/proc files, a stored
// status of which a page shows the start). Fails only when the file cannot be opened or read.
Expected<std::string> read_file_prefix(const std::string& path, size_t max_bytes);

// The reading loop under both: at most `max` bytes of an open fd into `out`, whose capacity is
// reused (the collector reads thousands of /proc files a run). False on a read error (errno set).
bool read_fd_prefix(int fd, std::string& out, size_t max);

// Replaces `path` atomically. `mode` is applied to the new file whatever the umask. The directory
// must exist. durable=false skips the fsyncs: still atomic for readers, just not crash-proof
// (pages and caches that are rebuilt on the next run anyway).
Status write_file_atomic(const std::string& path, std::string_view content, unsigned mode = 0644,
                         bool durable = true);

// The names in `dir` ("." and ".." left out), sorted, at most `max` of them; empty when the
// directory cannot be read. Names only: callers lstat what they need (symlinks never followed).
std::vector<std::string> list_dir_names(const std::string& dir, size_t max = 100000);

// mkdir -p with mode 0755.
Status make_dirs(const std::string& dir);

}  // namespace mr
