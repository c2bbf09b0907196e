#include "collect/fd_cache.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "util/file_io.h"
#include "collect/proc_parse.h"
#include "collect/proc_reader.h"

namespace mr {

namespace {
constexpr std::string_view kMagic = "miningrisk-fd-cache 1";
constexpr size_t kMaxBytes = 64u << 20;

}  // namespace

void FdCache::add(int pid, uint64_t start, uint64_t fd_count, const std::vector<SocketInode>& socket_inodes) {
    FdCacheProc e;
    e.pid = pid;
    e.start_ticks = start;
    e.fd_count = fd_count;
    e.first = static_cast<uint32_t>(inodes.size());
    e.count = static_cast<uint32_t>(socket_inodes.size());
    inodes.insert(inodes.end(), socket_inodes.begin(), socket_inodes.end());
    procs.push_back(e);
}

void FdCache::finish() {
    std::sort(procs.begin(), procs.end(), [](const FdCacheProc& a, const FdCacheProc& b) {
        return a.pid < b.pid || (a.pid == b.pid && a.start_ticks < b.start_ticks);
    });
    std::sort(ownerless.begin(), ownerless.end());
    ownerless.erase(std::unique(ownerless.begin(), ownerless.end()), ownerless.end());
}

const FdCacheProc* FdCache::find(int pid, uint64_t start_ticks) const {
    auto it = std::lower_bound(procs.begin(), procs.end(), pid,
                               [](const FdCacheProc& e, int p) { return e.pid < p; });
    for (; it != procs.end() && it->pid == pid; ++it)
        if (it->start_ticks == start_ticks) {
            if (static_cast<size_t>(it->first) + it->count > inodes.size()) return nullptr;
            return &*it;
        }
    return nullptr;
}

bool FdCache::is_ownerless(uint64_t inode) const {
    return std::binary_search(ownerless.begin(), ownerless.end(), inode);
}

std::string serialize_fd_cache(const FdCache& c) {
    std::string out;
    out.reserve(64 + c.procs.size() * 32 + (c.inodes.size() + c.ownerless.size()) * 9);
    out.append(kMagic);
    out += "\nboot ";
    out += c.boot_id.empty() ? "-" : c.boot_id;
    char buf[64];
    snprintf(buf, sizeof buf, "\nfull %.3f\n", c.full_uptime);
    out += buf;
    for (const FdCacheProc& p : c.procs) {
        out += 'p';
        append_space_u64(out, static_cast<uint64_t>(p.pid));
        append_space_u64(out, p.start_ticks);
        append_space_u64(out, p.fd_count);
        size_t end = static_cast<size_t>(p.first) + p.count;
        for (size_t i = p.first; i < end && i < c.inodes.size(); ++i) append_space_u64(out, c.inodes[i]);
        out += '\n';
    }
    out += 'o';
    for (uint64_t ino : c.ownerless) append_space_u64(out, ino);
    out += "\nend\n";
    return out;
}

FdCacheWriter::FdCacheWriter(std::string path, const std::string& boot_id, double full_uptime)
    : path_(std::move(path)), tmp_(path_ + ".tmp." + std::to_string(::getpid())) {
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    failed_ = fd_ < 0;
    buf_.reserve(64 * 1024 + 256);
    buf_.append(kMagic);
    buf_ += "\nboot ";
    buf_ += boot_id.empty() ? "-" : boot_id;
    char line[64];
    snprintf(line, sizeof line, "\nfull %.3f\n", full_uptime);
    buf_ += line;
}

FdCacheWriter::~FdCacheWriter() {
    if (fd_ >= 0) {
        ::close(fd_);
        ::unlink(tmp_.c_str());
    }
}

void FdCacheWriter::flush() {
    size_t done = 0;
    while (!failed_ && done < buf_.size()) {
        ssize_t n = ::write(fd_, buf_.data() + done, buf_.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) failed_ = true;
        else done += static_cast<size_t>(n);
    }
    buf_.clear();
}

void FdCacheWriter::add(int pid, uint64_t start, uint64_t fd_count, const std::vector<SocketInode>& socket_inodes) {
    if (in_ownerless_) return;   // misuse: entries after the ownerless line
    buf_ += 'p';
    append_space_u64(buf_, static_cast<uint64_t>(pid));
    append_space_u64(buf_, start);
    append_space_u64(buf_, fd_count);
    for (SocketInode ino : socket_inodes) {
        append_space_u64(buf_, ino);
        if (buf_.size() >= 64 * 1024) flush();
    }
    buf_ += '\n';
    if (buf_.size() >= 64 * 1024) flush();
}

void FdCacheWriter::add_ownerless(uint64_t inode) {
    if (!in_ownerless_) {
        buf_ += 'o';
        in_ownerless_ = true;
    }
    append_space_u64(buf_, inode);
    if (buf_.size() >= 64 * 1024) flush();
}

Status FdCacheWriter::commit() {
    if (!in_ownerless_) buf_ += 'o';
    buf_ += "\nend\n";
    flush();
    int fd = fd_;
    fd_ = -1;
    bool ok = !failed_ && fd >= 0 && ::close(fd) == 0 && ::rename(tmp_.c_str(), path_.c_str()) == 0;
    if (ok) return {};
    std::string error = path_ + ": " + std::strerror(errno ? errno : EIO);
    if (fd >= 0 && failed_) ::close(fd);
    ::unlink(tmp_.c_str());
    return fail(error);
}

bool parse_fd_cache(std::string_view text, FdCache& out) {
    out = FdCache{};
    if (take_line(text) != kMagic) return false;
    std::string_view boot = take_line(text);
    if (boot.compare(0, 5, "boot ") != 0) return false;
    out.boot_id.assign(boot.substr(5));
    if (out.boot_id == "-") out.boot_id.clear();
    std::string_view full = take_line(text);
    if (full.compare(0, 5, "full ") != 0 || !parse_uptime(full.substr(5), out.full_uptime)) return false;
    std::vector<uint64_t> ids;
    bool ended = false;
    while (!text.empty()) {
        std::string_view line = take_line(text);
        if (line == "end") { ended = true; break; }
        if (line.empty() || (line[0] != 'p' && line[0] != 'o')) return false;
        char kind = line[0];
        line.remove_prefix(1);
        ids.clear();
        uint64_t v = 0;
        while (!line.empty()) {
            if (!take_space_u64(line, v)) return false;
            ids.push_back(v);
        }
        size_t first_inode = kind == 'o' ? 0 : 3;
        for (size_t i = first_inode; i < ids.size(); ++i)
            if (ids[i] > UINT32_MAX) return false;   // no socket inode is that large
        if (kind == 'o') {
            out.ownerless.insert(out.ownerless.end(), ids.begin(), ids.end());
            continue;
        }
        if (ids.size() < 3 || ids[0] == 0 || ids[0] > 0x7fffffff) return false;
        FdCacheProc e;
        e.pid = static_cast<int>(ids[0]);
        e.start_ticks = ids[1];
        e.fd_count = ids[2];
        e.first = static_cast<uint32_t>(out.inodes.size());
        e.count = static_cast<uint32_t>(ids.size() - 3);
        out.inodes.insert(out.inodes.end(), ids.begin() + 3, ids.end());
        out.procs.push_back(e);
    }
    if (!ended || !text.empty()) return false;
    out.finish();
    return true;
}

bool load_fd_cache(const std::string& path, FdCache& out) {
    if (path.empty()) return false;
    Expected<std::string> text = read_file(path, kMaxBytes);
    return text && parse_fd_cache(*text, out);
}

Status save_fd_cache(const std::string& path, const FdCache& c) {
    // A lost cache only costs a full scan: no fsync.
    return write_file_atomic(path, serialize_fd_cache(c), 0600, false);
}

}  // namespace mr
