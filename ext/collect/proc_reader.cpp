#include "collect/proc_reader.h"
#include "util/file_io.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mr {

Fd::~Fd() {
    if (fd_ >= 0) ::close(fd_);
}

Fd& Fd::operator=(Fd&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = o.fd_;
        o.fd_ = -1;
    }
    return *this;
}

Fd open_dir_at(int dirfd, const char* path) {
    return Fd(::openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}


bool read_file_at(int dirfd, const char* rel, std::string& out, size_t max) {
    int fd = ::openat(dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) { out.clear(); return false; }
    bool ok = read_fd_prefix(fd, out, max);
    int saved = errno;
    ::close(fd);
    errno = saved;
    return ok;
}

bool for_each_line_at(int dirfd, const char* rel, const std::function<void(std::string_view)>& line) {
    int fd = ::openat(dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return false;
    constexpr size_t cap = 64 * 1024;
    std::string buf(cap, '\0');
    size_t have = 0;
    bool ok = true;
    for (;;) {
        ssize_t n = ::read(fd, &buf[have], cap - have);
        if (n < 0) {
            if (errno == EINTR) continue;
            ok = false;
            break;
        }
        if (n == 0) break;
        have += static_cast<size_t>(n);
        size_t start = 0;
        for (;;) {
            const void* nl = std::memchr(buf.data() + start, '\n', have - start);
            if (!nl) break;
            size_t end = static_cast<size_t>(static_cast<const char*>(nl) - buf.data());
            line(std::string_view(buf.data() + start, end - start));
            start = end + 1;
        }
        if (start == 0 && have == cap) {  // a line longer than the buffer: pass it cut
            line(std::string_view(buf.data(), have));
            have = 0;
            continue;
        }
        std::memmove(&buf[0], buf.data() + start, have - start);
        have -= start;
    }
    if (ok && have > 0) line(std::string_view(buf.data(), have));
    int saved = errno;
    ::close(fd);
    errno = saved;
    return ok;
}

bool readlink_at(int dirfd, const char* rel, std::string& out) {
    char buf[4096];
    ssize_t n = ::readlinkat(dirfd, rel, buf, sizeof buf);
    if (n < 0) { out.clear(); return false; }
    out.assign(buf, static_cast<size_t>(n));
    return true;
}

namespace {
struct LinuxDirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};
}  // namespace

bool for_each_entry_at(int dirfd, const char* rel, const std::function<void(const char*)>& entry) {
    Fd dir = open_dir_at(dirfd, rel);
    if (!dir.ok()) return false;
    alignas(8) char buf[32 * 1024];
    for (;;) {
        long n = ::syscall(SYS_getdents64, dir.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        if (n == 0) break;
        for (long off = 0; off < n;) {
            auto* d = reinterpret_cast<LinuxDirent64*>(buf + off);
            off += d->d_reclen;
            const char* name = d->d_name;
            if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
            entry(name);
        }
    }
    return true;
}

int parse_numeric_name(const char* name) {
    if (!name || !*name) return -1;
    long v = 0;
    for (const char* p = name; *p; ++p) {
        if (*p < '0' || *p > '9') return -1;
        v = v * 10 + (*p - '0');
        if (v > 0x7fffffff) return -1;
    }
    return static_cast<int>(v);
}

bool list_numeric_at(int dirfd, const char* rel, std::vector<int>& out) {
    return for_each_entry_at(dirfd, rel, [&](const char* name) {
        int v = parse_numeric_name(name);
        if (v >= 0) out.push_back(v);
    });
}

}  // namespace mr
