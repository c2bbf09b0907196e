#include "collect/socket_table.h"

#include <fcntl.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <utility>

#include "collect/proc_parse.h"
#include "collect/proc_reader.h"
#include "collect/sock_diag.h"

namespace mr {

bool read_socket_tables(int dirfd, uint64_t netns, std::vector<SocketInfo>& out) {
    static const std::pair<const char*, SocketProto> tables[] = {
        {"net/tcp", SocketProto::tcp},
        {"net/tcp6", SocketProto::tcp6},
        {"net/udp", SocketProto::udp},
        {"net/udp6", SocketProto::udp6},
    };
    bool any = false;
    SocketInfo s;  // reused: parse_net_line fills its strings in place
    for (const auto& t : tables) {
        bool header = true;
        bool ok = for_each_line_at(dirfd, t.first, [&](std::string_view line) {
            if (header) { header = false; return; }
            if (!parse_net_line(line, t.second, s)) return;
            s.netns = netns;
            out.push_back(s);
        });
        any = any || ok;
    }
    return any;
}

namespace {
// Sockets a namespace's tables will list, from net/sockstat{,6} ("TCP: inuse N orphan N tw N
// alloc N ..."): reserving that many up front keeps a vector of 100,000 sockets from doubling.
size_t expected_sockets(int dirfd) {
    size_t n = 0;
    std::string text;
    for (const char* f : {"net/sockstat", "net/sockstat6"}) {
        if (!read_file_at(dirfd, f, text, 4096)) continue;
        for (const char* key : {"TCP: inuse ", "TCP6: inuse ", "UDP: inuse ", "UDP6: inuse ", " tw "}) {
            size_t pos = 0;
            while ((pos = text.find(key, pos)) != std::string::npos) {
                pos += std::strlen(key);
                std::string_view rest(text.data() + pos, text.size() - pos);
                uint64_t v = 0;
                if (take_u64(rest, v)) n += v;
            }
        }
    }
    return n + n / 32 + 64;  // sockets opened while we read
}
}  // namespace

int read_all_sockets(const std::string& proc_root, const std::vector<ProcessInfo>& procs,
                     std::vector<SocketInfo>& out, uint64_t diag_netns) {
    Fd root = open_dir_at(AT_FDCWD, proc_root.c_str());
    if (!root.ok()) return 0;
    // namespace -> indexes of its processes, in scan order
    std::unordered_map<uint64_t, std::vector<size_t>> members;
    std::vector<uint64_t> order;
    for (size_t i = 0; i < procs.size(); ++i) {
        uint64_t ns = procs[i].netns;
        if (ns == 0) continue;
        auto& v = members[ns];
        if (v.empty()) order.push_back(ns);
        if (v.size() < 8) v.push_back(i);  // a few fallbacks are plenty
    }
    int read = 0;
    char name[16];
    for (uint64_t ns : order) {
        for (size_t i : members[ns]) {
            snprintf(name, sizeof name, "%d", procs[i].pid);
            Fd dir = open_dir_at(root.get(), name);
            if (!dir.ok()) continue;
            out.reserve(out.size() + expected_sockets(dir.get()));
            if ((ns == diag_netns && read_sock_diag(ns, out)) || read_socket_tables(dir.get(), ns, out)) {
                ++read;
                break;
            }
        }
    }
    if (read == 0) {
        out.reserve(out.size() + expected_sockets(root.get()));
        if (read_socket_tables(root.get(), 0, out)) ++read;
    }
    return read;
}

void map_socket_owners(const std::vector<ProcessInfo>& procs, std::vector<SocketInfo>& sockets) {
    // Sorted by inode in place (creation order, roughly): no index or (inode, pid) pairs beside
    // 100,000 sockets. Sockets without an inode (TIME_WAIT and friends) have no owner any more.
    std::sort(sockets.begin(), sockets.end(),
              [](const SocketInfo& a, const SocketInfo& b) { return a.inode < b.inode; });
    for (SocketInfo& s : sockets) s.pids.clear();
    // Processes in pid order: each socket's list comes out sorted; a socket on two fds of one
    // process counts once.
    std::vector<size_t> order(procs.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return procs[a].pid < procs[b].pid; });
    for (size_t pi : order) {
        const ProcessInfo& p = procs[pi];
        for (SocketInode ino : p.socket_inodes) {
            if (ino == 0) continue;
            auto it = std::lower_bound(sockets.begin(), sockets.end(), ino,
                                       [](const SocketInfo& s, SocketInode v) { return s.inode < v; });
            for (; it != sockets.end() && it->inode == ino; ++it)
                if (it->pids.empty() || it->pids[it->pids.size() - 1] != p.pid) it->pids.push_back(p.pid);
        }
    }
}

}  // namespace mr
