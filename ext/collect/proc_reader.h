// Small I/O helpers for /proc-like trees: bounded reads with open/read (no iostreams), readlink,
// directory listings through getdents64. A process can exit between any two calls, and a
// file can be unreadable: every helper reports failure (with errno set) instead of throwing.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace mr {

// An owned file descriptor.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd();
    Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    Fd& operator=(Fd&& o) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    bool ok() const { return fd_ >= 0; }

private:
    int fd_ = -1;
};

// Opens `path` (relative to dirfd, or AT_FDCWD) as a directory handle for *at() calls.
Fd open_dir_at(int dirfd, const char* path);

// Reads at most `max` bytes of dirfd/rel into `out` (its capacity is reused). False on error.
// A path outside a /proc directory handle: util/file_io's read_file_prefix.
bool read_file_at(int dirfd, const char* rel, std::string& out, size_t max);

// Reads dirfd/rel in chunks and calls `line` for each complete line (without '\n'); a last
// line without '\n' is passed too. Lines longer than the chunk are cut, never a crash.
bool for_each_line_at(int dirfd, const char* rel, const std::function<void(std::string_view)>& line);

// readlink into `out`; false (errno set) when it fails.
bool readlink_at(int dirfd, const char* rel, std::string& out);

// Calls `entry` for each name in dirfd/rel except "." and "..", via getdents64 (a libc
// readdir hook from ld.so.preload cannot hide entries from it). False when it cannot be opened.
bool for_each_entry_at(int dirfd, const char* rel, const std::function<void(const char* name)>& entry);

// Names that are all digits, as ints (pids, tids, fds), appended to `out`.
bool list_numeric_at(int dirfd, const char* rel, std::vector<int>& out);

// "123" -> 123; -1 when the name is not a plain decimal.
int parse_numeric_name(const char* name);

}  // namespace mr
