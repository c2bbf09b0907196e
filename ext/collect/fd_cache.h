// The socket inodes each process held at the last full look at its /proc/PID/fd, carried to the
// next client cycle. Listing and readlink'ing every fd costs ~3.5 us each (150,000 fds on a
// busy host: half a second); most processes hold the same fds cycle after cycle. A process
// whose fd count (st_size of /proc/PID/fd on Linux 6.2+, else the directory's entries) is
// unchanged reuses its entry; one that changed is read again; and a socket of the current tables
// that nobody owns and that was not already ownerless after the last full scan sends every
// reused process back to a full read, so a new connection is always attributed. Entries are keyed
// by (pid, start ticks) and expire after max_age seconds, when everything is read afresh.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"
#include "util/expected.h"

namespace mr {

struct FdCacheProc {
    int pid = 0;
    uint64_t start_ticks = 0;
    uint64_t fd_count = 0;
    uint32_t first = 0;   // into FdCache::inodes
    uint32_t count = 0;
};

struct FdCache {
    std::string boot_id;
    double full_uptime = 0;            // when the oldest reused entry was read in full
    std::vector<FdCacheProc> procs;    // sorted by pid after finish()
    std::vector<SocketInode> inodes;
    std::vector<SocketInode> ownerless;   // sorted: socket inodes no process held at a full scan

    void add(int pid, uint64_t start, uint64_t fd_count, const std::vector<SocketInode>& socket_inodes);
    void finish();
    const FdCacheProc* find(int pid, uint64_t start_ticks) const;
    bool is_ownerless(uint64_t inode) const;
};

// Writes a cache file entry by entry through a small buffer, so the collector never holds a
// second copy of every socket inode; temp file + rename, like the CPU state.
class FdCacheWriter {
public:
    FdCacheWriter(std::string path, const std::string& boot_id, double full_uptime);
    ~FdCacheWriter();
    void add(int pid, uint64_t start, uint64_t fd_count, const std::vector<SocketInode>& socket_inodes);
    void add_ownerless(uint64_t inode);   // after every add()
    Status commit();

private:
    void flush();
    std::string path_, tmp_, buf_;
    int fd_ = -1;
    bool failed_ = false, in_ownerless_ = false;
};

std::string serialize_fd_cache(const FdCache& c);
// False (and `out` unusable) on any malformed line: a corrupt file is no cache.
bool parse_fd_cache(std::string_view text, FdCache& out);
bool load_fd_cache(const std::string& path, FdCache& out);
Status save_fd_cache(const std::string& path, const FdCache& c);

}  // namespace mr
